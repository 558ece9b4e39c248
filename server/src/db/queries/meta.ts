import { sql } from 'kysely'
import { databaseKind, type Db } from '../client.js'

/** True when no member company exists yet (a fresh database). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return (await db.selectFrom('entities').select('id').limit(1).executeTakeFirst()) === undefined
}

/** A value of the app_meta table (e.g. `demo.endDate`), or undefined. */
export async function readAppMeta(db: Db, key: string): Promise<string | undefined> {
  return (await db.selectFrom('app_meta').select('value').where('key', '=', key).executeTakeFirst())?.value
}

/**
 * A token that changes whenever committed data may have changed, whoever wrote it: read it before
 * the data it guards, and an unchanged token means the data read after it is still current.
 *
 * - SQLite: `total_changes()` counts this connection's writes (the app's own, counted as they
 *   happen); `PRAGMA data_version` moves when another connection commits (a CLI import, the seed).
 * - PostgreSQL: the current snapshot (`xmin:xmax:xip…`) changes whenever any transaction that
 *   wrote commits, in any session or process.
 *
 * Any write invalidates, not only writes to the tables a cache reads: it errs on the side of
 * reading again.
 *
 * @example
 * const version = await readDataVersion(db) // then read the data; cache both together
 */
export async function readDataVersion(db: Db): Promise<string> {
  if (databaseKind(db) === 'postgres') {
    const { rows } = await sql<{ v: string }>`select pg_current_snapshot()::text as v`.execute(db)
    return `pg:${rows[0]!.v}`
  }
  const [changes, version] = await Promise.all([
    sql<{ c: bigint | number }>`select total_changes() as c`.execute(db),
    sql<{ data_version: bigint | number }>`pragma data_version`.execute(db),
  ])
  return `sqlite:${changes.rows[0]!.c}:${version.rows[0]!.data_version}`
}

/**
 * The master-data version: moves whenever member companies, banks or accounts change (database
 * triggers keep it, migration 0005), so an account directory read after it stays current until it moves.
 */
export async function readMasterDataVersion(db: Db): Promise<bigint> {
  const { rows } = await sql<{ version: bigint | number | string }>`select version from data_versions where name = 'master'`.execute(db)
  return BigInt(rows[0]!.version)
}
