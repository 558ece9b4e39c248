import { isCurrencyCode } from '@treasury/shared/currencies'
import { convertMinor, parseRate } from '@treasury/shared/fx'

/** A rate the server used: 1 unit of `currency` = `rate` units of the reporting currency. */
export interface RateUsed {
  currency: string
  rate: string
  rateDate: string
  source: string
}

/**
 * Converts minor units into the reporting currency with exactly the rate the server used for the
 * same figure (rounded half-even once, like the server), or null when there is no such rate:
 * the client never invents a rate.
 *
 * @example
 * convertWithRates(10_000n, 'USD', 'CNY', [{ currency: 'USD', rate: '7.1000000000', … }]) // 71_000n
 */
export function convertWithRates(amount: bigint, from: string, to: string, rates: readonly RateUsed[]): bigint | null {
  if (from === to) return amount
  const used = rates.find((r) => r.currency === from)
  if (!used || !isCurrencyCode(from) || !isCurrencyCode(to)) return null
  return convertMinor(amount, from, to, parseRate(used.rate))
}

/** Change between two amounts: absolute and in basis points of the earlier (null when it is zero). */
export function change(current: bigint, previous: bigint): { delta: bigint; basisPoints: bigint | null } {
  const delta = current - previous
  if (previous === 0n) return { delta, basisPoints: null }
  const abs = previous < 0n ? -previous : previous
  return { delta, basisPoints: (delta * 10_000n) / abs }
}

/** Basis points as a signed percentage with two decimals: 123n → "+1.23%". */
export function formatBasisPoints(bp: bigint): string {
  const sign = bp > 0n ? '+' : bp < 0n ? '−' : ''
  const abs = bp < 0n ? -bp : bp
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}%`
}
