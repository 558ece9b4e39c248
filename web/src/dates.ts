import { GROUP_TIME_ZONE, todayIn } from '@treasury/shared/calendar'

/** The group's calendar is shared with the server: its reporting day is the date in its home time zone. */
export { addDays, GROUP_TIME_ZONE, isIsoDate } from '@treasury/shared/calendar'

// Creating a formatter with a time zone is slow (it loads the zone's rules); formatting is not.
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let cached = formatters.get(key)
  if (!cached) formatters.set(key, (cached = new Intl.DateTimeFormat(locale, options)))
  return cached
}

/** Today as YYYY-MM-DD in the group's time zone. */
export function todayInGroup(now: Date = new Date()): string {
  return todayIn(GROUP_TIME_ZONE, now)
}

/**
 * Whether a date picker's day lies after the group's today. A picker hands out its days as local
 * midnights of the browser's time zone, so the day is read in local time; "today" is the group's
 * (west of Shanghai the group's today starts while it is still yesterday locally, and it must be
 * pickable; east of it, tomorrow locally may still be in the group's future).
 */
export function isAfterGroupToday(pickerDay: Date, now: Date = new Date()): boolean {
  const day = `${pickerDay.getFullYear()}-${String(pickerDay.getMonth() + 1).padStart(2, '0')}-${String(pickerDay.getDate()).padStart(2, '0')}`
  return day > todayInGroup(now)
}

/**
 * A timestamp for people, in the group's time zone: "2026-11-25 17:30" in every language, the
 * same year-month-day order as the dates beside it (a "25/11/2026" next to "2026-11-24" invites
 * misreading day and month).
 */
export function formatTimestamp(value: Date | string | null | undefined): string {
  if (!value) return '—'
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) return '—'
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  const format = formatter('zh-CN', { timeZone: GROUP_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  for (const part of format.formatToParts(date)) parts[part.type] = part.value
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}
