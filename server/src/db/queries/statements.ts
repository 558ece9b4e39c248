import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../client.js'
import type { AccountRow, BankRow } from '../database.js'
import { pathInScope, type EntityScope } from './scope.js'

/**
 * Statement records (migration 0003) and the account/bank look-ups a statement import needs.
 * The table type lives here, next to the only SQL that touches it (added with `withTables`).
 * Integer columns are read through `Number()`: SQLite returns bigint, PostgreSQL int4 a number.
 */

export type StatementImportsTable = {
  id: string
  fingerprint: string
  account_id: string
  file_name: string
  file_sha256: string
  format: string
  statement_ref: string | null
  sequence: string | null
  period_from: string | null
  period_to: string | null
  bank_created_at: string | null
  currency: string
  balances: string
  entry_count: number | bigint
  entries_new: number | bigint
  entries_updated: number | bigint
  entries_duplicate: number | bigint
  reconciliation: string
  reconciled: number | bigint
  warnings: string
  first_imported_at: string
  imported_at: string
}

export type StatementImportRow = Selectable<StatementImportsTable>
export type NewStatementImport = Insertable<StatementImportsTable>

const withStatementTables = (db: Db) => db.withTables<{ statement_imports: StatementImportsTable }>()

/**
 * Accounts whose IBAN is one of `ibans` or whose number is one of `numbers` (both compared exactly;
 * callers normalise: upper case, no spaces).
 */
export async function findAccountsByIdentifiers(db: Db, ids: { ibans: readonly string[]; numbers: readonly string[] }): Promise<AccountRow[]> {
  if (ids.ibans.length === 0 && ids.numbers.length === 0) return []
  return db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => {
      const tests = []
      if (ids.ibans.length) tests.push(eb('iban', 'in', [...ids.ibans]))
      if (ids.numbers.length) tests.push(eb('number', 'in', [...ids.numbers]))
      return eb.or(tests)
    })
    .execute()
}

/** Banks with this BIC; an 8-character BIC also matches its 11-character branch codes and vice versa ("XXX" = head office). */
export async function findBanksByBic(db: Db, bic: string): Promise<BankRow[]> {
  const head = bic.slice(0, 8)
  return db
    .selectFrom('banks')
    .selectAll()
    .where((eb) => eb.or([eb('bic', '=', bic), eb('bic', '=', head), eb('bic', '=', `${head}XXX`)]))
    .orderBy('id')
    .execute()
}

export function findBankById(db: Db, id: string) {
  return db.selectFrom('banks').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertAccount(db: Db, row: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute()
}

/**
 * Stores a statement record, or — the same statement imported again (same fingerprint) — updates
 * its file, counts, reconciliation, warnings and `imported_at`, keeping `id` and `first_imported_at`.
 * Returns the record's id and whether it already existed.
 */
export async function upsertStatementImport(db: Db, row: NewStatementImport): Promise<{ id: string; existed: boolean }> {
  const sdb = withStatementTables(db)
  const old = await sdb.selectFrom('statement_imports').select(['id']).where('fingerprint', '=', row.fingerprint).executeTakeFirst()
  if (!old) {
    await sdb.insertInto('statement_imports').values(row).execute()
    return { id: row.id, existed: false }
  }
  await sdb
    .updateTable('statement_imports')
    .set({
      file_name: row.file_name,
      file_sha256: row.file_sha256,
      balances: row.balances,
      entry_count: row.entry_count,
      entries_new: row.entries_new,
      entries_updated: row.entries_updated,
      entries_duplicate: row.entries_duplicate,
      reconciliation: row.reconciliation,
      reconciled: row.reconciled,
      warnings: row.warnings,
      imported_at: row.imported_at,
    })
    .where('id', '=', old.id)
    .execute()
  return { id: old.id, existed: true }
}

/** The most recently imported statement records of accounts in scope, newest first. */
export function listStatementImports(db: Db, scope: EntityScope, limit: number) {
  return withStatementTables(db)
    .selectFrom('statement_imports as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .innerJoin('entities as e', 'e.id', 'a.entity_id')
    .selectAll('s')
    .select(['a.name as account_name', 'a.number_masked as account_number_masked'])
    .where(pathInScope('e.path', scope))
    .orderBy('s.imported_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute()
}

/** Rows in the tables an import writes, for checks that a re-import changed nothing. */
export async function countImportRows(db: Db): Promise<{ statements: number; balances: number; transactions: number; accounts: number }> {
  const sdb = withStatementTables(db)
  const count = async (table: 'statement_imports' | 'balances' | 'transactions' | 'accounts') =>
    Number((await sdb.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return {
    statements: await count('statement_imports'),
    balances: await count('balances'),
    transactions: await count('transactions'),
    accounts: await count('accounts'),
  }
}
