import { formatRate, type CurrencyCode, type FxRate } from '@treasury/shared'
import type { DemoDay } from './calendar.js'
import { hashSeed, Rng } from './prng.js'

/** The demo's FX source: the PBOC central parity (人民币汇率中间价), published per day here. */
export const DEMO_FX_SOURCE = 'PBOC'

/** Places the rates are stored with: "7.123456789012" has 13 significant digits, JPY's 11. */
const RATE_PLACES = 12
const SCALE = 1e12

/** A mean-reverting random walk step: pulls `value` towards `mean`, plus a relative shock. */
function step(rng: Rng, value: number, mean: number, reversion: number, dailyVolatility: number): number {
  return value + reversion * (mean - value) + value * dailyVolatility * rng.normal()
}

function rateText(value: number): string {
  return formatRate({ num: BigInt(Math.round(value * SCALE)), den: BigInt(SCALE) }, RATE_PLACES)
}

/**
 * One rate per day and currency, base USD/EUR/HKD/SGD/JPY, quote CNY, for every day of the period.
 * USD/CNY walks around 7.1; the others are crosses of USD walks (EUR/USD ≈ 1.09, USD/HKD inside
 * the 7.75–7.85 peg band, USD/SGD ≈ 1.34, USD/JPY ≈ 151) so they move together as real rates do.
 *
 * @example
 * demoFxRates(42, days)[0] // { date: days[0].date, base: 'USD', quote: 'CNY', rate: '7.1…', source: 'PBOC' }
 */
export function demoFxRates(seed: number, days: readonly DemoDay[]): FxRate[] {
  const rng = new Rng(hashSeed(seed, 'fx'))
  let usdCny = rng.between(7.05, 7.2)
  let eurUsd = rng.between(1.06, 1.12)
  let usdHkd = rng.between(7.78, 7.83)
  let usdSgd = rng.between(1.32, 1.36)
  let usdJpy = rng.between(145, 156)
  const rates: FxRate[] = []
  for (const day of days) {
    usdCny = step(rng, usdCny, 7.12, 0.01, 0.0012)
    eurUsd = step(rng, eurUsd, 1.09, 0.01, 0.004)
    usdHkd = Math.min(7.8499, Math.max(7.7501, step(rng, usdHkd, 7.8, 0.02, 0.0004)))
    usdSgd = step(rng, usdSgd, 1.34, 0.01, 0.0025)
    usdJpy = step(rng, usdJpy, 151, 0.01, 0.005)
    const perCny: [CurrencyCode, number][] = [
      ['USD', usdCny],
      ['EUR', eurUsd * usdCny],
      ['HKD', usdCny / usdHkd],
      ['SGD', usdCny / usdSgd],
      ['JPY', usdCny / usdJpy],
    ]
    for (const [base, value] of perCny) rates.push({ date: day.date, base, quote: 'CNY', rate: rateText(value), source: DEMO_FX_SOURCE })
  }
  return rates
}
