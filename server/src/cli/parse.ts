import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { ParseWarning, Statement, StatementFormat } from '@treasury/shared'
import { parseStatementFile, parseStatementStream, STATEMENT_FORMAT_OPTIONS } from '../formats/index.js'
import { formatOption, onePath, readArgs } from './args.js'
import type { CliCommand, CliIo } from './command.js'

const USAGE = `usage: parse <file> [--format ${STATEMENT_FORMAT_OPTIONS.join('|')}] [--strict]`

/**
 * Files smaller than `streamFromBytes` are parsed whole before anything is printed, so bad input
 * prints nothing on stdout. Bigger files are streamed: each statement is printed as soon as it is
 * parsed, so a file of any size is printed with bounded memory (a whole 500 MB file as one JSON
 * text would not even fit in a JavaScript string); bad input found late then leaves the JSON printed
 * so far unfinished, with the error on stderr and exit code 1. Tests lower the limit.
 */
export const PARSE_LIMITS = { streamFromBytes: 32 * 1024 * 1024 }

/** Read size from disk when streaming. */
const READ_CHUNK_BYTES = 1 << 16

/**
 * `parse <file> [--format …] [--strict]`: prints the normalized statements as JSON, amounts as
 * strings of signed minor units (JSON has no bigint, and a float would lose cents).
 *
 * @example
 * pnpm cli parse tests/fixtures/statements/mt940/svenstaro_mt940-rs/jejik/knab.sta
 * // { "format": "mt940", "statements": [{ "account": { "number": "123456789" }, "currency": "EUR",
 * //   "balances": [{ "type": "OPBD", "amount": "0", "date": "2014-05-07" }, …], … }], "warnings": [] }
 */
export const command: CliCommand = {
  summary: 'parse a bank statement file (MT940/MT942, camt.052/053/054, BAI2) and print it as JSON',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = readArgs(args, {
      format: { type: 'string', short: 'f', default: 'auto' },
      strict: { type: 'boolean', default: false },
    })
    const { display, path: file } = onePath(positionals, 'file')
    const format = formatOption(values.format)
    let size: number
    try {
      const info = await stat(file)
      if (!info.isFile()) throw new Error('not a file')
      size = info.size
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new Error(`cannot read ${display}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
    }
    const options = { strict: values.strict === true }
    const out = new JsonWriter(io)
    if (size < PARSE_LIMITS.streamFromBytes) {
      const whole = parseStatementFile(await readWhole(file, display), format, options)
      for (const statement of whole.statements) await out.statement(statement, whole.format)
      await out.end(whole.format, whole.warnings)
    } else {
      const source = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })
      const summary = await parseStatementStream(source, format, options, (statement, detected) => out.statement(statement, detected))
      await out.end(summary.format, summary.warnings)
    }
    return 0
  },
}

const STATEMENT_KEYS = ['id', 'sequence', 'account', 'currency', 'from', 'to', 'createdAt', 'balances', 'entries', 'additionalInfo', 'reconciliation'] as const
const ENTRY_KEYS = [
  'amount', 'currency', 'status', 'bookingDate', 'valueDate', 'reversal', 'bankTransactionCode', 'references', 'counterparty',
  'remittance', 'returnReason', 'additionalInfo', 'batch',
] as const

async function readWhole(file: string, display: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file))
  } catch (error) {
    throw new Error(`cannot read ${display}: ${(error as Error).message}`)
  }
}

function ordered<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of keys) if ((value as Record<string, unknown>)[key] !== undefined) out[key] = (value as Record<string, unknown>)[key]
  return out
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

/** `value` as indented JSON whose lines after the first are indented by `depth` more spaces. */
function indented(value: unknown, depth: number): string {
  return JSON.stringify(value, bigintAsString, 2).replaceAll('\n', `\n${' '.repeat(depth)}`)
}

/**
 * Prints `{ format, statements, warnings }` statement by statement, in one key order for every
 * format, every bigint as its decimal string: the same text as `JSON.stringify(file, …, 2)` of the
 * whole file (a JSON string never holds a raw line break, so indenting at line breaks is safe).
 */
class JsonWriter {
  private count = 0

  constructor(private readonly io: CliIo) {}

  async statement(statement: Statement, format: StatementFormat): Promise<void> {
    const view = { ...ordered(statement, STATEMENT_KEYS), entries: statement.entries.map((e) => ordered(e, ENTRY_KEYS)) }
    const head = this.count === 0 ? `{\n  "format": ${JSON.stringify(format)},\n  "statements": [\n    ` : ',\n    '
    this.count++
    await this.io.stdout(head + indented(view, 4))
  }

  async end(format: StatementFormat, warnings: readonly ParseWarning[]): Promise<void> {
    const statements = this.count === 0 ? `{\n  "format": ${JSON.stringify(format)},\n  "statements": [],\n` : '\n  ],\n'
    await this.io.stdout(`${statements}  "warnings": ${indented(warnings, 2)}\n}\n`)
  }
}
