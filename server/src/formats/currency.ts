import { isCurrencyCode, iso4217Exponent, parseMinor, parseMinorUnits } from '@treasury/shared'

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

/**
 * Decimal text → signed minor units of `currency` (exact; never rounds). Delegates to the shared
 * `parseMinor` for the treasury's currencies. Throws MoneyFormatError / RangeError.
 */
export function decimalToMinor(decimal: string, currency: string): bigint {
  if (isCurrencyCode(currency)) return parseMinor(decimal, currency)
  const exponent = statementCurrencyExponent(currency)
  if (exponent === undefined) throw new RangeError(`unknown currency code "${currency}"`)
  return parseMinorUnits(decimal, exponent, currency)
}
