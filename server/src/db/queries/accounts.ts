import type { Db } from '../client.js'
import { pathInScope, type EntityScope } from './scope.js'

export interface AccountFilter {
  bankId?: string | undefined
  currency?: string | undefined
  type?: string | undefined
  accountId?: string | undefined
}

/** A balance as found for an account on or before a day. */
export interface BalancePoint {
  date: string
  type: string
  amount: bigint
  reportedAt: string
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

/**
 * Accounts in scope (closed ones left out) with their booked and available balance as of a day:
 * the closing balance of the latest day on or before `asOf`, or a later same-period interim one
 * (ITBD/ITAV) when the bank reported intraday after its last closing. On one day a closing wins.
 */
export async function listAccountsWithBalances(
  db: Db,
  scope: EntityScope,
  asOf: string,
  filter: AccountFilter = {},
): Promise<AccountWithBalances[]> {
  let query = db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .select([
      'a.id', 'a.entity_id', 'e.path', 'a.bank_id', 'a.name', 'a.number_masked', 'a.iban', 'a.currency', 'a.type',
      'a.status', 'a.tier', 'a.opened_on', 'e.region_code', 'e.region_name_zh', 'e.region_name_en',
    ])
    .select((eb) => [
      latestDate('CLBD', asOf)(eb).as('clbd_date'),
      latestDate('ITBD', asOf)(eb).as('itbd_date'),
      latestDate('CLAV', asOf)(eb).as('clav_date'),
      latestDate('ITAV', asOf)(eb).as('itav_date'),
    ])
    .where(pathInScope('e.path', scope))
    .where('a.status', '<>', 'closed')
  if (filter.bankId) query = query.where('a.bank_id', '=', filter.bankId)
  if (filter.currency) query = query.where('a.currency', '=', filter.currency)
  if (filter.type) query = query.where('a.type', '=', filter.type)
  if (filter.accountId) query = query.where('a.id', '=', filter.accountId)

  const rows = await db
    .selectFrom(query.as('s'))
    .leftJoin('balances as bb', (join) =>
      join
        .onRef('bb.account_id', '=', 's.id')
        .on((eb) =>
          eb.or([
            eb.and([eb('bb.type', '=', 'CLBD'), eb('bb.date', '=', eb.ref('s.clbd_date'))]),
            eb.and([eb('bb.type', '=', 'ITBD'), eb('bb.date', '=', eb.ref('s.itbd_date'))]),
            eb.and([eb('bb.type', '=', 'CLAV'), eb('bb.date', '=', eb.ref('s.clav_date'))]),
            eb.and([eb('bb.type', '=', 'ITAV'), eb('bb.date', '=', eb.ref('s.itav_date'))]),
          ]),
        ),
    )
    .selectAll('s')
    .select(['bb.type as b_type', 'bb.date as b_date', 'bb.amount as b_amount', 'bb.reported_at as b_reported_at', 'bb.fetched_at as b_fetched_at', 'bb.source as b_source'])
    .orderBy('s.id')
    .execute()

  const byId = new Map<string, AccountWithBalances>()
  for (const row of rows) {
    let account = byId.get(row.id)
    if (!account) {
      account = {
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
        booked: null,
        available: null,
      }
      byId.set(row.id, account)
    }
    if (row.b_type === null || row.b_date === null) continue
    const point: BalancePoint = {
      date: row.b_date,
      type: row.b_type,
      amount: row.b_amount as bigint,
      reportedAt: row.b_reported_at!,
      fetchedAt: row.b_fetched_at!,
      source: row.b_source!,
    }
    const slot = row.b_type === 'CLBD' || row.b_type === 'ITBD' ? 'booked' : 'available'
    account[slot] = newer(account[slot], point)
  }
  return [...byId.values()]
}

/** The later of two balances; on the same day the closing (CL…) beats the interim (IT…). */
function newer(current: BalancePoint | null, candidate: BalancePoint): BalancePoint {
  if (!current) return candidate
  if (candidate.date !== current.date) return candidate.date > current.date ? candidate : current
  return candidate.type.startsWith('CL') ? candidate : current
}

/** Daily closing balances (CLBD) of scoped accounts for a range, plus the last one before it (to carry forward). */
export async function listDailyClosings(
  db: Db,
  scope: EntityScope,
  from: string,
  to: string,
  filter: AccountFilter = {},
): Promise<{ accountId: string; currency: string; date: string; amount: bigint }[]> {
  let accounts = db
    .selectFrom('accounts as a')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .select(['a.id', 'a.currency'])
    .where(pathInScope('e.path', scope))
    .where('a.status', '<>', 'closed')
  if (filter.bankId) accounts = accounts.where('a.bank_id', '=', filter.bankId)
  const rows = await db
    .selectFrom(accounts.as('s'))
    .innerJoin('balances as b', 'b.account_id', 's.id')
    .select(['s.id', 's.currency', 'b.date', 'b.amount'])
    .where('b.type', '=', 'CLBD')
    .where('b.date', '<=', to)
    .where((eb) =>
      eb.or([
        eb('b.date', '>=', from),
        eb(
          'b.date',
          '=',
          eb
            .selectFrom('balances as p')
            .select((p) => p.fn.max('p.date').as('d'))
            .whereRef('p.account_id', '=', 's.id')
            .where('p.type', '=', 'CLBD')
            .where('p.date', '<', from),
        ),
      ]),
    )
    .orderBy('s.id')
    .orderBy('b.date')
    .execute()
  return rows.map((r) => ({ accountId: r.id, currency: r.currency, date: r.date, amount: r.amount }))
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
