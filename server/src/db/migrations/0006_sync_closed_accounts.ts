import type { Kysely } from 'kysely'

// Frozen in time: this file imports no application code, so it means the same thing forever.
// An account closed in the master data is synced one last time, through the last day its bank
// reports (its history is kept), and never fetched again: `closed_through` is that last day
// ('YYYY-MM-DD' text, as in 0001); null while the account is open or not yet finalised.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_cursors').addColumn('closed_through', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_cursors').dropColumn('closed_through').execute()
}
