import type { CurrencyCode } from '@treasury/shared'
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
 * rates, stale and unconverted lists) and the 90-day trend (whose daily closings also give the
 * change figures). Each is its own panel-sized resource. The other groupings are computed from the
 * account list at the rates the summary reports (lib/breakdown.ts): the server applies exactly
 * those rates, so the rows match `position.summary` to the minor unit, without a request each.
 */
export const usePositionStore = defineStore('position', () => {
  const summary = createResource((s: PositionScope) =>
    api().position.summary.query({ currency: s.currency, groupBy: 'currency', asOf: s.asOf, entityId: s.entityId }),
  )
  const trend = createResource((s: PositionScope) =>
    api().position.trend.query({ currency: s.currency, from: addDays(s.reportDate, -(TREND_DAYS - 1)), to: s.reportDate, entityId: s.entityId }),
  )

  /** FX rates behind the figures on screen (the summary's), for the rates dialog. */
  const fx = computed(() => summary.data.value?.fx ?? [])

  function loadSummary(scope: PositionScope) {
    return summary.load(normalise(scope))
  }

  function loadOverview(scope: PositionScope) {
    const s = normalise(scope)
    return Promise.all([summary.load(s), trend.load(s)])
  }

  return { summary, trend, fx, loadSummary, loadOverview }
})

function normalise(scope: PositionScope): PositionScope {
  return { currency: scope.currency, reportDate: scope.reportDate, asOf: scope.asOf, entityId: scope.entityId }
}
