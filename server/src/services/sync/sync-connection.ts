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
  ensureCursor,
  finishRun,
  insertRun,
  listBankAccounts,
  updateCursor,
  type Connection,
  type SyncCursor,
  type SyncRunCounts,
  type SyncRunKind,
  type SyncRunStatus,
} from '../../db/queries/connectors.js'
import { listContinuityInputs, removeVanishedPending, upsertBalances, upsertTransactions } from '../../db/queries/ingest.js'
import { addDays, todayIn } from '../clock.js'
import { checkContinuity } from './continuity.js'
import { withRetry, type RetryPolicy } from './retry.js'

/**
 * One sync run of one connection: list the bank's accounts, match them to the group's, and per
 * account fetch balances and every page of entries for the days not yet verified, storing each
 * batch in one transaction together with the cursor that resumes after it. Everything a connector
 * returns is validated before it is stored (by the runner); a run ends with a record in sync_runs.
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

/** A stable fingerprint of a page's content, to recognise a page the bank served twice. */
function fingerprint(page: TransactionPage): string {
  return JSON.stringify(page.transactions, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
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
    const runner = new ConnectorRunner(connector, {
      credentials: connection.credentials,
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

    const bankAccounts = await retry(() => runner.listAccounts())
    const ours = await listBankAccounts(db, connection.bankId)
    const byNumber = new Map(ours.map((a) => [normalizeNumber(a.number), a]))
    const byIban = new Map(ours.filter((a) => a.iban).map((a) => [normalizeNumber(a.iban!), a]))
    const matched: { account: ConnectorAccount; accountId: string }[] = []
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
      if (own.status === 'closed') continue
      matched.push({ account, accountId: own.id })
    }
    counts.accounts = matched.length

    for (const { account, accountId } of matched) {
      try {
        await syncAccount(input, runner, retry, account, accountId, counts, warnings)
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
    else if (matched.length === 0 && counts.accountsUnmatched > 0) {
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

async function syncAccount(
  input: SyncRunInput,
  runner: ConnectorRunner,
  retry: <T>(call: () => Promise<T>) => Promise<T>,
  account: ConnectorAccount,
  accountId: string,
  counts: SyncRunCounts,
  warnings: string[],
): Promise<void> {
  const { db, connection, connector, settings } = input
  const source = connector.manifest.id
  const cursor = await ensureCursor(db, connection.id, accountId, account.ref)
  const today = todayIn(settings.timeZone, input.now())
  const window = planWindow(cursor, today, {
    backfillDays: connection.backfillDays,
    overlapDays: settings.overlapDays,
    historyDays: connector.manifest.historyDays,
  })
  const { from, to } = window

  // Balances: one call, one transaction.
  const balances = await retry(() => runner.fetchBalances({ account, from, to }))
  const fetchedAt = input.now().toISOString()
  const balanceRows: NewBalance[] = balances.map((b) => ({
    account_id: accountId,
    date: b.date,
    type: b.type,
    amount: b.amount,
    reported_at: b.reportedAt.toISOString(),
    fetched_at: fetchedAt,
    source,
  }))
  if (balanceRows.length) counts.balances += await db.transaction().execute((trx) => upsertBalances(trx, balanceRows))
  await input.heartbeat()

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
      throw e
    }
    resumed = false
    counts.pages++
    const print = fingerprint(page)
    const duplicate = page.transactions.length > 0 && seenPages.has(print)
    seenPages.add(print)
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
        rows.push({
          account_id: accountId,
          dedupe_key: key,
          booking_date: t.bookingDate,
          value_date: t.valueDate,
          amount: t.amount,
          currency: t.currency,
          status: t.status,
          bank_reference: t.bankReference,
          end_to_end_id: t.endToEndId,
          counterparty_name: t.counterpartyName,
          counterparty_account: t.counterpartyAccount,
          counterparty_bank: t.counterpartyBank,
          purpose: t.purpose,
          bank_transaction_code: t.bankTransactionCode,
          source,
          created_at: createdAt,
        })
      })
    }
    await db.transaction().execute(async (trx) => {
      if (rows.length) {
        const result = await upsertTransactions(trx, accountId, rows)
        counts.transactionsNew += result.inserted
        counts.transactionsUpdated += result.updated
        counts.transactionsUnchanged += result.unchanged
      }
      await updateCursor(trx, connection.id, accountId, { windowFrom: from, windowTo: to, pageCursor: next, pagesDone })
    })
    await input.heartbeat()
    if (next === null) break
    if (pageCursor !== null) seenCursors.add(pageCursor)
    pageCursor = next
  }

  // The window is complete: sweep vanished pending entries, check continuity, advance the cursor.
  const lastClosed = addDays(today, -1)
  await db.transaction().execute(async (trx) => {
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
    if (from <= lastClosed) {
      const result = checkContinuity(await listContinuityInputs(trx, accountId, from, lastClosed), from, lastClosed)
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
        }
      }
    }
    await updateCursor(trx, connection.id, accountId, patch)
  })
}
