import { createHash } from 'node:crypto'
import {
  InvalidResponseError,
  isConnectorError,
  RateLimitedError,
  type AnyConnector,
  type ConnectorAccount,
  type ConnectorLogger,
  type TransactionPage,
} from '@treasury/shared'
import { assignDedupeKeys } from '../../connectors/sdk/dedupe.js'
import { CallAbortedError, ConnectorConfigError, ConnectorRunner } from '../../connectors/sdk/runtime.js'
import type { Db } from '../../db/client.js'
import type { NewBalance, NewTransaction } from '../../db/database.js'
import {
  ensureCursors,
  finishRun,
  insertRun,
  latestClosingDate,
  listBankAccounts,
  updateCursor,
  type Connection,
  type SyncCursor,
  type SyncRunCounts,
  type SyncRunKind,
  type SyncRunStatus,
} from '../../db/queries/connectors.js'
import { listContinuityInputs, removeVanishedPending, transactionRow, upsertBalances, upsertTransactions } from '../../db/queries/ingest.js'
import { addDays, todayIn } from '../clock.js'
import { checkContinuity } from './continuity.js'
import type { CredentialCipher } from './credentials.js'
import { withRetry, type RetryPolicy } from './retry.js'

/**
 * One sync run of one connection: list the bank's accounts, match them to the group's, and per
 * account fetch balances and every page of entries for the days not yet verified, storing each
 * page in one transaction together with the cursor that resumes after it (the balances go with
 * the first page, the end-of-window bookkeeping with the last, so a one-page account costs one
 * transaction). Everything a connector returns is validated before it is stored (by the runner);
 * a run ends with a record in sync_runs.
 *
 * Accounts closed in the master data are synced once more, through the last day their bank
 * reports (their history is kept and completed), then never fetched again (`closedThrough` on
 * their cursor); an account opened again is synced as before.
 */

/** Errors that concern the whole connection: the run stops at the first one (after retries). */
const CONNECTION_LEVEL = new Set(['auth-failed', 'auth-expired', 'unavailable', 'rate-limited'])

/** The lease was lost mid-run (another process took the connection over): stop writing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
}

export interface SyncRunSettings {
  retry: RetryPolicy
  callTimeoutMs: number
  /** Days before today always fetched again, for entries a bank delivers late. */
  overlapDays: number
  /** Runs a continuity break is re-fetched before the engine gives up on it (and says so). */
  maxBreakAttempts: number
  /** Safety stop for a page walk that never ends. */
  maxPagesPerWindow: number
  timeZone: string
}

export interface SyncRunInput {
  db: Db
  connector: AnyConnector
  connection: Connection
  kind: SyncRunKind
  owner: string
  settings: SyncRunSettings
  signal: AbortSignal
  now: () => Date
  random: () => number
  logger: ConnectorLogger
  fetch?: typeof globalThis.fetch
  /** Opens the connection's stored credentials. */
  cipher: CredentialCipher
  /** Called between batches; throws {@link LeaseLostError} when this process no longer holds the connection. */
  heartbeat: () => Promise<void>
}

/** How a run ended; `error.kind` is a connector error kind, or 'config' | 'aborted' | 'lease-lost' | 'internal'. */
export interface SyncRunOutcome {
  runId: bigint
  connectionId: string
  status: SyncRunStatus
  counts: SyncRunCounts
  error: { kind: string; message: string; retryAfterMs: number | null } | null
  warnings: string[]
}

function emptyCounts(): SyncRunCounts {
  return {
    accounts: 0,
    accountsFailed: 0,
    accountsUnmatched: 0,
    pages: 0,
    balances: 0,
    transactionsNew: 0,
    transactionsUpdated: 0,
    transactionsUnchanged: 0,
    pendingRemoved: 0,
    duplicatePages: 0,
    retries: 0,
  }
}

function normalizeNumber(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase()
}

/** Error → run record (kind, message, Retry-After). */
export function describeRunError(error: unknown): { kind: string; message: string; retryAfterMs: number | null } {
  if (isConnectorError(error)) return { kind: error.kind, message: error.message, retryAfterMs: error instanceof RateLimitedError ? error.retryAfterMs : null }
  if (error instanceof ConnectorConfigError) return { kind: 'config', message: error.message, retryAfterMs: null }
  if (error instanceof CallAbortedError) return { kind: 'aborted', message: error.message, retryAfterMs: null }
  if (error instanceof LeaseLostError) return { kind: 'lease-lost', message: error.message, retryAfterMs: null }
  return { kind: 'internal', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), retryAfterMs: null }
}

/**
 * A stable fingerprint of a page's content, to recognise a page the bank served twice: a hash of
 * every field of every entry (cheaper than serialising the page, and small to keep per window).
 */
function fingerprint(page: TransactionPage): string {
  const hash = createHash('sha1')
  for (const t of page.transactions) {
    hash.update(
      `${t.bookingDate}\u0001${t.valueDate}\u0001${t.amount}\u0001${t.currency}\u0001${t.status}\u0001${t.bankReference}\u0001${t.endToEndId}\u0001${t.counterpartyName}\u0001${t.counterpartyAccount}\u0001${t.counterpartyBank}\u0001${t.purpose}\u0001${t.bankTransactionCode}\u0002`,
    )
  }
  return `${page.transactions.length}:${hash.digest('base64')}`
}

/**
 * Runs one sync of `input.connection` and records it. Never throws for bank failures: they end in
 * the outcome (and the run record); only database failures propagate.
 *
 * @example
 * const outcome = await runConnectionSync({ db, connector, connection, kind: 'manual', owner, settings, signal, now, random: Math.random, logger, heartbeat })
 */
export async function runConnectionSync(input: SyncRunInput): Promise<SyncRunOutcome> {
  const { db, connection, connector } = input
  const startedAt = input.now().toISOString()
  const runId = await insertRun(db, { connectionId: connection.id, connectorId: connector.manifest.id, kind: input.kind, owner: input.owner, startedAt })
  const counts = emptyCounts()
  const warnings: string[] = []
  let status: SyncRunStatus = 'ok'
  let error: SyncRunOutcome['error'] = null

  try {
    let credentials: Record<string, string>
    try {
      credentials = input.cipher.open(connection.id, connection.sealedCredentials)
    } catch (e) {
      throw new ConnectorConfigError((e as Error).message)
    }
    const runner = new ConnectorRunner(connector, {
      credentials,
      config: connection.config,
      callTimeoutMs: input.settings.callTimeoutMs,
      signal: input.signal,
      now: input.now,
      logger: input.logger,
      ...(input.fetch ? { fetch: input.fetch } : {}),
    })
    const retry = <T>(call: () => Promise<T>) =>
      withRetry(call, input.settings.retry, {
        signal: input.signal,
        random: input.random,
        onRetry: (e, attempt, delayMs) => {
          counts.retries++
          input.logger.debug('retrying', { attempt, delayMs: Math.round(delayMs), error: e.message })
        },
      })
    // One "today" for the whole run, even when it spans midnight.
    const today = todayIn(input.settings.timeZone, input.now())

    const bankAccounts = await retry(() => runner.listAccounts())
    const ours = await listBankAccounts(db, connection.bankId)
    const byNumber = new Map(ours.map((a) => [normalizeNumber(a.number), a]))
    const byIban = new Map(ours.filter((a) => a.iban).map((a) => [normalizeNumber(a.iban!), a]))
    const found: { account: ConnectorAccount; accountId: string; closed: boolean }[] = []
    for (const account of bankAccounts) {
      const own = byNumber.get(normalizeNumber(account.number)) ?? (account.iban ? byIban.get(normalizeNumber(account.iban)) : undefined)
      if (!own) {
        counts.accountsUnmatched++
        warnings.push(`account ${maskNumber(account.number)} (${account.currency}) listed by the bank is not in the group's master data`)
        continue
      }
      if (own.currency !== account.currency) {
        counts.accountsUnmatched++
        warnings.push(`account ${own.id}: the bank says ${account.currency}, master data says ${own.currency}; not synced`)
        continue
      }
      found.push({ account, accountId: own.id, closed: own.status === 'closed' })
    }
    const cursors = await ensureCursors(
      db,
      connection.id,
      found.map((f) => ({ accountId: f.accountId, accountRef: f.account.ref })),
    )
    // A closed account whose last days are stored is left alone: nothing is fetched for it again.
    const matched = found.filter((f) => !(f.closed && cursors.get(f.accountId)!.closedThrough !== null))
    counts.accounts = matched.length

    for (const { account, accountId, closed } of matched) {
      try {
        await syncAccount(input, runner, retry, { account, accountId, closed, cursor: cursors.get(accountId)!, today }, counts, warnings)
      } catch (e) {
        const described = describeRunError(e)
        if (CONNECTION_LEVEL.has(described.kind) || ['aborted', 'lease-lost', 'internal'].includes(described.kind)) throw e
        // invalid-response / not-found: this account is skipped, the others go on.
        counts.accountsFailed++
        warnings.push(`account ${accountId}: ${described.kind}: ${described.message}`)
        error = described
        await updateCursor(db, connection.id, accountId, { lastError: `${described.kind}: ${described.message}` })
      }
    }
    if (counts.accountsFailed > 0) status = counts.accountsFailed === counts.accounts ? 'failed' : 'partial'
    else if (found.length === 0 && counts.accountsUnmatched > 0) {
      // Reachable but useless: say so instead of reporting a green run that synced nothing.
      status = 'partial'
      error = { kind: 'unmatched', message: `none of the ${counts.accountsUnmatched} accounts the bank lists is an account of ${connection.bankId} in the master data`, retryAfterMs: null }
    }
  } catch (e) {
    status = 'failed'
    error = describeRunError(e)
    if (error.kind === 'internal') input.logger.error('sync failed unexpectedly', { error: error.message })
  }

  await finishRun(db, runId, {
    ...counts,
    finishedAt: input.now().toISOString(),
    status,
    errorKind: status === 'ok' ? null : (error?.kind ?? null),
    error: status === 'ok' ? null : (error?.message ?? null),
    warnings,
  })
  return { runId, connectionId: connection.id, status, counts, error: status === 'ok' ? null : error, warnings }
}

function maskNumber(number: string): string {
  return number.length <= 4 ? number : `****${number.slice(-4)}`
}

/** The days one account's run fetches, and whether it resumes an interrupted page walk. */
export function planWindow(
  cursor: Pick<SyncCursor, 'verifiedThrough' | 'windowFrom' | 'windowTo' | 'pageCursor'>,
  today: string,
  options: { backfillDays: number; overlapDays: number; historyDays: number | undefined },
): { from: string; to: string; resumeCursor: string | null } {
  if (cursor.pageCursor && cursor.windowFrom && cursor.windowTo) {
    return { from: cursor.windowFrom, to: cursor.windowTo, resumeCursor: cursor.pageCursor }
  }
  const earliest = addDays(today, -(options.historyDays ?? options.backfillDays))
  const base = cursor.verifiedThrough ? addDays(cursor.verifiedThrough, 1) : addDays(today, -options.backfillDays)
  const overlap = addDays(today, -options.overlapDays)
  let from = base < overlap ? base : overlap
  if (from < earliest) from = earliest
  if (from > today) from = today
  return { from, to: today, resumeCursor: null }
}

/** One account of a run: what the bank calls it, ours, whether it is closed, its cursor at the run's start. */
interface AccountWork {
  account: ConnectorAccount
  accountId: string
  closed: boolean
  cursor: SyncCursor
  /** The run's today in the group's time zone. */
  today: string
}

async function syncAccount(
  input: SyncRunInput,
  runner: ConnectorRunner,
  retry: <T>(call: () => Promise<T>) => Promise<T>,
  work: AccountWork,
  counts: SyncRunCounts,
  warnings: string[],
): Promise<void> {
  const { db, connection, connector, settings } = input
  const { account, accountId, cursor, today, closed } = work
  const source = connector.manifest.id
  const window = planWindow(cursor, today, {
    backfillDays: connection.backfillDays,
    overlapDays: settings.overlapDays,
    historyDays: connector.manifest.historyDays,
  })
  const { from, to } = window

  // Balances: one call, stored with the first page of entries.
  const balances = await retry(() => runner.fetchBalances({ account, from, to }))
  const fetchedAt = input.now().toISOString()
  let balanceRows: NewBalance[] | null = balances.map((b) => ({
    account_id: accountId,
    date: b.date,
    type: b.type,
    amount: b.amount,
    reported_at: b.reportedAt.toISOString(),
    fetched_at: fetchedAt,
    source,
  }))
  const storeBalances = async (trx: Db) => {
    if (balanceRows?.length) counts.balances += await upsertBalances(trx, balanceRows)
    balanceRows = null
  }

  // Entries: page by page, each page and the cursor after it in one transaction.
  let pageCursor: string | null = window.resumeCursor
  let resumed = pageCursor !== null
  let pagesDone = resumed ? cursor.pagesDone : 0
  let complete = !resumed
  const seenCursors = new Set<string>()
  const seenPages = new Set<string>()
  const occurrences = new Map<string, number>()
  const pendingKeys = new Set<string>()
  for (let pages = 0; ; pages++) {
    if (pages >= settings.maxPagesPerWindow) {
      throw new InvalidResponseError(`${source}: more than ${settings.maxPagesPerWindow} pages for ${from}..${to}; stopped`)
    }
    let page: TransactionPage
    try {
      page = await retry(() => runner.fetchTransactions({ account, from, to, cursor: pageCursor }))
    } catch (e) {
      // A saved cursor the bank no longer accepts: walk the window again from its first page.
      if (resumed && isConnectorError(e) && (e.kind === 'not-found' || e.kind === 'invalid-response')) {
        warnings.push(`account ${accountId}: the saved page cursor was refused (${e.message}); fetched ${from}..${to} again from the start`)
        resumed = false
        complete = true
        pageCursor = null
        pagesDone = 0
        continue
      }
      // The balances were fine: store them, so the figures are fresh even when the entries fail.
      if (balanceRows?.length) await db.transaction().execute(storeBalances)
      throw e
    }
    resumed = false
    counts.pages++
    const duplicate = page.transactions.length > 0 && !addNew(seenPages, fingerprint(page))
    pagesDone++
    const next = page.nextCursor
    if (next !== null && (seenCursors.has(next) || next === pageCursor)) {
      throw new InvalidResponseError(`${source}: the bank returned a page cursor it had already returned (a paging loop) for ${from}..${to}`)
    }
    if (duplicate) counts.duplicatePages++
    const rows: NewTransaction[] = []
    if (!duplicate) {
      const keys = assignDedupeKeys(page.transactions, occurrences)
      const createdAt = input.now().toISOString()
      page.transactions.forEach((t, i) => {
        const key = keys[i]!
        if (t.status === 'pending') pendingKeys.add(key)
        else pendingKeys.delete(key)
        rows.push(transactionRow(t, { accountId, dedupeKey: key, source, createdAt }))
      })
    }
    await db.transaction().execute(async (trx) => {
      await storeBalances(trx)
      if (rows.length) {
        const result = await upsertTransactions(trx, accountId, rows)
        counts.transactionsNew += result.inserted
        counts.transactionsUpdated += result.updated
        counts.transactionsUnchanged += result.unchanged
      }
      if (next === null) await finishWindow(trx)
      else await updateCursor(trx, connection.id, accountId, { windowFrom: from, windowTo: to, pageCursor: next, pagesDone })
    })
    await input.heartbeat()
    if (next === null) break
    if (pageCursor !== null) seenCursors.add(pageCursor)
    pageCursor = next
  }

  /** The window is complete: sweep vanished pending entries, check continuity, advance the cursor. */
  async function finishWindow(trx: Db): Promise<void> {
    if (complete) counts.pendingRemoved += await removeVanishedPending(trx, { accountId, source, from, to, keep: pendingKeys })
    const patch: Parameters<typeof updateCursor>[3] = {
      windowFrom: null,
      windowTo: null,
      pageCursor: null,
      pagesDone: 0,
      fetchedThrough: to,
      lastSyncedAt: input.now().toISOString(),
      lastError: null,
    }
    // Checked through yesterday; a closed account only through the last day its bank closed.
    let lastDay = addDays(today, -1)
    const reported = closed ? await latestClosingDate(trx, accountId) : null
    if (closed && (reported === null || reported < lastDay)) lastDay = reported ?? addDays(from, -1)
    let settled = true
    if (from <= lastDay) {
      const result = checkContinuity(await listContinuityInputs(trx, accountId, from, lastDay), from, lastDay)
      if (result.breakDate === null) {
        patch.verifiedThrough = result.verifiedThrough ?? cursor.verifiedThrough
        patch.breakDate = null
        patch.breakAttempts = 0
      } else {
        const attempts = cursor.breakDate === result.breakDate ? cursor.breakAttempts + 1 : 1
        if (attempts >= settings.maxBreakAttempts) {
          warnings.push(`account ${accountId}: ${result.detail}; still after ${attempts} runs, no longer re-fetched`)
          patch.verifiedThrough = result.breakDate
          patch.breakDate = null
          patch.breakAttempts = 0
        } else {
          warnings.push(`account ${accountId}: ${result.detail}; re-fetched from there next run`)
          patch.verifiedThrough = result.verifiedThrough ?? addDays(from, -1)
          patch.breakDate = result.breakDate
          patch.breakAttempts = attempts
          settled = false
        }
      }
    }
    // Closed: its history is complete through its last reported day, so it is not fetched again.
    if (closed && settled) patch.closedThrough = lastDay
    else if (!closed && cursor.closedThrough !== null) patch.closedThrough = null
    await updateCursor(trx, connection.id, accountId, patch)
  }
}

/** Adds `value`; false when it was there already. */
function addNew(set: Set<string>, value: string): boolean {
  if (set.has(value)) return false
  set.add(value)
  return true
}
