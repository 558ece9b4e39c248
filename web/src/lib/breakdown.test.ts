import { describe, expect, it } from 'vitest'
import { account } from '@/test/fixtures'
import { breakdownFromAccounts, type BreakdownLookups } from './breakdown'

const fx = [{ currency: 'USD' as const, rate: '7.1', rateDate: '2026-11-27', source: 'PBOC' }]
const lookups: BreakdownLookups = {
  banks: new Map([
    ['bnk_icbc', { nameZh: '工商银行', nameEn: 'ICBC' }],
    ['bnk_hsbc', { nameZh: '汇丰银行', nameEn: 'HSBC' }],
  ]),
  entities: new Map([
    ['g', { id: 'g', parentId: null, nameZh: '集团', nameEn: 'Group' }],
    ['a', { id: 'a', parentId: 'g', nameZh: '甲', nameEn: 'A' }],
    ['a1', { id: 'a1', parentId: 'a', nameZh: '甲一', nameEn: 'A1' }],
    ['a11', { id: 'a11', parentId: 'a1', nameZh: '甲一一', nameEn: 'A11' }],
    ['b', { id: 'b', parentId: 'g', nameZh: '乙', nameEn: 'B' }],
  ]),
}
const accounts = [
  account({ id: '1', entityId: 'g', bankId: 'bnk_icbc', currency: 'CNY', bookedBalance: 1_000_00n }),
  account({ id: '2', entityId: 'a11', bankId: 'bnk_hsbc', currency: 'USD', bookedBalance: 100_00n }),
  account({ id: '3', entityId: 'a1', bankId: 'bnk_icbc', currency: 'CNY', bookedBalance: 50_00n }),
  account({ id: '4', entityId: 'b', bankId: 'bnk_hsbc', currency: 'EUR', bookedBalance: 9_99n }), // no EUR rate
  account({ id: '5', entityId: 'b', bankId: 'bnk_hsbc', currency: 'CNY', bookedBalance: null }), // no balance: left out
]
const summary = { currency: 'CNY' as const, fx }

describe('breakdownFromAccounts', () => {
  it('groups by bank with converted amounts and per-currency detail, largest first', () => {
    expect(breakdownFromAccounts(accounts, summary, 'bank', lookups)).toEqual([
      { key: 'bnk_icbc', label: '工商银行', labelEn: 'ICBC', amount: 1_050_00n, accounts: 2, byCurrency: [{ currency: 'CNY', amount: 1_050_00n }] },
      {
        key: 'bnk_hsbc',
        label: '汇丰银行',
        labelEn: 'HSBC',
        amount: 710_00n, // EUR has no rate: counted in byCurrency only, never at 1:1
        accounts: 2,
        byCurrency: [
          { currency: 'EUR', amount: 9_99n },
          { currency: 'USD', amount: 100_00n },
        ],
      },
    ])
  })

  it('rolls member companies up to the children of the scope, the root keeping its own row', () => {
    const rows = breakdownFromAccounts(accounts, summary, 'entity', lookups)
    expect(rows.map((r) => [r.key, r.amount])).toEqual([
      ['g', 1_000_00n],
      ['a', 760_00n],
      ['b', 0n],
    ])
    const inA = accounts.filter((a) => ['a', 'a1', 'a11'].includes(a.entityId))
    expect(breakdownFromAccounts(inA, summary, 'entity', { ...lookups, scopeEntityId: 'a' }).map((r) => [r.key, r.amount])).toEqual([['a1', 760_00n]])
  })

  it('adds up to the same total in every grouping', () => {
    const totals = (['bank', 'entity', 'currency', 'region', 'accountType'] as const).map((g) =>
      breakdownFromAccounts(accounts, summary, g, lookups).reduce((sum, r) => sum + r.amount, 0n),
    )
    expect(new Set(totals)).toEqual(new Set([1_760_00n]))
  })
})
