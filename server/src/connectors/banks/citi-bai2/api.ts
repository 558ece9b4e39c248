import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import {
  AuthFailedError,
  AuthExpiredError,
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

/**
 * The BAI2 bank's reporting API (CitiConnect / J.P. Morgan style): a JSON account list and BAI2
 * reports (prior-day by date range, ≤ 31 days; current-day), paged. Every request carries a
 * detached Ed25519 signature made with the client's private key (the bank holds the certificate).
 * Its error codes are mapped onto the typed errors here and nowhere else.
 */

export const configSchema = z.object({
  baseUrl: z.string().url(),
  /** The bank's UTC offset: BAI2 as-of times are its local times, and its day decides "today". */
  utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/).default('+08:00'),
})
export type Bai2Config = z.infer<typeof configSchema>
type Ctx = ConnectorContext<Bai2Config>

/** Days one prior-day report may span. */
export const MAX_REPORT_DAYS = 31

/**
 * A non-2xx answer as a typed error. Bodies are API-gateway style
 * `{ "httpCode": "401", "httpMessage": "Unauthorized", "moreInformation": "SIGNATURE_INVALID" }`.
 *
 * | HTTP | moreInformation | typed error |
 * |---|---|---|
 * | 401 | SIGNATURE_INVALID, CLIENT_UNKNOWN | auth-failed |
 * | 401 | CERTIFICATE_EXPIRED | auth-expired |
 * | 404 | ACCOUNT_NOT_FOUND | not-found |
 * | 429 | RATE_LIMIT_EXCEEDED (+ Retry-After) | rate-limited |
 * | 5xx | — | unavailable |
 * | 400 | RANGE_TOO_LONG, INVALID_REQUEST | invalid-response |
 *
 * @example
 * throw await errorFor(res, 'GET /v1/reports/bai2', new Date())
 */
export async function errorFor(res: ConnectorResponse, what: string, now: Date): Promise<ConnectorError> {
  let code = ''
  try {
    const body = (await res.json()) as { moreInformation?: unknown }
    code = typeof body.moreInformation === 'string' ? body.moreInformation : ''
  } catch {
    // A gateway error page: the status decides.
  }
  const detail = `BAI2 API ${what}: HTTP ${res.status}${code ? ` ${code}` : ''}`
  if (res.status === 401 && code === 'CERTIFICATE_EXPIRED') return new AuthExpiredError(detail)
  if (res.status === 401 || res.status === 403) return new AuthFailedError(detail)
  if (res.status === 404) return new ResourceNotFoundError(detail)
  if (res.status === 429) return new RateLimitedError(detail, { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now) })
  if (res.status >= 500 || res.status === 408) return new UnavailableError(detail)
  return new InvalidResponseError(detail)
}

/** The string a request's signature covers: method, path with query, timestamp — one per line. */
export function signingString(method: string, pathAndQuery: string, timestamp: string): string {
  return `${method}\n${pathAndQuery}\n${timestamp}`
}

const keys = new Map<string, KeyObject>()

function privateKey(pem: string): KeyObject {
  let key = keys.get(pem)
  if (!key) {
    try {
      key = createPrivateKey(pem)
    } catch (error) {
      throw new AuthFailedError('BAI2 API: the private key in the credentials cannot be read', { cause: error })
    }
    if (keys.size > 32) keys.clear()
    keys.set(pem, key)
  }
  return key
}

async function get(ctx: Ctx, path: string, query: Record<string, string> = {}): Promise<ConnectorResponse> {
  const url = new URL(path, ctx.config.baseUrl)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const timestamp = ctx.clock.now().toISOString()
  const signature = sign(null, Buffer.from(signingString('GET', url.pathname + url.search, timestamp)), privateKey(ctx.credentials.privateKey ?? '')).toString('base64')
  const res = await ctx.fetch(url.toString(), {
    headers: { 'x-client-id': ctx.credentials.clientId ?? '', 'x-timestamp': timestamp, 'x-signature': signature, accept: 'application/json, text/plain' },
  })
  if (!res.ok) throw await errorFor(res, `GET ${path}`, ctx.clock.now())
  return res
}

/** `GET /v1/accounts`. */
export async function getAccounts(ctx: Ctx): Promise<unknown> {
  return (await get(ctx, '/v1/accounts')).json()
}

/** One page of a BAI2 report and the report's page count (`X-Total-Pages`). */
export interface ReportPage {
  text: string
  totalPages: number
}

/**
 * `GET /v1/reports/bai2`: prior-day (final, modifier 2) for closed days `startDate..endDate`, or
 * current-day (interim, modifier 3) for the bank's today.
 *
 * @example
 * const page = await getReport(ctx, { accountNumber: '0812345678', type: 'prior-day', startDate: '2026-11-01', endDate: '2026-11-19', page: 1 })
 */
export async function getReport(
  ctx: Ctx,
  query: { accountNumber: string; type: 'prior-day'; startDate: string; endDate: string; page: number } | { accountNumber: string; type: 'current-day'; page: number },
): Promise<ReportPage> {
  const params: Record<string, string> = { accountNumber: query.accountNumber, type: query.type, page: String(query.page) }
  if (query.type === 'prior-day') Object.assign(params, { startDate: query.startDate, endDate: query.endDate })
  const res = await get(ctx, '/v1/reports/bai2', params)
  const totalPages = Number(res.headers.get('x-total-pages'))
  if (!Number.isInteger(totalPages) || totalPages < 1) throw new InvalidResponseError('BAI2 API: a report without a valid X-Total-Pages header')
  return { text: await res.text(), totalPages }
}

/** The bank's calendar day of `now`, at its UTC offset. */
export function bankToday(ctx: Ctx): string {
  const [, sign, hh, mm] = /^([+-])(\d{2}):(\d{2})$/.exec(ctx.config.utcOffset)!
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000
  return new Date(ctx.clock.now().getTime() + offsetMs).toISOString().slice(0, 10)
}
