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

/**
 * The statement file gateway (an EBICS-style mailbox over HTTPS): HTTP Basic, an account list
 * (`HTD`), an outbox listing by date range, and downloads of one file or of several in one payload. Its EBICS return codes are mapped
 * onto the typed errors here and nowhere else.
 */

export const configSchema = z.object({
  baseUrl: z.string().url(),
  /** Statement files (days) per page of entries. */
  filesPerPage: z.number().int().min(1).max(100).default(100),
  /** Where the bank's day turns (decides when today's MT942 is wanted). */
  timeZone: z.string().default('Asia/Shanghai'),
})
export type Mt940Config = z.infer<typeof configSchema>
type Ctx = ConnectorContext<Mt940Config>

/**
 * A non-2xx answer as a typed error. Bodies are `{ "returnCode": "061001", "reportText": "…" }`.
 *
 * | HTTP | returnCode | meaning | typed error |
 * |---|---|---|---|
 * | 401 | 061001 | EBICS_AUTHENTICATION_FAILED | auth-failed |
 * | 403 | 091003 | EBICS_INVALID_USER_STATE (password/keys expired) | auth-expired |
 * | 404 | 091124 / 091005 | account not authorised / no such file | not-found |
 * | 429 | 091119 | EBICS_MAX_TRANSACTIONS_EXCEEDED (+ Retry-After) | rate-limited |
 * | 5xx | 091116 | EBICS_PROCESSING_ERROR | unavailable |
 *
 * @example
 * throw await errorFor(res, 'GET /outbox', new Date())
 */
export async function errorFor(res: ConnectorResponse, what: string, now: Date): Promise<ConnectorError> {
  let code = ''
  let text = ''
  try {
    const body = (await res.json()) as { returnCode?: unknown; reportText?: unknown }
    code = typeof body.returnCode === 'string' ? body.returnCode : ''
    text = typeof body.reportText === 'string' ? body.reportText : ''
  } catch {
    // A gateway error page: the status alone decides.
  }
  const detail = `MT940 gateway ${what}: HTTP ${res.status}${code ? ` ${code}` : ''}${text ? ` ${text}` : ''}`
  if (res.status === 403 && code === '091003') return new AuthExpiredError(detail)
  if (res.status === 401 || res.status === 403) return new AuthFailedError(detail)
  if (res.status === 404) return new ResourceNotFoundError(detail)
  if (res.status === 429) return new RateLimitedError(detail, { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now) })
  if (res.status >= 500 || res.status === 408) return new UnavailableError(detail)
  return new InvalidResponseError(detail)
}

function authorization(ctx: Ctx): string {
  return `Basic ${Buffer.from(`${ctx.credentials.user ?? ''}:${ctx.credentials.password ?? ''}`).toString('base64')}`
}

async function get(ctx: Ctx, path: string, query: Record<string, string> = {}): Promise<ConnectorResponse> {
  const url = new URL(path, ctx.config.baseUrl)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const res = await ctx.fetch(url.toString(), { headers: { authorization: authorization(ctx) } })
  if (!res.ok) throw await errorFor(res, `GET ${path}`, ctx.clock.now())
  return res
}

/** `GET /ebics/htd`: the HTD document (accounts of this user), as text. */
export async function getAccountInfo(ctx: Ctx): Promise<string> {
  return (await get(ctx, '/ebics/htd')).text()
}

/**
 * `GET /outbox?from&to[&account][&limit]`: the statement files of those days, oldest first (a date
 * range re-fetches history; already-acknowledged files are listed too). With `limit`, the first
 * files only: list again from the day after the last one for more.
 */
export async function listOutbox(ctx: Ctx, query: { from: string; to: string; account?: string; limit?: number }): Promise<unknown> {
  return (
    await get(ctx, '/outbox', { from: query.from, to: query.to, ...(query.account ? { account: query.account } : {}), ...(query.limit ? { limit: String(query.limit) } : {}) })
  ).json()
}

/** `GET /outbox/{name}`: the file's bytes. */
export async function downloadFile(ctx: Ctx, name: string): Promise<Uint8Array> {
  const res = await get(ctx, `/outbox/${encodeURIComponent(name)}`)
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (bytes.length === 0) throw new InvalidResponseError(`MT940 gateway: ${name} is empty`)
  return bytes
}

/** Files one multi-file download may ask for. */
export const MAX_FILES_PER_DOWNLOAD = 100

/**
 * `POST /outbox/download` `{ files: [...] }`: several files in one payload, concatenated in the
 * order asked (EBICS order data holding several statements). All must be of one type (.sta or .vmk).
 */
export async function downloadFiles(ctx: Ctx, names: readonly string[]): Promise<Uint8Array> {
  const url = new URL('/outbox/download', ctx.config.baseUrl)
  const res = await ctx.fetch(url.toString(), {
    method: 'POST',
    headers: { authorization: authorization(ctx), 'content-type': 'application/json' },
    body: JSON.stringify({ files: names }),
  })
  if (!res.ok) throw await errorFor(res, 'POST /outbox/download', ctx.clock.now())
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (bytes.length === 0) throw new InvalidResponseError(`MT940 gateway: the download of ${names.length} file(s) is empty`)
  return bytes
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** The bank's calendar day of `now`. */
export function bankToday(ctx: Ctx): string {
  let format = dayFormats.get(ctx.config.timeZone)
  if (!format) dayFormats.set(ctx.config.timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })))
  return format.format(ctx.clock.now())
}
