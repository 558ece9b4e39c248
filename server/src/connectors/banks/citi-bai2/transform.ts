import {
  InvalidResponseError,
  isCurrencyCode,
  StatementParseError,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorTransaction,
  type CurrencyCode,
  type Statement,
} from '@treasury/shared'
import { z } from 'zod'
import { parseStatementFile } from '../../../formats/index.js'

/**
 * Pure mapping of the BAI2 bank's answers onto the contract: the JSON account list and BAI2
 * reports — parsed by the shared BAI2 parser (server/src/formats), never by hand; only the 02
 * as-of time, which that parser does not keep, is read here. Tested in transform.test.ts.
 */

function invalid(what: string, detail: string): never {
  throw new InvalidResponseError(`BAI2 API ${what}: ${detail}`)
}

const rawAccounts = z.object({
  accounts: z.array(z.object({ accountNumber: z.string().min(1), currencyCode: z.string(), accountName: z.string().nullable().optional(), status: z.string().optional() })),
})

/**
 * `GET /v1/accounts` → accounts; the account number is the ref every report uses.
 *
 * @example
 * toAccounts({ accounts: [{ accountNumber: '0812345678', currencyCode: 'USD', accountName: 'Operating USD' }] })
 */
export function toAccounts(body: unknown): ConnectorAccount[] {
  const parsed = rawAccounts.safeParse(body)
  if (!parsed.success) invalid('GET /v1/accounts', `${parsed.error.issues[0]!.path.join('.') || 'body'}: ${parsed.error.issues[0]!.message}`)
  return parsed.data.accounts.map((a) => {
    if (!isCurrencyCode(a.currencyCode)) invalid('GET /v1/accounts', `currency "${a.currencyCode}" is not ISO 4217`)
    return { ref: a.accountNumber, number: a.accountNumber.replace(/\s+/g, ''), iban: null, currency: a.currencyCode, name: a.accountName ?? null }
  })
}

/** A BAI2 report read for one account: its statements (one per as-of day) and each day's as-of time. */
export interface Bai2Report {
  statements: Statement[]
  /** As-of date (YYYY-MM-DD) → as-of time HHMM as the 02 group header gives it. */
  asOfTimes: ReadonlyMap<string, string>
}

/**
 * Parses a BAI2 report with the shared parser; every account in it must be `account` (in its
 * currency). The 02 as-of times are read from the group headers.
 *
 * @example
 * parseReport(text, account, 'prior-day page 1').statements[0].balances // [OPBD, CLBD, CLAV]
 */
export function parseReport(text: string, account: Pick<ConnectorAccount, 'number' | 'currency'>, what: string): Bai2Report {
  let statements: Statement[]
  try {
    statements = parseStatementFile(new TextEncoder().encode(text), 'bai2').statements
  } catch (error) {
    if (error instanceof StatementParseError) invalid(what, error.message)
    throw error
  }
  for (const s of statements) {
    if ((s.account.number ?? '') !== account.number) invalid(what, `a report for account ****${(s.account.number ?? '').slice(-4)}, not ****${account.number.slice(-4)}`)
    if (s.currency !== account.currency) invalid(what, `a report in ${s.currency}, the account is in ${account.currency}`)
  }
  const asOfTimes = new Map<string, string>()
  for (const match of text.matchAll(/^02,[^,]*,[^,]*,[^,]*,(\d{2})(\d{2})(\d{2}),(\d{4})?/gm)) {
    asOfTimes.set(`20${match[1]}-${match[2]}-${match[3]}`, match[4] ?? '2359')
  }
  return { statements, asOfTimes }
}

/**
 * The instant of an as-of date and time (HHMM, "2400" = end of day) in the bank's UTC offset.
 *
 * @example
 * asOfInstant('2026-11-19', '2305', '+08:00') // 2026-11-19T15:05:00Z
 */
export function asOfInstant(date: string, hhmm: string, offset: string): Date {
  const time = hhmm === '2400' ? '23:59' : `${hhmm.slice(0, 2)}:${hhmm.slice(2, 4)}`
  const instant = new Date(`${date}T${time}:00${offset}`)
  if (Number.isNaN(instant.getTime())) invalid('report', `as-of time "${hhmm}" on ${date} is not a time`)
  return instant
}

const KEPT_BALANCES = new Set(['OPBD', 'CLBD', 'CLAV', 'ITBD', 'ITAV'])

/**
 * A statement's balances (010 → OPBD, 015 → CLBD, 045 → CLAV; same-day 030 → ITBD, 060 → ITAV).
 *
 * @example
 * toBalances(statement, 'USD', reportedAt) // [{ date: '2026-11-19', type: 'OPBD', amount: 12500000n, … }]
 */
export function toBalances(statement: Statement, currency: CurrencyCode, reportedAt: Date): ConnectorBalance[] {
  return statement.balances
    .filter((b) => KEPT_BALANCES.has(b.type) && (!b.currency || b.currency === currency))
    .map((b) => ({ date: b.date, type: b.type as ConnectorBalance['type'], amount: b.amount, currency, reportedAt }))
}

/** What the bank writes into a detail's text: `/ORG/` (payer) or `/BNF/` (payee), `/ACC/`, `/BNK/`, `/OBI/` (remittance). */
export interface WireText {
  name: string | null
  account: string | null
  bank: string | null
  purpose: string | null
}

/**
 * Reads the keyed wire text of a detail record; text without keys is all remittance.
 *
 * @example
 * parseWireText('/ORG/Pacific Marine Supplies Pte Ltd/ACC/0123456789/BNK/DBSSSGSG/OBI/Freight INV-2026-00042')
 * // { name: 'Pacific Marine Supplies Pte Ltd', account: '0123456789', bank: 'DBSSSGSG', purpose: 'Freight INV-2026-00042' }
 */
export function parseWireText(text: string | undefined): WireText {
  const result: WireText = { name: null, account: null, bank: null, purpose: null }
  if (!text) return result
  const parts = text.split(/\/(ORG|BNF|ACC|BNK|OBI)\//)
  if (parts.length === 1) return { ...result, purpose: text.trim() || null }
  for (let i = 1; i < parts.length; i += 2) {
    const value = parts[i + 1]!.trim() || null
    switch (parts[i]) {
      case 'ORG':
      case 'BNF':
        result.name = value
        break
      case 'ACC':
        result.account = value
        break
      case 'BNK':
        result.bank = value
        break
      case 'OBI':
        result.purpose = value
        break
    }
  }
  return result
}

const NO_REFERENCE = new Set(['NOTPROVIDED', 'NONREF'])

/**
 * A statement's details → entries: booked (BAI2 has no pending), the BAI type code as the bank
 * transaction code, the customer reference as end-to-end id.
 *
 * @example
 * toEntries(statement, 'USD') // [{ amount: -250000n, bankTransactionCode: '495', counterpartyName: 'Hanseatic Shipbrokers GmbH', … }]
 */
export function toEntries(statement: Statement, currency: CurrencyCode): ConnectorTransaction[] {
  return statement.entries.map((e): ConnectorTransaction => {
    const bookingDate = e.bookingDate ?? e.valueDate
    if (!bookingDate) invalid('report', 'a detail without an as-of date')
    const wire = parseWireText(e.remittance)
    const customer = e.references.customer ?? null
    return {
      bookingDate,
      valueDate: e.valueDate ?? bookingDate,
      amount: e.amount,
      currency,
      status: 'booked',
      bankReference: e.references.servicer ?? null,
      endToEndId: customer && !NO_REFERENCE.has(customer) ? customer : null,
      counterpartyName: wire.name,
      counterpartyAccount: wire.account,
      counterpartyBank: wire.bank,
      purpose: wire.purpose,
      bankTransactionCode: e.bankTransactionCode.bai ?? null,
    }
  })
}
