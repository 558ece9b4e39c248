import { StatementParseError, STATEMENT_FORMATS, type ParsedFile, type StatementFormat } from '@treasury/shared'
import { parseBai2 } from './bai2.js'
import { parseCamt } from './camt.js'
import { decodeBytes, type DecodedText } from './decode.js'
import { detectCamt, detectFormat } from './detect.js'
import { parseMt940 } from './mt940.js'

export { detectFormat } from './detect.js'
export { decodeBytes } from './decode.js'
export { RECONCILIATION_MISMATCH, reconcileStatement } from './reconcile.js'
export { parseStatementStream, readStatements, type StatementSource, type StreamSummary } from './stream.js'

export type StatementFormatOption = 'auto' | StatementFormat

export interface ParseOptions {
  /**
   * Treat totals and counts the file declares about itself as binding: BAI2 trailer control
   * totals and record/account/group counts, MT942 :90D:/:90C: sums. Default false: they warn, since
   * real bank files get them wrong. Balance reconciliation is always a warning.
   */
  strict?: boolean
}

export const STATEMENT_FORMAT_OPTIONS: readonly StatementFormatOption[] = ['auto', ...STATEMENT_FORMATS]

/**
 * Parses one bank statement file (MT940, MT942, camt.052/053/054 any version 001.01–001.14, BAI2)
 * into the normalized camt-shaped model. Pure: no I/O. Every failure — unreadable bytes, a format
 * that is not the requested one, a malformed field — is a {@link StatementParseError} naming the
 * line or XML element; tolerated oddities (unknown tags, control totals or balances that do not add
 * up) come back as `warnings`.
 *
 * @example
 * const file = parseStatementFile(await readFile('statement.sta'), 'auto')
 * file.format                         // 'mt940'
 * file.statements[0].balances[0]      // { type: 'OPBD', amount: 0n, date: '2014-05-07' }
 */
export function parseStatementFile(
  bytes: Uint8Array,
  format: StatementFormatOption = 'auto',
  options: ParseOptions = {},
): ParsedFile {
  let decoded: DecodedText
  try {
    decoded = decodeBytes(bytes)
  } catch (error) {
    throw new StatementParseError(format === 'auto' ? 'unknown' : format, `cannot decode the file: ${(error as Error).message}`)
  }
  if (decoded.text.trim() === '') {
    throw new StatementParseError(format === 'auto' ? 'unknown' : format, 'the file is empty')
  }
  let chosen: StatementFormat
  if (format === 'auto') {
    const detected = detectFormat(decoded.text)
    if (!detected) {
      throw new StatementParseError('unknown', 'not a statement file this parser knows (MT940/MT942, camt.052/053/054, BAI2)', { line: 1 })
    }
    chosen = detected
  } else {
    chosen = format
  }
  try {
    return dispatch(decoded.text, chosen, options)
  } catch (error) {
    if (error instanceof StatementParseError) throw error
    // A parser bug must still surface as a parse error, never as a crash of the caller.
    throw new StatementParseError(chosen, `internal parser error: ${(error as Error)?.message ?? String(error)}`)
  }
}

function dispatch(text: string, format: StatementFormat, options: ParseOptions): ParsedFile {
  switch (format) {
    case 'mt940':
    case 'mt942':
      return parseMt940(text, format, options)
    case 'camt052':
    case 'camt053':
    case 'camt054': {
      const actual = detectCamt(text)
      if (actual && actual !== format) {
        throw new StatementParseError(format, `the document is ${actual}, not ${format}`, { line: 1 })
      }
      return parseCamt(text, format)
    }
    case 'bai2':
      return parseBai2(text, options)
  }
}
