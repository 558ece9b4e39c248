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

/** A timestamp for people, in the group's time zone, e.g. "2026-11-25 17:30". */
export function formatTimestamp(value: Date | string | null | undefined, locale: string): string {
  if (!value) return '—'
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) return '—'
  return formatter(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: GROUP_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date)
}

