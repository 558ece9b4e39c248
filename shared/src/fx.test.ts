import { describe, expect, it } from 'vitest'
import { fxRate, type FxRate } from './domain.js'
import { convertMinor, formatRate, formatSignificant, FxTable, parseRate } from './fx.js'

const rate = (date: string, base: string, quote: string, value: string, source = 'PBOC') =>
  fxRate.parse({ date, base, quote, rate: value, source }) as FxRate

describe('convertMinor', () => {
  it('converts across exponents with half-even rounding', () => {
    expect(convertMinor(100n, 'USD', 'JPY', parseRate('151.235'))).toBe(151n) // 151.235 → 151
    expect(convertMinor(100n, 'USD', 'JPY', parseRate('151.5'))).toBe(152n) // tie → even
    expect(convertMinor(100n, 'USD', 'JPY', parseRate('152.5'))).toBe(152n) // tie → even
    expect(convertMinor(1000n, 'JPY', 'CNY', parseRate('0.0475'))).toBe(4750n) // ¥1000 → ¥47.50
    expect(convertMinor(1n, 'USD', 'KWD', parseRate('0.305'))).toBe(3n) // 0.01 USD → 0.00305 KWD → 0.003
    expect(convertMinor(-12345n, 'USD', 'CNY', parseRate('7.1234567890'))).toBe(-87939n) // -879.39
  })

  it('is exact for amounts beyond 2^53', () => {
    expect(convertMinor(9007199254740993n, 'USD', 'CNY', parseRate('7'))).toBe(63050394783186951n)
  })
})

describe('FxTable', () => {
  const table = new FxTable([
    rate('2026-11-20', 'USD', 'CNY', '7.1000000000'),
    rate('2026-11-23', 'USD', 'CNY', '7.2000000000'),
    rate('2026-11-23', 'HKD', 'CNY', '0.9100000000'),
    rate('2026-11-21', 'EUR', 'USD', '1.0500000000', 'ECB'),
  ])

  it('uses the rate of the day, or the latest before it, and reports which', () => {
    expect(table.resolve('USD', 'CNY', '2026-11-23')).toMatchObject({ rateText: '7.2000000000', rateDate: '2026-11-23', source: 'PBOC' })
    expect(table.resolve('USD', 'CNY', '2026-11-22')).toMatchObject({ rateText: '7.1000000000', rateDate: '2026-11-20' })
    // Never a later rate for an earlier day: history is valued at its own rates.
    expect(table.resolve('USD', 'CNY', '2026-11-19')).toBeNull()
  })

  it('inverts a stored pair, rounded to 12 significant digits, and uses exactly the rate it reports', () => {
    const r = table.resolve('CNY', 'USD', '2026-11-23')!
    expect(r.rateText).toBe('0.138888888889')
    expect(r.rate).toEqual(parseRate('0.138888888889'))
    expect(convertMinor(720n, 'CNY', 'USD', r.rate)).toBe(100n)
  })

  it('keeps a stored rate exactly as stored', () => {
    const precise = new FxTable([rate('2026-11-23', 'JPY', 'CNY', '0.04712345678912')])
    expect(precise.resolve('JPY', 'CNY', '2026-11-23')!.rateText).toBe('0.04712345678912')
  })

  it('formats significant digits for large and small rates', () => {
    expect(formatSignificant({ num: 1n, den: 3n })).toBe('0.333333333333')
    expect(formatSignificant({ num: 2000000n, den: 3n })).toBe('666666.666667')
    expect(formatSignificant({ num: 1n, den: 30000n })).toBe('0.0000333333333333')
    expect(formatRate({ num: 1n, den: 8n }, 2)).toBe('0.12')
  })

  it('crosses through a shared currency and dates the result by its older leg', () => {
    const r = table.resolve('HKD', 'USD', '2026-11-23')!
    expect(r.source).toBe('PBOC via CNY')
    expect(convertMinor(72000n, 'HKD', 'USD', r.rate)).toBe(9100n) // 720 HKD × 0.91 / 7.2
    const eur = table.resolve('EUR', 'CNY', '2026-11-23')!
    expect(eur.rateDate).toBe('2026-11-21')
    expect(eur.rateText).toBe('7.56000000000')
    expect(eur.source).toBe('ECB+PBOC via USD')
  })

  it('answers null, never 1:1, for a currency without any rate', () => {
    expect(table.resolve('SGD', 'CNY', '2026-11-23')).toBeNull()
    expect(table.resolve('CNY', 'CNY', '2026-11-23')?.rateText).toBe('1')
  })

  it('validates rates at the boundary', () => {
    expect(fxRate.safeParse({ date: '2026-02-30', base: 'USD', quote: 'CNY', rate: '7.1', source: 'x' }).success).toBe(false)
    expect(fxRate.safeParse({ date: '2026-02-03', base: 'USD', quote: 'CNY', rate: '0', source: 'x' }).success).toBe(false)
    expect(fxRate.safeParse({ date: '2026-02-03', base: 'USD', quote: 'CNY', rate: '7.1e3', source: 'x' }).success).toBe(false)
  })
})
