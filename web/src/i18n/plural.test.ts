import { describe, expect, it } from 'vitest'
import { createAppI18n } from './index'

/** Messages that count something, with the named values they take besides the count (`n`, or `statements`). */
const COUNTED: [key: string, named: Record<string, unknown>][] = [
  ['honest.staleTitle', {}],
  ['honest.unconvertedTitle', {}],
  ['kpi.availableMissing', {}],
  ['kpi.staleSome', {}],
  ['kpi.unconverted', {}],
  ['overview.trendUnconverted', {}],
  ['accounts.subtitle', { scope: 'Whole group', date: '2026-11-27' }],
  ['accounts.totalsLine', { oldest: '2026-11-27 10:00' }],
  ['accounts.totalsWithoutBalance', {}],
  ['imports.unknownTitle', {}],
  ['imports.warningsCount', {}],
  ['connections.subtitle', {}],
  ['connections.failures', {}],
  ['connections.accountsLine', { stale: 0 }],
  ['connections.resultLine', { ok: 1, tx: '3' }],
  ['imports.done', { created: 4, duplicate: 0 }],
  ['transactions.summaryCount', {}],
]

/** The count under the names the messages give it. */
const count = (n: number) => ({ n, statements: n })

describe('counted messages', () => {
  const t = (locale: 'en' | 'zh-CN') => createAppI18n(locale).global.t as (key: string, named: Record<string, unknown>, plural: number) => string

  it.each(COUNTED)('%s says one thing in the singular and more in the plural in English', (key, named) => {
    const one = t('en')(key, { ...named, ...count(1) }, 1)
    const two = t('en')(key, { ...named, ...count(2) }, 2)
    expect(one).not.toContain('|')
    expect(one).not.toMatch(/\b1 (accounts|balances|currencies|days|warnings|failures|bank connections|statements|transactions)\b|\b1\/1 accounts\b|\(s\)/)
    expect(two).toMatch(/\b2 (\S+ )?(accounts|balances|currencies|days|warnings|failures|bank connections|statements|transactions)\b|\b2\/2 accounts\b|2 accounts/)
    expect(t('en')(key, { ...named, ...count(0) }, 0)).toContain('0')
  })

  it.each(COUNTED)('%s has one form in Chinese whatever the count', (key, named) => {
    expect(t('zh-CN')(key, { ...named, ...count(1) }, 1)).toBe(t('zh-CN')(key, { ...named, ...count(1) }, 5))
    expect(t('zh-CN')(key, { ...named, ...count(5) }, 5)).not.toContain('|')
  })

  it('counts nouns standing alone', () => {
    expect(['kpi.banks', 'kpi.accounts', 'kpi.entities'].map((k) => (createAppI18n('en').global.t as (k: string, n: number) => string)(k, 1))).toEqual(['bank', 'account', 'member company'])
    expect(['kpi.banks', 'kpi.accounts', 'kpi.entities'].map((k) => (createAppI18n('en').global.t as (k: string, n: number) => string)(k, 12))).toEqual(['banks', 'accounts', 'member companies'])
  })
})
