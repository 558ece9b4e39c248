import {
  AuthFailedError,
  defineConnector,
  InvalidResponseError,
  RateLimitedError,
  UnavailableError,
  type AnyConnector,
  type ConnectorAccount,
  type ConnectorTransaction,
} from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConnectorDefinitionError, ConnectorRegistry, validateConnector } from './registry.js'
import { CallAbortedError, ConnectorConfigError, ConnectorRunner, UntypedConnectorError } from './runtime.js'
import { assignDedupeKeys } from './dedupe.js'

const account: ConnectorAccount = { ref: 'a1', number: '6222000011112222', iban: null, currency: 'CNY', name: null }
const entry = (over: Partial<ConnectorTransaction> = {}): ConnectorTransaction => ({
  bookingDate: '2026-11-20', valueDate: '2026-11-20', amount: -500n, currency: 'CNY', status: 'booked', bankReference: 'R1',
  endToEndId: null, counterpartyName: null, counterpartyAccount: null, counterpartyBank: null, purpose: null, bankTransactionCode: null, ...over,
})

/** A connector whose three methods return or throw whatever the test hands it. */
function fake(behaviour: { accounts?: () => unknown; balances?: () => unknown; page?: () => unknown }): AnyConnector {
  return defineConnector({
    manifest: { id: 'fake-bank', displayName: 'Fake', countries: ['CN'], authKind: 'none', capabilities: [] },
    listAccounts: async () => (behaviour.accounts?.() ?? [account]) as ConnectorAccount[],
    fetchBalances: async () => (behaviour.balances?.() ?? []) as never,
    fetchTransactions: async () => (behaviour.page?.() ?? { transactions: [], nextCursor: null }) as never,
  })
}

const run = (connector: AnyConnector, options: { callTimeoutMs?: number; signal?: AbortSignal } = {}) => new ConnectorRunner(connector, { credentials: {}, config: {}, ...options })
const window = { account, from: '2026-11-01', to: '2026-11-20' }

describe('ConnectorRunner validation', () => {
  it('stops garbage with a clear error naming connector, method and field', async () => {
    const bad = fake({ page: () => ({ transactions: [entry({ currency: 'XXX' as never }), entry({ amount: 1.5 as never })], nextCursor: null }) })
    const error = await run(bad).fetchTransactions({ ...window, cursor: null }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidResponseError)
    expect((error as Error).message).toMatch(/^fake-bank\.fetchTransactions returned invalid data, nothing of it was stored: transactions\[0\]\.currency: unknown currency code "XXX"/)
    expect((error as Error).message).toContain('transactions[1].amount')
  })

  it('checks what schemas cannot: account currency, requested days, duplicates', async () => {
    await expect(run(fake({ page: () => ({ transactions: [entry({ currency: 'USD' })], nextCursor: null }) })).fetchTransactions({ ...window, cursor: null })).rejects.toThrow(/not the account's currency CNY/)
    await expect(run(fake({ page: () => ({ transactions: [entry({ bookingDate: '2026-10-31' })], nextCursor: null }) })).fetchTransactions({ ...window, cursor: null })).rejects.toThrow(/outside the requested/)
    const clbd = { date: '2026-11-19', type: 'CLBD', amount: 1n, currency: 'CNY', reportedAt: new Date() }
    await expect(run(fake({ balances: () => [clbd, clbd] })).fetchBalances(window)).rejects.toThrow(/two CLBD balances/)
    await expect(run(fake({ accounts: () => [account, account] })).listAccounts()).rejects.toThrow(/listed twice/)
    await expect(run(fake({ balances: () => [{ ...clbd, date: '2026-02-30' }] })).fetchBalances(window)).rejects.toThrow(/not a real calendar date/)
  })

  it('passes valid output through', async () => {
    const page = await run(fake({ page: () => ({ transactions: [entry()], nextCursor: 'p2' }) })).fetchTransactions({ ...window, cursor: null })
    expect(page).toEqual({ transactions: [entry()], nextCursor: 'p2' })
  })
})

describe('ConnectorRunner errors, timeouts and aborts', () => {
  it('keeps typed errors and wraps untyped ones', async () => {
    await expect(run(fake({ accounts: () => { throw new AuthFailedError('nope') } })).listAccounts()).rejects.toBeInstanceOf(AuthFailedError)
    const untyped = await run(fake({ accounts: () => { throw new TypeError('x is undefined') } })).listAccounts().catch((e: unknown) => e)
    expect(untyped).toBeInstanceOf(UntypedConnectorError)
    expect((untyped as UntypedConnectorError).kind).toBe('invalid-response')
    expect((untyped as Error).message).toContain('TypeError: x is undefined')
  })

  it('times a call out even when the connector ignores its signal', async () => {
    const stuck = fake({ accounts: () => new Promise(() => {}) })
    const started = Date.now()
    const error = await run(stuck, { callTimeoutMs: 50 }).listAccounts().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnavailableError)
    expect((error as Error).message).toMatch(/timed out after 50 ms/)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('is cancelled by the outer signal; a typed reason is kept', async () => {
    const stuck = fake({ accounts: () => new Promise(() => {}) })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    await expect(run(stuck, { signal: controller.signal }).listAccounts()).rejects.toBeInstanceOf(CallAbortedError)
    const deadline = new AbortController()
    deadline.abort(new UnavailableError('run deadline'))
    await expect(run(stuck, { signal: deadline.signal }).listAccounts()).rejects.toThrow('run deadline')
  })

  it('validates config with the connector schema', () => {
    const withSchema = { ...fake({}), configSchema: z.object({ baseUrl: z.string().url() }) }
    expect(() => new ConnectorRunner(withSchema, { credentials: {}, config: { baseUrl: 'nope' } })).toThrow(ConnectorConfigError)
    expect(() => new ConnectorRunner(withSchema, { credentials: {}, config: { baseUrl: 'http://127.0.0.1:1' } })).not.toThrow()
  })

  it('ctx.fetch turns a refused connection into unavailable', async () => {
    const connector = defineConnector({
      ...fake({}),
      listAccounts: async (ctx) => {
        await ctx.fetch('http://127.0.0.1:9/accounts')
        return []
      },
    })
    const error = await run(connector).listAccounts().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnavailableError)
    expect((error as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/)
  })

  it('RateLimitedError carries Retry-After', () => {
    expect(new RateLimitedError('slow down', { retryAfterMs: 2000 }).toJSON()).toEqual({ kind: 'rate-limited', message: 'slow down', retryAfterMs: 2000 })
  })
})

describe('registry', () => {
  it('refuses connectors that break the contract', () => {
    const good = fake({})
    expect(() => validateConnector({ ...good, manifest: { ...good.manifest, id: 'Bad' } }, 'x')).toThrow(/invalid manifest: id/)
    expect(() => validateConnector({ ...good, fetchBalances: undefined }, 'x')).toThrow(/fetchBalances\(\) is missing/)
    expect(() => validateConnector({ ...good, manifest: { ...good.manifest, capabilities: ['statement-files'] } }, 'x')).toThrow(/does not implement listStatementFiles/)
    expect(() => validateConnector({ ...good, getPaymentStatus: async () => ({}) }, 'x')).toThrow(/does not declare capability "payment-status"/)
    expect(() => ConnectorRegistry.of([good, good])).toThrow(ConnectorDefinitionError)
  })

  it('looks connectors up by id', () => {
    const registry = ConnectorRegistry.of([fake({})])
    expect(registry.ids()).toEqual(['fake-bank'])
    expect(registry.get('fake-bank').manifest.displayName).toBe('Fake')
    expect(() => registry.get('nope')).toThrow(/no connector "nope" \(known: fake-bank\)/)
  })
})

describe('dedupe keys', () => {
  it('use the bank reference, else a hash with occurrences counted across pages', () => {
    const seen = new Map<string, number>()
    const twin = entry({ bankReference: null, counterpartyAccount: '1' })
    expect(assignDedupeKeys([entry(), twin], seen)).toEqual(['ref:R1', 'h|2026-11-20|2026-11-20|-500||1|0'])
    expect(assignDedupeKeys([twin], seen)).toEqual(['h|2026-11-20|2026-11-20|-500||1|1'])
  })
})
