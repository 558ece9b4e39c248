import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { STATEMENT_FORMAT_OPTIONS, type StatementFormatOption } from '../formats/index.js'
import { CliUsageError } from './command.js'

/**
 * Argument reading shared by the commands that take one statement file (or folder): every fault is
 * a {@link CliUsageError}, so it is reported with the command's usage line.
 */

/** `parseArgs` with positionals allowed; an unknown option or a missing value is a usage error. */
export function readArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, allowPositionals: true, options })
  } catch (error) {
    throw new CliUsageError((error as Error).message)
  }
}

/**
 * The one path given, as typed (`display`, for messages) and resolved against the caller's
 * directory: `pnpm cli …` at the root runs in server/, and pnpm keeps the caller's directory in
 * INIT_CWD.
 */
export function onePath(positionals: string[], what: string): { display: string; path: string } {
  if (positionals.length !== 1) throw new CliUsageError(positionals.length === 0 ? `no ${what} given` : `give exactly one ${what}`)
  const display = positionals[0]!
  return { display, path: path.resolve(process.env.INIT_CWD || process.cwd(), display) }
}

/** `--format`: `auto` or one of the parsers' formats. */
export function formatOption(value: string | undefined): StatementFormatOption {
  const format = (value ?? 'auto') as StatementFormatOption
  if (!STATEMENT_FORMAT_OPTIONS.includes(format)) throw new CliUsageError(`unknown format "${value}"`)
  return format
}
