import {
  transactionDedupeKey,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorErrorKind,
  type ConnectorTransaction,
  type TransactionPage,
} from '@treasury/shared'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { assignDedupeKeys } from '../sdk/dedupe.js'
import { CallAbortedError, ConnectorRunner, UntypedConnectorError } from '../sdk/runtime.js'
import { validateConnector } from '../sdk/registry.js'
import type { RunningSimulator } from '../sdk/simulator.js'
import type { ConformanceTarget } from './targets.js'

/**
 * The conformance kit: one vitest suite, declared per connector, run against the connector and its
 * simulator over real HTTP on 127.0.0.1. Every shipped connector and the scaffold must pass it.
 * Checks: manifest, accounts, paging and cursor resume (in a fresh runner, as another process
 * would), idempotent re-fetch, currencies and minor units against the simulator's ground truth,
 * balance continuity, each typed error, timeouts and aborts.
 */

export interface ConformanceOptions {
  /** The simulator's today (fixed, so runs are deterministic). */
  today?: string
  /** Days fetched in the paging tests. */
  windowDays?: number
  /** Page size asked of the simulator: small, so paging is exercised. */
  pageSize?: number
  seed?: number
  /** Per-call timeout used in the timeout test (ms). */
  timeoutMs?: number
}

export const KIT_DEFAULTS: Required<ConformanceOptions> = { today: '2026-11-20', windowDays: 20, pageSize: 7, seed: 42, timeoutMs: 400 }

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The comparable core of an entry: what every format and API carries. */
function entryCore(t: ConnectorTransaction): string {
  return [t.bookingDate, t.valueDate, t.amount.toString(), t.currency, t.status, t.bankReference ?? ''].join('|')
}

function sortedCores(list: readonly ConnectorTransaction[]): string[] {
  return list.map(entryCore).sort()
}

function balanceCore(b: ConnectorBalance): string {
  return `${b.date}|${b.type}|${b.amount}|${b.currency}`
}

/** Fetches every page of a window; fails on a paging loop or more than `maxPages` pages. */
export async function fetchAllPages(
  runner: ConnectorRunner,
  request: { account: ConnectorAccount; from: string; to: string },
  options: { startCursor?: string | null; maxPages?: number } = {},
): Promise<TransactionPage[]> {
  const pages: TransactionPage[] = []
  const seen = new Set<string>()
  let cursor = options.startCursor ?? null
  for (;;) {
    const page = await runner.fetchTransactions({ ...request, cursor })
    pages.push(page)
    if (page.nextCursor === null) return pages
    if (seen.has(page.nextCursor)) throw new Error(`paging loop: cursor ${page.nextCursor} returned twice`)
    seen.add(page.nextCursor)
    if (pages.length > (options.maxPages ?? 500)) throw new Error(`more than ${options.maxPages ?? 500} pages`)
    cursor = page.nextCursor
  }
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail, it succeeded')
}

function expectKind(error: unknown, kind: ConnectorErrorKind): void {
  expect(error, `expected a typed "${kind}" error, got an untyped one: ${(error as Error)?.message}`).not.toBeInstanceOf(UntypedConnectorError)
  expect((error as { kind?: string }).kind, `expected "${kind}", got: ${(error as Error)?.message}`).toBe(kind)
}

/**
 * Declares the conformance suite of one connector.
 *
 * @example
 * describeConformance(await loadConformanceTarget('acme-bank'))
 * describeConformance(() => loadConformanceTarget('acme-bank')) // load inside the suite: a broken folder fails only its suite
 */
export function describeConformance(target: ConformanceTarget | (() => Promise<ConformanceTarget>), name?: string, options: ConformanceOptions = {}): void {
  const o = { ...KIT_DEFAULTS, ...options }
  const title = name ?? (typeof target === 'function' ? 'connector' : target.name)
  describe(`conformance: ${title}`, () => {
    let t: ConformanceTarget
    let sim: RunningSimulator
    let accounts: ConnectorAccount[]
    const from = addDays(o.today, -o.windowDays)
    const to = o.today
    const runner = (extra: { callTimeoutMs?: number; signal?: AbortSignal } = {}) =>
      new ConnectorRunner(t.connector, { ...sim.connection, callTimeoutMs: extra.callTimeoutMs ?? 10_000, now: () => new Date(`${o.today}T08:00:00Z`), ...(extra.signal ? { signal: extra.signal } : {}) })

    beforeAll(async () => {
      t = typeof target === 'function' ? await target() : target
      sim = await t.startSimulator({ seed: o.seed, today: o.today, pageSize: o.pageSize, retryAfterSeconds: 0.05 })
      accounts = await runner().listAccounts()
    }, 30_000)
    afterAll(async () => {
      await sim?.close()
    })
    afterEach(() => {
      sim?.faults.clear()
    })

    it('has a valid manifest whose capabilities match its methods', () => {
      expect(() => validateConnector(t.connector, t.name)).not.toThrow()
      expect(sim.connectorId).toBe(t.connector.manifest.id)
    })

    it('lists the accounts the bank holds, with valid currencies', () => {
      expect(accounts.length, 'listAccounts returned no account').toBeGreaterThan(0)
      const truth = sim.truth.accounts()
      expect(accounts.map((a) => `${a.ref}|${a.number}|${a.currency}`).sort()).toEqual(truth.map((a) => `${a.ref}|${a.number}|${a.currency}`).sort())
    })

    it('returns balances in the account currency and minor units, equal to the bank’s', async () => {
      const r = runner()
      let total = 0
      for (const account of accounts) {
        const balances = await r.fetchBalances({ account, from, to })
        total += balances.length
        // An account may legitimately have no figures in the window (a feed that stopped): the truth says so too.
        expect(balances.map(balanceCore).sort(), `balances of ${account.ref}`).toEqual(sim.truth.balances(account.ref, from, to).map(balanceCore).sort())
      }
      expect(total, `no balance at all in ${from}..${to}`).toBeGreaterThan(0)
    })

    it('pages through entries: every entry once, equal to the bank’s, in minor units of the account currency', async () => {
      const r = runner()
      let paged = false
      for (const account of accounts) {
        const pages = await fetchAllPages(r, { account, from, to })
        if (pages.length > 1) paged = true
        const entries = pages.flatMap((p) => p.transactions)
        for (const e of entries) expect(e.currency).toBe(account.currency)
        expect(sortedCores(entries), `entries of ${account.ref}`).toEqual(sortedCores(sim.truth.transactions(account.ref, from, to)))
        const keys = assignDedupeKeys(entries)
        expect(new Set(keys).size, `duplicate entries for ${account.ref}`).toBe(keys.length)
      }
      expect(paged, `no account needed more than one page for ${o.windowDays} days at pageSize ${o.pageSize}: the simulator must honour pageSize so paging is tested`).toBe(true)
    })

    it('resumes from any cursor it returned, in a fresh runner (another process)', async () => {
      const account = accounts[0]!
      const all = await fetchAllPages(runner(), { account, from, to })
      expect(all.length).toBeGreaterThan(1)
      for (let i = 1; i < all.length; i++) {
        const resumed = await fetchAllPages(runner(), { account, from, to }, { startCursor: all[i - 1]!.nextCursor })
        expect(sortedCores(resumed.flatMap((p) => p.transactions)), `resuming after page ${i}`).toEqual(sortedCores(all.slice(i).flatMap((p) => p.transactions)))
      }
    })

    it('re-fetching gives the same entries and the same dedupe keys (idempotent)', async () => {
      for (const account of accounts) {
        const first = (await fetchAllPages(runner(), { account, from, to })).flatMap((p) => p.transactions)
        const second = (await fetchAllPages(runner(), { account, from, to })).flatMap((p) => p.transactions)
        expect(assignDedupeKeys(second)).toEqual(assignDedupeKeys(first))
        expect(second.map(entryCore)).toEqual(first.map(entryCore))
      }
    })

    it('keeps balance continuity: opening + booked movements = closing, closing = next opening', async () => {
      const r = runner()
      let checked = 0
      for (const account of accounts) {
        const balances = await r.fetchBalances({ account, from, to })
        const entries = (await fetchAllPages(r, { account, from, to })).flatMap((p) => p.transactions)
        const flows = new Map<string, bigint>()
        for (const e of entries) if (e.status === 'booked') flows.set(e.bookingDate, (flows.get(e.bookingDate) ?? 0n) + e.amount)
        const opening = new Map(balances.filter((b) => b.type === 'OPBD').map((b) => [b.date, b.amount]))
        const closing = new Map(balances.filter((b) => b.type === 'CLBD').map((b) => [b.date, b.amount]))
        let previousClosing: { date: string; amount: bigint } | null = null
        for (const day of [...closing.keys()].sort()) {
          const close = closing.get(day)!
          const open = opening.get(day)
          if (open !== undefined) {
            expect(open + (flows.get(day) ?? 0n), `${account.ref} ${day}: opening + movements`).toBe(close)
            if (previousClosing) expect(open, `${account.ref} ${day}: opening = closing of ${previousClosing.date}`).toBe(previousClosing.amount)
            checked++
          } else if (previousClosing) {
            let moved = 0n
            for (const [date, amount] of flows) if (date > previousClosing.date && date <= day) moved += amount
            expect(previousClosing.amount + moved, `${account.ref} ${day}: previous closing + movements`).toBe(close)
            checked++
          }
          previousClosing = { date: day, amount: close }
        }
      }
      expect(checked, 'no day had both an opening (or previous closing) and a closing balance').toBeGreaterThan(0)
    })

    it('maps refused credentials to auth-failed', async () => {
      sim.faults.set('auth-failed')
      expectKind(await errorOf(runner().listAccounts()), 'auth-failed')
    })

    it('maps expired credentials to auth-expired', async () => {
      sim.faults.set('auth-expired')
      expectKind(await errorOf(runner().listAccounts()), 'auth-expired')
    })

    it('maps throttling to rate-limited with the bank’s Retry-After', async () => {
      sim.faults.set('rate-limit:1')
      const error = await errorOf(runner().listAccounts())
      expectKind(error, 'rate-limited')
      expect((error as { retryAfterMs: number | null }).retryAfterMs, 'retryAfterMs from the Retry-After header').not.toBeNull()
    })

    it('maps an outage to unavailable', async () => {
      sim.faults.set('down')
      expectKind(await errorOf(runner().listAccounts()), 'unavailable')
    })

    it('maps garbage to invalid-response and returns nothing from it', async () => {
      sim.faults.set('garbage')
      expectKind(await errorOf(runner().listAccounts()), 'invalid-response')
      expectKind(await errorOf(runner().fetchTransactions({ account: accounts[0]!, from, to, cursor: null })), 'invalid-response')
    })

    it('maps an account the bank does not know to not-found', async () => {
      const ghost: ConnectorAccount = { ...accounts[0]!, ref: `${accounts[0]!.ref}-no-such-account`, number: '0000000000000000' }
      expectKind(await errorOf(runner().fetchBalances({ account: ghost, from, to })), 'not-found')
      expectKind(await errorOf(runner().fetchTransactions({ account: ghost, from, to, cursor: null })), 'not-found')
    })

    it('honours the per-call timeout when the bank never answers', async () => {
      sim.faults.set('timeout')
      const started = Date.now()
      expectKind(await errorOf(runner({ callTimeoutMs: o.timeoutMs }).listAccounts()), 'unavailable')
      expect(Date.now() - started).toBeLessThan(o.timeoutMs + 1500)
    })

    it('honours its abort signal itself (stops waiting on the bank when aborted)', async () => {
      sim.faults.set('timeout')
      const controller = new AbortController()
      const ctx = runner().createContext(controller.signal)
      const started = Date.now()
      const call = t.connector.listAccounts(ctx)
      setTimeout(() => controller.abort(new CallAbortedError('test abort')), 100)
      await errorOf(call)
      expect(Date.now() - started, 'the connector kept waiting after its signal fired (pass ctx.signal on, use ctx.fetch)').toBeLessThan(1500)
    })

    it('is cancelled promptly from outside in the middle of a slow call', async () => {
      sim.faults.set('slow:3000')
      const controller = new AbortController()
      const started = Date.now()
      setTimeout(() => controller.abort(), 100)
      const error = await errorOf(runner({ signal: controller.signal }).listAccounts())
      expect(error).toBeInstanceOf(CallAbortedError)
      expect(Date.now() - started).toBeLessThan(1500)
    })

    it('survives duplicated pages without losing entries (the engine drops the repeats)', async () => {
      sim.faults.set('duplicate-pages')
      const account = accounts[0]!
      const pages = await fetchAllPages(runner(), { account, from, to }, { maxPages: 1000 })
      const unique = new Map<string, ConnectorTransaction[]>()
      for (const page of pages) unique.set(JSON.stringify(page.transactions, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), page.transactions)
      const entries = [...unique.values()].flat()
      expect(sortedCores(entries)).toEqual(sortedCores(sim.truth.transactions(account.ref, from, to)))
      // The dedupe key of entries with a bank reference ignores everything else.
      for (const e of entries) if (e.bankReference) expect(transactionDedupeKey(e)).toBe(`ref:${e.bankReference}`)
    })
  })
}
