import { sql, type SelectQueryBuilder } from 'kysely'
import { databaseKind, type Db } from '../client.js'
import type { AccountsTable, EntitiesTable } from '../database.js'
import { readByAccounts } from './chunks.js'
import { pathInScope, type EntityScope } from './scope.js'

export interface AccountFilter {
  bankId?: string | undefined
  currency?: string | undefined
  type?: string | undefined
  accountId?: string | undefined
}

/** A booked balance as a position needs it: its day, type (CLBD or ITBD), amount and report time. */
export interface BookedPoint {
  date: string
  type: string
  amount: bigint
  reportedAt: string
}

/** A balance as found for an account on or before a day, with when and where we fetched it. */
export interface BalancePoint extends BookedPoint {
  fetchedAt: string
  source: string
}

export interface AccountWithBalances {
  id: string
  entityId: string
  entityPath: string
  bankId: string
  name: string
  numberMasked: string
  iban: string | null
  currency: string
  type: string
  status: string
  tier: string
  openedOn: string
  regionCode: string
  regionNameZh: string
  regionNameEn: string
  booked: BalancePoint | null
  available: BalancePoint | null
}

/** Latest date ≤ asOf of one balance type for the outer account: one index seek on (account_id, type, date). */
function latestDate(type: string, asOf: string) {
  return (eb: any) =>
    eb
      .selectFrom('balances as b')
      .select((b: any) => b.fn.max('b.date').as('d'))
      .whereRef('b.account_id', '=', 'a.id')
      .where('b.type', '=', type)
      .where('b.date', '<=', asOf)
}

/** Open accounts in scope with their company's path and region, narrowed by the filter. */
function scopedAccounts(db: Db, scope: EntityScope, filter: AccountFilter & { accountIds?: readonly string[] }) {
  let query = db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .select([
      'a.id', 'a.entity_id', 'e.path', 'a.bank_id', 'a.name', 'a.number_masked', 'a.iban', 'a.currency', 'a.type',
      'a.status', 'a.tier', 'a.opened_on', 'e.region_code', 'e.region_name_zh', 'e.region_name_en',
    ])
    .where(pathInScope('e.path', scope))
    .where('a.status', '<>', 'closed')
  if (filter.bankId) query = query.where('a.bank_id', '=', filter.bankId)
  if (filter.currency) query = query.where('a.currency', '=', filter.currency)
  if (filter.type) query = query.where('a.type', '=', filter.type)
  if (filter.accountId) query = query.where('a.id', '=', filter.accountId)
  if (filter.accountIds) query = query.where('a.id', 'in', filter.accountIds)
  return query
}

/** An account with its company's path and region, before any balance is attached. */
export type DirectoryAccount = Omit<AccountWithBalances, 'booked' | 'available'>

/** An account row joined with its company's path and region (what `scopedAccounts` selects). */
type AccountRow = Omit<AccountsTable, 'number'> &
  Pick<EntitiesTable, 'path' | 'region_code' | 'region_name_zh' | 'region_name_en'>

function directoryAccount(row: AccountRow): DirectoryAccount {
  return {
    id: row.id,
    entityId: row.entity_id,
    entityPath: row.path,
    bankId: row.bank_id,
    name: row.name,
    numberMasked: row.number_masked,
    iban: row.iban,
    currency: row.currency,
    type: row.type,
    status: row.status,
    tier: row.tier,
    openedOn: row.opened_on,
    regionCode: row.region_code,
    regionNameZh: row.region_name_zh,
    regionNameEn: row.region_name_en,
  }
}

/**
 * Every account of the group, closed ones included, with its company's path and region, by id:
 * the master data a position is built on (services keep it while `readMasterDataVersion` stands).
 */
export async function listAccountDirectory(db: Db): Promise<DirectoryAccount[]> {
  const rows = await db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .select([
      'a.id', 'a.entity_id', 'e.path', 'a.bank_id', 'a.name', 'a.number_masked', 'a.iban', 'a.currency', 'a.type',
      'a.status', 'a.tier', 'a.opened_on', 'e.region_code', 'e.region_name_zh', 'e.region_name_en',
    ])
    .orderBy('a.id')
    .execute()
  return rows.map(directoryAccount)
}

/**
 * Accounts in scope (closed ones left out) with their booked and available balance as of a day:
 * the closing balance of the latest day on or before `asOf`, or a later interim one (ITBD/ITAV)
 * when the bank reported intraday after its last closing. On one day a closing wins.
 */
export async function listAccountsWithBalances(
  db: Db,
  scope: EntityScope,
  asOf: string,
  filter: AccountFilter = {},
  recentFrom: string = asOf,
): Promise<AccountWithBalances[]> {
  const rows = await scopedAccounts(db, scope, filter).orderBy('a.id').execute()
  return attachBalances(db, scope, rows.map(directoryAccount), asOf, recentFrom)
}

/**
 * The booked and available balance as of `asOf` of each of `accounts` (all inside `scope`).
 *
 * Fast path: nearly every account reported within the last day or two, so one range read of the
 * balances of `recentFrom`..`asOf` (a covering index on date, type) answers most accounts; only
 * accounts with no booked or available figure in that window (stale feeds) take the per-account
 * seek path.
 */
export async function attachBalances(
  db: Db,
  scope: EntityScope,
  directory: readonly DirectoryAccount[],
  asOf: string,
  recentFrom: string = asOf,
): Promise<AccountWithBalances[]> {
  let recentQuery = db
    .selectFrom('balances as b')
    .select(['b.account_id', 'b.date', 'b.type', 'b.amount', 'b.reported_at', 'b.fetched_at', 'b.source'])
    .where('b.date', '>=', recentFrom)
    .where('b.date', '<=', asOf)
    .where('b.type', 'in', ['CLBD', 'ITBD', 'CLAV', 'ITAV'])
  if (directory.length === 1) recentQuery = recentQuery.where('b.account_id', '=', directory[0]!.id)
  const recent = directory.length === 0 ? [] : await recentQuery.execute()

  const accounts = new Map<string, AccountWithBalances>()
  for (const a of directory) {
    // Spelled out: a literal of one shape is several times faster to build and use than a spread.
    accounts.set(a.id, {
      id: a.id,
      entityId: a.entityId,
      entityPath: a.entityPath,
      bankId: a.bankId,
      name: a.name,
      numberMasked: a.numberMasked,
      iban: a.iban,
      currency: a.currency,
      type: a.type,
      status: a.status,
      tier: a.tier,
      openedOn: a.openedOn,
      regionCode: a.regionCode,
      regionNameZh: a.regionNameZh,
      regionNameEn: a.regionNameEn,
      booked: null,
      available: null,
    })
  }
  for (const b of recent) {
    const account = accounts.get(b.account_id)
    if (!account) continue
    const point: BalancePoint = { date: b.date, type: b.type, amount: b.amount, reportedAt: b.reported_at, fetchedAt: b.fetched_at, source: b.source }
    const slot = b.type === 'CLBD' || b.type === 'ITBD' ? 'booked' : 'available'
    account[slot] = later(account[slot], point)
  }
  const missing = [...accounts.values()].filter((a) => !a.booked || !a.available).map((a) => a.id)
  for (let i = 0; i < missing.length; i += 500) {
    for (const found of await seekBalances(db, scope, asOf, { accountIds: missing.slice(i, i + 500) })) {
      const account = accounts.get(found.id)!
      account.booked ??= found.booked
      account.available ??= found.available
    }
  }
  return [...accounts.values()]
}

/**
 * Only the booked balance as of `asOf` of each of `accounts` (all inside `scope`), in the same order:
 * what a position needs. The fast path of `attachBalances` narrowed to it: the day's closings (CLBD),
 * then its interims (ITBD), each one equality range of the covering index on (date, type), so no row
 * carries its type, and of a single day not its date either; the few accounts with nothing in the
 * window take a booked-only seek. A CLBD and an ITBD of one day: the closing wins (as `later`).
 */
export async function bookedBalancesOf(
  db: Db,
  scope: EntityScope,
  directory: readonly DirectoryAccount[],
  asOf: string,
  recentFrom: string = asOf,
): Promise<(BookedPoint | null)[]> {
  const booked = new Array<BookedPoint | null>(directory.length).fill(null)
  if (directory.length === 0) return booked
  const at = positionsIn(directory)
  for (const type of ['CLBD', 'ITBD'] as const) {
    await eachBooked(db, type, recentFrom, asOf, (accountId, date, amount, reportedAt) => {
      const i = at.get(accountId)
      if (i === undefined) return
      const current = booked[i]
      // Later day wins; on the same day the closing, read first, stays.
      if (!current || date > current.date) booked[i] = { date, type, amount, reportedAt }
    })
  }
  const missing: string[] = []
  for (let i = 0; i < directory.length; i++) if (booked[i] === null) missing.push(directory[i]!.id)
  for (let i = 0; i < missing.length; i += 500) {
    for (const found of await seekBooked(db, scope, asOf, missing.slice(i, i + 500))) booked[at.get(found.id)!] = found.booked
  }
  return booked
}

/** Separates the values packed into one text by `readPacked` (the ASCII unit separator). */
const UNIT = '\x1f'

/**
 * On SQLite, the rows of `query` packed into one text (`values` joined by the unit separator, rows
 * too) and split here into `width` parts a row: better-sqlite3 makes an object of every row and a
 * JS value of every value, which for the ~450,000 daily closings of a 5,000-account trend was most
 * of the read. The row count guards the split (a separator inside a value changes the number of
 * parts). Undefined on PostgreSQL or when the guard fails: the caller reads the rows as usual.
 */
async function readPacked<T>(
  db: Db,
  // Any FROM clause: the packed text and the row count are all it selects.
  query: SelectQueryBuilder<any, any, object>,
  values: ReturnType<typeof sql>,
  width: number,
  row: (parts: string[], at: number) => T,
): Promise<T[] | undefined> {
  if (databaseKind(db) !== 'sqlite') return undefined
  const { packed, rows } = (await query
    .select([sql<string | null>`group_concat(${values}, char(31))`.as('packed'), sql<bigint | number>`count(*)`.as('rows')])
    .executeTakeFirstOrThrow()) as { packed: string | null; rows: bigint | number }
  const parts = packed === null ? [] : packed.split(UNIT)
  if (parts.length !== width * Number(rows)) return undefined
  const out = new Array<T>(Number(rows))
  for (let k = 0, i = 0; k < parts.length; k += width, i++) out[i] = row(parts, k)
  return out
}

/**
 * Calls `visit` for every balance of `type` dated `from`..`to` (any account: callers pick theirs).
 *
 * One equality seek per day on the covering index's (date, type), not a range over every type of
 * those days. On SQLite the rows come back packed into one text (`id␟amount␟reportedAt␟id…`, plus
 * the date when more than one day; `readPacked`): for the ~5,000 rows of a group's day that halved
 * the read (measured 7.3 → 3.6 ms).
 */
async function eachBooked(
  db: Db,
  type: 'CLBD' | 'ITBD',
  from: string,
  to: string,
  visit: (accountId: string, date: string, amount: bigint, reportedAt: string) => void,
): Promise<void> {
  const days = from === to ? [to] : daysOf(from, to)
  if (days.length === 0) return
  const oneDay = days.length === 1
  let query = db.selectFrom('balances as b').where('b.type', '=', type)
  if (oneDay) query = query.where('b.date', '=', to)
  else if (days.length <= 31) query = query.where('b.date', 'in', days)
  else query = query.where('b.date', '>=', from).where('b.date', '<=', to)
  const packed = oneDay
    ? await readPacked(db, query, sql`b.account_id || char(31) || b.amount || char(31) || b.reported_at`, 3, (p, k) => {
        visit(p[k]!, to, BigInt(p[k + 1]!), p[k + 2]!)
      })
    : await readPacked(db, query, sql`b.account_id || char(31) || b.date || char(31) || b.amount || char(31) || b.reported_at`, 4, (p, k) => {
        visit(p[k]!, p[k + 1]!, BigInt(p[k + 2]!), p[k + 3]!)
      })
  if (packed) return
  for (const b of await query.select(['b.account_id', 'b.date', 'b.amount', 'b.reported_at']).execute()) visit(b.account_id, b.date, b.amount, b.reported_at)
}

/** Where each account of a directory stands in it, by id; kept per directory (services keep theirs). */
const positionsByDirectory = new WeakMap<readonly DirectoryAccount[], Map<string, number>>()

function positionsIn(directory: readonly DirectoryAccount[]): Map<string, number> {
  let positions = positionsByDirectory.get(directory)
  if (!positions) {
    positions = new Map()
    for (let i = 0; i < directory.length; i++) positions.set(directory[i]!.id, i)
    positionsByDirectory.set(directory, positions)
  }
  return positions
}

/** The days from..to (YYYY-MM-DD), both included, up to 32 of them; empty when from is after to. */
function daysOf(from: string, to: string): string[] {
  const days: string[] = []
  const day = new Date(`${from}T00:00:00Z`)
  for (let text = from; text <= to && days.length <= 31; text = day.toISOString().slice(0, 10)) {
    days.push(text)
    day.setUTCDate(day.getUTCDate() + 1)
  }
  return days
}

/**
 * The slow path of `bookedBalancesOf`: per account (of the scope, not closed), its latest CLBD and
 * latest ITBD on or before `asOf`, each by one index seek on (account_id, type, date). On SQLite
 * each comes back packed into one text (date␟amount␟reportedAt, as `eachBooked`), which saves the
 * second lookup per balance that reading them as columns takes; a separator inside a value makes
 * the parts miscount, and then the seek runs as on PostgreSQL (latest dates, then a join on them).
 */
async function seekBooked(db: Db, scope: EntityScope, asOf: string, accountIds: readonly string[]) {
  const accounts = db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .where(pathInScope('e.path', scope))
    .where('a.status', '<>', 'closed')
    .where('a.id', 'in', accountIds)
  const newer = (closing: BookedPoint | null, interim: BookedPoint | null) =>
    closing && interim ? (interim.date > closing.date ? interim : closing) : (closing ?? interim)
  if (databaseKind(db) === 'sqlite') {
    const latest = (type: string) => sql<string | null>`(
      select b.date || char(31) || b.amount || char(31) || b.reported_at from balances as b
      where b.account_id = a.id and b.type = ${type} and b.date <= ${asOf} order by b.date desc limit 1)`
    const rows = await accounts.select(['a.id', latest('CLBD').as('closing'), latest('ITBD').as('interim')]).execute()
    const unpack = (packed: string | null, type: string): BookedPoint | null | undefined => {
      if (packed === null) return null
      const parts = packed.split(UNIT)
      return parts.length === 3 ? { date: parts[0]!, type, amount: BigInt(parts[1]!), reportedAt: parts[2]! } : undefined
    }
    const found: { id: string; booked: BookedPoint | null }[] = []
    for (const row of rows) {
      const closing = unpack(row.closing, 'CLBD')
      const interim = unpack(row.interim, 'ITBD')
      if (closing === undefined || interim === undefined) break
      found.push({ id: row.id, booked: newer(closing, interim) })
    }
    if (found.length === rows.length) return found
  }
  const rows = await db
    .selectFrom(accounts.select((eb) => ['a.id', latestDate('CLBD', asOf)(eb).as('clbd_date'), latestDate('ITBD', asOf)(eb).as('itbd_date')]).as('s'))
    .leftJoin('balances as clbd', (j) => j.onRef('clbd.account_id', '=', 's.id').on('clbd.type', '=', 'CLBD').onRef('clbd.date', '=', 's.clbd_date'))
    .leftJoin('balances as itbd', (j) => j.onRef('itbd.account_id', '=', 's.id').on('itbd.type', '=', 'ITBD').onRef('itbd.date', '=', 's.itbd_date'))
    .select([
      's.id',
      'clbd.date as clbd_date', 'clbd.amount as clbd_amount', 'clbd.reported_at as clbd_reported_at',
      'itbd.date as itbd_date', 'itbd.amount as itbd_amount', 'itbd.reported_at as itbd_reported_at',
    ])
    .execute()
  return rows.map((row) => ({
    id: row.id,
    booked: newer(
      row.clbd_date === null ? null : { date: row.clbd_date, type: 'CLBD', amount: row.clbd_amount!, reportedAt: row.clbd_reported_at! },
      row.itbd_date === null ? null : { date: row.itbd_date, type: 'ITBD', amount: row.itbd_amount!, reportedAt: row.itbd_reported_at! },
    ),
  }))
}

/** The later of two balances of one kind; on the same day the closing (CL…) beats the interim (IT…). */
function later<P extends BookedPoint>(current: P | null, candidate: P): P {
  if (!current || candidate.date > current.date) return candidate
  if (candidate.date < current.date) return current
  return candidate.type.startsWith('CL') ? candidate : current
}

/** The slow path: per account, the latest date of each balance type by index seeks, then a key lookup each. */
async function seekBalances(
  db: Db,
  scope: EntityScope,
  asOf: string,
  filter: AccountFilter & { accountIds?: readonly string[] },
): Promise<AccountWithBalances[]> {
  const query = scopedAccounts(db, scope, filter).select((eb) => [
    latestDate('CLBD', asOf)(eb).as('clbd_date'),
    latestDate('ITBD', asOf)(eb).as('itbd_date'),
    latestDate('CLAV', asOf)(eb).as('clav_date'),
    latestDate('ITAV', asOf)(eb).as('itav_date'),
  ])

  const rows = await db
    .selectFrom(query.as('s'))
    .leftJoin('balances as clbd', (j) => j.onRef('clbd.account_id', '=', 's.id').on('clbd.type', '=', 'CLBD').onRef('clbd.date', '=', 's.clbd_date'))
    .leftJoin('balances as itbd', (j) => j.onRef('itbd.account_id', '=', 's.id').on('itbd.type', '=', 'ITBD').onRef('itbd.date', '=', 's.itbd_date'))
    .leftJoin('balances as clav', (j) => j.onRef('clav.account_id', '=', 's.id').on('clav.type', '=', 'CLAV').onRef('clav.date', '=', 's.clav_date'))
    .leftJoin('balances as itav', (j) => j.onRef('itav.account_id', '=', 's.id').on('itav.type', '=', 'ITAV').onRef('itav.date', '=', 's.itav_date'))
    .selectAll('s')
    .select([
      'clbd.amount as clbd_amount', 'clbd.reported_at as clbd_reported_at', 'clbd.fetched_at as clbd_fetched_at', 'clbd.source as clbd_source',
      'itbd.amount as itbd_amount', 'itbd.reported_at as itbd_reported_at', 'itbd.fetched_at as itbd_fetched_at', 'itbd.source as itbd_source',
      'clav.amount as clav_amount', 'clav.reported_at as clav_reported_at', 'clav.fetched_at as clav_fetched_at', 'clav.source as clav_source',
      'itav.amount as itav_amount', 'itav.reported_at as itav_reported_at', 'itav.fetched_at as itav_fetched_at', 'itav.source as itav_source',
    ])
    .orderBy('s.id')
    .execute()

  const point = (type: string, date: string | null, amount: bigint | null, reportedAt: string | null, fetchedAt: string | null, source: string | null): BalancePoint | null =>
    date === null || amount === null ? null : { date, type, amount, reportedAt: reportedAt!, fetchedAt: fetchedAt!, source: source! }

  return rows.map((row) => ({
    ...directoryAccount(row as unknown as AccountRow),
    booked: newer(
      point('CLBD', row.clbd_date, row.clbd_amount, row.clbd_reported_at, row.clbd_fetched_at, row.clbd_source),
      point('ITBD', row.itbd_date, row.itbd_amount, row.itbd_reported_at, row.itbd_fetched_at, row.itbd_source),
    ),
    available: newer(
      point('CLAV', row.clav_date, row.clav_amount, row.clav_reported_at, row.clav_fetched_at, row.clav_source),
      point('ITAV', row.itav_date, row.itav_amount, row.itav_reported_at, row.itav_fetched_at, row.itav_source),
    ),
  }))
}

/** The later of a closing and an interim balance; on the same day the closing wins. */
function newer(closing: BalancePoint | null, interim: BalancePoint | null): BalancePoint | null {
  if (!closing || !interim) return closing ?? interim
  return interim.date > closing.date ? interim : closing
}

export interface DailyClosing {
  accountId: string
  currency: string
  date: string
  amount: bigint
  interim: boolean
}

/**
 * Daily closing balances (CLBD) of scoped accounts for a range, plus the last one before it (to
 * carry forward): one list of points per account, in date order. With `interimOn` (today, whose
 * closing comes only tonight), an account's interim booked balance (ITBD) of that day stands in for
 * its closing, marked `interim`. Read a few hundred accounts a query (`readByAccounts`).
 */
export async function listDailyClosings(
  db: Db,
  scope: EntityScope,
  from: string,
  to: string,
  filter: AccountFilter = {},
  interimOn?: string,
  { accountsPerRead }: { accountsPerRead?: number } = {},
): Promise<DailyClosing[][]> {
  let scoped = db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .where(pathInScope('e.path', scope))
    .where('a.status', '<>', 'closed')
  if (filter.bankId) scoped = scoped.where('a.bank_id', '=', filter.bankId)
  const ids = (await scoped.select('a.id').execute()).map((a) => a.id)
  return readByAccounts(ids, async (part) => {
    const accounts = db.selectFrom('accounts as a').select(['a.id', 'a.currency']).where('a.id', 'in', part)
    // Two index range reads instead of one OR (which would defeat the (account_id, type, date) key).
    const inRangeQuery = db
      .selectFrom(accounts.as('s'))
      .innerJoin('balances as b', (j) => j.onRef('b.account_id', '=', 's.id').on('b.type', '=', 'CLBD').on('b.date', '>=', from).on('b.date', '<=', to))
    const [inRange, carriedIn] = await Promise.all([
      (async () =>
        (await readPacked(db, inRangeQuery, sql`s.id || char(31) || s.currency || char(31) || b.date || char(31) || b.amount`, 4, (p, k) => ({
          id: p[k]!,
          currency: p[k + 1]!,
          date: p[k + 2]!,
          amount: BigInt(p[k + 3]!),
        }))) ?? (await inRangeQuery.select(['s.id', 's.currency', 'b.date', 'b.amount']).execute()))(),
      db
        .selectFrom(
          accounts
            .select((eb) =>
              eb
                .selectFrom('balances as p')
                .select((p) => p.fn.max('p.date').as('d'))
                .whereRef('p.account_id', '=', 'a.id')
                .where('p.type', '=', 'CLBD')
                .where('p.date', '<', from)
                .as('prev_date'),
            )
            .as('s'),
        )
        .innerJoin('balances as b', (j) => j.onRef('b.account_id', '=', 's.id').on('b.type', '=', 'CLBD').onRef('b.date', '=', 's.prev_date'))
        .select(['s.id', 's.currency', 'b.date', 'b.amount'])
        .execute(),
    ])
    const interims =
      interimOn === undefined || interimOn < from || interimOn > to
        ? []
        : await db
            .selectFrom(accounts.as('s'))
            .innerJoin('balances as b', (j) => j.onRef('b.account_id', '=', 's.id').on('b.type', '=', 'ITBD').on('b.date', '=', interimOn))
            .select(['s.id', 's.currency', 'b.date', 'b.amount'])
            .execute()
    // Each account's points together and in date order. A closing of the day, where there is one,
    // wins over its interim. (Sorting the ~460,000 points of a large group as one list took ~0.6 s.)
    const byAccount = new Map<string, DailyClosing[]>()
    const point = (interim: boolean) => (r: (typeof inRange)[number]) => {
      let points = byAccount.get(r.id)
      if (!points) byAccount.set(r.id, (points = []))
      points.push({ accountId: r.id, currency: r.currency, date: r.date, amount: r.amount, interim })
    }
    carriedIn.forEach(point(false))
    inRange.forEach(point(false))
    const closed = new Set(inRange.filter((r) => r.date === interimOn).map((r) => r.id))
    interims.filter((r) => !closed.has(r.id)).forEach(point(true))
    const lists = [...byAccount.values()]
    for (const points of lists) if (points.some((p, k) => k > 0 && points[k - 1]!.date > p.date)) points.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))
    return lists
  }, accountsPerRead)
}

/** An account if it exists inside the scope (otherwise undefined, whether missing or out of scope). */
export function findAccountInScope(db: Db, scope: EntityScope, accountId: string) {
  return db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .select(['a.id', 'a.currency', 'a.entity_id', 'a.bank_id'])
    .where('a.id', '=', accountId)
    .where(pathInScope('e.path', scope))
    .executeTakeFirst()
}

/** Daily balances of one account in a date range (all types), oldest first. */
export function listAccountBalances(db: Db, accountId: string, from: string, to: string) {
  return db
    .selectFrom('balances')
    .select(['date', 'type', 'amount', 'reported_at', 'source'])
    .where('account_id', '=', accountId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date')
    .orderBy('type')
    .execute()
}
