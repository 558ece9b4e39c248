import { describe, expect, it } from 'vitest'
import { account, summary } from '@/test/fixtures'
import { change, convertWithRates, formatBasisPoints } from './fx'
import { closingOn, computeKpis } from './kpis'

const usd = { currency: 'USD' as const, rate: '7.1234567890', rateDate: '2026-11-27', source: 'PBOC' }

describe('convertWithRates', () => {
  it('converts with the rate the server used, rounding half-even once', () => {
    expect(convertWithRates(100_00n, 'USD', 'CNY', [usd])).toBe(712_35n)
    expect(convertWithRates(5n, 'CNY', 'CNY', [])).toBe(5n)
  })
  it('never guesses a missing rate', () => {
    expect(convertWithRates(100n, 'EUR', 'CNY', [usd])).toBeNull()
  })
})

describe('change', () => {
  it('gives the delta and basis points of the earlier figure', () => {
    expect(change(110n, 100n)).toEqual({ delta: 10n, basisPoints: 1000n })
    expect(change(90n, 100n)).toEqual({ delta: -10n, basisPoints: -1000n })
    expect(change(5n, 0n).basisPoints).toBeNull()
    expect(formatBasisPoints(1234n)).toBe('+12.34%')
    expect(formatBasisPoints(-5n)).toBe('−0.05%')
    expect(formatBasisPoints(0n)).toBe('0.00%')
  })
})

describe('computeKpis', () => {
  it('counts banks, accounts and companies and converts available balances at the summary’s rates', () => {
    const kpis = computeKpis(summary({ fx: [usd], stale: [{ accountId: 'acc_3', asOf: null, reason: 'no-balance', balanceDate: null }] }), [
      account({ id: 'acc_1', bankId: 'b1', entityId: 'e1', bookedBalance: 1_000_00n, availableBalance: 900_00n }),
      account({ id: 'acc_2', bankId: 'b2', entityId: 'e1', currency: 'USD', bookedBalance: 100_00n, availableBalance: 100_00n }),
      account({ id: 'acc_3', bankId: 'b2', entityId: 'e2', currency: 'EUR', bookedBalance: null, availableBalance: null }),
    ])
    expect(kpis).toMatchObject({ banks: 2, accounts: 3, entities: 2, stale: 1, missingAvailable: 1 })
    expect(kpis.available).toBe(900_00n + 712_35n)
    expect(kpis.booked).toBe(1_000_000_00n) // the server's total, never recomputed here
  })
})

describe('closingOn', () => {
  it('finds the trend closing of a day', () => {
    const points = [
      { date: '2026-11-26', closing: 5n },
      { date: '2026-11-27', closing: 7n },
    ]
    expect(closingOn(points, '2026-11-26')).toBe(5n)
    expect(closingOn(points, '2026-10-01')).toBeNull()
  })
})
