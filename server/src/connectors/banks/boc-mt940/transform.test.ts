import { readFileSync } from 'node:fs'
import { InvalidResponseError, type ConnectorTransaction } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import type { DemoAccount } from '../../../demo/index.js'
import type { LedgerDay } from '../demo.js'
import { MT940_BANKS, renderMt940 } from './simulator.js'
import { deriveIntradayBalances, latestFiles, parseStatements, statementDay, toAccounts, toEntries, toOutbox, toStatementBalances } from './transform.js'

// Files recorded from the gateway: two MT940 days of a USD pool account (one multi-file download,
// SWIFT envelope, structured :86:), today's MT942, the HTD account list and an outbox listing.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url))
const account = { number: '358829781165', currency: 'USD' as const }

describe('MT940 gateway transform', () => {
  it('reads the accounts from HTD', () => {
    expect(toAccounts(fixture('htd.xml').toString('utf8'))).toEqual([
      { ref: '358829781165', number: '358829781165', iban: null, currency: 'USD', name: '跨境资金池主账户（美元）' },
      { ref: '351477871788', number: '351477871788', iban: null, currency: 'CNY', name: '基本存款账户' },
    ])
  })

  it('keeps the latest delivery of a re-delivered day, sorted by day', () => {
    const files = toOutbox(JSON.parse(fixture('outbox.json').toString('utf8')))
    expect(files.map((f) => f.name)).toEqual(['358829781165_20261118_1.sta', '358829781165_20261118_2.sta', '358829781165_20261119_1.sta', '358829781165_20261120_1.vmk'])
    expect(latestFiles(files).map((f) => [f.name, f.format])).toEqual([
      ['358829781165_20261118_2.sta', 'mt940'],
      ['358829781165_20261119_1.sta', 'mt940'],
      ['358829781165_20261120_1.vmk', 'mt942'],
    ])
  })

  it('parses a multi-file download into one statement per day, re-dating :60F: to the statement’s day', () => {
    const statements = parseStatements(fixture('two-days.sta'), 'mt940', account, 'download')
    expect(statements.map(statementDay)).toEqual(['2026-11-18', '2026-11-19'])
    const reportedAt = new Date('2026-11-18T15:45:31Z')
    expect(toStatementBalances(statements[0]!, 'USD', reportedAt).map((b) => [b.date, b.type, b.amount])).toEqual([
      ['2026-11-18', 'OPBD', 2868188081n],
      ['2026-11-18', 'CLBD', 2377653277n],
      ['2026-11-18', 'CLAV', 2377653277n],
    ])
  })

  it('maps :61:/:86: to entries: sign, minor units, bank reference, ISO code from /TRTP/, wrapped counterparty and EREF', () => {
    const [first] = parseStatements(fixture('two-days.sta'), 'mt940', account, 'download')
    const entries = toEntries(first!, 'USD')
    expect(entries).toHaveLength(7)
    expect(entries[0]).toEqual({
      bookingDate: '2026-11-18',
      valueDate: '2026-11-18',
      amount: -347000000n,
      currency: 'USD',
      status: 'booked',
      bankReference: 'BOC2611180849328',
      endToEndId: 'ZOG001426111800940',
      counterpartyName: 'Zhoushan Ocean Shipyard Co., Ltd.',
      counterpartyAccount: '358842358910',
      counterpartyBank: 'BKCHCNBJ',
      purpose: 'Cash pool funding',
      bankTransactionCode: 'CAMT-ACCB-TOPG',
    })
    expect(entries[1]).toMatchObject({ amount: 71184069n, endToEndId: null, counterpartyBank: 'BOTKJPJT', purpose: 'Cash pool sweep' })
  })

  it('derives today’s OPBD/ITBD from yesterday’s closing and the MT942 movements', () => {
    const [report] = parseStatements(fixture('intraday.vmk'), 'mt942', account, 'vmk')
    expect(statementDay(report!)).toBe('2026-11-20')
    expect(toEntries(report!, 'USD').map((e) => e.amount)).toEqual([616942644n, -160989057n, -579000000n, -419293177n])
    const balances = deriveIntradayBalances(3707623245n, report!, '2026-11-20', 'USD')
    expect(balances.map((b) => [b.type, b.amount, b.reportedAt.toISOString()])).toEqual([
      ['OPBD', 3707623245n, '2026-11-20T02:00:00.000Z'],
      ['ITBD', 3707623245n + 616942644n - 1159282234n, '2026-11-20T02:00:00.000Z'],
    ])
    expect(deriveIntradayBalances(null, report!, '2026-11-20', 'USD')).toEqual([])
  })

  it('joins a day split over several messages (:62M:/:60M:) back into one statement', () => {
    const entries: ConnectorTransaction[] = Array.from({ length: 45 }, (_, i) => ({
      bookingDate: '2026-11-19',
      valueDate: '2026-11-19',
      amount: i % 2 ? -1000n - BigInt(i) : 2500n + BigInt(i),
      currency: 'CNY',
      status: 'booked',
      bankReference: `BOC26111900000${String(i).padStart(2, '0')}`,
      endToEndId: null,
      counterpartyName: '宁波港务集团有限公司',
      counterpartyAccount: '3901000011112222333',
      counterpartyBank: '中国银行宁波分行',
      purpose: `货款 合同号 2026-${i}`,
      bankTransactionCode: 'PMNT-RCDT-DMCT',
    }))
    const moved = entries.reduce((s, e) => s + e.amount, 0n)
    const day: LedgerDay = { date: '2026-11-19', intraday: false, opening: 100_000n, closing: 100_000n + moved, available: 100_000n + moved, reportedAt: '2026-11-19T15:40:00.000Z', entries }
    const demoAccount = { number: '358800001111', currency: 'CNY' } as DemoAccount
    const text = renderMt940(MT940_BANKS.bnk_boc!, demoAccount, day, '2026-11-18', 1)
    expect(text.match(/:62M:/g)).toHaveLength(1)
    const statements = parseStatements(new TextEncoder().encode(text), 'mt940', demoAccount, 'paged')
    expect(statements).toHaveLength(1)
    expect(toEntries(statements[0]!, 'CNY')).toEqual(entries)
    expect(toStatementBalances(statements[0]!, 'CNY', new Date(day.reportedAt)).map((b) => [b.type, b.amount])).toEqual([
      ['OPBD', 100_000n],
      ['CLBD', 100_000n + moved],
      ['CLAV', 100_000n + moved],
    ])
  })

  it('rejects garbage and statements of another account as invalid responses', () => {
    expect(() => parseStatements(new TextEncoder().encode(':20:X\n:25:BKCHCNBJ/1\n:60F:C261118USD1,00\n:61:garbage\n'), 'mt940', account, 'x')).toThrow(InvalidResponseError)
    expect(() => parseStatements(fixture('two-days.sta'), 'mt940', { number: '999', currency: 'USD' }, 'x')).toThrow(/not \*\*\*\*999/)
    expect(() => toOutbox({ returnCode: '000000', files: [{ name: 'statement.txt' }] })).toThrow(InvalidResponseError)
    expect(() => toAccounts('<HTDResponseOrderData><AccountInfo Currency="XXX"><AccountNumber>1</AccountNumber></AccountInfo></HTDResponseOrderData>')).toThrow(/not ISO 4217/)
  })
})
