import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorRunner } from '../../sdk/runtime.js'
import { fakeResponse } from '../../sdk/testing.js'
import type { RunningDemoSimulator } from '../demo.js'
import { errorFor } from './api.js'
import connector from './index.js'
import { startSimulator } from './simulator.js'

const TODAY = '2026-11-20'

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => fakeResponse(status, body, headers, 'http://127.0.0.1/open-banking/v3.1/aisp/accounts')

const obie = (code: string) => ({ Code: '403', Id: 'x', Message: 'm', Errors: [{ ErrorCode: code, Message: 'm' }] })

describe('Open Banking errors', () => {
  const now = new Date('2026-11-20T02:00:00Z')
  it.each([
    [401, { error: 'invalid_client' }, 'auth-failed'],
    [401, obie('UK.OBIE.Reauthenticate'), 'auth-expired'],
    [403, obie('UK.OBIE.Resource.InvalidConsentStatus'), 'auth-expired'],
    [403, obie('UK.OBIE.Resource.ConsentMismatch'), 'auth-failed'],
    [404, obie('UK.OBIE.Resource.NotFound'), 'not-found'],
    [400, obie('UK.OBIE.Field.Invalid'), 'invalid-response'],
    [500, obie('UK.OBIE.UnexpectedError'), 'unavailable'],
  ])('HTTP %i %j is %s', async (status, body, kind) => {
    expect((await errorFor(response(status, body), 'GET /accounts', now)).kind).toBe(kind)
  })

  it('takes the wait from Retry-After on 429', async () => {
    expect(await errorFor(response(429, obie('UK.OBIE.Rules.ResourceQuotaExceeded'), { 'retry-after': '4' }), 'GET /accounts', now)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 4000 })
  })
})

describe('Open Banking against its simulator', () => {
  let sim: RunningDemoSimulator
  let staleTokens = 0
  const urls: string[] = []
  // Records the URLs asked for; `staleTokens` requests to the API go out with an outdated bearer token.
  const fetchVia: typeof fetch = (url, init) => {
    urls.push(String(url))
    if (staleTokens > 0 && String(url).includes('/aisp/')) {
      staleTokens--
      return fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: 'Bearer expired-token' } })
    }
    return fetch(url, init)
  }
  const runner = () => new ConnectorRunner(connector, { ...sim.connection, now: () => new Date(`${TODAY}T04:00:00Z`), fetch: fetchVia })

  beforeAll(async () => {
    sim = await startSimulator({ seed: 42, today: TODAY, pageSize: 5 })
  })
  afterAll(() => sim.close())

  it('follows Links.Next and returns it as the cursor', async () => {
    const account = sim.truth.accounts()[0]!
    const page = await runner().fetchTransactions({ account, from: '2026-11-01', to: TODAY, cursor: null })
    expect(page.transactions).toHaveLength(5)
    expect(page.nextCursor).toMatch(/\/transactions\?.*page=2/)
    const second = await runner().fetchTransactions({ account, from: '2026-11-01', to: TODAY, cursor: page.nextCursor })
    expect(second.transactions).toEqual(sim.truth.transactions(account.ref, '2026-11-01', TODAY).slice(5, 10))
  })

  it('never sends its token to another host, and refuses a cursor of another window', async () => {
    const account = sim.truth.accounts()[0]!
    const foreign = `https://evil.example/open-banking/v3.1/aisp/accounts/${account.ref}/transactions?fromBookingDateTime=2026-11-01T00%3A00%3A00&toBookingDateTime=2026-11-20T23%3A59%3A59&page=2`
    urls.length = 0
    await expect(runner().fetchTransactions({ account, from: '2026-11-01', to: TODAY, cursor: foreign })).rejects.toMatchObject({ kind: 'invalid-response' })
    expect(urls.some((u) => u.startsWith('https://evil.example'))).toBe(false)
    const page = await runner().fetchTransactions({ account, from: '2026-11-01', to: TODAY, cursor: null })
    await expect(runner().fetchTransactions({ account, from: '2026-10-01', to: TODAY, cursor: page.nextCursor })).rejects.toMatchObject({ kind: 'not-found' })
  })

  it('renews a refused access token once, then reports the credentials expired', async () => {
    urls.length = 0
    staleTokens = 1
    expect(await runner().listAccounts()).toEqual(sim.truth.accounts())
    expect(urls.filter((u) => u.endsWith('/oauth2/token'))).toHaveLength(2)
    staleTokens = 2
    await expect(runner().listAccounts()).rejects.toMatchObject({ kind: 'auth-expired' })
    staleTokens = 0
  })

  it('maps an expired consent and a refused client', async () => {
    sim.faults.set('auth-expired')
    await expect(runner().listAccounts()).rejects.toMatchObject({ kind: 'auth-expired' })
    sim.faults.set('auth-failed')
    await expect(runner().listAccounts()).rejects.toMatchObject({ kind: 'auth-failed' })
    sim.faults.clear()
  })

  it('answers 429 with Retry-After as rate-limited', async () => {
    sim.faults.set('rate-limit:1')
    await expect(runner().listAccounts()).rejects.toMatchObject({ kind: 'rate-limited', retryAfterMs: 1000 })
    sim.faults.clear()
  })
})
