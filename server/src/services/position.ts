import type { CurrencyCode, PositionSummaryInput, PositionTrendInput } from '@treasury/shared'
import type { Db } from '../db/client.js'
import { listDailyClosings, type BookedPoint, type DirectoryAccount } from '../db/queries/accounts.js'
import { otherRequestsTurn } from '../db/queries/chunks.js'
import { listAccountConnections } from '../db/queries/connectors.js'
import { listFxRatesForRange } from '../db/queries/fx.js'
import type { EntityScope } from '../db/queries/scope.js'
import { listDailyFlows } from '../db/queries/transactions.js'
import { addDays, eachDay, todayIn } from './clock.js'
import { allBanks, bookedAsOf, entitiesInScope, keptWhileUnchanged, scopeKey } from './balance-snapshot.js'
import { Converter } from './conversion.js'
import { FxTable } from '@treasury/shared'

/**
 * Why a figure is not current: no balance at all; a balance older than the day it should be; or,
 * on today's position, a balance that was current at the last good sync while every connection to
 * its bank has failed since (so a change since then would not show).
 */
export type StaleReason = 'no-balance' | 'behind' | 'sync-failing'

export interface StaleFigure {
  accountId: string
  asOf: Date | null
  reason: StaleReason
  /** Date of the balance used (null when none). */
  balanceDate: string | null
  /** For `sync-failing`: when its bank last synced successfully (null: never). */
  lastSyncedAt?: Date | null
}

/** An account's booked balance in the reporting currency (null when no rate: then it is unconverted). */
export interface ValuedAccount {
  account: DirectoryAccount
  /** Where the account stands in the position's `accounts`. */
  index: number
  booked: BookedPoint
  converted: bigint | null
}

/**
 * The consolidated position of a scope on a day: every account's latest booked balance on or before
 * `asOf`, converted per account at the rate of `asOf` (or the latest before it), so that every
 * breakdown, the entity tree and the account list add up to the total to the last minor unit.
 * Kept while the data is unchanged (services/balance-snapshot.ts); the result is shared, read only.
 */
export function valuePositions(db: Db, scope: EntityScope, currency: CurrencyCode, asOf: string) {
  return keptWhileUnchanged(db, `valued|${currency}|${asOf}|${scopeKey(scope)}`, () => computePositions(db, scope, currency, asOf))
}

async function computePositions(db: Db, scope: EntityScope, currency: CurrencyCode, asOf: string) {
  const expected = expectedBalanceDate(asOf)
  const live = asOf >= todayIn()
  const [{ accounts, booked: bookedOf }, rates, failing] = await Promise.all([
    bookedAsOf(db, scope, asOf, expected),
    listFxRatesForRange(db, asOf, asOf),
    live ? failingSyncs(db, scope) : new Map<string, Date | null>(),
  ])
  const converter = new Converter(rates, currency, asOf)
  const currencies = bucketsOf(accounts, 'currency', (a) => a.currency)
  // Per currency of the directory, its conversion, looked up when first needed (so that only the
  // rates of currencies actually held are resolved and reported).
  const conversions: ((amount: bigint) => bigint | null)[] = []
  const valued: ValuedAccount[] = []
  const stale: StaleFigure[] = []
  for (let i = 0; i < accounts.length; i++) {
    const account = accounts[i]!
    const booked = bookedOf[i]
    if (!booked) {
      stale.push({ accountId: account.id, asOf: null, reason: 'no-balance', balanceDate: null })
      continue
    }
    if (booked.date < expected) stale.push({ accountId: account.id, asOf: new Date(booked.reportedAt), reason: 'behind', balanceDate: booked.date })
    else if (live && failing.has(account.id)) {
      stale.push({ accountId: account.id, asOf: new Date(booked.reportedAt), reason: 'sync-failing', balanceDate: booked.date, lastSyncedAt: failing.get(account.id)! })
    }
    // By the account's currency number, not its code: no string lookup per account.
    const c = currencies.of[i]!
    const convert = (conversions[c] ??= converter.conversionOf(currencies.keys[c] as CurrencyCode))
    valued.push({ account, index: i, booked, converted: convert(booked.amount) })
  }
  return { accounts, valued, converter, stale, freshness: freshnessOf(bookedOf) }
}

/** Accounts bucketed by one key: the distinct keys in order of first appearance, and each account's bucket. */
interface Buckets {
  keys: string[]
  /** `keys[of[i]]` is the key of `accounts[i]`. */
  of: Int32Array
}

const bucketsByDirectory = new WeakMap<readonly DirectoryAccount[], Map<string, Buckets>>()

/**
 * The accounts of a scope's directory (the array `bookedAsOf` returns, the same one while master
 * data is unchanged) bucketed by `keyOf`, computed once per directory and `name`. Summing by bucket
 * number instead of looking every account's key up in a map: on a busy machine each such lookup
 * costs a cache miss or two, several times the sum itself (measured on 5,000 accounts).
 */
function bucketsOf(accounts: readonly DirectoryAccount[], name: string, keyOf: (account: DirectoryAccount) => string): Buckets {
  let byName = bucketsByDirectory.get(accounts)
  if (!byName) bucketsByDirectory.set(accounts, (byName = new Map()))
  let buckets = byName.get(name)
  if (!buckets) {
    const numbers = new Map<string, number>()
    buckets = { keys: [], of: new Int32Array(accounts.length) }
    for (let i = 0; i < accounts.length; i++) {
      const key = keyOf(accounts[i]!)
      let n = numbers.get(key)
      if (n === undefined) numbers.set(key, (n = buckets.keys.push(key) - 1))
      buckets.of[i] = n
    }
    byName.set(name, buckets)
  }
  return buckets
}

/** A report time as `toISOString()` writes it: such texts order as their instants do. */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/**
 * The oldest and newest report time of the balances (null: none). Report times written as
 * `toISOString()` does are compared as text and only the two ends parsed; any other spelling is
 * parsed, once per distinct text. A time that does not parse counts for neither end.
 */
function freshnessOf(booked: readonly (BookedPoint | null)[]): { oldest: Date | null; newest: Date | null } {
  let oldestText: string | null = null
  let newestText: string | null = null
  let oldest = Infinity
  let newest = -Infinity
  const parsed = new Map<string, number>()
  const include = (ms: number) => {
    if (ms < oldest) oldest = ms
    if (ms > newest) newest = ms
  }
  for (const point of booked) {
    if (!point) continue
    const text = point.reportedAt
    if (ISO_INSTANT.test(text)) {
      if (oldestText === null || text < oldestText) oldestText = text
      if (newestText === null || text > newestText) newestText = text
    } else if (!parsed.has(text)) {
      const ms = Date.parse(text)
      parsed.set(text, ms)
      include(ms)
    }
  }
  const ends = [oldestText, newestText].map((text) => (text === null ? null : Date.parse(text)))
  if (ends.some((ms) => ms !== null && Number.isNaN(ms))) {
    // Shaped like an instant but not one (a 13th month…): it may be anywhere in text order, so parse them all.
    for (const point of booked) if (point && ISO_INSTANT.test(point.reportedAt)) include(Date.parse(point.reportedAt))
  } else for (const ms of ends) if (ms !== null) include(ms)
  return { oldest: oldest === Infinity ? null : new Date(oldest), newest: newest === -Infinity ? null : new Date(newest) }
}

/**
 * Accounts whose every enabled bank connection failed its latest run, with when one last succeeded.
 * An account some connection still syncs is not listed.
 */
async function failingSyncs(db: Db, scope: EntityScope): Promise<Map<string, Date | null>> {
  const byAccount = new Map<string, { failing: boolean; lastSuccess: string | null }>()
  for (const row of await listAccountConnections(db, scope)) {
    if (!row.enabled) continue
    const seen = byAccount.get(row.accountId) ?? { failing: true, lastSuccess: null }
    seen.failing &&= row.lastStatus === 'failed'
    if (row.lastSuccessAt && (!seen.lastSuccess || row.lastSuccessAt > seen.lastSuccess)) seen.lastSuccess = row.lastSuccessAt
    byAccount.set(row.accountId, seen)
  }
  const failing = new Map<string, Date | null>()
  for (const [accountId, { failing: isFailing, lastSuccess }] of byAccount) {
    if (isFailing) failing.set(accountId, lastSuccess ? new Date(lastSuccess) : null)
  }
  return failing
}

/**
 * The latest day whose balance a bank should have delivered for `asOf`: that day itself for a day
 * in the past; for today, yesterday's closing (today's closes only tonight), unless an interim
 * balance of today came in. A figure older than this is stale.
 */
export function expectedBalanceDate(asOf: string, today = todayIn()): string {
  return asOf < today ? asOf : addDays(today, -1)
}

interface SummaryRow {
  key: string
  label: string
  labelEn: string
  amount: bigint
  byCurrency: { currency: CurrencyCode; amount: bigint }[]
  accounts: number
}

export async function positionSummary(db: Db, scope: EntityScope, input: PositionSummaryInput) {
  const asOf = input.asOf ?? todayIn()
  const { accounts, valued, converter, stale, freshness } = await valuePositions(db, scope, input.currency, asOf)
  const grouping = await groupingOf(db, scope, accounts, input.groupBy)
  const currencies = bucketsOf(accounts, 'currency', (a) => a.currency)

  // Per row (bucket): its converted sum, accounts, first account (for its labels); per row and
  // currency, the unconverted sum (undefined: no account of that currency in the row).
  const rowOf = grouping.buckets.of
  const currencyOf = currencies.of
  const width = currencies.keys.length
  const amounts = new Array<bigint>(grouping.buckets.keys.length).fill(0n)
  const counts = new Int32Array(grouping.buckets.keys.length)
  const firsts = new Array<DirectoryAccount>(grouping.buckets.keys.length)
  const sums = new Array<bigint | undefined>(grouping.buckets.keys.length * width)
  let total = 0n
  for (let v = 0; v < valued.length; v++) {
    const { account, index, booked, converted } = valued[v]!
    const row = rowOf[index]!
    if (counts[row]++ === 0) firsts[row] = account
    const cell = row * width + currencyOf[index]!
    const sum = sums[cell]
    sums[cell] = sum === undefined ? booked.amount : sum + booked.amount
    if (converted !== null) {
      amounts[row] += converted
      total += converted
    }
  }
  const rows: SummaryRow[] = []
  for (let row = 0; row < counts.length; row++) {
    if (counts[row] === 0) continue
    const key = grouping.buckets.keys[row]!
    const byCurrency: SummaryRow['byCurrency'] = []
    for (let c = 0; c < width; c++) {
      const sum = sums[row * width + c]
      if (sum !== undefined) byCurrency.push({ currency: currencies.keys[c] as CurrencyCode, amount: sum })
    }
    byCurrency.sort((a, b) => a.currency.localeCompare(b.currency))
    rows.push({ key, ...grouping.labelsOf(key, firsts[row]!), amount: amounts[row]!, byCurrency, accounts: counts[row]! })
  }
  return {
    currency: input.currency,
    asOf,
    total,
    rows: rows.sort((a, b) => (a.amount === b.amount ? a.key.localeCompare(b.key) : a.amount > b.amount ? -1 : 1)),
    fx: converter.ratesUsed(),
    unconverted: converter.unconvertedList(),
    stale,
    freshness,
  }
}

/** How a `groupBy` buckets the accounts into rows, and a row's labels (given its first account). */
interface Grouping {
  buckets: Buckets
  labelsOf(key: string, first: DirectoryAccount): { label: string; labelEn: string }
}

async function groupingOf(db: Db, scope: EntityScope, accounts: readonly DirectoryAccount[], groupBy: PositionSummaryInput['groupBy']): Promise<Grouping> {
  switch (groupBy) {
    case 'currency':
      return { buckets: bucketsOf(accounts, groupBy, (a) => a.currency), labelsOf: (key) => ({ label: key, labelEn: key }) }
    case 'accountType':
      return { buckets: bucketsOf(accounts, groupBy, (a) => a.type), labelsOf: (key) => ({ label: key, labelEn: key }) }
    case 'region':
      return { buckets: bucketsOf(accounts, groupBy, (a) => a.regionCode), labelsOf: (_, a) => ({ label: a.regionNameZh, labelEn: a.regionNameEn }) }
    case 'bank': {
      const banks = byId(await allBanks(db))
      return {
        buckets: bucketsOf(accounts, groupBy, (a) => a.bankId),
        labelsOf: (key) => ({ label: banks.get(key)?.name_zh ?? key, labelEn: banks.get(key)?.name_en ?? key }),
      }
    }
    case 'entity': {
      // By entity the rows are the scope's top-level companies (the directory is the scope's own).
      const entities = byId(await entitiesInScope(db, scope))
      const rowOfPath = new Map<string, string>()
      const keyOf = (a: DirectoryAccount) => {
        let key = rowOfPath.get(a.entityPath)
        if (key === undefined) rowOfPath.set(a.entityPath, (key = entityRowOf(scope, a.entityPath)))
        return key
      }
      return {
        buckets: bucketsOf(accounts, groupBy, keyOf),
        labelsOf: (id) => ({ label: entities.get(id)?.name_zh ?? id, labelEn: entities.get(id)?.name_en ?? id }),
      }
    }
  }
}

const byIdOfList = new WeakMap<readonly { id: string }[], Map<string, unknown>>()

/** A kept list (shared, unchanged while kept) by id, built once per list. */
function byId<T extends { id: string }>(list: readonly T[]): ReadonlyMap<string, T> {
  let map = byIdOfList.get(list)
  if (!map) byIdOfList.set(list, (map = new Map(list.map((item) => [item.id, item]))))
  return map as Map<string, T>
}

/** A scope root's own accounts form its own row; everything deeper rolls up to the root's child. */
function entityRowOf(scope: EntityScope, entityPath: string): string {
  const segments = entityPath.split('/').filter(Boolean)
  const rootPath = scope.paths.find((p) => entityPath.startsWith(p))!
  const rootDepth = rootPath.split('/').filter(Boolean).length - 1
  return segments[Math.min(rootDepth + 1, segments.length - 1)]!
}

export interface TreeNode {
  id: string
  code: string
  name: string
  nameEn: string
  region: { code: string; nameZh: string; nameEn: string; country: string }
  functionalCurrency: string
  accounts: number
  ownBalance: bigint
  rolledUpBalance: bigint
  children: TreeNode[]
}

/** The member-company tree of the scope with own and rolled-up balances in the reporting currency. */
export async function entityTree(db: Db, scope: EntityScope, currency: CurrencyCode, asOfInput?: string) {
  const asOf = asOfInput ?? todayIn()
  const [entities, position] = await Promise.all([entitiesInScope(db, scope), valuePositions(db, scope, currency, asOf)])
  const nodes = new Map<string, TreeNode>()
  for (const e of entities) {
    nodes.set(e.id, {
      id: e.id,
      code: e.code,
      name: e.name_zh,
      nameEn: e.name_en,
      region: { code: e.region_code, nameZh: e.region_name_zh, nameEn: e.region_name_en, country: e.region_country },
      functionalCurrency: e.functional_currency,
      accounts: 0,
      ownBalance: 0n,
      rolledUpBalance: 0n,
      children: [],
    })
  }
  for (const { account, converted } of position.valued) {
    const node = nodes.get(account.entityId)!
    node.accounts += 1
    if (converted !== null) node.ownBalance += converted
  }
  const roots: TreeNode[] = []
  // Entities come ordered by path, so parents precede children; roll up deepest first.
  for (const e of entities) {
    const node = nodes.get(e.id)!
    const parent = e.parent_id ? nodes.get(e.parent_id) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  for (const e of [...entities].reverse()) {
    const node = nodes.get(e.id)!
    node.rolledUpBalance = node.ownBalance + node.children.reduce((sum, c) => sum + c.rolledUpBalance, 0n)
  }
  return {
    currency,
    asOf,
    roots,
    fx: position.converter.ratesUsed(),
    unconverted: position.converter.unconvertedList(),
    stale: position.stale,
  }
}

/**
 * Day by day from..to: the closing balance (each account's latest closing on or before the day,
 * carried forward over days a bank did not report) and the booked inflow and outflow, each day
 * converted at that day's rate. Amounts in a currency without a rate are reported per day, unconverted.
 * Today has no closing until tonight: its point takes each account's interim booked balance of
 * today where one came in (as the headline total does) and says so (`interim`), instead of showing
 * yesterday's closing under today's date. Kept while the data is unchanged (services/balance-snapshot.ts).
 */
export function positionTrend(db: Db, scope: EntityScope, input: PositionTrendInput) {
  const key = `trend|${input.currency}|${input.from}|${input.to}|${input.bankId ?? ''}|${scopeKey(scope)}`
  return keptWhileUnchanged(db, key, () => computeTrend(db, scope, input))
}

/** Accounts the trend converts between two turns of the event loop (see computeTrend). */
const TREND_ACCOUNTS_PER_TURN = 500

async function computeTrend(db: Db, scope: EntityScope, input: PositionTrendInput) {
  const filter = { bankId: input.bankId }
  const today = todayIn()
  const [closings, flows, rates] = await Promise.all([
    listDailyClosings(db, scope, input.from, input.to, filter, today),
    listDailyFlows(db, scope, input.from, input.to, filter),
    listFxRatesForRange(db, input.from, input.to),
  ])
  const days = eachDay(input.from, input.to)
  const dayIndex = new Map(days.map((d, i) => [d, i]))
  const interimToday = closings.some((points) => points.some((c) => c.interim))
  const table = new FxTable(rates)
  const converters = days.map((date) => new Converter(table, input.currency, date))
  // Per day: each account's closing (carried forward over days its bank did not report) converted
  // at that day's rate, account by account as the position converts, so that a day's point and
  // the total of that day agree to the minor unit. A currency without a rate collects, unconverted,
  // in that day's converter.
  const closingOf = new Array<bigint>(days.length).fill(0n)
  const conversionsByCurrency = new Map<string, ((amount: bigint) => bigint | null)[]>()
  for (const [n, points] of closings.entries()) {
    // Other requests get a turn every few hundred accounts, as between the reads above (on a
    // 5,000-account group this loop is ~0.25 s).
    if (n > 0 && n % TREND_ACCOUNTS_PER_TURN === 0) await otherRequestsTurn()
    const currency = points[0]!.currency
    const conversions = conversionsByCurrency.get(currency) ?? converters.map((converter) => converter.conversionOf(currency as CurrencyCode))
    conversionsByCurrency.set(currency, conversions)
    const add = (day: number, amount: bigint) => {
      const converted = conversions[day]!(amount)
      if (converted !== null) closingOf[day]! += converted
    }
    let current: bigint | null = null
    let dayCursor = 0
    for (const row of points) {
      const index = row.date < input.from ? -1 : dayIndex.get(row.date)!
      for (; dayCursor < index; dayCursor++) if (current !== null) add(dayCursor, current)
      current = row.amount
      if (index >= 0) {
        add(index, current)
        dayCursor = index + 1
      }
    }
    for (; dayCursor < days.length; dayCursor++) if (current !== null) add(dayCursor, current)
  }
  // What is unconverted in each day's closing, before the flows add theirs.
  const unconvertedOf = converters.map((converter) => converter.unconvertedList())
  const inflowByCurrency = new Map<CurrencyCode, bigint[]>()
  const outflowByCurrency = new Map<CurrencyCode, bigint[]>()
  const ensure = (map: Map<CurrencyCode, bigint[]>, c: CurrencyCode) => {
    let series = map.get(c)
    if (!series) map.set(c, (series = new Array<bigint>(days.length).fill(0n)))
    return series
  }
  for (const f of flows) {
    const index = dayIndex.get(f.date)!
    ensure(inflowByCurrency, f.currency as CurrencyCode)[index]! += f.inflow
    ensure(outflowByCurrency, f.currency as CurrencyCode)[index]! += f.outflow
  }
  const points = days.map((date, i) => {
    const converter = converters[i]!
    let inflow = 0n
    let outflow = 0n
    for (const [c, series] of inflowByCurrency) inflow += converter.convert(series[i]!, c) ?? 0n
    for (const [c, series] of outflowByCurrency) outflow += converter.convert(series[i]!, c) ?? 0n
    return { date, closing: closingOf[i]!, inflow, outflow, unconverted: unconvertedOf[i]!, interim: interimToday && date === today }
  })
  return { currency: input.currency, from: input.from, to: input.to, points }
}
