import { transactionDedupeKey } from '@treasury/shared'
import type { Db } from '../db/client.js'
import { transactionRow } from '../db/queries/ingest.js'
import { countEntities, withBulkWriter, type SeedRow } from '../db/queries/seed.js'
import type { DemoAccountDay } from './activity.js'
import { generateDemo, type DemoDataset, type DemoOptions } from './generate.js'
import type { DemoAccount, DemoScale } from './group.js'

export { generateDemo, DEMO_PERIOD_DAYS, type DemoDataset, type DemoOptions } from './generate.js'
export type { DemoAccount, DemoEntity, DemoScale } from './group.js'
export type { DemoAccountDay } from './activity.js'

export interface SeedProgress {
  phase: 'reference' | 'activity' | 'done'
  /** Accounts whose history has been written, of `total`. */
  done: number
  total: number
  /** Rows written so far. */
  balances: number
  transactions: number
}

export interface SeedDemoOptions extends DemoOptions {
  /** Called after the reference data and after every chunk of accounts. */
  onProgress?: (progress: SeedProgress) => void
  /**
   * `false` writes only master data (group, companies, banks, accounts) and FX rates: the app's demo
   * mode, where balances and transactions arrive from the simulated banks through the sync engine.
   * Default `true` (tests and benchmarks that need history without the banks).
   */
  activity?: boolean
}

/** What a seed wrote (plain numbers and strings, so it logs as JSON). */
export interface SeedSummary {
  seed: number
  scale: DemoScale
  startDate: string
  endDate: string
  entities: number
  banks: number
  accounts: number
  balances: number
  transactions: number
  fxRates: number
  /** The bank whose figures deliberately end early, and its last day. */
  staleBankId: string
  staleThrough: string
}

export class SeedRefusedError extends Error {
  override name = 'SeedRefusedError'
}

/** Accounts per write transaction at the large scale (about 100k rows each). */
const LARGE_CHUNK_ACCOUNTS = 50

function entityRows(demo: DemoDataset): SeedRow<'entities'>[] {
  return demo.entities.map((e) => ({
    id: e.id,
    parent_id: e.parentId,
    path: e.path,
    depth: e.depth,
    code: e.code,
    name_zh: e.nameZh,
    name_en: e.nameEn,
    region_code: e.region.code,
    region_country: e.region.country,
    region_name_zh: e.region.nameZh,
    region_name_en: e.region.nameEn,
    functional_currency: e.functionalCurrency,
  }))
}

function accountRow(a: DemoAccount): SeedRow<'accounts'> {
  return {
    id: a.id,
    entity_id: a.entityId,
    bank_id: a.bankId,
    name: a.name,
    number: a.number,
    number_masked: a.numberMasked,
    iban: a.iban,
    currency: a.currency,
    type: a.type,
    status: a.status,
    tier: a.tier,
    opened_on: a.openedOn,
  }
}

/** Appends one account-day's three balance rows and its entries to the write buffers. */
function pushDay(accountId: string, source: string, day: DemoAccountDay, balances: SeedRow<'balances'>[], transactions: SeedRow<'transactions'>[]): void {
  const { date, reportedAt, fetchedAt } = day
  balances.push(
    { account_id: accountId, date, type: 'OPBD', amount: day.opening, reported_at: reportedAt, fetched_at: fetchedAt, source },
    { account_id: accountId, date, type: 'CLBD', amount: day.closing, reported_at: reportedAt, fetched_at: fetchedAt, source },
    { account_id: accountId, date, type: 'CLAV', amount: day.available, reported_at: reportedAt, fetched_at: fetchedAt, source },
  )
  for (const t of day.transactions) {
    transactions.push(transactionRow(t, { accountId: t.accountId, dedupeKey: transactionDedupeKey(t), source: t.source, createdAt: day.fetchedAt }))
  }
}

/**
 * Seeds an empty database with the demo group. The demo scale is written in one transaction (all or
 * nothing); the large scale in one transaction per chunk of accounts, with `app_meta` written last,
 * so an interrupted large seed leaves no `demo.*` keys. Refuses a database that already has companies
 * (and a second seed racing this one fails on the companies' keys, writing nothing).
 *
 * @example
 * const summary = await seedDemo(db, { seed: 42, endDate: '2026-03-31', scale: 'demo' })
 * summary.transactions // ≈ 75,000
 */
export async function seedDemo(db: Db, options: SeedDemoOptions): Promise<SeedSummary> {
  const demo = generateDemo(options)
  const total = demo.accounts.length
  const counts = { balances: 0, transactions: 0 }
  const report = (phase: SeedProgress['phase'], done: number) =>
    options.onProgress?.({ phase, done, total, balances: counts.balances, transactions: counts.transactions })

  const existing = await countEntities(db)
  if (existing > 0) {
    throw new SeedRefusedError(`the database already has ${existing} member compan${existing === 1 ? 'y' : 'ies'}; the demo group is only seeded into an empty database`)
  }
  /** The balance and entry rows of accounts [from, to). */
  const activityRows = (from: number, to: number) => {
    const balances: SeedRow<'balances'>[] = []
    const transactions: SeedRow<'transactions'>[] = []
    for (let i = from; i < to; i++) {
      const account = demo.accounts[i]!
      const source = `demo:${account.bankId}`
      for (const day of demo.activity(account)) pushDay(account.id, source, day, balances, transactions)
    }
    counts.balances += balances.length
    counts.transactions += transactions.length
    return { balances, transactions }
  }
  // The demo is written in a few slices only to report progress (it is one transaction all the same).
  const chunk = demo.scale === 'demo' ? Math.ceil(total / 4) : LARGE_CHUNK_ACCOUNTS

  await withBulkWriter(db, { atomic: demo.scale === 'demo' }, async (write) => {
    await write([
      ['entities', entityRows(demo)],
      ['banks', demo.banks.map((b) => ({ id: b.id, name_zh: b.nameZh, name_en: b.nameEn, bic: b.bic, country: b.country }))],
      ['accounts', demo.accounts.map(accountRow)],
      ['fx_rates', demo.fxRates.map((r) => ({ base: r.base, quote: r.quote, date: r.date, rate: r.rate, source: r.source }))],
    ])
    report('reference', 0)
    for (let from = 0; options.activity !== false && from < total; from += chunk) {
      const to = Math.min(total, from + chunk)
      const { balances, transactions } = activityRows(from, to)
      await write([['balances', balances], ['transactions', transactions]])
      report('activity', to)
    }
    await write([
      [
        'app_meta',
        [
          { key: 'demo.seed', value: String(demo.seed) },
          { key: 'demo.endDate', value: demo.endDate },
          { key: 'demo.scale', value: demo.scale },
        ],
      ],
    ])
  })
  report('done', total)

  return {
    seed: demo.seed,
    scale: demo.scale,
    startDate: demo.startDate,
    endDate: demo.endDate,
    entities: demo.entities.length,
    banks: demo.banks.length,
    accounts: total,
    balances: counts.balances,
    transactions: counts.transactions,
    fxRates: demo.fxRates.length,
    staleBankId: demo.stale.bankId,
    staleThrough: demo.stale.lastDate,
  }
}
