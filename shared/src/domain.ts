import { z } from 'zod'
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, BALANCE_TYPES } from './constants.js'
import { isIsoDate, todayIn } from './calendar.js'
import { isCurrencyCode } from './currencies.js'

/** Zod schema for a supported ISO 4217 code; the error names the offending value. */
export const currencyCode = z.string().transform((value, ctx) => {
  if (isCurrencyCode(value)) return value
  ctx.addIssue({ code: 'custom', message: `unknown currency code "${value}" (expected ISO 4217, e.g. CNY)` })
  return z.NEVER
})

/** A calendar date as `YYYY-MM-DD` that must exist (2025-02-30 is rejected). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine(isIsoDate, 'not a real calendar date')

/**
 * A day to report figures as of: a real date, not after the group's today (there are no figures of
 * a future day; without this a future day showed today's figures under that day's date).
 */
export const asOfDate = isoDate.superRefine((value, ctx) => {
  const today = todayIn()
  if (value > today) ctx.addIssue({ code: 'custom', message: `${value} is after today (${today} in the group's time zone): there are no figures of a future day` })
})

/** A positive decimal rate with at least 10 significant digits of room, stored as a string. */
export const rateString = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,20})?$/, 'expected a positive decimal rate such as "7.1234567890"')
  .refine((value) => /[1-9]/.test(value), 'a rate must be greater than zero')

/**
 * One dated FX rate: 1 unit of `base` buys `rate` units of `quote` on `date`, per `source`.
 *
 * @example
 * { date: '2026-11-25', base: 'USD', quote: 'CNY', rate: '7.1183000000', source: 'PBOC' }
 */
export const fxRate = z.object({
  date: isoDate,
  base: currencyCode,
  quote: currencyCode,
  rate: rateString,
  source: z.string().min(1).max(64),
})
export type FxRate = z.infer<typeof fxRate>

/** Stable identifiers are short opaque strings (`ent_…`, `bnk_…`, `acc_…`). */
export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'expected an identifier of letters, digits, _ . : -')

/** A timestamp: ISO-8601 in UTC on the wire and in storage. */
export const timestamp = z.coerce.date()

/** Where an entity sits: a Chinese province/city or a country (ISO 3166-1 alpha-2). */
export const region = z.object({
  code: z.string().min(2).max(32),
  country: z.string().length(2),
  nameZh: z.string().min(1),
  nameEn: z.string().min(1),
})
export type Region = z.infer<typeof region>

/**
 * A member company (成员单位) in the group tree; `parentId` null for the group itself.
 * Trees may be any depth.
 */
export const entity = z.object({
  id,
  parentId: id.nullable(),
  code: z.string().min(1).max(32),
  nameZh: z.string().min(1),
  nameEn: z.string().min(1),
  region,
  functionalCurrency: currencyCode,
})
export type Entity = z.infer<typeof entity>

export const bank = z.object({
  id,
  nameZh: z.string().min(1),
  nameEn: z.string().min(1),
  bic: z.string().regex(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'expected a BIC (8 or 11 characters)'),
  country: z.string().length(2),
})
export type Bank = z.infer<typeof bank>

export const accountType = z.enum(ACCOUNT_TYPES)

export const accountStatus = z.enum(ACCOUNT_STATUSES)

/** 账户分级: Ⅰ/Ⅱ/Ⅲ类户. */
export const accountTier = z.enum(['I', 'II', 'III'])

export const account = z.object({
  id,
  entityId: id,
  bankId: id,
  name: z.string().min(1),
  /** Masked for display: only the last four digits are shown (e.g. "6222 **** **** 1234"). */
  numberMasked: z.string().min(4),
  iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/).nullable(),
  currency: currencyCode,
  type: accountType,
  status: accountStatus,
  tier: accountTier,
  openedOn: isoDate,
})
export type Account = z.infer<typeof account>

export const balanceType = z.enum(BALANCE_TYPES)

/**
 * A balance the bank reported for an account on a date. `reportedAt` is the bank's time,
 * `fetchedAt` when we received it, `source` which connector or file delivered it.
 */
export const balance = z.object({
  accountId: id,
  date: isoDate,
  type: balanceType,
  amount: z.bigint(),
  reportedAt: timestamp,
  fetchedAt: timestamp,
  source: z.string().min(1).max(64),
})
export type Balance = z.infer<typeof balance>

export const transactionStatus = z.enum(['booked', 'pending'])

/**
 * One booked or pending movement. `amount` is signed minor units in the account's currency
 * (credit > 0, debit < 0). See {@link transactionDedupeKey} for how duplicates are recognised.
 */
export const transaction = z.object({
  accountId: id,
  bookingDate: isoDate,
  valueDate: isoDate,
  amount: z.bigint(),
  currency: currencyCode,
  status: transactionStatus,
  bankReference: z.string().max(64).nullable(),
  endToEndId: z.string().max(64).nullable(),
  counterpartyName: z.string().max(140).nullable(),
  counterpartyAccount: z.string().max(64).nullable(),
  counterpartyBank: z.string().max(64).nullable(),
  purpose: z.string().max(500).nullable(),
  bankTransactionCode: z.string().max(64).nullable(),
  source: z.string().min(1).max(64),
})
export type Transaction = z.infer<typeof transaction>

/**
 * The dedupe key of a transaction, unique per account. Banks give each entry a servicer reference
 * (camt AcctSvcrRef, MT940 :61: bank reference, BAI2 bank reference) that is stable between the
 * intraday report and the end-of-day statement, so it is the key when present. Without one, the key
 * is built from what a re-delivery of the same entry repeats: booking date, value date, amount,
 * end-to-end id and counterparty account — plus an occurrence number for identical entries on one
 * day, so two genuine equal payments are kept apart.
 *
 * @example
 * transactionDedupeKey({ bankReference: 'K123', … }) // "ref:K123"
 */
export function transactionDedupeKey(
  tx: Pick<Transaction, 'bankReference' | 'bookingDate' | 'valueDate' | 'amount' | 'endToEndId' | 'counterpartyAccount'>,
  occurrence = 0,
): string {
  if (tx.bankReference && tx.bankReference !== 'NONREF') return `ref:${tx.bankReference}`
  return ['h', tx.bookingDate, tx.valueDate, tx.amount.toString(), tx.endToEndId ?? '', tx.counterpartyAccount ?? '', occurrence].join('|')
}
