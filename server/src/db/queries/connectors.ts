import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import { databaseKind, type Db } from '../client.js'
import { pathInScope, type EntityScope } from './scope.js'

/**
 * Connections, sync cursors and sync runs (migrations 0002 and 0006). The table types live here,
 * next to the only SQL that touches them, and are added to the database type with `withTables`.
 * Integer columns are read through `Number()`: SQLite returns bigint, PostgreSQL int4 a number.
 * Credentials are stored sealed (services/sync/credentials.ts); this layer never sees them in clear.
 */

export type ConnectionsTable = {
  id: string
  connector_id: string
  bank_id: string
  name: string
  enabled: number | bigint
  /** Sealed (AES-256-GCM, `enc:v1:…`); plain JSON in databases written before sealing. */
  credentials: string
  config: string
  intraday_every_minutes: number | bigint | null
  end_of_day_utc: string | null
  backfill_days: number | bigint
  next_run_at: string | null
  next_run_kind: string | null
  lease_owner: string | null
  lease_until: string | null
  last_run_at: string | null
  last_success_at: string | null
  last_status: string | null
  last_error: string | null
  last_error_kind: string | null
  consecutive_failures: number | bigint
  circuit_open_until: string | null
  created_at: string
}

export type SyncCursorsTable = {
  connection_id: string
  account_id: string
  account_ref: string
  verified_through: string | null
  fetched_through: string | null
  break_date: string | null
  break_attempts: number | bigint
  window_from: string | null
  window_to: string | null
  page_cursor: string | null
  pages_done: number | bigint
  last_synced_at: string | null
  last_error: string | null
  /** Closed account: the last day its bank reported; it is not fetched again (0006). */
  closed_through: string | null
}

export type SyncRunsTable = {
  id: import('kysely').Generated<bigint | number>
  connection_id: string
  connector_id: string
  kind: string
  owner: string
  started_at: string
  finished_at: string | null
  status: string
  accounts: number | bigint
  accounts_failed: number | bigint
  accounts_unmatched: number | bigint
  pages: number | bigint
  balances: number | bigint
  transactions_new: number | bigint
  transactions_updated: number | bigint
  transactions_unchanged: number | bigint
  pending_removed: number | bigint
  duplicate_pages: number | bigint
  retries: number | bigint
  error_kind: string | null
  error: string | null
  warnings: string | null
}

export type ConnectorTables = {
  connections: ConnectionsTable
  sync_cursors: SyncCursorsTable
  sync_runs: SyncRunsTable
}

const withConnectorTables = (db: Db) => db.withTables<ConnectorTables>()

/** Why a run happened. */
export type SyncRunKind = 'intraday' | 'end-of-day' | 'manual' | 'backfill' | 'retry'
export type SyncRunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'skipped'

/** A connection as the services use it (JSON parsed, integers as numbers). */
export interface Connection {
  id: string
  connectorId: string
  bankId: string
  name: string
  enabled: boolean
  /** As stored: sealed; the sync run opens them (services/sync/credentials.ts). */
  sealedCredentials: string
  config: Record<string, unknown>
  intradayEveryMinutes: number | null
  endOfDayUtc: string | null
  backfillDays: number
  nextRunAt: string | null
  nextRunKind: SyncRunKind | null
  leaseOwner: string | null
  leaseUntil: string | null
  lastRunAt: string | null
  lastSuccessAt: string | null
  lastStatus: SyncRunStatus | null
  lastError: string | null
  lastErrorKind: string | null
  consecutiveFailures: number
  circuitOpenUntil: string | null
  createdAt: string
}

function parseJsonObject<T>(text: string, what: string): T {
  try {
    const value = JSON.parse(text) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as T
  } catch {
    // fall through
  }
  throw new Error(`stored ${what} is not a JSON object`)
}

const num = (v: number | bigint | null): number | null => (v === null ? null : Number(v))

function toConnection(row: Selectable<ConnectionsTable>): Connection {
  return {
    id: row.id,
    connectorId: row.connector_id,
    bankId: row.bank_id,
    name: row.name,
    enabled: Number(row.enabled) === 1,
    sealedCredentials: row.credentials,
    config: parseJsonObject(row.config, `config of connection ${row.id}`),
    intradayEveryMinutes: num(row.intraday_every_minutes),
    endOfDayUtc: row.end_of_day_utc,
    backfillDays: Number(row.backfill_days),
    nextRunAt: row.next_run_at,
    nextRunKind: row.next_run_kind as SyncRunKind | null,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    lastRunAt: row.last_run_at,
    lastSuccessAt: row.last_success_at,
    lastStatus: row.last_status as SyncRunStatus | null,
    lastError: row.last_error,
    lastErrorKind: row.last_error_kind,
    consecutiveFailures: Number(row.consecutive_failures),
    circuitOpenUntil: row.circuit_open_until,
    createdAt: row.created_at,
  }
}

/** What creating or replacing a connection takes; credentials come already sealed by the caller. */
export type ConnectionInput = Pick<
  Connection,
  'id' | 'connectorId' | 'bankId' | 'name' | 'sealedCredentials' | 'config' | 'intradayEveryMinutes' | 'endOfDayUtc' | 'backfillDays' | 'nextRunAt'
> & {
  enabled?: boolean
  nextRunKind?: SyncRunKind | null
  createdAt: string
}

/** Creates a connection, or replaces its settings (keeping its history and state) when the id exists. */
export async function upsertConnection(db: Db, input: ConnectionInput): Promise<void> {
  const row: Insertable<ConnectionsTable> = {
    id: input.id,
    connector_id: input.connectorId,
    bank_id: input.bankId,
    name: input.name,
    enabled: input.enabled === false ? 0 : 1,
    credentials: input.sealedCredentials,
    config: JSON.stringify(input.config),
    intraday_every_minutes: input.intradayEveryMinutes,
    end_of_day_utc: input.endOfDayUtc,
    backfill_days: input.backfillDays,
    next_run_at: input.nextRunAt,
    next_run_kind: input.nextRunKind ?? null,
    consecutive_failures: 0,
    created_at: input.createdAt,
  }
  await withConnectorTables(db)
    .insertInto('connections')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        connector_id: row.connector_id,
        bank_id: row.bank_id,
        name: row.name,
        enabled: row.enabled,
        credentials: row.credentials,
        config: row.config,
        intraday_every_minutes: row.intraday_every_minutes,
        end_of_day_utc: row.end_of_day_utc,
        backfill_days: row.backfill_days,
      }),
    )
    .execute()
}

export async function findConnection(db: Db, id: string): Promise<Connection | undefined> {
  const row = await withConnectorTables(db).selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toConnection(row)
}

export async function listConnections(db: Db): Promise<Connection[]> {
  const rows = await withConnectorTables(db).selectFrom('connections').selectAll().orderBy('id').execute()
  return rows.map(toConnection)
}

/**
 * Enabled connections whose next run is due at `now`, whose bank's circuit is closed (unless an
 * operator asked for the run) and which no live lease holds, oldest due first.
 */
export async function listDueConnections(db: Db, now: string, limit: number): Promise<Connection[]> {
  const rows = await withConnectorTables(db)
    .selectFrom('connections')
    .selectAll()
    .where('enabled', '=', 1)
    .where('next_run_at', 'is not', null)
    .where('next_run_at', '<=', now)
    // An operator's "sync now" goes through an open circuit (it is the probe they asked for).
    .where((eb) => eb.or([eb('circuit_open_until', 'is', null), eb('circuit_open_until', '<=', now), eb('next_run_kind', '=', 'manual')]))
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('next_run_at')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map(toConnection)
}

/**
 * Claims the connection for `owner` until `until` — one conditional UPDATE, atomic on both
 * databases: it succeeds only when no other owner holds a lease that is still live at `now`.
 * True when this owner now holds it.
 */
export async function claimLease(db: Db, id: string, owner: string, now: string, until: string): Promise<boolean> {
  const result = await withConnectorTables(db)
    .updateTable('connections')
    .set({ lease_owner: owner, lease_until: until })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Extends a lease this owner holds; false when it was lost (expired and taken by another process). */
export async function renewLease(db: Db, id: string, owner: string, until: string): Promise<boolean> {
  const result = await withConnectorTables(db)
    .updateTable('connections')
    .set({ lease_until: until })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function releaseLease(db: Db, id: string, owner: string): Promise<void> {
  await withConnectorTables(db).updateTable('connections').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute()
}

/** What the engine writes on a connection after a run. */
export interface ConnectionRunPatch {
  lastRunAt: string
  lastStatus: SyncRunStatus
  lastSuccessAt?: string
  lastError: string | null
  lastErrorKind: string | null
  consecutiveFailures: number
  nextRunAt: string | null
  nextRunKind: SyncRunKind | null
}

export async function recordConnectionRun(db: Db, id: string, patch: ConnectionRunPatch): Promise<void> {
  const set: Updateable<ConnectionsTable> = {
    last_run_at: patch.lastRunAt,
    last_status: patch.lastStatus,
    last_error: patch.lastError,
    last_error_kind: patch.lastErrorKind,
    consecutive_failures: patch.consecutiveFailures,
    next_run_at: patch.nextRunAt,
    next_run_kind: patch.nextRunKind,
  }
  if (patch.lastSuccessAt) set.last_success_at = patch.lastSuccessAt
  await withConnectorTables(db).updateTable('connections').set(set).where('id', '=', id).execute()
}

/** Sets when a connection runs next (and why). */
export async function scheduleConnection(db: Db, id: string, nextRunAt: string | null, kind: SyncRunKind | null): Promise<void> {
  await withConnectorTables(db).updateTable('connections').set({ next_run_at: nextRunAt, next_run_kind: kind }).where('id', '=', id).execute()
}

/** Opens (or closes, with null) the circuit of every connection to one connector's bank. */
export async function setCircuitOpenUntil(db: Db, connectorId: string, until: string | null): Promise<void> {
  await withConnectorTables(db).updateTable('connections').set({ circuit_open_until: until }).where('connector_id', '=', connectorId).execute()
}

/** Replaces the stored (sealed) credentials of a connection. */
export async function setConnectionCredentials(db: Db, id: string, sealedCredentials: string): Promise<void> {
  await withConnectorTables(db).updateTable('connections').set({ credentials: sealedCredentials }).where('id', '=', id).execute()
}

export async function setConnectionEnabled(db: Db, id: string, enabled: boolean): Promise<void> {
  await withConnectorTables(db).updateTable('connections').set({ enabled: enabled ? 1 : 0 }).where('id', '=', id).execute()
}

// ---------------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------------

export interface SyncCursor {
  connectionId: string
  accountId: string
  accountRef: string
  verifiedThrough: string | null
  fetchedThrough: string | null
  breakDate: string | null
  breakAttempts: number
  windowFrom: string | null
  windowTo: string | null
  pageCursor: string | null
  pagesDone: number
  lastSyncedAt: string | null
  lastError: string | null
  /** For an account closed in the master data: the last day its bank reported (not fetched again). */
  closedThrough: string | null
}

function toCursor(row: Selectable<SyncCursorsTable>): SyncCursor {
  return {
    connectionId: row.connection_id,
    accountId: row.account_id,
    accountRef: row.account_ref,
    verifiedThrough: row.verified_through,
    fetchedThrough: row.fetched_through,
    breakDate: row.break_date,
    breakAttempts: Number(row.break_attempts),
    windowFrom: row.window_from,
    windowTo: row.window_to,
    pageCursor: row.page_cursor,
    pagesDone: Number(row.pages_done),
    lastSyncedAt: row.last_synced_at,
    lastError: row.last_error,
    closedThrough: row.closed_through,
  }
}

export async function listCursors(db: Db, connectionId: string): Promise<SyncCursor[]> {
  const rows = await withConnectorTables(db).selectFrom('sync_cursors').selectAll().where('connection_id', '=', connectionId).orderBy('account_id').execute()
  return rows.map(toCursor)
}

/** The cursor of one account, created (empty) when the account is first matched. */
export async function ensureCursor(db: Db, connectionId: string, accountId: string, accountRef: string): Promise<SyncCursor> {
  await withConnectorTables(db)
    .insertInto('sync_cursors')
    .values({ connection_id: connectionId, account_id: accountId, account_ref: accountRef, break_attempts: 0, pages_done: 0 })
    .onConflict((oc) => oc.columns(['connection_id', 'account_id']).doUpdateSet({ account_ref: accountRef }))
    .execute()
  const row = await withConnectorTables(db)
    .selectFrom('sync_cursors')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow()
  return toCursor(row)
}

/**
 * The cursors of a connection's accounts, created (empty) for accounts seen for the first time and
 * with the bank's current ref — one write and one read for the whole run.
 */
export async function ensureCursors(db: Db, connectionId: string, accounts: readonly { accountId: string; accountRef: string }[]): Promise<Map<string, SyncCursor>> {
  if (accounts.length) {
    await withConnectorTables(db)
      .insertInto('sync_cursors')
      .values(accounts.map((a) => ({ connection_id: connectionId, account_id: a.accountId, account_ref: a.accountRef, break_attempts: 0, pages_done: 0 })))
      .onConflict((oc) => oc.columns(['connection_id', 'account_id']).doUpdateSet((eb) => ({ account_ref: eb.ref('excluded.account_ref') })))
      .execute()
  }
  return new Map((await listCursors(db, connectionId)).map((c) => [c.accountId, c]))
}

export type CursorPatch = Partial<Omit<SyncCursor, 'connectionId' | 'accountId'>>

export async function updateCursor(db: Db, connectionId: string, accountId: string, patch: CursorPatch): Promise<void> {
  const set: Updateable<SyncCursorsTable> = {}
  if (patch.accountRef !== undefined) set.account_ref = patch.accountRef
  if (patch.verifiedThrough !== undefined) set.verified_through = patch.verifiedThrough
  if (patch.fetchedThrough !== undefined) set.fetched_through = patch.fetchedThrough
  if (patch.breakDate !== undefined) set.break_date = patch.breakDate
  if (patch.breakAttempts !== undefined) set.break_attempts = patch.breakAttempts
  if (patch.windowFrom !== undefined) set.window_from = patch.windowFrom
  if (patch.windowTo !== undefined) set.window_to = patch.windowTo
  if (patch.pageCursor !== undefined) set.page_cursor = patch.pageCursor
  if (patch.pagesDone !== undefined) set.pages_done = patch.pagesDone
  if (patch.lastSyncedAt !== undefined) set.last_synced_at = patch.lastSyncedAt
  if (patch.lastError !== undefined) set.last_error = patch.lastError
  if (patch.closedThrough !== undefined) set.closed_through = patch.closedThrough
  if (Object.keys(set).length === 0) return
  await withConnectorTables(db).updateTable('sync_cursors').set(set).where('connection_id', '=', connectionId).where('account_id', '=', accountId).execute()
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

export interface SyncRunCounts {
  accounts: number
  accountsFailed: number
  accountsUnmatched: number
  pages: number
  balances: number
  transactionsNew: number
  transactionsUpdated: number
  transactionsUnchanged: number
  pendingRemoved: number
  duplicatePages: number
  retries: number
}

export interface SyncRun extends SyncRunCounts {
  id: bigint
  connectionId: string
  connectorId: string
  kind: SyncRunKind
  owner: string
  startedAt: string
  finishedAt: string | null
  status: SyncRunStatus
  errorKind: string | null
  error: string | null
  warnings: string[]
}

function toRun(row: Selectable<SyncRunsTable>): SyncRun {
  return {
    id: BigInt(row.id),
    connectionId: row.connection_id,
    connectorId: row.connector_id,
    kind: row.kind as SyncRunKind,
    owner: row.owner,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status as SyncRunStatus,
    accounts: Number(row.accounts),
    accountsFailed: Number(row.accounts_failed),
    accountsUnmatched: Number(row.accounts_unmatched),
    pages: Number(row.pages),
    balances: Number(row.balances),
    transactionsNew: Number(row.transactions_new),
    transactionsUpdated: Number(row.transactions_updated),
    transactionsUnchanged: Number(row.transactions_unchanged),
    pendingRemoved: Number(row.pending_removed),
    duplicatePages: Number(row.duplicate_pages),
    retries: Number(row.retries),
    errorKind: row.error_kind,
    error: row.error,
    warnings: row.warnings ? row.warnings.split('\n') : [],
  }
}

/** Records the start of a run; returns its id. */
export async function insertRun(
  db: Db,
  run: { connectionId: string; connectorId: string; kind: SyncRunKind; owner: string; startedAt: string; status?: SyncRunStatus; finishedAt?: string; error?: string; errorKind?: string },
): Promise<bigint> {
  const row = await withConnectorTables(db)
    .insertInto('sync_runs')
    .values({
      connection_id: run.connectionId,
      connector_id: run.connectorId,
      kind: run.kind,
      owner: run.owner,
      started_at: run.startedAt,
      finished_at: run.finishedAt ?? null,
      status: run.status ?? 'running',
      accounts: 0,
      accounts_failed: 0,
      accounts_unmatched: 0,
      pages: 0,
      balances: 0,
      transactions_new: 0,
      transactions_updated: 0,
      transactions_unchanged: 0,
      pending_removed: 0,
      duplicate_pages: 0,
      retries: 0,
      error: run.error ?? null,
      error_kind: run.errorKind ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return BigInt(row.id)
}

export async function finishRun(
  db: Db,
  id: bigint,
  result: SyncRunCounts & { finishedAt: string; status: SyncRunStatus; errorKind: string | null; error: string | null; warnings: string[] },
): Promise<void> {
  await withConnectorTables(db)
    .updateTable('sync_runs')
    .set({
      finished_at: result.finishedAt,
      status: result.status,
      accounts: result.accounts,
      accounts_failed: result.accountsFailed,
      accounts_unmatched: result.accountsUnmatched,
      pages: result.pages,
      balances: result.balances,
      transactions_new: result.transactionsNew,
      transactions_updated: result.transactionsUpdated,
      transactions_unchanged: result.transactionsUnchanged,
      pending_removed: result.pendingRemoved,
      duplicate_pages: result.duplicatePages,
      retries: result.retries,
      error_kind: result.errorKind,
      error: result.error,
      warnings: result.warnings.length ? result.warnings.join('\n') : null,
    })
    .where('id', '=', id)
    .execute()
}

/** The newest runs of a connection first. */
export async function listRuns(db: Db, connectionId: string, limit = 50): Promise<SyncRun[]> {
  const rows = await withConnectorTables(db)
    .selectFrom('sync_runs')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  return rows.map(toRun)
}

/** Runs left `running` by a process that died: closed as failed so the record stays truthful. */
export async function failAbandonedRuns(db: Db, connectionId: string, owner: string, now: string): Promise<number> {
  const result = await withConnectorTables(db)
    .updateTable('sync_runs')
    .set({ status: 'failed', finished_at: now, error_kind: 'abandoned', error: 'the process running this sync stopped before it finished' })
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'running')
    .where('owner', '<>', owner)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Deletes a connection's finished runs that started before `before`, except its newest `keepNewest`
 * runs (so an idle connection still shows its last runs). Returns how many were deleted.
 *
 * @example
 * await pruneRuns(db, 'conn_acme', { before: '2026-10-21T00:00:00.000Z', keepNewest: 50 })
 */
export async function pruneRuns(db: Db, connectionId: string, options: { before: string; keepNewest: number }): Promise<number> {
  const t = withConnectorTables(db)
  // The id of the oldest run still among the newest `keepNewest`; nothing is pruned from it on.
  const boundary = await t
    .selectFrom('sync_runs')
    .select('id')
    .where('connection_id', '=', connectionId)
    .orderBy('id', 'desc')
    .offset(Math.max(0, options.keepNewest - 1))
    .limit(1)
    .executeTakeFirst()
  if (!boundary) return 0
  const result = await t
    .deleteFrom('sync_runs')
    .where('connection_id', '=', connectionId)
    .where('id', '<', boundary.id)
    .where('started_at', '<', options.before)
    .where('status', '<>', 'running')
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

// ---------------------------------------------------------------------------------------------
// Accounts as a connection sees them
// ---------------------------------------------------------------------------------------------

/** The group's accounts at a bank, for matching what a connector lists. */
export async function listBankAccounts(db: Db, bankId: string) {
  return db
    .selectFrom('accounts')
    .select(['id', 'number', 'iban', 'currency', 'name', 'number_masked', 'status'])
    .where('bank_id', '=', bankId)
    .orderBy('id')
    .execute()
}

/** The date of the account's latest closing booked balance (CLBD), or null without one. */
export async function latestClosingDate(db: Db, accountId: string): Promise<string | null> {
  const row = await db
    .selectFrom('balances')
    .select('date')
    .where('account_id', '=', accountId)
    .where('type', '=', 'CLBD')
    .orderBy('date', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.date ?? null
}

/**
 * Which connection serves which account: the accounts a connection has matched (its cursors), and
 * — for an account no connection has matched yet — every connection to the account's bank (it is
 * expected to serve it: a bank down from the very first run still owns its accounts). `via` tells
 * the two apart.
 */
function accountConnections(db: Db) {
  const t = withConnectorTables(db)
  return t
    .selectFrom('sync_cursors')
    .select(['account_id', 'connection_id', sql<string>`'cursor'`.as('via')])
    .unionAll(
      t
        .selectFrom('accounts as a')
        .innerJoin('connections as k', 'k.bank_id', 'a.bank_id')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('sync_cursors as m').select('m.account_id').whereRef('m.account_id', '=', 'a.id'))))
        .select(['a.id as account_id', 'k.id as connection_id', sql<string>`'bank'`.as('via')]),
    )
}

/** True when the scope holds a whole group (a root member company), not only part of one. */
function coversAGroup(scope: EntityScope): boolean {
  // Paths are '/root/…/id/': a root's path has exactly one segment.
  return scope.paths.some((p) => p.split('/').filter(Boolean).length === 1)
}

/**
 * The ids of the connections a scope may see: those serving at least one account inside it
 * (see {@link listAccountConnections}), and — for a caller who sees a whole group — also those
 * serving no account at all yet (a connection just registered to a bank without master data).
 *
 * @example
 * const visible = await listConnectionIdsInScope(db, scope) // Set { 'conn_icbc-cmp_bnk_icbc', … }
 */
export async function listConnectionIdsInScope(db: Db, scope: EntityScope): Promise<Set<string>> {
  const t = withConnectorTables(db)
  const serving = await t
    .selectFrom(accountConnections(db).as('ac'))
    .innerJoin('accounts as a', 'a.id', 'ac.account_id')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .where(pathInScope('e.path', scope))
    .select('ac.connection_id')
    .distinct()
    .execute()
  const ids = new Set(serving.map((r) => r.connection_id))
  if (coversAGroup(scope)) {
    const idle = await t
      .selectFrom('connections as k')
      .where((eb) => eb.not(eb.exists(eb.selectFrom(accountConnections(db).as('ac')).select('ac.account_id').whereRef('ac.connection_id', '=', 'k.id'))))
      .select('k.id')
      .execute()
    for (const r of idle) ids.add(r.id)
  }
  return ids
}

/**
 * Per account inside `scope`, each connection that serves it (see `via`) and that connection's
 * latest run: what a "stale because its bank's sync is failing" rule needs.
 *
 * - `via: 'cursor'`: the connection matched the account (it has synced, or tried to sync, it);
 * - `via: 'bank'`: no connection has matched the account yet; every connection to its bank is
 *   listed (e.g. a bank that has been down since its very first run).
 *
 * @example
 * const rows = await listAccountConnections(db, scope)
 * rows.filter((r) => r.lastStatus === 'failed').map((r) => r.accountId)
 */
export async function listAccountConnections(db: Db, scope: EntityScope) {
  const rows = await withConnectorTables(db)
    .selectFrom(accountConnections(db).as('ac'))
    .innerJoin('accounts as a', 'a.id', 'ac.account_id')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .innerJoin('connections as k', 'k.id', 'ac.connection_id')
    .where(pathInScope('e.path', scope))
    .select([
      'ac.account_id',
      'ac.connection_id',
      'ac.via',
      'k.connector_id',
      'k.enabled',
      'k.last_status',
      'k.last_run_at',
      'k.last_success_at',
      'k.last_error',
      'k.last_error_kind',
      'k.consecutive_failures',
    ])
    .orderBy('ac.account_id')
    .orderBy('ac.connection_id')
    .execute()
  return rows.map((r) => ({
    accountId: r.account_id,
    connectionId: r.connection_id,
    via: r.via as 'cursor' | 'bank',
    connectorId: r.connector_id,
    enabled: Number(r.enabled) === 1,
    lastStatus: r.last_status as SyncRunStatus | null,
    lastRunAt: r.last_run_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    lastErrorKind: r.last_error_kind,
    consecutiveFailures: Number(r.consecutive_failures),
  }))
}

/**
 * The accounts a connection serves inside the caller's scope (see {@link listAccountConnections}):
 * master data, sync state (null for an account it has not matched yet) and the date of the
 * latest booked balance (closing or interim).
 */
export async function listConnectionAccounts(db: Db, connectionId: string, scope: EntityScope) {
  const rows = await withConnectorTables(db)
    .selectFrom(accountConnections(db).as('ac'))
    .innerJoin('accounts as a', 'a.id', 'ac.account_id')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .leftJoin('sync_cursors as c', (join) => join.onRef('c.account_id', '=', 'ac.account_id').onRef('c.connection_id', '=', 'ac.connection_id'))
    .where('ac.connection_id', '=', connectionId)
    .where(pathInScope('e.path', scope))
    .select(['a.id', 'a.name', 'a.number_masked', 'a.currency', 'a.entity_id', 'a.status', 'ac.via', 'c.verified_through', 'c.fetched_through', 'c.last_synced_at', 'c.last_error', 'c.closed_through'])
    .select((eb) =>
      eb
        .selectFrom('balances as b')
        .select((b) => b.fn.max('b.date').as('d'))
        .whereRef('b.account_id', '=', 'a.id')
        .where('b.type', 'in', ['CLBD', 'ITBD'])
        .as('latest_balance_date'),
    )
    .orderBy('a.id')
    .execute()
  return rows.map((r) => ({
    accountId: r.id,
    name: r.name,
    numberMasked: r.number_masked,
    currency: r.currency,
    entityId: r.entity_id,
    status: r.status,
    /** The connection has matched it (else: an account of its bank no connection has matched yet). */
    matched: r.via === 'cursor',
    verifiedThrough: r.verified_through,
    fetchedThrough: r.fetched_through,
    lastSyncedAt: r.last_synced_at,
    lastError: r.last_error,
    closedThrough: r.closed_through,
    latestBalanceDate: (r.latest_balance_date as string | null) ?? null,
  }))
}

/**
 * The file of a SQLite database ('' when in memory); null on PostgreSQL.
 *
 * @example
 * await sqliteDatabaseFile(db) // '/srv/treasury/data/treasury.db'
 */
export async function sqliteDatabaseFile(db: Db): Promise<string | null> {
  if (databaseKind(db) !== 'sqlite') return null
  const { rows } = await sql<{ name: string; file: string | null }>`pragma database_list`.execute(db)
  return rows.find((r) => r.name === 'main')?.file ?? ''
}
