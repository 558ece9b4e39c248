import type { SyncRunKind } from '../../db/queries/connectors.js'

/**
 * When a connection runs next: intraday every N minutes and/or end of day at HH:MM UTC, whichever
 * comes first; after failures sooner (a backoff), but never before a bank's Retry-After or while
 * its circuit is open.
 */

/**
 * The next scheduled run strictly after `after`; null when the connection has no schedule (manual only).
 *
 * @example
 * nextScheduledRun({ intradayEveryMinutes: 15, endOfDayUtc: '16:00' }, new Date('2026-11-20T15:50:00Z'))
 * // { at: 2026-11-20T16:00:00Z, kind: 'end-of-day' }
 */
export function nextScheduledRun(
  schedule: { intradayEveryMinutes: number | null; endOfDayUtc: string | null },
  after: Date,
): { at: Date; kind: SyncRunKind } | null {
  const candidates: { at: Date; kind: SyncRunKind }[] = []
  if (schedule.intradayEveryMinutes) candidates.push({ at: new Date(after.getTime() + schedule.intradayEveryMinutes * 60_000), kind: 'intraday' })
  if (schedule.endOfDayUtc) {
    const [h, m] = schedule.endOfDayUtc.split(':').map(Number) as [number, number]
    const at = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), h, m))
    if (at.getTime() <= after.getTime()) at.setUTCDate(at.getUTCDate() + 1)
    candidates.push({ at, kind: 'end-of-day' })
  }
  if (candidates.length === 0) return null
  // On a tie the end-of-day run wins: it is the one that closes the day.
  return candidates.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.kind === 'end-of-day' ? -1 : 1))[0]!
}

/** Wait before retrying a connection after `failures` failed runs in a row: 30 s doubling, at most 15 min. */
export function failureBackoffMs(failures: number): number {
  return Math.min(15 * 60_000, 30_000 * 2 ** Math.max(0, failures - 1))
}

/**
 * The next run after a run ended at `now`: the schedule, pulled earlier after a failure, pushed
 * later by a Retry-After or an open circuit. A connection without a schedule still gets its
 * failure retry (so a manual sync that failed is tried again).
 *
 * @example
 * planNextRun({ intradayEveryMinutes: 15, endOfDayUtc: null }, now, { failures: 1, retryAfterMs: null, circuitOpenUntil: null })
 */
export function planNextRun(
  schedule: { intradayEveryMinutes: number | null; endOfDayUtc: string | null },
  now: Date,
  state: { failures: number; retryAfterMs: number | null; circuitOpenUntil: Date | null },
): { at: Date; kind: SyncRunKind } | null {
  let next = nextScheduledRun(schedule, now)
  if (state.failures > 0) {
    const retryAt = new Date(now.getTime() + failureBackoffMs(state.failures))
    if (!next || retryAt < next.at) next = { at: retryAt, kind: 'retry' }
  }
  if (next && state.retryAfterMs !== null) {
    const earliest = new Date(now.getTime() + state.retryAfterMs)
    if (next.at < earliest) next = { ...next, at: earliest }
  }
  if (next && state.circuitOpenUntil && next.at < state.circuitOpenUntil) next = { ...next, at: state.circuitOpenUntil }
  return next
}
