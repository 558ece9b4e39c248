import { sql, type Kysely } from 'kysely'

// Frozen in time: this file imports no application code, so it means the same thing forever.
// A counter that moves whenever member companies, banks or accounts change, whoever writes them
// (the app, a CLI import, an operator with SQL): readers keep the account directory in memory
// and read it again only when the counter moved. Triggers keep it, so no writer can forget to.
// SQLite has only row triggers, one per event; PostgreSQL bumps once per statement.

const TABLES = ['entities', 'banks', 'accounts'] as const

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter'
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute()
  await db.insertInto('data_versions').values({ name: 'master', version: 1 }).execute()
  const bump = sql.raw(`update data_versions set version = version + 1 where name = 'master'`)
  if (isPostgres(db)) {
    await sql`create function bump_master_version() returns trigger language plpgsql as $$ begin ${bump}; return null; end $$`.execute(db)
    for (const table of TABLES) {
      await sql`create trigger ${sql.raw(`${table}_master_version`)} after insert or update or delete or truncate on ${sql.table(table)} for each statement execute function bump_master_version()`.execute(db)
    }
  } else {
    for (const table of TABLES) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql`create trigger ${sql.raw(`${table}_master_version_${event}`)} after ${sql.raw(event)} on ${sql.table(table)} begin ${bump}; end`.execute(db)
      }
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of TABLES) await sql`drop trigger if exists ${sql.raw(`${table}_master_version`)} on ${sql.table(table)}`.execute(db)
    await sql`drop function if exists bump_master_version()`.execute(db)
  } else {
    for (const table of TABLES) {
      for (const event of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`${table}_master_version_${event}`)}`.execute(db)
    }
  }
  await db.schema.dropTable('data_versions').execute()
}
