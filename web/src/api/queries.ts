import type { CurrencyCode } from '@treasury/shared/currencies'
import { addDays } from '@/dates'
import { api } from './client'
import { prefetchable } from './prefetch'

/**
 * The requests behind the overview, as plain functions of their arguments (the stores' resources
 * call them). Vue-free, so the entry can start them before the app's code has loaded.
 */

/** The scope and day every overview figure is for. */
export interface PositionScope {
  currency: CurrencyCode
  /** The day the figures are for (YYYY-MM-DD). */
  reportDate: string
  /** Sent to the server only when the person chose a day (otherwise the server's today). */
  asOf?: string | undefined
  entityId?: string | undefined
}

/** Days of the overview's trend, ending on the report day. */
export const TREND_DAYS = 90

/** How many of the day's largest movements the overview lists. */
export const LARGEST_COUNT = 8

export const fetchSummary = prefetchable((s: PositionScope) =>
  api().position.summary.query({ currency: s.currency, groupBy: 'currency', asOf: s.asOf, entityId: s.entityId }),
)

export const fetchTrend = prefetchable((s: PositionScope) =>
  api().position.trend.query({ currency: s.currency, from: addDays(s.reportDate, -(TREND_DAYS - 1)), to: s.reportDate, entityId: s.entityId }),
)

export const fetchAccountList = prefetchable((a: { entityId?: string | undefined; asOf?: string | undefined }) =>
  api().accounts.list.query({ entityId: a.entityId, asOf: a.asOf }),
)

/** The day's largest movements in scope, ranked on the server by their size in the reporting currency. */
export const fetchLargest = prefetchable((a: { currency: CurrencyCode; date: string; entityId?: string | undefined }) =>
  api().transactions.largest.query({ currency: a.currency, date: a.date, entityId: a.entityId, limit: LARGEST_COUNT }),
)

export const fetchBanks = prefetchable((_: void) => api().reference.banks.query())
export const fetchEntities = prefetchable((_: void) => api().reference.entities.query())
