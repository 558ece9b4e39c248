import { currencyExponent, isCurrencyCode, MoneyFormatError, parseMinor } from '@treasury/shared'

/**
 * Minor-unit exponents of ISO 4217 codes that statements name but the treasury's own currency
 * table (shared/currencies.ts) does not list: the rest of the active ISO 4217 list plus the legacy
 * euro-area codes old MT940 files still carry (e.g. DEM). A code in neither table is rejected
 * rather than guessed.
 */
const EXTRA_EXPONENTS: Readonly<Record<string, number>> = (() => {
  const table: Record<string, number> = {}
  const two =
    'AFN ALL AMD ANG AOA ARS AWG AZN BAM BBD BDT BGN BMD BND BOB BSD BTN BWP BYN BZD CDF COP CRC CUP CVE ' +
    'DOP DZD EGP ERN ETB FJD FKP GEL GHS GIP GMD GTQ GYD HNL HTG IRR JMD KES KGS KHR KPW KYD KZT LAK LBP ' +
    'LKR LRD LSL MAD MDL MGA MKD MMK MNT MRU MUR MVR MWK MZN NAD NGN NIO NPR PAB PEN PGK PKR RON RSD SBD ' +
    'SCR SDG SHP SLE SLL SOS SRD SSP STN SVC SYP SZL TJS TMT TOP TTD TZS UAH UYU UZS VES WST XCD XCG YER ' +
    'ZMW ZWG ZWL DEM FRF NLG ATS FIM IEP'
  for (const code of two.split(' ')) table[code] = 2
  for (const code of 'BIF DJF GNF KMF PYG RWF VUV XPF UYI ITL ESP'.split(' ')) table[code] = 0
  table.IQD = 3
  table.CLF = 4
  table.UYW = 4
  return table
})()

/** Exponent of `code` or undefined when it is not an ISO 4217 code we know. */
export function statementCurrencyExponent(code: string): number | undefined {
  if (isCurrencyCode(code)) return currencyExponent(code)
  return Object.hasOwn(EXTRA_EXPONENTS, code) ? EXTRA_EXPONENTS[code] : undefined
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
