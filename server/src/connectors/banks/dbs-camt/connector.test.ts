import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorRunner } from '../../sdk/runtime.js'
import { fakeResponse } from '../../sdk/testing.js'
import type { RunningDemoSimulator } from '../demo.js'
import { errorFor } from './api.js'
import connector from './index.js'
import { startSimulator } from './simulator.js'

const TODAY = '2026-11-20'

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => fakeResponse(status, body, headers, 'http://127.0.0.1/v1/statement-requests')

describe('camt API errors', () => {
  const now = new Date('2026-11-20T02:00:00Z')
  it.each([
    [401, 'INVALID_API_KEY', 'auth-failed'],
    [401, 'API_KEY_EXPIRED', 'auth-expired'],
    [403, 'FORBIDDEN', 'auth-failed'],
    [404, 'ACCOUNT_NOT_FOUND', 'not-found'],
    [404, 'STATEMENT_NOT_FOUND', 'not-found'],
    [422, 'DATE_RANGE_INVALID', 'invalid-response'],
    [502, '', 'unavailable'],
  ])('HTTP %i %s is %s', async (status, code, kind) => {
    expect((await errorFor(response(status, { error: { code, message: 'x' } }), 'POST /v1/statement-requests', now)).kind).toBe(kind)
  })

  it('takes the wait from Retry-After on 429', async () => {
    expect(await errorFor(response(429, { error: { code: 'RATE_LIMITED' } }, { 'retry-after': '3' }), 'GET /v1/accounts', now)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 3000 })
  })
})

describe('camt API against its simulator', () => {
  let sim: RunningDemoSimulator
  const runner = (connection = sim.connection) => new ConnectorRunner(connector, { ...connection, now: () => new Date(`${TODAY}T04:00:00Z`) })

  beforeAll(async () => {
    // Every statement takes 30 ms to prepare: the connector must poll.
    sim = await startSimulator({ seed: 42, today: TODAY, readyAfterMs: 30, pageSize: 5 })
  })
  afterAll(() => sim.close())

  it('requests, polls until ready and downloads every page', async () => {
    const account = sim.truth.accounts()[0]!
    const before = sim.requestCount()
    expect(await runner().fetchBalances({ account, from: '2026-10-01', to: TODAY })).toEqual(sim.truth.balances(account.ref, '2026-10-01', TODAY))
    // 053 (≤ 92 days) and 052: request, at least one poll, at least one page each.
    expect(sim.requestCount() - before).toBeGreaterThanOrEqual(6)
  })

  it('resumes inside a message from a cursor, and walks the window again once the message expired', async () => {
    const account = sim.truth.accounts()[0]!
    const first = await runner().fetchTransactions({ account, from: '2026-10-01', to: TODAY, cursor: null })
    expect(first.nextCursor).not.toBeNull()
    const cursor = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8')) as { m: string }
    const expired = Buffer.from(JSON.stringify({ ...cursor, m: 'M0000000000000000' })).toString('base64url')
    await expect(runner().fetchTransactions({ account, from: '2026-10-01', to: TODAY, cursor: expired })).rejects.toMatchObject({ kind: 'not-found' })
  })

  it('serves Deutsche Bank’s IBAN accounts behind their own API key', async () => {
    const db = sim.connections.find((c) => c.bankId === 'bnk_db')!
    const accounts = await runner(db).listAccounts()
    expect(accounts).toEqual(db.truth.accounts())
    expect(accounts.every((a) => a.iban?.startsWith('DE'))).toBe(true)
    const account = accounts[0]!
    const entries = []
    for (let cursor: string | null = null, n = 0; n === 0 || cursor; n++) {
      const page = await runner(db).fetchTransactions({ account, from: '2026-09-01', to: TODAY, cursor })
      entries.push(...page.transactions)
      cursor = page.nextCursor
    }
    expect(entries).toEqual(db.truth.transactions(account.ref, '2026-09-01', TODAY))
  })

  it('reports today from camt.052 (capability intraday-reports)', async () => {
    const account = sim.truth.accounts()[0]!
    const report = await connector.fetchIntradayReport!(runner().createContext(new AbortController().signal) as never, { account })
    expect(report.balances.map((b) => b.type)).toEqual(['OPBD', 'ITBD', 'ITAV'])
    expect(report.transactions).toEqual(sim.truth.transactions(account.ref, TODAY, TODAY))
  })
})
