import { readFileSync } from 'node:fs'
import { InvalidResponseError } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { toAccounts, toBalancePage, toTransactionPage } from './transform.js'

// OBIE v3.1 payloads recorded from the bank (host rewritten), one entry made Pending and one
// Rejected to cover the statuses.
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'))

describe('Open Banking transform', () => {
  it('maps accounts: AccountId is the ref, the account identification the number', () => {
    expect(toAccounts(fixture('accounts.json'))).toEqual([
      { ref: 'acc-56242cafb46b484f', number: '652724574274', iban: null, currency: 'USD', name: 'Cash pool header USD' },
      { ref: 'acc-83a19673f3d86c28', number: '500987643274', iban: null, currency: 'USD', name: 'Current account USD' },
    ])
  })

  it('maps balances per day and type, dated by the written local date', () => {
    const { balances, next } = toBalancePage(fixture('balances.json'), 'USD')
    expect(next).toBeNull()
    expect(balances.map((b) => [b.date, b.type, b.amount])).toEqual([
      ['2026-11-18', 'OPBD', 450085402n],
      ['2026-11-18', 'CLBD', 457746378n],
      ['2026-11-18', 'CLAV', 457746378n],
      ['2026-11-19', 'OPBD', 457746378n],
      ['2026-11-19', 'CLBD', 396926859n],
      ['2026-11-19', 'CLAV', 396926859n],
      ['2026-11-20', 'OPBD', 396926859n],
      ['2026-11-20', 'ITBD', 320618858n],
      ['2026-11-20', 'ITAV', 320618858n],
    ])
    // 22:50:01 in Hong Kong is 14:50:01 UTC — the booking day stays the 18th.
    expect(balances[0]!.reportedAt.toISOString()).toBe('2026-11-18T14:50:01.000Z')
  })

  it('maps transactions: unsigned amount + indicator, the other party by direction, pending kept, rejected dropped', () => {
    const { transactions, next } = toTransactionPage(fixture('transactions.json'), 'USD')
    expect(next).toBe('https://api.hsbc.example/open-banking/v3.1/aisp/accounts/acc-56242cafb46b484f/transactions?fromBookingDateTime=2026-11-18T00%3A00%3A00&toBookingDateTime=2026-11-20T23%3A59%3A59&page=2')
    expect(transactions.map((t) => [t.bookingDate, t.status, t.amount, t.bankReference])).toEqual([
      ['2026-11-18', 'booked', 7660976n, 'HK2611180493167'],
      ['2026-11-19', 'booked', -8149126n, 'HK2611190493186'],
      ['2026-11-19', 'pending', -6051446n, 'HK2611190493204'],
    ])
    expect(transactions[0]).toEqual({
      bookingDate: '2026-11-18',
      valueDate: '2026-11-18',
      amount: 7660976n,
      currency: 'USD',
      status: 'booked',
      bankReference: 'HK2611180493167',
      endToEndId: null,
      counterpartyName: 'Zhoushan Ocean Shipping Europe GmbH',
      counterpartyAccount: 'DE91500700100337508101',
      counterpartyBank: 'DEUTDEFF',
      purpose: 'Cash pool sweep',
      bankTransactionCode: 'CAMT-ACCB-ZABA',
    })
    expect(transactions[1]).toMatchObject({ counterpartyName: 'Zhoushan Ocean Trading (Hong Kong) Limited', counterpartyBank: 'HSBCHKHH', endToEndId: 'ZOG015426111900579' })
  })

  it('rejects what it cannot read', () => {
    const tx = fixture('transactions.json') as { Data: { Transaction: Record<string, unknown>[] } }
    const signed = structuredClone(tx)
    signed.Data.Transaction[0]!.Amount = { Amount: '-76609.76', Currency: 'USD' }
    expect(() => toTransactionPage(signed, 'USD')).toThrow(/unsigned decimal/)
    const foreign = structuredClone(tx)
    foreign.Data.Transaction[0]!.Amount = { Amount: '76609.76', Currency: 'HKD' }
    expect(() => toTransactionPage(foreign, 'USD')).toThrow(/in HKD/)
    expect(() => toTransactionPage({ Data: {} }, 'USD')).toThrow(InvalidResponseError)
    expect(() => toAccounts({ Data: { Account: [{ AccountId: 'a', Currency: 'XYZ', Account: [{ SchemeName: 's', Identification: '1' }] }] }, Links: { Self: 'x' } })).toThrow(/not ISO 4217/)
  })
})
