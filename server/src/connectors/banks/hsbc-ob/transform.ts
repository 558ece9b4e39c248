import {
  InvalidResponseError,
  isCurrencyCode,
  MoneyFormatError,
  parseMinor,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorTransaction,
  type CurrencyCode,
} from '@treasury/shared'
import { z } from 'zod'

/**
 * Pure mapping of Open Banking (OBIE v3.1 read API) payloads onto the contract. OBIE amounts are
 * unsigned decimal strings with a separate CreditDebitIndicator; date-times carry the bank's
 * offset and the *written* local date is the booking day (never converted to UTC). Anything
 * unexpected is an InvalidResponseError. Tested on recorded payloads in transform.test.ts.
 */

function invalid(what: string, detail: string): never {
  throw new InvalidResponseError(`Open Banking ${what}: ${detail}`)
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    invalid(what, `${issue.path.join('.') || 'body'}: ${issue.message}`)
  }
  return parsed.data
}

const amount = z.object({ Amount: z.string().regex(/^\d{1,13}(\.\d{1,5})?$/, 'expected an unsigned decimal amount'), Currency: z.string() })
const indicator = z.enum(['Credit', 'Debit'])
const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/, 'expected an ISO 8601 date-time')
const links = z.object({ Self: z.string(), Next: z.string().optional(), Prev: z.string().optional(), First: z.string().optional(), Last: z.string().optional() })
const cashAccount = z.object({ SchemeName: z.string(), Identification: z.string(), Name: z.string().optional() })
const agent = z.object({ SchemeName: z.string().optional(), Identification: z.string() })

/** OBReadAccount6 as the bank sends it. */
export const rawAccounts = z.object({
  Data: z.object({
    Account: z.array(
      z.object({
        AccountId: z.string().min(1),
        Currency: z.string(),
        Nickname: z.string().optional(),
        Account: z.array(cashAccount).min(1),
      }),
    ),
  }),
  Links: links,
})

/** OBReadBalance1 (with the bank's history extension: one entry per day and type). */
export const rawBalances = z.object({
  Data: z.object({
    Balance: z.array(
      z.object({
        AccountId: z.string(),
        Type: z.string(),
        Amount: amount,
        CreditDebitIndicator: indicator,
        DateTime: dateTime,
      }),
    ),
  }),
  Links: links,
})

/** OBReadTransaction6 as the bank sends it. */
export const rawTransactions = z.object({
  Data: z.object({
    Transaction: z.array(
      z.object({
        AccountId: z.string(),
        TransactionId: z.string().optional(),
        TransactionReference: z.string().optional(),
        CreditDebitIndicator: indicator,
        Status: z.enum(['Booked', 'Pending', 'Rejected']),
        BookingDateTime: dateTime,
        ValueDateTime: dateTime.optional(),
        TransactionInformation: z.string().optional(),
        Amount: amount,
        ProprietaryBankTransactionCode: z.object({ Code: z.string(), Issuer: z.string().optional() }).optional(),
        CreditorAccount: cashAccount.optional(),
        DebtorAccount: cashAccount.optional(),
        CreditorAgent: agent.optional(),
        DebtorAgent: agent.optional(),
        SupplementaryData: z.object({ EndToEndIdentification: z.string().optional() }).optional(),
      }),
    ),
  }),
  Links: links,
  Meta: z.object({ TotalPages: z.number().int().optional() }).optional(),
})

function currencyOf(code: string, what: string): CurrencyCode {
  if (!isCurrencyCode(code)) invalid(what, `currency "${code}" is not ISO 4217`)
  return code
}

function minor(value: z.infer<typeof amount>, sign: z.infer<typeof indicator>, currency: CurrencyCode, what: string): bigint {
  if (value.Currency !== currency) invalid(what, `an amount in ${value.Currency}, the account is in ${currency}`)
  let units: bigint
  try {
    units = parseMinor(value.Amount, currency)
  } catch (error) {
    if (error instanceof MoneyFormatError || error instanceof RangeError) invalid(what, error.message)
    throw error
  }
  return sign === 'Debit' ? -units : units
}

/** The local calendar date a date-time was written with ("2026-11-19T23:10:00+08:00" → "2026-11-19"). */
export function writtenDate(value: string): string {
  return value.slice(0, 10)
}

/**
 * `GET /accounts` → accounts; the first Account identification is the number.
 *
 * @example
 * toAccounts({ Data: { Account: [{ AccountId: 'a1', Currency: 'HKD', Nickname: 'Ops HKD', Account: [{ SchemeName: 'HK.OBIE.AccountNumber', Identification: '848123456001' }] }] }, Links: { Self: '…' } })
 */
export function toAccounts(body: unknown): ConnectorAccount[] {
  return parse(rawAccounts, body, 'GET /accounts').Data.Account.map((a) => {
    const id = a.Account[0]!
    const number = id.Identification.replace(/\s+/g, '')
    const iban = id.SchemeName.endsWith('.IBAN') ? number : null
    return { ref: a.AccountId, number, iban, currency: currencyOf(a.Currency, 'GET /accounts'), name: a.Nickname ?? id.Name ?? null }
  })
}

const BALANCE_TYPES: Readonly<Record<string, ConnectorBalance['type']>> = {
  OpeningBooked: 'OPBD',
  ClosingBooked: 'CLBD',
  ClosingAvailable: 'CLAV',
  InterimBooked: 'ITBD',
  InterimAvailable: 'ITAV',
}

/**
 * One page of `GET /accounts/{id}/balances` → balances (Expected and other OBIE types the
 * contract has no code for are skipped) and the next page's link.
 *
 * @example
 * toBalancePage(body, 'HKD') // { balances: [{ date: '2026-11-19', type: 'CLBD', amount: 123000n, … }], next: null }
 */
export function toBalancePage(body: unknown, currency: CurrencyCode): { balances: ConnectorBalance[]; next: string | null } {
  const page = parse(rawBalances, body, 'GET /balances')
  const balances: ConnectorBalance[] = []
  for (const b of page.Data.Balance) {
    const type = BALANCE_TYPES[b.Type]
    if (!type) continue
    const reportedAt = new Date(b.DateTime)
    if (Number.isNaN(reportedAt.getTime())) invalid('GET /balances', `DateTime "${b.DateTime}" is not a time`)
    balances.push({ date: writtenDate(b.DateTime), type, amount: minor(b.Amount, b.CreditDebitIndicator, currency, 'GET /balances'), currency, reportedAt })
  }
  return { balances, next: page.Links.Next ?? null }
}

/**
 * One page of `GET /accounts/{id}/transactions` → entries (Rejected ones are not movements and are
 * dropped) and the next page's link.
 *
 * @example
 * toTransactionPage(body, 'HKD') // { transactions: [{ amount: -50000n, status: 'pending', … }], next: 'https://…&page=2' }
 */
export function toTransactionPage(body: unknown, currency: CurrencyCode): { transactions: ConnectorTransaction[]; next: string | null } {
  const page = parse(rawTransactions, body, 'GET /transactions')
  const transactions = page.Data.Transaction.filter((t) => t.Status !== 'Rejected').map((t): ConnectorTransaction => {
    const credit = t.CreditDebitIndicator === 'Credit'
    // The other side: who paid us (Debtor) on a credit, whom we paid (Creditor) on a debit.
    const party = credit ? t.DebtorAccount : t.CreditorAccount
    const partyAgent = credit ? t.DebtorAgent : t.CreditorAgent
    const bookingDate = writtenDate(t.BookingDateTime)
    return {
      bookingDate,
      valueDate: t.ValueDateTime ? writtenDate(t.ValueDateTime) : bookingDate,
      amount: minor(t.Amount, t.CreditDebitIndicator, currency, 'GET /transactions'),
      currency,
      status: t.Status === 'Pending' ? 'pending' : 'booked',
      bankReference: t.TransactionReference ?? t.TransactionId ?? null,
      endToEndId: t.SupplementaryData?.EndToEndIdentification ?? null,
      counterpartyName: party?.Name || null,
      counterpartyAccount: party?.Identification || null,
      counterpartyBank: partyAgent?.Identification || null,
      purpose: t.TransactionInformation ?? null,
      bankTransactionCode: t.ProprietaryBankTransactionCode?.Code ?? null,
    }
  })
  return { transactions, next: page.Links.Next ?? null }
}
