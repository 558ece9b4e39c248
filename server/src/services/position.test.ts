import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb, migrateToLatest, type Db } from '../db/client.js'
import { addDays, todayIn } from './clock.js'
import { positionSummary, positionTrend } from './position.js'

/** Today's point of the trend against the headline total, on balances written for the real today. */
describe('the trend’s point for today', () => {
  let db: Db
  const scope = { paths: ['/g/'] }
  const today = todayIn()
  const yesterday = addDays(today, -1)
  const balance = (account_id: string, date: string, type: string, amount: bigint) => {
    const at = `${date}T02:00:00.000Z`
    return { account_id, date, type, amount, reported_at: at, fetched_at: at, source: 'test' }
  }

  beforeEach(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await migrateToLatest(db)
    await db
      .insertInto('entities')
      .values({ id: 'g', parent_id: null, path: '/g/', depth: 0, code: 'G', name_zh: '集团', name_en: 'Group', region_code: 'CN', region_country: 'CN', region_name_zh: '中国', region_name_en: 'China', functional_currency: 'CNY' })
      .execute()
    await db.insertInto('banks').values({ id: 'b', name_zh: '银行', name_en: 'Bank', bic: 'BANKCNBJ', country: 'CN' }).execute()
    await db
      .insertInto('accounts')
      .values(
        ['a1', 'a2', 'a3', 'u1', 'u2'].map((id) => ({
          id, entity_id: 'g', bank_id: 'b', name: id, number: `n-${id}`, number_masked: '****', iban: null,
          currency: id.startsWith('u') ? 'USD' : 'CNY', type: 'operating', status: 'active', tier: 'I', opened_on: '2020-01-01',
        })),
      )
      .execute()
  })
  afterEach(() => db.destroy())

  it('takes today’s interim balances (as the total does) and says so; a closing of today wins', async () => {
    await db
      .insertInto('balances')
      .values([
        balance('a1', yesterday, 'CLBD', 100n),
        balance('a1', today, 'ITBD', 130n), // moved today: the interim counts
        balance('a2', yesterday, 'CLBD', 50n),
        balance('a2', today, 'ITBD', 55n),
        balance('a2', today, 'CLBD', 60n), // closed already: the closing wins
        balance('a3', yesterday, 'CLBD', 10n), // nothing today: carried
      ])
      .execute()
    const trend = await positionTrend(db, scope, { currency: 'CNY', from: yesterday, to: today })
    expect(trend.points.map((p) => [p.date, p.closing, p.interim])).toEqual([
      [yesterday, 160n, false],
      [today, 200n, true],
    ])
    const summary = await positionSummary(db, scope, { currency: 'CNY', groupBy: 'bank' })
    expect(summary.total).toBe(200n)
  })

  it('converts account by account, as the total does, so the two agree to the minor unit', async () => {
    // 1 cent at 7.6 is 7.6 fen, 8 once rounded: two such accounts are 16 fen, their sum converted 15.
    await db.insertInto('fx_rates').values({ base: 'USD', quote: 'CNY', date: yesterday, rate: '7.6', source: 'test' }).execute()
    await db.insertInto('balances').values([balance('u1', yesterday, 'CLBD', 1n), balance('u2', yesterday, 'CLBD', 1n), balance('u1', today, 'ITBD', 1n)]).execute()
    const trend = await positionTrend(db, scope, { currency: 'CNY', from: yesterday, to: today })
    const summary = await positionSummary(db, scope, { currency: 'CNY', groupBy: 'bank' })
    expect(summary.total).toBe(16n)
    expect(trend.points.map((p) => p.closing)).toEqual([16n, 16n])
    expect(trend.points.every((p) => p.unconverted.length === 0)).toBe(true)
  })

  it('reports a day’s closing in a currency without a rate as unconverted, not as zero', async () => {
    await db.insertInto('balances').values([balance('a1', yesterday, 'CLBD', 100n), balance('u1', yesterday, 'CLBD', 5n), balance('u2', yesterday, 'CLBD', 7n)]).execute()
    const trend = await positionTrend(db, scope, { currency: 'CNY', from: yesterday, to: today })
    expect(trend.points.map((p) => [p.closing, p.unconverted])).toEqual([
      [100n, [{ currency: 'USD', amount: 12n }]],
      [100n, [{ currency: 'USD', amount: 12n }]],
    ])
  })

  it('is a plain closing when no interim balance came in today', async () => {
    await db.insertInto('balances').values([balance('a1', yesterday, 'CLBD', 100n), balance('a2', today, 'CLBD', 60n)]).execute()
    const trend = await positionTrend(db, scope, { currency: 'CNY', from: yesterday, to: today })
    expect(trend.points.map((p) => [p.date, p.closing, p.interim])).toEqual([
      [yesterday, 100n, false],
      [today, 160n, false],
    ])
  })
})
