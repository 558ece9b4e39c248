import { z } from 'zod'
import { STATEMENT_FORMATS, type StatementFormat } from './constants.js'
import { isoDate } from './domain.js'

/**
 * The normalized bank-statement model every format parser (SWIFT MT940/MT942, ISO 20022
 * camt.052/053/054, BAI2) maps into. It follows camt semantics: balances carry camt type codes,
 * entries are booked or pending, amounts are signed integer minor units (credit > 0, debit < 0).
 */

export const statementFormat = z.enum(STATEMENT_FORMATS)

/**
 * camt balance types a statement can carry: opening/closing/interim booked, interim/closing/forward
 * available and the previously closed booked balance (camt's alternative to an opening balance).
 */
export const STATEMENT_BALANCE_TYPES = ['OPBD', 'CLBD', 'ITBD', 'ITAV', 'CLAV', 'FWAV', 'PRCD'] as const
export const statementBalanceType = z.enum(STATEMENT_BALANCE_TYPES)
export type StatementBalanceType = z.infer<typeof statementBalanceType>

/**
 * An ISO 4217 alphabetic code as a statement states it. Statements may name currencies the
 * treasury itself does not hold (historic DEM, RON…), so this is the shape only; the parsers
 * reject codes they cannot give a minor-unit exponent for.
 */
export const statementCurrency = z.string().regex(/^[A-Z]{3}$/, 'expected a 3-letter ISO 4217 code')

/**
 * A balance as reported. `amount` is signed minor units; `currency` is only present when the bank
 * reported this balance in another currency than the statement's (it happens in real camt files).
 *
 * @example
 * { type: 'CLBD', amount: -2700n, date: '2014-12-31' }
 */
export const statementBalance = z.object({
  type: statementBalanceType,
  amount: z.bigint(),
  date: isoDate,
  currency: statementCurrency.optional(),
})
export type StatementBalance = z.infer<typeof statementBalance>

/**
 * Bank transaction code in every form the formats use: ISO domain/family/sub-family, a proprietary
 * code (camt Prtry, German GVC from MT940 :86:), the SWIFT :61: type (e.g. "NTRF") and the BAI2 type.
 */
export const statementBankTransactionCode = z.object({
  domain: z.string().optional(),
  family: z.string().optional(),
  subFamily: z.string().optional(),
  proprietary: z.string().optional(),
  swift: z.string().optional(),
  bai: z.string().optional(),
})
export type StatementBankTransactionCode = z.infer<typeof statementBankTransactionCode>

/** References: the bank's (servicer), the payment chain's end-to-end id, and the customer's own. */
export const statementEntryReferences = z.object({
  servicer: z.string().optional(),
  endToEnd: z.string().optional(),
  customer: z.string().optional(),
})
export type StatementEntryReferences = z.infer<typeof statementEntryReferences>

/** The other side of the movement: payer of a credit, payee of a debit. `agent` is its bank (BIC or code). */
export const statementCounterparty = z.object({
  name: z.string().optional(),
  account: z.string().optional(),
  agent: z.string().optional(),
})
export type StatementCounterparty = z.infer<typeof statementCounterparty>

/**
 * One transaction inside a batch entry (camt TxDtls). Its amount, when the bank gives it, is signed
 * minor units of `currency`.
 */
export const statementEntryDetails = z.object({
  amount: z.bigint().optional(),
  currency: statementCurrency.optional(),
  bankTransactionCode: statementBankTransactionCode.optional(),
  references: statementEntryReferences,
  counterparty: statementCounterparty,
  remittance: z.string().optional(),
  returnReason: z.string().optional(),
})
export type StatementEntryDetails = z.infer<typeof statementEntryDetails>

export const STATEMENT_ENTRY_STATUSES = ['BOOK', 'PDNG'] as const
export const statementEntryStatus = z.enum(STATEMENT_ENTRY_STATUSES)
export type StatementEntryStatus = z.infer<typeof statementEntryStatus>

/**
 * One entry on the account. `amount` is signed minor units (credit > 0, debit < 0) and already
 * includes the reversal direction: a reversed credit (MT940 "RC", camt DBIT + RvslInd) is negative.
 * `additionalInfo` keeps the bank's free text as delivered (MT940 :86:, camt AddtlNtryInf, BAI2 text).
 *
 * @example
 * { amount: -1235n, currency: 'EUR', status: 'BOOK', bookingDate: '2020-06-08', valueDate: '2020-06-08',
 *   reversal: false, bankTransactionCode: { swift: 'NRTI', proprietary: '109' },
 *   references: { servicer: '2016021783252833' }, counterparty: { name: 'TESTER' } }
 */
export const statementEntry = z.object({
  amount: z.bigint(),
  currency: statementCurrency,
  status: statementEntryStatus,
  bookingDate: isoDate.optional(),
  valueDate: isoDate.optional(),
  reversal: z.boolean(),
  bankTransactionCode: statementBankTransactionCode,
  references: statementEntryReferences,
  counterparty: statementCounterparty,
  remittance: z.string().optional(),
  additionalInfo: z.string().optional(),
  returnReason: z.string().optional(),
  batch: z.object({ count: z.number().int().nonnegative(), transactions: z.array(statementEntryDetails) }).optional(),
})
export type StatementEntry = z.infer<typeof statementEntry>

/**
 * Whether opening + Σ booked entries = closing. `checked` is false when the statement lacks an
 * opening or closing booked balance (then `ok` is true: nothing contradicts it). A mismatch is a
 * warning, never a parse error: anonymised and hand-edited files often do not add up.
 */
export const statementReconciliation = z.object({
  checked: z.boolean(),
  ok: z.boolean(),
  expected: z.bigint().optional(),
  actual: z.bigint().optional(),
  message: z.string().optional(),
})
export type StatementReconciliation = z.infer<typeof statementReconciliation>

export const statementAccount = z.object({
  iban: z.string().optional(),
  number: z.string().optional(),
  bic: z.string().optional(),
  name: z.string().optional(),
})
export type StatementAccount = z.infer<typeof statementAccount>

/**
 * One statement (camt Stmt/Rpt/Ntfctn, one MT940 statement across its pages, one BAI2 account).
 * `createdAt` is the bank's creation timestamp as given (ISO-8601, offset kept when present).
 *
 * @example
 * { id: '253EURNL26VAYB8060476890', account: { iban: 'NL26VAYB8060476890' }, currency: 'EUR',
 *   balances: [{ type: 'OPBD', amount: 1815n, date: '2014-12-30' }], entries: [],
 *   reconciliation: { checked: false, ok: true } }
 */
export const statement = z.object({
  id: z.string().optional(),
  sequence: z.string().optional(),
  account: statementAccount,
  currency: statementCurrency,
  from: isoDate.optional(),
  to: isoDate.optional(),
  createdAt: z.string().optional(),
  balances: z.array(statementBalance),
  entries: z.array(statementEntry),
  additionalInfo: z.string().optional(),
  reconciliation: statementReconciliation,
})
export type Statement = z.infer<typeof statement>

/** Something a parser tolerated but a person should know; `code` is stable for filtering. */
export const parseWarning = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int().positive().optional(),
  element: z.string().optional(),
})
export type ParseWarning = z.infer<typeof parseWarning>

/**
 * The result of parsing one statement file.
 *
 * @example
 * const file: ParsedFile = { format: 'mt940', statements: [...], warnings: [] }
 */
export const parsedFile = z.object({
  format: statementFormat,
  statements: z.array(statement),
  warnings: z.array(parseWarning),
})
export type ParsedFile = z.infer<typeof parsedFile>

/**
 * Raised for any input a statement parser cannot turn into a {@link ParsedFile}. The message
 * names where: a line number (MT940/MT942, BAI2, XML syntax) or an XML element path (camt).
 *
 * @example
 * throw new StatementParseError('mt940', ':61: amount "500" has no decimal comma', { line: 17 })
 * // message: "mt940 line 17: :61: amount "500" has no decimal comma"
 */
export class StatementParseError extends Error {
  override name = 'StatementParseError'
  readonly format: StatementFormat | 'unknown'
  readonly line?: number
  readonly element?: string
  /** The problem without the location prefix. */
  readonly reason: string

  constructor(format: StatementFormat | 'unknown', reason: string, where: { line?: number; element?: string } = {}) {
    const location = [
      where.line !== undefined ? `line ${where.line}` : undefined,
      where.element !== undefined ? `element ${where.element}` : undefined,
    ].filter(Boolean)
    super(`${format}${location.length ? ` ${location.join(', ')}` : ''}: ${reason}`)
    this.format = format
    this.reason = reason
    if (where.line !== undefined) this.line = where.line
    if (where.element !== undefined) this.element = where.element
  }
}
