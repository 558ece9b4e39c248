import {
  InvalidResponseError,
  MoneyFormatError,
  parseMinor,
  type BalanceType,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorTransaction,
  type TransactionPage,
} from '@treasury/shared'
import { z } from 'zod'

/**
 * Pure mapping from Template Bank's JSON payloads onto the connector contract: no HTTP, no clock,
 * so it is tested on recorded payloads (transform.test.ts). Replace the raw schemas with your
 * bank's shapes; keep the rule that anything unexpected is an InvalidResponseError.
 */

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount string')
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

/** `GET /v1/accounts` as the bank sends it. */
export const rawAccounts = z.object({
  accounts: z.array(
    z.object({
      id: z.string().min(1),
      number: z.string().min(1),
      iban: z.string().nullable().optional(),
      currency: z.string().length(3),
      name: z.string().nullable().optional(),
    }),
  ),
})

/** `GET /v1/accounts/{id}/balances` as the bank sends it. */
export const rawBalances = z.object({
  balances: z.array(
    z.object({
      date: day,
      type: z.enum(['opening', 'closing', 'interim', 'interim-available', 'closing-available']),
      amount: decimal,
      currency: z.string().length(3),
      reportedAt: z.string().min(1),
    }),
  ),
})

/** `GET /v1/accounts/{id}/transactions` as the bank sends it. */
export const rawTransactionPage = z.object({
  transactions: z.array(
    z.object({
      ref: z.string().nullable(),
      bookingDate: day,
      valueDate: day,
      amount: decimal,
      currency: z.string().length(3),
      status: z.enum(['booked', 'pending']),
      endToEndId: z.string().nullable().optional(),
      counterparty: z.object({ name: z.string().nullable(), account: z.string().nullable(), bank: z.string().nullable() }).nullable().optional(),
      description: z.string().nullable().optional(),
      code: z.string().nullable().optional(),
    }),
  ),
  next: z.string().nullable(),
})

const BALANCE_TYPES: Record<z.infer<typeof rawBalances>['balances'][number]['type'], BalanceType> = {
  opening: 'OPBD',
  closing: 'CLBD',
  interim: 'ITBD',
  'interim-available': 'ITAV',
  'closing-available': 'CLAV',
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InvalidResponseError(`Template Bank ${what}: unexpected payload at ${issue.path.join('.') || 'body'}: ${issue.message}`)
  }
  return parsed.data
}

/** Decimal string → minor units; a malformed amount is the bank's fault, typed as such. */
function minor(amount: string, currency: string, what: string): bigint {
  try {
    return parseMinor(amount, currency)
  } catch (error) {
    if (error instanceof MoneyFormatError || error instanceof RangeError) throw new InvalidResponseError(`Template Bank ${what}: ${error.message}`)
    throw error
  }
}

function timestamp(value: string, what: string): Date {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw new InvalidResponseError(`Template Bank ${what}: "${value}" is not a timestamp`)
  return date
}

/**
 * @example
 * toAccounts({ accounts: [{ id: 'a1', number: '6222000011112222', currency: 'CNY', name: 'Main' }] })
 * // [{ ref: 'a1', number: '6222000011112222', iban: null, currency: 'CNY', name: 'Main' }]
 */
export function toAccounts(body: unknown): ConnectorAccount[] {
  return parse(rawAccounts, body, 'accounts').accounts.map((a) => ({
    ref: a.id,
    number: a.number.replace(/\s+/g, ''),
    iban: a.iban ?? null,
    currency: a.currency as ConnectorAccount['currency'],
    name: a.name ?? null,
  }))
}

/**
 * @example
 * toBalances({ balances: [{ date: '2026-11-20', type: 'closing', amount: '12.50', currency: 'CNY', reportedAt: '2026-11-20T15:30:00Z' }] })
 * // [{ date: '2026-11-20', type: 'CLBD', amount: 1250n, currency: 'CNY', reportedAt: Date }]
 */
export function toBalances(body: unknown): ConnectorBalance[] {
  return parse(rawBalances, body, 'balances').balances.map((b) => ({
    date: b.date,
    type: BALANCE_TYPES[b.type],
    amount: minor(b.amount, b.currency, 'balance amount'),
    currency: b.currency as ConnectorBalance['currency'],
    reportedAt: timestamp(b.reportedAt, 'balance reportedAt'),
  }))
}

/**
 * @example
 * toTransactionPage({ transactions: [{ ref: 'T1', bookingDate: '2026-11-20', valueDate: '2026-11-20', amount: '-5.00', currency: 'CNY', status: 'booked' }], next: null })
 * // { transactions: [{ bankReference: 'T1', amount: -500n, … }], nextCursor: null }
 */
export function toTransactionPage(body: unknown): TransactionPage {
  const page = parse(rawTransactionPage, body, 'transactions')
  return {
    transactions: page.transactions.map(
      (t): ConnectorTransaction => ({
        bookingDate: t.bookingDate,
        valueDate: t.valueDate,
        amount: minor(t.amount, t.currency, 'transaction amount'),
        currency: t.currency as ConnectorTransaction['currency'],
        status: t.status,
        bankReference: t.ref,
        endToEndId: t.endToEndId ?? null,
        counterpartyName: t.counterparty?.name ?? null,
        counterpartyAccount: t.counterparty?.account ?? null,
        counterpartyBank: t.counterparty?.bank ?? null,
        purpose: t.description ?? null,
        bankTransactionCode: t.code ?? null,
      }),
    ),
    nextCursor: page.next,
  }
}
