/** The group's reporting day: the calendar date in its home time zone (the group is in Zhoushan, UTC+8). */
export const GROUP_TIME_ZONE = 'Asia/Shanghai'

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const dayFormats = new Map<string, Intl.DateTimeFormat>()

export function todayIn(timeZone = GROUP_TIME_ZONE, now: Date = new Date()): string {
  let format = dayFormats.get(timeZone)
  // en-CA formats as YYYY-MM-DD.
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })))
  return format.format(now)
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

export function eachDay(from: string, to: string): string[] {
  const days: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day)
  return days
}
