/**
 * The group's calendar: its reporting day is the date in its home time zone, whatever the clock of
 * the server or the browser says. Zod-free (the web app's first view loads it).
 */

/** The group's home time zone (the demo group is in Zhoushan, UTC+8). */
export const GROUP_TIME_ZONE = 'Asia/Shanghai'

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const dayFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * Today as YYYY-MM-DD in a time zone (the group's by default).
 *
 * @example
 * todayIn(GROUP_TIME_ZONE, new Date('2026-11-26T16:00:00Z')) // '2026-11-27'
 */
export function todayIn(timeZone: string = GROUP_TIME_ZONE, now: Date = new Date()): string {
  let format = dayFormats.get(timeZone)
  // en-CA formats as YYYY-MM-DD.
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })))
  return format.format(now)
}

/** A YYYY-MM-DD date moved by whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** True for a real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false
  const d = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value)
}
