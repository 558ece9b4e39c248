import {
  StatementParseError,
  type ParsedFile,
  type ParseWarning,
  type Statement,
  type StatementAccount,
  type StatementBalance,
  type StatementBalanceType,
  type StatementEntry,
} from '@treasury/shared'
import { decimalToMinor, statementCurrencyExponent } from './currency.js'
import { splitLines, stripSwiftEnvelope } from './decode.js'
import { parseNarrative } from './mt940-narrative.js'
import { reconcileStatement } from './reconcile.js'

/**
 * SWIFT MT940 (customer statement) and MT942 (interim transaction report) → the normalized model.
 *
 * Lenient where real banks deviate (see tests/fixtures/statements/SOURCES.md): preambles, envelopes,
 * missing :25:-less pages, `DR`/`CR` funds codes, blank-padded references, one-decimal amounts,
 * entry dates in the previous year. Strict where a guess would move money: an unreadable :61:,
 * an impossible date, an amount without its decimal comma, an account changing mid-statement.
 */

type MtFormat = 'mt940' | 'mt942'

interface Field {
  tag: string
  /** Content lines: the text after the tag on its line, then continuation lines. */
  lines: string[]
  line: number
}

interface RawBalance {
  tag: string
  mark: 'C' | 'D'
  date: string
  currency: string
  amount: string
  line: number
}

interface RawEntry {
  line: number
  valueDate: string
  bookingDate?: string
  mark: 'C' | 'D'
  reversal: boolean
  amount: string
  swiftCode?: string
  customerRef?: string
  bankRef?: string
  supplementary?: string
  narrative?: string
}

interface Draft {
  line: number
  id: string
  accountRaw?: string
  accountLine?: number
  sequence?: string
  opening?: RawBalance
  closing?: RawBalance
  available?: RawBalance
  forward: RawBalance[]
  floorLimit?: { currency: string; line: number }
  totals: { mark: 'C' | 'D'; count: number; currency: string; amount: string; line: number }[]
  createdAt?: string
  entries: RawEntry[]
  /** Statement-level :86: lines (before the first :61: or after the closing balance). */
  info: string[]
  lastTag?: string
  /** The entry the last :86: went to (a following :86: continues it). */
  narrativeEntry?: RawEntry
}

const KNOWN_TAGS = new Set([
  '20', '21', '25', '25P', '28', '28C', '60F', '60M', '61', '86', '62F', '62M', '64', '65', '65F', '65M',
  '13', '13D', '34F', '90D', '90C', 'NS',
])

/** `:NN[A]:` or `:NS:` at the start of a line. */
const TAG = /^:(\d\d[A-Z]?|NS):/

/**
 * Parses MT940/MT942 text (already decoded). `format` decides the default when the file does not
 * say: MT942 markers (:34F:, :13D:, {2:O942}) make it mt942 regardless.
 */
export function parseMt940(text: string, requested: MtFormat = 'mt940', options: { strict?: boolean } = {}): ParsedFile {
  const lines = splitLines(text)
  const envelope = stripSwiftEnvelope(lines)
  const warnings: ParseWarning[] = []
  const format: MtFormat =
    envelope.messageTypes.includes('942') || hasTagAtLineStart(text, ':34F:') || hasTagAtLineStart(text, ':13D:') ? 'mt942' : requested
  // Fields stream from the tokenizer into the assembler and each statement is finished as soon as
  // the next :20: starts, so nothing but the results outlives its statement (matters for GC on big files).
  const finished: FinishedStatement[] = []
  const assembler = new Assembler(format, warnings, (draft) => finished.push(finish(draft, format, warnings, options.strict === true)))
  tokenize(lines, (field) => assembler.push(field))
  assembler.end()
  if (finished.length === 0) {
    throw new StatementParseError(format, 'no :20: transaction reference found: this is not an MT940/MT942 file', { line: 1 })
  }
  const statements = mergePages(finished, warnings)
  for (const statement of statements) {
    const issue = reconcileStatement(statement)
    if (issue) warnings.push(issue)
  }
  return { format, statements, warnings }
}

function hasTagAtLineStart(text: string, tag: string): boolean {
  for (let at = text.indexOf(tag); at >= 0; at = text.indexOf(tag, at + 1)) {
    const before = text.charCodeAt(at - 1)
    if (at === 0 || before === 0x0a || before === 0x0d) return true
  }
  return false
}

/** Splits the lines into fields. Lines before the first :20: (preambles) and after `-` are skipped. */
function tokenize(lines: string[], onField: (field: Field) => void): void {
  let current: Field | undefined
  let inMessage = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.charCodeAt(0) === 0x3a /* : */) {
      const match = TAG.exec(line)
      if (match) {
        const tag = match[1]!
        if (KNOWN_TAGS.has(tag) || !isNarrativeContinuation(current, line)) {
          if (current) onField(current)
          if (tag === '20') inMessage = true
          // A tag before any :20: (or after a message's "-") is preamble.
          current = inMessage ? { tag, lines: [line.slice(match[0].length)], line: i + 1 } : undefined
          continue
        }
      }
    }
    if (isMessageEnd(line, current)) {
      if (current) onField(current)
      current = undefined
      inMessage = false
      continue
    }
    if (current) current.lines.push(line)
  }
  if (current) onField(current)
}

/** Inside a structured :86: a wrapped line can start like a tag (":26:37 Fo?25…"); `?NN` gives it away. */
function isNarrativeContinuation(current: Field | undefined, line: string): boolean {
  return current?.tag === '86' && /\?\d\d/.test(line)
}

function isMessageEnd(line: string, current: Field | undefined): boolean {
  const first = line.charCodeAt(0)
  if (first !== 0x2d /* - */ && first !== 0x20) return false
  const trimmed = line.trim()
  if (trimmed === '-') return true
  // Van Lanschot ends messages with "-XXX"; elsewhere a "-…" line inside :86: is wrapped text.
  return trimmed === '-XXX' && current?.tag !== '61'
}

/** Collects the fields of one statement (from its :20: to the next) into a draft. */
class Assembler {
  private draft: Draft | undefined

  constructor(
    private readonly format: MtFormat,
    private readonly warnings: ParseWarning[],
    private readonly onDraft: (draft: Draft) => void,
  ) {}

  end(): void {
    if (this.draft) this.onDraft(this.draft)
    this.draft = undefined
  }

  push(field: Field): void {
    const { format, warnings } = this
    const value = field.lines[0]!
    if (field.tag === '20') {
      this.end()
      this.draft = { line: field.line, id: value.trim(), forward: [], totals: [], entries: [], info: [] }
      return
    }
    const draft = this.draft
    if (!draft) return
    const previousTag = draft.lastTag
    const previousNarrativeEntry = draft.narrativeEntry
    draft.lastTag = field.tag
    draft.narrativeEntry = undefined
    switch (field.tag) {
      case '21':
      case 'NS':
      case '25P':
        break
      case '25': {
        if (draft.accountRaw !== undefined || draft.opening || draft.entries.length > 0) {
          throw new StatementParseError(
            format,
            `unexpected :25: inside the statement that starts at line ${draft.line} (its account was ${
              draft.accountRaw !== undefined ? `given at line ${draft.accountLine}` : 'expected before the balances'
            })`,
            { line: field.line },
          )
        }
        draft.accountRaw = joinTrimmed(field.lines, '')
        draft.accountLine = field.line
        break
      }
      case '28':
      case '28C':
        draft.sequence = value.trim() || undefined
        break
      case '60F':
      case '60M': {
        if (draft.opening) {
          throw new StatementParseError(format, `second opening balance in the statement that starts at line ${draft.line}`, {
            line: field.line,
          })
        }
        draft.opening = parseBalanceField(field, format)
        break
      }
      case '62F':
      case '62M':
        if (draft.closing) {
          throw new StatementParseError(format, `second closing balance in the statement that starts at line ${draft.line}`, {
            line: field.line,
          })
        }
        draft.closing = parseBalanceField(field, format)
        break
      case '64':
        draft.available = lenientBalance(field, format, warnings)
        break
      case '65':
      case '65F':
      case '65M': {
        const balance = lenientBalance(field, format, warnings)
        if (balance) draft.forward.push(balance)
        break
      }
      case '61': {
        draft.entries.push(parseStatementLine(field, format))
        break
      }
      case '86': {
        // Keep the lines as written for the structured reading (a German sub-field is fixed-width,
        // its trailing blanks belong to it); trailing blanks go from the display text only.
        const text = field.lines.join('\n')
        // A :86: right after a :61: belongs to it, and so do further :86: in a row (Rabobank legacy).
        const target = previousTag === '61' ? draft.entries.at(-1) : previousTag === '86' ? previousNarrativeEntry : undefined
        if (target) {
          target.narrative = target.narrative === undefined ? text : `${target.narrative}\n${text}`
          draft.narrativeEntry = target
        } else {
          draft.info.push(text)
        }
        break
      }
      case '13':
      case '13D':
        draft.createdAt = parseDateTime(value.trim(), format, field.line)
        break
      case '34F': {
        const match = /^\s*([A-Z]{3})/.exec(value)
        if (match) draft.floorLimit = { currency: match[1]!, line: field.line }
        break
      }
      case '90D':
      case '90C': {
        const match = /^\s*(\d+)([A-Z]{3})(\d+[,.]?\d*)\s*$/.exec(value)
        if (match) {
          draft.totals.push({
            mark: field.tag === '90D' ? 'D' : 'C',
            count: Number(match[1]),
            currency: match[2]!,
            amount: match[3]!,
            line: field.line,
          })
        } else {
          warnings.push({ code: 'mt-unreadable-total', message: `:${field.tag}: "${value}" could not be read`, line: field.line })
        }
        break
      }
      default:
        warnings.push({ code: 'mt-unknown-tag', message: `unknown tag :${field.tag}: ignored`, line: field.line })
    }
  }
}

function joinTrimmed(lines: string[], separator: string): string {
  return lines.map((l) => l.trim()).filter(Boolean).join(separator)
}

const BALANCE = /^\s*([CD])(\d{6})([A-Z]{3})(\d+[,.]\d*)\s*$/

function parseBalanceField(field: Field, format: MtFormat): RawBalance {
  const value = field.lines[0]!
  const match = BALANCE.exec(value)
  if (!match) {
    throw new StatementParseError(
      format,
      `:${field.tag}: balance "${value.trim()}" is not D|C + YYMMDD + currency + amount with decimal comma`,
      { line: field.line },
    )
  }
  return {
    tag: field.tag,
    mark: match[1] as 'C' | 'D',
    date: yymmdd(match[2]!, format, field.line, `:${field.tag}: date`),
    currency: match[3]!,
    amount: match[4]!,
    line: field.line,
  }
}

/** :64:/:65: are informative; a corrupt one (OLB's ":65F:Dnullnull7414,3") is skipped with a warning. */
function lenientBalance(field: Field, format: MtFormat, warnings: ParseWarning[]): RawBalance | undefined {
  try {
    return parseBalanceField(field, format)
  } catch (error) {
    if (!(error instanceof StatementParseError)) throw error
    warnings.push({ code: 'mt-unreadable-balance', message: `${error.reason}; ignored`, line: field.line })
    return undefined
  }
}

/**
 * :61: value date, [entry date], D/C mark (RC/RD = reversal), [funds code], amount, [type],
 * reference, [//bank reference], [supplementary details on the next line].
 */
const STATEMENT_LINE = /^(\d{6})(\d{4}|\s{4})?\s*(R?[CD])([A-Z](?=\s*\d))?\s*(\d+[,.]\d*)\s*(.*)$/

function parseStatementLine(field: Field, format: MtFormat): RawEntry {
  const first = field.lines[0]!.trimEnd()
  const match = STATEMENT_LINE.exec(first)
  if (!match) {
    throw new StatementParseError(
      format,
      `:61: statement line "${first}" could not be read (expected YYMMDD[MMDD] C|D|RC|RD [funds code] amount with decimal comma, type, reference)`,
      { line: field.line },
    )
  }
  const [, value, entry, mark, , amount, rest = ''] = match
  const valueDate = yymmdd(value!, format, field.line, ':61: value date')
  let bookingDate: string | undefined
  if (entry && entry.trim()) bookingDate = entryDate(valueDate, entry, format, field.line)
  const raw: RawEntry = {
    line: field.line,
    valueDate,
    mark: mark!.endsWith('C') ? 'C' : 'D',
    reversal: mark!.startsWith('R'),
    amount: amount!,
  }
  if (bookingDate) raw.bookingDate = bookingDate
  let tail = rest
  if (!tail.startsWith('//') && !tail.startsWith('NONREF')) {
    const type = /^([NFS][A-Z0-9 ]{2}[A-Z0-9])/.exec(tail) ?? /^([NFS][A-Z0-9]{2} )/.exec(tail)
    if (type) {
      raw.swiftCode = type[1]!.trimEnd()
      tail = tail.slice(4)
    }
  }
  const slashes = tail.indexOf('//')
  let customer = slashes >= 0 ? tail.slice(0, slashes) : tail
  if (slashes >= 0) {
    const bank = tail.slice(slashes + 2).trim()
    if (bank) raw.bankRef = bank
  }
  let supplementary = ''
  if (slashes < 0 && customer.trimEnd().length > 16) {
    supplementary = customer.slice(16).trim()
    customer = customer.slice(0, 16)
  }
  customer = customer.trim()
  if (customer) raw.customerRef = customer
  const more = field.lines.slice(1).map((l) => l.trim()).filter(Boolean)
  if (supplementary) more.unshift(supplementary)
  if (more.length) raw.supplementary = more.join(' ')
  return raw
}

/** Valid dates seen so far: a statement repeats a handful of dates thousands of times. */
const DATES = new Map<string, string>()

function yymmdd(text: string, format: MtFormat, line: number, what: string): string {
  const known = DATES.get(text)
  if (known !== undefined) return known
  const year = Number(text.slice(0, 2))
  const date = isoDate(year >= 80 ? 1900 + year : 2000 + year, text.slice(2, 4), text.slice(4, 6), format, line, what, text)
  if (DATES.size > 50_000) DATES.clear()
  DATES.set(text, date)
  return date
}

/** Entry date MMDD: the year of the value date, or the one before/after across New Year (Knab 1229 → 140101). */
function entryDate(valueDate: string, mmdd: string, format: MtFormat, line: number): string {
  const valueYear = Number(valueDate.slice(0, 4))
  const valueMonth = Number(valueDate.slice(5, 7))
  const month = Number(mmdd.slice(0, 2))
  let year = valueYear
  if (month - valueMonth > 6) year -= 1
  else if (valueMonth - month > 6) year += 1
  return isoDate(year, mmdd.slice(0, 2), mmdd.slice(2, 4), format, line, ':61: entry date', mmdd)
}

function isoDate(year: number, mm: string, dd: string, format: MtFormat, line: number, what: string, raw: string): string {
  const month = Number(mm)
  const day = Number(dd)
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]!)) {
    throw new StatementParseError(format, `${what} "${raw}" is not a calendar date`, { line })
  }
  return `${year}-${mm}-${dd}`
}

/** :13D: YYMMDDHHMM±hhmm (or :13: without the offset) → ISO-8601. */
function parseDateTime(text: string, format: MtFormat, line: number): string | undefined {
  const match = /^(\d{6})(\d{2})(\d{2})(?:([+-])(\d{2})(\d{2}))?/.exec(text)
  if (!match) throw new StatementParseError(format, `:13D: date-time "${text}" is not YYMMDDHHMM±hhmm`, { line })
  const date = yymmdd(match[1]!, format, line, ':13D: date')
  const offset = match[4] ? `${match[4]}${match[5]}:${match[6]}` : ''
  return `${date}T${match[2]}:${match[3]}:00${offset}`
}

function toMinor(amount: string, mark: 'C' | 'D', currency: string, format: MtFormat, line: number, what: string): bigint {
  let minor: bigint
  try {
    minor = decimalToMinor(amount.replace(',', '.'), currency)
  } catch (error) {
    throw new StatementParseError(format, `${what} "${amount}": ${(error as Error).message}`, { line })
  }
  return mark === 'D' ? -minor : minor
}

function balanceOf(raw: RawBalance, type: StatementBalanceType, currency: string, format: MtFormat): StatementBalance {
  const balance: StatementBalance = {
    type,
    amount: toMinor(raw.amount, raw.mark, raw.currency, format, raw.line, `:${raw.tag}: amount`),
    date: raw.date,
  }
  if (raw.currency !== currency) balance.currency = raw.currency
  return balance
}

interface FinishedStatement {
  statement: Statement
  /** What joining pages needs of the draft (the draft itself, with its raw entries, is let go). */
  page: { line: number; accountRaw: string; opening?: { tag: string; line: number }; closing?: { tag: string; line: number } }
}

function finish(draft: Draft, format: MtFormat, warnings: ParseWarning[], strict: boolean): FinishedStatement {
  if (draft.accountRaw === undefined) {
    throw new StatementParseError(format, `the statement that starts at line ${draft.line} has no :25: account identification`, {
      line: draft.line,
    })
  }
  const currency =
    draft.opening?.currency ??
    draft.closing?.currency ??
    draft.floorLimit?.currency ??
    draft.totals[0]?.currency ??
    draft.available?.currency ??
    draft.forward[0]?.currency ??
    /([A-Z]{3})$/.exec(draft.accountRaw)?.[1]
  if (!currency || statementCurrencyExponent(currency) === undefined) {
    throw new StatementParseError(
      format,
      currency
        ? `unknown currency code "${currency}" in the statement that starts at line ${draft.line}`
        : `the statement that starts at line ${draft.line} names no currency (no balance, :34F: or :90D:/:90C:)`,
      { line: draft.line },
    )
  }
  const balances: StatementBalance[] = []
  if (draft.opening) balances.push(balanceOf(draft.opening, 'OPBD', currency, format))
  if (draft.closing) balances.push(balanceOf(draft.closing, 'CLBD', currency, format))
  if (draft.available) balances.push(balanceOf(draft.available, 'CLAV', currency, format))
  for (const forward of draft.forward) balances.push(balanceOf(forward, 'FWAV', currency, format))
  if (format === 'mt940' && !draft.closing) {
    warnings.push({
      code: 'mt-missing-closing-balance',
      message: `the statement that starts at line ${draft.line} has no :62F: closing balance`,
      line: draft.line,
    })
  }

  const entries = draft.entries.map((raw) => toEntry(raw, currency, format))
  for (const total of draft.totals) {
    const sign = total.mark === 'D' ? -1n : 1n
    const matching = entries.filter((e) => (total.mark === 'D' ? e.amount < 0n : e.amount >= 0n))
    const sum = matching.reduce((s, e) => s + e.amount, 0n)
    let expected: bigint | undefined
    try {
      expected = decimalToMinor(total.amount.replace(',', '.'), total.currency) * sign
    } catch {
      expected = undefined
    }
    if (matching.length !== total.count || expected !== sum) {
      const message = `:90${total.mark}: says ${total.count} entries totalling ${total.amount} ${total.currency}, the statement has ${matching.length} totalling ${sum} minor units`
      if (strict) throw new StatementParseError(format, message, { line: total.line })
      warnings.push({ code: 'mt-total-mismatch', message, line: total.line })
    }
  }

  const statement: Statement = {
    id: draft.id || undefined,
    account: parseAccount(draft.accountRaw, currency),
    currency,
    balances,
    entries,
    reconciliation: { checked: false, ok: true },
  }
  if (!statement.id) delete statement.id
  if (draft.sequence) statement.sequence = draft.sequence
  if (draft.createdAt) statement.createdAt = draft.createdAt
  if (draft.opening) statement.from = draft.opening.date
  if (draft.closing) statement.to = draft.closing.date
  if (draft.info.length) statement.additionalInfo = draft.info.map((t) => t.split('\n').map((l) => l.trimEnd()).join('\n').trim()).join('\n')
  const page: FinishedStatement['page'] = { line: draft.line, accountRaw: draft.accountRaw }
  if (draft.opening) page.opening = { tag: draft.opening.tag, line: draft.opening.line }
  if (draft.closing) page.closing = { tag: draft.closing.tag, line: draft.closing.line }
  return { statement, page }
}

function hasTrailingBlanks(text: string): boolean {
  const last = text.charCodeAt(text.length - 1)
  return last === 0x20 || last === 0x09 || text.indexOf(' \n') >= 0 || text.indexOf('\t\n') >= 0
}

function toEntry(raw: RawEntry, currency: string, format: MtFormat): StatementEntry {
  // RC is the reversal of a credit: money leaves the account, so it is a debit (and RD a credit).
  const sign: 'C' | 'D' = raw.reversal ? (raw.mark === 'C' ? 'D' : 'C') : raw.mark
  const entry: StatementEntry = {
    amount: toMinor(raw.amount, sign, currency, format, raw.line, ':61: amount'),
    currency,
    status: 'BOOK',
    valueDate: raw.valueDate,
    bookingDate: raw.bookingDate ?? raw.valueDate,
    reversal: raw.reversal,
    bankTransactionCode: {},
    references: {},
    counterparty: {},
  }
  if (raw.swiftCode) entry.bankTransactionCode.swift = raw.swiftCode
  if (raw.bankRef && raw.bankRef !== 'NONREF') entry.references.servicer = raw.bankRef
  if (raw.customerRef && raw.customerRef !== 'NONREF') entry.references.customer = raw.customerRef
  const info = raw.narrative ?? raw.supplementary
  if (info !== undefined && info.trim()) {
    entry.additionalInfo = hasTrailingBlanks(info) ? info.split('\n').map((l) => l.trimEnd()).join('\n').trim() : info.trim()
    const narrative = parseNarrative(info)
    if (narrative.code) entry.bankTransactionCode.proprietary = narrative.code
    if (narrative.remittance) entry.remittance = narrative.remittance
    if (narrative.endToEnd) entry.references.endToEnd = narrative.endToEnd
    if (narrative.customer && !entry.references.customer) entry.references.customer = narrative.customer
    if (narrative.name) entry.counterparty.name = narrative.name
    if (narrative.account) entry.counterparty.account = narrative.account
    if (narrative.agent) entry.counterparty.agent = narrative.agent
    if (narrative.returnReason) entry.returnReason = narrative.returnReason
  }
  return entry
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/
const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/

/**
 * :25: forms seen: IBAN (with blanks), IBAN+currency, BLZ/account, BIC/account[/currency],
 * dotted numbers with a currency suffix ("1567.50.961EUR"), numbers padded with blanks.
 */
export function parseAccount(raw: string, currency: string): StatementAccount {
  let text = raw.trim()
  const parts = text.split('/').map((p) => p.trim())
  const account: StatementAccount = {}
  if (parts.length >= 2 && BIC.test(parts[0]!)) {
    account.bic = parts[0]!
    text = parts.slice(1).filter((p) => p !== currency).join('/')
  }
  const compact = text.replace(/\s+/g, '')
  const withoutCurrency = compact.endsWith(currency) ? compact.slice(0, -3) : compact
  if (IBAN.test(withoutCurrency)) account.iban = withoutCurrency
  else if (IBAN.test(compact)) account.iban = compact
  else account.number = withoutCurrency.length > 0 ? text.replace(new RegExp(`\\s*${currency}$`), '') : text
  return account
}

/**
 * Statements split over several messages (:28C: pages with :62M:/:60M: intermediate balances) are
 * joined back: the page opening with :60M: continues the previous page of the same account.
 */
function mergePages(finished: FinishedStatement[], warnings: ParseWarning[]): Statement[] {
  const result: FinishedStatement[] = []
  for (const page of finished) {
    const previous = result.at(-1)
    if (
      previous &&
      page.page.opening?.tag === '60M' &&
      previous.page.closing?.tag === '62M' &&
      previous.page.accountRaw === page.page.accountRaw &&
      previous.statement.currency === page.statement.currency
    ) {
      const prev = previous.statement
      const next = page.statement
      const carried = next.balances.find((b) => b.type === 'OPBD')
      const left = prev.balances.find((b) => b.type === 'CLBD')
      if (carried && left && carried.amount !== left.amount) {
        warnings.push({
          code: 'mt-page-mismatch',
          message: `:60M: at line ${page.page.opening!.line} (${carried.amount}) does not continue :62M: at line ${previous.page.closing!.line} (${left.amount})`,
          line: page.page.opening!.line,
        })
      }
      for (const entry of next.entries) prev.entries.push(entry) // no spread: pages can hold 100k+ entries
      prev.balances = [...prev.balances.filter((b) => b.type === 'OPBD'), ...next.balances.filter((b) => b.type !== 'OPBD')]
      if (next.to) prev.to = next.to
      else delete prev.to
      if (next.additionalInfo) prev.additionalInfo = prev.additionalInfo ? `${prev.additionalInfo}\n${next.additionalInfo}` : next.additionalInfo
      if (page.page.closing) previous.page.closing = page.page.closing
      else delete previous.page.closing
      continue
    }
    result.push(page)
  }
  for (const { page: draft } of result) {
    if (draft.closing?.tag === '62M') {
      warnings.push({
        code: 'mt-intermediate-balance',
        message: `the statement that starts at line ${draft.line} ends with an intermediate :62M: balance and no following page`,
        line: draft.closing.line,
      })
    }
  }
  return result.map((r) => r.statement)
}
