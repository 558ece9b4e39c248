import { z } from 'zod'
import { currencyCode } from './currencies.js'
import { isoDate } from './fx.js'

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

/** Account types; wage-special is the restricted 农民工工资专用账户. */
export const ACCOUNT_TYPES = ['operating', 'wage-special', 'deposit', 'escrow', 'cash-pool-header'] as const
export const accountType = z.enum(ACCOUNT_TYPES)
export type AccountType = z.infer<typeof accountType>

export const ACCOUNT_STATUSES = ['active', 'dormant', 'frozen', 'closed'] as const
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

/** camt balance types the position uses: opening/closing/interim booked, interim/closing available. */
export const BALANCE_TYPES = ['OPBD', 'CLBD', 'ITBD', 'ITAV', 'CLAV'] as const
export const balanceType = z.enum(BALANCE_TYPES)
export type BalanceType = z.infer<typeof balanceType>

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
