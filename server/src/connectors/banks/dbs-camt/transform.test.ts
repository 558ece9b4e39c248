import { readFileSync } from 'node:fs'
import { InvalidResponseError } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { parseCamtPage, toAccounts, toBalances, toEntries, toStatementRequest } from './transform.js'

// Pages recorded from the camt API (camt.053.001.08 for two closed days, camt.052.001.08 for today
// with one booked and one pending entry) and its account list.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
const account = { number: '0036462292', iban: null, currency: 'USD' as const }

describe('camt API transform', () => {
  it('maps the account list', () => {
    expect(toAccounts(JSON.parse(fixture('accounts.json')))).toEqual([
      { ref: '0036462292', number: '0036462292', iban: null, currency: 'USD', name: 'Current account USD' },
      { ref: '0033784157', number: '0033784157', iban: null, currency: 'USD', name: 'Current account USD' },
    ])
  })

  it('reads statement-request states, insisting a READY one names its message', () => {
    expect(toStatementRequest({ requestId: 'SR1', status: 'PENDING' })).toMatchObject({ status: 'PENDING' })
    expect(toStatementRequest({ requestId: 'SR1', status: 'READY', messageId: 'M1', totalPages: 2 })).toMatchObject({ messageId: 'M1', totalPages: 2 })
    expect(() => toStatementRequest({ requestId: 'SR1', status: 'READY' })).toThrow(InvalidResponseError)
    expect(() => toStatementRequest({ requestId: 'SR1', status: 'DONE' })).toThrow(InvalidResponseError)
  })

  it('maps camt.053 balances (OPBD/CLBD/CLAV per day) at the statement’s creation time', () => {
    const statements = parseCamtPage(fixture('camt053-page.xml'), 'camt053', account, 'page 1')
    expect(statements).toHaveLength(2)
    const balances = statements.flatMap((s) => toBalances(s, 'USD'))
    expect(balances.map((b) => [b.date, b.type, b.amount])).toEqual([
      ['2026-11-18', 'OPBD', 75162494n],
      ['2026-11-18', 'CLBD', 75162494n],
      ['2026-11-18', 'CLAV', 75162494n],
      ['2026-11-19', 'OPBD', 75162494n],
      ['2026-11-19', 'CLBD', 84632494n],
      ['2026-11-19', 'CLAV', 84632494n],
    ])
    expect(balances[3]!.reportedAt.toISOString()).toBe('2026-11-19T14:33:33.000Z')
  })

  it('maps an entry: sign from CdtDbtInd, ISO code joined, related party by direction, NOTPROVIDED is no id', () => {
    const [, day] = parseCamtPage(fixture('camt053-page.xml'), 'camt053', account, 'page 1')
    expect(toEntries(day!, 'USD')).toEqual([
      {
        bookingDate: '2026-11-19',
        valueDate: '2026-11-19',
        amount: 9470000n,
        currency: 'USD',
        status: 'booked',
        bankReference: 'DBS2611190777260',
        endToEndId: null,
        counterpartyName: 'Hanseatic Steel Trading GmbH',
        counterpartyAccount: '9651861208',
        counterpartyBank: 'COBADEFF',
        purpose: 'Charter hire INV-2026-14705',
        bankTransactionCode: 'PMNT-RCDT-XBCT',
      },
    ])
    const debit = fixture('camt053-page.xml')
      .replace('<CdtDbtInd>CRDT</CdtDbtInd><Sts>', '<CdtDbtInd>DBIT</CdtDbtInd><Sts>')
      .replaceAll('Dbtr', 'Cdtr')
      .replace('<EndToEndId>NOTPROVIDED</EndToEndId>', '<EndToEndId>ZOG0009261119000412</EndToEndId>')
    const [, debited] = parseCamtPage(debit, 'camt053', account, 'page 1')
    expect(toEntries(debited!, 'USD')[0]).toMatchObject({ amount: -9470000n, endToEndId: 'ZOG0009261119000412', counterpartyName: 'Hanseatic Steel Trading GmbH' })
  })

  it('maps camt.052: ITBD/ITAV and pending entries', () => {
    const [report] = parseCamtPage(fixture('camt052-page.xml'), 'camt052', account, 'report')
    expect(toBalances(report!, 'USD').map((b) => [b.date, b.type, b.amount])).toEqual([
      ['2026-11-20', 'OPBD', 84632494n],
      ['2026-11-20', 'ITBD', 84632494n],
      ['2026-11-20', 'ITAV', 84632494n],
    ])
    expect(toEntries(report!, 'USD').map((e) => [e.status, e.bankReference])).toEqual([
      ['booked', 'XDBS2611190777260'],
      ['pending', 'YDBS2611190777260'],
    ])
  })

  it('matches an IBAN account by IBAN', () => {
    const iban = fixture('camt053-page.xml').replaceAll('<Othr><Id>0036462292</Id></Othr>', '<IBAN>DE91500700100337508101</IBAN>')
    expect(parseCamtPage(iban, 'camt053', { number: '0337508101', iban: 'DE91500700100337508101', currency: 'USD' }, 'p')).toHaveLength(2)
  })

  it('rejects malformed XML, another account’s statement and a wrong message type', () => {
    expect(() => parseCamtPage(fixture('camt053-page.xml').slice(0, 900), 'camt053', account, 'p')).toThrow(InvalidResponseError)
    expect(() => parseCamtPage(fixture('camt053-page.xml'), 'camt053', { ...account, number: '0039999999' }, 'p')).toThrow(/not \*\*\*\*9999/)
    expect(() => parseCamtPage(fixture('camt052-page.xml'), 'camt053', account, 'p')).toThrow(InvalidResponseError)
    expect(() => toAccounts({ accounts: [{ accountId: 'a', accountNumber: '1', currency: 'SGX' }] })).toThrow(/not ISO 4217/)
  })
})
