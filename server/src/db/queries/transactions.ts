import { sql } from 'kysely'
import { databaseKind, type Db } from '../client.js'
import type { AccountFilter } from './accounts.js'
import { readByAccounts } from './chunks.js'
import { pathInScope, type EntityScope } from './scope.js'

export interface TransactionQuery {
  accountId?: string | undefined
  from?: string | undefined
  to?: string | undefined
  minAmount?: bigint | undefined
  maxAmount?: bigint | undefined
  direction?: 'in' | 'out' | undefined
  q?: string | undefined
  /** Keyset position: items strictly older than (bookingDate, id). */
  after?: { bookingDate: string; id: bigint } | undefined
  /** Keyset position: items not older than (bookingDate, id) (the end of a budgeted scan). */
  notOlderThan?: { bookingDate: string; id: bigint } | undefined
  limit: number
}

/** True when a query tests rows one by one (text, amount bounds, direction): no index narrows those. */
export function filtersRows(q: Pick<TransactionQuery, 'q' | 'minAmount' | 'maxAmount' | 'direction'>): boolean {
  return q.q !== undefined || q.minAmount !== undefined || q.maxAmount !== undefined || q.direction !== undefined
}

function scopedAccountIds(db: Db, scope: EntityScope, filter: AccountFilter = {}) {
  let query = db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .select('a.id')
    .where(pathInScope('e.path', scope))
  if (filter.bankId) query = query.where('a.bank_id', '=', filter.bankId)
  if (filter.accountId) query = query.where('a.id', '=', filter.accountId)
  return query
}

/** Escapes LIKE wildcards so user text matches literally. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * Transactions of scoped accounts that pass the filters (everything of a query but its page).
 * `byDate`: keep the scope's account test off the indexes (SQLite only), so that the query walks the
 * group-wide date index instead of collecting and sorting every row of every scoped account.
 */
function filteredTransactions(db: Db, scope: EntityScope, q: Omit<TransactionQuery, 'after' | 'limit'>, byDate = false) {
  const accounts = scopedAccountIds(db, scope, { accountId: q.accountId })
  // `+column` is SQLite's way to say "no index for this term"; it changes no result.
  let query = byDate
    ? db.selectFrom('transactions as t').where(sql<string>`+${sql.ref('t.account_id')}`, 'in', accounts)
    : db.selectFrom('transactions as t').where('t.account_id', 'in', accounts)
  if (q.accountId) query = query.where('t.account_id', '=', q.accountId)
  if (q.from) query = query.where('t.booking_date', '>=', q.from)
  if (q.to) query = query.where('t.booking_date', '<=', q.to)
  if (q.direction === 'in') query = query.where('t.amount', '>', 0n)
  if (q.direction === 'out') query = query.where('t.amount', '<', 0n)
  if (q.minAmount !== undefined) query = query.where(sql`abs(t.amount)`, '>=', q.minAmount)
  if (q.maxAmount !== undefined) query = query.where(sql`abs(t.amount)`, '<=', q.maxAmount)
  if (q.q) {
    const pattern = likeContains(q.q.toLowerCase())
    query = query.where((eb) =>
      eb.or(
        ['t.counterparty_name', 't.purpose', 't.bank_reference', 't.end_to_end_id', 't.counterparty_account'].map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    )
  }
  return query
}

/**
 * From how many accounts in scope a page walks the date index (SQLite): newest first over a large
 * scope, reading the group's rows in date order until a page is full beats sorting all of the
 * scope's rows (5,000 accounts, 5.5 million rows: 12 ms against 2.5 s), while a few accounts'
 * rows are found fastest through the per-account index. One twentieth of all accounts, at least 50.
 */
export const DATE_ORDER_MIN_ACCOUNTS = { share: 1 / 20, least: 50 }

/** Whether pages of this scope (and account filter) walk the date index: see {@link DATE_ORDER_MIN_ACCOUNTS}. */
export async function pagesByDate(db: Db, scope: EntityScope, accountId: string | undefined): Promise<boolean> {
  if (accountId || databaseKind(db) !== 'sqlite') return false
  const [inScope, all] = await Promise.all([
    db.selectFrom(scopedAccountIds(db, scope).as('s')).select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('accounts').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow(),
  ])
  const n = Number(inScope.n)
  return n >= DATE_ORDER_MIN_ACCOUNTS.least && n >= Number(all.n) * DATE_ORDER_MIN_ACCOUNTS.share
}

/** A page of transactions newest first (booking date, then id), keyset-paginated. */
export async function listTransactions(db: Db, scope: EntityScope, q: TransactionQuery, byDate?: boolean) {
  return (await listTransactionsQuery(db, scope, q, byDate)).execute()
}

/**
 * The query of {@link listTransactions}, unexecuted (tests read its plan). `byDate`: the answer of
 * {@link pagesByDate}, when the caller already has it.
 */
export async function listTransactionsQuery(db: Db, scope: EntityScope, q: TransactionQuery, byDate?: boolean) {
  let query = filteredTransactions(db, scope, q, byDate ?? (await pagesByDate(db, scope, q.accountId))).selectAll('t')
  if (q.after) {
    const { bookingDate, id } = q.after
    query = query.where((eb) =>
      eb.or([eb('t.booking_date', '<', bookingDate), eb.and([eb('t.booking_date', '=', bookingDate), eb('t.id', '<', id)])]),
    )
  }
  if (q.notOlderThan) {
    const { bookingDate, id } = q.notOlderThan
    query = query.where((eb) =>
      eb.or([eb('t.booking_date', '>', bookingDate), eb.and([eb('t.booking_date', '=', bookingDate), eb('t.id', '>=', id)])]),
    )
  }
  return query.orderBy('t.booking_date', 'desc').orderBy('t.id', 'desc').limit(q.limit)
}

/**
 * The keyset position of the `rows`-th transaction of the list after `q.after` (newest first),
 * counting every row the scope, account and dates admit, or undefined when fewer remain: where a
 * scan for row-by-row filters may stop, so that one request reads at most `rows` rows.
 */
export async function scanBoundary(db: Db, scope: EntityScope, q: Omit<TransactionQuery, 'limit' | 'notOlderThan'>, rows: number, byDate?: boolean) {
  const unfiltered = { accountId: q.accountId, from: q.from, to: q.to, after: q.after, limit: 1 }
  const row = await (await listTransactionsQuery(db, scope, unfiltered, byDate))
    .clearSelect()
    .select(['t.booking_date', 't.id'])
    .offset(rows - 1)
    .executeTakeFirst()
  return row ? { bookingDate: row.booking_date, id: BigInt(row.id) } : undefined
}

/**
 * Count, inflow, outflow and pending count per currency of the filtered transactions, over at most
 * `maxRows` of them: the look stops there, so `rows` > `maxRows` says the totals are incomplete.
 */
export async function summarizeTransactions(db: Db, scope: EntityScope, q: Omit<TransactionQuery, 'after' | 'limit'>, maxRows: number) {
  const capped = filteredTransactions(db, scope, q).select(['t.amount', 't.currency', 't.status']).limit(maxRows + 1)
  const rows = await db
    .selectFrom(capped.as('f'))
    .select([
      'f.currency',
      sql<bigint>`count(*)`.as('count'),
      sql<bigint>`sum(case when f.amount > 0 then f.amount else 0 end)`.as('inflow'),
      sql<bigint>`sum(case when f.amount < 0 then -f.amount else 0 end)`.as('outflow'),
      sql<bigint>`sum(case when f.status = 'pending' then 1 else 0 end)`.as('pending'),
    ])
    .groupBy('f.currency')
    .orderBy('f.currency')
    .execute()
  return rows.map((r) => ({ currency: r.currency, count: Number(r.count), inflow: BigInt(r.inflow), outflow: BigInt(r.outflow), pending: Number(r.pending) }))
}

/** Booked inflow and outflow per day and currency for scoped accounts. */
export async function listDailyFlows(
  db: Db,
  scope: EntityScope,
  from: string,
  to: string,
  filter: AccountFilter = {},
  { accountsPerRead }: { accountsPerRead?: number } = {},
) {
  const ids = (await scopedAccountIds(db, scope, filter).execute()).map((a) => a.id)
  // A few hundred accounts a query (`readByAccounts`): on a large group the range is over a million rows.
  const parts = await readByAccounts(ids, (part) =>
    db
      .selectFrom('transactions as t')
      .select([
        't.booking_date as date',
        't.currency',
        sql<bigint>`sum(case when t.amount > 0 then t.amount else 0 end)`.as('inflow'),
        sql<bigint>`sum(case when t.amount < 0 then -t.amount else 0 end)`.as('outflow'),
      ])
      .where('t.account_id', 'in', part)
      .where('t.status', '=', 'booked')
      .where('t.booking_date', '>=', from)
      .where('t.booking_date', '<=', to)
      .groupBy(['t.booking_date', 't.currency'])
      .execute(),
    accountsPerRead,
  )
  // The parts' sums of a day and currency added up.
  const flows = new Map<string, { date: string; currency: string; inflow: bigint; outflow: bigint }>()
  for (const r of parts) {
    const key = `${r.date}|${r.currency}`
    const flow = flows.get(key) ?? { date: r.date, currency: r.currency, inflow: 0n, outflow: 0n }
    flow.inflow += BigInt(r.inflow)
    flow.outflow += BigInt(r.outflow)
    flows.set(key, flow)
  }
  return [...flows.values()]
}

/** Id, amount and currency of every transaction of scoped accounts booked on a day (to rank them by size). */
export function listDayAmounts(db: Db, scope: EntityScope, date: string) {
  return db
    .selectFrom('transactions as t')
    .select(['t.id', 't.amount', 't.currency'])
    .where('t.account_id', 'in', scopedAccountIds(db, scope))
    .where('t.booking_date', '=', date)
    .execute()
}

/** Transactions by id (in no particular order). */
export function listTransactionsById(db: Db, ids: readonly bigint[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('transactions as t').selectAll('t').where('t.id', 'in', ids).execute()
}
