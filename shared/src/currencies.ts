import { z } from 'zod'

/**
 * ISO 4217 currencies with their minor-unit exponent (how many decimal places the
 * minor unit has). Amounts everywhere are integer minor units of one of these.
 *
 * @example
 * currencyExponent('JPY') // 0
 * currencyExponent('KWD') // 3
 */
export const CURRENCY_EXPONENTS = {
  AED: 2, AUD: 2, BHD: 3, BRL: 2, CAD: 2, CHF: 2, CLP: 0, CNY: 2, CZK: 2, DKK: 2,
  EUR: 2, GBP: 2, HKD: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, ISK: 0, JOD: 3, JPY: 0,
  KRW: 0, KWD: 3, LYD: 3, MOP: 2, MXN: 2, MYR: 2, NOK: 2, NZD: 2, OMR: 3, PHP: 2,
  PLN: 2, QAR: 2, RUB: 2, SAR: 2, SEK: 2, SGD: 2, THB: 2, TND: 3, TRY: 2, TWD: 2,
  UGX: 0, USD: 2, VND: 0, XAF: 0, XOF: 0, ZAR: 2,
} as const satisfies Record<string, number>

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS

export const CURRENCY_CODES = Object.keys(CURRENCY_EXPONENTS) as CurrencyCode[]

export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.hasOwn(CURRENCY_EXPONENTS, code)
}

/** Zod schema for a supported ISO 4217 code; the error names the offending value. */
export const currencyCode = z.string().transform((value, ctx) => {
  if (isCurrencyCode(value)) return value
  ctx.addIssue({ code: 'custom', message: `unknown currency code "${value}" (expected ISO 4217, e.g. CNY)` })
  return z.NEVER
})

/** Minor-unit exponent of a currency; throws for a code that is not ISO 4217 (never guesses 2). */
export function currencyExponent(code: string): number {
  if (!isCurrencyCode(code)) throw new RangeError(`unknown currency code "${code}"`)
  return CURRENCY_EXPONENTS[code]
}
