import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { ConnectorAccount, ConnectorBalance, ConnectorTransaction } from '@treasury/shared'
import { FaultSet, mangleBody, shouldMangle, transportVerdict, type Fault, type TransportFaultOptions } from './faults.js'

/**
 * Bank simulators: tiny HTTP servers on 127.0.0.1 that speak one bank's protocol, deterministic
 * from a seed. Convention: `connectors/banks/<id>/simulator.ts` exports `startSimulator` of type
 * {@link StartSimulator}; the conformance kit, the tests and the demo start it from there.
 */

/** A request as a simulator's handler sees it (body fully read). @example if (req.path === '/v1/accounts' && req.headers.authorization === `Bearer ${key}`) … */
export interface SimulatorRequest {
  method: string
  /** Path without the query, e.g. `/v1/accounts/acc-1/transactions`. */
  path: string
  query: URLSearchParams
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>
  body: string
  bodyBytes: Uint8Array
  /** 1-based number of this request since the simulator started. */
  n: number
  faults: FaultSet
}

/**
 * What a handler answers. Set `garbage: true` when the handler already produced semantic garbage
 * for the `garbage` fault, so the transport layer does not mangle it again.
 *
 * @example
 * return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) }
 */
export interface SimulatorResponse {
  status: number
  headers?: Record<string, string>
  body: string | Uint8Array
  garbage?: boolean
}

/** The bank-specific part of a simulator. @example const handle: SimulatorHandler = (req) => json(200, { ok: true }) */
export type SimulatorHandler = (request: SimulatorRequest) => SimulatorResponse | Promise<SimulatorResponse>

/**
 * The simulator's own ground truth, for the conformance kit and the sync tests: what a perfect
 * connector returns for these days when no fault is on (balances: the types the bank serves;
 * transactions: booked and pending, as the bank reports them at `today`).
 *
 * @example
 * sim.truth.transactions(account.ref, '2026-11-01', '2026-11-20').length // 87
 */
export interface SimulatorTruth {
  /** The simulator's current day (YYYY-MM-DD); follows `options.today` when that is a function. */
  readonly today: string
  accounts(): ConnectorAccount[]
  balances(accountRef: string, from: string, to: string): ConnectorBalance[]
  transactions(accountRef: string, from: string, to: string): ConnectorTransaction[]
}

/**
 * Options every simulator accepts. `today` defaults to the current UTC day; `seed` to 42. A
 * function for `today` lets a test move the bank's calendar (yesterday's pending entries get booked).
 *
 * @example
 * await startSimulator({ seed: 7, today: '2026-11-20', faults: 'slow:200', pageSize: 10 })
 * let day = '2026-11-20'; await startSimulator({ today: () => day }); day = '2026-11-23'
 */
export interface SimulatorOptions {
  seed?: number
  today?: string | (() => string)
  /** Initial faults (see faults.ts), e.g. from `MOCK_BANK_FAULTS` via `faultsFor`. */
  faults?: string | readonly Fault[]
  /** 0 (default) picks a free port. */
  port?: number
  /** Entries per page, where the protocol pages (small values exercise paging). */
  pageSize?: number
  /** Retry-After seconds of the `rate-limit` fault (default 1; tests use fractions). */
  retryAfterSeconds?: number
}

/**
 * A running simulator. `connection` is what a connection to it needs (credentials and config),
 * ready to hand to the connector's context.
 *
 * @example
 * const sim = await startSimulator({ today: '2026-11-20' })
 * try { … sim.url … sim.connection.credentials … } finally { await sim.close() }
 */
export interface RunningSimulator {
  connectorId: string
  url: string
  faults: FaultSet
  connection: { credentials: Record<string, string>; config: Record<string, unknown> }
  truth: SimulatorTruth
  /** How many requests it has received. */
  requestCount(): number
  /** Stops listening and drops every open connection (hung ones too). Idempotent. */
  close(): Promise<void>
}

/** The `startSimulator` export of `connectors/banks/<id>/simulator.ts`. @example export const startSimulator: StartSimulator = async (options = {}) => { … } */
export type StartSimulator = (options?: SimulatorOptions) => Promise<RunningSimulator>

/** A listening HTTP server with fault injection, before the bank-specific parts are added. @example const { url, close } = await serveSimulator({ handle }) */
export interface SimulatorServer {
  url: string
  faults: FaultSet
  requestCount(): number
  close(): Promise<void>
}

/**
 * Serves `handle` on 127.0.0.1 with the transport faults of `faults` applied in front of it
 * (down, slow, flaky, rate-limit, timeout, garbage). Handler exceptions answer 500 with the
 * message, so a simulator bug shows up as such.
 *
 * @example
 * const server = await serveSimulator({ faults: new FaultSet(options.faults), handle: (req) => route(req) })
 */
export async function serveSimulator(options: {
  handle: SimulatorHandler
  faults?: FaultSet
  port?: number
  transport?: TransportFaultOptions
}): Promise<SimulatorServer> {
  const faults = options.faults ?? new FaultSet()
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let count = 0
  let closed = false

  const wait = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer)
            resolve()
          }, ms)
          timers.add(timer)
        })

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const n = ++count
    void (async () => {
      const bodyBytes = await readBody(req)
      const verdict = transportVerdict(faults, n, options.transport)
      await wait(verdict.delayMs)
      if (closed || res.destroyed) return
      if (verdict.action === 'hang') return // answered never; close() destroys the socket
      if (verdict.action === 'respond') {
        res.writeHead(verdict.status, verdict.headers).end(verdict.body)
        return
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const headers: Record<string, string | undefined> = {}
      for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
      let response: SimulatorResponse
      try {
        response = await options.handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers,
          body: Buffer.from(bodyBytes).toString('utf8'),
          bodyBytes,
          n,
          faults,
        })
      } catch (error) {
        response = { status: 500, headers: { 'content-type': 'text/plain' }, body: `simulator error: ${(error as Error).message}` }
      }
      if (closed || res.destroyed) return
      let body: string | Uint8Array = response.body
      if (shouldMangle(faults, response)) {
        body = mangleBody(typeof body === 'string' ? body : Buffer.from(body).toString('latin1'))
      }
      res.writeHead(response.status, response.headers ?? {}).end(body)
    })().catch(() => res.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | null = null
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    requestCount: () => count,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        closed = true
        for (const timer of timers) clearTimeout(timer)
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })),
  }
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))))
    req.on('error', reject)
  })
}

/**
 * A JSON answer (bigint-safe: bigints are written as JSON numbers without precision loss).
 *
 * @example
 * return json(200, { accounts })
 */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimulatorResponse {
  const body = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `__bigint__${v}` : v)).replace(/"__bigint__(-?\d+)"/g, '$1')
  return { status, headers: { 'content-type': 'application/json', ...headers }, body }
}

/**
 * Resolves `SimulatorOptions.today` to a function returning the current day.
 *
 * @example
 * const today = todayOf(options.today) // today() → '2026-11-20'
 */
export function todayOf(option: SimulatorOptions['today']): () => string {
  if (typeof option === 'function') return option
  if (typeof option === 'string') return () => option
  return () => new Date().toISOString().slice(0, 10)
}

/**
 * A small deterministic PRNG (mulberry32) seeded from any mix of numbers and strings, so a
 * simulator can derive each day's data independently: same keys, same numbers, on every machine.
 *
 * @example
 * const rng = seededRandom(seed, account.ref, '2026-11-20')
 * rng.int(0, 4) // entries that day
 */
export function seededRandom(...keys: (number | string)[]): { next(): number; int(min: number, max: number): number; pick<T>(items: readonly T[]): T } {
  let h = 2166136261 >>> 0
  for (const ch of keys.join('\u0001')) {
    h ^= ch.codePointAt(0)!
    h = Math.imul(h, 16777619) >>> 0
  }
  let state = h
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  }
}
