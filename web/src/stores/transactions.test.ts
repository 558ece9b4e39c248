import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient, type ApiClient } from '@/api/client'
import { transaction } from '@/test/fixtures'
import { createTransactionFeed } from './transactions'

/** A fake keyset API over `total` rows, newest first, pages of `limit`. */
function fakeApi(total: number) {
  const list = vi.fn(async (input: { cursor?: string; limit: number; q?: string }) => {
    const start = input.cursor ? Number(input.cursor) : 0
    const end = Math.min(total, start + input.limit)
    const items = Array.from({ length: end - start }, (_, i) => transaction(total - (start + i)))
    return { items, nextCursor: end < total ? String(end) : null }
  })
  setApiClient({ transactions: { list: { query: list } } } as unknown as ApiClient)
  return list
}

describe('transaction feed (keyset pages)', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApiClient(null))

  it('appends pages until the cursor runs out', async () => {
    const list = fakeApi(1_200)
    const feed = createTransactionFeed(500)
    await feed.start({ entityId: 'ent_a' })
    expect(feed.rows.value).toHaveLength(500)
    expect(feed.done.value).toBe(false)
    await feed.loadMore()
    await feed.loadMore()
    expect(feed.rows.value).toHaveLength(1_200)
    expect(feed.done.value).toBe(true)
    await feed.loadMore() // nothing left: no request
    expect(list).toHaveBeenCalledTimes(3)
    expect(list.mock.calls[1]![0]).toMatchObject({ entityId: 'ent_a', cursor: '500', limit: 500 })
    expect(feed.rows.value[0]!.id).toBe('1200')
    expect(Object.isFrozen(feed.rows.value[0])).toBe(true)
  })

  it('goes on after a page the server cut short (a search read its budget of rows and found nothing yet)', async () => {
    const list = vi.fn(async (input: { cursor?: string }) =>
      input.cursor
        ? { items: [transaction(1)], nextCursor: null, searchedBackTo: null }
        : { items: [], nextCursor: 'after-budget', searchedBackTo: '2026-03-14' },
    )
    setApiClient({ transactions: { list: { query: list } } } as unknown as ApiClient)
    const feed = createTransactionFeed(500)
    await feed.start({ q: 'rare' })
    expect(feed.rows.value).toHaveLength(0)
    expect(feed.done.value).toBe(false)
    // How far back the search has looked, for the person waiting.
    expect(feed.searchedBackTo.value).toBe('2026-03-14')
    await feed.loadMore()
    expect(list.mock.calls[1]![0]).toMatchObject({ q: 'rare', cursor: 'after-budget' })
    expect(feed.rows.value).toHaveLength(1)
    expect(feed.done.value).toBe(true)
    expect(feed.searchedBackTo.value).toBeNull()
    // A new query starts without the old one's progress.
    list.mockImplementationOnce(async () => ({ items: [], nextCursor: 'again', searchedBackTo: '2026-05-01' }))
    await feed.start({ q: 'other' })
    expect(feed.searchedBackTo.value).toBe('2026-05-01')
  })

  it('holds 100,000 rows', async () => {
    fakeApi(100_000)
    const feed = createTransactionFeed(500)
    await feed.start({})
    while (!feed.done.value) await feed.loadMore()
    expect(feed.rows.value).toHaveLength(100_000)
    expect(new Set(feed.rows.value.map((r) => r.id)).size).toBe(100_000)
  })

  it('starts over when the query changes and ignores the old query’s late page', async () => {
    const list = fakeApi(2_000)
    const feed = createTransactionFeed(500)
    await feed.start({ q: 'rent' })
    let release: () => void = () => {}
    list.mockImplementationOnce(() => new Promise((resolve) => (release = () => resolve({ items: [transaction(9_999)], nextCursor: null }))))
    const stale = feed.loadMore()
    await feed.start({ q: 'salary' })
    release()
    await stale
    expect(feed.rows.value).toHaveLength(500)
    expect(feed.rows.value.some((r) => r.id === '9999')).toBe(false)
    expect(feed.query.value).toEqual({ q: 'salary' })
  })

  it('shows an error for a failed page and retries that page', async () => {
    const list = fakeApi(800)
    const feed = createTransactionFeed(500)
    await feed.start({})
    list.mockRejectedValueOnce(new Error('network down'))
    await feed.loadMore()
    expect(feed.error.value).toBe('network down')
    expect(feed.rows.value).toHaveLength(500)
    await feed.retry()
    expect(feed.error.value).toBeNull()
    expect(feed.rows.value).toHaveLength(800)
  })
})
