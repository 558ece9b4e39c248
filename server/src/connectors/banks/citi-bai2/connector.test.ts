import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorRunner } from '../../sdk/runtime.js'
import { fakeResponse } from '../../sdk/testing.js'
import type { RunningDemoSimulator } from '../demo.js'
import { errorFor } from './api.js'
import connector from './index.js'
import { startSimulator } from './simulator.js'

const TODAY = '2026-11-20'

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => fakeResponse(status, body, headers, 'http://127.0.0.1/v1/reports/bai2')

describe('BAI2 API errors', () => {
  const now = new Date('2026-11-20T02:00:00Z')
  it.each([
    [401, 'SIGNATURE_INVALID', 'auth-failed'],
    [401, 'CLIENT_UNKNOWN', 'auth-failed'],
    [401, 'CERTIFICATE_EXPIRED', 'auth-expired'],
    [404, 'ACCOUNT_NOT_FOUND', 'not-found'],
    [400, 'RANGE_TOO_LONG', 'invalid-response'],
    [503, 'BACKEND_UNAVAILABLE', 'unavailable'],
  ])('HTTP %i %s is %s', async (status, moreInformation, kind) => {
    expect((await errorFor(response(status, { httpCode: String(status), moreInformation }), 'GET /v1/reports/bai2', now)).kind).toBe(kind)
  })

  it('takes the wait from Retry-After on 429', async () => {
    expect(await errorFor(response(429, { moreInformation: 'RATE_LIMIT_EXCEEDED' }, { 'retry-after': '0.5' }), 'GET /v1/accounts', now)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 500 })
  })
})

describe('BAI2 API against its simulator', () => {
  let sim: RunningDemoSimulator
  const runner = (credentials = sim.connection.credentials) => new ConnectorRunner(connector, { credentials, config: sim.connection.config, now: () => new Date(`${TODAY}T04:00:00Z`) })

  beforeAll(async () => {
    sim = await startSimulator({ seed: 42, today: TODAY })
  })
  afterAll(() => sim.close())

  it('refuses a request signed with another key', async () => {
    const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    await expect(runner({ ...sim.connection.credentials, privateKey: other }).listAccounts()).rejects.toMatchObject({ kind: 'auth-failed' })
    await expect(runner({ ...sim.connection.credentials, privateKey: 'not a key' }).listAccounts()).rejects.toMatchObject({ kind: 'auth-failed' })
  })

  it('keeps the demo’s stale feed stale: nothing after the last delivered day, no current-day report', async () => {
    const account = sim.truth.accounts()[0]!
    const balances = await runner().fetchBalances({ account, from: '2026-11-10', to: TODAY })
    expect(balances).toEqual(sim.truth.balances(account.ref, '2026-11-10', TODAY))
    expect(balances.map((b) => b.date).sort().at(-1)).toBe('2026-11-18')
    const report = await connector.fetchIntradayReport!(runner().createContext(new AbortController().signal) as never, { account })
    expect(report).toEqual({ balances: [], transactions: [] })
  })

  it('fetches a year in few requests and equal to the bank’s books', async () => {
    const account = sim.truth.accounts()[0]!
    const before = sim.requestCount()
    const entries = []
    for (let cursor: string | null = null, n = 0; n === 0 || cursor; n++) {
      const page = await runner().fetchTransactions({ account, from: '2025-11-20', to: TODAY, cursor })
      entries.push(...page.transactions)
      cursor = page.nextCursor
    }
    expect(entries).toEqual(sim.truth.transactions(account.ref, '2025-11-20', TODAY))
    expect(sim.requestCount() - before).toBeLessThanOrEqual(16)
  })
})
