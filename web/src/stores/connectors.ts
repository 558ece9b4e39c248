import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { api, errorMessage, type ApiClient } from '@/api/client'
import { createResource, type Resource } from './resource'

type Output<P extends { query: (...args: any[]) => Promise<unknown> }> = Awaited<ReturnType<P['query']>>

/** One bank connection as `connectors.list` returns it (health, accounts, schedule). */
export type ConnectionItem = Output<ApiClient['connectors']['list']>[number]
export type ConnectionHealth = ConnectionItem['status']
export type ConnectionAccount = ConnectionItem['accounts'][number]
/** One sync run as `connectors.runs` returns it (newest first). */
export type SyncRunItem = Output<ApiClient['connectors']['runs']>[number]

/** How often the open Connections page re-reads the list. */
export const POLL_MS = 10_000
/** How many recent runs each connection shows. */
export const RUNS_LIMIT = 5
/** After this long without a finished run, a "sync now" stops showing progress (the list keeps polling). */
export const SYNC_WAIT_MS = 3 * 60_000

/** Progress of one "sync now": asked for → the engine runs it → done (or it failed). */
export interface SyncRequest {
  phase: 'requesting' | 'waiting' | 'done' | 'failed'
  /** When the server made it due; a run finished at or after this one answers it. */
  dueAt: Date | null
  error: string | null
}

/**
 * Bank connections for the Connections page. The list is polled while the page is open and
 * refreshes quietly (the figures stay on screen; a failed refresh is reported next to them).
 * Each connection's recent runs are a panel of their own, with their own error and retry.
 */
export const useConnectorsStore = defineStore('connectors', () => {
  const items = shallowRef<ConnectionItem[] | null>(null)
  const loading = ref(false)
  const refreshing = ref(false)
  const error = ref<string | null>(null)
  const refreshedAt = shallowRef<Date | null>(null)
  const syncs = ref<Record<string, SyncRequest>>({})
  const runs = new Map<string, Resource<{ id: string; limit: number }, SyncRunItem[]>>()
  let inFlight: Promise<void> | null = null
  let generation = 0

  /** The recent-runs panel of one connection (created on first use). */
  function runsOf(id: string) {
    let resource = runs.get(id)
    if (!resource) {
      resource = createResource((a: { id: string; limit: number }) => api().connectors.runs.query(a), { cacheSize: 1, maxAgeMs: 0 })
      runs.set(id, resource)
    }
    return resource
  }

  function loadRuns(id: string, options: { force?: boolean } = {}) {
    return runsOf(id).load({ id, limit: RUNS_LIMIT }, options)
  }

  /** Applies a fresh list: finishes "sync now" requests answered by a run and re-reads changed runs. */
  function apply(next: ConnectionItem[]) {
    const before = new Map((items.value ?? []).map((c) => [c.id, c.lastRunAt?.getTime() ?? null]))
    items.value = next
    refreshedAt.value = new Date()
    const now = Date.now()
    for (const c of next) {
      const ranAgain = before.has(c.id) && before.get(c.id) !== (c.lastRunAt?.getTime() ?? null)
      const request = syncs.value[c.id]
      if (request?.phase === 'waiting' && request.dueAt) {
        if (c.lastRunAt && c.lastRunAt.getTime() >= request.dueAt.getTime()) syncs.value[c.id] = { ...request, phase: 'done' }
        else if (now - request.dueAt.getTime() > SYNC_WAIT_MS) delete syncs.value[c.id]
      }
      if (ranAgain && runs.get(c.id)?.args.value) void loadRuns(c.id, { force: true })
    }
  }

  /**
   * Reads the list. The first load shows a skeleton; later ones (polling, after "sync now") keep
   * the list on screen. Calls while a read is under way share it.
   */
  function refresh(): Promise<void> {
    if (inFlight) return inFlight
    const mine = ++generation
    const first = items.value === null
    if (first) loading.value = true
    else refreshing.value = true
    inFlight = (async () => {
      try {
        const next = await api().connectors.list.query()
        if (mine !== generation) return
        error.value = null
        apply(next)
      } catch (e) {
        if (mine !== generation) return
        error.value = errorMessage(e)
      } finally {
        if (mine === generation) {
          loading.value = false
          refreshing.value = false
          inFlight = null
        }
      }
    })()
    return inFlight
  }

  /** Loads the list unless it is already there (or on its way). */
  function ensure(): Promise<void> {
    return items.value === null ? refresh() : Promise.resolve()
  }

  /** Re-reads the list every {@link POLL_MS} until the returned stop function is called. */
  function startPolling(intervalMs = POLL_MS): () => void {
    void refresh()
    const timer = setInterval(() => {
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return
      void refresh()
    }, intervalMs)
    return () => clearInterval(timer)
  }

  /** Asks the server to sync a connection now, then refreshes the list and its runs. */
  async function syncNow(id: string): Promise<void> {
    const current = syncs.value[id]
    if (current && (current.phase === 'requesting' || current.phase === 'waiting')) return
    syncs.value[id] = { phase: 'requesting', dueAt: null, error: null }
    try {
      const answer = await api().connectors.syncNow.mutate({ id })
      syncs.value[id] = { phase: 'waiting', dueAt: answer.nextRunAt, error: null }
    } catch (e) {
      syncs.value[id] = { phase: 'failed', dueAt: null, error: errorMessage(e) }
      return
    }
    await refresh()
    if (runs.get(id)?.args.value) await loadRuns(id, { force: true })
  }

  /** Forgets a finished or failed "sync now" (its message has been seen). */
  function clearSync(id: string) {
    const current = syncs.value[id]
    if (current && (current.phase === 'done' || current.phase === 'failed')) delete syncs.value[id]
  }

  function reset() {
    generation++
    inFlight = null
    items.value = null
    loading.value = false
    refreshing.value = false
    error.value = null
    refreshedAt.value = null
    syncs.value = {}
    for (const r of runs.values()) r.reset()
    runs.clear()
  }

  return { items, loading, refreshing, error, refreshedAt, syncs, runsOf, loadRuns, refresh, ensure, startPolling, syncNow, clearSync, reset }
})

/** Accounts of a connection without a booked balance of today, first. */
export function staleAccounts(connection: ConnectionItem): ConnectionAccount[] {
  return connection.accounts.filter((a) => a.stale)
}

/**
 * How long the engine may be behind a connection's next run before the page calls it overdue: it
 * picks up due runs every few seconds, a busy engine (a backfill) later, and the browser's clock
 * may differ from the server's by a little.
 */
export const OVERDUE_GRACE_MS = 5 * 60_000

/** Whole minutes a connection's next run is behind `now` (0 when not overdue, disabled or unscheduled). */
export function overdueMinutes(connection: Pick<ConnectionItem, 'nextRunAt' | 'status'>, now: Date | null): number {
  if (!now || !connection.nextRunAt || connection.status === 'disabled') return 0
  const late = now.getTime() - connection.nextRunAt.getTime()
  return late > OVERDUE_GRACE_MS ? Math.floor(late / 60_000) : 0
}

/** Worst health first, then by name: the connections that need attention lead the page. */
export function sortByHealth(list: readonly ConnectionItem[]): ConnectionItem[] {
  const rank: Record<ConnectionHealth, number> = { failing: 0, degraded: 1, ok: 2, disabled: 3 }
  return [...list].sort((a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name, 'zh-CN'))
}
