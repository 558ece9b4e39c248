import type { Db } from '../../db/client.js'
import {
  findConnection,
  listConnectionAccounts,
  listConnectionIdsInScope,
  listConnections,
  listRuns,
  scheduleConnection,
  type Connection,
  type SyncRun,
} from '../../db/queries/connectors.js'
import type { EntityScope } from '../../db/queries/scope.js'
import { GROUP_TIME_ZONE, todayIn } from '../clock.js'
import { InvalidRequestError, NotFoundError } from '../errors.js'

/**
 * What the Connections page shows: each connection's health, its accounts and how fresh they are,
 * and its recent runs. Health is derived from the run record, never stored. Every function takes
 * the caller's scope: a caller sees — and may sync — only connections that serve an account inside
 * it (`listConnectionIdsInScope`); any other id gets the same 404 as an unknown one.
 */

export type ConnectionHealth = 'ok' | 'degraded' | 'failing' | 'disabled'

/** Failed runs in a row after which a connection counts as failing (the breaker opens at its own threshold). */
export const FAILING_AFTER = 3

/**
 * - `disabled`: switched off.
 * - `failing`: its bank's circuit is open, it failed {@link FAILING_AFTER}+ times in a row, or its
 *   credentials or configuration were refused (no retry will help).
 * - `degraded`: never synced yet, the last run failed, or only some accounts synced.
 * - `ok`: the last run synced every account.
 *
 * @example
 * connectionHealth(connection, new Date()) // 'degraded'
 */
export function connectionHealth(connection: Connection, now: Date): ConnectionHealth {
  if (!connection.enabled) return 'disabled'
  const circuitOpen = connection.circuitOpenUntil !== null && connection.circuitOpenUntil > now.toISOString()
  const hopeless = connection.lastStatus === 'failed' && ['auth-failed', 'auth-expired', 'config'].includes(connection.lastErrorKind ?? '')
  if (circuitOpen || hopeless || connection.consecutiveFailures >= FAILING_AFTER) return 'failing'
  if (connection.lastSuccessAt === null || connection.consecutiveFailures > 0 || connection.lastStatus === 'partial') return 'degraded'
  return 'ok'
}

const toDate = (iso: string | null): Date | null => (iso === null ? null : new Date(iso))

/**
 * One account a connection serves, as the Connections page lists it. `stale`: no booked balance of
 * today (never for a closed account). `matched`: the bank has listed it (false: the connection is
 * expected to serve it — it is an account of its bank — but has not synced it yet).
 * `closedThrough`: a closed account's last day, after which it is not fetched.
 */
export interface ConnectionAccountView {
  id: string
  name: string
  numberMasked: string
  currency: string
  status: string
  matched: boolean
  latestBalanceDate: string | null
  verifiedThrough: string | null
  lastSyncedAt: Date | null
  lastError: string | null
  closedThrough: string | null
  stale: boolean
}

export interface ConnectionView {
  id: string
  name: string
  connectorId: string
  bankId: string
  status: ConnectionHealth
  lastSuccessAt: Date | null
  lastRunAt: Date | null
  lastError: string | null
  lastErrorKind: string | null
  nextRunAt: Date | null
  nextRunKind: string | null
  consecutiveFailures: number
  circuitOpenUntil: Date | null
  accounts: ConnectionAccountView[]
}

/** The connection, if `scope` may see it; else the 404 of an unknown one (no probing for others' banks). */
async function findConnectionInScope(db: Db, scope: EntityScope, id: string): Promise<Connection> {
  const connection = await findConnection(db, id)
  if (!connection || !(await listConnectionIdsInScope(db, scope)).has(id)) throw new NotFoundError(`unknown connection "${id}"`)
  return connection
}

/**
 * Every connection `scope` may see, with its health and its accounts inside `scope`.
 *
 * @example
 * const list = await listConnectionViews(db, scope, new Date())
 */
export async function listConnectionViews(db: Db, scope: EntityScope, now: Date, timeZone = GROUP_TIME_ZONE): Promise<ConnectionView[]> {
  const today = todayIn(timeZone, now)
  const visible = await listConnectionIdsInScope(db, scope)
  const connections = (await listConnections(db)).filter((c) => visible.has(c.id))
  return Promise.all(
    connections.map(async (c) => {
      const accounts = await listConnectionAccounts(db, c.id, scope)
      return {
        id: c.id,
        name: c.name,
        connectorId: c.connectorId,
        bankId: c.bankId,
        status: connectionHealth(c, now),
        lastSuccessAt: toDate(c.lastSuccessAt),
        lastRunAt: toDate(c.lastRunAt),
        lastError: c.lastError,
        lastErrorKind: c.lastErrorKind,
        nextRunAt: toDate(c.nextRunAt),
        nextRunKind: c.nextRunKind,
        consecutiveFailures: c.consecutiveFailures,
        circuitOpenUntil: toDate(c.circuitOpenUntil),
        accounts: accounts.map((a) => ({
          id: a.accountId,
          name: a.name,
          numberMasked: a.numberMasked,
          currency: a.currency,
          status: a.status,
          matched: a.matched,
          latestBalanceDate: a.latestBalanceDate,
          verifiedThrough: a.verifiedThrough,
          lastSyncedAt: toDate(a.lastSyncedAt),
          lastError: a.lastError,
          closedThrough: a.closedThrough,
          stale: a.status !== 'closed' && (a.latestBalanceDate === null || a.latestBalanceDate < today),
        })),
      }
    }),
  )
}

/**
 * Asks for a sync of a connection as soon as possible: marks it due now as a manual run, which the
 * engine of whichever process gets the lease picks up at its next pass (an open circuit does not
 * stop it). Returns when it is due. A connection outside `scope` is unknown (404).
 *
 * @example
 * await requestSyncNow(db, scope, 'conn_acme', new Date()) // { id: 'conn_acme', nextRunAt: Date }
 */
export async function requestSyncNow(db: Db, scope: EntityScope, id: string, now: Date): Promise<{ id: string; nextRunAt: Date }> {
  const connection = await findConnectionInScope(db, scope, id)
  if (!connection.enabled) throw new InvalidRequestError(`connection "${id}" is disabled`)
  await scheduleConnection(db, id, now.toISOString(), 'manual')
  return { id, nextRunAt: now }
}

/** A run as the API returns it. */
export interface SyncRunView extends Omit<SyncRun, 'startedAt' | 'finishedAt'> {
  startedAt: Date
  finishedAt: Date | null
  durationMs: number | null
}

/**
 * The newest runs of a connection first. A connection outside `scope` is unknown (404).
 *
 * @example
 * const runs = await listConnectionRuns(db, scope, 'conn_acme', 20)
 */
export async function listConnectionRuns(db: Db, scope: EntityScope, id: string, limit = 50): Promise<SyncRunView[]> {
  await findConnectionInScope(db, scope, id)
  const runs = await listRuns(db, id, limit)
  return runs.map((r) => ({
    ...r,
    startedAt: new Date(r.startedAt),
    finishedAt: toDate(r.finishedAt),
    durationMs: r.finishedAt ? Date.parse(r.finishedAt) - Date.parse(r.startedAt) : null,
  }))
}
