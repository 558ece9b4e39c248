import {
  StatementParseError,
  type ParsedFile,
  type ParseWarning,
  type Statement,
  type StatementBalance,
  type StatementBalanceType,
  type StatementEntry,
} from '@treasury/shared'
import { statementCurrencyExponent } from './currency.js'
import { splitLines } from './decode.js'
import { reconcileStatement } from './reconcile.js'

/**
 * BAI2 (and BTRS, its version 3) cash-management balance reporting → the normalized model: one
 * statement per account (03 … 49) with the group's (02) as-of date. Amounts have no decimal point:
 * they are minor units of the account's currency (default: the group's, else USD).
 *
 * Trailers (49/98/99) declare control totals and record/account/group counts. Real files get them
 * wrong (Goldman-Sachs-style exports count differently, the BAI spec's own example does not add up),
 * so by default a mismatch is a warning; with `strict` it fails the parse, as a validator would.
 */

export interface BaiRecord {
  code: string
  /** The record's text after "NN," with the terminating "/" and trailing blanks removed. */
  body: string
  /** The text after "NN," as written (for joining a wrapped continuation line). */
  rawBody: string
  line: number
}

const RECORD_CODES = new Set(['01', '02', '03', '16', '49', '88', '98', '99'])
const RECORD_START = /^(\d\d),/
/** Several logical records on one physical line ("…/   16,…"): split after "/" + blanks before a record code. */
const BLOCKED = /\/\s+(?=(?:01|02|03|16|49|88|98|99),)/

/** BAI status codes (03 records) kept as camt balance types; the rest of 001–099 and summaries are not balances. */
const BALANCE_CODES: Readonly<Partial<Record<string, StatementBalanceType>>> = {
  '010': 'OPBD', // opening ledger
  '015': 'CLBD', // closing ledger
  '030': 'ITBD', // current ledger
  '040': 'ITAV', // opening available
  '045': 'CLAV', // closing available
  '060': 'ITAV', // current available (used when 040 is absent)
}

interface Account {
  number: string
  currency: string
  line: number
  statement: Statement
  total: bigint
  records: number
  lastDetail?: StatementEntry
  detailText?: string[]
  /** Fields of the 03 record and its 88 continuations, read once the account's next record arrives. */
  summary: { fields: string[]; line: number; lastSegmentEnd: number[] }
}

interface Group {
  currency: string
  asOfDate: string
  line: number
  total: bigint
  records: number
  accounts: number
}

export interface Bai2Options {
  /** Fail on trailer counts and control totals that do not match (default: warn). */
  strict?: boolean
}

export function parseBai2(text: string, options: Bai2Options = {}): ParsedFile {
  // All records are read before any is interpreted, so that an unreadable line anywhere is the error.
  const records = readRecords(text)
  const statements: Statement[] = []
  const reader = new Bai2Reader(options, (statement) => {
    statements.push(statement)
  })
  if (records.length === 0) reader.end()
  for (const record of records) reader.record(record)
  const warnings = reader.end(records.at(-1)?.line ?? 1)
  return { format: 'bai2', statements, warnings }
}

/**
 * Interprets BAI2 records in order: `record` each logical record, then `end`. Each account (03 … 49)
 * goes to `onStatement`, reconciled, when its 49 trailer is read.
 */
export class Bai2Reader {
  private readonly warnings: ParseWarning[] = []
  private readonly check: TrailerCheck
  private records = 0
  private fileId: string | undefined
  private createdAt: string | undefined
  private group: Group | undefined
  private account: Account | undefined
  private fileTotal = 0n
  private fileGroups = 0
  private fileRecords = 0
  private ended = false
  /** What an 88 continues: the 03 summary, a 16's text, or nothing. */
  private continuing: 'summary' | 'detail' | 'none' = 'none'

  constructor(
    options: Bai2Options,
    private readonly onStatement: (statement: Statement) => void,
  ) {
    this.check = new TrailerCheck(options.strict === true, this.warnings)
  }

  /** Checks the file ended properly (`lastLine`: the line of its last record); returns the warnings. */
  end(lastLine = 1): ParseWarning[] {
    if (this.records === 0) throw new StatementParseError('bai2', 'the file does not start with a 01 file header record', { line: 1 })
    if (!this.ended) throw new StatementParseError('bai2', 'the file ends without its 99 file trailer (truncated?)', { line: lastLine })
    return this.warnings
  }

  record(record: BaiRecord): void {
    const { warnings, check } = this
    if (this.records++ === 0 && record.code !== '01') {
      throw new StatementParseError('bai2', 'the file does not start with a 01 file header record', { line: record.line })
    }
    if (this.ended) throw new StatementParseError('bai2', `record ${record.code} after the 99 file trailer`, { line: record.line })
    this.fileRecords++
    const group = this.group
    const account = this.account
    if (group) group.records++
    if (account) account.records++
    const fields = record.body.split(',')
    if (record.code !== '88' && this.continuing === 'summary') {
      if (account && account.summary.fields.length) readSummary(account, group!)
      if (account) account.summary.fields = []
    }
    if (record.code !== '88') this.continuing = 'none'
    switch (record.code) {
      case '01': {
        if (this.fileRecords !== 1) throw new StatementParseError('bai2', 'a second 01 file header', { line: record.line })
        this.fileId = fields[4]?.trim() || undefined
        const date = fields[2]?.trim()
        if (date) {
          let createdAt = yymmdd(date, record.line, '01 file creation date')
          const time = (fields[3] ?? '').replace(/:/g, '').trim()
          if (/^\d{4}(\d{2})?$/.test(time)) createdAt += `T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6) || '00'}`
          this.createdAt = createdAt
        }
        break
      }
      case '02': {
        if (group) throw new StatementParseError('bai2', `02 group header inside the group that starts at line ${group.line} (no 98 trailer)`, { line: record.line })
        const date = fields[3]?.trim()
        if (!date) throw new StatementParseError('bai2', '02 group header has no as-of date', { line: record.line })
        const currency = fields[5]?.trim() || 'USD'
        checkCurrency(currency, record.line)
        this.group = { currency, asOfDate: yymmdd(date, record.line, '02 as-of date'), line: record.line, total: 0n, records: 1, accounts: 0 }
        this.fileGroups++
        break
      }
      case '03': {
        if (!group) throw new StatementParseError('bai2', '03 account identifier outside a group (no 02 header before it)', { line: record.line })
        if (account) throw new StatementParseError('bai2', `03 account identifier before the 49 trailer of the account at line ${account.line}`, { line: record.line })
        const number = fields[0]?.trim()
        if (!number) throw new StatementParseError('bai2', '03 record has no account number', { line: record.line })
        const currency = fields[1]?.trim() || group.currency
        checkCurrency(currency, record.line)
        const statement: Statement = {
          account: { number },
          currency,
          from: group.asOfDate,
          to: group.asOfDate,
          balances: [],
          entries: [],
          reconciliation: { checked: false, ok: true },
        }
        if (this.fileId) statement.id = this.fileId
        if (this.createdAt) statement.createdAt = this.createdAt
        const opened: Account = { number, currency, line: record.line, statement, total: 0n, records: 1, summary: { fields: fields.slice(2), line: record.line, lastSegmentEnd: [] } }
        opened.summary.lastSegmentEnd.push(opened.summary.fields.length)
        this.account = opened
        group.accounts++
        this.continuing = 'summary'
        break
      }
      case '88': {
        if (this.continuing === 'summary' && account) {
          for (const field of fields) account.summary.fields.push(field)
          account.summary.lastSegmentEnd.push(account.summary.fields.length)
        } else if (this.continuing === 'detail' && account?.detailText) {
          account.detailText.push(record.body)
        } else {
          // 88s continuing a header or trailer carry nothing this model keeps.
          if (!group && this.fileRecords > 2) throw new StatementParseError('bai2', '88 continuation record with nothing to continue', { line: record.line })
        }
        break
      }
      case '16': {
        if (!account) throw new StatementParseError('bai2', '16 transaction detail outside an account (no 03 before it)', { line: record.line })
        finishDetail(account)
        readDetail(record, account, group!, warnings)
        this.continuing = 'detail'
        break
      }
      case '49': {
        if (!account || !group) throw new StatementParseError('bai2', '49 account trailer without an open account', { line: record.line })
        finishDetail(account)
        check.trailer('49', fields[0], account.total, fields[1], account.records, record.line)
        group.total += account.total
        const issue = reconcileStatement(account.statement)
        if (issue) warnings.push({ ...issue, line: account.line })
        this.account = undefined
        this.onStatement(account.statement)
        break
      }
      case '98': {
        if (!group) throw new StatementParseError('bai2', '98 group trailer without an open group', { line: record.line })
        if (account) throw new StatementParseError('bai2', `98 group trailer before the 49 trailer of the account at line ${account.line}`, { line: record.line })
        // Some banks (CBA) write only control total and record count.
        if (fields.length >= 3) {
          check.count('98', 'accounts', fields[1], group.accounts, record.line)
          check.trailer('98', fields[0], group.total, fields[2], group.records, record.line)
        } else {
          check.trailer('98', fields[0], group.total, undefined, group.records, record.line)
        }
        this.fileTotal += group.total
        this.group = undefined
        break
      }
      case '99': {
        if (group) throw new StatementParseError('bai2', `99 file trailer before the 98 trailer of the group at line ${group.line}`, { line: record.line })
        check.count('99', 'groups', fields[1], this.fileGroups, record.line)
        check.trailer('99', fields[0], this.fileTotal, fields[2], this.fileRecords, record.line)
        this.ended = true
        break
      }
    }
  }
}

/**
 * Builds logical records from physical lines given one at a time (for streaming): a line that is
 * not a record continues the previous 16/88 (wrapped text), so a record is passed on once the next
 * record starts, or at `end`.
 */
export class Bai2RecordReader {
  private pending: BaiRecord[] = []

  constructor(private readonly onRecord: (record: BaiRecord) => void) {}

  line(line: string, number: number): void {
    if (line.trim() === '') return
    const previous = this.pending.at(-1)
    if (RECORD_START.test(line)) {
      for (const record of this.pending) this.onRecord(record)
      this.pending = recordsOfLine(line, number)
    } else {
      continueRecord(previous, line, number)
    }
  }

  end(): void {
    for (const record of this.pending) this.onRecord(record)
    this.pending = []
  }
}

function recordsOfLine(line: string, number: number): BaiRecord[] {
  const records: BaiRecord[] = []
  for (const part of line.split(BLOCKED)) {
    const code = part.slice(0, 2)
    if (!RECORD_CODES.has(code) || part.charCodeAt(2) !== 0x2c) {
      throw new StatementParseError('bai2', `unknown record code "${part.slice(0, 2)}"`, { line: number })
    }
    const raw = part.slice(3)
    records.push({ code, body: trimRecord(raw), rawBody: raw, line: number })
  }
  return records
}

function continueRecord(previous: BaiRecord | undefined, line: string, number: number): void {
  if (!previous || previous.code !== '16' && previous.code !== '88') {
    throw new StatementParseError('bai2', `"${line.slice(0, 40)}" is not a BAI2 record (expected a record code such as 01, 02, 03, 16)`, { line: number })
  }
  // moov-io sample3: a 16's text wrapped onto the next physical line without an 88 prefix.
  previous.rawBody += line
  previous.body = trimRecord(previous.rawBody)
}

/** Physical lines → logical records: blocked lines are split, 88-less wrapped text is joined back. */
function readRecords(text: string): BaiRecord[] {
  const records: BaiRecord[] = []
  const lines = splitLines(text)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === '') continue
    if (!RECORD_START.test(line)) continueRecord(records.at(-1), line, i + 1)
    else for (const record of recordsOfLine(line, i + 1)) records.push(record)
  }
  return records
}

function trimRecord(body: string): string {
  const trimmed = body.trimEnd()
  return trimmed.endsWith('/') ? trimmed.slice(0, -1).trimEnd() : trimmed
}

function checkCurrency(currency: string, line: number): void {
  if (!/^[A-Z]{3}$/.test(currency) || statementCurrencyExponent(currency) === undefined) {
    throw new StatementParseError('bai2', `unknown currency code "${currency}"`, { line })
  }
}

function yymmdd(text: string, line: number, what: string): string {
  if (!/^\d{6}$/.test(text)) throw new StatementParseError('bai2', `${what} "${text}" is not YYMMDD`, { line })
  const yy = Number(text.slice(0, 2))
  const year = yy >= 80 ? 1900 + yy : 2000 + yy
  const month = Number(text.slice(2, 4))
  const day = Number(text.slice(4, 6))
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]!)) {
    throw new StatementParseError('bai2', `${what} "${text}" is not a calendar date`, { line })
  }
  return `${year}-${text.slice(2, 4)}-${text.slice(4, 6)}`
}

function amountOf(text: string | undefined, line: number, what: string): bigint | undefined {
  const value = (text ?? '').trim()
  if (value === '') return undefined
  if (!/^[+-]?\d{1,30}$/.test(value)) throw new StatementParseError('bai2', `${what} "${value}" is not a whole number of minor units`, { line })
  const minor = BigInt(value.replace(/^\+/, ''))
  return minor
}

/** Reads the funds-type field and its dependents (V: date+time, S: three amounts, D: n pairs). */
function skipFunds(fields: string[], index: number, line: number): { next: number; valueDate?: string } {
  const type = (fields[index] ?? '').trim().toUpperCase()
  switch (type) {
    case 'S':
      return { next: index + 4 }
    case 'V': {
      const date = (fields[index + 1] ?? '').trim()
      return { next: index + 3, ...(date ? { valueDate: yymmdd(date, line, 'value date') } : {}) }
    }
    case 'D': {
      const count = Number((fields[index + 1] ?? '').trim())
      if (!Number.isInteger(count) || count < 0 || count > 99) {
        throw new StatementParseError('bai2', `funds distribution count "${fields[index + 1]}" is not a number`, { line })
      }
      return { next: index + 2 + 2 * count }
    }
    default:
      return { next: index + 1 }
  }
}

/** 03 summaries: groups of type code, amount, item count, funds type (+ its dependents). */
function readSummary(account: Account, group: Group): void {
  const { fields, line, lastSegmentEnd } = account.summary
  const found = new Map<StatementBalanceType, StatementBalance>()
  let available060: StatementBalance | undefined
  let i = 0
  while (i < fields.length) {
    const type = fields[i]!.trim()
    if (type === '') {
      // "…,015,35217175,,,/" ends a segment with one empty field more than the group needs.
      if (lastSegmentEnd.includes(i + 1)) {
        i++
        continue
      }
      i += 3
      i = skipFunds(fields, i, line).next
      continue
    }
    if (!/^\d{3}$/.test(type)) throw new StatementParseError('bai2', `03 type code "${type}" is not three digits`, { line })
    const amount = amountOf(fields[i + 1], line, `03 amount of type ${type}`)
    i = skipFunds(fields, i + 3, line).next
    if (amount === undefined) continue
    account.total += amount
    const balanceType = BALANCE_CODES[type]
    if (!balanceType) continue
    const balance: StatementBalance = { type: balanceType, amount, date: group.asOfDate }
    if (type === '060') available060 = balance
    else found.set(balanceType, balance)
  }
  if (available060 && !found.has('ITAV')) found.set('ITAV', available060)
  for (const balance of found.values()) account.statement.balances.push(balance)
}

function readDetail(record: BaiRecord, account: Account, group: Group, warnings: ParseWarning[]): void {
  const fields = record.body.split(',')
  const type = (fields[0] ?? '').trim()
  if (!/^\d{3}$/.test(type)) throw new StatementParseError('bai2', `16 type code "${type}" is not three digits`, { line: record.line })
  const code = Number(type)
  if (code < 100) {
    throw new StatementParseError('bai2', `16 type code ${type} is an account status code, not a transaction detail (100–999)`, { line: record.line })
  }
  const amount = amountOf(fields[1], record.line, `16 amount of type ${type}`) ?? 0n
  account.total += amount
  const funds = skipFunds(fields, 2, record.line)
  const bankRef = (fields[funds.next] ?? '').trim()
  const customerRef = (fields[funds.next + 1] ?? '').trim()
  const text = fields.slice(funds.next + 2).join(',').trim()
  account.detailText = text ? [text] : []
  account.lastDetail = undefined
  let sign: 1n | -1n
  if (code >= 100 && code <= 399) sign = 1n
  else if (code >= 400 && code <= 699) sign = -1n
  else {
    if (code !== 890) {
      warnings.push({
        code: 'bai2-detail-skipped',
        message: `16 type code ${type} (${code >= 900 ? 'bank-specific' : code >= 700 && code < 800 ? 'loan detail' : 'non-monetary'}) has no credit/debit meaning; not an entry`,
        line: record.line,
      })
    }
    return
  }
  const entry: StatementEntry = {
    amount: amount * sign,
    currency: account.currency,
    status: 'BOOK',
    bookingDate: group.asOfDate,
    reversal: false,
    bankTransactionCode: { bai: type },
    references: {},
    counterparty: {},
  }
  if (funds.valueDate) entry.valueDate = funds.valueDate
  if (bankRef) entry.references.servicer = bankRef
  if (customerRef) entry.references.customer = customerRef
  account.statement.entries.push(entry)
  account.lastDetail = entry
}

/** Attaches the collected 16 text (and its 88 continuations) to the last entry. */
function finishDetail(account: Account): void {
  const parts = account.detailText?.map((p) => p.trim()).filter(Boolean) ?? []
  if (account.lastDetail && parts.length) {
    account.lastDetail.additionalInfo = parts.join('\n')
    account.lastDetail.remittance = parts.join(' ').replace(/\s+/g, ' ')
  }
  account.detailText = undefined
  account.lastDetail = undefined
}

class TrailerCheck {
  constructor(
    private readonly strict: boolean,
    private readonly warnings: ParseWarning[],
  ) {}

  count(record: string, what: string, given: string | undefined, actual: number, line: number): void {
    const value = (given ?? '').trim()
    if (value === '') return
    if (!/^\d+$/.test(value)) throw new StatementParseError('bai2', `${record} trailer count "${value}" is not a number`, { line })
    if (Number(value) !== actual) this.report('bai2-trailer-count', `${record} trailer says ${value} ${what}, the file has ${actual}`, line)
  }

  trailer(record: string, total: string | undefined, actualTotal: bigint, count: string | undefined, actualCount: number, line: number): void {
    this.count(record, 'records', count, actualCount, line)
    const given = amountOf(total, line, `${record} control total`)
    if (given !== undefined && given !== actualTotal) {
      this.report('bai2-control-total', `${record} control total ${given} does not equal the sum of the amounts it covers (${actualTotal})`, line)
    }
  }

  private report(code: string, message: string, line: number): void {
    if (this.strict) throw new StatementParseError('bai2', message, { line })
    this.warnings.push({ code, message, line })
  }
}
