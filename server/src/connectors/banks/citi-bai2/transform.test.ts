import { readFileSync } from 'node:fs'
import { InvalidResponseError } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { asOfInstant, parseReport, parseWireText, toAccounts, toBalances, toEntries } from './transform.js'

// Reports recorded from the BAI2 API: a prior-day report of two days (88 continuations of the
// wire text) and a current-day report, for a USD cash-pool account.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
const account = { number: '0803061337', currency: 'USD' as const }

describe('BAI2 API transform', () => {
  it('maps the account list', () => {
    expect(toAccounts({ accounts: [{ accountNumber: '0803061337', currencyCode: 'USD', accountName: 'Cash pool header USD', status: 'ACTIVE' }] })).toEqual([
      { ref: '0803061337', number: '0803061337', iban: null, currency: 'USD', name: 'Cash pool header USD' },
    ])
  })

  it('reads one statement per as-of day, with the 02 as-of time the shared parser drops', () => {
    const report = parseReport(fixture('prior-day.bai'), account, 'prior-day')
    expect(report.statements.map((s) => s.from)).toEqual(['2026-11-16', '2026-11-17'])
    expect([...report.asOfTimes]).toEqual([
      ['2026-11-16', '2303'],
      ['2026-11-17', '2303'],
    ])
    const reportedAt = asOfInstant('2026-11-16', '2303', '+08:00')
    expect(reportedAt.toISOString()).toBe('2026-11-16T15:03:00.000Z')
    expect(toBalances(report.statements[0]!, 'USD', reportedAt).map((b) => [b.date, b.type, b.amount])).toEqual([
      ['2026-11-16', 'OPBD', 685243639n],
      ['2026-11-16', 'CLBD', 683374913n],
      ['2026-11-16', 'CLAV', 683374913n],
    ])
  })

  it('maps 16 details: sign from the type code, the BAI code, keyed wire text over 88 records, customer reference as end-to-end id', () => {
    const entries = toEntries(parseReport(fixture('prior-day.bai'), account, 'prior-day').statements[0]!, 'USD')
    expect(entries).toHaveLength(4)
    expect(entries[0]).toEqual({
      bookingDate: '2026-11-16',
      valueDate: '2026-11-16',
      amount: -17614655n,
      currency: 'USD',
      status: 'booked',
      bankReference: 'CITI2611160382822',
      endToEndId: 'ZOG017326111600594',
      counterpartyName: 'Zhoushan Ocean Ship Management (Singapore) Pte. Ltd.',
      counterpartyAccount: '0037719581',
      counterpartyBank: 'DBSSSGSG',
      purpose: 'Cash pool funding',
      bankTransactionCode: '575',
    })
    expect(entries[3]).toMatchObject({ amount: 49550000n, endToEndId: null, counterpartyName: 'Zhoushan Ocean Bunkering (Singapore) Pte. Ltd.', bankTransactionCode: '275' })
  })

  it('reads a value date from funds type V', () => {
    const text = fixture('prior-day.bai').replace('16,275,49550000,0,CITI2611160382840', '16,275,49550000,V,261118,,CITI2611160382840')
    expect(toEntries(parseReport(text, account, 'p').statements[0]!, 'USD')[3]).toMatchObject({ bookingDate: '2026-11-16', valueDate: '2026-11-18' })
  })

  it('maps the current-day report: 030 current ledger → ITBD, 060 current available → ITAV', () => {
    const report = parseReport(fixture('current-day.bai'), account, 'current-day')
    expect(toBalances(report.statements[0]!, 'USD', asOfInstant('2026-11-18', report.asOfTimes.get('2026-11-18')!, '+08:00')).map((b) => [b.type, b.amount, b.reportedAt.toISOString()])).toEqual([
      ['OPBD', 619324563n, '2026-11-18T02:00:00.000Z'],
      ['ITBD', 619324563n, '2026-11-18T02:00:00.000Z'],
      ['ITAV', 619324563n, '2026-11-18T02:00:00.000Z'],
    ])
  })

  it('reads keyed wire text, and unkeyed text as remittance', () => {
    expect(parseWireText('/BNF/Hanseatic Shipbrokers GmbH/ACC/DE89370400440532013000/OBI/Freight INV/2026/77')).toEqual({
      name: 'Hanseatic Shipbrokers GmbH',
      account: 'DE89370400440532013000',
      bank: null,
      purpose: 'Freight INV/2026/77',
    })
    expect(parseWireText('INCOMING WIRE')).toEqual({ name: null, account: null, bank: null, purpose: 'INCOMING WIRE' })
    expect(parseWireText(undefined)).toEqual({ name: null, account: null, bank: null, purpose: null })
  })

  it('rejects a truncated report and another account’s report', () => {
    const text = fixture('prior-day.bai')
    expect(() => parseReport(text.slice(0, text.indexOf('99,')), account, 'p')).toThrow(InvalidResponseError)
    expect(() => parseReport(text, { number: '0800000000', currency: 'USD' }, 'p')).toThrow(/not \*\*\*\*0000/)
    expect(() => parseReport(text, { number: '0803061337', currency: 'SGD' }, 'p')).toThrow(/in USD/)
  })
})
