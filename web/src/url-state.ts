import { POSITION_GROUP_BY, ACCOUNT_TYPES, type AccountType, type PositionGroupBy } from '@treasury/shared/constants'
import { isCurrencyCode, type CurrencyCode } from '@treasury/shared/currencies'
import { isIsoDate, todayInGroup } from './dates'

/**
 * Shareable view state lives in the URL query. Every parameter is parsed here, and anything
 * malformed is reported as an issue (shown to the person as a notice) and dropped, so the view
 * falls back to its default instead of failing or silently guessing.
 *
 * @example
 * parseGlobalQuery({ currency: 'USD', asOf: '2026-13-01' })
 * // → { state: { currency: 'USD' }, issues: [{ param: 'asOf', value: '2026-13-01', reason: 'date' }] }
 */

/** A query as vue-router gives it: a value, null (present without value) or repeated values. */
export type RawQuery = Record<string, string | null | (string | null)[] | undefined>

export type IssueReason = 'currency' | 'date' | 'future' | 'id' | 'choice' | 'amount' | 'page' | 'range' | 'repeated' | 'text' | 'unknown'

export interface QueryIssue {
  param: string
  value: string
  reason: IssueReason
}

interface Parsed<T> {
  state: T
  issues: QueryIssue[]
}

const ID = /^[A-Za-z0-9_.:-]{1,64}$/
/** Decimal amount in major units as typed by a person: "10000", "2500.5". */
const DECIMAL = /^\d{1,15}(\.\d{1,3})?$/
/** A page number: 1, 2, … (no sign, no leading zero). */
const PAGE = /^[1-9]\d{0,5}$/

class Reader {
  readonly issues: QueryIssue[] = []
  constructor(private readonly query: RawQuery) {}

  /** The single string value of a parameter, or undefined when absent/empty; repeated → issue. */
  raw(param: string): string | undefined {
    const value = this.query[param]
    if (value === undefined || value === null) return undefined
    if (Array.isArray(value)) {
      this.issues.push({ param, value: value.filter((v) => v !== null).join(','), reason: 'repeated' })
      return undefined
    }
    return value === '' ? undefined : value
  }

  check<T>(param: string, reason: IssueReason, accept: (value: string) => T | undefined): T | undefined {
    const value = this.raw(param)
    if (value === undefined) return undefined
    const result = accept(value)
    if (result === undefined) this.issues.push({ param, value, reason })
    return result
  }

  currency(param: string): CurrencyCode | undefined {
    return this.check(param, 'currency', (v) => (isCurrencyCode(v.toUpperCase()) ? (v.toUpperCase() as CurrencyCode) : undefined))
  }
  date(param: string): string | undefined {
    return this.check(param, 'date', (v) => (isIsoDate(v) ? v : undefined))
  }
  /** A day to report as of: a date, and not after the group's today (no figures exist for later days). */
  asOf(param: string, today: string): string | undefined {
    const date = this.date(param)
    if (date === undefined || date <= today) return date
    this.issues.push({ param, value: date, reason: 'future' })
    return undefined
  }
  id(param: string): string | undefined {
    return this.check(param, 'id', (v) => (ID.test(v) ? v : undefined))
  }
  choice<T extends string>(param: string, choices: readonly T[]): T | undefined {
    return this.check(param, 'choice', (v) => (choices.includes(v as T) ? (v as T) : undefined))
  }
  amount(param: string): string | undefined {
    return this.check(param, 'amount', (v) => (DECIMAL.test(v) ? v : undefined))
  }
  page(param: string): number | undefined {
    return this.check(param, 'page', (v) => (PAGE.test(v) ? Number(v) : undefined))
  }
  text(param: string, max = 100): string | undefined {
    return this.check(param, 'text', (v) => {
      const trimmed = v.trim()
      return trimmed.length > 0 && trimmed.length <= max ? trimmed : undefined
    })
  }
}

/** What every view shares: reporting currency, as-of date and the member company in focus. */
export interface GlobalState {
  currency?: CurrencyCode
  asOf?: string
  entityId?: string
}

export const GLOBAL_PARAMS = ['currency', 'asOf', 'entity'] as const

export function parseGlobalQuery(query: RawQuery, today: string = todayInGroup()): Parsed<GlobalState> {
  const r = new Reader(query)
  const state: GlobalState = {}
  const currency = r.currency('currency')
  const asOf = r.asOf('asOf', today)
  const entityId = r.id('entity')
  if (currency) state.currency = currency
  if (asOf) state.asOf = asOf
  if (entityId) state.entityId = entityId
  return { state, issues: r.issues }
}

/** Overview: which breakdown the chart shows. */
export interface OverviewState {
  by: PositionGroupBy
}

export function parseOverviewQuery(query: RawQuery): Parsed<OverviewState> {
  const r = new Reader(query)
  return { state: { by: r.choice('by', POSITION_GROUP_BY) ?? 'bank' }, issues: r.issues }
}

export const TRANSACTION_DIRECTIONS = ['in', 'out'] as const
export type Direction = (typeof TRANSACTION_DIRECTIONS)[number]

/** Transactions filters as they sit in the URL (amounts as decimal major units). */
export interface TransactionFilters {
  from?: string
  to?: string
  min?: string
  max?: string
  dir?: Direction
  q?: string
  account?: string
}

export function parseTransactionFilters(query: RawQuery): Parsed<TransactionFilters> {
  const r = new Reader(query)
  const state: TransactionFilters = {}
  const from = r.date('from')
  const to = r.date('to')
  if (from && to && from > to) {
    r.issues.push({ param: 'from', value: `${from} > ${to}`, reason: 'range' })
  } else {
    if (from) state.from = from
    if (to) state.to = to
  }
  const min = r.amount('min')
  const max = r.amount('max')
  if (min && max && Number(min) > Number(max)) {
    r.issues.push({ param: 'min', value: `${min} > ${max}`, reason: 'range' })
  } else {
    if (min) state.min = min
    if (max) state.max = max
  }
  const dir = r.choice('dir', TRANSACTION_DIRECTIONS)
  const q = r.text('q')
  const account = r.id('account')
  if (dir) state.dir = dir
  if (q) state.q = q
  if (account) state.account = account
  return { state, issues: r.issues }
}

export const ACCOUNT_SORTS = ['booked', 'available', 'asOf', 'bank', 'entity', 'name'] as const
export type AccountSortKey = (typeof ACCOUNT_SORTS)[number]
export const ACCOUNT_TIERS = ['I', 'II', 'III'] as const

export interface AccountFilters {
  bank?: string
  ccy?: CurrencyCode
  type?: AccountType
  tier?: (typeof ACCOUNT_TIERS)[number]
  region?: string
  q?: string
  stale?: boolean
  sort?: { key: AccountSortKey; order: 'asc' | 'desc' }
  /** Page of the table (1 when absent). */
  page?: number
}

export function parseAccountFilters(query: RawQuery): Parsed<AccountFilters> {
  const r = new Reader(query)
  const state: AccountFilters = {}
  const bank = r.id('bank')
  const ccy = r.currency('ccy')
  const type = r.choice('type', ACCOUNT_TYPES)
  const tier = r.choice('tier', ACCOUNT_TIERS)
  const region = r.id('region')
  const q = r.text('q')
  const stale = r.choice('stale', ['1'] as const)
  const sort = r.check('sort', 'choice', (v) => {
    const [key, order = 'desc'] = v.split(':')
    return ACCOUNT_SORTS.includes(key as AccountSortKey) && (order === 'asc' || order === 'desc')
      ? { key: key as AccountSortKey, order: order as 'asc' | 'desc' }
      : undefined
  })
  if (bank) state.bank = bank
  if (ccy) state.ccy = ccy
  if (type) state.type = type
  if (tier) state.tier = tier
  if (region) state.region = region
  if (q) state.q = q
  if (stale) state.stale = true
  const page = r.page('page')
  if (sort) state.sort = sort
  if (page && page > 1) state.page = page
  return { state, issues: r.issues }
}

/** The query without the parameters that had issues (so defaults apply), other params kept as they were. */
export function withoutIssues(query: RawQuery, issues: readonly QueryIssue[]): RawQuery {
  const bad = new Set(issues.map((i) => i.param))
  // A range issue names one end but concerns both.
  for (const issue of issues) if (issue.reason === 'range') bad.add(issue.param === 'from' ? 'to' : issue.param === 'min' ? 'max' : issue.param)
  return Object.fromEntries(Object.entries(query).filter(([key]) => !bad.has(key)))
}

/**
 * A query from state: empty, undefined and false values are left out, so URLs stay short and
 * equal states give equal URLs.
 */
export function toQuery(values: Record<string, string | boolean | undefined | null>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '' || value === false) continue
    out[key] = value === true ? '1' : value
  }
  return out
}

/** The parameters each area of the app reads beyond the global ones (others are carried unchanged). */
export type QueryArea = 'overview' | 'transactions' | 'accounts'

export function parseAreaQuery(area: QueryArea | undefined, query: RawQuery): QueryIssue[] {
  switch (area) {
    case 'overview':
      return parseOverviewQuery(query).issues
    case 'transactions':
      return parseTransactionFilters(query).issues
    case 'accounts':
      return parseAccountFilters(query).issues
    default:
      return []
  }
}
