import type { Kysely } from 'kysely'

// Frozen in time: this file imports no application code, so it means the same thing forever.
// One row per bank statement ingested from a file (MT940/MT942, camt.052/053/054, BAI2): which
// file, which format, which account and period, the balances as reported (every camt type,
// FWAV/PRCD included) and the reconciliation result and warnings, as JSON text.
// Timestamps are ISO-8601 UTC text and dates 'YYYY-MM-DD' text (as in 0001); counts are integers.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('statement_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Identifies the statement whatever file brought it (format, account, bank's id, sequence,
    // period, creation time): importing it again updates this row instead of adding one.
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    // SHA-256 of the file's bytes (hex).
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('statement_ref', 'text')
    .addColumn('sequence', 'text')
    .addColumn('period_from', 'text')
    .addColumn('period_to', 'text')
    // The bank's creation timestamp as given in the file.
    .addColumn('bank_created_at', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    // JSON: [{ type, amount (string, minor units), date, currency? }].
    .addColumn('balances', 'text', (c) => c.notNull())
    .addColumn('entry_count', 'integer', (c) => c.notNull())
    .addColumn('entries_new', 'integer', (c) => c.notNull())
    .addColumn('entries_updated', 'integer', (c) => c.notNull())
    .addColumn('entries_duplicate', 'integer', (c) => c.notNull())
    // JSON: { checked, ok, expected?, actual?, message? } (amounts as strings).
    .addColumn('reconciliation', 'text', (c) => c.notNull())
    .addColumn('reconciled', 'integer', (c) => c.notNull())
    // JSON: [{ code, message, line?, element? }].
    .addColumn('warnings', 'text', (c) => c.notNull())
    .addColumn('first_imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('statement_imports_account').on('statement_imports').columns(['account_id', 'period_to']).execute()
  await db.schema.createIndex('statement_imports_imported').on('statement_imports').column('imported_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('statement_imports').execute()
}
