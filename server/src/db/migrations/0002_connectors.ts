import type { Kysely } from 'kysely'

// Frozen in time: this file imports no application code, so it means the same thing forever.
// Bank connections, their per-account sync cursors and the record of every sync run.
// Timestamps are ISO-8601 UTC text and dates 'YYYY-MM-DD' text (as in 0001); flags are 0/1 integers
// so both databases read them alike.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter'
}

export async function up(db: Kysely<any>): Promise<void> {
  // One connection = one set of credentials at one bank, synced by one connector.
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    // Accounts the bank lists are matched to master data of this bank by number (or IBAN).
    .addColumn('bank_id', 'text', (c) => c.notNull().references('banks.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    // JSON objects: secrets for the connector, and its non-secret settings.
    .addColumn('credentials', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('intraday_every_minutes', 'integer')
    .addColumn('end_of_day_utc', 'text')
    .addColumn('backfill_days', 'integer', (c) => c.notNull())
    .addColumn('next_run_at', 'text')
    .addColumn('next_run_kind', 'text')
    // The lease: the process that syncs this connection now, and until when its claim holds.
    // Claimed by one conditional UPDATE, so two processes on one database never both win.
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_run_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_status', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_kind', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('circuit_open_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('connections_due').on('connections').columns(['enabled', 'next_run_at']).execute()
  await db.schema.createIndex('connections_connector').on('connections').column('connector_id').execute()

  // Per account of a connection: the bank's ref for it, how far its data is verified, and where an
  // interrupted page walk resumes.
  await db.schema
    .createTable('sync_cursors')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('account_ref', 'text', (c) => c.notNull())
    // Last day whose closing balance chains with the stored entries (opening + movements = closing).
    .addColumn('verified_through', 'text')
    // Last day fetched completely (balances and every page).
    .addColumn('fetched_through', 'text')
    // A continuity break that keeps being re-fetched, and how many runs have tried.
    .addColumn('break_date', 'text')
    .addColumn('break_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The page walk in progress: its days and the next page's cursor (null: none in progress).
    .addColumn('window_from', 'text')
    .addColumn('window_to', 'text')
    .addColumn('page_cursor', 'text')
    .addColumn('pages_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_synced_at', 'text')
    .addColumn('last_error', 'text')
    .addPrimaryKeyConstraint('sync_cursors_pk', ['connection_id', 'account_id'])
    .execute()
  await db.schema.createIndex('sync_cursors_account').on('sync_cursors').column('account_id').execute()

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', isPostgres(db) ? 'bigserial' : 'integer', (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    // running | ok | partial | failed | skipped
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('accounts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accounts_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accounts_unmatched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('balances', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transactions_new', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transactions_updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transactions_unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicate_pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_kind', 'text')
    .addColumn('error', 'text')
    // Non-fatal findings (continuity breaks, unmatched accounts), one per line.
    .addColumn('warnings', 'text')
    .execute()
  await db.schema.createIndex('sync_runs_connection').on('sync_runs').columns(['connection_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['sync_runs', 'sync_cursors', 'connections']) await db.schema.dropTable(table).execute()
}
