import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { insertRows } from '@treasury/server/db/queries/seed'
import { countImportRows } from '@treasury/server/db/queries/statements'
import { generateMt940 } from '@treasury/server/formats/generate'
import { commitStatementImport } from '@treasury/server/services/statement-import'
import { DEMO_CALLER } from '@treasury/server/services/scope'
import { createCallerFactory } from '@treasury/server/trpc/init'
import { appRouter } from '@treasury/server/trpc/_app'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase, openTestDb, type TestDb } from '../support/databases.js'

// Statement import (MT940, camt.052/053/054) into both databases: balances reach the dashboard's
// queries, re-imports and intraday-then-end-of-day add nothing, batch entries become one
// transaction per detail, a failing file writes nothing, big files stream through the CLI.

const here = path.dirname(fileURLToPath(import.meta.url))
const FIXTURES = path.join(here, '../fixtures/statements')
const SERVER = path.join(here, '../../server')
const ING_MT940 = path.join(FIXTURES, 'mt940/zilverline_mt940/ing/mt940_iban.txt')
const CAMT053 = path.join(FIXTURES, 'camt053/dvbern_iso20022/camt053/v00104/Business Sample camt.053.001.04.xml')
const CAMT054_BATCH = path.join(FIXTURES, 'camt054/dvbern_iso20022/camt054/v00104/camt.054-ES_P_CH0309000000250090342_38000000_0_2016052723011813.xml')
const createCaller = createCallerFactory(appRouter)

const ACC_ING = 'acc_ing_eur'
const ACC_SEK = 'acc_seb_sek'
const ACC_INTRADAY = 'acc_intraday'
const INTRADAY_IBAN = 'DE89370400440532013000'
const ACC_CHF = 'acc_postfinance_chf'
const ACC_BIG = 'acc_big'
const BIG_IBAN = 'DE75512108001245126199'

async function seedMinimal(t: TestDb) {
  await insertRows(t.db, 'entities', [
    {
      id: 'ent_root', parent_id: null, path: '/ent_root/', depth: 0, code: 'ROOT', name_zh: '集团', name_en: 'Group',
      region_code: 'EU', region_country: 'NL', region_name_zh: '欧洲', region_name_en: 'Europe', functional_currency: 'EUR',
    },
  ])
  await insertRows(t.db, 'banks', [
    { id: 'bnk_ing', name_zh: '荷兰国际', name_en: 'ING', bic: 'INGBNL2A', country: 'NL' },
    { id: 'bnk_seb', name_zh: 'SEB', name_en: 'SEB', bic: 'ESSESESS', country: 'SE' },
    { id: 'bnk_cobade', name_zh: '德国商业银行', name_en: 'Commerzbank', bic: 'COBADEFF', country: 'DE' },
  ])
  const account = (id: string, bank: string, number: string, iban: string | null, currency: string) => ({
    id, entity_id: 'ent_root', bank_id: bank, name: id, number, number_masked: `**** ${number.slice(-4)}`, iban, currency,
    type: 'operating', status: 'active', tier: 'I', opened_on: '2000-01-01',
  })
  await insertRows(t.db, 'accounts', [
    account(ACC_ING, 'bnk_ing', '0000012345', 'NL68INGB0000012345', 'EUR'),
    account(ACC_SEK, 'bnk_seb', '50000000054910000003', null, 'SEK'),
    account(ACC_INTRADAY, 'bnk_cobade', '0532013000', INTRADAY_IBAN, 'EUR'),
    account(ACC_CHF, 'bnk_seb', '250090342', 'CH0309000000250090342', 'CHF'),
    account(ACC_BIG, 'bnk_cobade', '1245126199', BIG_IBAN, 'EUR'),
  ])
}

interface CamtEntry {
  amount: string
  status: 'BOOK' | 'PDNG'
  date: string
  ref?: string
  name?: string
  /** A batch booking: camt Btch/NbOfTxs and, when given, one TxDtls per transaction (credits). */
  batch?: { count: number; details: { amount: string; ref: string; name: string }[] }
}

/** A small camt.052 (intraday report), camt.053 (end-of-day statement) or camt.054 (notification) of one account. */
function camt(kind: '052' | '053' | '054', o: { id: string; iban: string; created: string; balances: [string, string, string][]; entries: CamtEntry[] }): Uint8Array {
  const [root, item] = kind === '052' ? ['BkToCstmrAcctRpt', 'Rpt'] : kind === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn']
  const bal = o.balances
    .map(([type, amount, date]) => {
      const negative = amount.startsWith('-')
      return `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${negative ? amount.slice(1) : amount}</Amt><CdtDbtInd>${negative ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`
    })
    .join('')
  const ntry = o.entries
    .map((e) => {
      const negative = e.amount.startsWith('-')
      const details = e.batch
        ? `<Btch><NbOfTxs>${e.batch.count}</NbOfTxs></Btch>${e.batch.details
            .map((d) => `<TxDtls><Refs><AcctSvcrRef>${d.ref}</AcctSvcrRef></Refs><Amt Ccy="EUR">${d.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Nm>${d.name}</Nm></Dbtr></RltdPties></TxDtls>`)
            .join('')}`
        : `<TxDtls><RltdPties><Dbtr><Nm>${e.name ?? 'Customer'}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Invoice ${e.ref ?? 'x'}</Ustrd></RmtInf></TxDtls>`
      return `<Ntry><Amt Ccy="EUR">${negative ? e.amount.slice(1) : e.amount}</Amt><CdtDbtInd>${negative ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts>${e.status}</Sts>${e.status === 'BOOK' ? `<BookgDt><Dt>${e.date}</Dt></BookgDt>` : ''}<ValDt><Dt>${e.date}</Dt></ValDt>${e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : ''}<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>${details}</NtryDtls></Ntry>`
    })
    .join('')
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.02"><${root}><GrpHdr><MsgId>${o.id}</MsgId><CreDtTm>${o.created}</CreDtTm></GrpHdr><${item}><Id>${o.id}</Id><CreDtTm>${o.created}</CreDtTm><Acct><Id><IBAN>${o.iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>${bal}${ntry}</${item}></${root}></Document>`
  return new TextEncoder().encode(xml)
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

describeEachDatabase('statement import', (kind) => {
  let t: TestDb
  const caller = () => createCaller({ db: t.db, caller: DEMO_CALLER })

  beforeAll(async () => {
    t = await openTestDb(kind)
    await seedMinimal(t)
  })
  afterAll(() => t?.drop())

  it('previews an MT940 file without writing anything', async () => {
    const before = await countImportRows(t.db)
    const preview = await caller().imports.preview({ fileName: 'mt940_iban.txt', content: base64(await readFile(ING_MT940)) })
    expect(preview.committed).toBe(false)
    expect(preview.format).toBe('mt940')
    expect(preview.statements[0]).toMatchObject({ match: 'matched', accountId: ACC_ING, entries: 21, entriesNew: 21 })
    expect(preview.statements[0]!.reconciliation).toMatchObject({ checked: true, ok: true })
    expect(await countImportRows(t.db)).toEqual(before)
  })

  it('imports an MT940 file: balances reach accounts.list and position.summary', async () => {
    const summary = await caller().imports.commit({ fileName: 'mt940_iban.txt', content: base64(await readFile(ING_MT940)) })
    expect(summary.totals).toMatchObject({ statements: 1, imported: 1, entriesNew: 21, entriesDuplicate: 0, unknown: 0 })
    const accounts = await caller().accounts.list({ asOf: '2014-08-25' })
    const ing = accounts.items.find((a) => a.id === ACC_ING)
    expect(ing).toMatchObject({ bookedBalance: 24645n, availableBalance: 24645n, balanceDate: '2014-08-25', source: 'import:mt940' })
    const position = await caller().position.summary({ currency: 'EUR', groupBy: 'bank', asOf: '2014-08-25' })
    expect(position.total).toBe(24645n)
    const stored = await t.db.selectFrom('balances').select(['type']).where('account_id', '=', ACC_ING).execute()
    expect(stored.map((b) => b.type).sort()).toEqual(['CLAV', 'CLBD', 'OPBD']) // FWAV stays in the statement record
    const tx = await t.db.selectFrom('transactions').selectAll().where('account_id', '=', ACC_ING).where('bank_reference', '=', '14237654096217').executeTakeFirstOrThrow()
    expect(tx).toMatchObject({ amount: -19236n, status: 'booked', booking_date: '2014-08-25', counterparty_name: 'B Bert', counterparty_account: 'NL57ABNA0876543211', bank_transaction_code: 'NTRF', purpose: '22-08-2014 Omschrijving' })
    const recent = await caller().imports.recent()
    expect(recent.find((r) => r.accountId === ACC_ING)).toMatchObject({ reconciliation: 'ok', reconciliationMessage: null, format: 'mt940' })
  })

  it('imports a camt.053 file matched by account number', async () => {
    const summary = await commitStatementImport(t.db, { fileName: 'camt053.xml', bytes: await readFile(CAMT053) })
    expect(summary.statements[0]).toMatchObject({ match: 'matched', accountId: ACC_SEK, entriesNew: 3 })
    const accounts = await caller().accounts.list({ asOf: '2010-10-18' })
    const sek = accounts.items.find((a) => a.id === ACC_SEK)
    expect(sek?.bookedBalance).toBe(43567850n)
    expect(sek?.asOf).toEqual(new Date('2010-10-18T16:00:00Z')) // the statement's CreDtTm, +01:00
  })

  it('importing the same files again changes nothing', async () => {
    const before = await countImportRows(t.db)
    const again = await commitStatementImport(t.db, { fileName: 'mt940_iban.txt', bytes: await readFile(ING_MT940) })
    expect(again.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 0, entriesDuplicate: 21 })
    expect(again.statements[0]!.alreadyImported).toBe(true)
    const camtAgain = await commitStatementImport(t.db, { fileName: 'camt053.xml', bytes: await readFile(CAMT053) })
    expect(camtAgain.totals.entriesNew).toBe(0)
    expect(await countImportRows(t.db)).toEqual(before)
  })

  it('an intraday camt.052 followed by the end-of-day camt.053 creates no duplicates; pending is replaced by booked', async () => {
    const intraday = camt('052', {
      id: 'RPT-1', iban: INTRADAY_IBAN, created: '2026-11-20T10:00:00Z',
      balances: [['ITBD', '1100.00', '2026-11-20']],
      entries: [
        { amount: '100.00', status: 'BOOK', date: '2026-11-20', ref: 'R-1' },
        { amount: '-40.00', status: 'PDNG', date: '2026-11-20' },
      ],
    })
    const first = await commitStatementImport(t.db, { fileName: 'intraday.xml', bytes: intraday })
    expect(first.totals).toMatchObject({ entriesNew: 2 })
    const eod = camt('053', {
      id: 'STMT-1', iban: INTRADAY_IBAN, created: '2026-11-20T22:00:00Z',
      balances: [['OPBD', '1000.00', '2026-11-20'], ['CLBD', '1020.00', '2026-11-20']],
      entries: [
        { amount: '100.00', status: 'BOOK', date: '2026-11-20', ref: 'R-1' },
        { amount: '-40.00', status: 'BOOK', date: '2026-11-20', ref: 'R-2' },
        { amount: '-40.00', status: 'BOOK', date: '2026-11-20', ref: 'R-3' },
      ],
    })
    const second = await commitStatementImport(t.db, { fileName: 'eod.xml', bytes: eod })
    expect(second.totals).toMatchObject({ entriesNew: 2, entriesDuplicate: 1, pendingReplaced: 1 })
    expect(second.statements[0]!.reconciliation.ok).toBe(true)
    const rows = await t.db.selectFrom('transactions').select(['status', 'amount']).where('account_id', '=', ACC_INTRADAY).execute()
    expect(rows.map((r) => `${r.status}:${r.amount}`).sort()).toEqual(['booked:-4000', 'booked:-4000', 'booked:10000'])
    const before = await countImportRows(t.db)
    // The intraday report delivered late, and the statement again: nothing changes.
    await commitStatementImport(t.db, { fileName: 'eod.xml', bytes: eod })
    const late = await commitStatementImport(t.db, { fileName: 'intraday.xml', bytes: intraday })
    expect(late.totals.entriesNew).toBe(1) // the pending entry without a reference comes back as pending…
    const booked = await t.db.selectFrom('transactions').select(['status']).where('account_id', '=', ACC_INTRADAY).where('status', '=', 'booked').execute()
    expect(booked).toHaveLength(3) // …but never touches a booked row
    await commitStatementImport(t.db, { fileName: 'eod.xml', bytes: eod })
    expect(await countImportRows(t.db)).toEqual(before) // and the next statement sweeps it again
  })

  it('pending and booked with the same reference: one row, upgraded to booked', async () => {
    const pending = camt('052', {
      id: 'RPT-2', iban: INTRADAY_IBAN, created: '2026-11-21T10:00:00Z', balances: [],
      entries: [{ amount: '-15.00', status: 'PDNG', date: '2026-11-21', ref: 'R-9' }],
    })
    const booked = camt('053', {
      id: 'STMT-2', iban: INTRADAY_IBAN, created: '2026-11-21T22:00:00Z', balances: [['OPBD', '1020.00', '2026-11-21'], ['CLBD', '1005.00', '2026-11-21']],
      entries: [{ amount: '-15.00', status: 'BOOK', date: '2026-11-21', ref: 'R-9' }],
    })
    await commitStatementImport(t.db, { fileName: 'p.xml', bytes: pending })
    const result = await commitStatementImport(t.db, { fileName: 'b.xml', bytes: booked })
    expect(result.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 1 })
    const rows = await t.db.selectFrom('transactions').select(['status']).where('account_id', '=', ACC_INTRADAY).where('bank_reference', '=', 'R-9').execute()
    expect(rows).toEqual([{ status: 'booked' }])
  })

  it('reports unknown accounts by their identifiers and writes nothing for them', async () => {
    const before = await countImportRows(t.db)
    const file = camt('053', { id: 'X-1', iban: 'FR7630006000011234567890189', created: '2026-11-20T22:00:00Z', balances: [['CLBD', '5.00', '2026-11-20']], entries: [] })
    const preview = await caller().imports.preview({ fileName: 'unknown.xml', content: base64(file) })
    expect(preview.unknownAccounts).toEqual([{ iban: 'FR7630006000011234567890189', currency: 'EUR' }])
    const commit = await caller().imports.commit({ fileName: 'unknown.xml', content: base64(file) })
    expect(commit.totals).toMatchObject({ statements: 1, imported: 0, unknown: 1 })
    expect(await countImportRows(t.db)).toEqual(before)
  })

  it('a failing file leaves nothing written (one file = one transaction)', async () => {
    const before = await countImportRows(t.db)
    // Statement 1 is of a known account and writes; statement 2's account is unknown and cannot be
    // created (its file names no BIC), so the import fails after statement 1 wrote.
    const known = camt('053', {
      id: 'F-1', iban: INTRADAY_IBAN, created: '2026-12-01T22:00:00Z', balances: [['CLBD', '7.00', '2026-12-01']],
      entries: [{ amount: '7.00', status: 'BOOK', date: '2026-12-01', ref: 'F-R1' }],
    })
    const unknown = camt('053', { id: 'F-2', iban: 'FR7630006000011234567890189', created: '2026-12-01T22:00:00Z', balances: [], entries: [] })
    const text = new TextDecoder().decode(known).replace('</Stmt>', `</Stmt>${/<Stmt>.*<\/Stmt>/s.exec(new TextDecoder().decode(unknown))![0]}`)
    await expect(
      caller().imports.commit({ fileName: 'two.xml', content: base64(new TextEncoder().encode(text)), createUnknownUnder: 'ent_root' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('names no BIC') })
    expect(await countImportRows(t.db)).toEqual(before)
    // A file that does not parse: a clear error naming where.
    await expect(caller().imports.commit({ fileName: 'bad.sta', content: base64(new TextEncoder().encode(':20:X\n:25:1\n:61:garbage\n')) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    expect(await countImportRows(t.db)).toEqual(before)
  })

  it('creates unknown accounts under a member company when asked, at the bank with the BIC', async () => {
    const file = new TextDecoder()
      .decode(camt('053', { id: 'N-1', iban: 'DE44500105175407324931', created: '2026-11-20T22:00:00Z', balances: [['CLBD', '12.00', '2026-11-20']], entries: [] }))
      .replace('</Id><Ccy>', '</Id><Ccy>')
      .replace('<Ccy>EUR</Ccy></Acct>', '<Ccy>EUR</Ccy><Svcr><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></Svcr></Acct>')
    const summary = await commitStatementImport(t.db, { fileName: 'new.xml', bytes: new TextEncoder().encode(file), createUnknownUnder: 'ent_root' })
    expect(summary.statements[0]).toMatchObject({ match: 'created' })
    const account = await t.db.selectFrom('accounts').selectAll().where('iban', '=', 'DE44500105175407324931').executeTakeFirstOrThrow()
    expect(account).toMatchObject({ bank_id: 'bnk_cobade', entity_id: 'ent_root', currency: 'EUR' })
    const unknownBank = file.replace('COBADEFFXXX', 'UNKNDEFFXXX').replace('DE44500105175407324931', 'DE02120300000000202051')
    await expect(commitStatementImport(t.db, { fileName: 'x.xml', bytes: new TextEncoder().encode(unknownBank), createUnknownUnder: 'ent_root' })).rejects.toThrow(/no bank with BIC UNKNDEFFXXX/)
  })

  it('rejects an upload over the size limit (IMPORT_MAX_BYTES) with PAYLOAD_TOO_LARGE naming the limit', async () => {
    const limited = createCaller({ db: t.db, caller: DEMO_CALLER, importMaxBytes: 1024 })
    expect(await limited.imports.limits()).toEqual({ maxBytes: 1024 })
    expect(await caller().imports.limits()).toEqual({ maxBytes: 50 * 1024 * 1024 })
    await expect(limited.imports.preview({ fileName: 'big.sta', content: base64(new Uint8Array(2048)) })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'big.sta is 2 KB; the upload limit is 1 KB',
    })
    await expect(limited.imports.commit({ fileName: 'big.sta', content: base64(new Uint8Array(2048)) })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
  })

  it('the server stops with one clear line on a bad IMPORT_MAX_BYTES', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: SERVER,
      env: { ...process.env, DATABASE_URL: t.url, IMPORT_MAX_BYTES: '50MB' },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toMatch(/^treasury-cloud: invalid configuration: IMPORT_MAX_BYTES: expected a whole number of bytes [^\n]+, got "50MB"$/)
  })

  describe('batch entries', () => {
    const rows = (iban: string, like = '%') =>
      t.db
        .selectFrom('transactions as t')
        .innerJoin('accounts as a', 'a.id', 't.account_id')
        .select(['t.dedupe_key', 't.amount', 't.status', 't.bank_reference', 't.counterparty_name'])
        .where('a.iban', '=', iban)
        .where('t.dedupe_key', 'like', like)
        .orderBy('t.dedupe_key')
        .execute()

    it('stores a real camt.054 collective credit as its 8 transactions; again changes nothing', async () => {
      const summary = await caller().imports.commit({ fileName: 'camt054.xml', content: base64(await readFile(CAMT054_BATCH)) })
      expect(summary.totals).toMatchObject({ entries: 1, transactions: 8, batchesSplit: 1, entriesNew: 8 })
      const stored = await rows('CH0309000000250090342')
      expect(stored).toHaveLength(8)
      expect(stored.reduce((n, r) => n + BigInt(r.amount), 0n)).toBe(62000n)
      expect(stored[1]).toMatchObject({ dedupe_key: 'ref:20160527007602769947016000000012|tx:2', amount: 2000n, bank_reference: '160527CH00T2Y4XY', counterparty_name: 'Bernasconi Maria' })
      const before = await countImportRows(t.db)
      const again = await caller().imports.commit({ fileName: 'camt054.xml', content: base64(await readFile(CAMT054_BATCH)) })
      expect(again.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 0, entriesDuplicate: 8 })
      expect(await countImportRows(t.db)).toEqual(before)
    })

    it('a batch reported whole intraday, then with its details at the end of the day: the details replace it; reports again change nothing', async () => {
      const batch = { count: 2, details: [{ amount: '60.00', ref: 'B-7a', name: 'Anna' }, { amount: '40.00', ref: 'B-7b', name: 'Bert' }] }
      const intraday = camt('052', {
        id: 'RPT-B', iban: INTRADAY_IBAN, created: '2026-11-25T10:00:00Z', balances: [],
        entries: [{ amount: '100.00', status: 'BOOK', date: '2026-11-25', ref: 'B-7', batch: { count: 2, details: [] } }],
      })
      expect((await commitStatementImport(t.db, { fileName: 'b052.xml', bytes: intraday })).totals).toMatchObject({ entriesNew: 1, batchesSplit: 0 })
      const eod = camt('053', {
        id: 'STMT-B', iban: INTRADAY_IBAN, created: '2026-11-25T22:00:00Z', balances: [['OPBD', '1005.00', '2026-11-25'], ['CLBD', '1105.00', '2026-11-25']],
        entries: [{ amount: '100.00', status: 'BOOK', date: '2026-11-25', ref: 'B-7', batch }],
      })
      const split = await commitStatementImport(t.db, { fileName: 'b053.xml', bytes: eod })
      expect(split.statements[0]!.reconciliation.ok).toBe(true)
      expect(split.totals).toMatchObject({ batchesSplit: 1, entriesNew: 2, entriesUpdated: 1 })
      expect((await rows(INTRADAY_IBAN, 'ref:B-7%')).map((r) => [r.dedupe_key, r.amount, r.bank_reference, r.counterparty_name])).toEqual([
        ['ref:B-7|tx:1', 6000n, 'B-7a', 'Anna'],
        ['ref:B-7|tx:2', 4000n, 'B-7b', 'Bert'],
      ])
      const before = await countImportRows(t.db)
      await commitStatementImport(t.db, { fileName: 'b052.xml', bytes: intraday })
      await commitStatementImport(t.db, { fileName: 'b053.xml', bytes: eod })
      expect(await countImportRows(t.db)).toEqual(before)
      // The day's movements still add up to the closing balance on the entry totals.
      const day = await t.db.selectFrom('transactions').select((eb) => eb.fn.sum<bigint>('amount').as('total')).where('account_id', '=', ACC_INTRADAY).where('booking_date', '=', '2026-11-25').executeTakeFirstOrThrow()
      expect(BigInt(day.total)).toBe(10000n)
    })

    it('pending details, then the booked batch notified whole: the details are booked, nothing is added', async () => {
      const batch = { count: 2, details: [{ amount: '7.00', ref: 'B-8a', name: 'Carl' }, { amount: '3.00', ref: 'B-8b', name: 'Dora' }] }
      const pending = camt('052', { id: 'RPT-P', iban: INTRADAY_IBAN, created: '2026-11-26T10:00:00Z', balances: [], entries: [{ amount: '10.00', status: 'PDNG', date: '2026-11-26', ref: 'B-8', batch }] })
      await commitStatementImport(t.db, { fileName: 'p052.xml', bytes: pending })
      const booked = camt('054', { id: 'NTF-P', iban: INTRADAY_IBAN, created: '2026-11-26T12:00:00Z', balances: [], entries: [{ amount: '10.00', status: 'BOOK', date: '2026-11-26', ref: 'B-8', batch: { count: 2, details: [] } }] })
      const result = await commitStatementImport(t.db, { fileName: 'b054.xml', bytes: booked })
      expect(result.totals).toMatchObject({ entriesNew: 0, entriesUpdated: 1 })
      expect((await rows(INTRADAY_IBAN, 'ref:B-8%')).map((r) => [r.dedupe_key, r.status, r.amount])).toEqual([
        ['ref:B-8|tx:1', 'booked', 700n],
        ['ref:B-8|tx:2', 'booked', 300n],
      ])
    })
  })

  it('previews a 50 MB file within the default limit', async () => {
    const error = await caller()
      .imports.preview({ fileName: 'zeros.sta', content: base64(new Uint8Array(50 * 1024 * 1024)) })
      .catch((e: unknown) => e)
    // Accepted by the size check; rejected by the parser as not a statement file.
    expect(error).toMatchObject({ code: 'BAD_REQUEST' })
  })

  describe('CLI', () => {
    function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
          cwd: SERVER,
          env: { ...process.env, DATABASE_URL: t.url, INIT_CWD: SERVER },
        })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d) => (stdout += d))
        child.stderr.on('data', (d) => (stderr += d))
        child.on('error', reject)
        child.on('close', (code) => resolve({ code, stdout, stderr }))
      })
    }

    it('imports a fixture into the configured database and prints a summary; again changes nothing', async () => {
      const mt940 = path.join(FIXTURES, 'mt940/svenstaro_mt940-rs/jejik/rabobank-iban.sta')
      await insertRows(t.db, 'banks', [{ id: 'bnk_rabo', name_zh: '荷兰合作银行', name_en: 'Rabobank', bic: 'RABONL2U', country: 'NL' }])
      await insertRows(t.db, 'accounts', [
        {
          id: 'acc_rabo', entity_id: 'ent_root', bank_id: 'bnk_rabo', name: 'Rabo', number: '0123456789', number_masked: '**** 6789',
          iban: 'NL71RABO0123456789', currency: 'EUR', type: 'operating', status: 'active', tier: 'I', opened_on: '2000-01-01',
        },
      ])
      const first = await cli(['import', mt940])
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(first.stdout).toContain('statements: 2 (2 imported')
      expect(first.stdout).toContain('entries: 4 new, 0 duplicate')
      expect(first.stdout).toContain('unknown accounts: none')
      const before = await countImportRows(t.db)
      const second = await cli(['import', mt940])
      expect(second.code).toBe(0)
      expect(second.stdout).toContain('entries: 0 new, 4 duplicate')
      expect(await countImportRows(t.db)).toEqual(before)
      const closing = await t.db.selectFrom('balances').select(['amount']).where('account_id', '=', 'acc_rabo').where('type', '=', 'CLBD').where('date', '=', '2013-01-15').executeTakeFirstOrThrow()
      expect(closing.amount).toBe(93000n)
    })

    it('a folder gets a progress bar on stderr and reports unknown accounts', async () => {
      const result = await cli(['import', path.join(FIXTURES, 'camt053/genkgo_camt'), '--format', 'camt053'])
      // camt053.v2.wrong.xml in that folder is deliberately invalid: one line, exit 1.
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/\[[#-]+\]\s+\d+%/)
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^error: camt053\.v2\.wrong\.xml: /)
    })

    it('streams a big file in one transaction: all of it, or nothing when its end is broken', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'treasury-import-'))
      try {
        // Over 5 MiB: a single file that big gets a progress bar.
        const text = generateMt940(5.4e6).replaceAll(INTRADAY_IBAN, BIG_IBAN)
        const entries = (text.match(/^:61:/gm) ?? []).length
        const statements = (text.match(/^:20:/gm) ?? []).length
        const broken = path.join(dir, 'broken.sta')
        await writeFile(broken, `${text}:20:X\r\n:25:${BIG_IBAN}\r\n:28C:1/1\r\n:60F:C241201EUR1,00\r\n:61:garbage\r\n-\r\n`)
        const before = await countImportRows(t.db)
        const failed = await cli(['import', broken])
        expect(failed.code).toBe(1)
        expect(failed.stderr.trim().split('\n').at(-1)).toMatch(/^error: broken\.sta: mt940 line \d+: :61: /)
        expect(await countImportRows(t.db)).toEqual(before)

        const good = path.join(dir, 'good.sta')
        await writeFile(good, text)
        const imported = await cli(['import', good])
        expect(imported.code).toBe(0)
        expect(imported.stderr).toMatch(/^\[-+\]   0% 1\/1 good\.sta\n(.*\n)*\[#{30}\] 100% /)
        expect(imported.stdout).toContain(`statements: ${statements} (${statements} imported`)
        expect(imported.stdout).toContain(`entries: ${entries} new, 0 duplicate`)
        expect(await countImportRows(t.db)).toMatchObject({ transactions: before.transactions + entries, statements: before.statements + statements })
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }, 300_000)

    it('exits 1 with one line on bad input', async () => {
      const missing = await cli(['import', 'no/such/file.sta'])
      expect(missing.code).toBe(1)
      expect(missing.stderr.trim().split('\n')).toHaveLength(1)
      expect(missing.stderr).toContain('no such file or folder')
      const badFormat = await cli(['import', ING_MT940, '--format', 'pdf'])
      expect(badFormat.code).toBe(1)
      expect(badFormat.stderr).toContain('unknown format "pdf"')
    })
  })
})
