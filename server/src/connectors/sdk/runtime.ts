import {
  InvalidResponseError,
  isConnectorError,
  UnavailableError,
  type AnyConnector,
  type BalanceRequest,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorClock,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorFetch,
  type ConnectorLogger,
  type ConnectorResponse,
  type TransactionPage,
  type TransactionRequest,
} from '@treasury/shared'
import { fetchTransport, nodeHttpTransport, type HttpReply, type HttpTransport } from './http.js'
import { validateAccounts, validateBalances, validateTransactionPage } from './validate.js'

/**
 * The server side of the contract: builds a connector's context (fetch with timeouts, abortable
 * clock, logger) and calls the connector through {@link ConnectorRunner}, which enforces the per-call
 * timeout and abort, turns anything untyped into a typed error and validates every result.
 */

/** The call was cancelled from outside (shutdown, the caller's signal). Not a bank failure. @example controller.abort(new CallAbortedError('shutting down')) */
export class CallAbortedError extends Error {
  override name = 'CallAbortedError'
}

/** The connection's `config` failed the connector's `configSchema`: an operator error, no call is made. @example new ConnectorRunner(c, { credentials, config: {} }) // throws ConnectorConfigError */
export class ConnectorConfigError extends Error {
  override name = 'ConnectorConfigError'
}

/**
 * A connector let an error escape that is none of the typed ones (a bug, or an unmapped bank
 * failure). Treated as an invalid response; `untyped` lets the conformance kit tell it apart.
 *
 * @example
 * if (error instanceof UntypedConnectorError) console.warn('map this failure onto a typed error', error.cause)
 */
export class UntypedConnectorError extends InvalidResponseError {
  readonly untyped = true
}

/** Log levels, quietest last. @example const level: LogLevel = 'warn' */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/**
 * A logger writing one line per message to the console, prefixed, at or above `level`.
 *
 * @example
 * const logger = createConsoleLogger('[acme-bank]', 'info')
 */
export function createConsoleLogger(prefix: string, level: LogLevel = 'info'): ConnectorLogger {
  const min = LEVELS[level]
  const line = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}` : ''
    const out = lvl === 'error' ? console.error : lvl === 'warn' ? console.warn : console.log
    out(`${prefix} ${message}${extra}`)
  }
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
}

/** A logger that drops everything (tests). @example new ConnectorRunner(c, { credentials, config, logger: silentLogger }) */
export const silentLogger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. @example await abortableSleep(250, ctx.signal) */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, Math.max(0, ms))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url.slice(0, 60)
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)
}

/**
 * `ctx.fetch`: HTTP through `transport` ({@link nodeHttpTransport}, or a WHATWG `fetch` through
 * {@link fetchTransport}) bound to the call's signal, with network failures and the per-request `timeoutMs`
 * turned into {@link UnavailableError}, an unreadable JSON body into {@link InvalidResponseError},
 * and an abort of the call into the call's abort reason.
 *
 * @example
 * const fetch = createConnectorFetch(nodeHttpTransport, controller.signal)
 */
export function createConnectorFetch(send: HttpTransport, callSignal: AbortSignal): ConnectorFetch {
  return async (url, init = {}) => {
    const signals: AbortSignal[] = [callSignal]
    if (init.signal) signals.push(init.signal as AbortSignal)
    const timeoutSignal = init.timeoutMs !== undefined ? AbortSignal.timeout(Math.max(1, init.timeoutMs)) : undefined
    if (timeoutSignal) signals.push(timeoutSignal)
    const signal = signals.length === 1 ? callSignal : AbortSignal.any(signals)
    const translate = (error: unknown): unknown => {
      if (callSignal.aborted) return callSignal.reason
      if (init.signal?.aborted) return init.signal.reason
      if (timeoutSignal?.aborted) return new UnavailableError(`${originOf(url)} gave no answer within ${init.timeoutMs} ms`)
      if (isConnectorError(error)) return error
      return new UnavailableError(`cannot reach ${originOf(url)}: ${networkReason(error)}`, { cause: error })
    }
    let reply: HttpReply
    try {
      reply = await send(url, {
        method: init.method ?? 'GET',
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
        signal,
      })
    } catch (error) {
      throw translate(error)
    }
    const read = async (): Promise<Uint8Array> => {
      try {
        return await reply.body()
      } catch (error) {
        throw translate(error)
      }
    }
    const text = async () => utf8.decode(await read())
    const wrapped: ConnectorResponse = {
      ok: reply.status >= 200 && reply.status <= 299,
      status: reply.status,
      statusText: reply.statusText,
      url: reply.url || url,
      headers: reply.headers,
      text,
      arrayBuffer: async () => {
        const bytes = await read()
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
      },
      json: async () => {
        const body = await text()
        try {
          return JSON.parse(body) as unknown
        } catch {
          throw new InvalidResponseError(`${originOf(url)} answered ${reply.status} with a body that is not JSON: ${JSON.stringify(body.slice(0, 80))}`)
        }
      },
    }
    return wrapped
  }
}

/** Decodes bodies as `Response.text()` does: UTF-8, a BOM dropped, invalid bytes replaced. */
const utf8 = new TextDecoder('utf-8')

/**
 * How a {@link ConnectorRunner} calls a connector. `callTimeoutMs` bounds each method call (every
 * page is one call); `signal` cancels everything (shutdown, run deadline).
 *
 * @example
 * { credentials: conn.credentials, config: conn.config, callTimeoutMs: 20_000, signal: run.signal }
 */
export interface RunnerOptions {
  credentials: Readonly<Record<string, string>>
  config: unknown
  callTimeoutMs?: number
  signal?: AbortSignal
  now?: () => Date
  logger?: ConnectorLogger
  /** A WHATWG fetch to send requests with instead of the default transport (tests that wrap or fail it). */
  fetch?: typeof globalThis.fetch
  /** How requests are sent (default {@link nodeHttpTransport}); `fetch` wins when both are given. */
  transport?: HttpTransport
}

/** Per-call timeout when none is given. @example new ConnectorRunner(c, { …, callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS / 2 }) */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000

/**
 * Calls one connector for one connection: every call gets a fresh context whose signal fires on
 * the call timeout (→ {@link UnavailableError}) or the outer signal (→ {@link CallAbortedError});
 * the runner stops waiting at that moment even if the connector ignores its signal. Results are
 * validated (→ {@link InvalidResponseError}, nothing returned); untyped errors become
 * {@link UntypedConnectorError}.
 *
 * @example
 * const runner = new ConnectorRunner(connector, { credentials, config, callTimeoutMs: 10_000 })
 * const accounts = await runner.listAccounts()
 * const page = await runner.fetchTransactions({ account: accounts[0]!, from: '2026-11-01', to: '2026-11-20', cursor: null })
 */
export class ConnectorRunner {
  readonly connector: AnyConnector
  private readonly config: unknown
  private readonly options: RunnerOptions
  private readonly transport: HttpTransport

  constructor(connector: AnyConnector, options: RunnerOptions) {
    this.connector = connector
    this.options = options
    this.transport = options.fetch ? fetchTransport(options.fetch) : (options.transport ?? nodeHttpTransport)
    if (connector.configSchema) {
      const parsed = connector.configSchema.safeParse(options.config ?? {})
      if (!parsed.success) {
        const first = parsed.error.issues[0]
        throw new ConnectorConfigError(`config of ${connector.manifest.id}: ${first ? `${first.path.join('.') || 'config'}: ${first.message}` : 'invalid'}`)
      }
      this.config = parsed.data
    } else {
      this.config = options.config ?? {}
    }
  }

  get id(): string {
    return this.connector.manifest.id
  }

  listAccounts(signal?: AbortSignal): Promise<ConnectorAccount[]> {
    return this.call('listAccounts', (ctx) => this.connector.listAccounts(ctx), (value, where) => validateAccounts(value, where), signal)
  }

  fetchBalances(request: BalanceRequest, signal?: AbortSignal): Promise<ConnectorBalance[]> {
    return this.call('fetchBalances', (ctx) => this.connector.fetchBalances(ctx, request), (value, where) => validateBalances(value, request, where), signal)
  }

  fetchTransactions(request: TransactionRequest, signal?: AbortSignal): Promise<TransactionPage> {
    return this.call('fetchTransactions', (ctx) => this.connector.fetchTransactions(ctx, request), (value, where) => validateTransactionPage(value, request, where), signal)
  }

  /**
   * The raw context of a call, for tests of connectors (the kit's abort checks) and for the
   * optional capabilities that have no runner method yet.
   */
  createContext(signal: AbortSignal): ConnectorContext<unknown> {
    const now = this.options.now ?? (() => new Date())
    const clock: ConnectorClock = { now, sleep: (ms) => abortableSleep(ms, signal) }
    return {
      fetch: createConnectorFetch(this.transport, signal),
      clock,
      logger: this.options.logger ?? silentLogger,
      signal,
      credentials: this.options.credentials,
      config: this.config,
    }
  }

  private async call<T>(
    method: string,
    work: (ctx: ConnectorContext<unknown>) => Promise<unknown>,
    validate: (value: unknown, where: string) => T,
    signal?: AbortSignal,
  ): Promise<T> {
    const where = `${this.id}.${method}`
    const timeoutMs = this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS
    const outer = [this.options.signal, signal].filter((s): s is AbortSignal => s !== undefined)
    const aborted = outer.find((s) => s.aborted)
    if (aborted) {
      if (isConnectorError(aborted.reason) || aborted.reason instanceof CallAbortedError) throw aborted.reason
      throw new CallAbortedError(`${where} not started: ${describeReason(aborted.reason)}`)
    }

    const controller = new AbortController()
    // A typed reason (e.g. a run deadline as UnavailableError) is kept; any other means "cancelled".
    const onOuterAbort = () => {
      const reason = outer.find((s) => s.aborted)?.reason
      controller.abort(isConnectorError(reason) || reason instanceof CallAbortedError ? reason : new CallAbortedError(`${where} aborted`))
    }
    for (const s of outer) s.addEventListener('abort', onOuterAbort, { once: true })
    const timer = setTimeout(() => controller.abort(new UnavailableError(`${where} timed out after ${timeoutMs} ms`)), timeoutMs)
    let stopWaiting!: (reason: unknown) => void
    const abortedPromise = new Promise<never>((_, reject) => (stopWaiting = reject))
    const onAbort = () => stopWaiting(controller.signal.reason)
    controller.signal.addEventListener('abort', onAbort, { once: true })
    try {
      const running = Promise.resolve().then(() => work(this.createContext(controller.signal)))
      running.catch(() => {}) // it may settle after we stopped waiting
      const value = await Promise.race([running, abortedPromise])
      return validate(value, where)
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason
      throw normalizeConnectorError(error, where)
    } finally {
      clearTimeout(timer)
      controller.signal.removeEventListener('abort', onAbort)
      for (const s of outer) s.removeEventListener('abort', onOuterAbort)
    }
  }
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted')
}

/**
 * Any error out of a connector as one of the closed set: typed errors pass through, a
 * {@link CallAbortedError} too, anything else becomes an {@link UntypedConnectorError}.
 *
 * @example
 * catch (error) { throw normalizeConnectorError(error, 'acme-bank.listAccounts') }
 */
export function normalizeConnectorError(error: unknown, where: string): ConnectorError | CallAbortedError {
  if (isConnectorError(error) || error instanceof CallAbortedError) return error
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return new UntypedConnectorError(`${where} failed with an untyped error (connectors must throw a typed ConnectorError): ${detail}`, { cause: error })
}
