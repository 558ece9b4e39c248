import { isCurrencyCode, iso4217Exponent, MoneyFormatError, parseMinor } from '@treasury/shared'

/**
 * Exponent of `code` or undefined when it is not an ISO 4217 code we know: the product's ISO 4217
 * table (shared/currencies.ts) holds the treasury's own currencies and the rest of the list,
 * including the legacy euro-area codes old MT940 files still carry (e.g. DEM). A code in neither is
 * rejected rather than guessed.
 *
 * @example
 * statementCurrencyExponent('RON') // 2
 */
export function statementCurrencyExponent(code: string): number | undefined {
  return iso4217Exponent(code)
}

const DECIMAL = /^([+-])?(\d+)(?:[.,](\d*))?$/

/**
 * Decimal text → signed minor units of `currency` (exact; never rounds). Delegates to the shared
 * `parseMinor` for the treasury's currencies. Throws MoneyFormatError / RangeError.
 */
export function decimalToMinor(decimal: string, currency: string): bigint {
  if (isCurrencyCode(currency)) return parseMinor(decimal, currency)
  const exponent = statementCurrencyExponent(currency)
  if (exponent === undefined) throw new RangeError(`unknown currency code "${currency}"`)
  const match = DECIMAL.exec(decimal.trim())
  if (!match) throw new MoneyFormatError(`"${decimal}" is not a decimal amount`)
  const [, sign, whole, rawFraction = ''] = match
  const fraction = rawFraction.replace(/0+$/, '')
  if (fraction.length > exponent) {
    throw new MoneyFormatError(`"${decimal}" has more than ${exponent} decimal places for ${currency}`)
  }
  const minor = BigInt(whole! + fraction.padEnd(exponent, '0'))
  return sign === '-' ? -minor : minor
}
