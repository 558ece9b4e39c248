import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient, type ApiClient } from '@/api/client'
import { OVERDUE_GRACE_MS, overdueMinutes, POLL_MS, sortByHealth, staleAccounts, useConnectorsStore, type ConnectionItem, type SyncRunItem } from './connectors'

function connection(overrides: Partial<ConnectionItem> = {}): ConnectionItem {
  return {
    id: 'conn_cmb',
    name: '招商银行 CBS',
    connectorId: 'cmb-cbs',
    bankId: 'bank_cmb',
    status: 'ok',
    lastSuccessAt: new Date('2026-11-27T08:00:00Z'),
    lastRunAt: new Date('2026-11-27T08:00:00Z'),
    lastError: null,
    lastErrorKind: null,
    nextRunAt: new Date('2026-11-27T08:15:00Z'),
    nextRunKind: 'intraday',
    consecutiveFailures: 0,
    circuitOpenUntil: null,
    accounts: [
      { id: 'acc_1', name: 'Operating', numberMasked: '****1234', currency: 'CNY', latestBalanceDate: '2026-11-27', verifiedThrough: '2026-11-26', lastSyncedAt: new Date('2026-11-27T08:00:00Z'), lastError: null, stale: false },
      { id: 'acc_2', name: 'Payroll', numberMasked: '****5678', currency: 'CNY', latestBalanceDate: '2026-11-25', verifiedThrough: null, lastSyncedAt: null, lastError: 'timeout', stale: true },
    ],
    ...overrides,
  } as ConnectionItem
}

function run(id: number, overrides: Partial<SyncRunItem> = {}): SyncRunItem {
  return {
    id: BigInt(id),
    connectionId: 'conn_cmb',
    connectorId: 'cmb-cbs',
    kind: 'intraday',
    owner: 'test',
    startedAt: new Date('2026-11-27T07:59:00Z'),
    finishedAt: new Date('2026-11-27T08:00:00Z'),
    durationMs: 60_000,
    status: 'ok',
    errorKind: null,
    error: null,
    warnings: [],
    accounts: 2,
    accountsFailed: 0,
    accountsUnmatched: 0,
    pages: 1,
    balances: 2,
    transactionsNew: 3,
    transactionsUpdated: 0,
    transactionsUnchanged: 0,
    pendingRemoved: 0,
    duplicatePages: 0,
    retries: 0,
    ...overrides,
  } as SyncRunItem
}

function fakeApi(initial: ConnectionItem[] = [connection()]) {
  const state = { list: initial }
  const list = vi.fn(async () => state.list)
  const syncNow = vi.fn(async (input: { id: string }) => ({ id: input.id, nextRunAt: new Date('2026-11-27T09:00:00Z') }))
  const runs = vi.fn(async (_input: { id: string; limit: number }) => [run(1)])
  setApiClient({ connectors: { list: { query: list }, syncNow: { mutate: syncNow }, runs: { query: runs } } } as unknown as ApiClient)
  return { state, list, syncNow, runs }
}

describe('connectors store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    // The fixtures' times are fixed; "now" must sit just before their 09:00 sync so that the
    // store's give-up window (measured against the clock) does not depend on when tests run.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-27T08:59:00Z'))
  })
  afterEach(() => {
    setApiClient(null)
    vi.useRealTimers()
  })

  it('loads the list with a skeleton first, then refreshes quietly keeping the rows', async () => {
    const api = fakeApi()
    const store = useConnectorsStore()
    const first = store.refresh()
    expect(store.loading).toBe(true)
    await first
    expect(store.loading).toBe(false)
    expect(store.items).toHaveLength(1)

    const second = store.refresh()
    expect(store.loading).toBe(false)
    expect(store.refreshing).toBe(true)
    expect(store.items).toHaveLength(1) // still on screen
    await second
    expect(store.refreshing).toBe(false)
    expect(api.list).toHaveBeenCalledTimes(2)
  })

  it('shares a read under way and keeps the last list when a refresh fails', async () => {
    const api = fakeApi()
    const store = useConnectorsStore()
    await Promise.all([store.refresh(), store.refresh(), store.ensure()])
    expect(api.list).toHaveBeenCalledTimes(1)
    await store.ensure()
    expect(api.list).toHaveBeenCalledTimes(1)

    api.list.mockRejectedValueOnce(new Error('network down'))
    await store.refresh()
    expect(store.error).toBe('network down')
    expect(store.items).toHaveLength(1)
    await store.refresh()
    expect(store.error).toBeNull()
  })

  it('polls every 10 s until stopped', async () => {
    vi.useFakeTimers()
    const api = fakeApi()
    const store = useConnectorsStore()
    const stop = store.startPolling()
    await vi.advanceTimersByTimeAsync(0)
    expect(api.list).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(POLL_MS)
    expect(api.list).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(POLL_MS * 2)
    expect(api.list).toHaveBeenCalledTimes(4)
    stop()
    await vi.advanceTimersByTimeAsync(POLL_MS * 3)
    expect(api.list).toHaveBeenCalledTimes(4)
  })

  it('sync now: requesting → waiting → done once a run finished after it was due, and re-reads the runs', async () => {
    const api = fakeApi()
    const store = useConnectorsStore()
    await store.refresh()
    await store.loadRuns('conn_cmb')
    expect(api.runs).toHaveBeenCalledWith({ id: 'conn_cmb', limit: 5 })

    const pending = store.syncNow('conn_cmb')
    expect(store.syncs.conn_cmb?.phase).toBe('requesting')
    await store.syncNow('conn_cmb') // a second press while under way does nothing
    await pending
    expect(api.syncNow).toHaveBeenCalledTimes(1)
    expect(api.syncNow).toHaveBeenCalledWith({ id: 'conn_cmb' })
    expect(store.syncs.conn_cmb?.phase).toBe('waiting')
    expect(api.list).toHaveBeenCalledTimes(2)
    expect(api.runs).toHaveBeenCalledTimes(2)

    // The engine ran it: the next poll sees a newer lastRunAt.
    const ranAt = new Date('2026-11-27T09:00:05Z')
    api.state.list = [connection({ lastRunAt: ranAt, lastSuccessAt: ranAt })]
    api.runs.mockResolvedValueOnce([run(2, { kind: 'manual', startedAt: new Date('2026-11-27T09:00:01Z'), finishedAt: ranAt }), run(1)])
    await store.refresh()
    expect(store.syncs.conn_cmb?.phase).toBe('done')
    await vi.waitFor(() => expect(store.runsOf('conn_cmb').data.value).toHaveLength(2))
    store.clearSync('conn_cmb')
    expect(store.syncs.conn_cmb).toBeUndefined()
  })

  it('sync now reports a refusal (e.g. a disabled connection) and allows another try', async () => {
    const api = fakeApi()
    const store = useConnectorsStore()
    await store.refresh()
    api.syncNow.mockRejectedValueOnce(new Error('connection "conn_cmb" is disabled'))
    await store.syncNow('conn_cmb')
    expect(store.syncs.conn_cmb).toMatchObject({ phase: 'failed', error: 'connection "conn_cmb" is disabled' })
    await store.syncNow('conn_cmb')
    expect(store.syncs.conn_cmb?.phase).toBe('waiting')
  })

  it('gives each connection’s runs their own error and retry', async () => {
    const api = fakeApi([connection(), connection({ id: 'conn_icbc', name: 'ICBC' })])
    const store = useConnectorsStore()
    api.runs.mockRejectedValueOnce(new Error('boom'))
    await Promise.all([store.loadRuns('conn_cmb'), store.loadRuns('conn_icbc')])
    expect(store.runsOf('conn_cmb').error.value).toBe('boom')
    expect(store.runsOf('conn_icbc').data.value).toHaveLength(1)
    await store.runsOf('conn_cmb').retry()
    expect(store.runsOf('conn_cmb').error.value).toBeNull()
    expect(store.runsOf('conn_cmb').data.value).toHaveLength(1)
  })

  it('lists stale accounts and puts connections needing attention first', () => {
    expect(staleAccounts(connection()).map((a) => a.id)).toEqual(['acc_2'])
    const sorted = sortByHealth([
      connection({ id: 'a', name: 'A', status: 'ok' }),
      connection({ id: 'b', name: 'B', status: 'disabled' }),
      connection({ id: 'c', name: 'C', status: 'failing' }),
      connection({ id: 'd', name: 'D', status: 'degraded' }),
    ])
    expect(sorted.map((c) => c.id)).toEqual(['c', 'd', 'a', 'b'])
  })

  it('calls a next run overdue only past the grace period, and never for a disabled or unscheduled connection', () => {
    const due = new Date('2026-11-27T08:15:00Z')
    const at = (ms: number) => new Date(due.getTime() + ms)
    expect(overdueMinutes(connection({ nextRunAt: due }), at(-60_000))).toBe(0)
    expect(overdueMinutes(connection({ nextRunAt: due }), at(OVERDUE_GRACE_MS))).toBe(0)
    expect(overdueMinutes(connection({ nextRunAt: due }), at(OVERDUE_GRACE_MS + 1))).toBe(5)
    expect(overdueMinutes(connection({ nextRunAt: due }), at(42 * 60_000 + 30_000))).toBe(42)
    expect(overdueMinutes(connection({ nextRunAt: due, status: 'disabled' }), at(3_600_000))).toBe(0)
    expect(overdueMinutes(connection({ nextRunAt: null }), at(3_600_000))).toBe(0)
    expect(overdueMinutes(connection({ nextRunAt: due }), null)).toBe(0)
  })
})
