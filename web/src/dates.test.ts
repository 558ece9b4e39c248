import { describe, expect, it } from 'vitest'
import { addDays, formatTimestamp, isAfterGroupToday, isIsoDate, todayInGroup } from './dates'

describe('dates in the group’s time zone', () => {
  it('takes today from Shanghai, whatever the browser’s time zone', () => {
    expect(todayInGroup(new Date('2026-11-26T15:59:59Z'))).toBe('2026-11-26')
    expect(todayInGroup(new Date('2026-11-26T16:00:00Z'))).toBe('2026-11-27')
  })

  it('lets a date picker offer the group’s today and nothing after it', () => {
    // Picker days are local midnights (built here with the local constructor, so this holds in any zone).
    const day = (d: number) => new Date(2026, 10, d)
    // 01:00 in Shanghai on the 27th: still the 26th in Europe and America, but the 27th is the group's today.
    const earlyInShanghai = new Date('2026-11-26T17:00:00Z')
    expect(isAfterGroupToday(day(27), earlyInShanghai)).toBe(false)
    expect(isAfterGroupToday(day(28), earlyInShanghai)).toBe(true)
    // 23:00 in Shanghai on the 27th: already the 28th east of it, yet not the group's today.
    const lateInShanghai = new Date('2026-11-27T15:00:00Z')
    expect(isAfterGroupToday(day(27), lateInShanghai)).toBe(false)
    expect(isAfterGroupToday(day(28), lateInShanghai)).toBe(true)
    expect(isAfterGroupToday(new Date(2025, 11, 31), lateInShanghai)).toBe(false)
  })

  it('checks and moves calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true)
    expect(isIsoDate('2026-02-30')).toBe(false)
    expect(isIsoDate('26-02-28')).toBe(false)
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
  })

  it('shows timestamps in Shanghai time in both languages', () => {
    expect(formatTimestamp('2026-11-27T02:00:00Z')).toBe('2026-11-27 10:00')
    expect(formatTimestamp(new Date('2026-11-27T02:00:00Z'))).toBe('2026-11-27 10:00')
    // Midnight is 00:00 of the new day, in the group's time zone.
    expect(formatTimestamp('2026-11-26T16:00:00Z')).toBe('2026-11-27 00:00')
    expect(formatTimestamp('2026-12-31T15:59:00Z')).toBe('2026-12-31 23:59')
    expect(formatTimestamp(null)).toBe('—')
    expect(formatTimestamp('not a date')).toBe('—')
  })
})
