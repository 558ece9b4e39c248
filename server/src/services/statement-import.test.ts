import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb, migrateToLatest, type Db } from '../db/client.js'
import { insertRows } from '../db/queries/seed.js'
import { countImportRows } from '../db/queries/statements.js'
import { generateMt940 } from '../formats/generate.js'
import { parseStatementFile } from '../formats/index.js'
import { FIXTURES } from '../formats/test-support.js'
import { InvalidRequestError } from './errors.js'
import { commitStatementImport, formatBankTransactionCode, importStatementStream, previewStatementImport, type ImportProgress } from './statement-import.js'

const MT940 = (ref: string, amount: string) =>
  new TextEncoder().encode(
    [':20:STMT1', ':25:NL68INGB0000012345', ':28C:1/1', ':60F:C261119EUR100,00', `:61:2611201120C${amount}NTRFNONREF//${ref}`, ':86:Invoice 1', ':62F:C261120EUR150,00', ''].join('\r\n'),
  )

const BATCH_IBAN = 'DE89370400440532013000'

interface Detail {
  amount?: string
  currency?: string
  ref?: string
  endToEnd?: string
  name: string
  iban?: string
  text?: string
}

interface Entry {
  amount: string
  status?: 'BOOK' | 'PDNG'
  ref: string
  date?: string
  /** camt Btch/NbOfTxs (a batch booking, with or without its details). */
  batchCount?: number
  details?: Detail[]
}

/** A camt.052/053/054 of the batch account with the given entries (amounts as "-12.34"). */
function camt(kind: '052' | '053' | '054', id: string, entries: Entry[], balances: [string, string][] = []): Uint8Array {
  const [root, item] = kind === '052' ? ['BkToCstmrAcctRpt', 'Rpt'] : kind === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn']
  const amt = (value: string, currency = 'EUR') => `<Amt Ccy="${currency}">${value.replace('-', '')}</Amt><CdtDbtInd>${value.startsWith('-') ? 'DBIT' : 'CRDT'}</CdtDbtInd>`
  const bal = balances.map(([type, value]) => `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp>${amt(value)}<Dt><Dt>2026-11-20</Dt></Dt></Bal>`).join('')
  const ntry = entries
    .map((e) => {
      // The counterparty of a credit is its debtor, of a debit its creditor.
      const side = e.amount.startsWith('-') ? 'Cdtr' : 'Dbtr'
      const txs = (e.details ?? [])
        .map(
          (d) =>
            `<TxDtls><Refs>${d.ref ? `<AcctSvcrRef>${d.ref}</AcctSvcrRef>` : ''}${d.endToEnd ? `<EndToEndId>${d.endToEnd}</EndToEndId>` : ''}</Refs>${d.amount ? amt(d.amount, d.currency) : ''}` +
            `<RltdPties><${side}><Nm>${d.name}</Nm></${side}>${d.iban ? `<${side}Acct><Id><IBAN>${d.iban}</IBAN></Id></${side}Acct>` : ''}</RltdPties>${d.text ? `<RmtInf><Ustrd>${d.text}</Ustrd></RmtInf>` : ''}</TxDtls>`,
        )
        .join('')
      const btch = e.batchCount ? `<Btch><NbOfTxs>${e.batchCount}</NbOfTxs></Btch>` : ''
      const status = e.status ?? 'BOOK'
      return (
        `<Ntry>${amt(e.amount)}<Sts>${status}</Sts>${status === 'BOOK' ? `<BookgDt><Dt>${e.date ?? '2026-11-20'}</Dt></BookgDt>` : ''}<ValDt><Dt>${e.date ?? '2026-11-20'}</Dt></ValDt>` +
        `<AcctSvcrRef>${e.ref}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
        `${btch || txs ? `<NtryDtls>${btch}${txs}</NtryDtls>` : ''}<AddtlNtryInf>SAMMLER ${e.ref}</AddtlNtryInf></Ntry>`
      )
    })
    .join('')
  return new TextEncoder().encode(
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.02"><${root}><GrpHdr><MsgId>${id}</MsgId><CreDtTm>2026-11-20T18:00:00Z</CreDtTm></GrpHdr>` +
      `<${item}><Id>${id}</Id><CreDtTm>2026-11-20T18:00:00Z</CreDtTm><Acct><Id><IBAN>${BATCH_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>${bal}${ntry}</${item}></${root}></Document>`,
  )
}

const BATCH: Entry = {
  amount: '35.00',
  ref: 'BATCH-1',
  batchCount: 3,
  details: [
    { amount: '10.00', ref: 'D-1', endToEnd: 'E2E-1', name: 'Anna', iban: 'DE02120300000000202051', text: 'Invoice 1' },
    { amount: '20.00', endToEnd: 'E2E-2', name: 'Bert', text: 'Invoice 2' },
    { amount: '5.00', name: 'Carl' },
  ],
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

describe('statement import (SQLite in memory)', () => {
  let db: Db
  const rowsOf = (accountId: string) =>
    db.selectFrom('transactions').select(['dedupe_key', 'amount', 'status', 'bank_reference', 'end_to_end_id', 'counterparty_name', 'counterparty_account', 'purpose']).where('account_id', '=', accountId).orderBy('dedupe_key').execute()
  beforeEach(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await migrateToLatest(db)
    await insertRows(db, 'entities', [
      { id: 'ent', parent_id: null, path: '/ent/', depth: 0, code: 'E', name_zh: 'E', name_en: 'E', region_code: 'NL', region_country: 'NL', region_name_zh: 'NL', region_name_en: 'NL', functional_currency: 'EUR' },
    ])
    await insertRows(db, 'banks', [
      { id: 'bnk', name_zh: 'ING', name_en: 'ING', bic: 'INGBNL2A', country: 'NL' },
      { id: 'bnk_cobade', name_zh: 'Commerzbank', name_en: 'Commerzbank', bic: 'COBADEFF', country: 'DE' },
    ])
    await insertRows(db, 'accounts', [
      { id: 'acc', entity_id: 'ent', bank_id: 'bnk', name: 'ING', number: '12345', number_masked: '**** 2345', iban: 'NL68INGB0000012345', currency: 'EUR', type: 'operating', status: 'active', tier: 'I', opened_on: '2020-01-01' },
      { id: 'acc_de', entity_id: 'ent', bank_id: 'bnk_cobade', name: 'CoBa', number: '0532013000', number_masked: '**** 3000', iban: BATCH_IBAN, currency: 'EUR', type: 'operating', status: 'active', tier: 'I', opened_on: '2020-01-01' },
    ])
  })
  afterEach(() => db.destroy())

  it('imports balances and entries once, and a second time changes nothing', async () => {
    const first = await commitStatementImport(db, { fileName: 'a.sta', bytes: MT940('B1', '50,00'), now: new Date('2026-11-21T00:00:00Z') })
    expect(first.statements[0]).toMatchObject({ match: 'matched', accountId: 'acc', entriesNew: 1 })
    expect(first.statements[0]!.reconciliation.ok).toBe(true)
    const tx = await db.selectFrom('transactions').selectAll().executeTakeFirstOrThrow()
    expect(tx).toMatchObject({ dedupe_key: 'ref:B1', amount: 5000n, status: 'booked', source: 'import:mt940', bank_transaction_code: 'NTRF', purpose: 'Invoice 1' })
    const balances = await db.selectFrom('balances').select(['type', 'amount', 'reported_at']).orderBy('type').execute()
    expect(balances).toEqual([
      { type: 'CLBD', amount: 15000n, reported_at: '2026-11-20T23:59:59.999Z' },
      { type: 'OPBD', amount: 10000n, reported_at: '2026-11-20T23:59:59.999Z' },
    ])
    const counts = await countImportRows(db)
    const again = await commitStatementImport(db, { fileName: 'a.sta', bytes: MT940('B1', '50,00') })
    expect(again.totals).toMatchObject({ entriesNew: 0, entriesDuplicate: 1 })
    expect(await countImportRows(db)).toEqual(counts)
  })

  it('a preview writes nothing and a mismatch is a warning, not a failure', async () => {
    const preview = await previewStatementImport(db, { fileName: 'b.sta', bytes: MT940('B2', '60,00') })
    expect(preview.committed).toBe(false)
    expect(preview.statements[0]!.reconciliation.ok).toBe(false)
    expect(preview.statements[0]!.warnings[0]).toMatch(/^reconciliation: /)
    // Once, with its statement: not again among the file's warnings, nor counted twice.
    expect(preview.warnings).toEqual([])
    expect(preview.totals.warnings).toBe(preview.statements[0]!.warnings.length)
    expect(await countImportRows(db)).toMatchObject({ statements: 0, balances: 0, transactions: 0 })
  })

  it('an unparseable file is an InvalidRequestError naming the file', async () => {
    await expect(commitStatementImport(db, { fileName: 'x.sta', bytes: new TextEncoder().encode('hello') })).rejects.toThrow(InvalidRequestError)
    await expect(commitStatementImport(db, { fileName: 'x.sta', bytes: new TextEncoder().encode('hello') })).rejects.toThrow(/^x\.sta: /)
  })

  it('formats bank transaction codes', () => {
    expect(formatBankTransactionCode({ domain: 'PMNT', family: 'RCDT', subFamily: 'ESCT', proprietary: '166' })).toBe('PMNT-RCDT-ESCT')
    expect(formatBankTransactionCode({ proprietary: '166', swift: 'NTRF' })).toBe('166')
    expect(formatBankTransactionCode({ bai: '195' })).toBe('195')
    expect(formatBankTransactionCode({})).toBeNull()
  })

  describe('batch entries', () => {
    it('splits a batch entry into one transaction per detail; the statement reconciles on its entries; again changes nothing', async () => {
      const file = camt('053', 'S-1', [BATCH, { amount: '-4.00', ref: 'SINGLE-1', details: [{ name: 'Dora' }] }], [['OPBD', '100.00'], ['CLBD', '131.00']])
      const first = await commitStatementImport(db, { fileName: 'batch.xml', bytes: file })
      expect(first.statements[0]!.reconciliation).toMatchObject({ checked: true, ok: true })
      expect(first.totals).toMatchObject({ entries: 2, transactions: 4, batchesSplit: 1, entriesNew: 4, entriesDuplicate: 0 })
      expect(await rowsOf('acc_de')).toEqual([
        { dedupe_key: 'ref:BATCH-1|tx:1', amount: 1000n, status: 'booked', bank_reference: 'D-1', end_to_end_id: 'E2E-1', counterparty_name: 'Anna', counterparty_account: 'DE02120300000000202051', purpose: 'Invoice 1' },
        { dedupe_key: 'ref:BATCH-1|tx:2', amount: 2000n, status: 'booked', bank_reference: 'BATCH-1', end_to_end_id: 'E2E-2', counterparty_name: 'Bert', counterparty_account: null, purpose: 'Invoice 2' },
        { dedupe_key: 'ref:BATCH-1|tx:3', amount: 500n, status: 'booked', bank_reference: 'BATCH-1', end_to_end_id: null, counterparty_name: 'Carl', counterparty_account: null, purpose: 'SAMMLER BATCH-1' },
        { dedupe_key: 'ref:SINGLE-1', amount: -400n, status: 'booked', bank_reference: 'SINGLE-1', end_to_end_id: null, counterparty_name: 'Dora', counterparty_account: null, purpose: 'SAMMLER SINGLE-1' },
      ])
      const counts = await countImportRows(db)
      const again = await commitStatementImport(db, { fileName: 'batch.xml', bytes: file })
      expect(again.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 0, entriesDuplicate: 4 })
      expect(await countImportRows(db)).toEqual(counts)
    })

    it('keeps a batch whose details do not add up as one transaction, with a warning', async () => {
      const odd = { ...BATCH, details: [BATCH.details![0]!, { ...BATCH.details![1]!, amount: '19.99' }, BATCH.details![2]!] }
      const noAmounts = { ...BATCH, ref: 'BATCH-2', details: BATCH.details!.map(({ amount: _, ...d }) => d) }
      const summary = await commitStatementImport(db, { fileName: 'odd.xml', bytes: camt('053', 'S-2', [odd, noAmounts]) })
      expect(summary.totals).toMatchObject({ transactions: 2, batchesSplit: 0, entriesNew: 2 })
      expect(summary.statements[0]!.warnings).toContain('2 batch entries are stored as one transaction: their transaction details do not add up to the entry amount in its currency')
      expect((await rowsOf('acc_de')).map((r) => [r.dedupe_key, r.amount])).toEqual([
        ['ref:BATCH-1', 3500n],
        ['ref:BATCH-2', 3500n],
      ])
    })

    it('details replace the batch stored whole before; a later whole delivery naming the batch is a duplicate', async () => {
      const whole = camt('052', 'R-1', [{ ...BATCH, details: [] }])
      expect((await commitStatementImport(db, { fileName: 'whole.xml', bytes: whole })).totals).toMatchObject({ entriesNew: 1, batchesSplit: 0 })
      const detailed = await commitStatementImport(db, { fileName: 'detailed.xml', bytes: camt('054', 'N-1', [BATCH]) })
      expect(detailed.totals).toMatchObject({ batchesSplit: 1, entriesNew: 3, entriesUpdated: 1 })
      const split = await rowsOf('acc_de')
      expect(split.map((r) => r.dedupe_key)).toEqual(['ref:BATCH-1|tx:1', 'ref:BATCH-1|tx:2', 'ref:BATCH-1|tx:3'])
      const counts = await countImportRows(db)
      const late = await commitStatementImport(db, { fileName: 'whole.xml', bytes: whole })
      expect(late.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 0, entriesDuplicate: 1 })
      expect(await rowsOf('acc_de')).toEqual(split)
      expect(await countImportRows(db)).toEqual(counts)
    })

    it('a later whole delivery that does not name the batch is a duplicate of the stored details too, and books them if they were pending', async () => {
      const bare: Entry = { amount: BATCH.amount, ref: BATCH.ref }
      await commitStatementImport(db, { fileName: 'detailed.xml', bytes: camt('053', 'S-3', [BATCH]) })
      const split = await rowsOf('acc_de')
      const counts = await countImportRows(db)
      const late = await commitStatementImport(db, { fileName: 'bare.xml', bytes: camt('052', 'R-4', [bare]) })
      expect(late.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 0, entriesDuplicate: 1 })
      expect(await rowsOf('acc_de')).toEqual(split)
      expect((await countImportRows(db)).transactions).toBe(counts.transactions)

      // Pending details (more than one probe's worth), then the booked entry without its details.
      const many: Entry = {
        amount: '70.00',
        ref: 'BATCH-MANY',
        status: 'PDNG',
        details: Array.from({ length: 70 }, (_, i) => ({ amount: '1.00', name: `Payee ${i + 1}` })),
      }
      await commitStatementImport(db, { fileName: 'pending.xml', bytes: camt('052', 'R-5', [many]) })
      const pending = (await rowsOf('acc_de')).filter((r) => r.dedupe_key.startsWith('ref:BATCH-MANY|'))
      expect(pending).toHaveLength(70)
      expect(new Set(pending.map((r) => r.status))).toEqual(new Set(['pending']))
      const booked = await commitStatementImport(db, { fileName: 'booked.xml', bytes: camt('054', 'N-4', [{ amount: '70.00', ref: 'BATCH-MANY' }]) })
      expect(booked.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 1 })
      const after = (await rowsOf('acc_de')).filter((r) => r.dedupe_key.startsWith('ref:BATCH-MANY'))
      expect(after).toHaveLength(70)
      expect(new Set(after.map((r) => r.status))).toEqual(new Set(['booked']))
    })

    it('pending details are booked by the booked whole entry, and a booked whole entry is not replaced by pending details', async () => {
      await commitStatementImport(db, { fileName: 'pending.xml', bytes: camt('052', 'R-2', [{ ...BATCH, status: 'PDNG' }]) })
      expect((await rowsOf('acc_de')).map((r) => r.status)).toEqual(['pending', 'pending', 'pending'])
      const booked = await commitStatementImport(db, { fileName: 'booked.xml', bytes: camt('054', 'N-2', [{ ...BATCH, details: [] }]) })
      expect(booked.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 1 })
      expect((await rowsOf('acc_de')).map((r) => [r.dedupe_key, r.status, r.amount])).toEqual([
        ['ref:BATCH-1|tx:1', 'booked', 1000n],
        ['ref:BATCH-1|tx:2', 'booked', 2000n],
        ['ref:BATCH-1|tx:3', 'booked', 500n],
      ])

      await commitStatementImport(db, { fileName: 'whole.xml', bytes: camt('054', 'N-3', [{ ...BATCH, ref: 'BATCH-3', details: [] }]) })
      const pendingDetails = await commitStatementImport(db, { fileName: 'p.xml', bytes: camt('052', 'R-3', [{ ...BATCH, ref: 'BATCH-3', status: 'PDNG' }]) })
      expect(pendingDetails.totals).toMatchObject({ entriesNew: 0, entriesDuplicate: 3 })
      expect((await rowsOf('acc_de')).filter((r) => r.dedupe_key.includes('BATCH-3'))).toMatchObject([{ dedupe_key: 'ref:BATCH-3', status: 'booked', amount: 3500n }])
    })

    it('splits the real camt.054 collective credit of 8 transactions', async () => {
      await insertRows(db, 'accounts', [
        { id: 'acc_ch', entity_id: 'ent', bank_id: 'bnk', name: 'CHF', number: '250090342', number_masked: '**** 0342', iban: 'CH0309000000250090342', currency: 'CHF', type: 'operating', status: 'active', tier: 'I', opened_on: '2020-01-01' },
      ])
      const bytes = await readFile(path.join(FIXTURES, 'camt054/dvbern_iso20022/camt054/v00104/camt.054-ES_P_CH0309000000250090342_38000000_0_2016052723011813.xml'))
      const summary = await commitStatementImport(db, { fileName: 'camt054.xml', bytes })
      expect(summary.totals).toMatchObject({ entries: 1, transactions: 8, batchesSplit: 1, entriesNew: 8 })
      const rows = await rowsOf('acc_ch')
      expect(rows.reduce((n, r) => n + BigInt(r.amount), 0n)).toBe(62000n)
      expect(rows[0]).toMatchObject({ dedupe_key: 'ref:20160527007602769947016000000012|tx:1', amount: 5000n, bank_reference: '160527CH00T2UENT', counterparty_name: 'Rutschmann Pia' })
    })
  })

  describe('streaming', () => {
    it('imports a multi-megabyte file read in odd chunks, statement by statement, with progress', async () => {
      const bytes = new TextEncoder().encode(generateMt940(3e6, { varied: true }))
      const expected = parseStatementFile(bytes)
      const entries = expected.statements.reduce((n, s) => n + s.entries.length, 0)
      const progress: ImportProgress[] = []
      const summary = await importStatementStream(db, chunked(bytes, 7_777), { fileName: 'big.sta', totalBytes: bytes.length, onProgress: (p) => progress.push(p) })
      expect(summary).toMatchObject({ format: 'mt940', bytes: bytes.length, committed: true })
      expect(summary.totals).toMatchObject({ statements: expected.statements.length, imported: expected.statements.length, entries, entriesNew: entries, reconciliationFailures: 0 })
      expect(await countImportRows(db)).toMatchObject({ statements: expected.statements.length, transactions: entries })
      expect(progress).toHaveLength(expected.statements.length)
      expect(progress.every((p, i) => i === 0 || p.bytes >= progress[i - 1]!.bytes)).toBe(true)
      expect(progress.at(-1)).toMatchObject({ bytes: bytes.length, totalBytes: bytes.length, entries })
      // The same file again: every entry a duplicate.
      const again = await importStatementStream(db, chunked(bytes, 65_536), { fileName: 'big.sta' })
      expect(again.totals).toMatchObject({ entriesNew: 0, entriesDuplicate: entries })
    })

    it('a parse error late in a big file writes nothing, and names the file and line', async () => {
      const good = generateMt940(2e6)
      const lines = good.split('\r\n').length - 1 // it ends with CRLF
      const bytes = new TextEncoder().encode(`${good}:20:BROKEN\r\n:25:${BATCH_IBAN}\r\n:28C:1/1\r\n:60F:C241201EUR1,00\r\n:61:garbage\r\n-\r\n`)
      const error = await importStatementStream(db, chunked(bytes, 65_536), { fileName: 'big.sta' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InvalidRequestError)
      expect((error as Error).message).toMatch(new RegExp(`^big\\.sta: mt940 line ${lines + 5}: `))
      expect(await countImportRows(db)).toMatchObject({ statements: 0, balances: 0, transactions: 0 })
    })

    it('a preview of a streamed file counts exactly and writes nothing', async () => {
      const bytes = new TextEncoder().encode(generateMt940(1e6))
      const preview = await previewStatementImport(db, { fileName: 'p.sta', bytes })
      expect(preview.committed).toBe(false)
      expect(preview.totals.entriesNew).toBe(parseStatementFile(bytes).statements.reduce((n, s) => n + s.entries.length, 0))
      expect(await countImportRows(db)).toMatchObject({ statements: 0, balances: 0, transactions: 0 })
    })
  })
})
