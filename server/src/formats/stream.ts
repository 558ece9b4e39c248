import { isAscii } from 'node:buffer'
import { StatementParseError, type ParseWarning, type Statement, type StatementFormat } from '@treasury/shared'
import { Bai2Reader, Bai2RecordReader } from './bai2.js'
import { CamtReader } from './camt.js'
import { ASCII_COPY_LIMIT, asciiText, splitLines, type TextEncoding } from './decode.js'
import { detectCamt, detectFormat } from './detect.js'
import type { ParseOptions, StatementFormatOption } from './index.js'
import { looksLikeMt942, MtReader, prepareMtText } from './mt940.js'

/**
 * Streaming statement parsing for big files: bytes come in chunks, statements go out one by one as
 * soon as each is complete (an MT940/MT942 statement with its pages, a camt Stmt/Rpt/Ntfctn, a BAI2
 * account 03 … 49), and none is kept here once handed over. Memory stays bounded by the largest
 * statement plus a read-ahead of about `STREAM_LIMITS.window` characters, whatever the file size.
 *
 * The result equals {@link parseStatementFile} on the whole file (same statements, same warnings in
 * the same order), except where the whole-file parser decides something from the entire file that a
 * stream cannot know in advance; the stream decides it from what it has read:
 * - the format (`auto`, MT942 markers, the camt message) from the first 64 KiB;
 * - the encoding: UTF-8 until a byte sequence is not UTF-8, latin-1 from that chunk on (the whole-file
 *   parser then reads the whole file as latin-1; the two agree when what came before was ASCII);
 * - MT940/BAI2 framing controls (SOH/ETX/Ctrl-Z) are dropped per read-ahead window, not file-wide;
 * - a BAI2 file with several faults may report a different one first (the whole-file parser reads
 *   every line before interpreting any).
 * A failure is a {@link StatementParseError}, as from the whole-file parser, possibly after some
 * statements were handed over: a caller that must be all-or-nothing (an import in one database
 * transaction) rolls back.
 */

/** A readable of bytes: a Node stream (`fs.createReadStream`), a web ReadableStream, any async iterable. */
export type StatementSource = AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream

export interface StreamSummary {
  format: StatementFormat
  /** How many statements were handed over. */
  statements: number
  warnings: ParseWarning[]
}

/**
 * Read-ahead sizes in characters: `head` is looked at to decide the format (as the whole-file
 * detection does), MT940 and BAI2 text is parsed in windows of about `window` characters of complete
 * messages/lines (64 Ki: a window is an ordinary young-generation string that is still in the CPU
 * cache when it is parsed; a window of 1 Mi is allocated and copied as a large object). Tests lower
 * them to put chunk boundaries everywhere.
 */
export const STREAM_LIMITS = { head: 1 << 16, window: 1 << 16 }

/**
 * Parses a statement file from a stream, calling `onStatement` for each statement as soon as it is
 * complete, with the file's format (decided before the first statement is handed over; awaited: the
 * next chunk is read only after it returns, so a slow consumer slows the read instead of filling
 * memory). Resolves with the format, the number of statements and the warnings.
 *
 * @example
 * const summary = await parseStatementStream(createReadStream('big.sta'), 'auto', {}, async (statement, format) => {
 *   await ingest(statement, format)
 * })
 */
export async function parseStatementStream(
  source: StatementSource,
  format: StatementFormatOption,
  options: ParseOptions,
  onStatement: (statement: Statement, format: StatementFormat) => void | Promise<void>,
): Promise<StreamSummary> {
  const statements = readWithFormat(source, format, options)
  for (;;) {
    const next = await statements.next()
    if (next.done) return next.value
    await onStatement(next.value.statement, next.value.format)
  }
}

/**
 * The same as an async generator: yields statements one by one, returns the {@link StreamSummary}.
 *
 * @example
 * for await (const statement of readStatements(createReadStream('camt053.xml'), 'camt053')) console.log(statement.id)
 */
export async function* readStatements(
  source: StatementSource,
  format: StatementFormatOption = 'auto',
  options: ParseOptions = {},
): AsyncGenerator<Statement, StreamSummary, undefined> {
  const statements = readWithFormat(source, format, options)
  for (;;) {
    const next = await statements.next()
    if (next.done) return next.value
    yield next.value.statement
  }
}

async function* readWithFormat(
  source: StatementSource,
  format: StatementFormatOption,
  options: ParseOptions,
): AsyncGenerator<{ statement: Statement; format: StatementFormat }, StreamSummary, undefined> {
  const queue: Statement[] = []
  const decoder = new StreamDecoder()
  let sink: TextSink | undefined
  let head = ''
  let handed = 0
  /** Runs a step of parsing: a parser bug surfaces as a parse error too (read errors of the source do not pass here). */
  const parse = <T>(step: () => T): T => {
    try {
      return step()
    } catch (error) {
      if (error instanceof StatementParseError) throw error
      const reported = sink?.format ?? (format === 'auto' ? 'unknown' : format)
      throw new StatementParseError(reported, `internal parser error: ${(error as Error)?.message ?? String(error)}`)
    }
  }
  // The chunks read before the format is known are replayed one by one (so that the sink sees the
  // same chunk boundaries as for the rest of the file).
  let headChunks: string[] = []
  const open = () => {
    const opened = openSink(head, format, options, queue)
    sink = opened
    for (const text of headChunks) opened.write(text)
    head = ''
    headChunks = []
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    parse(() => {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, false)
      if (sink) {
        sink.write(text)
      } else {
        head += text
        headChunks.push(text)
        if (head.length >= STREAM_LIMITS.head && head.trim() !== '') open()
      }
    })
    while (queue.length > 0) {
      handed++
      yield { statement: queue.shift()!, format: sink!.format }
    }
  }
  const warnings = parse(() => {
    const rest = decoder.decode(new Uint8Array(0), true)
    if (sink) {
      if (rest) sink.write(rest)
    } else {
      head += rest
      headChunks.push(rest)
      open()
    }
    return sink!.end()
  })
  while (queue.length > 0) {
    handed++
    yield { statement: queue.shift()!, format: sink!.format }
  }
  return { format: sink!.format, statements: handed, warnings }
}

interface TextSink {
  readonly format: StatementFormat
  write(text: string): void
  /** Finishes the file; returns the warnings. */
  end(): ParseWarning[]
}

/** Decides the format from the first characters, as {@link parseStatementFile} does for the whole text. */
function openSink(head: string, requested: StatementFormatOption, options: ParseOptions, queue: Statement[]): TextSink {
  if (head.trim() === '') throw new StatementParseError(requested === 'auto' ? 'unknown' : requested, 'the file is empty')
  let format: StatementFormat
  if (requested === 'auto') {
    const detected = detectFormat(head)
    if (!detected) {
      throw new StatementParseError('unknown', 'not a statement file this parser knows (MT940/MT942, camt.052/053/054, BAI2)', { line: 1 })
    }
    format = detected
  } else {
    format = requested
  }
  const emit = (statement: Statement) => {
    queue.push(statement)
  }
  switch (format) {
    case 'mt940':
    case 'mt942': {
      const mt942 = format === 'mt942' || prepareMtText(head).messageTypes.includes('942') || looksLikeMt942(head)
      return new MtSink(mt942 ? 'mt942' : 'mt940', options.strict === true, emit)
    }
    case 'camt052':
    case 'camt053':
    case 'camt054': {
      const actual = detectCamt(head)
      if (actual && actual !== format) throw new StatementParseError(format, `the document is ${actual}, not ${format}`, { line: 1 })
      const reader = new CamtReader(format, emit)
      return { format, write: (text) => reader.write(text), end: () => reader.end() }
    }
    case 'bai2':
      return new Bai2Sink(options, emit)
  }
}

/**
 * MT940/MT942: text is cut before a `:20:` line (a message start), every cut a complete set of
 * messages. Once a window's worth is pending, the piece just read is searched (forwards: the first
 * message start in it will do) and everything before that start is parsed. The pending text is kept
 * in the pieces it came in and joined once per cut: a buffer grown by `+` would be copied again by
 * every search of it, which is quadratic when one statement runs over many windows.
 */
class MtSink implements TextSink {
  private readonly reader: MtReader
  private parts: string[] = []
  private length = 0
  /** The last four characters of the pending text (a `:20:` may straddle two pieces). */
  private tail = ''
  private line = 1

  constructor(
    readonly format: 'mt940' | 'mt942',
    strict: boolean,
    emit: (statement: Statement) => void,
  ) {
    this.reader = new MtReader(format, strict, emit)
  }

  write(text: string): void {
    if (text === '') return
    const before = this.length
    const tail = this.tail
    this.parts.push(text)
    this.length += text.length
    this.tail = text.length >= 4 ? text.slice(-4) : (tail + text).slice(-4)
    if (this.length < STREAM_LIMITS.window) return
    const at = before + firstMessageStart(text, tail)
    if (at <= 0 || at > this.length) return
    this.line = this.reader.push(prepareMtText(this.take(at)).text, this.line, false)
  }

  end(): ParseWarning[] {
    this.reader.push(prepareMtText(this.take(this.length)).text, this.line, true)
    this.reader.end()
    return this.reader.warnings()
  }

  /** The first `count` characters of the pending text as one string; the rest stays pending. */
  private take(count: number): string {
    const { parts } = this
    let taken = 0
    let index = 0
    while (index < parts.length && taken + parts[index]!.length <= count) taken += parts[index++]!.length
    const head = parts.slice(0, index)
    const rest = parts.slice(index)
    if (taken < count) {
      const split = rest[0]!
      head.push(split.slice(0, count - taken))
      rest[0] = split.slice(count - taken)
    }
    this.parts = rest
    this.length -= count
    return head.length === 1 ? head[0]! : head.join('')
  }
}

/**
 * Where the first `:20:` that starts a line and ends in `text` begins, as an offset into `text`
 * (negative when it starts in `before`, the up to four characters read before `text`); a number
 * past the end of `text` when there is none.
 */
function firstMessageStart(text: string, before: string): number {
  // A tag cut in two by the piece boundary.
  if (before !== '') {
    const probe = before + text.slice(0, 3)
    for (let at = Math.max(1, before.length - 3); at < before.length && at + 4 <= probe.length; at++) {
      const previous = probe.charCodeAt(at - 1)
      if ((previous === 0x0a || previous === 0x0d) && probe.startsWith(':20:', at)) return at - before.length
    }
  }
  for (let at = text.indexOf(':20:'); at >= 0; at = text.indexOf(':20:', at + 1)) {
    const previous = at > 0 ? text.charCodeAt(at - 1) : before.charCodeAt(before.length - 1)
    if (previous === 0x0a || previous === 0x0d) return at
  }
  return Number.MAX_SAFE_INTEGER
}

/** BAI2: whole lines go to the record reader, records to the interpreter. */
class Bai2Sink implements TextSink {
  readonly format = 'bai2' as const
  private readonly reader: Bai2Reader
  private readonly records: Bai2RecordReader
  private buffer = ''
  private line = 1
  private lastRecordLine = 1

  constructor(options: ParseOptions, emit: (statement: Statement) => void) {
    this.reader = new Bai2Reader(options, emit)
    this.records = new Bai2RecordReader((record) => {
      this.lastRecordLine = record.line
      this.reader.record(record)
    })
  }

  write(text: string): void {
    this.buffer = this.buffer === '' ? text : this.buffer + text
    if (this.buffer.length >= STREAM_LIMITS.window) this.flush(false)
  }

  end(): ParseWarning[] {
    this.flush(true)
    this.records.end()
    return this.reader.end(this.lastRecordLine)
  }

  private flush(final: boolean): void {
    const buffer = this.buffer
    let cut = buffer.length
    if (!final) {
      // After the last LF, or the last CR that is not the final character (it may be half a CRLF).
      const lf = buffer.lastIndexOf('\n')
      const cr = buffer.lastIndexOf('\r', buffer.length - 2)
      cut = Math.max(lf, cr) + 1
      if (cut <= 0) return
    }
    this.buffer = buffer.slice(cut)
    const lines = splitLines(buffer.slice(0, cut))
    if (!final) lines.pop()
    for (let i = 0; i < lines.length; i++) this.records.line(lines[i]!, this.line + i)
    this.line += lines.length
  }
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })
const utf8Lenient = new TextDecoder('utf-8')
const latin1 = new TextDecoder('latin1')

/**
 * Bytes → text chunk by chunk, with the choices of `decodeBytes`: a BOM decides (UTF-8 read
 * leniently, UTF-16), UTF-16 XML without BOM, else strict UTF-8 and latin-1 once a chunk is not UTF-8.
 * A multi-byte character cut by a chunk boundary is kept for the next chunk.
 */
class StreamDecoder {
  encoding: TextEncoding | undefined
  private lenient = false
  private pending: Uint8Array = new Uint8Array(0)
  private utf16: InstanceType<typeof TextDecoder> | undefined

  decode(chunk: Uint8Array, final: boolean): string {
    let bytes = chunk
    if (this.pending.length > 0) {
      bytes = new Uint8Array(this.pending.length + chunk.length)
      bytes.set(this.pending)
      bytes.set(chunk, this.pending.length)
      this.pending = new Uint8Array(0)
    }
    if (this.encoding === undefined) {
      if (bytes.length < 4 && !final) {
        this.pending = bytes
        return ''
      }
      bytes = this.detect(bytes)
    }
    if (this.utf16) return this.utf16.decode(bytes, { stream: !final })
    if (this.encoding === 'latin1') return latin1.decode(bytes)
    const end = final ? bytes.length : completeUtf8(bytes)
    if (end < bytes.length) this.pending = bytes.slice(end)
    const part = bytes.subarray(0, end)
    if (part.length <= ASCII_COPY_LIMIT && isAscii(part)) return asciiText(part)
    if (this.lenient) return utf8Lenient.decode(part)
    try {
      return utf8Strict.decode(part)
    } catch {
      this.encoding = 'latin1'
      return latin1.decode(part)
    }
  }

  private detect(bytes: Uint8Array): Uint8Array {
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      this.encoding = 'utf-8'
      this.lenient = true
      return bytes.subarray(3)
    }
    const le = (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes.length >= 4 && bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] !== 0)
    const be = (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x3c)
    if (le || be) {
      this.encoding = le ? 'utf-16le' : 'utf-16be'
      // TextDecoder drops the BOM itself, as decodeBytes does by cutting it off.
      this.utf16 = new TextDecoder(this.encoding)
      return bytes
    }
    this.encoding = 'utf-8'
    return bytes
  }
}

/** Length of the prefix of `bytes` that does not end inside a UTF-8 sequence. */
function completeUtf8(bytes: Uint8Array): number {
  const length = bytes.length
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back]!
    if ((byte & 0xc0) === 0x80) continue // continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needed > back ? length - back : length
  }
  return length
}
