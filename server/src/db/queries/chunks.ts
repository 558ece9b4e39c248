/** Accounts a long read covers per query (see `readByAccounts`). */
export const ACCOUNTS_PER_READ = 500

/**
 * Reads for `accountIds` a few hundred accounts a query, giving the event loop a turn before each,
 * and returns all their rows in the order read. better-sqlite3 runs each query on the server's one
 * thread: one read of the 90-day trend on a 5,000-account group (~460,000 closings, ~1.3 million
 * transactions) held every other request for 3.5–8 s. In parts, a request waits for one part at most,
 * and each account is still read by one query (its index range once, as in a single read).
 *
 * The parts are read at different moments: a write committed between two of them shows in the later
 * parts only. Answers kept by data version (services/balance-snapshot.ts) are tagged with the version
 * read before they were computed, so such a write makes the next request compute them again.
 *
 * @example
 * const rows = await readByAccounts(ids, (part) => flowsOf(part))
 * // → flowsOf(ids[0..499]), then flowsOf(ids[500..999]), …
 */
export async function readByAccounts<T>(accountIds: readonly string[], read: (accountIds: string[]) => Promise<T[]>, perRead: number = ACCOUNTS_PER_READ): Promise<T[]> {
  if (!Number.isInteger(perRead) || perRead < 1) throw new RangeError(`readByAccounts: perRead must be a positive whole number, got ${perRead}`)
  const rows: T[] = []
  for (let i = 0; i < accountIds.length; i += perRead) {
    await otherRequestsTurn()
    for (const row of await read(accountIds.slice(i, i + perRead))) rows.push(row)
  }
  return rows
}

/**
 * Lets the event loop serve what is waiting (other requests, timers) before going on: for long work
 * on the server's one thread, between parts of it.
 */
export function otherRequestsTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
