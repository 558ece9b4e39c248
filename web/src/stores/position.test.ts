import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient, type ApiClient } from '@/api/client'
import { summary } from '@/test/fixtures'
import { usePositionStore } from './position'

function mockClient() {
  const client = {
    position: {
      summary: { query: vi.fn(async (input: { currency: string; groupBy: string }) => summary({ currency: input.currency as 'CNY' })) },
      trend: { query: vi.fn(async (input: { currency: string; from: string; to: string }) => ({ ...input, points: [] })) },
    },
  }
  setApiClient(client as unknown as ApiClient)
  return client
}

const scope = { currency: 'CNY' as const, reportDate: '2026-11-27', asOf: undefined, entityId: undefined }

describe('position store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApiClient(null))

  it('loads the KPI summary and a 90-day trend ending on the report date', async () => {
    const client = mockClient()
    const store = usePositionStore()
    await store.loadOverview(scope)
    expect(client.position.summary.query).toHaveBeenCalledTimes(1)
    expect(client.position.summary.query).toHaveBeenCalledWith({ currency: 'CNY', groupBy: 'currency', asOf: undefined, entityId: undefined })
    expect(client.position.trend.query).toHaveBeenCalledWith({ currency: 'CNY', from: '2026-08-30', to: '2026-11-27', entityId: undefined })
    expect(store.summary.data?.total).toBe(1_000_000_00n)
    expect(store.summary.loading).toBe(false)
  })

  it('serves a repeated scope from memory and refetches on retry', async () => {
    const client = mockClient()
    const store = usePositionStore()
    await store.loadSummary(scope)
    await store.loadSummary({ ...scope, currency: 'USD' })
    await store.loadSummary(scope)
    expect(client.position.summary.query).toHaveBeenCalledTimes(2)
    expect(store.summary.data?.currency).toBe('CNY')
    await store.summary.retry()
    expect(client.position.summary.query).toHaveBeenCalledTimes(3)
  })

  it('keeps one failing panel to itself: its error, the others their data', async () => {
    const client = mockClient()
    client.position.trend.query.mockRejectedValueOnce(new Error('trend: database busy'))
    const store = usePositionStore()
    await store.loadOverview(scope)
    expect(store.trend.error).toBe('trend: database busy')
    expect(store.trend.data).toBeNull()
    expect(store.summary.error).toBeNull()
    expect(store.summary.data).not.toBeNull()
    await store.trend.retry()
    expect(store.trend.error).toBeNull()
    expect(store.trend.data?.to).toBe('2026-11-27')
  })

  it('drops an answer that arrives after the scope changed', async () => {
    const client = mockClient()
    let release: () => void = () => {}
    client.position.summary.query.mockImplementationOnce(
      (input) => new Promise((resolve) => (release = () => resolve(summary({ currency: input.currency as 'CNY', total: 1n })))),
    )
    const store = usePositionStore()
    const slow = store.loadSummary(scope)
    await store.loadSummary({ ...scope, currency: 'USD' })
    release()
    await slow
    expect(store.summary.data?.currency).toBe('USD')
  })

  it('exposes the FX rates behind the summary', async () => {
    const client = mockClient()
    client.position.summary.query.mockResolvedValueOnce(summary({ fx: [{ currency: 'USD', rate: '7.1000000000', rateDate: '2026-11-27', source: 'PBOC' }] }))
    const store = usePositionStore()
    await store.loadSummary(scope)
    expect(store.fx).toEqual([{ currency: 'USD', rate: '7.1000000000', rateDate: '2026-11-27', source: 'PBOC' }])
  })
})
