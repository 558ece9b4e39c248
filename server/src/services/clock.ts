import { addDays } from '@treasury/shared/calendar'

/** The group's calendar (shared with the web app): its time zone, today there, days. */
export { addDays, GROUP_TIME_ZONE, todayIn } from '@treasury/shared/calendar'

/** Every day from `from` to `to`, both included (YYYY-MM-DD). */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day)
  return days
}
