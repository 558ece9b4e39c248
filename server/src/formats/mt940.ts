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
import { isDigit, isSpace, isUpper, trimmedSlice } from './chars.js'
import { decimalToMinor, statementCurrencyExponent } from './currency.js'
import { normalizeLineEnds, splitLines, stripSwiftEnvelope } from './decode.js'
import { emptyNarrative, parseNarrative } from './mt940-narrative.js'
import { reconcileStatement } from './reconcile.js'

/**
 * SWIFT MT940 (customer statement) and MT942 (interim transaction report) → the normalized model.
 *
 * Lenient where real banks deviate (see tests/fixtures/statements/SOURCES.md): preambles, envelopes,
 * missing :25:-less pages, `DR`/`CR` funds codes, blank-padded references, one-decimal amounts,
 * entry dates in the previous year. Strict where a guess would move money: an unreadable :61:,
 * an impossible date, an amount without its decimal comma, an account changing mid-statement.
 *
 * Speed: {@link MtReader} is a single pass over the decoded text. Lines are never split into an
 * array; fields are offsets into the text, the :61: line is read with charCodeAt (no regex, no match
 * arrays), dates are cached by their numeric YYMMDD, amounts go from digits to bigint without an
 * intermediate string. Only what ends up in the model is sliced out of the text. What the reader
 * sees anyway (where a field's lines start and end, whether a line ends with a blank, whether an
 * MT942 tag starts a line) is noted on the way instead of being searched for again. A whole-file
 * parse keeps every entry, so what an entry holds is what the garbage collector copies: repeated
 * values are shared, and the entry literal is one allocation site V8 can allocate as long-lived.
 */

export type MtFormat = 'mt940' | 'mt942'

interface RawBalance {
  tag: string
  mark: 'C' | 'D'
  date: string
  currency: string
  amount: string
  line: number
}

/** A :61: (and its :86:) as read, before the statement's currency is known. */
class RawEntry {
  bookingDate: string | undefined = undefined
  swiftCode: string | undefined = undefined
  customerRef: string | undefined = undefined
  bankRef: string | undefined = undefined
  supplementary: string | undefined = undefined
  narrative: string | undefined = undefined
  /** Whether a line of the narrative ends with a blank or tab (then its display text is trimmed line by line). */
  narrativeBlankEnd = false

  constructor(
    readonly line: number,
    readonly valueDate: string,
    readonly mark: 'C' | 'D',
    readonly reversal: boolean,
    /** The text holding the amount, and where: for the error message and very long amounts. */
    readonly source: string,
    readonly amountStart: number,
    readonly amountEnd: number,
    /** All digits of the amount (fraction without trailing zeros) as an integer; -1 when too long. */
    readonly mantissa: number,
    /** Significant fraction digits (trailing zeros dropped). */
    readonly fractionDigits: number,
  ) {}
}

class Draft {
  accountRaw: string | undefined = undefined
  accountLine = 0
  sequence: string | undefined = undefined
  opening: RawBalance | undefined = undefined
  closing: RawBalance | undefined = undefined
  available: RawBalance | undefined = undefined
  forward: RawBalance[] = []
  floorLimit: { currency: string; line: number } | undefined = undefined
  totals: { mark: 'C' | 'D'; count: number; currency: string; amount: string; line: number }[] = []
  createdAt: string | undefined = undefined
  entries: RawEntry[] = []
  /** Statement-level :86: lines (before the first :61: or after the closing balance). */
  info: string[] = []
  lastTag = -1
  /** The entry the last :86: went to (a following :86: continues it). */
  narrativeEntry: RawEntry | undefined = undefined

  constructor(
    readonly line: number,
    readonly id: string,
  ) {}
}

// Tags as numbers: NN * 32 + letter (A = 1 … Z = 26, none = 0); :NS: is NS.
const NS = 100 * 32
const T20 = 20 * 32
const T21 = 21 * 32
const T25 = 25 * 32
const T25P = T25 + 16
const T28 = 28 * 32
const T28C = T28 + 3
const T60F = 60 * 32 + 6
const T60M = 60 * 32 + 13
const T61 = 61 * 32
const T62F = 62 * 32 + 6
const T62M = 62 * 32 + 13
const T64 = 64 * 32
const T65 = 65 * 32
const T65F = T65 + 6
const T65M = T65 + 13
const T86 = 86 * 32
const T13 = 13 * 32
const T13D = T13 + 4
const T34F = 34 * 32 + 6
const T90C = 90 * 32 + 3
const T90D = 90 * 32 + 4

const KNOWN = new Uint8Array(NS + 1)
for (const tag of [T20, T21, T25, T25P, T28, T28C, T60F, T60M, T61, T86, T62F, T62M, T64, T65, T65F, T65M, T13, T13D, T34F, T90D, T90C, NS]) {
  KNOWN[tag] = 1
}

function tagName(tag: number): string {
  if (tag === NS) return 'NS'
  const number = tag >> 5
  const letter = tag & 31
  return `${number < 10 ? '0' : ''}${number}${letter ? String.fromCharCode(64 + letter) : ''}`
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000]

/**
 * Parses MT940/MT942 text (already decoded). `format` decides the default when the file does not
 * say: MT942 markers (:34F:, :13D:, {2:O942}) make it mt942 regardless.
 */
export function parseMt940(text: string, requested: MtFormat = 'mt940', options: { strict?: boolean } = {}): ParsedFile {
  const strict = options.strict === true
  const prepared = prepareMtText(text)
  if (requested === 'mt942' || prepared.messageTypes.includes('942') || prepared.text !== text) {
    const format: MtFormat = requested === 'mt942' || prepared.messageTypes.includes('942') || looksLikeMt942(text) ? 'mt942' : requested
    return readMt(prepared.text, format, strict).file
  }
  // The text is read as it is, so the lines the reader sees are the text's own, and it can tell
  // whether an MT942 tag starts one: that spares two searches of the whole text for them. The rare
  // MT942 file read this way is read again as what it is.
  let read: { file: ParsedFile; sawMt942Tag: boolean }
  try {
    read = readMt(text, requested, strict)
  } catch (error) {
    if (looksLikeMt942(text)) return readMt(text, 'mt942', strict).file
    throw error
  }
  return read.sawMt942Tag ? readMt(text, 'mt942', strict).file : read.file
}

function readMt(text: string, format: MtFormat, strict: boolean): { file: ParsedFile; sawMt942Tag: boolean } {
  const statements: Statement[] = []
  const reader = new MtReader(format, strict, (statement) => {
    statements.push(statement)
  })
  reader.push(text, 1, true)
  reader.end()
  return { file: { format, statements, warnings: reader.warnings() }, sawMt942Tag: reader.sawMt942Tag }
}

/** :34F: or :13D: at the start of a line: an MT942. */
export function looksLikeMt942(text: string): boolean {
  return hasTagAtLineStart(text, ':34F:') || hasTagAtLineStart(text, ':13D:')
}

/**
 * Lenient decoding of the text before the scanner: framing controls dropped, lone CRs made LF (every
 * CR left ends a line together with its LF) and the SWIFT envelope reduced to its body. Line numbers
 * are kept. `messageTypes` are the types named by envelope block 2 ({2:O942…} → "942").
 */
export function prepareMtText(text: string): { text: string; messageTypes: string[] } {
  const normalized = normalizeLineEnds(text)
  if (normalized.indexOf('{') < 0 && normalized.indexOf('}') < 0) return { text: normalized, messageTypes: [] }
  const lines = splitLines(normalized)
  const { messageTypes } = stripSwiftEnvelope(lines)
  return { text: lines.join('\n'), messageTypes }
}

function hasTagAtLineStart(text: string, tag: string): boolean {
  for (let at = text.indexOf(tag); at >= 0; at = text.indexOf(tag, at + 1)) {
    const before = text.charCodeAt(at - 1)
    if (at === 0 || before === 0x0a || before === 0x0d) return true
  }
  return false
}

interface FinishedStatement {
  statement: Statement
  /** What joining pages needs of the draft (the draft itself, with its raw entries, is let go). */
  page: { line: number; accountRaw: string; opening?: { tag: string; line: number }; closing?: { tag: string; line: number } }
}

/**
 * The incremental MT940/MT942 parser: `push` text that starts at a line start and ends at a message
 * boundary (after a `-` line or before a `:20:` line) or at the end of the file, then `end()`.
 * Finished statements (pages joined, reconciled) go to `onStatement` one by one, so a caller that
 * streams a file holds one statement at a time. Warnings come in the order a whole-file parse gives.
 */
export class MtReader {
  private readonly fieldWarnings: ParseWarning[] = []
  private readonly pageWarnings: ParseWarning[] = []
  private readonly intermediateWarnings: ParseWarning[] = []
  private readonly reconcileWarnings: ParseWarning[] = []
  private finishedCount = 0
  /** Whether a line started with :34F: or :13D: (the tags that make a file an MT942). */
  sawMt942Tag = false
  private held: FinishedStatement | undefined
  private draft: Draft | undefined
  private inMessage = false
  // The field being read: tag (-1 = none), its line, where its content starts, where its first and
  // last line end, and how many lines it has.
  private text = ''
  private hasCarriageReturns = false
  private hasLineSeparators = false
  private fieldTag = -1
  private fieldLine = 0
  private fieldStart = 0
  private fieldFirstEnd = 0
  private fieldLastEnd = 0
  private fieldLines = 0
  /** Where the field's second line starts (when it has one). */
  private fieldSecondStart = 0
  /** Whether a line of the field ends with a blank or tab (the reader sees every line end anyway). */
  private fieldBlankEnd = false
  /** Content start of the tag just read by {@link readTag}. */
  private tagEnd = 0
  /** Where the next "//" at or after the last :61: searched is (2^32 - 1: none). */
  private nextDoubleSlash = -1

  constructor(
    readonly format: MtFormat,
    private readonly strict: boolean,
    private readonly onStatement: (statement: Statement) => void,
  ) {}

  /**
   * Reads `text` (prepared by {@link prepareMtText}), whose first line is line `firstLine` of the
   * file. Returns the line number the next chunk starts with. `final`: the text runs to the end of
   * the file (its last, possibly empty, line counts).
   */
  push(text: string, firstLine: number, final: boolean): number {
    this.text = text
    this.nextDoubleSlash = -1
    this.hasCarriageReturns = text.indexOf('\r') >= 0
    this.hasLineSeparators = text.indexOf('\u2028') >= 0 || text.indexOf('\u2029') >= 0
    const length = text.length
    let position = 0
    let line = firstLine
    for (;;) {
      const newline = text.indexOf('\n', position)
      let end: number
      if (newline >= 0) {
        end = newline > position && text.charCodeAt(newline - 1) === 0x0d ? newline - 1 : newline
      } else {
        if (!final && position === length) break
        end = length
      }
      this.readLine(text, position, end, line)
      if (newline < 0) break
      position = newline + 1
      line++
    }
    this.flushField()
    this.text = ''
    return line
  }

  /** Finishes the last statement. Throws when the text had no statement at all. */
  end(): void {
    this.endDraft()
    if (this.finishedCount === 0) {
      throw new StatementParseError(this.format, 'no :20: transaction reference found: this is not an MT940/MT942 file', { line: 1 })
    }
    if (this.held) this.release(this.held)
    this.held = undefined
  }

  warnings(): ParseWarning[] {
    return [...this.fieldWarnings, ...this.pageWarnings, ...this.intermediateWarnings, ...this.reconcileWarnings]
  }

  private readLine(text: string, start: number, end: number, line: number): void {
    const first = text.charCodeAt(start)
    if (first === 0x3a /* : */) {
      const tag = this.readTag(text, start)
      if (tag === T34F || tag === T13D) this.sawMt942Tag = true
      // Inside a structured :86: a wrapped line can start like a tag (":26:37 Fo?25…"); `?NN` gives it away.
      if (tag >= 0 && (KNOWN[tag] === 1 || this.fieldTag !== T86 || !hasSubfieldMark(text, start, end))) {
        this.flushField()
        if (tag === T20) this.inMessage = true
        // A tag before any :20: (or after a message's "-") is preamble.
        if (this.inMessage) {
          this.fieldTag = tag
          this.fieldLine = line
          this.fieldStart = this.tagEnd
          this.fieldFirstEnd = end
          this.fieldLastEnd = end
          this.fieldLines = 1
          this.fieldBlankEnd = isBlankOrTab(text.charCodeAt(end - 1))
        }
        return
      }
    }
    if ((first === 0x2d /* - */ || first === 0x20) && this.isMessageEnd(text, start, end)) {
      this.flushField()
      this.inMessage = false
      return
    }
    if (this.fieldTag >= 0) {
      this.fieldLastEnd = end
      if (++this.fieldLines === 2) this.fieldSecondStart = start
      if (isBlankOrTab(text.charCodeAt(end - 1))) this.fieldBlankEnd = true
    }
  }

  /** `:NN[A]:` or `:NS:` at `start` → its tag number (content from this.tagEnd), else -1. */
  private readTag(text: string, start: number): number {
    const d1 = text.charCodeAt(start + 1)
    const d2 = text.charCodeAt(start + 2)
    if (isDigit(d1) && isDigit(d2)) {
      const number = (d1 - 48) * 10 + (d2 - 48)
      const third = text.charCodeAt(start + 3)
      if (third === 0x3a) {
        this.tagEnd = start + 4
        return number * 32
      }
      if (isUpper(third) && text.charCodeAt(start + 4) === 0x3a) {
        this.tagEnd = start + 5
        return number * 32 + (third - 64)
      }
      return -1
    }
    if (d1 === 0x4e /* N */ && d2 === 0x53 /* S */ && text.charCodeAt(start + 3) === 0x3a) {
      this.tagEnd = start + 4
      return NS
    }
    return -1
  }

  /** A line "-" (blanks around it allowed); Van Lanschot's "-XXX" except inside a :61:. */
  private isMessageEnd(text: string, start: number, end: number): boolean {
    while (start < end && isSpace(text.charCodeAt(start))) start++
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--
    if (end - start === 1) return text.charCodeAt(start) === 0x2d
    return end - start === 4 && this.fieldTag !== T61 && text.startsWith('-XXX', start)
  }

  private value(): string {
    return this.text.slice(this.fieldStart, this.fieldFirstEnd)
  }

  /** The field's lines after the first. */
  private continuationLines(): string[] {
    if (this.fieldLines === 1) return []
    const text = this.text.slice(this.fieldFirstEnd, this.fieldLastEnd)
    const lines = (this.hasCarriageReturns ? text.replaceAll('\r\n', '\n') : text).split('\n')
    lines.shift()
    return lines
  }

  /** All lines of the field joined by LF. */
  private joinedLines(): string {
    const { text } = this
    if (this.fieldLines === 1 || !this.hasCarriageReturns) return text.slice(this.fieldStart, this.fieldLastEnd)
    // CRLF: the lines joined by an array join of exactly the lines, which makes one flat string (a
    // concatenation would be flattened by the first read, and stays an indirection every read of
    // the narrative goes through). Two lines (a German :86: mostly): the reader saw where the second starts.
    const first = text.slice(this.fieldStart, this.fieldFirstEnd)
    if (this.fieldLines === 2) return [first, text.slice(this.fieldSecondStart, this.fieldLastEnd)].join('\n')
    const lines = new Array<string>(this.fieldLines)
    lines[0] = first
    let count = 1
    for (let end = this.fieldFirstEnd; end < this.fieldLastEnd; ) {
      const start = text.indexOf('\n', end) + 1
      const newline = text.indexOf('\n', start)
      end = newline < 0 || newline > this.fieldLastEnd ? this.fieldLastEnd : text.charCodeAt(newline - 1) === 0x0d && newline > start ? newline - 1 : newline
      lines[count++] = text.slice(start, end)
    }
    lines.length = count
    return lines.join('\n')
  }

  private endDraft(): void {
    const draft = this.draft
    if (!draft) return
    this.draft = undefined
    this.finishedCount++
    const finished = finish(draft, this.format, this.fieldWarnings, this.strict)
    this.joinPage(finished)
  }

  /** Collects the fields of one statement (from its :20: to the next) into a draft. */
  private flushField(): void {
    const tag = this.fieldTag
    if (tag < 0) return
    this.fieldTag = -1
    const { format } = this
    const line = this.fieldLine
    if (tag === T20) {
      this.endDraft()
      this.draft = new Draft(line, trimmedSlice(this.text, this.fieldStart, this.fieldFirstEnd) ?? '')
      return
    }
    const draft = this.draft
    if (!draft) return
    const previousTag = draft.lastTag
    const previousNarrativeEntry = draft.narrativeEntry
    draft.lastTag = tag
    draft.narrativeEntry = undefined
    switch (tag) {
      case T61:
        draft.entries.push(this.statementLine(line))
        break
      case T86: {
        // Keep the lines as written for the structured reading (a German sub-field is fixed-width,
        // its trailing blanks belong to it); trailing blanks go from the display text only.
        const text = this.joinedLines()
        // A :86: right after a :61: belongs to it, and so do further :86: in a row (Rabobank legacy).
        const target = previousTag === T61 ? draft.entries.at(-1) : previousTag === T86 ? previousNarrativeEntry : undefined
        if (target) {
          target.narrative = target.narrative === undefined ? text : `${target.narrative}\n${text}`
          if (this.fieldBlankEnd) target.narrativeBlankEnd = true
          draft.narrativeEntry = target
        } else {
          draft.info.push(text)
        }
        break
      }
      case T21:
      case NS:
      case T25P:
        break
      case T25: {
        if (draft.accountRaw !== undefined || draft.opening || draft.entries.length > 0) {
          throw new StatementParseError(
            format,
            `unexpected :25: inside the statement that starts at line ${draft.line} (its account was ${
              draft.accountRaw !== undefined ? `given at line ${draft.accountLine}` : 'expected before the balances'
            })`,
            { line },
          )
        }
        draft.accountRaw = [this.value(), ...this.continuationLines()]
          .map((l) => l.trim())
          .filter(Boolean)
          .join('')
        draft.accountLine = line
        break
      }
      case T28:
      case T28C:
        draft.sequence = this.value().trim() || undefined
        break
      case T60F:
      case T60M:
        if (draft.opening) {
          throw new StatementParseError(format, `second opening balance in the statement that starts at line ${draft.line}`, { line })
        }
        draft.opening = parseBalanceField(tagName(tag), this.value(), line, format)
        break
      case T62F:
      case T62M:
        if (draft.closing) {
          throw new StatementParseError(format, `second closing balance in the statement that starts at line ${draft.line}`, { line })
        }
        draft.closing = parseBalanceField(tagName(tag), this.value(), line, format)
        break
      case T64:
        draft.available = lenientBalance(tagName(tag), this.value(), line, format, this.fieldWarnings)
        break
      case T65:
      case T65F:
      case T65M: {
        const balance = lenientBalance(tagName(tag), this.value(), line, format, this.fieldWarnings)
        if (balance) draft.forward.push(balance)
        break
      }
      case T13:
      case T13D:
        draft.createdAt = parseDateTime(this.value().trim(), format, line)
        break
      case T34F: {
        const match = /^\s*([A-Z]{3})/.exec(this.value())
        if (match) draft.floorLimit = { currency: match[1]!, line }
        break
      }
      case T90D:
      case T90C: {
        const value = this.value()
        const match = /^\s*(\d+)([A-Z]{3})(\d+[,.]?\d*)\s*$/.exec(value)
        if (match) {
          draft.totals.push({ mark: tag === T90D ? 'D' : 'C', count: Number(match[1]), currency: match[2]!, amount: match[3]!, line })
        } else {
          this.fieldWarnings.push({ code: 'mt-unreadable-total', message: `:${tagName(tag)}: "${value}" could not be read`, line })
        }
        break
      }
      default:
        this.fieldWarnings.push({ code: 'mt-unknown-tag', message: `unknown tag :${tagName(tag)}: ignored`, line })
    }
  }

  /**
   * :61: value date, [entry date], D/C mark (RC/RD = reversal), [funds code], amount, [type],
   * reference, [//bank reference], [supplementary details on the next line]. Reads what
   * `^(\d{6})(\d{4}|\s{4})?\s*(R?[CD])([A-Z](?=\s*\d))?\s*(\d+[,.]\d*)\s*(.*)$` would match on the
   * first line without its trailing blanks, by hand.
   */
  private statementLine(line: number): RawEntry {
    const { text, format } = this
    const start = this.fieldStart
    let end = this.fieldFirstEnd
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--
    let p = start
    let valueKey = 0
    for (; p < start + 6; p++) {
      const code = text.charCodeAt(p)
      if (p >= end || !isDigit(code)) return this.unreadableStatementLine(start, end, line)
      valueKey = valueKey * 10 + (code - 48)
    }
    let entryKey = -1
    if (p + 4 <= end && isDigit(text.charCodeAt(p)) && isDigit(text.charCodeAt(p + 1)) && isDigit(text.charCodeAt(p + 2)) && isDigit(text.charCodeAt(p + 3))) {
      entryKey = (text.charCodeAt(p) - 48) * 1000 + (text.charCodeAt(p + 1) - 48) * 100 + (text.charCodeAt(p + 2) - 48) * 10 + (text.charCodeAt(p + 3) - 48)
      p += 4
    }
    while (p < end && isSpace(text.charCodeAt(p))) p++
    let reversal = false
    let code = text.charCodeAt(p)
    if (code === 0x52 /* R */ && p + 1 < end) {
      const next = text.charCodeAt(p + 1)
      if (next === 0x43 || next === 0x44) {
        reversal = true
        p++
        code = next
      }
    }
    if (p >= end || (code !== 0x43 /* C */ && code !== 0x44) /* D */) return this.unreadableStatementLine(start, end, line)
    const mark: 'C' | 'D' = code === 0x43 ? 'C' : 'D'
    p++
    if (p < end && isUpper(text.charCodeAt(p))) {
      // A funds code only when an amount (blanks allowed) follows.
      let q = p + 1
      while (q < end && isSpace(text.charCodeAt(q))) q++
      if (q < end && isDigit(text.charCodeAt(q))) p++
    }
    while (p < end && isSpace(text.charCodeAt(p))) p++
    const amountStart = p
    let mantissa = 0
    while (p < end && isDigit((code = text.charCodeAt(p)))) {
      mantissa = mantissa * 10 + (code - 48)
      p++
    }
    const wholeDigits = p - amountStart
    if (wholeDigits === 0 || p >= end || (code !== 0x2c && code !== 0x2e)) return this.unreadableStatementLine(start, end, line)
    p++
    const fractionStart = p
    while (p < end && isDigit(text.charCodeAt(p))) p++
    const amountEnd = p
    let significantEnd = amountEnd
    while (significantEnd > fractionStart && text.charCodeAt(significantEnd - 1) === 0x30) significantEnd--
    const fractionDigits = significantEnd - fractionStart
    if (wholeDigits + fractionDigits > 15) {
      mantissa = -1
    } else {
      for (let i = fractionStart; i < significantEnd; i++) mantissa = mantissa * 10 + (text.charCodeAt(i) - 48)
    }
    while (p < end && isSpace(text.charCodeAt(p))) p++
    // `.` matches no line separator: the regex would fail on one after the amount.
    if (this.hasLineSeparators) {
      for (let i = p; i < end; i++) {
        const c = text.charCodeAt(i)
        if (c === 0x2028 || c === 0x2029) return this.unreadableStatementLine(start, end, line)
      }
    }
    const valueDate = yymmdd(valueKey, format, line, ':61: value date')
    const raw = new RawEntry(line, valueDate, mark, reversal, text, amountStart, amountEnd, mantissa, fractionDigits)
    if (entryKey >= 0) raw.bookingDate = entryDate(valueKey, entryKey, format, line)

    // The rest: [type] reference [//bank reference] [supplementary details].
    let tail = p
    const c0 = text.charCodeAt(tail)
    if (
      tail + 4 <= end &&
      (c0 === 0x4e /* N */ || c0 === 0x46 /* F */ || c0 === 0x53) /* S */ &&
      !(c0 === 0x4e && text.startsWith('NONREF', tail))
    ) {
      const c1 = text.charCodeAt(tail + 1)
      const c2 = text.charCodeAt(tail + 2)
      const c3 = text.charCodeAt(tail + 3)
      const alnum1 = isUpper(c1) || isDigit(c1)
      const alnum2 = isUpper(c2) || isDigit(c2)
      const alnum3 = isUpper(c3) || isDigit(c3)
      if ((alnum1 || c1 === 0x20) && (alnum2 || c2 === 0x20) && alnum3) {
        raw.swiftCode = swiftCode(c0, c1, c2, c3)
        tail += 4
      } else if (alnum1 && alnum2 && c3 === 0x20) {
        raw.swiftCode = text.slice(tail, tail + 3)
        tail += 4
      }
    }
    // indexOf is native; remembering where the next "//" of the text is keeps a file without any
    // from being searched to its end for every line.
    if (this.nextDoubleSlash < tail) this.nextDoubleSlash = text.indexOf('//', tail) >>> 0
    const slashes = this.nextDoubleSlash + 1 < end ? this.nextDoubleSlash : -1
    let customerEnd = end
    let supplementary: string | undefined
    if (slashes >= 0) {
      customerEnd = slashes
      const bank = trimmedSlice(text, slashes + 2, end)
      if (bank !== undefined) raw.bankRef = bank
    } else {
      let trimmedEnd = end
      while (trimmedEnd > tail && isSpace(text.charCodeAt(trimmedEnd - 1))) trimmedEnd--
      if (trimmedEnd - tail > 16) {
        supplementary = trimmedSlice(text, tail + 16, end)
        customerEnd = tail + 16
      }
    }
    const customer = trimmedSlice(text, tail, customerEnd)
    if (customer !== undefined) raw.customerRef = customer
    if (this.fieldLines > 1) {
      const more = this.continuationLines()
        .map((l) => l.trim())
        .filter(Boolean)
      if (supplementary) more.unshift(supplementary)
      if (more.length) raw.supplementary = more.join(' ')
    } else if (supplementary) {
      raw.supplementary = supplementary
    }
    return raw
  }

  private unreadableStatementLine(start: number, end: number, line: number): never {
    const first = this.text.slice(start, end)
    throw new StatementParseError(
      this.format,
      `:61: statement line "${first}" could not be read (expected YYMMDD[MMDD] C|D|RC|RD [funds code] amount with decimal comma, type, reference)`,
      { line },
    )
  }

  /**
   * Statements split over several messages (:28C: pages with :62M:/:60M: intermediate balances) are
   * joined back: the page opening with :60M: continues the previous page of the same account. A
   * statement that ends with :62M: is held until the next one shows whether it continues.
   */
  private joinPage(page: FinishedStatement): void {
    const previous = this.held
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
        this.pageWarnings.push({
          code: 'mt-page-mismatch',
          message: `:60M: at line ${page.page.opening.line} (${carried.amount}) does not continue :62M: at line ${previous.page.closing.line} (${left.amount})`,
          line: page.page.opening.line,
        })
      }
      for (const entry of next.entries) prev.entries.push(entry) // no spread: pages can hold 100k+ entries
      prev.balances = [...prev.balances.filter((b) => b.type === 'OPBD'), ...next.balances.filter((b) => b.type !== 'OPBD')]
      if (next.to) prev.to = next.to
      else delete prev.to
      if (next.additionalInfo) prev.additionalInfo = prev.additionalInfo ? `${prev.additionalInfo}\n${next.additionalInfo}` : next.additionalInfo
      if (page.page.closing) previous.page.closing = page.page.closing
      else delete previous.page.closing
      if (previous.page.closing?.tag !== '62M') {
        this.held = undefined
        this.release(previous)
      }
      return
    }
    if (previous) this.release(previous)
    this.held = undefined
    if (page.page.closing?.tag === '62M') this.held = page
    else this.release(page)
  }

  private release({ statement, page }: FinishedStatement): void {
    if (page.closing?.tag === '62M') {
      this.intermediateWarnings.push({
        code: 'mt-intermediate-balance',
        message: `the statement that starts at line ${page.line} ends with an intermediate :62M: balance and no following page`,
        line: page.closing.line,
      })
    }
    const issue = reconcileStatement(statement)
    if (issue) this.reconcileWarnings.push(issue)
    this.onStatement(statement)
  }
}

/** Transaction type codes ("NTRF", "FCHK"…) by their four characters: one string per code, not one per entry. */
const SWIFT_CODES = new Map<number, string>()

let lastSwiftKey = -1
let lastSwiftCode = ''

function swiftCode(c0: number, c1: number, c2: number, c3: number): string {
  const key = (c0 << 21) | (c1 << 14) | (c2 << 7) | c3
  if (key === lastSwiftKey) return lastSwiftCode
  lastSwiftKey = key
  let code = SWIFT_CODES.get(key)
  if (code === undefined) {
    code = String.fromCharCode(c0, c1, c2, c3)
    if (SWIFT_CODES.size >= 10_000) SWIFT_CODES.clear()
    SWIFT_CODES.set(key, code)
  }
  lastSwiftCode = code
  return code
}

const isBlankOrTab = (code: number): boolean => code === 0x20 || code === 0x09

/** `/\?\d\d/` somewhere in text[start, end). */
function hasSubfieldMark(text: string, start: number, end: number): boolean {
  for (let i = start; i + 2 < end; i++) {
    if (text.charCodeAt(i) === 0x3f && isDigit(text.charCodeAt(i + 1)) && isDigit(text.charCodeAt(i + 2))) return true
  }
  return false
}

const BALANCE = /^\s*([CD])(\d{6})([A-Z]{3})(\d+[,.]\d*)\s*$/

function parseBalanceField(tag: string, value: string, line: number, format: MtFormat): RawBalance {
  const match = BALANCE.exec(value)
  if (!match) {
    throw new StatementParseError(format, `:${tag}: balance "${value.trim()}" is not D|C + YYMMDD + currency + amount with decimal comma`, { line })
  }
  return {
    tag,
    mark: match[1] as 'C' | 'D',
    date: yymmdd(Number(match[2]!), format, line, `:${tag}: date`),
    currency: match[3]!,
    amount: match[4]!,
    line,
  }
}

/** :64:/:65: are informative; a corrupt one (OLB's ":65F:Dnullnull7414,3") is skipped with a warning. */
function lenientBalance(tag: string, value: string, line: number, format: MtFormat, warnings: ParseWarning[]): RawBalance | undefined {
  try {
    return parseBalanceField(tag, value, line, format)
  } catch (error) {
    if (!(error instanceof StatementParseError)) throw error
    warnings.push({ code: 'mt-unreadable-balance', message: `${error.reason}; ignored`, line })
    return undefined
  }
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

/** Valid dates seen so far, by their YYMMDD number: a statement repeats a handful of dates thousands of times. */
const DATES = new Map<number, string>()

/** The date {@link yymmdd} gave last (entries in a row mostly share it): no map lookup for a repeat. */
let lastDateKey = -1
let lastDate = ''

function yymmdd(key: number, format: MtFormat, line: number, what: string): string {
  if (key === lastDateKey) return lastDate
  const known = DATES.get(key)
  if (known !== undefined) {
    lastDateKey = key
    lastDate = known
    return known
  }
  const yy = Math.floor(key / 10000)
  const date = isoDate(yy >= 80 ? 1900 + yy : 2000 + yy, Math.floor(key / 100) % 100, key % 100, format, line, what, String(key).padStart(6, '0'))
  if (DATES.size > 50_000) DATES.clear()
  DATES.set(key, date)
  return date
}

/** Entry dates by value date YYMMDD × 10000 + entry MMDD. */
const ENTRY_DATES = new Map<number, string>()

let lastEntryDateKey = -1
let lastEntryDate = ''

/** Entry date MMDD: the year of the value date, or the one before/after across New Year (Knab 1229 → 140101). */
function entryDate(valueKey: number, mmdd: number, format: MtFormat, line: number): string {
  const key = valueKey * 10000 + mmdd
  if (key === lastEntryDateKey) return lastEntryDate
  const known = ENTRY_DATES.get(key)
  if (known !== undefined) {
    lastEntryDateKey = key
    lastEntryDate = known
    return known
  }
  const yy = Math.floor(valueKey / 10000)
  const valueYear = yy >= 80 ? 1900 + yy : 2000 + yy
  const valueMonth = Math.floor(valueKey / 100) % 100
  const month = Math.floor(mmdd / 100)
  let year = valueYear
  if (month - valueMonth > 6) year -= 1
  else if (valueMonth - month > 6) year += 1
  const date = isoDate(year, month, mmdd % 100, format, line, ':61: entry date', String(mmdd).padStart(4, '0'))
  if (ENTRY_DATES.size > 50_000) ENTRY_DATES.clear()
  ENTRY_DATES.set(key, date)
  return date
}

function isoDate(year: number, month: number, day: number, format: MtFormat, line: number, what: string, raw: string): string {
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]!)) {
    throw new StatementParseError(format, `${what} "${raw}" is not a calendar date`, { line })
  }
  return `${year}-${pad2(month)}-${pad2(day)}`
}

/** :13D: YYMMDDHHMM±hhmm (or :13: without the offset) → ISO-8601. */
function parseDateTime(text: string, format: MtFormat, line: number): string | undefined {
  const match = /^(\d{6})(\d{2})(\d{2})(?:([+-])(\d{2})(\d{2}))?/.exec(text)
  if (!match) throw new StatementParseError(format, `:13D: date-time "${text}" is not YYMMDDHHMM±hhmm`, { line })
  const date = yymmdd(Number(match[1]!), format, line, ':13D: date')
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

/** A :61: amount in minor units: digits → number → bigint; the string path for long amounts and errors. */
function entryAmount(raw: RawEntry, mark: 'C' | 'D', exponent: number, currency: string, format: MtFormat): bigint {
  if (raw.mantissa >= 0 && raw.fractionDigits <= exponent) {
    const minor = raw.mantissa * POW10[exponent - raw.fractionDigits]!
    if (minor <= Number.MAX_SAFE_INTEGER) return BigInt(mark === 'D' ? -minor : minor)
  }
  return toMinor(raw.source.slice(raw.amountStart, raw.amountEnd), mark, currency, format, raw.line, ':61: amount')
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
  const exponent = currency === undefined ? undefined : statementCurrencyExponent(currency)
  if (!currency || exponent === undefined) {
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

  const entries: StatementEntry[] = new Array<StatementEntry>(draft.entries.length)
  for (let i = 0; i < entries.length; i++) entries[i] = toEntry(draft.entries[i]!, currency, exponent, format)
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

/** `/[ \t](?:\n|$)/`: a blank or tab at the end of a line (only the line ends are looked at). */
function hasTrailingBlanks(text: string): boolean {
  let code = text.charCodeAt(text.length - 1)
  if (code === 0x20 || code === 0x09) return true
  for (let at = text.indexOf('\n', 1); at > 0; at = text.indexOf('\n', at + 1)) {
    code = text.charCodeAt(at - 1)
    if (code === 0x20 || code === 0x09) return true
  }
  return false
}

/** The narrative of the entry being built (one object, refilled for every entry). */
const NARRATIVE = emptyNarrative()

function toEntry(raw: RawEntry, currency: string, exponent: number, format: MtFormat): StatementEntry {
  // RC is the reversal of a credit: money leaves the account, so it is a debit (and RD a credit).
  const sign: 'C' | 'D' = raw.reversal ? (raw.mark === 'C' ? 'D' : 'C') : raw.mark
  const amount = entryAmount(raw, sign, exponent, currency, format)
  const valueDate = raw.valueDate
  const bookingDate = raw.bookingDate ?? valueDate
  const info = raw.narrative ?? raw.supplementary
  // Most texts have no blanks around them: then trimming is two character tests.
  const trimmed = info === undefined || info === '' ? '' : isSpace(info.charCodeAt(0)) || isSpace(info.charCodeAt(info.length - 1)) ? info.trim() : info
  // One literal per common shape, the three inner objects written into it: the properties live in
  // the objects (no separate property store), and V8 tracks the literal as one allocation site,
  // which lets it allocate entries that are kept (a whole-file parse) directly where long-lived
  // objects go instead of copying them out of the young generation later.
  if (info === undefined || !trimmed) {
    const entry: StatementEntry = {
      amount, currency, status: 'BOOK', valueDate, bookingDate, reversal: raw.reversal,
      bankTransactionCode: {}, references: {}, counterparty: {},
    }
    rawCodes(entry, raw)
    return entry
  }
  const blankEnds = raw.narrative !== undefined ? raw.narrativeBlankEnd : hasTrailingBlanks(info)
  const additionalInfo = blankEnds ? info.split('\n').map((l) => l.trimEnd()).join('\n').trim() : trimmed
  const narrative = parseNarrative(info, NARRATIVE)
  const { remittance, returnReason } = narrative
  let entry: StatementEntry
  if (remittance && !returnReason) {
    entry = {
      amount, currency, status: 'BOOK', valueDate, bookingDate, reversal: raw.reversal,
      bankTransactionCode: {}, references: {}, counterparty: {}, additionalInfo, remittance,
    }
  } else {
    entry = {
      amount, currency, status: 'BOOK', valueDate, bookingDate, reversal: raw.reversal,
      bankTransactionCode: {}, references: {}, counterparty: {}, additionalInfo,
    }
    if (remittance) entry.remittance = remittance
    if (returnReason) entry.returnReason = returnReason
  }
  rawCodes(entry, raw)
  const { bankTransactionCode, references, counterparty } = entry
  if (narrative.code) bankTransactionCode.proprietary = narrative.code
  if (narrative.endToEnd) references.endToEnd = narrative.endToEnd
  if (narrative.customer && !references.customer) references.customer = narrative.customer
  if (narrative.name) counterparty.name = narrative.name
  if (narrative.account) counterparty.account = narrative.account
  if (narrative.agent) counterparty.agent = narrative.agent
  return entry
}

/** The codes and references of the :61: line itself. */
function rawCodes(entry: StatementEntry, raw: RawEntry): void {
  if (raw.swiftCode) entry.bankTransactionCode.swift = raw.swiftCode
  if (raw.bankRef && raw.bankRef !== 'NONREF') entry.references.servicer = raw.bankRef
  if (raw.customerRef && raw.customerRef !== 'NONREF') entry.references.customer = raw.customerRef
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
