import type { CurrencyCode, PositionSummaryInput, PositionTrendInput } from '@treasury/shared'
import type { Db } from '../db/client.js'
import { listDailyClosings, type BookedPoint, type DirectoryAccount } from '../db/queries/accounts.js'
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
  const valued: ValuedAccount[] = []
  const stale: StaleFigure[] = []
  // Accounts of one bank share their report times: parse each distinct one once.
  const instants = new Map<string, number>()
  const instantOf = (text: string) => {
    let ms = instants.get(text)
    if (ms === undefined) instants.set(text, (ms = Date.parse(text)))
    return ms
  }
  let oldest = Infinity
  let newest = -Infinity
  for (let i = 0; i < accounts.length; i++) {
    const account = accounts[i]!
    const booked = bookedOf[i]
    if (!booked) {
      stale.push({ accountId: account.id, asOf: null, reason: 'no-balance', balanceDate: null })
      continue
    }
    const reportedAt = instantOf(booked.reportedAt)
    if (reportedAt < oldest) oldest = reportedAt
    if (reportedAt > newest) newest = reportedAt
    if (booked.date < expected) stale.push({ accountId: account.id, asOf: new Date(reportedAt), reason: 'behind', balanceDate: booked.date })
    else if (failing.has(account.id)) {
      stale.push({ accountId: account.id, asOf: new Date(reportedAt), reason: 'sync-failing', balanceDate: booked.date, lastSyncedAt: failing.get(account.id)! })
    }
    valued.push({ account, booked, converted: converter.convert(booked.amount, account.currency as CurrencyCode) })
  }
  const freshness = { oldest: oldest === Infinity ? null : new Date(oldest), newest: newest === -Infinity ? null : new Date(newest) }
  return { valued, converter, stale, freshness }
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
  const { valued, converter, stale, freshness } = await valuePositions(db, scope, input.currency, asOf)
  const keyOf = await groupKeyer(db, scope, input.groupBy)

  const rows = new Map<string, SummaryRow & { currencies: Map<CurrencyCode, bigint> }>()
  let total = 0n
  for (const { account, booked, converted } of valued) {
    const { key, label, labelEn } = keyOf(account)
    let row = rows.get(key)
    if (!row) rows.set(key, (row = { key, label, labelEn, amount: 0n, byCurrency: [], accounts: 0, currencies: new Map() }))
    const currency = account.currency as CurrencyCode
    row.currencies.set(currency, (row.currencies.get(currency) ?? 0n) + booked.amount)
    row.accounts += 1
    if (converted !== null) {
      row.amount += converted
      total += converted
    }
  }
  return {
    currency: input.currency,
    asOf,
    total,
    rows: [...rows.values()]
      .map(({ currencies, ...row }) => ({
        ...row,
        byCurrency: [...currencies].map(([c, amount]) => ({ currency: c, amount })).sort((a, b) => a.currency.localeCompare(b.currency)),
      }))
      .sort((a, b) => (a.amount === b.amount ? a.key.localeCompare(b.key) : a.amount > b.amount ? -1 : 1)),
    fx: converter.ratesUsed(),
    unconverted: converter.unconvertedList(),
    stale,
    freshness,
  }
}

type Keyer = (account: DirectoryAccount) => { key: string; label: string; labelEn: string }

/** How an account is bucketed for a `groupBy`; by entity the rows are the scope's top-level companies. */
async function groupKeyer(db: Db, scope: EntityScope, groupBy: PositionSummaryInput['groupBy']): Promise<Keyer> {
  switch (groupBy) {
    case 'currency':
      return (a) => ({ key: a.currency, label: a.currency, labelEn: a.currency })
    case 'accountType':
      return (a) => ({ key: a.type, label: a.type, labelEn: a.type })
    case 'region':
      return (a) => ({ key: a.regionCode, label: a.regionNameZh, labelEn: a.regionNameEn })
    case 'bank': {
      const banks = new Map((await allBanks(db)).map((b) => [b.id, b]))
      return (a) => ({ key: a.bankId, label: banks.get(a.bankId)?.name_zh ?? a.bankId, labelEn: banks.get(a.bankId)?.name_en ?? a.bankId })
    }
    case 'entity': {
      const entities = await entitiesInScope(db, scope)
      const byId = new Map(entities.map((e) => [e.id, e]))
      // A scope root's own accounts form its own row; everything deeper rolls up to the root's child.
      const depthOf = new Map(scope.paths.map((p) => [p, p.split('/').filter(Boolean).length - 1]))
      const keys = new Map<string, { key: string; label: string; labelEn: string }>()
      return (a) => {
        const known = keys.get(a.entityPath)
        if (known) return known
        const segments = a.entityPath.split('/').filter(Boolean)
        const rootPath = scope.paths.find((p) => a.entityPath.startsWith(p))!
        const rootDepth = depthOf.get(rootPath)!
        const id = segments[Math.min(rootDepth + 1, segments.length - 1)]!
        const entity = byId.get(id)
        const group = { key: id, label: entity?.name_zh ?? id, labelEn: entity?.name_en ?? id }
        keys.set(a.entityPath, group)
        return group
      }
    }
  }
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
 * Kept while the data is unchanged (services/balance-snapshot.ts).
 */
export function positionTrend(db: Db, scope: EntityScope, input: PositionTrendInput) {
  const key = `trend|${input.currency}|${input.from}|${input.to}|${input.bankId ?? ''}|${scopeKey(scope)}`
  return keptWhileUnchanged(db, key, () => computeTrend(db, scope, input))
}

async function computeTrend(db: Db, scope: EntityScope, input: PositionTrendInput) {
  const filter = { bankId: input.bankId }
  const [closings, flows, rates] = await Promise.all([
    listDailyClosings(db, scope, input.from, input.to, filter),
    listDailyFlows(db, scope, input.from, input.to, filter),
    listFxRatesForRange(db, input.from, input.to),
  ])
  const days = eachDay(input.from, input.to)
  const dayIndex = new Map(days.map((d, i) => [d, i]))
  // Per currency, per day: closing balances summed over accounts with carry-forward.
  const closingByCurrency = new Map<CurrencyCode, bigint[]>()
  const ensure = (map: Map<CurrencyCode, bigint[]>, c: CurrencyCode) => {
    let series = map.get(c)
    if (!series) map.set(c, (series = new Array<bigint>(days.length).fill(0n)))
    return series
  }
  for (let i = 0; i < closings.length; ) {
    const { accountId, currency } = closings[i]!
    const series = ensure(closingByCurrency, currency as CurrencyCode)
    let current: bigint | null = null
    let dayCursor = 0
    for (; i < closings.length && closings[i]!.accountId === accountId; i++) {
      const row = closings[i]!
      const index = row.date < input.from ? -1 : dayIndex.get(row.date)!
      for (; dayCursor < index; dayCursor++) if (current !== null) series[dayCursor]! += current
      current = row.amount
      if (index >= 0) {
        series[index]! += current
        dayCursor = index + 1
      }
    }
    for (; dayCursor < days.length; dayCursor++) if (current !== null) series[dayCursor]! += current
  }
  const inflowByCurrency = new Map<CurrencyCode, bigint[]>()
  const outflowByCurrency = new Map<CurrencyCode, bigint[]>()
  for (const f of flows) {
    const index = dayIndex.get(f.date)!
    ensure(inflowByCurrency, f.currency as CurrencyCode)[index]! += f.inflow
    ensure(outflowByCurrency, f.currency as CurrencyCode)[index]! += f.outflow
  }
  const table = new FxTable(rates)
  const points = days.map((date, i) => {
    const converter = new Converter(table, input.currency, date)
    let closing = 0n
    let inflow = 0n
    let outflow = 0n
    for (const [c, series] of closingByCurrency) closing += converter.convert(series[i]!, c) ?? 0n
    const unconvertedClosing = converter.unconvertedList()
    for (const [c, series] of inflowByCurrency) inflow += converter.convert(series[i]!, c) ?? 0n
    for (const [c, series] of outflowByCurrency) outflow += converter.convert(series[i]!, c) ?? 0n
    return { date, closing, inflow, outflow, unconverted: unconvertedClosing }
  })
  return { currency: input.currency, from: input.from, to: input.to, points }
}
