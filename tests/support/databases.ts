import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createDb, migrateToLatest, type DatabaseKind, type Db } from '@treasury/server/db/client'
import { sql } from 'kysely'
import { describe, inject } from 'vitest'
import type { PostgresAvailability } from './postgres.js'

export type { DatabaseKind, Db }

/** Every database the product supports, whether or not this run can test it. */
export const ALL_DIALECTS: readonly DatabaseKind[] = ['sqlite', 'postgres']

const postgres: PostgresAvailability = (inject('treasuryPostgres') as PostgresAvailability | undefined) ?? {
  available: false,
  reason: 'the global setup in tests/vitest.config.ts did not run',
}

/** The databases this run tests: 'sqlite' always, 'postgres' when a server is up (see global-setup.ts). */
export const DIALECTS: readonly DatabaseKind[] = ALL_DIALECTS.filter((kind) => kind === 'sqlite' || postgres.available)

/** A fresh, migrated, empty database that belongs to one caller. */
export interface TestDb {
  kind: DatabaseKind
  db: Db
  /** A DATABASE_URL for it (`sqlite:/tmp/…/test.db` or `postgres://…/t_…`), e.g. to start the server on it. */
  url: string
  /** Closes `db` and deletes the database; safe to call twice. */
  drop(): Promise<void>
}

/**
 * Opens a fresh database of `kind` with every migration applied and no rows:
 * SQLite in a temp file, PostgreSQL as `CREATE DATABASE t_<random>` on the test server.
 *
 * @example
 * let t: TestDb
 * beforeAll(async () => { t = await openTestDb(kind) })
 * afterAll(() => t?.drop())
 */
export async function openTestDb(kind: DatabaseKind): Promise<TestDb> {
  const opened = kind === 'sqlite' ? await openSqlite() : await openPostgres()
  try {
    await migrateToLatest(opened.db)
  } catch (error) {
    await opened.drop()
    throw error
  }
  return opened
}

async function openSqlite(): Promise<TestDb> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'treasury-sqlite-'))
  const file = path.join(dir, 'test.db')
  const db = createDb({ kind: 'sqlite', file })
  let dropped = false
  return {
    kind: 'sqlite',
    db,
    url: `sqlite:${file}`,
    drop: async () => {
      if (dropped) return
      dropped = true
      await db.destroy()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function openPostgres(): Promise<TestDb> {
  if (!postgres.available) throw new Error(`PostgreSQL is not available in this run: ${postgres.reason}`)
  const name = `t_${randomBytes(8).toString('hex')}`
  await asAdmin(postgres.adminUrl, (admin) => sql`create database ${sql.id(name)}`.execute(admin))
  const url = new URL(postgres.adminUrl)
  url.pathname = `/${name}`
  const db = createDb({ kind: 'postgres', url: url.toString() })
  let dropped = false
  return {
    kind: 'postgres',
    db,
    url: url.toString(),
    drop: async () => {
      if (dropped) return
      dropped = true
      await db.destroy()
      // FORCE: a test that leaked a connection must not keep its database alive.
      await asAdmin(postgres.adminUrl, (admin) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin))
    },
  }
}

async function asAdmin(adminUrl: string, work: (admin: Db) => Promise<unknown>): Promise<void> {
  const admin = createDb({ kind: 'postgres', url: adminUrl })
  try {
    await work(admin)
  } finally {
    await admin.destroy()
  }
}

/**
 * kysely's test-setup `DIALECTS` loop: declares the same suite once per database, as
 * `name > sqlite` and `name > postgres`. A database this run cannot test still shows up,
 * as a skipped suite named after the reason, e.g. "postgres (skipped: no PostgreSQL binaries in …)".
 *
 * @example
 * describeEachDatabase('transactions', (kind) => {
 *   let t: TestDb
 *   beforeAll(async () => { t = await openTestDb(kind) })
 *   afterAll(() => t?.drop())
 *   it('counts rows as bigint', async () => {
 *     const { n } = await t.db.selectFrom('transactions').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()
 *     expect(n).toBe(0n)
 *   })
 * })
 */
export function describeEachDatabase(name: string, fn: (kind: DatabaseKind) => void): void {
  describe(name, () => {
    for (const kind of ALL_DIALECTS) {
      if (DIALECTS.includes(kind)) describe(kind, () => fn(kind))
      else describe.skip(`${kind} (skipped: ${postgres.available ? 'unavailable' : postgres.reason})`, () => fn(kind))
    }
  })
}
