import { describe, expect, it } from 'vitest'
import { transactionsListInput } from './api.js'

describe('transactionsListInput amount filters', () => {
  it('takes minor units as a bigint or a string of digits', () => {
    expect(transactionsListInput.parse({ limit: 10, minAmount: 150_000n, maxAmount: '420000' })).toMatchObject({ minAmount: 150_000n, maxAmount: 420_000n })
  })

  it('names what is wrong with an amount that is not whole minor units', () => {
    for (const [value, shown] of [
      ['99999999999999999999', '"99999999999999999999"'],
      ['1500.00', '"1500.00"'],
      ['', '""'],
    ] as const) {
      const result = transactionsListInput.safeParse({ limit: 10, minAmount: value })
      expect(result.success).toBe(false)
      expect(result.error!.issues).toEqual([
        expect.objectContaining({ path: ['minAmount'], message: `expected whole minor units: a bigint or a string of at most 18 digits (e.g. "150000" for 1,500.00), got ${shown}` }),
      ])
    }
    const number = transactionsListInput.safeParse({ limit: 10, maxAmount: 15.5 })
    expect(number.error!.issues).toEqual([expect.objectContaining({ path: ['maxAmount'], message: expect.stringMatching(/^expected whole minor units: a bigint or a string/) })])
  })
})
