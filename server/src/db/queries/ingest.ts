import { sql } from 'kysely'
import type { Db } from '../client.js'
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

/** How a batch of entries landed. */
export interface TransactionUpsertResult {
  inserted: number
  updated: number
  unchanged: number
}

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

/**
 * Upserts entries of one account by `(account_id, dedupe_key)`: new keys are inserted; a pending
 * row is replaced by its booked counterpart; a row whose fields changed is updated; a pending
 * re-delivery never downgrades a booked row; identical re-deliveries change nothing.
 * Keys must be unique within the batch (the caller's page dedupe guarantees it).
 *
 * @example
 * await db.transaction().execute((trx) => upsertTransactions(trx, 'acc_1', rows))
 */
export async function upsertTransactions(db: Db, accountId: string, rows: readonly NewTransaction[]): Promise<TransactionUpsertResult> {
  const result: TransactionUpsertResult = { inserted: 0, updated: 0, unchanged: 0 }
  const unique = new Map<string, NewTransaction>()
  for (const row of rows) {
    if (row.account_id !== accountId) throw new Error(`upsertTransactions: row of ${row.account_id} in a batch of ${accountId}`)
    unique.set(row.dedupe_key, row)
  }
  for (const part of chunks([...unique.values()])) {
    const existing = await db
      .selectFrom('transactions')
      .select(['id', 'dedupe_key', ...COMPARED])
      .where('account_id', '=', accountId)
      .where(
        'dedupe_key',
        'in',
        part.map((r) => r.dedupe_key),
      )
      .execute()
    const byKey = new Map(existing.map((e) => [e.dedupe_key, e]))
    const inserts: NewTransaction[] = []
    for (const row of part) {
      const old = byKey.get(row.dedupe_key)
      if (!old) {
        inserts.push(row)
        continue
      }
      if (old.status === 'booked' && row.status === 'pending') {
        result.unchanged++
        continue
      }
      const changed = COMPARED.some((column) => String(old[column] ?? '') !== String(row[column] ?? ''))
      if (!changed) {
        result.unchanged++
        continue
      }
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
        .where('id', '=', old.id)
        .execute()
      result.updated++
    }
    if (inserts.length) {
      // ON CONFLICT DO NOTHING: a concurrent writer (a statement import) may have stored a key meanwhile.
      const inserted = await db
        .insertInto('transactions')
        .values(inserts)
        .onConflict((oc) => oc.columns(['account_id', 'dedupe_key']).doNothing())
        .executeTakeFirst()
      const n = Number(inserted.numInsertedOrUpdatedRows ?? BigInt(inserts.length))
      result.inserted += n
      result.unchanged += inserts.length - n
    }
  }
  return result
}

/**
 * After a complete fetch of an account's days `from..to` from `source`: pending rows of those days
 * that the bank no longer reports (booked under another key, or dropped) are deleted. Returns how many.
 *
 * @example
 * await removeVanishedPending(trx, { accountId: 'acc_1', source: 'acme-bank', from, to, keep: pendingKeysSeen })
 */
export async function removeVanishedPending(
  db: Db,
  params: { accountId: string; source: string; from: string; to: string; keep: ReadonlySet<string> },
): Promise<number> {
  const candidates = await db
    .selectFrom('transactions')
    .select(['id', 'dedupe_key'])
    .where('account_id', '=', params.accountId)
    .where('status', '=', 'pending')
    .where('source', '=', params.source)
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
