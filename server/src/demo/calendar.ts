/** Calendar arithmetic on 'YYYY-MM-DD' strings in UTC (no time zone can shift a date). */

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** One day of the demo period with the facts the activity rules look at, computed once. */
export interface DemoDay {
  /** Position in the period, 0 for the first day. */
  index: number
  date: string
  /** Milliseconds since the epoch at 00:00 UTC of the date. */
  epochMs: number
  /** 'YYMMDD', for bank references. */
  compact: string
  /** 0 Sunday … 6 Saturday. */
  weekday: number
  isWeekend: boolean
  year: number
  /** 1–12. */
  month: number
  dayOfMonth: number
  daysInMonth: number
  /** 'YYYY-MM', the month a payroll or tax run belongs to. */
  monthKey: string
  /** First weekday on or after the 10th / 15th / 21st of its month (payroll, taxes, interest). */
  isPayrollDay: boolean
  isTaxDay: boolean
  isFeeDay: boolean
  /** Chinese banks credit current-account interest on the 21st of the last month of each quarter. */
  isInterestDay: boolean
  /** The week around Chinese New Year (business is slow): a rough fixed window per year. */
  isHolidaySlow: boolean
}

/** Approximate Chinese New Year dates (the first day of the Spring Festival holiday). */
const SPRING_FESTIVAL: Record<number, string> = {
  2020: '2020-01-24', 2021: '2021-02-11', 2022: '2022-01-31', 2023: '2023-01-21', 2024: '2024-02-09',
  2025: '2025-01-28', 2026: '2026-02-16', 2027: '2027-02-05', 2028: '2028-01-25', 2029: '2029-02-12',
  2030: '2030-02-02', 2031: '2031-01-22', 2032: '2032-02-10', 2033: '2033-01-30', 2034: '2034-02-18',
  2035: '2035-02-07',
}

/** The first day on or after `target` (a day of the month) that is not a weekend. */
function firstWeekdayFrom(year: number, month: number, target: number): number {
  for (let day = target; day < target + 7; day++) {
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
    if (weekday !== 0 && weekday !== 6) return day
  }
  return target
}

/** The `count` consecutive days ending at `endDate`, oldest first. */
export function demoDays(endDate: string, count: number): DemoDay[] {
  const days: DemoDay[] = []
  const start = new Date(`${addDays(endDate, -(count - 1))}T00:00:00Z`)
  for (let index = 0; index < count; index++) {
    const d = new Date(start.getTime() + index * 86_400_000)
    const date = d.toISOString().slice(0, 10)
    const year = d.getUTCFullYear()
    const month = d.getUTCMonth() + 1
    const dayOfMonth = d.getUTCDate()
    const weekday = d.getUTCDay()
    const festival = SPRING_FESTIVAL[year]
    const sinceFestival = festival ? Math.round((d.getTime() - Date.parse(`${festival}T00:00:00Z`)) / 86_400_000) : 99
    days.push({
      index,
      date,
      epochMs: d.getTime(),
      compact: date.slice(2).replaceAll('-', ''),
      weekday,
      isWeekend: weekday === 0 || weekday === 6,
      year,
      month,
      dayOfMonth,
      daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
      monthKey: date.slice(0, 7),
      isPayrollDay: dayOfMonth === firstWeekdayFrom(year, month, 10),
      isTaxDay: dayOfMonth === firstWeekdayFrom(year, month, 15),
      isFeeDay: dayOfMonth === firstWeekdayFrom(year, month, 21),
      isInterestDay: month % 3 === 0 && dayOfMonth === 21,
      isHolidaySlow: sinceFestival >= -1 && sinceFestival <= 7,
    })
  }
  return days
}
