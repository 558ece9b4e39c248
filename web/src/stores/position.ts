import { defineStore } from 'pinia'
import { computed } from 'vue'
import { fetchSummary, fetchTrend, type PositionScope } from '@/api/queries'
import { createResource } from './resource'

export { TREND_DAYS, type PositionScope } from '@/api/queries'

/**
 * The consolidated position: the summary behind the KPI cards (grouped by currency, with the FX
 * rates, stale and unconverted lists) and the 90-day trend (whose daily closings also give the
 * change figures). Each is its own panel-sized resource. The other groupings are computed from the
 * account list at the rates the summary reports (lib/breakdown.ts): the server applies exactly
 * those rates, so the rows match `position.summary` to the minor unit, without a request each.
 */
export const usePositionStore = defineStore('position', () => {
  const summary = createResource(fetchSummary)
  const trend = createResource(fetchTrend)

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
