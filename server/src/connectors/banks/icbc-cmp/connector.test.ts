import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorRunner } from '../../sdk/runtime.js'
import { fakeResponse } from '../../sdk/testing.js'
import type { RunningDemoSimulator } from '../demo.js'
import { errorForHttp, errorForRetCode, signRequest } from './api.js'
import { encodeGbk } from './gbk.js'
import connector from './index.js'
import { startSimulator } from './simulator.js'

const TODAY = '2026-11-20'

const response = (status: number, headers: Record<string, string> = {}) => fakeResponse(status, undefined, headers, 'http://127.0.0.1/servlet/ICBCCMPAPIReqServlet')

describe('银企直联 return codes and HTTP answers', () => {
  it.each([
    ['-4', 'auth-expired'],
    ['-11', 'auth-expired'],
    ['-6', 'auth-failed'],
    ['-10', 'auth-failed'],
    ['-5', 'rate-limited'],
    ['-7', 'not-found'],
    ['-8', 'not-found'],
    ['-3', 'invalid-response'],
    ['-1', 'unavailable'],
    ['-2', 'unavailable'],
    ['-9', 'unavailable'],
    ['-42', 'unavailable'],
  ])('RetCode %s is %s', (code, kind) => {
    expect(errorForRetCode(code, '', 'QHISD').kind).toBe(kind)
  })

  it('maps HTTP 429 with its Retry-After, 5xx to unavailable, anything else to invalid-response', () => {
    const now = new Date('2026-11-20T02:00:00Z')
    expect(errorForHttp(response(429, { 'retry-after': '2' }), 'QHISD', now)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 2000 })
    expect(errorForHttp(response(503), 'QHISD', now).kind).toBe('unavailable')
    expect(errorForHttp(response(403), 'QHISD', now).kind).toBe('auth-failed')
    expect(errorForHttp(response(404), 'QHISD', now).kind).toBe('invalid-response')
  })

  it('signs deterministically over the pub fields and the raw <in>', () => {
    const pub = ['QHISD', 'CIS', '102', 'user', 'seq', '20261120', '103015000', 'sid']
    expect(signRequest('key', pub, '<AccNo>1</AccNo>')).toBe(signRequest('key', pub, '<AccNo>1</AccNo>'))
    expect(signRequest('key', pub, '<AccNo>1</AccNo>')).not.toBe(signRequest('key', pub, '<AccNo>2</AccNo>'))
  })

  it('encodes GBK that the GB18030 reader gets back', () => {
    const text = '舟山海洋集装箱码头有限公司 资金归集 ICBC-2026'
    expect(encodeGbk('中文')).toEqual(new Uint8Array([0xd6, 0xd0, 0xce, 0xc4]))
    expect(new TextDecoder('gb18030').decode(encodeGbk(text))).toBe(text)
  })
})

describe('银企直联 against its simulator', () => {
  let sim: RunningDemoSimulator
  const transCodes: string[] = []
  let tamper: ((transCode: string, body: string) => string | Response | null) | null = null
  // Records the function codes sent and lets a test rewrite a request or fake an answer.
  const fetchVia: typeof fetch = async (url, init) => {
    const body = new TextDecoder('gb18030').decode(init!.body as Uint8Array)
    const transCode = /<TransCode>(\w+)/.exec(body)![1]!
    transCodes.push(transCode)
    const changed = tamper?.(transCode, body) ?? null
    if (changed instanceof Response) return changed
    return fetch(url, changed === null ? init : { ...init, body: encodeGbk(changed) })
  }
  const runner = (credentials?: Record<string, string>) =>
    new ConnectorRunner(connector, { credentials: credentials ?? sim.connection.credentials, config: sim.connection.config, now: () => new Date(`${TODAY}T04:00:00Z`), fetch: fetchVia })

  beforeAll(async () => {
    sim = await startSimulator({ seed: 42, today: TODAY, banks: ['bnk_icbc', 'bnk_nbcb'], retryAfterSeconds: 0.05 })
  })
  afterAll(() => sim.close())

  it('logs in again once when the session is lost (-4) and carries on', async () => {
    transCodes.length = 0
    let lost = false
    tamper = (code) => {
      if (code !== 'QACCLIST' || lost) return null
      lost = true
      const xml = '<?xml version="1.0" encoding="GBK"?><CMS><eb><pub><TransCode>QACCLIST</TransCode><RetCode>-4</RetCode><RetMsg>会话已超时</RetMsg></pub></eb></CMS>'
      return new Response(encodeGbk(xml), { status: 200 })
    }
    const accounts = await runner().listAccounts()
    tamper = null
    expect(accounts.length).toBe(sim.truth.accounts().length)
    expect(transCodes).toEqual(['LOGIN', 'QACCLIST', 'LOGIN', 'QACCLIST'])
  })

  it('refuses a request whose signature does not match (-10 → auth-failed)', async () => {
    tamper = (code, body) => (code === 'QACCLIST' ? body.replace(/<Sign>[0-9a-f]+<\/Sign>/, `<Sign>${'0'.repeat(64)}</Sign>`) : null)
    await expect(runner().listAccounts()).rejects.toMatchObject({ kind: 'auth-failed' })
    tamper = null
  })

  it('refuses a wrong password (-6 → auth-failed) and an expired certificate (-11 → auth-expired)', async () => {
    await expect(runner({ ...sim.connection.credentials, password: 'wrong' }).listAccounts()).rejects.toMatchObject({ kind: 'auth-failed' })
    sim.faults.set('auth-expired')
    await expect(runner().listAccounts()).rejects.toMatchObject({ kind: 'auth-expired' })
    sim.faults.clear()
  })

  it('serves each bank behind its own bank code, with Chinese names intact through GBK', async () => {
    const ningbo = sim.connections.find((c) => c.bankId === 'bnk_nbcb')!
    const accounts = await new ConnectorRunner(connector, { ...ningbo, now: () => new Date(`${TODAY}T04:00:00Z`) }).listAccounts()
    expect(ningbo.config).toMatchObject({ bankCode: '313' })
    expect(accounts).toEqual(ningbo.truth.accounts())
    expect(accounts.every((a) => /[\u4e00-\u9fff]/.test(a.name ?? ''))).toBe(true)
  })

  it('reports today’s 在途 entries as pending, from QPD', async () => {
    const account = sim.truth.accounts().find((a) => sim.truth.transactions(a.ref, TODAY, TODAY).some((t) => t.status === 'pending'))!
    expect(account, 'the demo has pending entries today').toBeDefined()
    const page = await runner().fetchTransactions({ account, from: TODAY, to: TODAY, cursor: null })
    expect(page.nextCursor).toBeNull()
    expect(page.transactions).toEqual(sim.truth.transactions(account.ref, TODAY, TODAY))
    expect(page.transactions.some((t) => t.status === 'pending')).toBe(true)
  })

  it('leaves out the days the bank has not delivered (missing-days) and serves them again once they arrive', async () => {
    const account = sim.truth.accounts()[0]!
    sim.faults.set('missing-days:3')
    const partial = await runner().fetchBalances({ account, from: '2026-11-01', to: '2026-11-19' })
    sim.faults.clear()
    const full = await runner().fetchBalances({ account, from: '2026-11-01', to: '2026-11-19' })
    expect(new Set(partial.map((b) => b.date)).size).toBeLessThan(new Set(full.map((b) => b.date)).size)
    expect(full).toEqual(sim.truth.balances(account.ref, '2026-11-01', '2026-11-19'))
  })
})
