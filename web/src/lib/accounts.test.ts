import { describe, expect, it } from 'vitest'
import { account } from '@/test/fixtures'
import { filterAccounts, totalsByCurrency } from './accounts'

const lookups = {
  bankName: (id: string) => ({ bnk_hsbc: 'HSBC', bnk_icbc: 'ICBC' })[id] ?? id,
  entityName: (id: string) => ({ ent_hk: 'Ocean HK', ent_zs: 'Ocean Zhoushan' })[id] ?? id,
}
const items = [
  account({ id: 'a1', bankId: 'bnk_hsbc', entityId: 'ent_hk', currency: 'USD', bookedBalance: 500n, region: { code: 'HK', nameZh: '香港', nameEn: 'Hong Kong' } }),
  account({ id: 'a2', bankId: 'bnk_hsbc', entityId: 'ent_hk', currency: 'HKD', bookedBalance: 9_000n, region: { code: 'HK', nameZh: '香港', nameEn: 'Hong Kong' } }),
  account({ id: 'a3', bankId: 'bnk_icbc', entityId: 'ent_zs', currency: 'USD', bookedBalance: 700n, stale: true, asOf: new Date('2026-11-20T00:00:00Z') }),
  account({ id: 'a4', bankId: 'bnk_hsbc', entityId: 'ent_hk', currency: 'USD', bookedBalance: 300n, name: 'Collections USD', region: { code: 'HK', nameZh: '香港', nameEn: 'Hong Kong' } }),
]

describe('filterAccounts', () => {
  it('answers "USD at HSBC in Hong Kong" with per-currency totals and the oldest as-of', () => {
    const found = filterAccounts(items, { bank: 'bnk_hsbc', ccy: 'USD', region: 'HK' }, lookups)
    expect(found.map((a) => a.id)).toEqual(['a1', 'a4'])
    expect(totalsByCurrency(found)).toEqual([{ currency: 'USD', booked: 800n, available: 200n, accounts: 2, withoutBalance: 0, oldest: items[0]!.asOf }])
  })

  it('counts accounts without a balance instead of hiding them in the total', () => {
    const none = account({ id: 'a5', currency: 'USD', bookedBalance: null, availableBalance: null, asOf: null })
    expect(totalsByCurrency([items[0]!, none])).toEqual([{ currency: 'USD', booked: 500n, available: 100n, accounts: 2, withoutBalance: 1, oldest: items[0]!.asOf }])
  })

  it('searches bank and company names as well as the account', () => {
    expect(filterAccounts(items, { q: 'zhoushan' }, lookups).map((a) => a.id)).toEqual(['a3'])
    expect(filterAccounts(items, { q: 'collections' }, lookups).map((a) => a.id)).toEqual(['a4'])
  })

  it('filters not-current balances', () => {
    expect(filterAccounts(items, { stale: true }, lookups).map((a) => a.id)).toEqual(['a3'])
  })

  it('sorts balances within a currency, never across currencies by digit count', () => {
    const sorted = filterAccounts(items, { sort: { key: 'booked', order: 'desc' } }, lookups)
    expect(sorted.map((a) => `${a.currency}:${a.bookedBalance}`)).toEqual(['HKD:9000', 'USD:700', 'USD:500', 'USD:300'])
    const asc = filterAccounts(items, { sort: { key: 'bank', order: 'asc' } }, lookups)
    expect(asc.map((a) => a.bankId)).toEqual(['bnk_hsbc', 'bnk_hsbc', 'bnk_hsbc', 'bnk_icbc'])
  })
})
