import type { StatementEntry } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { parseStatementFile } from './index.js'

/**
 * One end-of-day statement written twice — as a bank would send it in SWIFT MT940 and in ISO 20022
 * camt.053 — must give the same account, balances and entries. Only the bank transaction code
 * differs by nature (SWIFT "NTRF" vs ISO domain/family) and the free text layout.
 */

const MT940 = [
  '{1:F01ABNANL2AAXXX0000000000}{2:O9401200240301ABNANL2AAXXX00000000002403011200N}{4:',
  ':20:STMT-2024-061',
  ':25:NL91ABNA0417164300',
  ':28C:61/1',
  ':60F:C240229EUR1000,00',
  ':61:2403010301C250,00NTRFINV-42//BANKREF1',
  ':86:/EREF/E2E-42//CNTP/DE89370400440532013000/COBADEFFXXX/Kunde GmbH//',
  '/REMI/USTD//Invoice 42/',
  ':61:2403010301D100,50NTRFPAY-7//BANKREF2',
  ':86:/EREF/E2E-7//CNTP/NL02ABNA0123456789/ABNANL2A/Supplier BV///REMI/U',
  'STD//Rent March/',
  ':61:2403010301RC20,00NTRFNONREF//BANKREF3',
  ':86:/CNTP/FR7630006000011234567890189/AGRIFRPPXXX/Client SA///REMI/USTD',
  '//Returned: account closed/',
  ':62F:C240301EUR1129,50',
  ':64:C240301EUR1100,00',
  ':65:C240304EUR1129,50',
  '-}{5:}',
].join('\r\n')

const entry = (options: {
  amount: string
  indicator: 'CRDT' | 'DBIT'
  reversal?: boolean
  servicer: string
  instruction?: string
  endToEnd?: string
  party: 'Dbtr' | 'Cdtr'
  name: string
  iban: string
  bic: string
  remittance: string
}) => `
      <Ntry>
        <Amt Ccy="EUR">${options.amount}</Amt>
        <CdtDbtInd>${options.indicator}</CdtDbtInd>
        ${options.reversal ? '<RvslInd>true</RvslInd>' : ''}
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-01</Dt></BookgDt>
        <ValDt><Dt>2024-03-01</Dt></ValDt>
        <AcctSvcrRef>${options.servicer}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs>${options.instruction ? `<InstrId>${options.instruction}</InstrId>` : ''}<EndToEndId>${options.endToEnd ?? 'NOTPROVIDED'}</EndToEndId></Refs>
          <RltdPties>
            <${options.party}><Nm>${options.name}</Nm></${options.party}>
            <${options.party}Acct><Id><IBAN>${options.iban}</IBAN></Id></${options.party}Acct>
          </RltdPties>
          <RltdAgts><${options.party}Agt><FinInstnId><BIC>${options.bic}</BIC></FinInstnId></${options.party}Agt></RltdAgts>
          <RmtInf><Ustrd>${options.remittance}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`

const balance = (code: string, amount: string, date: string) => `
      <Bal>
        <Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">${amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>${date}</Dt></Dt>
      </Bal>`

const CAMT053 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-2024-061</MsgId><CreDtTm>2024-03-01T18:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2024-061</Id>
      <ElctrncSeqNb>61</ElctrncSeqNb>
      <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
      ${balance('OPBD', '1000.00', '2024-02-29')}
      ${balance('CLBD', '1129.50', '2024-03-01')}
      ${balance('CLAV', '1100.00', '2024-03-01')}
      ${balance('FWAV', '1129.50', '2024-03-04')}
      ${entry({ amount: '250.00', indicator: 'CRDT', servicer: 'BANKREF1', instruction: 'INV-42', endToEnd: 'E2E-42', party: 'Dbtr', name: 'Kunde GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', remittance: 'Invoice 42' })}
      ${entry({ amount: '100.50', indicator: 'DBIT', servicer: 'BANKREF2', instruction: 'PAY-7', endToEnd: 'E2E-7', party: 'Cdtr', name: 'Supplier BV', iban: 'NL02ABNA0123456789', bic: 'ABNANL2A', remittance: 'Rent March' })}
      ${entry({ amount: '20.00', indicator: 'DBIT', reversal: true, servicer: 'BANKREF3', party: 'Dbtr', name: 'Client SA', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPPXXX', remittance: 'Returned: account closed' })}
    </Stmt>
  </BkToCstmrStmt>
</Document>`

const comparable = (e: StatementEntry) => {
  const { bankTransactionCode: _code, additionalInfo: _info, ...rest } = e
  return rest
}

describe('the same statement as MT940 and as camt.053', () => {
  const mt = parseStatementFile(new TextEncoder().encode(MT940), 'auto')
  const camt = parseStatementFile(new TextEncoder().encode(CAMT053), 'auto')

  it('is detected as each format and parses without warnings', () => {
    expect(mt.format).toBe('mt940')
    expect(camt.format).toBe('camt053')
    expect(mt.warnings).toEqual([])
    expect(camt.warnings).toEqual([])
  })

  it('yields equal accounts, currencies, ids and balances', () => {
    const [a] = mt.statements
    const [b] = camt.statements
    expect(a!.account).toEqual({ iban: 'NL91ABNA0417164300' })
    expect(b!.account).toEqual(a!.account)
    expect(b!.currency).toBe(a!.currency)
    expect(b!.id).toBe(a!.id)
    expect(b!.balances).toEqual(a!.balances)
    expect(a!.balances.map((x) => x.type)).toEqual(['OPBD', 'CLBD', 'CLAV', 'FWAV'])
  })

  it('yields equal entries: amounts, dates, status, reversal, references, counterparties, remittance', () => {
    const a = mt.statements[0]!.entries.map(comparable)
    const b = camt.statements[0]!.entries.map(comparable)
    expect(b).toEqual(a)
    expect(a.map((e) => [e.amount, e.reversal])).toEqual([
      [25000n, false],
      [-10050n, false],
      [-2000n, true],
    ])
    expect(a[0]).toMatchObject({
      references: { servicer: 'BANKREF1', customer: 'INV-42', endToEnd: 'E2E-42' },
      counterparty: { name: 'Kunde GmbH', account: 'DE89370400440532013000', agent: 'COBADEFFXXX' },
      remittance: 'Invoice 42',
    })
  })

  it('reconciles the same way', () => {
    expect(camt.statements[0]!.reconciliation).toEqual(mt.statements[0]!.reconciliation)
    expect(mt.statements[0]!.reconciliation).toEqual({ checked: true, ok: true, expected: 112950n, actual: 112950n })
  })
})
