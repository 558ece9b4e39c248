import { SUMMARY_MAX_ROWS, type CurrencyCode, type TransactionsLargestInput, type TransactionsListInput, type TransactionsSummaryInput } from '@treasury/shared'
import type { Db } from '../db/client.js'
import type { EntityScope } from '../db/queries/scope.js'
import { findAccountInScope } from '../db/queries/accounts.js'
import { listFxRatesForRange } from '../db/queries/fx.js'
import { filtersRows, listDayAmounts, listTransactions, listTransactionsById, pagesByDate, scanBoundary, summarizeTransactions } from '../db/queries/transactions.js'
import { keptWhileUnchanged, scopeKey } from './balance-snapshot.js'
import { Converter } from './conversion.js'
import { InvalidRequestError, NotFoundError } from './errors.js'

type TransactionRow = Awaited<ReturnType<typeof listTransactions>>[number]

/** A stored transaction as the API serves it. */
function transactionItem(t: TransactionRow) {
  return {
    id: String(t.id),
    accountId: t.account_id,
    bookingDate: t.booking_date,
    valueDate: t.value_date,
    amount: t.amount,
    currency: t.currency,
    status: t.status as 'booked' | 'pending',
    bankReference: t.bank_reference,
    endToEndId: t.end_to_end_id,
    counterpartyName: t.counterparty_name,
    counterpartyAccount: t.counterparty_account,
    counterpartyBank: t.counterparty_bank,
    purpose: t.purpose,
    bankTransactionCode: t.bank_transaction_code,
    source: t.source,
  }
}

/** Keyset cursors are opaque to clients: base64url of "bookingDate|id" of the last item served. */
export function encodeCursor(bookingDate: string, id: bigint): string {
  return Buffer.from(`${bookingDate}|${id}`).toString('base64url')
}

export function decodeCursor(cursor: string): { bookingDate: string; id: bigint } {
  const match = /^(\d{4}-\d{2}-\d{2})\|(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!match) throw new InvalidRequestError('cursor: malformed cursor (pass back nextCursor unchanged)')
  return { bookingDate: match[1]!, id: BigInt(match[2]!) }
}

/**
 * How many transactions one request may read for filters no index narrows (text, amounts,
 * direction): SQLite answers one query at a time, so a search for a rare word over years of a large
 * group must not hold every other request for seconds. A page then covers the next `pageRows` rows
 * of the list and may hold fewer items than asked, or none, with a cursor to go on from there; the
 * totals go through at most `summaryRows`. Tests lower them.
 */
export const SCAN_LIMITS = { pageRows: 100_000, summaryRows: SUMMARY_MAX_ROWS }

/** A 404 for an account filter naming an account outside the scope (or none at all). */
async function accountInScope(db: Db, scope: EntityScope, accountId: string | undefined): Promise<void> {
  if (accountId && !(await findAccountInScope(db, scope, accountId))) throw new NotFoundError(`unknown account "${accountId}"`)
}

/**
 * A page of the filtered list, newest first, with the cursor of the next one (null after the
 * last). With filters no index narrows, a page reads at most {@link SCAN_LIMITS}`.pageRows` rows
 * and may hold fewer items than asked, or none, before the end; `searchedBackTo` then gives the
 * booking date down to which the list has been looked through (otherwise null).
 */
export async function listTransactionsPage(db: Db, scope: EntityScope, input: TransactionsListInput) {
  await accountInScope(db, scope, input.accountId)
  const after = input.cursor ? decodeCursor(input.cursor) : undefined
  const byDate = await pagesByDate(db, scope, input.accountId)
  let boundary: Awaited<ReturnType<typeof scanBoundary>>
  let rows: TransactionRow[] = []
  // A tenth of the budget first: a common word or a direction fills a page from it at once.
  for (const budget of filtersRows(input) ? [Math.ceil(SCAN_LIMITS.pageRows / 10), SCAN_LIMITS.pageRows] : [0]) {
    boundary = budget > 0 ? await scanBoundary(db, scope, { ...input, after }, budget, byDate) : undefined
    rows = await listTransactions(db, scope, { ...input, after, notOlderThan: boundary, limit: input.limit + 1 }, byDate)
    if (rows.length > input.limit || !boundary) break
  }
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  let nextCursor: string | null = null
  let searchedBackTo: string | null = null
  if (rows.length > input.limit && last) nextCursor = encodeCursor(last.booking_date, BigInt(last.id))
  else if (boundary) {
    // The scan budget ran out before the page was full: go on after the last row read, and say how
    // far back the list has been looked through (a rare word may take many such pages).
    nextCursor = encodeCursor(boundary.bookingDate, boundary.id)
    searchedBackTo = boundary.bookingDate
  }
  return { items: page.map(transactionItem), nextCursor, searchedBackTo }
}

/**
 * The totals of a filtered list, per currency and never converted (the list shows each amount in
 * its own currency): how many transactions, their inflow and outflow, how many still pending. At
 * most `maxRows` transactions are gone through (see {@link SCAN_LIMITS}), so one request never
 * ties up the server: beyond that `complete` is false and the totals are left out.
 *
 * @example
 * await transactionsSummary(db, scope, { from: '2026-10-01', to: '2026-10-31', q: 'COSCO' })
 * // { complete: true, count: 12, currencies: [{ currency: 'CNY', count: 12, inflow: 0n, outflow: 1234500n, pending: 0 }] }
 */
export async function transactionsSummary(db: Db, scope: EntityScope, input: TransactionsSummaryInput, maxRows = SCAN_LIMITS.summaryRows) {
  await accountInScope(db, scope, input.accountId)
  // Row-by-row filters over more rows than the budget: say so before reading them all.
  if (filtersRows(input) && (await scanBoundary(db, scope, input, maxRows + 1))) return { complete: false as const, count: null, currencies: [], maxRows }
  const currencies = await summarizeTransactions(db, scope, input, maxRows)
  const count = currencies.reduce((sum, c) => sum + c.count, 0)
  if (count > maxRows) return { complete: false as const, count: null, currencies: [], maxRows }
  return { complete: true as const, count, currencies, maxRows }
}

const magnitude = (v: bigint) => (v < 0n ? -v : v)

/**
 * The day's largest movements in scope, ranked by their size in the reporting currency at the
 * day's rates (the rates a position of that day uses, reported with the answer). Movements in a
 * currency without a rate are never guessed: they rank after every converted one, by their own size,
 * with `converted: null`, and their currency is listed in `unconverted`. `count` says how many
 * movements the day had in all.
 */
export function largestMovements(db: Db, scope: EntityScope, input: TransactionsLargestInput) {
  // Asked on every visit of the overview; on a large group ranking the day's ~18,000 movements takes
  // 100–250 ms, so the answer is kept until the data changes (and kept warm after a sync).
  const key = `largest|${input.currency}|${input.date}|${input.limit}|${scopeKey(scope)}`
  return keptWhileUnchanged(db, key, () => rankLargest(db, scope, input))
}

async function rankLargest(db: Db, scope: EntityScope, input: TransactionsLargestInput) {
  const [amounts, rates] = await Promise.all([listDayAmounts(db, scope, input.date), listFxRatesForRange(db, input.date, input.date)])
  const converter = new Converter(rates, input.currency, input.date)
  const ranked = amounts
    .map((t) => ({ id: BigInt(t.id), amount: t.amount, converted: converter.convert(t.amount, t.currency as CurrencyCode) }))
    .sort((a, b) => {
      if (a.converted === null || b.converted === null) {
        if (a.converted !== b.converted) return a.converted === null ? 1 : -1
      }
      const x = magnitude(a.converted ?? a.amount)
      const y = magnitude(b.converted ?? b.amount)
      return x === y ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : y > x ? 1 : -1
    })
    .slice(0, input.limit)
  const rows = new Map((await listTransactionsById(db, ranked.map((r) => r.id))).map((t) => [String(t.id), t]))
  return {
    currency: input.currency,
    date: input.date,
    count: amounts.length,
    items: ranked.flatMap((r) => {
      const row = rows.get(String(r.id))
      // Gone between the two reads (a pending entry replaced by its booked one): left out.
      return row ? [{ ...transactionItem(row), converted: r.converted }] : []
    }),
    fx: converter.ratesUsed(),
    unconverted: converter.unconvertedList(),
  }
}
