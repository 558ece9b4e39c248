import { describe, expect, it } from 'vitest'
import {
  parseAccountFilters,
  parseAreaQuery,
  parseGlobalQuery,
  parseOverviewQuery,
  parseTransactionFilters,
  toQuery,
  withoutIssues,
} from './url-state'

describe('parseGlobalQuery', () => {
  it('reads currency, as-of date and member company', () => {
    expect(parseGlobalQuery({ currency: 'usd', asOf: '2026-11-20', entity: 'ent_hk' })).toEqual({
      state: { currency: 'USD', asOf: '2026-11-20', entityId: 'ent_hk' },
      issues: [],
    })
  })

  it('leaves absent and empty parameters to the defaults without complaint', () => {
    expect(parseGlobalQuery({ currency: '', asOf: undefined })).toEqual({ state: {}, issues: [] })
  })

  it('reports each malformed parameter and drops it', () => {
    const { state, issues } = parseGlobalQuery({ currency: 'XXX', asOf: '2026-02-30', entity: 'a b' })
    expect(state).toEqual({})
    expect(issues).toEqual([
      { param: 'currency', value: 'XXX', reason: 'currency' },
      { param: 'asOf', value: '2026-02-30', reason: 'date' },
      { param: 'entity', value: 'a b', reason: 'id' },
    ])
  })

  it('refuses an as-of day after the group’s today (no figures exist for it), and takes today itself', () => {
    expect(parseGlobalQuery({ asOf: '2026-11-28' }, '2026-11-27')).toEqual({ state: {}, issues: [{ param: 'asOf', value: '2026-11-28', reason: 'future' }] })
    expect(parseGlobalQuery({ asOf: '2026-11-27' }, '2026-11-27')).toEqual({ state: { asOf: '2026-11-27' }, issues: [] })
    expect(parseGlobalQuery({ asOf: '2030-01-01' }).issues).toEqual([{ param: 'asOf', value: '2030-01-01', reason: 'future' }])
  })

  it('treats a repeated parameter as malformed rather than guessing which one was meant', () => {
    const { state, issues } = parseGlobalQuery({ currency: ['USD', 'EUR'] })
    expect(state.currency).toBeUndefined()
    expect(issues).toEqual([{ param: 'currency', value: 'USD,EUR', reason: 'repeated' }])
  })
})

describe('page parameters', () => {
  it('defaults the overview breakdown to banks and rejects unknown groupings', () => {
    expect(parseOverviewQuery({}).state.by).toBe('bank')
    expect(parseOverviewQuery({ by: 'region' }).state.by).toBe('region')
    const bad = parseOverviewQuery({ by: 'planet' })
    expect(bad.state.by).toBe('bank')
    expect(bad.issues).toEqual([{ param: 'by', value: 'planet', reason: 'choice' }])
  })

  it('reads transaction filters and rejects reversed ranges', () => {
    expect(parseTransactionFilters({ from: '2026-01-01', to: '2026-01-31', min: '100', max: '2500.50', dir: 'out', q: ' rent ', account: 'acc_1' }).state).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      min: '100',
      max: '2500.50',
      dir: 'out',
      q: 'rent',
      account: 'acc_1',
    })
    const reversed = parseTransactionFilters({ from: '2026-02-01', to: '2026-01-01' })
    expect(reversed.state).toEqual({})
    expect(reversed.issues[0]).toMatchObject({ param: 'from', reason: 'range' })
    expect(parseTransactionFilters({ min: '1,000' }).issues).toEqual([{ param: 'min', value: '1,000', reason: 'amount' }])
    expect(parseTransactionFilters({ dir: 'sideways' }).issues[0]?.reason).toBe('choice')
  })

  it('reads account filters and sort order', () => {
    expect(parseAccountFilters({ bank: 'bnk_hsbc', ccy: 'usd', region: 'HK', type: 'operating', tier: 'II', stale: '1', sort: 'asOf:asc' }).state).toEqual({
      bank: 'bnk_hsbc',
      ccy: 'USD',
      region: 'HK',
      type: 'operating',
      tier: 'II',
      stale: true,
      sort: { key: 'asOf', order: 'asc' },
    })
    expect(parseAccountFilters({ sort: 'colour:up' }).issues).toEqual([{ param: 'sort', value: 'colour:up', reason: 'choice' }])
  })

  it('keeps the accounts table’s page (the first page is the default, not written)', () => {
    expect(parseAccountFilters({ page: '3' }).state).toEqual({ page: 3 })
    expect(parseAccountFilters({ page: '1' })).toEqual({ state: {}, issues: [] })
    for (const bad of ['0', '-2', '2.5', '02', 'two']) {
      expect(parseAccountFilters({ page: bad })).toEqual({ state: {}, issues: [{ param: 'page', value: bad, reason: 'page' }] })
    }
  })

  it('validates the parameters of the page being entered', () => {
    expect(parseAreaQuery('transactions', { dir: 'x' })).toHaveLength(1)
    expect(parseAreaQuery(undefined, { dir: 'x' })).toEqual([])
  })
})

describe('cleaning and writing queries', () => {
  it('removes exactly the bad parameters (both ends of a bad range)', () => {
    const query = { currency: 'USD', asOf: 'nope', from: '2026-02-01', to: '2026-01-01', q: 'rent' }
    const issues = [...parseGlobalQuery(query).issues, ...parseTransactionFilters(query).issues]
    expect(withoutIssues(query, issues)).toEqual({ currency: 'USD', q: 'rent' })
  })

  it('leaves out empty values so equal states give equal URLs', () => {
    expect(toQuery({ a: 'x', b: undefined, c: '', d: false, e: true, f: null })).toEqual({ a: 'x', e: '1' })
  })
})
