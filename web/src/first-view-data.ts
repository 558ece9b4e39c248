import type { CurrencyCode } from '@treasury/shared/currencies'
import { fetchAccountList, fetchBanks, fetchEntities, fetchLargest, fetchSummary, fetchTrend, type PositionScope } from '@/api/queries'
import { todayInGroup } from '@/dates'
import { readSettings, settingsStorage } from '@/lib/settings'
import { parseGlobalQuery, type RawQuery } from '@/url-state'

/**
 * The landing page's data, started by the entry before the app's code has even downloaded: the
 * server works on the first view's answers while the browser loads and runs the framework, instead
 * of after. Vue-free, so the entry does not wait for the framework to start them.
 */

/**
 * The overview's requests for a URL query: the same arguments the stores will ask with (the
 * router's loader and the entry both use this, so the stores pick up the requests under way).
 *
 * @example
 * overviewRequests({ currency: 'USD' }, 'CNY', '2026-11-27').scope
 * // → { currency: 'USD', reportDate: '2026-11-27', asOf: undefined, entityId: undefined }
 */
export function overviewRequests(query: RawQuery, defaultCurrency: CurrencyCode, today: string = todayInGroup()) {
  const { state } = parseGlobalQuery(query, today)
  const reportDate = state.asOf ?? today
  const currency = state.currency ?? defaultCurrency
  const scope: PositionScope = { currency, reportDate, asOf: state.asOf, entityId: state.entityId }
  return {
    scope,
    accounts: { entityId: state.entityId, asOf: state.asOf },
    largest: { currency, date: reportDate, entityId: state.entityId },
  }
}

/** A query string the way vue-router reads it (a repeated parameter is a list). */
export function queryOf(search: string): RawQuery {
  const params = new URLSearchParams(search)
  const query: RawQuery = {}
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key)
    query[key] = values.length > 1 ? values : values[0]
  }
  return query
}

/** Starts the requests of the page at `location` (master data always; the overview's panels on `/`). */
export function prefetchLanding(location: Pick<Location, 'pathname' | 'search'>): void {
  fetchBanks.prefetch()
  fetchEntities.prefetch()
  if (location.pathname !== '/') return
  const requests = overviewRequests(queryOf(location.search), readSettings(settingsStorage()).currency)
  fetchSummary.prefetch(requests.scope)
  fetchAccountList.prefetch(requests.accounts)
  fetchLargest.prefetch(requests.largest)
  // The slowest answer goes last: the server answers one request at a time, so the quick ones
  // (and the panels they fill) do not wait behind it.
  setTimeout(() => fetchTrend.prefetch(requests.scope))
}
