import {
  AuthExpiredError,
  AuthFailedError,
  InvalidResponseError,
  parseRetryAfter,
  RateLimitedError,
  ResourceNotFoundError,
  UnavailableError,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorResponse,
} from '@treasury/shared'
import { z } from 'zod'
import { toStatementRequest, type StatementRequestStatus } from './transform.js'

/**
 * The camt bank's REST API (ClearBank/Circle model): an account list, statement requests that are
 * prepared asynchronously (request → poll → paged download of the camt message). API key auth.
 * Its error codes are mapped onto the typed errors here and nowhere else.
 */

export const configSchema = z.object({
  baseUrl: z.string().url(),
  /** Polls of a statement request before giving up on it (the bank prepares statements asynchronously). */
  maxPolls: z.number().int().min(1).max(1000).default(60),
  /** Upper bound of one wait between polls, whatever the bank's Retry-After says. */
  maxPollWaitMs: z.number().int().min(1).max(60_000).default(2_000),
  /** Where the bank's day turns (decides when today's camt.052 is wanted). */
  timeZone: z.string().default('Asia/Singapore'),
})
export type CamtConfig = z.infer<typeof configSchema>
type Ctx = ConnectorContext<CamtConfig>

/** Days one camt.053 request may span (a quarter). */
export const MAX_STATEMENT_DAYS = 92

/**
 * A non-2xx answer as a typed error. Bodies are `{ "error": { "code": "…", "message": "…" } }`.
 *
 * | HTTP | code | typed error |
 * |---|---|---|
 * | 401 | INVALID_API_KEY | auth-failed |
 * | 401 | API_KEY_EXPIRED | auth-expired |
 * | 403 | FORBIDDEN | auth-failed |
 * | 404 | ACCOUNT_NOT_FOUND, REQUEST_NOT_FOUND, STATEMENT_NOT_FOUND (expired) | not-found |
 * | 429 | RATE_LIMITED (+ Retry-After) | rate-limited |
 * | 5xx | — | unavailable |
 * | 400/422 | INVALID_REQUEST, DATE_RANGE_INVALID | invalid-response |
 *
 * @example
 * throw await errorFor(res, 'POST /v1/statement-requests', new Date())
 */
export async function errorFor(res: ConnectorResponse, what: string, now: Date): Promise<ConnectorError> {
  let code = ''
  let message = ''
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } }
    code = typeof body.error?.code === 'string' ? body.error.code : ''
    message = typeof body.error?.message === 'string' ? body.error.message : ''
  } catch {
    // An error page without the JSON body: the status decides.
  }
  const detail = `camt API ${what}: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? ` (${message})` : ''}`
  if (res.status === 401 && code === 'API_KEY_EXPIRED') return new AuthExpiredError(detail)
  if (res.status === 401 || res.status === 403) return new AuthFailedError(detail)
  if (res.status === 404) return new ResourceNotFoundError(detail)
  if (res.status === 429) return new RateLimitedError(detail, { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now) })
  if (res.status >= 500 || res.status === 408) return new UnavailableError(detail)
  return new InvalidResponseError(detail)
}

async function call(ctx: Ctx, method: 'GET' | 'POST', path: string, body?: unknown): Promise<ConnectorResponse> {
  const url = new URL(path, ctx.config.baseUrl)
  const headers: Record<string, string> = { 'x-api-key': ctx.credentials.apiKey ?? '', 'x-org-id': ctx.credentials.orgId ?? '', accept: 'application/json, application/xml' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await ctx.fetch(url.toString(), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  if (!res.ok) throw await errorFor(res, `${method} ${path}`, ctx.clock.now())
  return res
}

/** `GET /v1/accounts`. */
export async function getAccounts(ctx: Ctx): Promise<unknown> {
  return (await call(ctx, 'GET', '/v1/accounts')).json()
}

/** A ready statement message: where to download it and how many pages it has. */
export interface ReadyStatement {
  messageId: string
  totalPages: number
}

/**
 * Requests a statement and polls until the bank has prepared it: camt.053 for closed days
 * `from..to` (≤ 31 days), camt.052 for the bank's current day (no dates). Null when the bank
 * has no data for it. Waits as long as the bank's Retry-After says (capped by `maxPollWaitMs`).
 *
 * @example
 * const ready = await requestStatement(ctx, account.ref, { messageType: 'camt.053', fromDate: '2026-11-01', toDate: '2026-11-19' })
 */
export async function requestStatement(
  ctx: Ctx,
  accountId: string,
  request: { messageType: 'camt.053'; fromDate: string; toDate: string } | { messageType: 'camt.052' },
): Promise<ReadyStatement | null> {
  const created = await call(ctx, 'POST', '/v1/statement-requests', { accountId, ...request })
  let status: StatementRequestStatus = toStatementRequest(await created.json())
  let hint = created.headers.get('retry-after')
  for (let polls = 0; status.status === 'PENDING'; polls++) {
    if (polls >= ctx.config.maxPolls) throw new UnavailableError(`camt API: statement request ${status.requestId} still pending after ${polls} polls`)
    await ctx.clock.sleep(Math.min(ctx.config.maxPollWaitMs, parseRetryAfter(hint, ctx.clock.now()) ?? 200))
    const polled = await call(ctx, 'GET', `/v1/statement-requests/${encodeURIComponent(status.requestId)}`)
    status = toStatementRequest(await polled.json())
    hint = polled.headers.get('retry-after')
  }
  if (status.status === 'NO_DATA') return null
  if (status.status === 'FAILED') throw new UnavailableError(`camt API: statement request ${status.requestId} failed${status.reason ? `: ${status.reason}` : ''}`)
  return { messageId: status.messageId!, totalPages: status.totalPages! }
}

/** `GET /v1/statements/{messageId}/pages/{page}`: one page of the camt message, as XML text. */
export async function getStatementPage(ctx: Ctx, messageId: string, page: number): Promise<string> {
  return (await call(ctx, 'GET', `/v1/statements/${encodeURIComponent(messageId)}/pages/${page}`)).text()
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** The bank's calendar day of `now`. */
export function bankToday(ctx: Ctx): string {
  let format = dayFormats.get(ctx.config.timeZone)
  if (!format) dayFormats.set(ctx.config.timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })))
  return format.format(ctx.clock.now())
}
