import { z } from 'zod'
import { balance, balanceType, currencyCode, isoDate, transaction } from './domain.js'
import { statementFormat } from './statement.js'

/**
 * The bank-connector contract: everything a connector author needs and nothing of the server's
 * internals. A connector is one folder `server/src/connectors/banks/<id>/` whose `index.ts`
 * default-exports {@link defineConnector}`({ manifest, listAccounts, fetchBalances, fetchTransactions })`.
 * The server finds it by that folder (no central list), validates everything it returns against the
 * schemas below and stores nothing from a call whose output fails them.
 *
 * Pure: no Node or DOM types. `fetch`, the abort signal and the response are described structurally,
 * so the server hands in Node's and a connector can still be type-checked anywhere.
 */

// ---------------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------------

/**
 * Optional capabilities a connector may declare. Declaring one obliges the connector to implement
 * its methods (see {@link Connector}); the registry refuses a connector where the two disagree.
 * Today the sync engine uses none of them; later issues do (intraday refresh, statement import,
 * payments).
 *
 * @example
 * capabilities: ['intraday-reports', 'statement-files']
 */
export const CONNECTOR_CAPABILITIES = ['intraday-reports', 'statement-files', 'payment-initiation', 'payment-status'] as const
/**
 * Schema of one capability, and its type.
 *
 * @example
 * connectorCapability.parse('statement-files') // 'statement-files'
 * const c: ConnectorCapability = 'payment-status'
 */
export const connectorCapability = z.enum(CONNECTOR_CAPABILITIES)
/** @see connectorCapability @example const c: ConnectorCapability = 'intraday-reports' */
export type ConnectorCapability = z.infer<typeof connectorCapability>

/**
 * How a connector authenticates against its bank. Informational: the connector does the work, the
 * UI uses it to ask for the right credentials.
 *
 * @example
 * authKind: 'oauth2-client-credentials'
 */
export const CONNECTOR_AUTH_KINDS = ['none', 'api-key', 'basic', 'oauth2-client-credentials', 'session-token', 'certificate'] as const
/**
 * Schema of an auth kind, and its type.
 *
 * @example
 * connectorAuthKind.parse('session-token') // 'session-token'
 */
export const connectorAuthKind = z.enum(CONNECTOR_AUTH_KINDS)
/** @see connectorAuthKind @example const k: ConnectorAuthKind = 'certificate' */
export type ConnectorAuthKind = z.infer<typeof connectorAuthKind>

/**
 * A connector id: lower-case kebab-case, 2–40 characters. It is also the folder name under
 * `connectors/banks/` and the key in `MOCK_BANK_FAULTS`.
 *
 * @example
 * connectorId.parse('cmb-direct') // ok
 * connectorId.parse('CMB')        // throws: lower-case kebab-case only
 */
export const connectorId = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'expected a lower-case kebab-case id such as "cmb-direct"')
  .min(2)
  .max(40)

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM (24 h)')

/**
 * What a connector is: its id, name, where it works, how it authenticates, what it can do, and
 * defaults the sync engine may use for new connections to this bank.
 *
 * @example
 * const manifest: ConnectorManifest = {
 *   id: 'acme-bank',
 *   displayName: 'ACME Bank (REST)',
 *   countries: ['GB'],
 *   authKind: 'oauth2-client-credentials',
 *   capabilities: ['intraday-reports'],
 *   historyDays: 400,
 *   schedule: { intradayEveryMinutes: 15, endOfDayUtc: '22:30' },
 * }
 */
export const connectorManifest = z
  .object({
    id: connectorId,
    displayName: z.string().min(1).max(80),
    /** ISO 3166-1 alpha-2 countries the bank serves through this API. */
    countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country such as "CN"')).min(1),
    authKind: connectorAuthKind,
    capabilities: z.array(connectorCapability).refine((list) => new Set(list).size === list.length, 'capabilities must not repeat'),
    /** How many days back the bank serves history (a first sync never asks for more). */
    historyDays: z.number().int().min(1).max(3660).optional(),
    /** Suggested schedule for new connections: intraday every N minutes (null: none) and end of day at HH:MM UTC. */
    schedule: z.object({ intradayEveryMinutes: z.number().int().min(1).max(1440).nullable(), endOfDayUtc: hhmm }).strict().optional(),
    /** Where the bank documents its API (shown to operators). */
    docsUrl: z.string().url().optional(),
  })
  .strict()
/** The type of {@link connectorManifest}. @example const m: ConnectorManifest = { id: 'acme-bank', displayName: 'ACME', countries: ['GB'], authKind: 'api-key', capabilities: [] } */
export type ConnectorManifest = z.infer<typeof connectorManifest>

// ---------------------------------------------------------------------------------------------
// What a connector returns
// ---------------------------------------------------------------------------------------------

/**
 * An account as the bank lists it. `ref` is whatever the bank's API uses to address the account
 * (an id, or the number itself); `number` is the account number as printed on statements and is
 * how the server matches the account to the group's master data (with `iban` as a fallback).
 *
 * @example
 * { ref: 'acc-7f3a', number: '755912345610001', iban: null, currency: 'CNY', name: '舟山海运 基本户' }
 */
export const connectorAccount = z
  .object({
    ref: z.string().min(1).max(128),
    number: z.string().min(1).max(64),
    iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, 'expected an IBAN without spaces').nullable(),
    currency: currencyCode,
    name: z.string().max(140).nullable(),
  })
  .strict()
/** The type of {@link connectorAccount}. @example const a: ConnectorAccount = { ref: 'a1', number: '6222000011112222', iban: null, currency: 'CNY', name: null } */
export type ConnectorAccount = z.infer<typeof connectorAccount>

/**
 * A balance as the bank reported it: the shared {@link balance} without what the server adds
 * (account id, fetch time, source), plus the currency so the server can check it is the account's.
 * `amount` is signed integer minor units (bigint) — never a float, never a decimal string.
 *
 * @example
 * { date: '2026-11-20', type: 'CLBD', amount: 1250000n, currency: 'CNY', reportedAt: new Date('2026-11-20T15:30:00Z') }
 */
export const connectorBalance = balance
  .omit({ accountId: true, fetchedAt: true, source: true })
  .extend({ currency: currencyCode })
  .strict()
/** The type of {@link connectorBalance}. @example const b: ConnectorBalance = { date: '2026-11-20', type: 'ITBD', amount: 5n, currency: 'JPY', reportedAt: new Date() } */
export type ConnectorBalance = z.infer<typeof connectorBalance>

/**
 * A booked or pending entry: the shared {@link transaction} without what the server adds (account
 * id, source). Signed minor units (credit > 0, debit < 0) in the account's currency. Give the bank's
 * own entry reference as `bankReference` whenever the bank has one: it is the dedupe key
 * (see `transactionDedupeKey`), so it must be the same in every re-delivery of the entry.
 *
 * @example
 * {
 *   bookingDate: '2026-11-20', valueDate: '2026-11-20', amount: -120000n, currency: 'CNY', status: 'booked',
 *   bankReference: 'K123456789', endToEndId: 'ERP-0001', counterpartyName: '宁波港务', counterpartyAccount: '6222…',
 *   counterpartyBank: null, purpose: '货款', bankTransactionCode: 'PMNT/ICDT/DMCT',
 * }
 */
export const connectorTransaction = transaction.omit({ accountId: true, source: true }).strict()
/** The type of {@link connectorTransaction}. @example const amount: ConnectorTransaction['amount'] = -120000n */
export type ConnectorTransaction = z.infer<typeof connectorTransaction>

/**
 * One page of {@link Connector.fetchTransactions}. `nextCursor` is an opaque string the connector
 * understands (a page number, a continuation key, a "next" link); `null` means there are no more
 * pages. The server persists it, so a sync interrupted after page 3 resumes at page 4 — even in
 * another process, hours later: make it self-contained (never an in-memory handle).
 *
 * @example
 * { transactions: [...], nextCursor: 'page=2' }
 */
export const transactionPage = z
  .object({
    transactions: z.array(connectorTransaction),
    nextCursor: z.string().min(1).max(4000).nullable(),
  })
  .strict()
/** The type of {@link transactionPage}. @example const last: TransactionPage = { transactions: [], nextCursor: null } */
export type TransactionPage = z.infer<typeof transactionPage>

/**
 * A statement file the bank offers for download (capability `statement-files`).
 *
 * @example
 * { ref: 'outbox/755912345610001_20261120_1.sta', name: '755912345610001_20261120_1.sta', format: 'mt940', date: '2026-11-20' }
 */
export const statementFileRef = z
  .object({ ref: z.string().min(1).max(1000), name: z.string().min(1).max(255), format: statementFormat, date: isoDate.nullable() })
  .strict()
/** The type of {@link statementFileRef}. @example const f: StatementFileRef = { ref: 'f1', name: 'f1.xml', format: 'camt053', date: null } */
export type StatementFileRef = z.infer<typeof statementFileRef>

/**
 * A payment to initiate (capability `payment-initiation`; pain.001 semantics). Declared now, used by
 * the payments issue. `endToEndId` is the idempotency key: sending the same one twice must not pay twice.
 *
 * @example
 * { endToEndId: 'PAY-2026-0001', debtorAccountRef: 'acc-7f3a', amount: 500000n, currency: 'CNY',
 *   creditorName: '宁波港务', creditorAccount: '6222…', creditorAgent: 'BKNBCN2N', remittance: 'INV 77', requestedDate: '2026-11-21' }
 */
export const paymentInstruction = z
  .object({
    endToEndId: z.string().min(1).max(35),
    debtorAccountRef: z.string().min(1).max(128),
    amount: z.bigint().positive(),
    currency: currencyCode,
    creditorName: z.string().min(1).max(140),
    creditorAccount: z.string().min(1).max(64),
    creditorAgent: z.string().max(64).nullable(),
    remittance: z.string().max(140).nullable(),
    requestedDate: isoDate,
  })
  .strict()
/** The type of {@link paymentInstruction}. @example const id: PaymentInstruction['endToEndId'] = 'PAY-2026-0001' */
export type PaymentInstruction = z.infer<typeof paymentInstruction>

/**
 * Where a payment stands at the bank (capability `payment-status`; pain.002 semantics).
 *
 * @example
 * { paymentRef: 'BNK-88231', status: 'rejected', reason: 'AC04 closed account', updatedAt: new Date() }
 */
export const PAYMENT_STATUSES = ['received', 'accepted', 'pending', 'settled', 'rejected'] as const
/** Schema of {@link PaymentStatus}. @example paymentStatus.parse({ paymentRef: 'B1', status: 'pending', reason: null, updatedAt: '2026-11-20T08:00:00Z' }) */
export const paymentStatus = z
  .object({
    paymentRef: z.string().min(1).max(128),
    status: z.enum(PAYMENT_STATUSES),
    reason: z.string().max(500).nullable(),
    updatedAt: z.coerce.date(),
  })
  .strict()
/** The type of {@link paymentStatus}. @example const s: PaymentStatus['status'] = 'settled' */
export type PaymentStatus = z.infer<typeof paymentStatus>

/**
 * The intraday report capability's result: today's interim balances and entries (camt.052 / MT942).
 *
 * @example
 * { balances: [{ date: '2026-11-20', type: 'ITBD', amount: 1250000n, currency: 'CNY', reportedAt: new Date() }], transactions: [] }
 */
export const intradayReport = z
  .object({
    balances: z.array(connectorBalance),
    transactions: z.array(connectorTransaction),
  })
  .strict()
/** The type of {@link intradayReport}. @example const empty: IntradayReport = { balances: [], transactions: [] } */
export type IntradayReport = z.infer<typeof intradayReport>

/**
 * Balance types a connector may report (camt codes); for authors mapping bank codes.
 *
 * @example
 * connectorBalanceType.parse('CLBD') // 'CLBD'
 */
export const connectorBalanceType = balanceType

// ---------------------------------------------------------------------------------------------
// The context a connector gets
// ---------------------------------------------------------------------------------------------

/**
 * The abort signal handed to a connector (Node's and the browser's `AbortSignal` both fit).
 * It fires when the server gives up on the call: per-call timeout, run deadline or shutdown.
 *
 * @example
 * if (ctx.signal.aborted) throw ctx.signal.reason
 */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason: unknown
  throwIfAborted(): void
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

/**
 * What {@link ConnectorContext.fetch} accepts: a subset of the WHATWG `RequestInit`.
 * `timeoutMs` shortens (never lengthens) the server's per-call timeout for this one request.
 *
 * @example
 * await ctx.fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials', timeoutMs: 5000 })
 */
export interface ConnectorRequestInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  signal?: AbortSignalLike
  timeoutMs?: number
}

/**
 * The response of {@link ConnectorContext.fetch}: a subset of the WHATWG `Response`.
 *
 * @example
 * const res = await ctx.fetch(url)
 * if (res.status === 429) throw new RateLimitedError('too many requests', { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), ctx.clock.now()) })
 * const body: unknown = await res.json()
 */
export interface ConnectorResponse {
  readonly ok: boolean
  readonly status: number
  readonly statusText: string
  readonly url: string
  readonly headers: { get(name: string): string | null }
  text(): Promise<string>
  json(): Promise<unknown>
  arrayBuffer(): Promise<ArrayBuffer>
}

/**
 * HTTP for connectors. The server's implementation already carries the call's abort signal and
 * timeout, and turns network failures and timeouts into {@link UnavailableError}; HTTP status codes
 * are the connector's to map (each bank says "expired" or "too many" its own way).
 *
 * @example
 * const res = await ctx.fetch(`${ctx.config.baseUrl}/accounts`, { headers: { authorization: `Bearer ${token}` } })
 */
export type ConnectorFetch = (url: string, init?: ConnectorRequestInit) => Promise<ConnectorResponse>

/**
 * Time, injectable so tests and simulators agree on "today". `sleep` rejects when the call is aborted.
 *
 * @example
 * const today = ctx.clock.now().toISOString().slice(0, 10)
 * await ctx.clock.sleep(200) // e.g. a bank that wants a pause between two requests
 */
export interface ConnectorClock {
  now(): Date
  sleep(ms: number): Promise<void>
}

/**
 * Structured logging; the server adds connector id, connection and run. Never log credentials or
 * full account numbers.
 *
 * @example
 * ctx.logger.debug('fetched page', { page: 2, entries: 50 })
 */
export interface ConnectorLogger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * Everything a connector may use: no database, no server modules, no global state.
 * `credentials` are secrets of the connection (client id/secret, login, key); `config` is its
 * non-secret settings (base URL, page size…), validated by the connector's `configSchema` when it has one.
 *
 * @example
 * async listAccounts(ctx) {
 *   const res = await ctx.fetch(`${ctx.config.baseUrl}/accounts`, { headers: { 'x-api-key': ctx.credentials.apiKey ?? '' } })
 *   …
 * }
 */
export interface ConnectorContext<Config = Record<string, unknown>> {
  fetch: ConnectorFetch
  clock: ConnectorClock
  logger: ConnectorLogger
  signal: AbortSignalLike
  credentials: Readonly<Record<string, string>>
  config: Config
}

// ---------------------------------------------------------------------------------------------
// The connector
// ---------------------------------------------------------------------------------------------

/**
 * What to fetch balances for: one account, booking days `from`..`to` inclusive.
 * Return every balance the bank has for those days (OPBD/CLBD per closed day, ITBD/ITAV for today).
 *
 * @example
 * { account, from: '2026-11-01', to: '2026-11-20' }
 */
export interface BalanceRequest {
  account: ConnectorAccount
  from: string
  to: string
}

/**
 * One page of entries for one account with booking days `from`..`to` inclusive. `cursor` is null for
 * the first page, else a `nextCursor` this connector returned earlier for the same account and days.
 *
 * @example
 * { account, from: '2026-11-01', to: '2026-11-20', cursor: null }
 */
export interface TransactionRequest {
  account: ConnectorAccount
  from: string
  to: string
  cursor: string | null
}

/**
 * A bank adapter: a manifest, three required methods and optional capability methods.
 * Every method gets a fresh {@link ConnectorContext}; the server times it out, validates its
 * result and retries it on {@link RateLimitedError} and {@link UnavailableError}, so a connector
 * does not retry by itself. Map every failure onto one of the typed errors ({@link ConnectorError}).
 *
 * @example
 * export default defineConnector({
 *   manifest: { id: 'acme-bank', displayName: 'ACME Bank', countries: ['GB'], authKind: 'api-key', capabilities: [] },
 *   async listAccounts(ctx) { return transformAccounts(await getAccounts(ctx)) },
 *   async fetchBalances(ctx, { account, from, to }) { return transformBalances(await getBalances(ctx, account.ref, from, to)) },
 *   async fetchTransactions(ctx, request) { return transformPage(await getTransactions(ctx, request)) },
 * })
 */
export interface Connector<Config = Record<string, unknown>> {
  manifest: ConnectorManifest
  /**
   * Validates (and may default) the connection's `config` before any call; a connection whose
   * config fails it is not synced. Optional: without it `config` is passed through as is.
   */
  configSchema?: z.ZodType<Config, unknown>
  /** Every account these credentials can see. */
  listAccounts(ctx: ConnectorContext<Config>): Promise<ConnectorAccount[]>
  /** Balances of one account for a range of days (see {@link BalanceRequest}). */
  fetchBalances(ctx: ConnectorContext<Config>, request: BalanceRequest): Promise<ConnectorBalance[]>
  /** One page of entries (see {@link TransactionRequest}); must be resumable from any `nextCursor` it returned. */
  fetchTransactions(ctx: ConnectorContext<Config>, request: TransactionRequest): Promise<TransactionPage>
  /** Capability `intraday-reports`: today's interim balances and entries so far. */
  fetchIntradayReport?(ctx: ConnectorContext<Config>, request: { account: ConnectorAccount }): Promise<IntradayReport>
  /** Capability `statement-files`: statement files available for days `from`..`to`. */
  listStatementFiles?(ctx: ConnectorContext<Config>, request: { from: string; to: string }): Promise<StatementFileRef[]>
  /** Capability `statement-files`: one file's content, as bytes or text. */
  downloadStatementFile?(ctx: ConnectorContext<Config>, file: StatementFileRef): Promise<{ content: Uint8Array | string }>
  /** Capability `payment-initiation`: submits a payment; returns the bank's reference for it. */
  initiatePayment?(ctx: ConnectorContext<Config>, payment: PaymentInstruction): Promise<{ paymentRef: string }>
  /** Capability `payment-status`: where a submitted payment stands. */
  getPaymentStatus?(ctx: ConnectorContext<Config>, request: { paymentRef: string }): Promise<PaymentStatus>
}

/**
 * A connector of any config type, as the registry holds them.
 *
 * @example
 * const all: AnyConnector[] = registry.list()
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = Connector<any>

/**
 * The methods each optional capability requires; the registry checks a manifest against them.
 *
 * @example
 * CAPABILITY_METHODS['statement-files'] // ['listStatementFiles', 'downloadStatementFile']
 */
export const CAPABILITY_METHODS = {
  'intraday-reports': ['fetchIntradayReport'],
  'statement-files': ['listStatementFiles', 'downloadStatementFile'],
  'payment-initiation': ['initiatePayment'],
  'payment-status': ['getPaymentStatus'],
} as const satisfies Record<ConnectorCapability, readonly (keyof Connector)[]>

/**
 * Identity helper that gives a connector object its types (and infers `Config` from `configSchema`).
 * The default export of `connectors/banks/<id>/index.ts` is what it returns.
 *
 * @example
 * const config = z.object({ baseUrl: z.string().url(), pageSize: z.number().int().default(100) })
 * export default defineConnector({
 *   manifest: { id: 'acme-bank', displayName: 'ACME Bank', countries: ['GB'], authKind: 'api-key', capabilities: [] },
 *   configSchema: config,
 *   async listAccounts(ctx) { ctx.config.baseUrl; … },
 *   …
 * })
 */
export function defineConnector<Config = Record<string, unknown>>(connector: Connector<Config>): Connector<Config> {
  return connector
}

// ---------------------------------------------------------------------------------------------
// Typed errors: the closed set
// ---------------------------------------------------------------------------------------------

/**
 * The only failures a connector reports. The sync engine decides from the kind alone:
 * `rate-limited` and `unavailable` are retried with backoff; `auth-expired` asks for renewed
 * credentials; `auth-failed` marks the connection failing; `invalid-response` stops the call and
 * stores nothing from it; `not-found` skips the one account (or cursor) it concerns.
 *
 * @example
 * if (isConnectorError(error) && error.kind === 'rate-limited') wait(error.retryAfterMs)
 */
export const CONNECTOR_ERROR_KINDS = ['auth-failed', 'auth-expired', 'rate-limited', 'unavailable', 'invalid-response', 'not-found'] as const
/** One kind of the closed set. @example const kind: ConnectorErrorKind = 'not-found' */
export type ConnectorErrorKind = (typeof CONNECTOR_ERROR_KINDS)[number]

/**
 * Options every typed error takes: the underlying error it wraps.
 *
 * @example
 * throw new UnavailableError('bank answered 503', { cause: error })
 */
export interface ConnectorErrorOptions {
  cause?: unknown
}

/**
 * Base of the closed set; construct one of its subclasses. `retryable` says whether the same call
 * may succeed if repeated later in the same run.
 *
 * @example
 * try { … } catch (error) { if (error instanceof ConnectorError) console.log(error.kind, error.retryable) }
 */
export abstract class ConnectorError extends Error {
  abstract readonly kind: ConnectorErrorKind
  abstract readonly retryable: boolean
  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
  }
  /** A plain, loggable record (no cause chain, no stack). */
  toJSON(): { kind: ConnectorErrorKind; message: string; retryAfterMs?: number | null } {
    return { kind: this.kind, message: this.message }
  }
}

/**
 * The bank refused the credentials (wrong secret, revoked certificate, unknown login). Not retried.
 *
 * @example
 * if (body.RETCOD === '-4') throw new AuthFailedError('bank rejected the login (RETCOD -4)')
 */
export class AuthFailedError extends ConnectorError {
  override name = 'AuthFailedError'
  readonly kind = 'auth-failed' as const
  readonly retryable = false
}

/**
 * The credentials were good but have expired (token, consent, session) and cannot be renewed by
 * the connector itself. Not retried in the run; the operator renews them.
 *
 * @example
 * if (error.code === 'CONSENT_EXPIRED') throw new AuthExpiredError('consent expired on 2026-11-01')
 */
export class AuthExpiredError extends ConnectorError {
  override name = 'AuthExpiredError'
  readonly kind = 'auth-expired' as const
  readonly retryable = false
}

/**
 * The bank asks to slow down. `retryAfterMs` is its Retry-After in milliseconds (null when it gave none).
 *
 * @example
 * if (res.status === 429) throw new RateLimitedError('429 from /transactions', { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), ctx.clock.now()) })
 */
export class RateLimitedError extends ConnectorError {
  override name = 'RateLimitedError'
  readonly kind = 'rate-limited' as const
  readonly retryable = true
  readonly retryAfterMs: number | null
  constructor(message: string, options: ConnectorErrorOptions & { retryAfterMs?: number | null } = {}) {
    super(message, options)
    this.retryAfterMs = options.retryAfterMs ?? null
  }
  override toJSON() {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs }
  }
}

/**
 * The bank did not answer usefully for now: 5xx, maintenance, connection refused, timeout. Retried.
 *
 * @example
 * if (res.status >= 500) throw new UnavailableError(`bank answered ${res.status}`)
 */
export class UnavailableError extends ConnectorError {
  override name = 'UnavailableError'
  readonly kind = 'unavailable' as const
  readonly retryable = true
}

/**
 * The bank answered something the connector cannot read (malformed XML/JSON, missing fields,
 * impossible values), or the connector's result failed the server's validation. Nothing from the
 * call is stored. Not retried.
 *
 * @example
 * const parsed = schema.safeParse(body)
 * if (!parsed.success) throw new InvalidResponseError(`unexpected /accounts payload: ${parsed.error.message}`)
 */
export class InvalidResponseError extends ConnectorError {
  override name = 'InvalidResponseError'
  readonly kind = 'invalid-response' as const
  readonly retryable = false
}

/**
 * The bank does not know what was asked for: an account ref, a statement file, a payment, or a
 * page cursor that expired. Not retried.
 *
 * @example
 * if (res.status === 404) throw new ResourceNotFoundError(`account ${account.ref} unknown to the bank`)
 */
export class ResourceNotFoundError extends ConnectorError {
  override name = 'ResourceNotFoundError'
  readonly kind = 'not-found' as const
  readonly retryable = false
}

/**
 * True for any error of the closed set (also across module copies, by its `kind`).
 *
 * @example
 * catch (error) { if (!isConnectorError(error)) throw new InvalidResponseError('unexpected failure', { cause: error }) }
 */
export function isConnectorError(error: unknown): error is ConnectorError {
  if (error instanceof ConnectorError) return true
  const kind = (error as { kind?: unknown } | null)?.kind
  return error instanceof Error && typeof kind === 'string' && (CONNECTOR_ERROR_KINDS as readonly string[]).includes(kind) && 'retryable' in error
}

/**
 * Parses an HTTP `Retry-After` (seconds or an HTTP date) into milliseconds from `now`;
 * null when absent or unreadable. Never negative.
 *
 * @example
 * parseRetryAfter('2', new Date())                              // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', new Date())  // ms until then, or 0
 * parseRetryAfter(null, new Date())                             // null
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return null
  return Math.max(0, at - now.getTime())
}

// ---------------------------------------------------------------------------------------------
// API inputs of the connectors router
// ---------------------------------------------------------------------------------------------

/**
 * `connectors.syncNow` / `connectors.runs` input: a connection id.
 *
 * @example
 * connectorsSyncNowInput.parse({ id: 'conn_cmb' })
 */
export const connectorsSyncNowInput = z.object({ id: z.string().min(1).max(64) }).strict()
/** The type of {@link connectorsSyncNowInput}. @example const input: ConnectorsSyncNowInput = { id: 'conn_cmb' } */
export type ConnectorsSyncNowInput = z.infer<typeof connectorsSyncNowInput>

/**
 * `connectors.runs` input: a connection id and how many of its newest runs (default 20).
 *
 * @example
 * connectorsRunsInput.parse({ id: 'conn_cmb', limit: 50 })
 */
export const connectorsRunsInput = z.object({ id: z.string().min(1).max(64), limit: z.number().int().min(1).max(200).default(20) }).strict()
/** The type of {@link connectorsRunsInput}. @example const input: ConnectorsRunsInput = { id: 'conn_cmb', limit: 20 } */
export type ConnectorsRunsInput = z.infer<typeof connectorsRunsInput>
