import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { api, errorMessage, type TransactionItem } from '@/api/client'
import { fetchLargest } from '@/api/queries'
import { argsKey, createResource } from './resource'

/** What the transactions list is filtered by (amounts in minor units, bounds on the absolute amount). */
export interface TransactionQuery {
  accountId?: string | undefined
  entityId?: string | undefined
  from?: string | undefined
  to?: string | undefined
  minAmount?: bigint | undefined
  maxAmount?: bigint | undefined
  direction?: 'in' | 'out' | undefined
  q?: string | undefined
}

/** Rows per keyset page: the API's maximum, so 100,000 rows are 200 requests, fetched as the person scrolls. */
export const PAGE_SIZE = 500

/**
 * A keyset-paginated transaction list: pages are appended as the virtual table nears its end,
 * newest first. Changing the query starts over; answers to an older query are dropped.
 */
export function createTransactionFeed(pageSize = PAGE_SIZE) {
  const rows = shallowRef<readonly TransactionItem[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  const done = ref(false)
  /** While a search is cut short page by page: the booking date down to which the list has been looked through. */
  const searchedBackTo = ref<string | null>(null)
  const query = shallowRef<TransactionQuery | null>(null)
  let cursor: string | null = null
  let key: string | null = null
  let generation = 0

  async function start(next: TransactionQuery, { force = false } = {}) {
    const nextKey = argsKey(next)
    if (!force && nextKey === key && (rows.value.length > 0 || loading.value)) return
    generation++
    key = nextKey
    query.value = next
    rows.value = []
    cursor = null
    done.value = false
    searchedBackTo.value = null
    error.value = null
    loading.value = false
    await loadMore()
  }

  async function loadMore() {
    if (loading.value || done.value || query.value === null) return
    const mine = generation
    loading.value = true
    error.value = null
    try {
      const page = await api().transactions.list.query({ ...query.value, cursor: cursor ?? undefined, limit: pageSize })
      if (mine !== generation) return
      // Frozen rows: Vue does not make 100,000 objects reactive, and nothing edits them.
      rows.value = rows.value.concat(page.items.map((item) => Object.freeze(item)))
      cursor = page.nextCursor
      done.value = page.nextCursor === null
      searchedBackTo.value = page.searchedBackTo ?? null
    } catch (e) {
      if (mine !== generation) return
      error.value = errorMessage(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** After an error: try the same page again. */
  async function retry() {
    if (rows.value.length === 0 && query.value) return start(query.value, { force: true })
    return loadMore()
  }

  return { rows, loading, error, done, searchedBackTo, query, start, loadMore, retry }
}

export type TransactionFeed = ReturnType<typeof createTransactionFeed>

/**
 * Transactions: the main list with its totals, an account page's list, and the day's largest
 * movements on the overview.
 */
export const useTransactionsStore = defineStore('transactions', () => {
  const feed = createTransactionFeed()
  const summary = createResource((query: TransactionQuery) => api().transactions.summary.query(query))
  const accountFeed = createTransactionFeed()
  const largest = createResource(fetchLargest)
  return { feed, summary, accountFeed, largest }
})
