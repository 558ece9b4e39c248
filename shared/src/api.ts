import { z } from 'zod'
import { POSITION_GROUP_BY } from './constants.js'
import { accountType, asOfDate, currencyCode, id, isoDate } from './domain.js'

/** Input schemas of the BFF's procedures; the web client and the server share them. */

export const positionGroupBy = z.enum(POSITION_GROUP_BY)

export const positionSummaryInput = z
  .object({
    currency: currencyCode,
    groupBy: positionGroupBy,
    asOf: asOfDate.optional(),
    entityId: id.optional(),
  })
  .strict()
export type PositionSummaryInput = z.infer<typeof positionSummaryInput>

/** At most this many days in one trend request (a little over three years). */
export const MAX_TREND_DAYS = 1200

export const positionTrendInput = z
  .object({ currency: currencyCode, from: isoDate, to: asOfDate, entityId: id.optional(), bankId: id.optional() })
  .strict()
  .refine((v) => v.from <= v.to, { message: '"from" must not be after "to"', path: ['from'] })
  .refine(
  (v) => (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 < MAX_TREND_DAYS,
  { message: `a trend covers at most ${MAX_TREND_DAYS} days`, path: ['to'] },
)
export type PositionTrendInput = z.infer<typeof positionTrendInput>

export const entitiesTreeInput = z.object({ currency: currencyCode, asOf: asOfDate.optional() }).strict()
export type EntitiesTreeInput = z.infer<typeof entitiesTreeInput>

export const accountsListInput = z
  .object({
    entityId: id.optional(),
    bankId: id.optional(),
    currency: currencyCode.optional(),
    type: accountType.optional(),
    asOf: asOfDate.optional(),
  })
  .strict()
export type AccountsListInput = z.infer<typeof accountsListInput>

/** Amount filters are minor units as bigint, or as a string of digits from a URL. */
const MINOR_AMOUNT_HELP = 'expected whole minor units: a bigint or a string of at most 18 digits (e.g. "150000" for 1,500.00)'
const minorAmount = z.union([z.bigint(), z.string()], { error: MINOR_AMOUNT_HELP }).transform((value, ctx) => {
  if (typeof value === 'bigint') return value
  if (/^-?\d{1,18}$/.test(value)) return BigInt(value)
  ctx.addIssue({ code: 'custom', message: `${MINOR_AMOUNT_HELP}, got "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"` })
  return z.NEVER
})

export const TRANSACTIONS_MAX_LIMIT = 500

/** What a transaction list is filtered by (shared by the list and its totals). */
const transactionFilters = {
  accountId: id.optional(),
  entityId: id.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** Bounds on the absolute amount, in minor units of each transaction's currency. */
  minAmount: minorAmount.optional(),
  maxAmount: minorAmount.optional(),
  direction: z.enum(['in', 'out']).optional(),
  q: z.string().trim().min(1).max(100).optional(),
}

type FilterBounds = { from?: string | undefined; to?: string | undefined; minAmount?: bigint | undefined; maxAmount?: bigint | undefined }
type FilterCheck = [check: (v: FilterBounds) => boolean, params: { message: string; path: string[] }]
const DATES_IN_ORDER: FilterCheck = [(v) => !v.from || !v.to || v.from <= v.to, { message: '"from" must not be after "to"', path: ['from'] }]
const AMOUNTS_IN_ORDER: FilterCheck = [
  (v) => v.minAmount === undefined || v.maxAmount === undefined || v.minAmount <= v.maxAmount,
  { message: '"minAmount" must not exceed "maxAmount"', path: ['minAmount'] },
]

export const transactionsListInput = z
  .object({
    ...transactionFilters,
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(TRANSACTIONS_MAX_LIMIT).default(100),
  })
  .strict()
  .refine(...DATES_IN_ORDER)
  .refine(...AMOUNTS_IN_ORDER)
export type TransactionsListInput = z.infer<typeof transactionsListInput>

/** Most transactions `transactions.summary` totals; beyond it the answer says there are more. */
export const SUMMARY_MAX_ROWS = 200_000

/** The totals of a filtered transaction list (the same filters, no paging). */
export const transactionsSummaryInput = z.object(transactionFilters).strict().refine(...DATES_IN_ORDER).refine(...AMOUNTS_IN_ORDER)
export type TransactionsSummaryInput = z.infer<typeof transactionsSummaryInput>

/** Most movements `transactions.largest` ranks in one answer. */
export const LARGEST_MAX_LIMIT = 50

/** The day's largest movements in scope, ranked by size in the reporting currency. */
export const transactionsLargestInput = z
  .object({
    currency: currencyCode,
    date: isoDate,
    entityId: id.optional(),
    limit: z.number().int().min(1).max(LARGEST_MAX_LIMIT).default(8),
  })
  .strict()
export type TransactionsLargestInput = z.infer<typeof transactionsLargestInput>

export const accountHistoryInput = z
  .object({ accountId: id, from: isoDate, to: asOfDate })
  .strict()
  .refine((v) => v.from <= v.to, { message: '"from" must not be after "to"', path: ['from'] })
  .refine((v) => (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 < MAX_TREND_DAYS, {
    message: `a history covers at most ${MAX_TREND_DAYS} days`,
    path: ['to'],
  })
export type AccountHistoryInput = z.infer<typeof accountHistoryInput>

export const accountGetInput = z.object({ accountId: id, asOf: asOfDate.optional() }).strict()
export type AccountGetInput = z.infer<typeof accountGetInput>
