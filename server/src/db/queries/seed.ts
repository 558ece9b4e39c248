import SQLite from 'better-sqlite3'
import { CompiledQuery, sql, type Insertable } from 'kysely'
import { databaseKind, type Db } from '../client.js'
import type { Database } from '../database.js'

/**
 * Bulk writes for seeding (the demo group, benchmarks): hundreds of thousands to millions of rows.
 *
 * Two paths, one contract. On a SQLite file the rows go through a second connection to the same
 * file, each INSERT prepared once and re-run per row: Kysely's SQLite driver prepares every statement
 * anew, and preparing a multi-row INSERT costs about as much as running it (measured: the writes take
 * ~40% less CPU this way). Elsewhere (PostgreSQL, in-memory SQLite, a `db` that is a transaction)
 * they go through `db` as multi-row INSERTs, each under SQLite's limit of 32,766 bound variables per
 * statement (PostgreSQL allows 65,535).
 */

const MAX_BOUND_VARIABLES = 32_766
/** Longer statements cost more to prepare than they save (measured on SQLite: ~500 rows is the sweet spot). */
const ROWS_PER_STATEMENT = 500

export type SeedTable = 'entities' | 'banks' | 'accounts' | 'balances' | 'transactions' | 'fx_rates' | 'app_meta'
export type SeedRow<T extends SeedTable> = Insertable<Database[T]>

/** Rows of several tables, written in this order (parents before children). */
export type SeedBatch = readonly { [T in SeedTable]: readonly [T, readonly SeedRow<T>[]] }[SeedTable][]

/** `app_meta` keys are set, not added: writing one again replaces its value. */
function conflictClause(table: SeedTable): string {
  return table === 'app_meta' ? ' on conflict ("key") do update set "value" = excluded."value"' : ''
}

const statementTexts = new Map<string, string>()

function insertText(kind: 'sqlite' | 'postgres', table: SeedTable, columns: readonly string[], rowCount: number): string {
  const key = `${kind}|${table}|${columns.join(',')}|${rowCount}`
  let text = statementTexts.get(key)
  if (text === undefined) {
    const tuples: string[] = []
    let n = 0
    for (let r = 0; r < rowCount; r++) {
      const marks: string[] = []
      for (let c = 0; c < columns.length; c++) marks.push(kind === 'postgres' ? `$${++n}` : '?')
      tuples.push(`(${marks.join(',')})`)
    }
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}${conflictClause(table)}`
    // Only the two shapes of each table (a full statement and the last one) are worth keeping.
    if (statementTexts.size > 64) statementTexts.clear()
    statementTexts.set(key, text)
  }
  return text
}

/**
 * Inserts rows of one table (all with the columns of the first row) in as few statements as the
 * bound-variable limit allows. Pass a transaction as `db` to make it part of one.
 *
 * @example
 * await insertRows(trx, 'banks', [{ id: 'bnk_icbc', name_zh: '中国工商银行', name_en: 'ICBC', bic: 'ICBKCNBJ', country: 'CN' }])
 */
export async function insertRows<T extends SeedTable>(db: Db, table: T, rows: readonly SeedRow<T>[]): Promise<void> {
  if (rows.length === 0) return
  const kind = databaseKind(db)
  const columns = Object.keys(rows[0]!) as (keyof SeedRow<T> & string)[]
  const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(MAX_BOUND_VARIABLES / columns.length)))
  for (let start = 0; start < rows.length; start += perStatement) {
    const end = Math.min(rows.length, start + perStatement)
    const parameters: unknown[] = new Array((end - start) * columns.length)
    let p = 0
    for (let r = start; r < end; r++) {
      const row = rows[r]!
      for (const column of columns) parameters[p++] = row[column] ?? null
    }
    await db.executeQuery(CompiledQuery.raw(insertText(kind, table, columns, end - start), parameters))
  }
}

/**
 * How many member companies exist (a seed refuses to run on a database that has any).
 *
 * @example
 * if ((await countEntities(db)) > 0) throw new Error('not empty')
 */
export async function countEntities(db: Db): Promise<number> {
  const row = await db.selectFrom('entities').select((eb) => eb.fn.countAll<bigint | number | string>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export interface BulkWriterOptions {
  /**
   * true: everything written inside the callback is one transaction, rolled back if it throws.
   * false: each `write(batch)` is its own transaction (for datasets too large for one).
   */
  atomic: boolean
}

export type BulkWrite = (batch: SeedBatch) => Promise<void>

/**
 * Runs `fn` with a `write(batch)` for loading many rows; see the module comment for how they travel.
 *
 * @example
 * await withBulkWriter(db, { atomic: false }, async (write) => {
 *   for (const chunk of chunks) await write([['balances', chunk.balances], ['transactions', chunk.transactions]])
 * })
 */
export async function withBulkWriter<R>(db: Db, options: BulkWriterOptions, fn: (write: BulkWrite) => Promise<R>): Promise<R> {
  const file = databaseKind(db) === 'sqlite' && !db.isTransaction ? await sqliteFile(db) : null
  if (file) return withSqliteConnection(file, options, fn)

  const writeVia = (executor: Db): BulkWrite => async (batch) => {
    for (const [table, rows] of batch) await insertRows(executor, table, rows as readonly SeedRow<typeof table>[])
  }
  if (options.atomic) return db.transaction().execute((trx) => fn(writeVia(trx)))
  return fn((batch) => db.transaction().execute((trx) => writeVia(trx)(batch)))
}

/** The file behind a SQLite database, or null for an in-memory or temporary one. */
async function sqliteFile(db: Db): Promise<string | null> {
  const { rows } = await sql<{ file: string | null }>`select file from pragma_database_list where name = 'main'`.execute(db)
  return rows[0]?.file || null
}

async function withSqliteConnection<R>(file: string, options: BulkWriterOptions, fn: (write: BulkWrite) => Promise<R>): Promise<R> {
  const connection = new SQLite(file)
  try {
    // The same settings as the app's own connection (db/client.ts).
    connection.pragma('busy_timeout = 5000')
    connection.pragma('synchronous = NORMAL')
    connection.pragma('foreign_keys = ON')
    connection.pragma('cache_size = -65536')
    connection.defaultSafeIntegers(true)
    const statements = new Map<string, SQLite.Statement>()
    const insertBatch = (batch: SeedBatch) => {
      for (const [table, rows] of batch) {
        if (rows.length === 0) continue
        const columns = Object.keys(rows[0]!)
        const key = `${table}|${columns.join(',')}`
        let statement = statements.get(key)
        if (!statement) {
          statement = connection.prepare(insertText('sqlite', table, columns, 1))
          statements.set(key, statement)
        }
        const values: unknown[] = new Array(columns.length)
        for (const row of rows) {
          const record = row as Record<string, unknown>
          for (let c = 0; c < columns.length; c++) values[c] = record[columns[c]!] ?? null
          statement.run(values)
        }
      }
    }
    if (!options.atomic) {
      const inTransaction = connection.transaction(insertBatch)
      return await fn(async (batch) => inTransaction(batch))
    }
    // One transaction around the whole callback, which awaits between writes: begun and ended by hand.
    connection.exec('begin immediate')
    try {
      const result = await fn(async (batch) => insertBatch(batch))
      connection.exec('commit')
      return result
    } catch (error) {
      if (connection.inTransaction) connection.exec('rollback')
      throw error
    }
  } finally {
    connection.close()
  }
}
