import type { CurrencyCode, PositionGroupBy } from '@treasury/shared'
import { defineStore } from 'pinia'
import { computed } from 'vue'
import { api } from '@/api/client'
import { addDays } from '@/dates'
import { createResource } from './resource'

/** The scope and day every overview figure is for. */
export interface PositionScope {
  currency: CurrencyCode
  /** The day the figures are for (YYYY-MM-DD). */
  reportDate: string
  /** Sent to the server only when the person chose a day (otherwise the server's today). */
  asOf?: string | undefined
  entityId?: string | undefined
}

export const TREND_DAYS = 90

/**
 * The consolidated position: the summary behind the KPI cards (grouped by currency, with the FX
 * rates, stale and unconverted lists), the breakdown the chart shows (grouped by bank, member
 * company, region or account type; by currency it is the summary itself), and the 90-day trend
 * (whose daily closings also give the change figures). Each is its own panel-sized resource.
 * Breakdowns come from the server, never recomputed here: the server converts each account at
 * exact rates, and the rows must add up to the total to the last minor unit.
 */
export const usePositionStore = defineStore('position', () => {
  const summary = createResource((s: PositionScope) =>
    api().position.summary.query({ currency: s.currency, groupBy: 'currency', asOf: s.asOf, entityId: s.entityId }),
  )
  const breakdown = createResource((a: PositionScope & { groupBy: PositionGroupBy }) =>
    api().position.summary.query({ currency: a.currency, groupBy: a.groupBy, asOf: a.asOf, entityId: a.entityId }),
  )
  const trend = createResource((s: PositionScope) =>
    api().position.trend.query({ currency: s.currency, from: addDays(s.reportDate, -(TREND_DAYS - 1)), to: s.reportDate, entityId: s.entityId }),
  )

  /** FX rates behind the figures on screen (the summary's), for the rates dialog. */
  const fx = computed(() => summary.data.value?.fx ?? [])

  function loadSummary(scope: PositionScope) {
    return summary.load(normalise(scope))
  }

  function loadOverview(scope: PositionScope, groupBy: PositionGroupBy) {
    const s = normalise(scope)
    return Promise.all([summary.load(s), groupBy === 'currency' ? undefined : breakdown.load({ ...s, groupBy }), trend.load(s)])
  }

  return { summary, breakdown, trend, fx, loadSummary, loadOverview }
})

function normalise(scope: PositionScope): PositionScope {
  return { currency: scope.currency, reportDate: scope.reportDate, asOf: scope.asOf, entityId: scope.entityId }
}
