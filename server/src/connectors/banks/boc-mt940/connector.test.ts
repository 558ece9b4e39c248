import type { ConnectorContext } from '@treasury/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseStatementFile } from '../../../formats/index.js'
import { ConnectorRunner } from '../../sdk/runtime.js'
import { fakeResponse } from '../../sdk/testing.js'
import type { RunningDemoSimulator } from '../demo.js'
import { errorFor } from './api.js'
import connector from './index.js'
import { startSimulator } from './simulator.js'

const TODAY = '2026-11-20'

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => fakeResponse(status, body, headers, 'http://127.0.0.1/outbox')

describe('MT940 gateway errors', () => {
  const now = new Date('2026-11-20T02:00:00Z')
  it.each([
    [401, '061001', 'auth-failed'],
    [403, '091003', 'auth-expired'],
    [403, '', 'auth-failed'],
    [404, '091124', 'not-found'],
    [404, '091005', 'not-found'],
    [500, '091116', 'unavailable'],
    [503, '', 'unavailable'],
    [400, '091010', 'invalid-response'],
  ])('HTTP %i %s is %s', async (status, returnCode, kind) => {
    expect((await errorFor(response(status, { returnCode, reportText: 'x' }), 'GET /outbox', now)).kind).toBe(kind)
  })

  it('takes the wait from Retry-After on 429', async () => {
    expect(await errorFor(response(429, { returnCode: '091119' }, { 'retry-after': '1.5' }), 'GET /outbox', now)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1500 })
  })
})

describe('MT940 gateway against its simulator', () => {
  let sim: RunningDemoSimulator
  const runner = () => new ConnectorRunner(connector, { ...sim.connection, now: () => new Date(`${TODAY}T04:00:00Z`) })
  const ctx = () => runner().createContext(new AbortController().signal) as ConnectorContext<never>

  beforeAll(async () => {
    sim = await startSimulator({ seed: 42, today: TODAY, banks: ['bnk_boc', 'bnk_mufg'] })
  })
  afterAll(() => sim.close())

  it('fetches a long window in few requests (multi-file downloads) and equal to the bank’s books', async () => {
    const account = sim.truth.accounts()[0]!
    const before = sim.requestCount()
    const balances = await runner().fetchBalances({ account, from: '2026-05-01', to: TODAY })
    expect(balances).toEqual(sim.truth.balances(account.ref, '2026-05-01', TODAY))
    expect(sim.requestCount() - before).toBeLessThanOrEqual(5)
  })

  it('never doubles a re-delivered day', async () => {
    const account = sim.truth.accounts()[0]!
    sim.faults.set('duplicate-pages')
    const page = await runner().fetchTransactions({ account, from: '2026-11-01', to: TODAY, cursor: null })
    const balances = await runner().fetchBalances({ account, from: '2026-11-01', to: TODAY })
    sim.faults.clear()
    expect(page.transactions).toEqual(sim.truth.transactions(account.ref, '2026-11-01', TODAY))
    expect(balances).toEqual(sim.truth.balances(account.ref, '2026-11-01', TODAY))
  })

  it('reports today from MT942: booked entries and derived OPBD/ITBD', async () => {
    const account = sim.truth.accounts()[0]!
    const report = await connector.fetchIntradayReport!(ctx(), { account })
    expect(report.transactions).toEqual(sim.truth.transactions(account.ref, TODAY, TODAY))
    expect(report.balances.map((b) => `${b.type} ${b.amount}`)).toEqual(sim.truth.balances(account.ref, TODAY, TODAY).map((b) => `${b.type} ${b.amount}`))
  })

  it('lists and downloads statement files (capability statement-files)', async () => {
    const files = await connector.listStatementFiles!(ctx(), { from: '2026-11-19', to: '2026-11-19' })
    expect(files).toHaveLength(sim.truth.accounts().length)
    expect(files.every((f) => f.format === 'mt940' && f.date === '2026-11-19' && f.name.endsWith('_20261119_1.sta'))).toBe(true)
    const { content } = await connector.downloadStatementFile!(ctx(), files[0]!)
    expect(parseStatementFile(content as Uint8Array, 'mt940').statements).toHaveLength(1)
  })

  it('serves MUFG’s files under its own user and BIC', async () => {
    const mufg = sim.connections.find((c) => c.bankId === 'bnk_mufg')!
    const r = new ConnectorRunner(connector, { ...mufg, now: () => new Date(`${TODAY}T04:00:00Z`) })
    const accounts = await r.listAccounts()
    expect(accounts).toEqual(mufg.truth.accounts())
    const jpy = accounts.find((a) => a.currency === 'JPY')!
    expect(await r.fetchBalances({ account: jpy, from: '2026-11-10', to: TODAY })).toEqual(mufg.truth.balances(jpy.ref, '2026-11-10', TODAY))
    await expect(new ConnectorRunner(connector, { ...mufg, credentials: sim.connection.credentials }).fetchBalances({ account: jpy, from: TODAY, to: TODAY })).rejects.toMatchObject({ kind: 'not-found' })
  })
})
