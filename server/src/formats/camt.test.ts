import { StatementParseError, type ParsedFile, type Statement } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { parseStatementFile } from './index.js'
import { fixture, fixtureJson, statementFixtures } from './test-support.js'

function parse(path: string): ParsedFile {
  return parseStatementFile(fixture(path), 'auto')
}

function parseText(text: string, format: 'auto' | 'camt052' | 'camt053' | 'camt054' = 'auto'): ParsedFile {
  return parseStatementFile(new TextEncoder().encode(text), format)
}

function parseError(run: () => unknown): StatementParseError {
  try {
    run()
  } catch (error) {
    if (error instanceof StatementParseError) return error
    throw error
  }
  throw new Error('expected a StatementParseError')
}

// ---------------------------------------------------------------------------------------------
// genkgo/camt: a dump of the PHP object graph (Money amounts in minor units) next to each XML.
// ---------------------------------------------------------------------------------------------

interface GMoney {
  getAmount: string
  getCurrency: { getCode: string }
}
interface GDate {
  '0': string
}
interface GBalance {
  getAmount: GMoney
  getDate: GDate
  getType: string
}
interface GRecord {
  getId: string
  getAccount: { getIdentification?: string; getIban?: { getIban: string }; getId?: string }
  getBalances?: GBalance[]
  getElectronicSequenceNumber: string | null
}
interface GParty {
  getAccount: { getIdentification: string } | null
  getRelatedPartyType: { __CLASS__: string; getName: string | null }
}
interface GDetail {
  getReference: { getEndToEndId: string | null } | null
  getRelatedParties?: GParty[]
  getRemittanceInformation: { getMessage: string | null } | null
}
interface GEntry {
  getAmount: GMoney
  getBookingDate: GDate | null
  getValueDate: GDate | null
  getStatus: string
  getReversalIndicator: boolean
  getAccountServicerReference: string | null
  getIndex: number
  getRecord: GRecord | '__RECURSIVITY__'
  getBankTransactionCode: {
    getDomain: { getCode: string; getFamily: { getCode: string; getSubFamilyCode: string } } | null
    getProprietary: { getCode: string } | null
  } | null
  getTransactionDetail: GDetail | null
  getTransactionDetails: (GDetail | '__RECURSIVITY__')[]
}
interface GMessage {
  getEntries: GEntry[]
  getRecords: (GRecord | '__RECURSIVITY__')[]
}

/** genkgo's balance type names; PRCD is filed as "opening", OPAV/INFO/XPCD are not kept here. */
const GENKGO_TYPES: Record<string, string[]> = {
  opening: ['OPBD', 'PRCD'],
  closing: ['CLBD'],
  closing_available: ['CLAV'],
  forward_available: ['FWAV'],
  interim_available: ['ITAV'],
  interim: ['ITBD'],
}

const GENKGO = [...statementFixtures('camt052/genkgo_camt'), ...statementFixtures('camt053/genkgo_camt'), ...statementFixtures('camt054/genkgo_camt')].filter(
  (p) => !p.endsWith('wrong.xml'),
)

describe('camt fixtures of genkgo/camt match their JSON', () => {
  it.each(GENKGO)('%s', (path) => {
    const expected = fixtureJson<GMessage>(path.replace(/\.xml$/, '.json'))
    const file = parse(path)
    expect(file.format).toBe(path.slice(0, 7))
    const records = new Map<string, GRecord>()
    for (const record of expected.getRecords) if (record !== '__RECURSIVITY__') records.set(record.getId, record)
    for (const entry of expected.getEntries) if (entry.getRecord !== '__RECURSIVITY__') records.set(entry.getRecord.getId, entry.getRecord)
    expect(records.size).toBeGreaterThan(0)
    for (const record of records.values()) {
      const statement = file.statements.find((s) => s.id === record.getId)
      expect(statement, `statement ${record.getId}`).toBeDefined()
      const account = record.getAccount.getIban?.getIban ?? record.getAccount.getIdentification ?? record.getAccount.getId
      expect(statement!.account.iban ?? statement!.account.number).toBe(account)
      if (record.getElectronicSequenceNumber) expect(statement!.sequence).toBe(record.getElectronicSequenceNumber)
      const kept = (record.getBalances ?? []).filter((b) => GENKGO_TYPES[b.getType])
      expect(statement!.balances).toHaveLength(kept.length)
      kept.forEach((b, i) => {
        const ours = statement!.balances[i]!
        expect(GENKGO_TYPES[b.getType]).toContain(ours.type)
        expect(ours.amount).toBe(BigInt(b.getAmount.getAmount))
        expect(ours.currency ?? statement!.currency).toBe(b.getAmount.getCurrency.getCode)
        expect(ours.date).toBe(b.getDate[0].slice(0, 10))
      })
    }
    for (const entry of expected.getEntries) {
      const recordId = entry.getRecord === '__RECURSIVITY__' ? [...records.keys()][0]! : entry.getRecord.getId
      const ours = file.statements.find((s) => s.id === recordId)!.entries[entry.getIndex]!
      expect(ours.amount).toBe(BigInt(entry.getAmount.getAmount))
      expect(ours.currency).toBe(entry.getAmount.getCurrency.getCode)
      expect(ours.status).toBe(entry.getStatus)
      expect(ours.reversal).toBe(entry.getReversalIndicator)
      // genkgo converts DtTm to UTC; we keep the calendar date the bank wrote. None of these cross midnight.
      expect(ours.bookingDate).toBe(entry.getBookingDate?.[0].slice(0, 10))
      expect(ours.valueDate).toBe(entry.getValueDate?.[0].slice(0, 10))
      expect(ours.references.servicer).toBe(entry.getAccountServicerReference ?? undefined)
      const code = entry.getBankTransactionCode
      if (code?.getDomain) {
        expect(ours.bankTransactionCode).toMatchObject({
          domain: code.getDomain.getCode,
          family: code.getDomain.getFamily.getCode,
          subFamily: code.getDomain.getFamily.getSubFamilyCode,
        })
      }
      if (code?.getProprietary) expect(ours.bankTransactionCode.proprietary).toBe(code.getProprietary.getCode)
      // The dumper writes an object once; the first detail repeats as "__RECURSIVITY__" (it is getTransactionDetail).
      const details = entry.getTransactionDetails.map((d) => (d === '__RECURSIVITY__' ? entry.getTransactionDetail! : d))
      const described = details.length === 1 && !ours.batch ? [ours] : (ours.batch?.transactions ?? [])
      expect(described).toHaveLength(details.length)
      details.forEach((detail, i) => {
        const mine = described[i]!
        const e2e = detail.getReference?.getEndToEndId
        expect(mine.references.endToEnd).toBe(e2e && e2e !== 'NOTPROVIDED' ? e2e : undefined)
        const message = detail.getRemittanceInformation?.getMessage
        if (message) expect(mine.remittance).toContain(message)
        // The counterparty is the debtor of a credit and the creditor of a debit.
        const side = (ours.amount >= 0n) !== ours.reversal ? 'Debtor' : 'Creditor'
        const party = detail.getRelatedParties?.find((p) => p.getRelatedPartyType.__CLASS__.endsWith(side))
        if (party?.getRelatedPartyType.getName) expect(mine.counterparty.name).toBe(party.getRelatedPartyType.getName)
        if (party?.getAccount) expect(mine.counterparty.account).toBe(party.getAccount.getIdentification)
      })
    }
  })
})

// ---------------------------------------------------------------------------------------------
// ISO business examples and PostFinance files (assertions upstream are in Java/Python test code).
// ---------------------------------------------------------------------------------------------

const balanceOf = (s: Statement, type: string) => s.balances.find((b) => b.type === type)?.amount

describe('camt fixtures checked against upstream assertions', () => {
  it('ISO business example camt.053.001.04 (file name with spaces): balances, a batch of 20, FX entry', () => {
    const file = parse('camt053/dvbern_iso20022/camt053/v00104/Business Sample camt.053.001.04.xml')
    const [s] = file.statements
    expect(s!.account).toEqual({ number: '50000000054910000003', name: 'FINPETROL' })
    expect(s!.currency).toBe('SEK')
    expect(s!.from).toBe('2010-10-18')
    expect(balanceOf(s!, 'OPBD')).toBe(50000000n)
    expect(balanceOf(s!, 'CLBD')).toBe(43567850n)
    expect(s!.entries.map((e) => e.amount)).toEqual([10567850n, -20000000n, 3000000n])
    expect(s!.entries[0]!.counterparty.name).toBe('MUELLER')
    expect(s!.entries[0]!.references).toEqual({ servicer: 'AAAASESS-FP-CN_98765/01', endToEnd: 'MUELL/FINP/RA12345' })
    expect(s!.entries[1]!.batch).toEqual({ count: 20, transactions: [] })
    expect(s!.entries[1]!.bankTransactionCode).toEqual({ domain: 'PAYM', family: '0001', subFamily: '0003' })
    expect(s!.entries[2]!.references.customer).toBe('FP-004567-FX')
    expect(s!.reconciliation).toEqual({ checked: true, ok: true, expected: 43567850n, actual: 43567850n })
  })

  it('camt.053.001.14 with returned payments (AC04, AC06) and entries without dates', () => {
    const [s] = parse('camt053/sebastienrousseau_camt053/statement_ac04.xml').statements
    expect(s!.account).toEqual({ iban: 'GB29NWBK60161331926819', name: 'Acme Treasury Ltd', bic: 'NWBKGB2LXXX' })
    expect(s!.entries.map((e) => [e.amount, e.returnReason, e.valueDate])).toEqual([
      [150000n, 'AC04', '2026-06-15'],
      [98050n, 'AC06', undefined],
      [-4200n, undefined, undefined],
    ])
    expect(s!.entries[0]!.counterparty).toEqual({ name: 'Globex SA', account: 'DE89370400440532013000' })
    expect(s!.reconciliation.checked).toBe(false)
  })

  it('ISO business example camt.052.001.04 report', () => {
    const file = parse('camt052/sebastienrousseau_camt053/business_sample_camt.052.001.04.xml')
    expect(file.format).toBe('camt052')
    expect(file.statements[0]!.entries).toHaveLength(2)
  })

  it('PostFinance camt.054.001.04 ESR: one collective booking with 8 TxDtls becomes a batch of 8', () => {
    const [s] = parse(
      'camt054/dvbern_iso20022/camt054/v00104/camt.054-ES_P_CH0309000000250090342_38000000_0_2016052723011813.xml',
    ).statements
    expect(s!.account.iban).toBe('CH0309000000250090342')
    expect(s!.currency).toBe('CHF')
    const [entry] = s!.entries
    expect(entry!.batch!.count).toBe(8)
    expect(entry!.batch!.transactions).toHaveLength(8)
    const sum = entry!.batch!.transactions.reduce((total, t) => total + t.amount!, 0n)
    expect(sum).toBe(entry!.amount)
    expect(entry!.batch!.transactions.every((t) => t.currency === 'CHF' && t.remittance)).toBe(true)
  })

  it('PostFinance camt.054.001.08 (QR): Pty/Nm parties, BICFI agents, UETR', () => {
    const [s] = parse('camt054/dvbern_iso20022/camt054.v00108/camt.054_P_CH2909000000250094239_1111111112_0_2022031011011199_v2019.xml').statements
    const [entry] = s!.entries
    expect(entry).toMatchObject({ amount: 52210n, currency: 'CHF', status: 'BOOK', bookingDate: '2022-03-10', valueDate: '2022-03-10' })
    expect(entry!.counterparty).toEqual({ name: 'Bernasconi Maria', account: 'CH5109000000250092291', agent: 'POFICHBEXXX' })
    expect(entry!.references).toEqual({ servicer: '1000000000000000', customer: '1006265-25bbb3b1a' })
    expect(entry!.bankTransactionCode).toEqual({ domain: 'PMNT', family: 'RCDT', subFamily: 'ATXN' })
    expect(entry!.remittance).toBe('?REJECT?0 ?ERROR?000')
  })

  it('a balance in another currency than the account keeps its own currency', () => {
    const [s] = parse('camt053/genkgo_camt/camt053.v2.minimal.xml').statements
    expect(s!.balances).toEqual([
      { type: 'OPBD', amount: 1815n, date: '2014-12-30' },
      { type: 'CLBD', amount: -2700n, date: '2014-12-31', currency: 'SEK' },
      { type: 'CLAV', amount: -2700n, date: '2014-12-31', currency: 'JPY' },
    ])
    // OPBD is EUR but CLBD is SEK: nothing to reconcile in one currency.
    expect(s!.reconciliation.checked).toBe(false)
  })

  it('balances given as DtTm with nanoseconds, an account without Ccy (RON from the balance)', () => {
    const [s] = parse('camt053/genkgo_camt/camt53.only-Dt-with-DtTm.xml').statements
    expect(s!.currency).toBe('RON')
    expect(s!.balances).toEqual([{ type: 'OPBD', amount: 544209n, date: '2025-07-23' }])
  })
})

// ---------------------------------------------------------------------------------------------
// Wrapping: SWIFT envelope + AppHdr, prefixes, quoting and declarations give the same result.
// ---------------------------------------------------------------------------------------------

describe('camt document wrapping', () => {
  const source = fixture('camt053/genkgo_camt/camt053.v2.multi.statement.xml').toString('utf8')
  const base = parseText(source)

  it('inside a SWIFT Envelope with a head.001 AppHdr', () => {
    const body = source.replace(/^<\?xml[^>]*\?>\s*/, '')
    const wrapped = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="urn:swift:xsd:envelope" xmlns:head="urn:iso:std:iso:20022:tech:xsd:head.001.001.02">
  <head:AppHdr><head:Fr><head:FIId><head:FinInstnId><head:BICFI>BANKNL2A</head:BICFI></head:FinInstnId></head:FIId></head:Fr>
  <head:MsgDefIdr>camt.053.001.02</head:MsgDefIdr><head:CreDt>2015-03-10T18:43:50Z</head:CreDt></head:AppHdr>
  ${body}
</Envelope>`
    expect(parseText(wrapped)).toEqual(base)
  })

  it('with a namespace prefix on every element, single quotes, no declaration, a comment first', () => {
    const prefixed = source
      .replace(/^<\?xml[^>]*\?>\s*/, '<!-- exported by the bank -->\n')
      .replace(/<(\/?)(\w+)([\s>/])/g, '<$1camt:$2$3')
      .replace('xmlns="urn:', 'xmlns:camt="urn:')
      .replace(/Ccy="(\w+)"/g, "Ccy='$1'")
    expect(prefixed).toContain('<camt:Stmt>')
    expect(parseText(prefixed)).toEqual(base)
  })

  it('UTF-16 with a BOM', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(source.replace('UTF-8', 'UTF-16'), 'utf16le')])
    expect(parseStatementFile(utf16, 'auto')).toEqual(base)
  })
})

// ---------------------------------------------------------------------------------------------
// Rejections name the element (and line).
// ---------------------------------------------------------------------------------------------

describe('invalid camt files are rejected with their element', () => {
  it('genkgo camt053.v2.wrong.xml: a statement message without Stmt', () => {
    const error = parseError(() => parse('camt053/genkgo_camt/camt053.v2.wrong.xml'))
    expect(error.format).toBe('camt053')
    expect(error.element).toBe('Document/BkToCstmrStmt')
    expect(error.message).toBe('camt053 element Document/BkToCstmrStmt: the BkToCstmrStmt message has no Stmt element')
  })

  const source = fixture('camt053/genkgo_camt/camt053.v2.multi.statement.xml').toString('utf8')

  it('an entry amount with more decimals than EUR has', () => {
    const error = parseError(() => parseText(source.replace('<Amt Ccy="EUR">7.00</Amt>', '<Amt Ccy="EUR">7.005</Amt>')))
    expect(error.element).toBe('Document/BkToCstmrStmt/Stmt[2]/Ntry/Amt')
    expect(error.line).toBe(146)
    expect(error.message).toMatch(/more than 2 decimal places for EUR/)
  })

  it('a missing CdtDbtInd', () => {
    const broken = source.replace(/(<Amt Ccy="EUR">7\.00<\/Amt>\s*)<CdtDbtInd>DBIT<\/CdtDbtInd>/, '$1')
    const error = parseError(() => parseText(broken))
    expect(error.element).toBe('Document/BkToCstmrStmt/Stmt[2]/Ntry/CdtDbtInd')
  })

  it('malformed XML names line and column', () => {
    const error = parseError(() => parseText(source.replace('</Ntry>', '</Ntr>')))
    expect(error.line).toBe(110)
    expect(error.message).toMatch(/^camt053 line 110: malformed XML/)
  })

  it('a DOCTYPE (entity expansion) is refused', () => {
    const evil = source.replace('<Document', '<!DOCTYPE Document [<!ENTITY a "aaaa">]>\n<Document')
    expect(parseError(() => parseText(evil)).message).toMatch(/DOCTYPE is not allowed/)
  })

  it('a camt.054 offered as camt.053', () => {
    const notification = fixture('camt054/genkgo_camt/camt054.v2.xml')
    expect(parseError(() => parseStatementFile(notification, 'camt053')).message).toMatch(/is camt054, not camt053/)
  })
})

describe('every camt fixture parses (except the deliberately wrong one)', () => {
  const all = [...statementFixtures('camt052'), ...statementFixtures('camt053'), ...statementFixtures('camt054')].filter((p) => !p.endsWith('wrong.xml'))
  it.each(all)('%s', (path) => {
    const file = parse(path)
    expect(file.statements.length).toBeGreaterThan(0)
  })
})
