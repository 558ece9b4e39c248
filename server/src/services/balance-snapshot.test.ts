import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDb, migrateToLatest, type Db } from '../db/client.js'
import { bookedAsOf, keepWarm, keptWhileUnchanged } from './balance-snapshot.js'

describe('answers kept while the data is unchanged', () => {
  let db: Db
  const touch = (value: string) =>
    db.insertInto('app_meta').values({ key: 'test.touched', value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute()

  beforeEach(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await migrateToLatest(db)
  })
  afterEach(() => db.destroy())

  it('computes once while nothing is written, again after any write', async () => {
    let computed = 0
    const compute = async () => ++computed
    expect(await keptWhileUnchanged(db, 'k', compute)).toBe(1)
    expect(await keptWhileUnchanged(db, 'k', compute)).toBe(1)
    expect(await keptWhileUnchanged(db, 'other', compute)).toBe(2)
    await touch('a')
    expect(await keptWhileUnchanged(db, 'k', compute)).toBe(3)
  })

  it('shares one computation between requests that arrive together, and keeps no failure', async () => {
    let computed = 0
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++computed), 20))
    expect(await Promise.all([keptWhileUnchanged(db, 'k', slow), keptWhileUnchanged(db, 'k', slow)])).toEqual([1, 1])
    await expect(keptWhileUnchanged(db, 'bad', () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone')
    expect(await keptWhileUnchanged(db, 'bad', async () => 'recovered')).toBe('recovered')
  })

  it('recomputes what was asked in the background once something is written', async () => {
    let computed = 0
    const compute = async () => ++computed
    await keptWhileUnchanged(db, 'k', compute)
    const stop = keepWarm(db, { everyMs: 10 })
    try {
      await touch('b')
      await vi.waitFor(() => expect(computed).toBe(2), { timeout: 5_000, interval: 10 })
      // The request after the write finds the answer ready.
      expect(await keptWhileUnchanged(db, 'k', () => Promise.reject(new Error('should have been kept')))).toBe(2)
    } finally {
      stop()
    }
  })
})

describe('booked balances a position is built on', () => {
  let db: Db
  const scope = { paths: ['/g/'] }

  beforeEach(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await migrateToLatest(db)
    await db.insertInto('entities').values([
      { id: 'g', parent_id: null, path: '/g/', depth: 0, code: 'G', name_zh: '集团', name_en: 'Group', region_code: 'CN', region_country: 'CN', region_name_zh: '中国', region_name_en: 'China', functional_currency: 'CNY' },
      { id: 'x', parent_id: null, path: '/x/', depth: 0, code: 'X', name_zh: '外', name_en: 'Other', region_code: 'CN', region_country: 'CN', region_name_zh: '中国', region_name_en: 'China', functional_currency: 'CNY' },
    ]).execute()
    await db.insertInto('banks').values({ id: 'b', name_zh: '银行', name_en: 'Bank', bic: 'BANKCNBJ', country: 'CN' }).execute()
    const account = (id: string, entity_id = 'g', status = 'active') => ({
      id, entity_id, bank_id: 'b', name: id, number: `n-${id}`, number_masked: '****', iban: null, currency: 'CNY', type: 'current', status, tier: 'A', opened_on: '2020-01-01',
    })
    await db.insertInto('accounts').values([account('a1'), account('a2'), account('a3'), account('a4'), account('a5'), account('a6'), account('c1', 'g', 'closed'), account('o1', 'x')]).execute()
  })
  afterEach(() => db.destroy())

  const balance = (account_id: string, date: string, type: string, amount: bigint, reported_at = `${date}T10:00:00.000Z`) =>
    ({ account_id, date, type, amount, reported_at, fetched_at: reported_at, source: 'test' })

  async function seed(reportedAtOfA1: string) {
    await db.insertInto('balances').values([
      // a1: a closing and an interim the same day: the closing.
      balance('a1', '2026-11-20', 'CLBD', 100n, reportedAtOfA1),
      balance('a1', '2026-11-20', 'ITBD', 101n),
      // a2: only an interim that day.
      balance('a2', '2026-11-20', 'ITBD', -202n),
      // a3: stale, its latest closing days ago beats an older interim.
      balance('a3', '2026-11-15', 'CLBD', 300n),
      balance('a3', '2026-11-14', 'ITBD', 301n),
      balance('a3', '2026-11-21', 'CLBD', 399n),
      // a4: stale, an interim later than its last closing.
      balance('a4', '2026-11-12', 'CLBD', 400n),
      balance('a4', '2026-11-13', 'ITBD', 401n),
      // a5: nothing booked, only available.
      balance('a5', '2026-11-20', 'CLAV', 500n),
      // a6: amounts beyond 2^53 stay exact.
      balance('a6', '2026-11-20', 'CLBD', 9_007_199_254_740_993n),
      // closed and out-of-scope accounts are not the scope's.
      balance('c1', '2026-11-20', 'CLBD', 700n),
      balance('o1', '2026-11-20', 'CLBD', 800n),
    ]).execute()
  }

  const expected = (reportedAtOfA1: string) => [
    ['a1', { date: '2026-11-20', type: 'CLBD', amount: 100n, reportedAt: reportedAtOfA1 }],
    ['a2', { date: '2026-11-20', type: 'ITBD', amount: -202n, reportedAt: '2026-11-20T10:00:00.000Z' }],
    ['a3', { date: '2026-11-15', type: 'CLBD', amount: 300n, reportedAt: '2026-11-15T10:00:00.000Z' }],
    ['a4', { date: '2026-11-13', type: 'ITBD', amount: 401n, reportedAt: '2026-11-13T10:00:00.000Z' }],
    ['a5', null],
    ['a6', { date: '2026-11-20', type: 'CLBD', amount: 9_007_199_254_740_993n, reportedAt: '2026-11-20T10:00:00.000Z' }],
  ]

  it('the latest booked balance of each open account in scope; on one day the closing wins', async () => {
    await seed('2026-11-20T10:00:00.000Z')
    const { accounts, booked } = await bookedAsOf(db, scope, '2026-11-20', '2026-11-20')
    expect(accounts.map((a, i) => [a.id, booked[i]])).toEqual(expected('2026-11-20T10:00:00.000Z'))
  })

  it('the same over a window of days (today, when yesterday’s closing is expected)', async () => {
    await seed('2026-11-20T10:00:00.000Z')
    await db.insertInto('balances').values([balance('a1', '2026-11-19', 'CLBD', 90n), balance('a2', '2026-11-19', 'CLBD', 190n)]).execute()
    const { accounts, booked } = await bookedAsOf(db, scope, '2026-11-20', '2026-11-19')
    expect(accounts.map((a, i) => [a.id, booked[i]])).toEqual(expected('2026-11-20T10:00:00.000Z'))
  })

  it('the same when a value holds the separator the read packs values with', async () => {
    await seed('2026-11-20T10:00:00.000Z\x1fodd')
    for (const recentFrom of ['2026-11-20', '2026-11-19']) {
      const { accounts, booked } = await bookedAsOf(db, scope, '2026-11-20', recentFrom)
      expect(accounts.map((a, i) => [a.id, booked[i]])).toEqual(expected('2026-11-20T10:00:00.000Z\x1fodd'))
    }
    // …and when it is one of the balances only the per-account seek finds.
    await db.updateTable('balances').set({ reported_at: 'odd\x1f' }).where('account_id', '=', 'a3').execute()
    const { booked } = await bookedAsOf(db, scope, '2026-11-18', '2026-11-18')
    expect(booked[2]).toEqual({ date: '2026-11-15', type: 'CLBD', amount: 300n, reportedAt: 'odd\x1f' })
  })
})
