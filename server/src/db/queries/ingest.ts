import type { ConnectorTransaction } from '@treasury/shared'
import { CompiledQuery, sql } from 'kysely'
import { databaseKind, type DatabaseKind, type Db } from '../client.js'
import type { NewBalance, NewTransaction } from '../database.js'

/**
 * Idempotent storage of what banks deliver (connectors and statement files alike). Callers wrap
 * one batch in one transaction (`db.transaction().execute(trx => …)`) and pass `trx` as `db`.
 */

const CHUNK = 500

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Inserts balances, or updates one of the same (account, type, date) when the new report is at
 * least as recent — an older re-delivery never overwrites a newer figure. Returns rows written.
 *
 * @example
 * await upsertBalances(trx, [{ account_id: 'acc_1', date: '2026-11-20', type: 'CLBD', amount: 100n, reported_at, fetched_at, source: 'acme-bank' }])
 */
export async function upsertBalances(db: Db, balances: readonly NewBalance[]): Promise<number> {
  let written = 0
  for (const part of chunks(balances)) {
    const result = await db
      .insertInto('balances')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'type', 'date'])
          .doUpdateSet((eb) => ({
            amount: eb.ref('excluded.amount'),
            reported_at: eb.ref('excluded.reported_at'),
            fetched_at: eb.ref('excluded.fetched_at'),
            source: eb.ref('excluded.source'),
          }))
          .where((eb) => eb('excluded.reported_at', '>=', eb.ref('balances.reported_at'))),
      )
      .executeTakeFirst()
    written += Number(result.numInsertedOrUpdatedRows ?? 0n)
  }
  return written
}

/**
 * The row of a connector's (or the demo generator's) transaction, stored under `dedupeKey`.
 *
 * @example
 * const row = transactionRow(tx, { accountId: 'acc_1', dedupeKey: 'ref:K1', source: 'acme-bank', createdAt: now.toISOString() })
 */
export function transactionRow(t: ConnectorTransaction, row: { accountId: string; dedupeKey: string; source: string; createdAt: string }): NewTransaction {
  return {
    account_id: row.accountId,
    dedupe_key: row.dedupeKey,
    booking_date: t.bookingDate,
    value_date: t.valueDate,
    amount: t.amount,
    currency: t.currency,
    status: t.status,
    bank_reference: t.bankReference,
    end_to_end_id: t.endToEndId,
    counterparty_name: t.counterpartyName,
    counterparty_account: t.counterpartyAccount,
    counterparty_bank: t.counterpartyBank,
    purpose: t.purpose,
    bank_transaction_code: t.bankTransactionCode,
    source: row.source,
    created_at: row.createdAt,
  }
}

/** How a batch of entries landed. */
export interface TransactionUpsertResult {
  inserted: number
  updated: number
  unchanged: number
}

/** How one row landed: a new key, a changed row (or pending upgraded to booked), or nothing to do. */
export type TransactionUpsertOutcome = 'inserted' | 'updated' | 'unchanged'

const COMPARED = [
  'booking_date',
  'value_date',
  'amount',
  'currency',
  'status',
  'bank_reference',
  'end_to_end_id',
  'counterparty_name',
  'counterparty_account',
  'counterparty_bank',
  'purpose',
  'bank_transaction_code',
] as const

/** Every column an insert writes, in this order. */
const INSERTED = ['account_id', 'dedupe_key', ...COMPARED, 'source', 'created_at'] as const satisfies readonly (keyof NewTransaction)[]

/**
 * Rows per multi-row INSERT (16 columns: 4,096 bound values, far below SQLite's 32,766 and
 * PostgreSQL's 65,535) and keys per look-up.
 */
const ROWS_PER_STATEMENT = 256

export type ExistingTransaction = { id: bigint | number | string; dedupe_key: string } & { [C in (typeof COMPARED)[number]]: unknown }

/**
 * The statement texts of the hot path, written once per database kind and size and reused. Kysely
 * would build and compile an operation tree of every bound value per call, and the SQLite
 * connection finds a statement it has already prepared by its text; a few fixed sizes (powers of
 * two) keep the number of distinct texts small. The SQL is the same on both databases except for
 * the placeholders (`?` on SQLite, `$n` on PostgreSQL).
 */
const statementTexts = new Map<string, string>()

function placeholders(kind: DatabaseKind, count: number, from: number): string {
  const marks: string[] = new Array(count)
  for (let i = 0; i < count; i++) marks[i] = kind === 'postgres' ? `$${from + i}` : '?'
  return marks.join(',')
}

function selectByKeysText(kind: DatabaseKind, keys: number): string {
  const id = `${kind}|select|${keys}`
  let text = statementTexts.get(id)
  if (text === undefined) {
    text =
      `select "id", "dedupe_key", ${COMPARED.map((c) => `"${c}"`).join(', ')} from "transactions" ` +
      `where "account_id" = ${kind === 'postgres' ? '$1' : '?'} and "dedupe_key" in (${placeholders(kind, keys, 2)})`
    statementTexts.set(id, text)
  }
  return text
}

function insertText(kind: DatabaseKind, rows: number): string {
  const id = `${kind}|insert|${rows}`
  let text = statementTexts.get(id)
  if (text === undefined) {
    const tuples: string[] = new Array(rows)
    for (let r = 0; r < rows; r++) tuples[r] = `(${placeholders(kind, INSERTED.length, 1 + r * INSERTED.length)})`
    // ON CONFLICT DO NOTHING: a concurrent writer (a sync run, another import) may have stored a key
    // since the look-up. (Not RETURNING which rows were added: on SQLite that costs ~15 % of the insert.)
    text = `insert into "transactions" (${INSERTED.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(',')} on conflict ("account_id", "dedupe_key") do nothing`
    statementTexts.set(id, text)
  }
  return text
}

/** The largest power of two ≤ n (n ≥ 1), capped at ROWS_PER_STATEMENT. */
function statementSize(n: number): number {
  let size = ROWS_PER_STATEMENT
  while (size > n) size >>= 1
  return size
}

/**
 * Stored rows of `accountId` with these dedupe keys (any number of keys; one query per 256).
 *
 * @example
 * const stored = await findTransactionsByKeys(trx, 'acc_1', ['ref:K1', 'ref:K2']) // Map key → row
 */
export async function findTransactionsByKeys(db: Db, accountId: string, keys: readonly string[]): Promise<Map<string, ExistingTransaction>> {
  const kind = databaseKind(db)
  const found = new Map<string, ExistingTransaction>()
  for (let start = 0; start < keys.length; start += ROWS_PER_STATEMENT) {
    const count = Math.min(ROWS_PER_STATEMENT, keys.length - start)
    // Padded to a power of two with the last key again (harmless in IN), so few texts exist.
    let size = statementSize(count)
    if (size < count) size <<= 1
    const parameters: unknown[] = new Array(size + 1)
    parameters[0] = accountId
    for (let i = 0; i < size; i++) parameters[i + 1] = keys[start + Math.min(i, count - 1)]
    const result = await db.executeQuery<ExistingTransaction>(CompiledQuery.raw(selectByKeysText(kind, size), parameters))
    for (const row of result.rows) found.set(row.dedupe_key, row)
  }
  return found
}

/**
 * Inserts rows the look-up found new (ON CONFLICT DO NOTHING) and says which were added: all of
 * them, unless a concurrent writer stored some of the keys in the meantime — then the stored rows
 * are read back, and a row is ours when it carries our `source` and `created_at`.
 */
async function insertTransactions(db: Db, accountId: string, rows: readonly NewTransaction[]): Promise<boolean[]> {
  const kind = databaseKind(db)
  let added = 0
  let start = 0
  while (start < rows.length) {
    const size = statementSize(rows.length - start)
    const parameters: unknown[] = new Array(size * INSERTED.length)
    let p = 0
    for (let r = start; r < start + size; r++) {
      const row = rows[r]!
      for (const column of INSERTED) parameters[p++] = row[column] ?? null
    }
    const result = await db.executeQuery(CompiledQuery.raw(insertText(kind, size), parameters))
    added += Number(result.numAffectedRows ?? BigInt(size))
    start += size
  }
  if (added === rows.length) return rows.map(() => true)
  const stored = await db
    .selectFrom('transactions')
    .select(['dedupe_key', 'source', 'created_at'])
    .where('account_id', '=', accountId)
    .where(
      'dedupe_key',
      'in',
      rows.map((r) => r.dedupe_key),
    )
    .execute()
  const byKey = new Map(stored.map((s) => [s.dedupe_key, s]))
  return rows.map((r) => {
    const s = byKey.get(r.dedupe_key)
    return s !== undefined && s.source === r.source && s.created_at === r.created_at
  })
}

/**
 * Upserts entries of one account by `(account_id, dedupe_key)` and says how each row landed, in
 * the order given: new keys are inserted; a pending row is replaced by its booked counterpart; a
 * row whose fields changed is updated; a pending re-delivery never downgrades a booked row;
 * identical re-deliveries change nothing. Keys must be unique within the call.
 *
 * Set-based: per 256 rows one look-up of the stored keys and one multi-row INSERT of the new
 * ones; only changed rows are updated one by one (rare: a re-delivery usually repeats itself).
 *
 * @example
 * const outcomes = await upsertTransactionRows(trx, 'acc_1', rows) // ['inserted', 'unchanged', …]
 */
export async function upsertTransactionRows(db: Db, accountId: string, rows: readonly NewTransaction[]): Promise<TransactionUpsertOutcome[]> {
  const outcomes: TransactionUpsertOutcome[] = new Array(rows.length)
  const seen = new Set<string>()
  for (const row of rows) {
    if (row.account_id !== accountId) throw new Error(`upsertTransactionRows: row of ${row.account_id} in a batch of ${accountId}`)
    if (seen.has(row.dedupe_key)) throw new Error(`upsertTransactionRows: dedupe key ${row.dedupe_key} twice in one batch`)
    seen.add(row.dedupe_key)
  }
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT * 4) {
    const end = Math.min(rows.length, start + ROWS_PER_STATEMENT * 4)
    const keys: string[] = []
    for (let i = start; i < end; i++) keys.push(rows[i]!.dedupe_key)
    const stored = await findTransactionsByKeys(db, accountId, keys)
    const inserts: NewTransaction[] = []
    const insertAt: number[] = []
    for (let i = start; i < end; i++) {
      const row = rows[i]!
      const old = stored.get(row.dedupe_key)
      if (!old) {
        inserts.push(row)
        insertAt.push(i)
      } else if (old.status === 'booked' && row.status === 'pending') {
        outcomes[i] = 'unchanged'
      } else if (COMPARED.some((column) => String(old[column] ?? '') !== String(row[column] ?? ''))) {
        await updateTransaction(db, old.id, row)
        outcomes[i] = 'updated'
      } else {
        outcomes[i] = 'unchanged'
      }
    }
    if (inserts.length) {
      const added = await insertTransactions(db, accountId, inserts)
      for (let j = 0; j < inserts.length; j++) outcomes[insertAt[j]!] = added[j] ? 'inserted' : 'unchanged'
    }
  }
  return outcomes
}

async function updateTransaction(db: Db, id: bigint | number | string, row: NewTransaction): Promise<void> {
  await db
    .updateTable('transactions')
    .set({
      booking_date: row.booking_date,
      value_date: row.value_date,
      amount: row.amount,
      currency: row.currency,
      status: row.status,
      bank_reference: row.bank_reference ?? null,
      end_to_end_id: row.end_to_end_id ?? null,
      counterparty_name: row.counterparty_name ?? null,
      counterparty_account: row.counterparty_account ?? null,
      counterparty_bank: row.counterparty_bank ?? null,
      purpose: row.purpose ?? null,
      bank_transaction_code: row.bank_transaction_code ?? null,
      source: row.source,
    })
    .where('id', '=', BigInt(id))
    .execute()
}

/**
 * Upserts entries of one account by `(account_id, dedupe_key)` (see {@link upsertTransactionRows});
 * a key given twice counts once, the last row winning. Returns the counts.
 *
 * @example
 * await db.transaction().execute((trx) => upsertTransactions(trx, 'acc_1', rows))
 */
export async function upsertTransactions(db: Db, accountId: string, rows: readonly NewTransaction[]): Promise<TransactionUpsertResult> {
  const unique = new Map<string, NewTransaction>()
  for (const row of rows) unique.set(row.dedupe_key, row)
  const result: TransactionUpsertResult = { inserted: 0, updated: 0, unchanged: 0 }
  for (const outcome of await upsertTransactionRows(db, accountId, [...unique.values()])) result[outcome]++
  return result
}

/**
 * Deletes transactions by id. Returns how many.
 *
 * @example
 * await deleteTransactionsById(trx, [12n, 13n])
 */
export async function deleteTransactionsById(db: Db, ids: readonly (bigint | number | string)[]): Promise<number> {
  let deleted = 0
  for (const part of chunks(ids.map((id) => BigInt(id)))) {
    const result = await db.deleteFrom('transactions').where('id', 'in', part).executeTakeFirst()
    deleted += Number(result.numDeletedRows)
  }
  return deleted
}

/**
 * Books pending transactions (by id): status, booking and value date and source of the booked delivery.
 *
 * @example
 * await bookTransactions(trx, [12n], { bookingDate: '2026-11-20', valueDate: '2026-11-20', source: 'import:camt054' })
 */
export async function bookTransactions(db: Db, ids: readonly (bigint | number | string)[], params: { bookingDate: string; valueDate: string; source: string }): Promise<void> {
  for (const part of chunks(ids.map((id) => BigInt(id)))) {
    await db
      .updateTable('transactions')
      .set({ status: 'booked', booking_date: params.bookingDate, value_date: params.valueDate, source: params.source })
      .where('id', 'in', part)
      .execute()
  }
}

/**
 * After a complete fetch of an account's days `from..to` from `source` (or any of several sources):
 * pending rows of those days that the bank no longer reports (booked under another key, or dropped)
 * are deleted. Returns how many.
 *
 * @example
 * await removeVanishedPending(trx, { accountId: 'acc_1', source: 'acme-bank', from, to, keep: pendingKeysSeen })
 */
export async function removeVanishedPending(
  db: Db,
  params: { accountId: string; source: string | readonly string[]; from: string; to: string; keep: ReadonlySet<string> },
): Promise<number> {
  const sources = typeof params.source === 'string' ? [params.source] : [...params.source]
  const candidates = await db
    .selectFrom('transactions')
    .select(['id', 'dedupe_key'])
    .where('account_id', '=', params.accountId)
    .where('status', '=', 'pending')
    .where('source', 'in', sources)
    .where('booking_date', '>=', params.from)
    .where('booking_date', '<=', params.to)
    .execute()
  const doomed = candidates.filter((c) => !params.keep.has(c.dedupe_key)).map((c) => c.id)
  for (const part of chunks(doomed)) await db.deleteFrom('transactions').where('id', 'in', part).execute()
  return doomed.length
}

/**
 * What the continuity check needs for one account: the last closing booked balance before `from`
 * (the anchor), the opening and closing booked balances of `from..to`, and the booked movements per day.
 */
export async function listContinuityInputs(db: Db, accountId: string, from: string, to: string) {
  const [anchor, balances, flows] = await Promise.all([
    db
      .selectFrom('balances')
      .select(['date', 'amount'])
      .where('account_id', '=', accountId)
      .where('type', '=', 'CLBD')
      .where('date', '<', from)
      .orderBy('date', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('balances')
      .select(['date', 'type', 'amount'])
      .where('account_id', '=', accountId)
      .where('type', 'in', ['OPBD', 'CLBD'])
      .where('date', '>=', from)
      .where('date', '<=', to)
      .orderBy('date')
      .execute(),
    db
      .selectFrom('transactions')
      .select(['booking_date as date', sql<bigint>`sum(amount)`.as('total')])
      .where('account_id', '=', accountId)
      .where('status', '=', 'booked')
      .where('booking_date', '>=', from)
      .where('booking_date', '<=', to)
      .groupBy('booking_date')
      .execute(),
  ])
  return {
    anchor: anchor ? { date: anchor.date, amount: BigInt(anchor.amount) } : null,
    openings: new Map(balances.filter((b) => b.type === 'OPBD').map((b) => [b.date, BigInt(b.amount)])),
    closings: new Map(balances.filter((b) => b.type === 'CLBD').map((b) => [b.date, BigInt(b.amount)])),
    flows: new Map(flows.map((f) => [f.date, BigInt(f.total)])),
  }
}
