import { parseMinor } from '@treasury/shared/money'
import type { TransactionQuery } from '@/stores/transactions'
import type { TransactionFilters } from '@/url-state'

/**
 * Whether a virtual table should ask for the next page: fewer than `prefetchRows` loaded rows lie
 * below the last visible one, and nothing is loading, finished or failed.
 *
 * @example
 * wantsNextPage({ visibleEnd: 350, loaded: 500, prefetchRows: 200, loading: false, done: false, error: null }) // true
 */
export function wantsNextPage(s: { visibleEnd: number; loaded: number; prefetchRows: number; loading: boolean; done: boolean; error: string | null }): boolean {
  return !s.done && !s.loading && !s.error && s.visibleEnd >= s.loaded - s.prefetchRows
}

/**
 * The API query for the URL's transaction filters. Amount bounds apply to each transaction's own
 * currency in minor units; typed amounts are read with two decimals (the exponent of almost every
 * currency the group holds), e.g. "10000" → 1000000n.
 */
export function toTransactionQuery(filters: TransactionFilters, scope: { entityId?: string | undefined }): TransactionQuery {
  return {
    entityId: filters.account ? undefined : scope.entityId,
    accountId: filters.account,
    from: filters.from,
    to: filters.to,
    minAmount: filters.min !== undefined ? parseMinor(filters.min, 'USD') : undefined,
    maxAmount: filters.max !== undefined ? parseMinor(filters.max, 'USD') : undefined,
    direction: filters.dir,
    q: filters.q,
  }
}
