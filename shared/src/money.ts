// Plain functions, no zod: the web app's first view imports this module (see zod-free.test.ts).
import { currencyExponent, type CurrencyCode } from './currencies.js'

/**
 * An amount of money: integer minor units (cents, fen, yen…) and its ISO 4217 code.
 * Never a JS number: a float near money is a bug.
 *
 * @example
 * const m: Money = { amount: 123456n, currency: 'CNY' } // ¥1,234.56
 */
export interface Money {
  amount: bigint
  currency: CurrencyCode
}

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError'
}

const DECIMAL = /^([+-])?(\d+)(?:[.,](\d*))?$/

/**
 * Parses a decimal amount ("1234.56", "-0,5", "1200") into minor units of `currency`.
 * Rejects more fractional digits than the currency has (unless they are zeros) instead of rounding.
 *
 * @example
 * parseMinor('1234.56', 'CNY') // 123456n
 * parseMinor('1200', 'JPY')    // 1200n
 */
export function parseMinor(decimal: string, currency: string): bigint {
  return parseMinorUnits(decimal, currencyExponent(currency), currency)
}

/**
 * {@link parseMinor} with the exponent given, for a currency outside the treasury's own list
 * (e.g. one an old bank file names); `currency` only labels the error.
 *
 * @example
 * parseMinorUnits('12.5', 2, 'DEM') // 1250n
 */
export function parseMinorUnits(decimal: string, exponent: number, currency: string): bigint {
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

/**
 * Minor units as a plain decimal string with the currency's exponent, e.g. for exports.
 *
 * @example
 * toDecimalString(-123456n, 'CNY') // "-1234.56"
 * toDecimalString(5n, 'KWD')       // "0.005"
 */
export function toDecimalString(amount: bigint, currency: string): string {
  const exponent = currencyExponent(currency)
  const negative = amount < 0n
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0')
  const whole = digits.slice(0, digits.length - exponent)
  const fraction = digits.slice(digits.length - exponent)
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`
}

export type Locale = 'zh-CN' | 'en'

const formatters = new Map<string, Intl.NumberFormat>()

/**
 * Formats minor units for people, per locale, exactly (the decimal string is formatted, never a float).
 *
 * The symbol is the locale's standard one (CLDR), which names each currency once: a group holds
 * dollars of several countries and yen and yuan side by side, and the short forms ("$", "¥") would
 * show USD, HKD and SGD alike, and JPY like CNY. In zh-CN the yuan is "¥", the yen "JP¥", the US
 * dollar "US$"; in English the US dollar is "$", the yen "¥", the yuan "CN¥"; the Singapore dollar
 * is "SGD" in both.
 *
 * @example
 * formatMoney(123456789n, 'USD', 'en')    // "$1,234,567.89"
 * formatMoney(123456789n, 'CNY', 'zh-CN') // "¥1,234,567.89"
 * formatMoney(123456789n, 'USD', 'zh-CN') // "US$1,234,567.89"
 * formatMoney(123456789n, 'CNY', 'en')    // "CN¥1,234,567.89"
 */
export function formatMoney(
  amount: bigint,
  currency: string,
  locale: Locale,
  options: { display?: 'symbol' | 'code'; compact?: boolean } = {},
): string {
  const exponent = currencyExponent(currency)
  const key = `${locale}|${currency}|${options.display ?? 'symbol'}|${options.compact ? 1 : 0}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: options.display === 'code' ? 'code' : 'symbol',
      minimumFractionDigits: options.compact ? 0 : exponent,
      maximumFractionDigits: options.compact ? 1 : exponent,
      ...(options.compact ? { notation: 'compact' as const } : {}),
    })
    formatters.set(key, formatter)
  }
  // Intl.NumberFormat formats decimal strings exactly (ECMA-402 "Intl.NumberFormat v3").
  return formatter.format(toDecimalString(amount, currency) as unknown as number)
}

/** Sum of bigint amounts (empty → 0n). */
export function sumMinor(amounts: Iterable<bigint>): bigint {
  let total = 0n
  for (const amount of amounts) total += amount
  return total
}

/** Half-even (banker's) rounding of numerator/denominator to an integer. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero')
  if (denominator < 0n) {
    numerator = -numerator
    denominator = -denominator
  }
  const negative = numerator < 0n
  const n = negative ? -numerator : numerator
  let quotient = n / denominator
  const twiceRemainder = (n % denominator) * 2n
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n
  return negative ? -quotient : quotient
}
