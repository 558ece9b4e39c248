import { transactionDedupeKey, type ConnectorTransaction } from '@treasury/shared'

/**
 * Dedupe keys for a sequence of entries of one account, exactly as statement import computes them:
 * `transactionDedupeKey` with an occurrence number that counts identical reference-less entries in
 * the order they arrive, so two genuine equal payments on one day stay two rows while a
 * re-delivery of the same two maps onto the same two keys.
 *
 * `seen` carries the occurrence counts across the pages of one fetch; pass the same map for every
 * page of a window (and a fresh one per window).
 *
 * @example
 * const seen = new Map<string, number>()
 * const keys = assignDedupeKeys(page1, seen) // ['ref:K1', 'h|2026-11-20|2026-11-20|-500|||0', …]
 * assignDedupeKeys(page2, seen)              // continues the occurrence counts
 */
export function assignDedupeKeys(
  transactions: readonly Pick<ConnectorTransaction, 'bankReference' | 'bookingDate' | 'valueDate' | 'amount' | 'endToEndId' | 'counterpartyAccount'>[],
  seen: Map<string, number> = new Map(),
): string[] {
  return transactions.map((tx) => {
    const base = transactionDedupeKey(tx)
    if (base.startsWith('ref:')) return base
    const occurrence = seen.get(base) ?? 0
    seen.set(base, occurrence + 1)
    return transactionDedupeKey(tx, occurrence)
  })
}
