import { describe, expect, it } from 'vitest'
import { toTransactionQuery, wantsNextPage } from './transactions'

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

describe('wantsNextPage', () => {
  const state = { visibleEnd: 350, loaded: 500, prefetchRows: 200, loading: false, done: false, error: null }
  it('asks once fewer than prefetchRows loaded rows lie below the visible ones', () => {
    expect(wantsNextPage(state)).toBe(true)
    expect(wantsNextPage({ ...state, visibleEnd: 299 })).toBe(false)
    expect(wantsNextPage({ ...state, visibleEnd: 300 })).toBe(true)
  })
  it('asks again while nothing is loaded yet but more may come (a search cut short by its budget)', () => {
    expect(wantsNextPage({ ...state, visibleEnd: 0, loaded: 0 })).toBe(true)
  })
  it('never while a page is loading, after the last page, or after an error (the retry asks)', () => {
    expect(wantsNextPage({ ...state, loading: true })).toBe(false)
    expect(wantsNextPage({ ...state, done: true })).toBe(false)
    expect(wantsNextPage({ ...state, error: 'network down' })).toBe(false)
  })
})
