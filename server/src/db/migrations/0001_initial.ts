import { sql, type Kysely } from 'kysely'

// Frozen in time: this file imports no application code, so it means the same thing forever.
// Dates are 'YYYY-MM-DD' text and timestamps ISO-8601 UTC text on both databases, so the same
// queries compare them the same way; money is 64-bit integer minor units.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter'
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('entities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('entities.id'))
    // Materialised path '/root/child/…/self/' so a subtree is one indexed prefix range.
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('region_country', 'text', (c) => c.notNull())
    .addColumn('region_name_zh', 'text', (c) => c.notNull())
    .addColumn('region_name_en', 'text', (c) => c.notNull())
    .addColumn('functional_currency', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('entities_parent').on('entities').column('parent_id').execute()

  await db.schema
    .createTable('banks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('bic', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_id', 'text', (c) => c.notNull().references('entities.id'))
    .addColumn('bank_id', 'text', (c) => c.notNull().references('banks.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('number_masked', 'text', (c) => c.notNull())
    .addColumn('iban', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('opened_on', 'text', (c) => c.notNull())
    .addUniqueConstraint('accounts_bank_number', ['bank_id', 'number'])
    .execute()
  await db.schema.createIndex('accounts_entity').on('accounts').column('entity_id').execute()
  await db.schema.createIndex('accounts_iban').on('accounts').column('iban').execute()

  // One row per account, day and camt type: the daily history is kept, never one overwritten balance.
  await db.schema
    .createTable('balances')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    // (account, type, date): "latest CLBD on or before a day" is one index seek per account.
    .addPrimaryKeyConstraint('balances_pk', ['account_id', 'type', 'date'])
    .execute()
  await db.schema.createIndex('balances_date').on('balances').columns(['date', 'type']).execute()

  await db.schema
    .createTable('transactions')
    .addColumn('id', isPostgres(db) ? 'bigserial' : 'integer', (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('booking_date', 'text', (c) => c.notNull())
    .addColumn('value_date', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('bank_reference', 'text')
    .addColumn('end_to_end_id', 'text')
    .addColumn('counterparty_name', 'text')
    .addColumn('counterparty_account', 'text')
    .addColumn('counterparty_bank', 'text')
    .addColumn('purpose', 'text')
    .addColumn('bank_transaction_code', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('transactions_dedupe', ['account_id', 'dedupe_key'])
    .execute()
  // Keyset pages newest first, per account and group-wide.
  await db.schema.createIndex('transactions_account_date').on('transactions').columns(['account_id', 'booking_date', 'id']).execute()
  await db.schema.createIndex('transactions_date').on('transactions').columns(['booking_date', 'id']).execute()

  await db.schema
    .createTable('fx_rates')
    .addColumn('base', 'text', (c) => c.notNull())
    .addColumn('quote', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('rate', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fx_rates_pk', ['base', 'quote', 'date'])
    .execute()
  await db.schema.createIndex('fx_rates_date').on('fx_rates').column('date').execute()

  await db.schema
    .createTable('app_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()

  if (!isPostgres(db)) await sql`PRAGMA optimize`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['app_meta', 'fx_rates', 'transactions', 'balances', 'accounts', 'banks', 'entities']) {
    await db.schema.dropTable(table).execute()
  }
}
