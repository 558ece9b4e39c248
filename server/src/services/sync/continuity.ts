/**
 * Balance continuity of one account, the proof that no day is missing: for each day, the previous
 * closing booked balance plus the day's booked movements must equal the day's closing (and the
 * day's opening, where reported, must equal the previous closing). The sync cursor advances only
 * through days that pass, so a day a bank left out (or delivered late) is fetched again next run.
 */

export interface ContinuityInputs {
  /** Last closing booked balance before `from`. */
  anchor: { date: string; amount: bigint } | null
  openings: ReadonlyMap<string, bigint>
  closings: ReadonlyMap<string, bigint>
  /** Booked movements per booking day. */
  flows: ReadonlyMap<string, bigint>
}

export interface ContinuityResult {
  /**
   * Without a break: the last day walked (`to`). With one: the last day before it whose closing
   * chained (null: none in `from..to`), since the missing data may be anywhere after that day.
   */
  verifiedThrough: string | null
  /** First day whose balances contradict the chain; null when none does. */
  breakDate: string | null
  /** What exactly did not add up, for the run's warnings. */
  detail: string | null
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * Walks `from..to` day by day. A day without balances cannot contradict anything and counts as
 * verified (its movements carry into the next closing); the chain starts at the anchor, or at the
 * first reported opening or closing.
 *
 * @example
 * checkContinuity({ anchor: { date: '2026-11-18', amount: 100n }, openings: new Map(), closings: new Map([['2026-11-19', 150n]]), flows: new Map([['2026-11-19', 50n]]) }, '2026-11-19', '2026-11-19')
 * // { verifiedThrough: '2026-11-19', breakDate: null, detail: null }
 */
export function checkContinuity(inputs: ContinuityInputs, from: string, to: string): ContinuityResult {
  let running: bigint | null = inputs.anchor?.amount ?? null
  // On a break, what is missing lies after the last closing that chained: the cursor goes back there.
  let lastGoodClosing: string | null = null
  let walked: string | null = null
  for (let day = from; day <= to; day = nextDay(day)) {
    const flow = inputs.flows.get(day) ?? 0n
    const opening = inputs.openings.get(day)
    const closing = inputs.closings.get(day)
    if (running === null) {
      if (opening !== undefined) running = opening
      else if (closing !== undefined) {
        // No earlier figure to check this day's movements against: the chain starts at its closing.
        running = closing
        lastGoodClosing = walked = day
        continue
      } else {
        walked = day
        continue
      }
    } else if (opening !== undefined && opening !== running) {
      return { verifiedThrough: lastGoodClosing, breakDate: day, detail: `${day}: opening ${opening} differs from the previous closing plus movements ${running} (a day before it is missing)` }
    }
    running += flow
    if (closing !== undefined && closing !== running) {
      return { verifiedThrough: lastGoodClosing, breakDate: day, detail: `${day}: closing ${closing} differs from opening plus booked movements ${running}` }
    }
    if (closing !== undefined) {
      running = closing
      lastGoodClosing = day
    }
    walked = day
  }
  return { verifiedThrough: walked, breakDate: null, detail: null }
}
