import { RateLimitedError, UnavailableError, InvalidResponseError } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { CircuitBreaker } from './circuit-breaker.js'
import { checkContinuity } from './continuity.js'
import { backoffDelay, withRetry, type RetryPolicy } from './retry.js'
import { nextScheduledRun, planNextRun } from './schedule.js'
import { planWindow } from './sync-connection.js'

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 }

describe('retry', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500])
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000])
  })

  it('retries unavailable until success, and not what cannot succeed', async () => {
    let calls = 0
    const fast = { ...policy, baseDelayMs: 1, maxDelayMs: 2 }
    await expect(withRetry(async () => (++calls < 3 ? Promise.reject(new UnavailableError('503')) : 'ok'), fast)).resolves.toBe('ok')
    expect(calls).toBe(3)
    calls = 0
    await expect(withRetry(async () => { calls++; throw new InvalidResponseError('garbage') }, fast)).rejects.toThrow('garbage')
    expect(calls).toBe(1)
    calls = 0
    await expect(withRetry(async () => { calls++; throw new UnavailableError('down') }, fast)).rejects.toThrow('down')
    expect(calls).toBe(4)
  })

  it('waits the Retry-After, and gives up at once when it is longer than the run may wait', async () => {
    const waits: number[] = []
    let calls = 0
    await withRetry(async () => (++calls === 1 ? Promise.reject(new RateLimitedError('429', { retryAfterMs: 30 })) : 'ok'), policy, { onRetry: (_e, _a, d) => waits.push(d) })
    expect(waits).toEqual([30])
    calls = 0
    await expect(withRetry(async () => { calls++; throw new RateLimitedError('429', { retryAfterMs: 60_000 }) }, policy)).rejects.toBeInstanceOf(RateLimitedError)
    expect(calls).toBe(1)
  })

  it('stops waiting when aborted', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('stop')), 10)
    await expect(withRetry(async () => { throw new RateLimitedError('429', { retryAfterMs: 4000 }) }, policy, { signal: controller.signal })).rejects.toThrow('stop')
  })
})

describe('circuit breaker', () => {
  it('opens after the threshold, lets one probe through after the cooldown, doubles it on failure, closes on success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, maxCooldownMs: 3000 })
    const t0 = new Date('2026-11-20T00:00:00Z')
    expect(breaker.recordFailure('bank', t0).openUntil).toBeNull()
    expect(breaker.recordFailure('bank', t0).openUntil).toEqual(new Date(t0.getTime() + 1000))
    expect(breaker.state('bank', new Date(t0.getTime() + 500))).toBe('open')
    expect(breaker.canRun('other-bank', t0)).toBe(true)
    const probe = new Date(t0.getTime() + 1000)
    expect(breaker.state('bank', probe)).toBe('half-open')
    expect(breaker.recordFailure('bank', probe).openUntil).toEqual(new Date(probe.getTime() + 2000))
    const probe2 = new Date(probe.getTime() + 2000)
    expect(breaker.recordFailure('bank', probe2).openUntil).toEqual(new Date(probe2.getTime() + 3000))
    breaker.recordSuccess('bank')
    expect(breaker.state('bank', probe2)).toBe('closed')
  })
})

describe('schedule', () => {
  const schedule = { intradayEveryMinutes: 15, endOfDayUtc: '16:00' }
  it('runs intraday every N minutes and at the end of day, whichever is first', () => {
    expect(nextScheduledRun(schedule, new Date('2026-11-20T10:00:00Z'))).toEqual({ at: new Date('2026-11-20T10:15:00Z'), kind: 'intraday' })
    expect(nextScheduledRun(schedule, new Date('2026-11-20T15:50:00Z'))).toEqual({ at: new Date('2026-11-20T16:00:00Z'), kind: 'end-of-day' })
    expect(nextScheduledRun({ intradayEveryMinutes: null, endOfDayUtc: '16:00' }, new Date('2026-11-20T16:00:00Z'))).toEqual({ at: new Date('2026-11-21T16:00:00Z'), kind: 'end-of-day' })
    expect(nextScheduledRun({ intradayEveryMinutes: null, endOfDayUtc: null }, new Date())).toBeNull()
  })

  it('retries sooner after a failure, never before Retry-After or an open circuit', () => {
    const now = new Date('2026-11-20T10:00:00Z')
    expect(planNextRun({ intradayEveryMinutes: 60, endOfDayUtc: null }, now, { failures: 1, retryAfterMs: null, circuitOpenUntil: null })).toEqual({ at: new Date('2026-11-20T10:00:30Z'), kind: 'retry' })
    expect(planNextRun(schedule, now, { failures: 1, retryAfterMs: 120_000, circuitOpenUntil: null })?.at).toEqual(new Date('2026-11-20T10:02:00Z'))
    expect(planNextRun(schedule, now, { failures: 3, retryAfterMs: null, circuitOpenUntil: new Date('2026-11-20T11:00:00Z') })?.at).toEqual(new Date('2026-11-20T11:00:00Z'))
  })
})

describe('continuity', () => {
  const m = (entries: [string, bigint][]) => new Map(entries)
  it('verifies opening + movements = closing day by day', () => {
    const r = checkContinuity(
      { anchor: { date: '2026-11-16', amount: 100n }, openings: m([['2026-11-17', 100n], ['2026-11-18', 130n]]), closings: m([['2026-11-17', 130n], ['2026-11-18', 120n]]), flows: m([['2026-11-17', 30n], ['2026-11-18', -10n]]) },
      '2026-11-17',
      '2026-11-19',
    )
    expect(r).toEqual({ verifiedThrough: '2026-11-19', breakDate: null, detail: null })
  })

  it('finds the day after a missing one (its opening or closing does not chain)', () => {
    // 11-18 missing entirely: its movement of +20 was never stored.
    const r = checkContinuity(
      { anchor: { date: '2026-11-16', amount: 100n }, openings: m([['2026-11-17', 100n], ['2026-11-19', 150n]]), closings: m([['2026-11-17', 130n], ['2026-11-19', 155n]]), flows: m([['2026-11-17', 30n], ['2026-11-19', 5n]]) },
      '2026-11-17',
      '2026-11-19',
    )
    expect(r.breakDate).toBe('2026-11-19')
    expect(r.verifiedThrough).toBe('2026-11-17')
    expect(r.detail).toMatch(/opening 150 differs/)
  })

  it('starts the chain at the first figure when there is no anchor', () => {
    const r = checkContinuity({ anchor: null, openings: m([]), closings: m([['2026-11-18', 50n], ['2026-11-19', 45n]]), flows: m([['2026-11-18', 7n], ['2026-11-19', -5n]]) }, '2026-11-18', '2026-11-19')
    expect(r).toEqual({ verifiedThrough: '2026-11-19', breakDate: null, detail: null })
  })
})

describe('sync window', () => {
  const opts = { backfillDays: 30, overlapDays: 2, historyDays: 400 }
  it('backfills first, then fetches from the day after the verified one, always re-fetching the overlap', () => {
    expect(planWindow({ verifiedThrough: null, windowFrom: null, windowTo: null, pageCursor: null }, '2026-11-20', opts)).toEqual({ from: '2026-10-21', to: '2026-11-20', resumeCursor: null })
    expect(planWindow({ verifiedThrough: '2026-11-19', windowFrom: null, windowTo: null, pageCursor: null }, '2026-11-20', opts)).toEqual({ from: '2026-11-18', to: '2026-11-20', resumeCursor: null })
    expect(planWindow({ verifiedThrough: '2026-11-01', windowFrom: null, windowTo: null, pageCursor: null }, '2026-11-20', opts).from).toBe('2026-11-02')
  })

  it('resumes an interrupted page walk on its own days', () => {
    expect(planWindow({ verifiedThrough: null, windowFrom: '2026-10-21', windowTo: '2026-11-19', pageCursor: 'p3' }, '2026-11-20', opts)).toEqual({ from: '2026-10-21', to: '2026-11-19', resumeCursor: 'p3' })
  })
})
