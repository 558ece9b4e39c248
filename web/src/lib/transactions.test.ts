import { describe, expect, it } from 'vitest'
import { toTransactionQuery } from './transactions'

describe('toTransactionQuery', () => {
  it('turns URL filters into the API query with amounts in minor units', () => {
    expect(toTransactionQuery({ from: '2026-01-01', min: '10000', max: '2500.5', dir: 'in', q: 'rent' }, { entityId: 'ent_a' })).toEqual({
      entityId: 'ent_a',
      accountId: undefined,
      from: '2026-01-01',
      to: undefined,
      minAmount: 1_000_000n,
      maxAmount: 250_050n,
      direction: 'in',
      q: 'rent',
    })
  })
  it('an account filter replaces the company scope', () => {
    expect(toTransactionQuery({ account: 'acc_9' }, { entityId: 'ent_a' })).toMatchObject({ accountId: 'acc_9', entityId: undefined })
  })
})
