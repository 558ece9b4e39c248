// Exact FX arithmetic and rate look-up, no zod: the web app's first view imports this module. The
// schemas of a date, a rate and a dated FX rate (`isoDate`, `rateString`, `fxRate`) are in domain.ts.
import { currencyExponent, type CurrencyCode } from './currencies.js'
import type { FxRate } from './domain.js'
import { divideHalfEven } from './money.js'

/** Exact rational number (no float ever touches a rate). */
export interface Rational {
  num: bigint
  den: bigint
}

export function parseRate(rate: string): Rational {
  const [whole, fraction = ''] = rate.split('.')
  return { num: BigInt(whole! + fraction), den: 10n ** BigInt(fraction.length) }
}

/** A rational as a decimal string with `places` fractional digits, half-even. */
export function formatRate(rate: Rational, places = 10): string {
  const scaled = divideHalfEven(rate.num * 10n ** BigInt(places), rate.den)
  const digits = scaled.toString().padStart(places + 1, '0')
  return `${digits.slice(0, -places)}.${digits.slice(-places)}`
}

/** Significant digits kept for a derived (inverse or cross) rate; the rounded rate is the one used. */
export const DERIVED_RATE_DIGITS = 12

/** A rational as a decimal string with `digits` significant digits, half-even (at most 20 places). */
export function formatSignificant(rate: Rational, digits = DERIVED_RATE_DIGITS): string {
  let magnitude = 0 // number of integer digits, or minus the count of leading fractional zeros
  if (rate.num >= rate.den) magnitude = (rate.num / rate.den).toString().length
  else {
    let scaled = rate.num * 10n
    while (scaled < rate.den) {
      scaled *= 10n
      magnitude -= 1
    }
  }
  const places = Math.min(20, Math.max(0, digits - magnitude))
  return places === 0 ? divideHalfEven(rate.num, rate.den).toString() : formatRate(rate, places)
}

/** How a currency was converted into the reporting currency: the rate, its date and source. */
export interface ResolvedRate {
  from: CurrencyCode
  to: CurrencyCode
  /** Exactly the rate `rateText` says: what you are shown is what was used. */
  rate: Rational
  /**
   * Decimal string of the rate used (units of `to` per unit of `from`): a stored rate as stored,
   * an inverse or cross rate rounded to {@link DERIVED_RATE_DIGITS} significant digits.
   */
  rateText: string
  /** The date of the rate used: the as-of date, or the latest date before it that had one. */
  rateDate: string
  source: string
}

/**
 * Converts minor units of one currency into another at an exact rate, rounding half-even once.
 *
 * @example
 * convertMinor(100n, 'USD', 'JPY', parseRate('151.235')) // 151n  (1.00 USD → ¥151)
 */
export function convertMinor(amount: bigint, from: string, to: string, rate: Rational): bigint {
  return minorConverter(from, to, rate)(amount)
}

/**
 * {@link convertMinor} for many amounts of one pair: the exponent shift is folded into the rate once.
 *
 * @example
 * const toCny = minorConverter('USD', 'CNY', parseRate('7.1234'))
 * toCny(100n) // 712n
 */
export function minorConverter(from: string, to: string, rate: Rational): (amount: bigint) => bigint {
  const shift = currencyExponent(to) - currencyExponent(from)
  const num = rate.num * (shift > 0 ? 10n ** BigInt(shift) : 1n)
  const den = rate.den * (shift < 0 ? 10n ** BigInt(-shift) : 1n)
  if (den !== 1n) return (amount) => divideHalfEven(amount * num, den)
  return num === 1n ? (amount) => amount : (amount) => amount * num
}

/**
 * Dated rates for looking up the rate of a day: the rate dated on it, or else the latest before it.
 * Direct, inverse and cross (through one shared currency) pairs are found; never 1:1 for a missing pair.
 *
 * @example
 * const table = new FxTable(rates)
 * table.resolve('HKD', 'CNY', '2026-11-25') // { rate, rateText, rateDate, source } or null
 */
export class FxTable {
  /** "BASE/QUOTE" → rates sorted by date ascending. */
  private readonly series = new Map<string, FxRate[]>()

  constructor(rates: Iterable<FxRate>) {
    for (const rate of rates) {
      const key = `${rate.base}/${rate.quote}`
      let list = this.series.get(key)
      if (!list) this.series.set(key, (list = []))
      list.push(rate)
    }
    for (const list of this.series.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  }

  /** The latest rate of a stored pair dated on or before `asOf`. */
  private latest(base: string, quote: string, asOf: string): FxRate | undefined {
    const list = this.series.get(`${base}/${quote}`)
    if (!list) return undefined
    let lo = 0
    let hi = list.length - 1
    let found: FxRate | undefined
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (list[mid]!.date <= asOf) {
        found = list[mid]
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /** One leg from→to using a stored pair either way round. */
  private leg(from: CurrencyCode, to: CurrencyCode, asOf: string): { rate: Rational; date: string; source: string; stored: string | null } | null {
    const direct = this.latest(from, to, asOf)
    if (direct) return { rate: parseRate(direct.rate), date: direct.date, source: direct.source, stored: direct.rate }
    const inverse = this.latest(to, from, asOf)
    if (inverse) {
      const r = parseRate(inverse.rate)
      return { rate: { num: r.den, den: r.num }, date: inverse.date, source: inverse.source, stored: null }
    }
    return null
  }

  /** The rate to use and show: a stored rate as it is, a derived one rounded (and used rounded). */
  private static settle(from: CurrencyCode, to: CurrencyCode, rate: Rational, stored: string | null, rateDate: string, source: string): ResolvedRate {
    const rateText = stored ?? formatSignificant(rate)
    return { from, to, rate: parseRate(rateText), rateText, rateDate, source }
  }

  private currencies(): Set<CurrencyCode> {
    const set = new Set<CurrencyCode>()
    for (const key of this.series.keys()) {
      const [base, quote] = key.split('/') as [CurrencyCode, CurrencyCode]
      set.add(base).add(quote)
    }
    return set
  }

  resolve(from: CurrencyCode, to: CurrencyCode, asOf: string): ResolvedRate | null {
    if (from === to) return { from, to, rate: { num: 1n, den: 1n }, rateText: '1', rateDate: asOf, source: 'identity' }
    const direct = this.leg(from, to, asOf)
    if (direct) return FxTable.settle(from, to, direct.rate, direct.stored, direct.date, direct.source)
    // Cross through a shared currency; the reported date is the older leg's (the figure is as old as its oldest input).
    let best: ResolvedRate | null = null
    for (const via of this.currencies()) {
      if (via === from || via === to) continue
      const first = this.leg(from, via, asOf)
      const second = first && this.leg(via, to, asOf)
      if (!first || !second) continue
      const rate = { num: first.rate.num * second.rate.num, den: first.rate.den * second.rate.den }
      const rateDate = first.date < second.date ? first.date : second.date
      const source = first.source === second.source ? `${first.source} via ${via}` : `${first.source}+${second.source} via ${via}`
      if (!best || rateDate > best.rateDate) best = FxTable.settle(from, to, rate, null, rateDate, source)
    }
    return best
  }
}
