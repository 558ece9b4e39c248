import { mkdirSync } from 'node:fs'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely'
import pg from 'pg'
import type { Database } from './database.js'

export type Db = Kysely<Database>
export type DatabaseKind = 'sqlite' | 'postgres'

/** A parsed `DATABASE_URL`: `sqlite:<path>` (or `sqlite::memory:`) or `postgres://…`. */
export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (!file) throw new Error('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/treasury.db')
    return { kind: 'sqlite', file }
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url }
  throw new Error(`DATABASE_URL must start with "sqlite:" or "postgres://", got "${url.split(':')[0]}:…"`)
}

// int8 (bigint columns, COUNT) and numeric (SUM of bigint) arrive as exact bigint, as on SQLite.
pg.types.setTypeParser(20, (value) => BigInt(value))
pg.types.setTypeParser(1700, (value) => (/^-?\d+$/.test(value) ? BigInt(value) : (value as unknown as bigint)))

/** Opens the database; callers own `db.destroy()`. */
export function createDb(target: DatabaseTarget): Db {
  if (target.kind === 'sqlite') {
    if (target.file !== ':memory:') mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true })
    const database = new SQLite(target.file)
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('foreign_keys = ON')
    database.pragma('busy_timeout = 5000')
    database.pragma('cache_size = -65536')
    // Every INTEGER comes back as bigint: money never passes through a JS number.
    database.defaultSafeIntegers(true)
    // Gather planner statistics where they are missing or stale (SQLite ≥ 3.46): without them the
    // planner may scan balances by date instead of seeking by account.
    database.pragma('optimize=0x10002')
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) })
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10, connectionTimeoutMillis: 5000 })
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {})
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

/**
 * Kysely's SQLite driver prepares every statement it runs; preparing a multi-row INSERT costs about
 * as much as running it. Statements are kept by their text (the most recently used 200) and run
 * again. Safe because the driver runs one statement at a time on its single connection.
 */
function withStatementCache(database: SQLite.Database, size = 200): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => database.close(),
    prepare(text) {
      let statement = cache.get(text)
      if (statement) {
        // Most recently used last: the first key is the one to drop.
        cache.delete(text)
      } else {
        statement = database.prepare(text)
        if (cache.size >= size) cache.delete(cache.keys().next().value!)
      }
      cache.set(text, statement)
      return statement
    },
  }
}

export function databaseKind(db: Db): DatabaseKind {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter' ? 'postgres' : 'sqlite'
}

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

/** Applies every pending migration in file-name order; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`)
  }
}

/** Refreshes the query planner's statistics, e.g. after a bulk load (both databases know ANALYZE). */
export async function refreshStatistics(db: Db): Promise<void> {
  await sql`analyze`.execute(db)
}

/** A cheap round trip that proves the database answers. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db)
}
