import { InvalidResponseError } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { toAccounts, toBalances, toTransactionPage } from './transform.js'

// Recorded Template Bank payloads and what they must map to.
const accountsPayload = {
  accounts: [
    { id: 'acc-cny', number: '6222 0200 0042 0001', iban: null, currency: 'CNY', name: 'Operating account CNY' },
    { id: 'acc-jpy', number: '6222020000420003', currency: 'JPY', name: null },
  ],
}

const balancesPayload = {
  balances: [
    { date: '2026-11-19', type: 'opening', amount: '2500000.00', currency: 'CNY', reportedAt: '2026-11-19T16:00:00.000Z' },
    { date: '2026-11-19', type: 'closing', amount: '2499987.65', currency: 'CNY', reportedAt: '2026-11-19T16:00:00.000Z' },
    { date: '2026-11-20', type: 'interim', amount: '-0.05', currency: 'CNY', reportedAt: '2026-11-20T03:00:00.000Z' },
  ],
}

const pagePayload = {
  transactions: [
    {
      ref: 'TBCNY2026111900',
      bookingDate: '2026-11-19',
      valueDate: '2026-11-19',
      amount: '-12.35',
      currency: 'CNY',
      status: 'booked',
      endToEndId: 'E2E-1',
      counterparty: { name: '宁波港务集团有限公司', account: '3901000011112222333', bank: 'BKNBCN2N' },
      description: '货款',
      code: 'PMNT/ICDT/ESCT',
    },
    { ref: null, bookingDate: '2026-11-20', valueDate: '2026-11-20', amount: '1200', currency: 'JPY', status: 'pending' },
  ],
  next: 'eyJvIjo3fQ',
}

describe('Template Bank transform', () => {
  it('maps accounts, normalising the number', () => {
    expect(toAccounts(accountsPayload)).toEqual([
      { ref: 'acc-cny', number: '6222020000420001', iban: null, currency: 'CNY', name: 'Operating account CNY' },
      { ref: 'acc-jpy', number: '6222020000420003', iban: null, currency: 'JPY', name: null },
    ])
  })

  it('maps balances to camt codes and exact minor units', () => {
    expect(toBalances(balancesPayload).map((b) => [b.date, b.type, b.amount])).toEqual([
      ['2026-11-19', 'OPBD', 250000000n],
      ['2026-11-19', 'CLBD', 249998765n],
      ['2026-11-20', 'ITBD', -5n],
    ])
  })

  it('maps a page of entries with signed minor units per currency exponent', () => {
    const page = toTransactionPage(pagePayload)
    expect(page.nextCursor).toBe('eyJvIjo3fQ')
    expect(page.transactions[0]).toMatchObject({ amount: -1235n, bankReference: 'TBCNY2026111900', status: 'booked', counterpartyBank: 'BKNBCN2N' })
    expect(page.transactions[1]).toMatchObject({ amount: 1200n, currency: 'JPY', bankReference: null, status: 'pending', purpose: null })
  })

  it('rejects what it cannot read as an invalid response', () => {
    expect(() => toBalances({ balances: [{ ...balancesPayload.balances[0], amount: '1.234' }] })).toThrow(InvalidResponseError)
    expect(() => toTransactionPage({ transactions: 'nope', next: null })).toThrow(InvalidResponseError)
    expect(() => toAccounts(null)).toThrow(InvalidResponseError)
  })
})
