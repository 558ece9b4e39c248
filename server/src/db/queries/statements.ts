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

/** Records per look-up and per multi-row INSERT (22 columns: 4,400 bound values). */
const RECORDS_PER_STATEMENT = 200

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
 * Stores statement records, or — a statement imported before (same fingerprint) — updates its
 * file, counts, reconciliation, warnings and `imported_at`, keeping `id` and `first_imported_at`.
 * Set-based: one look-up of the fingerprints and one multi-row INSERT per 200 records; only records
 * imported before are updated one by one. Returns, in the order given, each record's id and
 * whether it already existed (a fingerprint given twice: the second one did).
 *
 * @example
 * const [{ id, existed }] = await upsertStatementImports(trx, [row])
 */
export async function upsertStatementImports(db: Db, rows: readonly NewStatementImport[]): Promise<{ id: string; existed: boolean }[]> {
  const sdb = withStatementTables(db)
  const stored = new Map<string, string>()
  for (let start = 0; start < rows.length; start += RECORDS_PER_STATEMENT) {
    const fingerprints = rows.slice(start, start + RECORDS_PER_STATEMENT).map((r) => r.fingerprint)
    const found = await sdb.selectFrom('statement_imports').select(['id', 'fingerprint']).where('fingerprint', 'in', fingerprints).execute()
    for (const f of found) stored.set(f.fingerprint, f.id)
  }
  const out: { id: string; existed: boolean }[] = []
  const inserts = new Map<string, NewStatementImport>()
  const updates = new Map<string, { id: string; row: NewStatementImport }>()
  for (const row of rows) {
    const id = stored.get(row.fingerprint)
    const pending = inserts.get(row.fingerprint)
    if (id !== undefined) {
      updates.set(row.fingerprint, { id, row })
      out.push({ id, existed: true })
    } else if (pending) {
      // The same statement twice in one file: one record, with the later figures.
      inserts.set(row.fingerprint, { ...row, id: pending.id, first_imported_at: pending.first_imported_at })
      out.push({ id: pending.id, existed: true })
    } else {
      inserts.set(row.fingerprint, row)
      out.push({ id: row.id, existed: false })
    }
  }
  const fresh = [...inserts.values()]
  for (let start = 0; start < fresh.length; start += RECORDS_PER_STATEMENT) {
    await sdb.insertInto('statement_imports').values(fresh.slice(start, start + RECORDS_PER_STATEMENT)).execute()
  }
  for (const { id, row } of updates.values()) {
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
      .where('id', '=', id)
      .execute()
  }
  return out
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
