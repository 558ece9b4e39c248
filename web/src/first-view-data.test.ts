import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient, type ApiClient } from '@/api/client'
import { todayInGroup } from '@/dates'
import { overviewRequests, prefetchLanding, queryOf } from '@/first-view-data'
import { SETTINGS_KEY } from '@/lib/settings'
import { useAccountsStore } from '@/stores/accounts'
import { usePositionStore } from '@/stores/position'
import { useReferenceStore } from '@/stores/reference'
import { useTransactionsStore } from '@/stores/transactions'
import { useViewStore } from '@/stores/view'
import { summary } from '@/test/fixtures'

function mockApi() {
  const calls = {
    summary: vi.fn(async (input: { currency: string }) => summary({ currency: input.currency as 'CNY' })),
    trend: vi.fn(async (input: { currency: string; from: string; to: string }) => ({ ...input, points: [] })),
    accounts: vi.fn(async () => ({ items: [] })),
    largest: vi.fn(async (input: { currency: string; date: string }) => ({ ...input, count: 0, items: [], fx: [], unconverted: [] })),
    banks: vi.fn(async () => []),
    entities: vi.fn(async () => []),
  }
  setApiClient({
    position: { summary: { query: calls.summary }, trend: { query: calls.trend } },
    accounts: { list: { query: calls.accounts } },
    transactions: { largest: { query: calls.largest } },
    reference: { banks: { query: calls.banks }, entities: { query: calls.entities } },
  } as unknown as ApiClient)
  return calls
}

/** What the overview asks its stores for once mounted (OverviewView.vue and App.vue). */
async function overviewLoads(search: string) {
  const view = useViewStore()
  view.syncFromQuery(queryOf(search))
  await Promise.all([
    useReferenceStore().ensure(),
    usePositionStore().loadOverview({ currency: view.currency, reportDate: view.reportDate, asOf: view.asOf, entityId: view.entityId }),
    useAccountsStore().list.load({ entityId: view.entityId, asOf: view.asOf }),
    useTransactionsStore().largest.load({ currency: view.currency, date: view.reportDate, entityId: view.entityId }),
  ])
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('the first view’s requests, started by the entry', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
  })
  afterEach(() => setApiClient(null))

  it('are the requests the overview then makes: each goes to the server once', async () => {
    const api = mockApi()
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ currency: 'USD' }))
    const search = '?asOf=2026-11-20&entity=ent_hk&by=region'
    prefetchLanding({ pathname: '/', search })
    await nextTask()
    for (const call of Object.values(api)) expect(call).toHaveBeenCalledTimes(1)
    await overviewLoads(search)
    for (const call of Object.values(api)) expect(call).toHaveBeenCalledTimes(1)
    expect(api.summary).toHaveBeenCalledWith({ currency: 'USD', groupBy: 'currency', asOf: '2026-11-20', entityId: 'ent_hk' })
    expect(api.trend).toHaveBeenCalledWith({ currency: 'USD', from: '2026-08-23', to: '2026-11-20', entityId: 'ent_hk' })
    expect(api.largest).toHaveBeenCalledWith({ currency: 'USD', date: '2026-11-20', entityId: 'ent_hk', limit: 8 })
    expect(usePositionStore().summary.data?.currency).toBe('USD')
  })

  it('leave out a malformed parameter exactly as the router does', async () => {
    const api = mockApi()
    const search = '?currency=XXX&asOf=2026-02-30'
    prefetchLanding({ pathname: '/', search })
    await nextTask()
    await overviewLoads(search)
    expect(api.summary).toHaveBeenCalledTimes(1)
    expect(api.summary).toHaveBeenCalledWith({ currency: 'CNY', groupBy: 'currency', asOf: undefined, entityId: undefined })
    expect(api.largest).toHaveBeenCalledTimes(1)
  })

  it('are only the master data on other pages', async () => {
    const api = mockApi()
    prefetchLanding({ pathname: '/accounts', search: '?page=3' })
    await nextTask()
    expect(api.banks).toHaveBeenCalledTimes(1)
    expect(api.entities).toHaveBeenCalledTimes(1)
    expect(api.summary).not.toHaveBeenCalled()
    expect(api.trend).not.toHaveBeenCalled()
    await useReferenceStore().ensure()
    expect(api.banks).toHaveBeenCalledTimes(1)
  })
})

describe('overviewRequests', () => {
  it('defaults to the person’s currency and today in the group’s time zone', () => {
    expect(overviewRequests({}, 'HKD').scope).toEqual({ currency: 'HKD', reportDate: todayInGroup(), asOf: undefined, entityId: undefined })
  })
})

describe('queryOf', () => {
  it('reads a query string as vue-router does (repeated parameters are lists)', () => {
    expect(queryOf('?currency=usd&entity=a&entity=b&empty=')).toEqual({ currency: 'usd', entity: ['a', 'b'], empty: '' })
  })
})
