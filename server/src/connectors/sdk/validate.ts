import {
  connectorAccount,
  connectorBalance,
  connectorTransaction,
  InvalidResponseError,
  isoDate,
  transactionPage,
  type ConnectorAccount,
  type ConnectorBalance,
  type TransactionPage,
} from '@treasury/shared'
import { z } from 'zod'

/**
 * Validation of everything a connector returns, against the shared schemas plus the checks a schema
 * alone cannot make (currency = the account's, days inside the asked range, unique refs). A failure
 * is an {@link InvalidResponseError} naming the connector, the method and the first offending
 * fields; the caller stores nothing from that call.
 */

const MAX_ISSUES = 3
const INT64_MAX = 9_223_372_036_854_775_807n

/**
 * The shared `isoDate`, remembering the days it accepted. It proves a date is a real calendar day
 * (a Date round trip), and a backfill checks hundreds of thousands of dates that are nearly all
 * repeats; a day not seen before still goes through `isoDate` itself, so the rule lives in one place.
 */
const knownDays = new Set<string>()
const day = z.string().superRefine((value, ctx) => {
  if (knownDays.has(value)) return
  const parsed = isoDate.safeParse(value)
  if (parsed.success) {
    if (knownDays.size < 50_000) knownDays.add(value)
    return
  }
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message })
})
const balances = z.array(connectorBalance.extend({ date: day }))
const page = transactionPage.extend({ transactions: z.array(connectorTransaction.extend({ bookingDate: day, valueDate: day })) })

/** One readable problem: where and what. */
interface Issue {
  path: string
  message: string
}

function fail(where: string, issues: Issue[]): never {
  const shown = issues.slice(0, MAX_ISSUES).map((i) => `${i.path || 'result'}: ${i.message}`)
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : ''
  throw new InvalidResponseError(`${where} returned invalid data, nothing of it was stored: ${shown.join('; ')}${more}`)
}

function zodIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => ({ path: prefix + i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, ''), message: i.message }))
}

function parseOrFail<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) fail(where, zodIssues(parsed.error))
  return parsed.data
}

function checkAmount(amount: bigint, path: string, issues: Issue[]): void {
  if (amount > INT64_MAX || amount < -INT64_MAX) issues.push({ path, message: `amount ${amount} is outside 64-bit minor units` })
}

/**
 * `listAccounts` output: valid accounts with unique refs.
 *
 * @example
 * const accounts = validateAccounts(await connector.listAccounts(ctx), 'acme-bank.listAccounts')
 */
export function validateAccounts(value: unknown, where: string): ConnectorAccount[] {
  const accounts = parseOrFail(z.array(connectorAccount), value, where)
  const issues: Issue[] = []
  const refs = new Set<string>()
  accounts.forEach((a, i) => {
    if (refs.has(a.ref)) issues.push({ path: `[${i}].ref`, message: `account ref "${a.ref}" is listed twice` })
    refs.add(a.ref)
  })
  if (issues.length) fail(where, issues)
  return accounts
}

/**
 * `fetchBalances` output: valid balances in the account's currency, dated inside `from..to`, one per (day, type).
 *
 * @example
 * validateBalances(result, { account, from, to }, 'acme-bank.fetchBalances')
 */
export function validateBalances(value: unknown, request: { account: ConnectorAccount; from: string; to: string }, where: string): ConnectorBalance[] {
  const parsed = parseOrFail(balances, value, where)
  const issues: Issue[] = []
  const seen = new Set<string>()
  parsed.forEach((b, i) => {
    if (b.currency !== request.account.currency) {
      issues.push({ path: `[${i}].currency`, message: `${b.currency} is not the account's currency ${request.account.currency}` })
    }
    if (b.date < request.from || b.date > request.to) issues.push({ path: `[${i}].date`, message: `${b.date} is outside the requested ${request.from}..${request.to}` })
    const key = `${b.date}|${b.type}`
    if (seen.has(key)) issues.push({ path: `[${i}]`, message: `two ${b.type} balances for ${b.date}` })
    seen.add(key)
    checkAmount(b.amount, `[${i}].amount`, issues)
  })
  if (issues.length) fail(where, issues)
  return parsed
}

/**
 * `fetchTransactions` output: a valid page whose entries are in the account's currency and booked
 * inside `from..to`.
 *
 * @example
 * const page = validateTransactionPage(result, request, 'acme-bank.fetchTransactions')
 */
export function validateTransactionPage(value: unknown, request: { account: ConnectorAccount; from: string; to: string }, where: string): TransactionPage {
  const parsed = parseOrFail(page, value, where)
  const issues: Issue[] = []
  parsed.transactions.forEach((t, i) => {
    if (t.currency !== request.account.currency) {
      issues.push({ path: `transactions[${i}].currency`, message: `${t.currency} is not the account's currency ${request.account.currency}` })
    }
    if (t.bookingDate < request.from || t.bookingDate > request.to) {
      issues.push({ path: `transactions[${i}].bookingDate`, message: `${t.bookingDate} is outside the requested ${request.from}..${request.to}` })
    }
    checkAmount(t.amount, `transactions[${i}].amount`, issues)
  })
  if (issues.length) fail(where, issues)
  return parsed
}
