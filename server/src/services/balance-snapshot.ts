import type { Db } from '../db/client.js'
import {
  attachBalances,
  bookedBalancesOf,
  listAccountDirectory,
  listAccountsWithBalances,
  type AccountFilter,
  type AccountWithBalances,
  type BookedPoint,
  type DirectoryAccount,
} from '../db/queries/accounts.js'
import { listBanks, listEntities } from '../db/queries/entities.js'
import { readDataVersion, readMasterDataVersion } from '../db/queries/meta.js'
import type { EntityScope } from '../db/queries/scope.js'

/**
 * Answers kept between requests while the data stays the same.
 *
 * The dashboard asks the same questions many times between two bank syncs (the summary by each
 * grouping, the company tree, the account list, each reporting currency), and on a group with
 * thousands of accounts reading the balances out of the database is most of a request's time. So
 * an answer is kept together with the database's data version read *before* it was computed
 * (db/queries/meta.ts `readDataVersion`): any committed write, by this process or another, moves
 * the version and the next request computes afresh. Requests arriving while an answer is being
 * computed share it. Kept answers are shared between requests: callers must not change them.
 */

/** Answers kept per database (the least recently used go first). */
const MAX_ANSWERS = 48

interface Answer {
  value: Promise<unknown>
  compute: () => Promise<unknown>
}

interface Generation {
  version: string
  answers: Map<string, Answer>
}

/** Answers kept per database under one kind of version (read before each answer). */
function answerKeeper(readVersion: (db: Db) => Promise<string>) {
  const generations = new WeakMap<Db, Generation>()
  async function kept<T>(db: Db, key: string, compute: () => Promise<T>): Promise<T> {
    const version = await readVersion(db)
    let generation = generations.get(db)
    if (!generation || generation.version !== version) generations.set(db, (generation = { version, answers: new Map() }))
    const answers = generation.answers
    let answer = answers.get(key)
    if (answer) {
      answers.delete(key)
    } else {
      const value = compute()
      const entry: Answer = (answer = { value, compute })
      // A failed answer is not kept: the next request tries again.
      value.catch(() => answers.get(key) === entry && answers.delete(key))
      if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!)
    }
    answers.set(key, answer)
    return answer.value as Promise<T>
  }
  return { generations, kept }
}

const byData = answerKeeper(readDataVersion)
const byMasterData = answerKeeper(async (db) => String(await readMasterDataVersion(db)))
const generations = byData.generations

/**
 * The answer kept under `key` if the data has not changed since it was computed, else `compute()`'s
 * (kept for the next request). `key` must name everything the answer depends on besides the data.
 *
 * @example
 * const rows = await keptWhileUnchanged(db, `fx|${asOf}`, () => listFxRatesForRange(db, asOf, asOf))
 */
export const keptWhileUnchanged = byData.kept

/**
 * The answer kept under `key` while master data (member companies, banks, accounts) is unchanged:
 * the master-data version is moved by database triggers on those tables. Bank syncs write balances
 * and transactions, never master data, so these answers outlive every sync.
 */
const keptWhileMasterUnchanged = byMasterData.kept

/**
 * Keeps the most recently asked answers ready: every `everyMs` it checks the data version, and when
 * something was written (a bank sync, an import) it computes those answers again in the background,
 * so the next person to open the dashboard after a sync does not wait for the database.
 * Returns a function that stops it.
 *
 * @example
 * const stopWarming = keepWarm(db)
 * // on shutdown
 * stopWarming()
 */
export function keepWarm(db: Db, { everyMs = 2_000, answers = 6 }: { everyMs?: number; answers?: number } = {}): () => void {
  let busy = false
  const timer = setInterval(() => {
    const generation = generations.get(db)
    if (busy || !generation) return
    busy = true
    void (async () => {
      if ((await readDataVersion(db)) === generation.version) return
      // Most recent first; each is computed in the new generation (nested answers are shared).
      for (const [key, { compute }] of [...generation.answers].slice(-answers).reverse()) await keptWhileUnchanged(db, key, compute)
    })()
      // A failure here shows again, with its message, on the request that asks the same question.
      .catch(() => undefined)
      .finally(() => (busy = false))
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}

/** The part of a cache key that names a scope. */
export function scopeKey(scope: EntityScope): string {
  return scope.paths.join('|')
}

/** Every account with its company's path and region (closed ones too), kept while master data is unchanged. */
function accountDirectory(db: Db): Promise<readonly DirectoryAccount[]> {
  return keptWhileMasterUnchanged(db, 'accounts', () => listAccountDirectory(db))
}

/** The scope's member companies by path, kept while master data is unchanged (shared: do not change). */
export function entitiesInScope(db: Db, scope: EntityScope) {
  return keptWhileMasterUnchanged(db, `entities|${scopeKey(scope)}`, () => listEntities(db, scope))
}

/** Every bank, kept while master data is unchanged (shared: do not change). */
export function allBanks(db: Db) {
  return keptWhileMasterUnchanged(db, 'banks', () => listBanks(db))
}

/**
 * Accounts in scope (closed ones left out) with their booked and available balance as of `asOf`
 * (see `attachBalances`), narrowed by `filter`. A single account (`filter.accountId`) is read
 * directly; everything else comes from the kept answer for the whole scope while still current.
 *
 * @example
 * const accounts = await accountsAsOf(db, scope, '2026-11-26', '2026-11-25', { currency: 'USD' })
 */
export async function accountsAsOf(
  db: Db,
  scope: EntityScope,
  asOf: string,
  recentFrom: string,
  filter: AccountFilter = {},
): Promise<readonly AccountWithBalances[]> {
  if (filter.accountId) return listAccountsWithBalances(db, scope, asOf, filter, recentFrom)
  const accounts = await keptWhileUnchanged(db, `accounts|${asOf}|${recentFrom}|${scopeKey(scope)}`, async () => {
    return attachBalances(db, scope, await accountsInScope(db, scope), asOf, recentFrom)
  })
  const { bankId, currency, type } = filter
  if (!bankId && !currency && !type) return accounts
  return accounts.filter((a) => (!bankId || a.bankId === bankId) && (!currency || a.currency === currency) && (!type || a.type === type))
}

/** Accounts in scope (closed ones left out) with only their booked balance as of `asOf`. */
export interface BookedPositions {
  accounts: readonly DirectoryAccount[]
  /** `booked[i]` belongs to `accounts[i]` (null: no balance on or before `asOf`). */
  booked: readonly (BookedPoint | null)[]
}

/**
 * What a cash position is built on: every account in scope with its booked balance as of `asOf`
 * (see `bookedBalancesOf`), kept while the data is unchanged like `accountsAsOf`.
 *
 * @example
 * const { accounts, booked } = await bookedAsOf(db, scope, '2026-11-26', '2026-11-25')
 */
export function bookedAsOf(db: Db, scope: EntityScope, asOf: string, recentFrom: string): Promise<BookedPositions> {
  return keptWhileUnchanged(db, `booked|${asOf}|${recentFrom}|${scopeKey(scope)}`, async () => {
    const accounts = await accountsInScope(db, scope)
    return { accounts, booked: await bookedBalancesOf(db, scope, accounts, asOf, recentFrom) }
  })
}

/**
 * The scope's open accounts, kept while master data is unchanged: a bank sync does not move it, so
 * the request after a sync neither filters the directory again nor re-indexes it (the same array
 * lets `bookedBalancesOf` reuse its index by id). Shared: do not change.
 */
function accountsInScope(db: Db, scope: EntityScope): Promise<readonly DirectoryAccount[]> {
  return keptWhileMasterUnchanged(db, `open|${scopeKey(scope)}`, async () => inScope(await accountDirectory(db), scope))
}

function inScope(directory: readonly DirectoryAccount[], scope: EntityScope): DirectoryAccount[] {
  return directory.filter((a) => a.status !== 'closed' && scope.paths.some((p) => a.entityPath.startsWith(p)))
}
