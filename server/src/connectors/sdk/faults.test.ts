import { describe, expect, it } from 'vitest'
import { FaultSet, FaultSpecError, faultsFor, isMissingDay, mangleBody, parseFaultList, parseMockBankFaults, transportVerdict } from './faults.js'

describe('MOCK_BANK_FAULTS', () => {
  it('parses banks, faults joined by +, and numeric parameters', () => {
    const plan = parseMockBankFaults(' cmb-direct=down , obie-rest=rate-limit+slow:500 ')
    expect([...plan]).toEqual([
      ['cmb-direct', [{ kind: 'down' }]],
      ['obie-rest', [{ kind: 'rate-limit' }, { kind: 'slow', param: 500 }]],
    ])
    expect(faultsFor(plan, 'obie-rest')).toEqual([{ kind: 'rate-limit' }, { kind: 'slow', param: 500 }])
    expect(faultsFor(plan, 'bai2-bank')).toEqual([])
  })

  it('treats unset and blank as no faults, and * as every bank', () => {
    expect(parseMockBankFaults(undefined).size).toBe(0)
    expect(parseMockBankFaults('  ').size).toBe(0)
    const plan = parseMockBankFaults('*=flaky,cmb-direct=garbage')
    expect(faultsFor(plan, 'anything')).toEqual([{ kind: 'flaky' }])
    expect(faultsFor(plan, 'cmb-direct')).toEqual([{ kind: 'garbage' }])
  })

  it('rejects what it cannot mean, naming the culprit', () => {
    expect(() => parseMockBankFaults('cmb-direct=broken')).toThrow(/unknown fault "broken"/)
    expect(() => parseMockBankFaults('cmb-direct')).toThrow(FaultSpecError)
    expect(() => parseMockBankFaults('cmb-direct=slow:fast')).toThrow(/non-negative number/)
    expect(() => parseMockBankFaults('a-bank=down,a-bank=slow')).toThrow(/twice/)
    expect(() => parseMockBankFaults('typo-bank=down', ['cmb-direct'])).toThrow(/no connector/)
    expect(() => parseFaultList('down+down')).toThrow(/twice/)
  })
})

describe('transport faults', () => {
  it('down answers 503, timeout hangs, slow delays', () => {
    expect(transportVerdict(new FaultSet('down'), 1)).toMatchObject({ action: 'respond', status: 503 })
    expect(transportVerdict(new FaultSet('timeout+down'), 1)).toMatchObject({ action: 'hang' })
    expect(transportVerdict(new FaultSet('slow:250'), 1)).toEqual({ action: 'proceed', delayMs: 250 })
    expect(transportVerdict(new FaultSet('slow'), 1).delayMs).toBe(1500)
  })

  it('flaky fails every 3rd request from the 2nd, so a retry gets through', () => {
    const faults = new FaultSet('flaky')
    const failed = [1, 2, 3, 4, 5, 6, 7, 8].filter((n) => transportVerdict(faults, n).action === 'respond')
    expect(failed).toEqual([2, 5, 8])
  })

  it('rate-limit answers 429 with Retry-After on every Nth request', () => {
    const every = new FaultSet('rate-limit:1')
    expect(transportVerdict(every, 7, { retryAfterSeconds: 0.05 })).toMatchObject({ status: 429, headers: { 'retry-after': '0.05' } })
    const half = new FaultSet('rate-limit')
    expect([1, 2, 3, 4].map((n) => transportVerdict(half, n).action)).toEqual(['respond', 'proceed', 'respond', 'proceed'])
  })

  it('mangles bodies so no parser accepts them', () => {
    expect(() => JSON.parse(mangleBody(JSON.stringify({ a: [1, 2, 3] })))).toThrow()
  })

  it('picks missing days deterministically, never today', () => {
    const days = ['2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']
    const missing = days.filter((d) => isMissingDay(d, '2026-11-20', 5))
    expect(missing).toHaveLength(1)
    expect(isMissingDay('2026-11-20', '2026-11-20', 1)).toBe(false)
    expect(days.filter((d) => isMissingDay(d, '2026-11-20', 5))).toEqual(missing)
  })

  it('FaultSet is switched at runtime', () => {
    const faults = new FaultSet()
    faults.add('slow', 10).add('down')
    expect(faults.toString()).toBe('slow:10+down')
    faults.remove('down')
    expect(faults.has('down')).toBe(false)
    faults.set('garbage:1')
    expect(faults.param('garbage')).toBe(1)
    expect(faults.clear().list()).toEqual([])
  })
})
