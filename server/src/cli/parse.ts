import { parseArgs } from 'node:util'
import type { ParsedFile } from '@treasury/shared'
import { parseStatementFile, STATEMENT_FORMAT_OPTIONS, type StatementFormatOption } from '../formats/index.js'
import { CliUsageError, type CliCommand } from './command.js'

const USAGE = `usage: parse <file> [--format ${STATEMENT_FORMAT_OPTIONS.join('|')}] [--strict]`

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
    let parsed
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { format: { type: 'string', short: 'f', default: 'auto' }, strict: { type: 'boolean', default: false } },
      })
    } catch (error) {
      throw new CliUsageError((error as Error).message)
    }
    const { values, positionals } = parsed
    if (positionals.length !== 1) throw new CliUsageError(positionals.length === 0 ? 'no file given' : 'give exactly one file')
    const format = values.format as StatementFormatOption
    if (!STATEMENT_FORMAT_OPTIONS.includes(format)) throw new CliUsageError(`unknown format "${values.format}"`)
    const path = positionals[0]!
    let bytes: Uint8Array
    try {
      bytes = await io.readFile(path)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new Error(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
    }
    const file = parseStatementFile(bytes, format, { strict: values.strict === true })
    io.stdout(`${toJson(file)}\n`)
    return 0
  },
}

const STATEMENT_KEYS = ['id', 'sequence', 'account', 'currency', 'from', 'to', 'createdAt', 'balances', 'entries', 'additionalInfo', 'reconciliation'] as const
const ENTRY_KEYS = [
  'amount', 'currency', 'status', 'bookingDate', 'valueDate', 'reversal', 'bankTransactionCode', 'references', 'counterparty',
  'remittance', 'returnReason', 'additionalInfo', 'batch',
] as const

function ordered<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of keys) if ((value as Record<string, unknown>)[key] !== undefined) out[key] = (value as Record<string, unknown>)[key]
  return out
}

/** JSON in one key order for every format, every bigint as its decimal string. */
export function toJson(file: ParsedFile): string {
  const view = {
    format: file.format,
    statements: file.statements.map((s) => ({ ...ordered(s, STATEMENT_KEYS), entries: s.entries.map((e) => ordered(e, ENTRY_KEYS)) })),
    warnings: file.warnings,
  }
  return JSON.stringify(view, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)
}
