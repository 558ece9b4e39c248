import { describe, expect, it } from 'vitest'
import { currencyExponent } from './currencies.js'
import { currencyCode } from './domain.js'
import { divideHalfEven, formatMoney, parseMinor, sumMinor, toDecimalString } from './money.js'

describe('currency exponents', () => {
  it.each([
    ['JPY', 0], ['KRW', 0], ['CNY', 2], ['USD', 2], ['EUR', 2], ['HKD', 2], ['SGD', 2], ['GBP', 2], ['KWD', 3], ['BHD', 3],
  ])('%s has %i decimals', (code, exponent) => expect(currencyExponent(code)).toBe(exponent))

  it('refuses to guess for an unknown code', () => {
    expect(() => currencyExponent('XYZ')).toThrow(/unknown currency code "XYZ"/)
    const result = currencyCode.safeParse('usd')
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toMatch(/unknown currency code "usd"/)
  })
})

describe('parseMinor', () => {
  it('parses decimals exactly into minor units', () => {
    expect(parseMinor('1234.56', 'CNY')).toBe(123456n)
    expect(parseMinor('-0,5', 'EUR')).toBe(-50n)
    expect(parseMinor('1200', 'JPY')).toBe(1200n)
    expect(parseMinor('1.234', 'KWD')).toBe(1234n)
    expect(parseMinor('92233720368547758.07', 'USD')).toBe(9223372036854775807n)
    expect(parseMinor('0.10000', 'USD')).toBe(10n)
  })

  it('rejects what it cannot represent instead of rounding', () => {
    expect(() => parseMinor('1.005', 'USD')).toThrow(/more than 2 decimal places/)
    expect(() => parseMinor('1.5', 'JPY')).toThrow(/more than 0 decimal places/)
    expect(() => parseMinor('12a', 'USD')).toThrow(/not a decimal amount/)
    expect(() => parseMinor('', 'USD')).toThrow(/not a decimal amount/)
  })
})

describe('toDecimalString and formatMoney', () => {
  it('writes plain decimals with the currency exponent', () => {
    expect(toDecimalString(-123456n, 'CNY')).toBe('-1234.56')
    expect(toDecimalString(5n, 'KWD')).toBe('0.005')
    expect(toDecimalString(-7n, 'USD')).toBe('-0.07')
    expect(toDecimalString(1500n, 'JPY')).toBe('1500')
  })

  it('formats per locale without losing precision beyond 2^53', () => {
    expect(formatMoney(123456789n, 'USD', 'en')).toBe('$1,234,567.89')
    expect(formatMoney(123456789n, 'CNY', 'zh-CN')).toBe('¥1,234,567.89')
    expect(formatMoney(1500n, 'JPY', 'en')).toBe('¥1,500')
    expect(formatMoney(9007199254740993n, 'USD', 'en')).toBe('$90,071,992,547,409.93')
    expect(formatMoney(-5n, 'KWD', 'en', { display: 'code' })).toMatch(/-KWD\s0\.005|KWD\s-0\.005/)
  })

  it('names every currency apart: no two of a group’s currencies share a symbol in either language', () => {
    const currencies = ['CNY', 'USD', 'HKD', 'SGD', 'JPY', 'EUR', 'GBP', 'AUD', 'CAD']
    for (const locale of ['zh-CN', 'en'] as const) {
      const texts = currencies.map((c) => formatMoney(100n, c, locale).replace(/[\d.,\s]/g, ''))
      expect(new Set(texts).size, `${locale}: ${texts.join(' ')}`).toBe(currencies.length)
    }
    expect(formatMoney(123456789n, 'USD', 'zh-CN')).toBe('US$1,234,567.89')
    expect(formatMoney(123456789n, 'HKD', 'zh-CN')).toBe('HK$1,234,567.89')
    expect(formatMoney(1500n, 'JPY', 'zh-CN')).toBe('JP¥1,500')
    expect(formatMoney(123456789n, 'CNY', 'en')).toBe('CN¥1,234,567.89')
    // Compact too (chart labels and axes).
    expect(formatMoney(12345678900n, 'USD', 'zh-CN', { compact: true })).toBe('US$1.2亿')
    expect(formatMoney(12345678900n, 'CNY', 'en', { compact: true })).toBe('CN¥123.5M')
  })

  it('sums bigint amounts', () => {
    expect(sumMinor([1n, 2n, -3n])).toBe(0n)
    expect(sumMinor([])).toBe(0n)
  })
})

describe('divideHalfEven', () => {
  it.each([
    [5n, 2n, 2n], [15n, 2n, 8n], [25n, 10n, 2n], [35n, 10n, 4n], [-5n, 2n, -2n], [-15n, 2n, -8n],
    [7n, 3n, 2n], [8n, 3n, 3n], [-7n, 3n, -2n], [1n, -2n, 0n], [3n, -2n, -2n],
  ])('%s / %s = %s', (n, d, q) => expect(divideHalfEven(n, d)).toBe(q))

  it('refuses division by zero', () => expect(() => divideHalfEven(1n, 0n)).toThrow(/division by zero/))
})
