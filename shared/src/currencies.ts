// Plain data and functions, no zod: the web app's first view imports this module (the schema of a
// currency code, `currencyCode`, is in domain.ts).

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

/** Minor-unit exponent of a currency; throws for a code that is not ISO 4217 (never guesses 2). */
export function currencyExponent(code: string): number {
  if (!isCurrencyCode(code)) throw new RangeError(`unknown currency code "${code}"`)
  return CURRENCY_EXPONENTS[code]
}

/**
 * Minor-unit exponents of the ISO 4217 codes outside {@link CURRENCY_EXPONENTS}: the rest of the
 * active list and the legacy euro-area codes old bank statements still carry (DEM, FRF…). The
 * treasury does not hold these currencies, but a statement file may name them, and its amounts are
 * read with these exponents. Together with {@link CURRENCY_EXPONENTS} this is the product's one
 * table of ISO 4217 exponents.
 */
export const OTHER_ISO_4217_EXPONENTS: Readonly<Record<string, number>> = {
  AFN: 2, ALL: 2, AMD: 2, ANG: 2, AOA: 2, ARS: 2, ATS: 2, AWG: 2, AZN: 2, BAM: 2,
  BBD: 2, BDT: 2, BGN: 2, BIF: 0, BMD: 2, BND: 2, BOB: 2, BSD: 2, BTN: 2, BWP: 2,
  BYN: 2, BZD: 2, CDF: 2, CLF: 4, COP: 2, CRC: 2, CUP: 2, CVE: 2, DEM: 2, DJF: 0,
  DOP: 2, DZD: 2, EGP: 2, ERN: 2, ESP: 0, ETB: 2, FIM: 2, FJD: 2, FKP: 2, FRF: 2,
  GEL: 2, GHS: 2, GIP: 2, GMD: 2, GNF: 0, GTQ: 2, GYD: 2, HNL: 2, HTG: 2, IEP: 2,
  IQD: 3, IRR: 2, ITL: 0, JMD: 2, KES: 2, KGS: 2, KHR: 2, KMF: 0, KPW: 2, KYD: 2,
  KZT: 2, LAK: 2, LBP: 2, LKR: 2, LRD: 2, LSL: 2, MAD: 2, MDL: 2, MGA: 2, MKD: 2,
  MMK: 2, MNT: 2, MRU: 2, MUR: 2, MVR: 2, MWK: 2, MZN: 2, NAD: 2, NGN: 2, NIO: 2,
  NLG: 2, NPR: 2, PAB: 2, PEN: 2, PGK: 2, PKR: 2, PYG: 0, RON: 2, RSD: 2, RWF: 0,
  SBD: 2, SCR: 2, SDG: 2, SHP: 2, SLE: 2, SLL: 2, SOS: 2, SRD: 2, SSP: 2, STN: 2,
  SVC: 2, SYP: 2, SZL: 2, TJS: 2, TMT: 2, TOP: 2, TTD: 2, TZS: 2, UAH: 2, UYI: 0,
  UYU: 2, UYW: 4, UZS: 2, VES: 2, VUV: 0, WST: 2, XCD: 2, XCG: 2, XPF: 0, YER: 2,
  ZMW: 2, ZWG: 2, ZWL: 2,
}

/**
 * Minor-unit exponent of any ISO 4217 code in {@link CURRENCY_EXPONENTS} or
 * {@link OTHER_ISO_4217_EXPONENTS}; undefined for a code in neither (never guesses 2).
 *
 * @example
 * iso4217Exponent('KWD') // 3
 * iso4217Exponent('DEM') // 2
 * iso4217Exponent('XYZ') // undefined
 */
export function iso4217Exponent(code: string): number | undefined {
  if (isCurrencyCode(code)) return CURRENCY_EXPONENTS[code]
  return Object.hasOwn(OTHER_ISO_4217_EXPONENTS, code) ? OTHER_ISO_4217_EXPONENTS[code] : undefined
}
