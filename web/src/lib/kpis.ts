import type { AccountItem, PositionSummary } from '@/api/client'
import { convertWithRates } from './fx'

/** What the overview's KPI cards show, from one summary and the account list of the same scope and day. */
export interface Kpis {
  total: bigint
  currency: string
  /** The booked position is the summary's total (converted by the server at exact rates). */
  booked: bigint
  /**
   * Sum of available balances converted like the booked ones, at exactly the rates the summary
   * reports and applies (accounts without an available balance or a rate: `missingAvailable`).
   */
  available: bigint
  missingAvailable: number
  banks: number
  accounts: number
  entities: number
  stale: number
  unconverted: number
}

export function computeKpis(summary: PositionSummary, accounts: readonly AccountItem[] | null): Kpis {
  let available = 0n
  let missingAvailable = 0
  const banks = new Set<string>()
  const entities = new Set<string>()
  for (const account of accounts ?? []) {
    banks.add(account.bankId)
    entities.add(account.entityId)
    const converted =
      account.availableBalance === null ? null : convertWithRates(account.availableBalance, account.currency, summary.currency, summary.fx)
    if (converted === null) missingAvailable += 1
    else available += converted
  }
  return {
    total: summary.total,
    currency: summary.currency,
    booked: summary.total,
    available,
    missingAvailable,
    banks: banks.size,
    accounts: accounts?.length ?? summary.rows.reduce((n, r) => n + r.accounts, 0),
    entities: entities.size,
    stale: summary.stale.length,
    unconverted: summary.unconverted.length,
  }
}

/** A transaction ranked by its size in the reporting currency (null when its currency has no rate). */
export interface RankedMovement<T> {
  item: T
  converted: bigint | null
}

/** The largest movements by absolute converted amount, unconvertible ones last (by their own amount). */
export function largestMovements<T extends { amount: bigint; currency: string }>(
  items: readonly T[],
  reporting: string,
  rates: Parameters<typeof convertWithRates>[3],
  limit = 8,
): RankedMovement<T>[] {
  const abs = (v: bigint) => (v < 0n ? -v : v)
  return items
    .map((item) => ({ item, converted: convertWithRates(item.amount, item.currency, reporting, rates) }))
    .sort((a, b) => {
      if (a.converted === null || b.converted === null) {
        if (a.converted !== b.converted) return a.converted === null ? 1 : -1
        return abs(b.item.amount) > abs(a.item.amount) ? 1 : abs(b.item.amount) < abs(a.item.amount) ? -1 : 0
      }
      const x = abs(a.converted)
      const y = abs(b.converted)
      return x === y ? 0 : y > x ? 1 : -1
    })
    .slice(0, limit)
}

/**
 * The closing balance of a day from the trend (null when the day is not in it), for "change vs the
 * previous day's close" and "vs the close 30 days ago".
 */
export function closingOn(points: readonly { date: string; closing: bigint }[], date: string): bigint | null {
  return points.find((p) => p.date === date)?.closing ?? null
}
