import {
  InvalidResponseError,
  isCurrencyCode,
  StatementParseError,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorTransaction,
  type CurrencyCode,
  type Statement,
  type StatementBankTransactionCode,
} from '@treasury/shared'
import { z } from 'zod'
import { parseStatementFile } from '../../../formats/index.js'

/**
 * Pure mapping of the camt bank's answers onto the contract: the JSON account list and
 * statement-request status, and the camt.053/camt.052 pages — parsed by the shared ISO 20022
 * parser (server/src/formats), never by hand. Tested on recorded payloads in transform.test.ts.
 */

function invalid(what: string, detail: string): never {
  throw new InvalidResponseError(`camt API ${what}: ${detail}`)
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    invalid(what, `${issue.path.join('.') || 'body'}: ${issue.message}`)
  }
  return parsed.data
}

const rawAccounts = z.object({
  accounts: z.array(
    z.object({
      accountId: z.string().min(1),
      accountNumber: z.string().min(1),
      iban: z.string().nullable().optional(),
      currency: z.string(),
      name: z.string().nullable().optional(),
      bic: z.string().optional(),
    }),
  ),
})

/**
 * `GET /v1/accounts` → accounts (`accountId` is the ref every request uses).
 *
 * @example
 * toAccounts({ accounts: [{ accountId: '0031234567', accountNumber: '0031234567', iban: null, currency: 'SGD', name: 'Operating SGD' }] })
 */
export function toAccounts(body: unknown): ConnectorAccount[] {
  return parse(rawAccounts, body, 'GET /v1/accounts').accounts.map((a) => {
    if (!isCurrencyCode(a.currency)) invalid('GET /v1/accounts', `account currency "${a.currency}" is not ISO 4217`)
    return { ref: a.accountId, number: a.accountNumber.replace(/\s+/g, ''), iban: a.iban ? a.iban.replace(/\s+/g, '') : null, currency: a.currency, name: a.name ?? null }
  })
}

/** A statement request as the bank reports it. */
export const statementRequest = z.object({
  requestId: z.string().min(1),
  status: z.enum(['PENDING', 'READY', 'NO_DATA', 'FAILED']),
  messageId: z.string().min(1).nullable().optional(),
  totalPages: z.number().int().min(1).nullable().optional(),
  reason: z.string().nullable().optional(),
})
export type StatementRequestStatus = z.infer<typeof statementRequest>

/**
 * `POST /v1/statement-requests` and `GET /v1/statement-requests/{id}` → the request's state; a
 * READY request must name its message and page count.
 */
export function toStatementRequest(body: unknown): StatementRequestStatus {
  const request = parse(statementRequest, body, 'statement request')
  if (request.status === 'READY' && (!request.messageId || !request.totalPages)) invalid('statement request', 'READY without messageId and totalPages')
  return request
}

/**
 * One page of a camt.053 or camt.052 message → its statements (`Stmt`/`Rpt`), each checked to be
 * about `account` (by IBAN or number) and in its currency.
 *
 * @example
 * const statements = parseCamtPage(xml, 'camt053', account, 'message M1 page 1')
 */
export function parseCamtPage(xml: string, format: 'camt053' | 'camt052', account: Pick<ConnectorAccount, 'number' | 'iban' | 'currency'>, what: string): Statement[] {
  let statements: Statement[]
  try {
    statements = parseStatementFile(new TextEncoder().encode(xml), format).statements
  } catch (error) {
    if (error instanceof StatementParseError) invalid(what, error.message)
    throw error
  }
  for (const s of statements) {
    const matches = (s.account.iban && s.account.iban === account.iban) || (s.account.number && s.account.number.replace(/\s+/g, '') === account.number)
    if (!matches) invalid(what, `a statement of account ****${(s.account.iban ?? s.account.number ?? '').slice(-4)}, not ****${account.number.slice(-4)}`)
    if (s.currency !== account.currency) invalid(what, `a statement in ${s.currency}, the account is in ${account.currency}`)
  }
  return statements
}

const KEPT_BALANCES = new Set(['OPBD', 'CLBD', 'CLAV', 'ITBD', 'ITAV'])

/**
 * A statement's balances → the contract's, reported at the statement's creation time.
 *
 * @example
 * toBalances(statement, 'SGD') // [{ date: '2026-11-19', type: 'OPBD', amount: 1250000n, currency: 'SGD', reportedAt }]
 */
export function toBalances(statement: Statement, currency: CurrencyCode): ConnectorBalance[] {
  const reportedAt = statement.createdAt ? new Date(statement.createdAt) : null
  if (!reportedAt || Number.isNaN(reportedAt.getTime())) invalid(`statement ${statement.id ?? ''}`, 'no readable CreDtTm')
  return statement.balances
    .filter((b) => KEPT_BALANCES.has(b.type) && (!b.currency || b.currency === currency))
    .map((b) => ({ date: b.date, type: b.type as ConnectorBalance['type'], amount: b.amount, currency, reportedAt }))
}

/** ISO domain-family-subfamily as "PMNT-RCDT-DMCT"; else the proprietary code; else null. */
export function transactionCode(code: StatementBankTransactionCode): string | null {
  if (code.domain && code.family && code.subFamily) return `${code.domain}-${code.family}-${code.subFamily}`
  return code.proprietary ?? null
}

/**
 * A statement's entries → the contract's (camt gives the sign in CdtDbtInd, BOOK/PDNG status,
 * references, related parties and remittance).
 *
 * @example
 * toEntries(statement, 'SGD') // [{ bookingDate: '2026-11-19', amount: -250000n, status: 'booked', bankReference: 'DBS2611190001234', … }]
 */
export function toEntries(statement: Statement, currency: CurrencyCode): ConnectorTransaction[] {
  return statement.entries.map((e): ConnectorTransaction => {
    const bookingDate = e.bookingDate ?? e.valueDate
    if (!bookingDate) invalid(`statement ${statement.id ?? ''}`, 'an entry without BookgDt or ValDt')
    if (e.currency !== currency) invalid(`statement ${statement.id ?? ''}`, `an entry in ${e.currency}, the account is in ${currency}`)
    return {
      bookingDate,
      valueDate: e.valueDate ?? bookingDate,
      amount: e.amount,
      currency,
      status: e.status === 'PDNG' ? 'pending' : 'booked',
      bankReference: e.references.servicer ?? null,
      endToEndId: e.references.endToEnd ?? null,
      counterpartyName: e.counterparty.name ?? null,
      counterpartyAccount: e.counterparty.account ?? null,
      counterpartyBank: e.counterparty.agent ?? null,
      purpose: e.remittance ?? e.additionalInfo ?? null,
      bankTransactionCode: transactionCode(e.bankTransactionCode),
    }
  })
}
