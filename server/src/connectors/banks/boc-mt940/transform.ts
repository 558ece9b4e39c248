import {
  InvalidResponseError,
  isCurrencyCode,
  StatementParseError,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorTransaction,
  type CurrencyCode,
  type Statement,
  type StatementFormat,
} from '@treasury/shared'
import { z } from 'zod'
import { parseStatementFile } from '../../../formats/index.js'
import { childrenNamed, parseXml, textAt, XmlSyntaxError, type XmlNode } from '../../../formats/xml.js'

/**
 * Pure mapping of the file gateway's answers onto the contract: the EBICS-style account list (HTD),
 * the outbox listing, and MT940/MT942 files — parsed by the shared statement parsers
 * (server/src/formats), never by hand. Tested on recorded files in transform.test.ts.
 */

function invalid(what: string, detail: string): never {
  throw new InvalidResponseError(`MT940 gateway ${what}: ${detail}`)
}

function descendants(node: XmlNode | undefined, name: string): XmlNode[] {
  const out: XmlNode[] = []
  const walk = (n: XmlNode) => {
    for (const c of n.children) {
      if (c.name === name) out.push(c)
      else walk(c)
    }
  }
  if (node) walk(node)
  return out
}

/**
 * The HTD (customer and subscriber information) document → the accounts the user may fetch.
 * `AccountNumber` is both the ref (it names the files) and the number.
 *
 * @example
 * toAccounts('<HTDResponseOrderData><PartnerInfo><AccountInfo Currency="CNY" ID="A1" Description="基本户"><AccountNumber>358812345678</AccountNumber></AccountInfo></PartnerInfo></HTDResponseOrderData>')
 * // [{ ref: '358812345678', number: '358812345678', iban: null, currency: 'CNY', name: '基本户' }]
 */
export function toAccounts(xml: string): ConnectorAccount[] {
  let root: XmlNode
  try {
    root = parseXml(xml)
  } catch (error) {
    if (error instanceof XmlSyntaxError) invalid('HTD', `malformed XML at line ${error.line}: ${error.message}`)
    throw error
  }
  const document = childrenNamed(root, 'HTDResponseOrderData')[0]
  if (!document) invalid('HTD', 'no HTDResponseOrderData element')
  return descendants(document, 'AccountInfo').map((info) => {
    const currency = info.attrs.Currency ?? ''
    if (!isCurrencyCode(currency)) invalid('HTD', `account currency "${currency}" is not ISO 4217`)
    const number = textAt(info, 'AccountNumber')?.replace(/\s+/g, '')
    if (!number) invalid('HTD', 'AccountInfo without AccountNumber')
    const iban = childrenNamed(info, 'AccountNumber').find((n) => n.attrs.international === 'true')?.text.trim() ?? null
    return { ref: number, number, iban: iban && /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban) ? iban : null, currency, name: info.attrs.Description?.trim() || null }
  })
}

/** One file of the outbox listing. */
export const outboxFile = z.object({
  name: z.string().regex(/^[A-Za-z0-9-]+_\d{8}_\d+\.(sta|vmk)$/, 'expected <account>_<yyyymmdd>_<seq>.sta|.vmk'),
  orderType: z.enum(['STA', 'VMK']),
  account: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  size: z.number().int().nonnegative(),
  createdAt: z.string().min(1),
})
export type OutboxFile = z.infer<typeof outboxFile> & { seq: number; format: Extract<StatementFormat, 'mt940' | 'mt942'> }

const listing = z.object({ returnCode: z.string(), files: z.array(outboxFile) })

/**
 * `GET /outbox` → the files, each with its delivery number (`seq`) and format.
 *
 * @example
 * toOutbox({ returnCode: '000000', files: [{ name: '358812345678_20261119_1.sta', orderType: 'STA', account: '358812345678', date: '2026-11-19', size: 912, createdAt: '2026-11-19T15:41:07Z' }] })
 */
export function toOutbox(body: unknown): OutboxFile[] {
  const parsed = listing.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    invalid('listing', `${issue.path.join('.') || 'body'}: ${issue.message}`)
  }
  return parsed.data.files.map((f) => ({
    ...f,
    seq: Number(/_(\d+)\.\w+$/.exec(f.name)![1]),
    format: f.orderType === 'STA' ? 'mt940' : 'mt942',
  }))
}

/**
 * The files that count: a re-delivered statement (same account, day and type, higher `seq`)
 * replaces the earlier one, so a bank that delivers twice never doubles a day. Sorted by day.
 *
 * @example
 * latestFiles([…_20261119_1.sta, …_20261119_2.sta]) // [ …_20261119_2.sta ]
 */
export function latestFiles(files: readonly OutboxFile[]): OutboxFile[] {
  const best = new Map<string, OutboxFile>()
  for (const file of files) {
    const key = `${file.account}|${file.date}|${file.orderType}`
    const current = best.get(key)
    if (!current || file.seq > current.seq) best.set(key, file)
  }
  return [...best.values()].sort((a, b) => (a.date === b.date ? (a.orderType < b.orderType ? -1 : a.orderType > b.orderType ? 1 : 0) : a.date < b.date ? -1 : 1))
}

/**
 * Parses a download — one file, or several concatenated — with the shared MT940/MT942 parser and
 * returns its statements, each checked to be about `account` and in its currency.
 *
 * @example
 * const statements = parseStatements(bytes, 'mt940', account, '3 files')
 */
export function parseStatements(bytes: Uint8Array, format: OutboxFile['format'], account: Pick<ConnectorAccount, 'number' | 'currency'>, what: string): Statement[] {
  let statements: Statement[]
  try {
    statements = parseStatementFile(bytes, format).statements
  } catch (error) {
    if (error instanceof StatementParseError) invalid(what, error.message)
    throw error
  }
  for (const statement of statements) {
    const number = (statement.account.number ?? statement.account.iban ?? '').replace(/\s+/g, '')
    if (number !== account.number) invalid(what, `a statement for account ****${number.slice(-4)}, not ****${account.number.slice(-4)}`)
    if (statement.currency !== account.currency) invalid(what, `a statement in ${statement.currency}, the account is in ${account.currency}`)
  }
  return statements
}

/**
 * The day a statement is about: MT940 its :62F: closing date, MT942 the date of its :13D: report
 * time (as written, in the bank's time zone).
 */
export function statementDay(statement: Statement): string {
  const closing = statement.balances.find((b) => b.type === 'CLBD')?.date
  const day = closing ?? statement.createdAt?.slice(0, 10) ?? statement.entries[0]?.bookingDate
  if (!day) invalid(`statement ${statement.id ?? ''}`, 'neither a closing balance nor a report time says which day it is')
  return day
}

/** The ISO bank transaction code the bank writes as `/TRTP/…/` into :86:, if any. */
function trtp(info: string | undefined): string | null {
  if (!info) return null
  return /\/TRTP\/([^/]+)\//.exec(info.replace(/\n/g, ''))?.[1]?.trim() || null
}

/**
 * A statement's entries → the contract's. MT940/MT942 entries are booked (these formats have no
 * pending entries); :86: gives counterparty, remittance, end-to-end id and the ISO code (/TRTP/).
 *
 * @example
 * toEntries(statement, 'CNY') // [{ bookingDate: '2026-11-19', amount: -120000n, bankReference: 'BOC2611190001234', … }]
 */
export function toEntries(statement: Statement, currency: CurrencyCode): ConnectorTransaction[] {
  return statement.entries.map((e): ConnectorTransaction => {
    const bookingDate = e.bookingDate ?? e.valueDate
    if (!bookingDate) invalid(`statement ${statement.id ?? ''}`, 'an entry without a date')
    if (e.currency !== currency) invalid(`statement ${statement.id ?? ''}`, `an entry in ${e.currency}, the account is ${currency}`)
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
      purpose: e.remittance ?? null,
      bankTransactionCode: trtp(e.additionalInfo) ?? e.bankTransactionCode.swift ?? null,
    }
  })
}

/**
 * An MT940 statement's balances → OPBD/CLBD/CLAV of the statement's day. The :60F: opening carries
 * the date of the *previous* closing (that is what MT940 means by it), so it is re-dated to the
 * statement's day: the contract's OPBD is the opening of the day it belongs to.
 *
 * @example
 * toStatementBalances(statement, 'CNY', new Date('2026-11-19T15:41:07Z')) // [OPBD 2026-11-19, CLBD 2026-11-19, CLAV 2026-11-19]
 */
export function toStatementBalances(statement: Statement, currency: CurrencyCode, reportedAt: Date): ConnectorBalance[] {
  const closing = statement.balances.find((b) => b.type === 'CLBD')
  if (!closing) invalid(`statement ${statement.id ?? ''}`, 'no :62F: closing balance')
  const day = closing.date
  const out: ConnectorBalance[] = []
  for (const b of statement.balances) {
    if (b.currency && b.currency !== currency) continue
    if (b.type === 'OPBD' || b.type === 'CLBD' || b.type === 'CLAV') out.push({ date: day, type: b.type, amount: b.amount, currency, reportedAt })
  }
  return out
}

/**
 * MT942 carries movements, not balances: today's opening is yesterday's :62F: closing and the
 * interim booked balance is that plus today's booked movements so far. Without yesterday's
 * closing nothing is derived (an empty list, never a guess).
 *
 * @example
 * deriveIntradayBalances(1_000_00n, statement942, '2026-11-20', 'CNY') // [OPBD 100000n, ITBD 100000n + Σ entries]
 */
export function deriveIntradayBalances(previousClosing: bigint | null, statement: Statement, date: string, currency: CurrencyCode): ConnectorBalance[] {
  if (previousClosing === null) return []
  const reportedAt = statement.createdAt ? new Date(statement.createdAt) : null
  if (!reportedAt || Number.isNaN(reportedAt.getTime())) invalid(`MT942 ${statement.id ?? ''}`, 'no readable :13D: report time')
  const moved = statement.entries.filter((e) => e.status === 'BOOK').reduce((sum, e) => sum + e.amount, 0n)
  return [
    { date, type: 'OPBD', amount: previousClosing, currency, reportedAt },
    { date, type: 'ITBD', amount: previousClosing + moved, currency, reportedAt },
  ]
}
