import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, migrateToLatest, type Db } from '../db/client.js'
import { addDays } from './calendar.js'
import { withBulkWriter } from '../db/queries/seed.js'
import { generateDemo, seedDemo, type SeedProgress, type SeedSummary } from './index.js'

const END = '2026-03-31'
const OPTIONS = { seed: 42, endDate: END, scale: 'demo' as const }

async function count(db: Db, table: 'entities' | 'banks' | 'accounts' | 'balances' | 'transactions' | 'fx_rates' | 'app_meta'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

async function scalar(db: Db, query: ReturnType<typeof sql<{ n: bigint | number | null }>>): Promise<number> {
  const { rows } = await query.execute(db)
  return Number(rows[0]?.n ?? 0)
}

describe('seedDemo into SQLite', () => {
  let db: Db
  let summary: SeedSummary
  const progress: SeedProgress[] = []

  beforeAll(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await migrateToLatest(db)
    summary = await seedDemo(db, { ...OPTIONS, onProgress: (p) => progress.push(p) })
  })
  afterAll(async () => {
    await db?.destroy()
  })

  it('writes what the generator generates, and says so in the summary', async () => {
    const demo = generateDemo(OPTIONS)
    // Three balances a day for each account, through its last reported day.
    const balances = demo.accounts.reduce((n, a) => n + 3 * ((Date.parse(demo.lastDateOf(a)) - Date.parse(demo.startDate)) / 86_400_000 + 1), 0)
    expect(summary).toEqual({
      seed: 42,
      scale: 'demo',
      startDate: addDays(END, -399),
      endDate: END,
      entities: demo.entities.length,
      banks: demo.banks.length,
      accounts: demo.accounts.length,
      balances,
      transactions: expect.any(Number),
      fxRates: 2_000,
      staleBankId: 'bnk_citi',
      staleThrough: addDays(END, -2),
    })
    expect(await count(db, 'entities')).toBe(summary.entities)
    expect(await count(db, 'banks')).toBe(summary.banks)
    expect(await count(db, 'accounts')).toBe(summary.accounts)
    expect(await count(db, 'balances')).toBe(summary.balances)
    expect(await count(db, 'transactions')).toBe(summary.transactions)
    expect(await count(db, 'fx_rates')).toBe(summary.fxRates)
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary)
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: summary.accounts, total: summary.accounts, transactions: summary.transactions })
  })

  it('records the seed in app_meta', async () => {
    const rows = await db.selectFrom('app_meta').selectAll().where('key', 'like', 'demo.%').orderBy('key').execute()
    expect(rows).toEqual([
      { key: 'demo.endDate', value: END },
      { key: 'demo.scale', value: 'demo' },
      { key: 'demo.seed', value: '42' },
    ])
  })

  it('reconciles in SQL: OPBD + Σ booked entries = CLBD for every account and day', async () => {
    const mismatches = sql<{ n: bigint }>`
      select count(*) as n
      from balances o
      join balances c on c.account_id = o.account_id and c.date = o.date and c.type = 'CLBD'
      left join (
        select account_id, booking_date, sum(amount) as total from transactions where status = 'booked' group by account_id, booking_date
      ) t on t.account_id = o.account_id and t.booking_date = o.date
      where o.type = 'OPBD' and o.amount + coalesce(t.total, 0) <> c.amount`
    expect(await scalar(db, mismatches)).toBe(0)
    const days = sql<{ n: bigint }>`select count(*) as n from balances o join balances c on c.account_id = o.account_id and c.date = o.date and c.type = 'CLBD' where o.type = 'OPBD'`
    expect(await scalar(db, days)).toBe(summary.balances / 3)
  })

  it('reconciles in SQL: each OPBD equals the previous day’s CLBD', async () => {
    const pairs = sql<{ n: bigint }>`
      select count(*) as n from balances o
      join balances p on p.account_id = o.account_id and p.type = 'CLBD' and p.date = date(o.date, '-1 day')
      where o.type = 'OPBD'`
    const broken = sql<{ n: bigint }>`
      select count(*) as n from balances o
      join balances p on p.account_id = o.account_id and p.type = 'CLBD' and p.date = date(o.date, '-1 day')
      where o.type = 'OPBD' and p.amount <> o.amount`
    expect(await scalar(db, broken)).toBe(0)
    expect(await scalar(db, pairs)).toBe(summary.balances / 3 - summary.accounts)
  })

  it('has no negative balance, no entry outside a reported day, and exact bigint money', async () => {
    expect(await scalar(db, sql<{ n: bigint }>`select count(*) as n from balances where amount < 0`)).toBe(0)
    const orphans = sql<{ n: bigint }>`
      select count(*) as n from transactions t
      where t.status = 'booked' and not exists (select 1 from balances b where b.account_id = t.account_id and b.date = t.booking_date and b.type = 'OPBD')`
    expect(await scalar(db, orphans)).toBe(0)
    const row = await db.selectFrom('balances').select(['amount']).where('type', '=', 'CLBD').limit(1).executeTakeFirstOrThrow()
    expect(typeof row.amount).toBe('bigint')
    const types = await db.selectFrom('balances').select('type').distinct().orderBy('type').execute()
    expect(types.map((t) => t.type)).toEqual(['CLAV', 'CLBD', 'OPBD'])
  })

  it('has a rate for every day and currency of the period', async () => {
    const rows = await db
      .selectFrom('fx_rates')
      .select(['base', (eb) => eb.fn.countAll<bigint>().as('n'), (eb) => eb.fn.min('date').as('first'), (eb) => eb.fn.max('date').as('last')])
      .groupBy('base')
      .orderBy('base')
      .execute()
    expect(rows.map((r) => [r.base, Number(r.n), r.first, r.last])).toEqual(
      ['EUR', 'HKD', 'JPY', 'SGD', 'USD'].map((base) => [base, 400, addDays(END, -399), END]),
    )
  })

  it('refuses to seed a database that already has companies, and changes nothing', async () => {
    const before = await count(db, 'transactions')
    await expect(seedDemo(db, OPTIONS)).rejects.toThrow(/already has \d+ member companies/)
    expect(await count(db, 'transactions')).toBe(before)
  })
})

describe('seedDemo atomicity', () => {
  it('writes nothing when the demo seed fails part-way (in memory, through Kysely)', async () => {
    const db = createDb({ kind: 'sqlite', file: ':memory:' })
    try {
      await migrateToLatest(db)
      await sql`create trigger fail_late before insert on transactions begin select raise(abort, 'disk full (simulated)'); end`.execute(db)
      await expect(seedDemo(db, OPTIONS)).rejects.toThrow(/simulated/)
      for (const table of ['entities', 'banks', 'accounts', 'balances', 'fx_rates', 'app_meta'] as const) expect(await count(db, table)).toBe(0)
    } finally {
      await db.destroy()
    }
  })
})

describe('seedDemo into a SQLite file (its own bulk connection)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'treasury-seed-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes batches through the bulk connection, visible to the app’s own connection', async () => {
    const db = createDb({ kind: 'sqlite', file: path.join(dir, 'bulk.db') })
    try {
      await migrateToLatest(db)
      const bank = { id: 'bnk_x', name_zh: '测试银行', name_en: 'Test Bank', bic: 'TESTCNBJ', country: 'CN' }
      await withBulkWriter(db, { atomic: false }, async (write) => {
        await write([['banks', [bank]], ['app_meta', [{ key: 'demo.seed', value: '1' }]]])
        await write([['app_meta', [{ key: 'demo.seed', value: '2' }]]])
        await expect(write([['banks', [bank]]])).rejects.toThrow(/UNIQUE/)
      })
      expect(await db.selectFrom('banks').select('id').execute()).toEqual([{ id: 'bnk_x' }])
      expect(await db.selectFrom('app_meta').selectAll().where('key', '=', 'demo.seed').execute()).toEqual([{ key: 'demo.seed', value: '2' }])
      // Atomic: a failure anywhere in the callback undoes every batch written before it.
      await expect(
        withBulkWriter(db, { atomic: true }, async (write) => {
          await write([['banks', [{ ...bank, id: 'bnk_y' }]]])
          throw new Error('stop')
        }),
      ).rejects.toThrow('stop')
      expect(await count(db, 'banks')).toBe(1)
    } finally {
      await db.destroy()
    }
  })

  it('writes nothing when the demo seed fails part-way', async () => {
    const db = createDb({ kind: 'sqlite', file: path.join(dir, 'fail.db') })
    try {
      await migrateToLatest(db)
      await sql`create trigger fail_late before insert on transactions begin select raise(abort, 'disk full (simulated)'); end`.execute(db)
      await expect(seedDemo(db, OPTIONS)).rejects.toThrow(/simulated/)
      for (const table of ['entities', 'banks', 'accounts', 'balances', 'fx_rates', 'app_meta'] as const) expect(await count(db, table)).toBe(0)
    } finally {
      await db.destroy()
    }
  })
})
