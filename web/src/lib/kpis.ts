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

/**
 * The closing balance of a day from the trend (null when the day is not in it), for "change vs the
 * previous day's close" and "vs the close 30 days ago".
 */
export function closingOn(points: readonly { date: string; closing: bigint }[], date: string): bigint | null {
  return points.find((p) => p.date === date)?.closing ?? null
}
