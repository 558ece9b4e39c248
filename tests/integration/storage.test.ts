import { migrateToLatest } from '@treasury/server/db/client'
import { upsertTransactionRows } from '@treasury/server/db/queries/ingest'
import type { NewTransaction } from '@treasury/server/db/database'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDatabase, openTestDb, type Db, type TestDb } from '../support/databases.js'

// Past 2^53 a JS number silently rounds; these only survive if bigint is kept end to end.
const BEYOND_DOUBLE = 9_007_199_254_740_993n // 2^53 + 1
const INT64_MAX = 9_223_372_036_854_775_807n
const INT64_MIN_PLUS_ONE = -9_223_372_036_854_775_807n

async function seedAccount(db: Db, id: string): Promise<void> {
  await db
    .insertInto('entities')
    .values({
      id: `ent-${id}`, parent_id: null, path: `/ent-${id}/`, depth: 0, code: `E-${id}`,
      name_zh: '测试集团', name_en: 'Test Group', region_code: 'CN-SH', region_country: 'CN',
      region_name_zh: '上海', region_name_en: 'Shanghai', functional_currency: 'CNY',
    })
    .execute()
  await db
    .insertInto('banks')
    .values({ id: `bank-${id}`, name_zh: '测试银行', name_en: 'Test Bank', bic: 'TESTCNSHXXX', country: 'CN' })
    .onConflict((oc) => oc.doNothing())
    .execute()
  await db
    .insertInto('accounts')
    .values({
      id, entity_id: `ent-${id}`, bank_id: `bank-${id}`, name: `Operating ${id}`, number: `6222${id}`,
      number_masked: '****', iban: null, currency: 'CNY', type: 'current', status: 'active', tier: 'operating',
      opened_on: '2020-01-01',
    })
    .execute()
}

function transaction(accountId: string, dedupeKey: string, amount: bigint): NewTransaction {
  return {
    account_id: accountId, dedupe_key: dedupeKey, booking_date: '2025-03-31', value_date: '2025-03-31',
    amount, currency: 'CNY', status: 'booked', bank_reference: null, end_to_end_id: null,
    counterparty_name: null, counterparty_account: null, counterparty_bank: null, purpose: null,
    bank_transaction_code: null, source: 'test', created_at: '2025-03-31T00:00:00.000Z',
  }
}

describeEachDatabase('storage', (kind) => {
  let t: TestDb
  beforeAll(async () => {
    t = await openTestDb(kind)
  })
  afterAll(() => t?.drop())

  it('applies every migration, and a second run is a no-op', async () => {
    const tables = (await t.db.introspection.getTables()).map((table) => table.name)
    expect(tables).toEqual(expect.arrayContaining(['entities', 'banks', 'accounts', 'balances', 'transactions', 'fx_rates', 'app_meta']))
    await migrateToLatest(t.db)
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.db)
    expect(applied.rows.map((row) => row.name)).toContain('0001_initial')
  })

  it('round-trips bigints beyond 2^53 exactly in balances.amount', async () => {
    await seedAccount(t.db, 'bal')
    const amounts = [BEYOND_DOUBLE, INT64_MAX, INT64_MIN_PLUS_ONE]
    await t.db
      .insertInto('balances')
      .values(amounts.map((amount, i) => ({
        account_id: 'bal', date: `2025-01-0${i + 1}`, type: 'CLBD', amount,
        reported_at: '2025-01-01T00:00:00Z', fetched_at: '2025-01-01T00:00:00Z', source: 'test',
      })))
      .execute()
    const rows = await t.db.selectFrom('balances').select('amount').where('account_id', '=', 'bal').orderBy('date').execute()
    expect(rows.map((row) => typeof row.amount)).toEqual(['bigint', 'bigint', 'bigint'])
    expect(rows.map((row) => row.amount)).toEqual(amounts)
  })

  it('round-trips bigints beyond 2^53 exactly in transactions.amount', async () => {
    await seedAccount(t.db, 'txn')
    const amounts = [BEYOND_DOUBLE, -BEYOND_DOUBLE, INT64_MAX]
    await t.db.insertInto('transactions').values(amounts.map((amount, i) => transaction('txn', `k${i}`, amount))).execute()
    const rows = await t.db.selectFrom('transactions').select('amount').where('account_id', '=', 'txn').orderBy('dedupe_key').execute()
    expect(rows.map((row) => row.amount)).toEqual(amounts)
    expect(typeof rows[0]!.amount).toBe('bigint')
  })

  it('SUM over a bigint column returns an exact bigint', async () => {
    await seedAccount(t.db, 'sum')
    const amounts = [BEYOND_DOUBLE, BEYOND_DOUBLE, 1n, -3n]
    await t.db.insertInto('transactions').values(amounts.map((amount, i) => transaction('sum', `k${i}`, amount))).execute()
    const { total } = await t.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.sum<bigint>('amount').as('total'))
      .where('account_id', '=', 'sum')
      .executeTakeFirstOrThrow()
    expect(typeof total).toBe('bigint')
    expect(total).toBe(18_014_398_509_481_984n) // 2 * (2^53 + 1) + 1 - 3
  })

  it('COUNT returns a bigint', async () => {
    await seedAccount(t.db, 'cnt')
    await t.db.insertInto('transactions').values([1n, 2n, 3n].map((amount) => transaction('cnt', `k${amount}`, amount))).execute()
    const { n } = await t.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where('account_id', '=', 'cnt')
      .executeTakeFirstOrThrow()
    expect(n).toBe(3n)
  })

  it('generates increasing transaction ids', async () => {
    await seedAccount(t.db, 'ids')
    const first = await t.db.insertInto('transactions').values(transaction('ids', 'a', 1n)).returning('id').executeTakeFirstOrThrow()
    const second = await t.db.insertInto('transactions').values(transaction('ids', 'b', 2n)).returning('id').executeTakeFirstOrThrow()
    expect(typeof first.id).toBe('bigint')
    expect(second.id).toBe(first.id + 1n)
  })

  it('enforces one transaction per (account_id, dedupe_key)', async () => {
    await seedAccount(t.db, 'dd1')
    await seedAccount(t.db, 'dd2')
    await t.db.insertInto('transactions').values(transaction('dd1', 'same-key', 100n)).execute()
    await expect(t.db.insertInto('transactions').values(transaction('dd1', 'same-key', 200n)).execute()).rejects.toThrow(
      /UNIQUE constraint failed|duplicate key value violates unique constraint/,
    )
    // The key is per account: another account may reuse it.
    await t.db.insertInto('transactions').values(transaction('dd2', 'same-key', 300n)).execute()
    const rows = await t.db.selectFrom('transactions').select(['account_id', 'amount']).where('dedupe_key', '=', 'same-key').orderBy('account_id').execute()
    expect(rows).toEqual([
      { account_id: 'dd1', amount: 100n },
      { account_id: 'dd2', amount: 300n },
    ])
  })

  it('a key another writer stores between the look-up and the insert counts as not inserted, the rest as inserted', async () => {
    await seedAccount(t.db, 'race1')
    const rows = ['k1', 'k2', 'k3'].map((key, i) => transaction('race1', key, BigInt(100 * (i + 1))))
    await t.db.transaction().execute(async (trx) => {
      let raced = false
      // The other writer commits k2 right after our look-up of stored keys (on PostgreSQL another
      // connection can; here it writes through ours, which is the same for our INSERT's conflict).
      const racing = new Proxy(trx, {
        get(target, prop) {
          const value = Reflect.get(target, prop) as unknown
          if (prop !== 'executeQuery') return typeof value === 'function' ? value.bind(target) : value
          return async (query: Parameters<typeof trx.executeQuery>[0]) => {
            const result = await target.executeQuery(query)
            if (!raced && 'sql' in query && query.sql.startsWith('select "id", "dedupe_key"')) {
              raced = true
              await target.insertInto('transactions').values({ ...rows[1]!, amount: 999n, source: 'other-writer' }).execute()
            }
            return result
          }
        },
      })
      expect(await upsertTransactionRows(racing, 'race1', rows)).toEqual(['inserted', 'unchanged', 'inserted'])
      expect(raced).toBe(true)
    })
    const stored = await t.db.selectFrom('transactions').select(['dedupe_key', 'amount', 'source']).where('account_id', '=', 'race1').orderBy('dedupe_key').execute()
    expect(stored.map((r) => [r.dedupe_key, BigInt(r.amount), r.source])).toEqual([
      ['k1', 100n, 'test'],
      ['k2', 999n, 'other-writer'],
      ['k3', 300n, 'test'],
    ])
  })
})
