import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb, migrateToLatest, type Db } from '../db/client.js'
import { insertRows } from '../db/queries/seed.js'
import { countImportRows } from '../db/queries/statements.js'
import { InvalidRequestError } from './errors.js'
import { commitStatementImport, formatBankTransactionCode, previewStatementImport } from './statement-import.js'

const MT940 = (ref: string, amount: string) =>
  new TextEncoder().encode(
    [':20:STMT1', ':25:NL68INGB0000012345', ':28C:1/1', ':60F:C261119EUR100,00', `:61:2611201120C${amount}NTRFNONREF//${ref}`, ':86:Invoice 1', ':62F:C261120EUR150,00', ''].join('\r\n'),
  )

describe('statement import (SQLite in memory)', () => {
  let db: Db
  beforeEach(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await migrateToLatest(db)
    await insertRows(db, 'entities', [
      { id: 'ent', parent_id: null, path: '/ent/', depth: 0, code: 'E', name_zh: 'E', name_en: 'E', region_code: 'NL', region_country: 'NL', region_name_zh: 'NL', region_name_en: 'NL', functional_currency: 'EUR' },
    ])
    await insertRows(db, 'banks', [{ id: 'bnk', name_zh: 'ING', name_en: 'ING', bic: 'INGBNL2A', country: 'NL' }])
    await insertRows(db, 'accounts', [
      { id: 'acc', entity_id: 'ent', bank_id: 'bnk', name: 'ING', number: '12345', number_masked: '**** 2345', iban: 'NL68INGB0000012345', currency: 'EUR', type: 'operating', status: 'active', tier: 'I', opened_on: '2020-01-01' },
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
})
