import { readFileSync } from 'node:fs'
import { InvalidResponseError } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { cmpDate, readEnvelope, toAccounts, toCurrentBalances, toEntries, toHistoryBalances } from './transform.js'

// Answers recorded from the front-end machine (GBK on the wire, decoded here), trimmed to a few records.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')

describe('银企直联 transform', () => {
  it('maps QACCLIST to accounts with the bank’s currency codes', () => {
    expect(toAccounts(readEnvelope(fixture('qacclist.xml')))).toEqual([
      { ref: '1206997553763750399', number: '1206997553763750399', iban: null, currency: 'CNY', name: '集团资金池主账户（人民币）' },
      { ref: '1206205617498408323', number: '1206205617498408323', iban: null, currency: 'CNY', name: '基本存款账户' },
      { ref: '1206797924725562860', number: '1206797924725562860', iban: null, currency: 'USD', name: '经常项目外汇账户（美元）' },
    ])
  })

  it('maps QHISBAL to OPBD/CLBD/CLAV in fen, reported at the Beijing update time', () => {
    const balances = toHistoryBalances(readEnvelope(fixture('qhisbal.xml')), 'CNY')
    expect(balances.map((b) => [b.date, b.type, b.amount])).toEqual([
      ['2026-11-18', 'OPBD', 15627123160n],
      ['2026-11-18', 'CLBD', 24772041729n],
      ['2026-11-18', 'CLAV', 24772041729n],
      ['2026-11-19', 'OPBD', 24772041729n],
      ['2026-11-19', 'CLBD', 30221495515n],
      ['2026-11-19', 'CLAV', 30221495515n],
    ])
    // 23:37:44 in Beijing is 15:37:44 UTC.
    expect(balances[0]!.reportedAt.toISOString()).toBe('2026-11-18T15:37:44.000Z')
  })

  it('maps QACCBAL to today’s OPBD/ITBD/ITAV and reports a per-record failure instead of throwing', () => {
    const envelope = readEnvelope(fixture('qaccbal.xml'))
    const { balances, failure } = toCurrentBalances(envelope, '1206997553763750399', 'CNY')
    expect(failure).toBeNull()
    expect(balances.map((b) => [b.date, b.type, b.amount, b.reportedAt.toISOString()])).toEqual([
      ['2026-11-20', 'OPBD', 30221495515n, '2026-11-20T02:00:00.000Z'],
      ['2026-11-20', 'ITBD', 20319518385n, '2026-11-20T02:00:00.000Z'],
      ['2026-11-20', 'ITAV', 20319518385n, '2026-11-20T02:00:00.000Z'],
    ])
    const partial = readEnvelope(fixture('qaccbal.xml').replace('<iRetCode>0</iRetCode><iRetMsg></iRetMsg>', '<iRetCode>-12</iRetCode><iRetMsg>暂无当日数据</iRetMsg>'))
    expect(toCurrentBalances(partial, '1206997553763750399', 'CNY')).toEqual({ balances: [], failure: { account: '1206997553763750399', code: '-12', message: '暂无当日数据' } })
  })

  it('maps QHISD records: Drcrf gives the sign, amounts are fen, empty fields are null, NextTag continues', () => {
    const { entries, nextTag } = toEntries(readEnvelope(fixture('qhisd.xml')), 'CNY')
    expect(nextTag).toBe('eyJvIjozLCJxIjoiSzNfbjJ4VTBYQVJhIn0')
    expect(entries).toHaveLength(3)
    expect(entries[0]).toEqual({
      bookingDate: '2026-11-18',
      valueDate: '2026-11-18',
      amount: 749899153n,
      currency: 'CNY',
      status: 'booked',
      bankReference: 'ICBC2611180083030',
      endToEndId: null,
      counterpartyName: '舟山海洋油品运输（宁波）有限公司',
      counterpartyAccount: '351477871788',
      counterpartyBank: '中国银行宁波分行',
      purpose: '资金归集',
      bankTransactionCode: 'CAMT-ACCB-ZABA',
    })
    expect(entries[1]).toMatchObject({ amount: -5044000000n, endToEndId: 'ZOG001226111800997' })
  })

  it('maps QPD Status 1 (在途) to pending and reads an empty NextTag as the last page', () => {
    const { entries, nextTag } = toEntries(readEnvelope(fixture('qpd.xml')), 'CNY')
    expect(nextTag).toBeNull()
    expect(entries.map((e) => [e.status, e.amount])).toEqual([
      ['booked', -2287000000n],
      ['booked', -702444423n],
      ['pending', -1071758198n],
    ])
  })

  it('keeps the currency exponent of the account (JPY has no minor digits)', () => {
    const jpy = fixture('qhisd.xml').replace('<CurrType>001</CurrType>', '<CurrType>027</CurrType>')
    expect(toEntries(readEnvelope(jpy), 'JPY').entries[0]!.amount).toBe(749899153n)
  })

  it('rejects what it cannot read as invalid responses', () => {
    expect(() => readEnvelope('<CMS><eb><pub><RetCode>0</RetCode>')).toThrow(InvalidResponseError)
    expect(() => readEnvelope('<html>proxy error</html>')).toThrow(/no CMS\/eb\/pub\/RetCode/)
    expect(() => toAccounts(readEnvelope(fixture('qacclist.xml').replace('<CurrType>014</CurrType>', '<CurrType>999</CurrType>')))).toThrow(/unknown currency code CurrType "999"/)
    expect(() => toEntries(readEnvelope(fixture('qhisd.xml').replace('<Drcrf>2</Drcrf>', '<Drcrf>C</Drcrf>')), 'CNY')).toThrow(/Drcrf "C"/)
    expect(() => toEntries(readEnvelope(fixture('qhisd.xml').replace('<Amount>749899153</Amount>', '<Amount>7498991.53</Amount>')), 'CNY')).toThrow(/not an integer of minor units/)
    expect(() => toEntries(readEnvelope(fixture('qhisd.xml')), 'USD')).toThrow(/answered in 001, the account is USD/)
    expect(() => cmpDate('20260230', 'QHISD')).toThrow(InvalidResponseError)
  })
})
