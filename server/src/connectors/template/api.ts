import {
  AuthExpiredError,
  AuthFailedError,
  InvalidResponseError,
  parseRetryAfter,
  RateLimitedError,
  ResourceNotFoundError,
  UnavailableError,
  type ConnectorContext,
  type ConnectorResponse,
} from '@treasury/shared'
import { z } from 'zod'

/**
 * Template Bank's HTTP API: requests and the mapping of its failures onto the typed errors.
 * This bank's own error codes live here and nowhere else (no shared error map).
 */

/** The connection settings this connector needs; validated before every sync. */
export const configSchema = z.object({
  baseUrl: z.string().url(),
  pageSize: z.number().int().min(1).max(1000).default(100),
})
export type TemplateBankConfig = z.infer<typeof configSchema>

type Ctx = ConnectorContext<TemplateBankConfig>

/** Error body: `{ "code": "AUTH_EXPIRED", "message": "…" }`. */
async function errorCode(res: ConnectorResponse): Promise<{ code: string; message: string }> {
  try {
    const body = (await res.json()) as { code?: unknown; message?: unknown }
    return { code: typeof body.code === 'string' ? body.code : '', message: typeof body.message === 'string' ? body.message : '' }
  } catch {
    return { code: '', message: '' }
  }
}

/** Maps a non-2xx answer of this bank onto the closed set of typed errors. */
async function failure(res: ConnectorResponse, what: string, ctx: Ctx): Promise<Error> {
  const { code, message } = await errorCode(res)
  const detail = `${what}: ${res.status}${code ? ` ${code}` : ''}${message ? ` (${message})` : ''}`
  if (res.status === 401 && code === 'AUTH_EXPIRED') return new AuthExpiredError(`Template Bank ${detail}`)
  if (res.status === 401 || res.status === 403) return new AuthFailedError(`Template Bank ${detail}`)
  if (res.status === 404) return new ResourceNotFoundError(`Template Bank ${detail}`)
  if (res.status === 429) {
    return new RateLimitedError(`Template Bank ${detail}`, { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), ctx.clock.now()) })
  }
  if (res.status >= 500 || res.status === 408) return new UnavailableError(`Template Bank ${detail}`)
  return new InvalidResponseError(`Template Bank ${detail}`)
}

/**
 * GET a JSON resource of the bank. `ctx.fetch` already carries the call's timeout and abort signal
 * and reports network failures as UnavailableError; a body that is not JSON is an InvalidResponseError.
 *
 * @example
 * const body = await getJson(ctx, '/v1/accounts', {})
 */
export async function getJson(ctx: Ctx, path: string, query: Record<string, string | undefined>): Promise<unknown> {
  const url = new URL(path, ctx.config.baseUrl)
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value)
  const res = await ctx.fetch(url.toString(), {
    headers: { authorization: `Bearer ${ctx.credentials.apiKey ?? ''}`, accept: 'application/json' },
  })
  if (!res.ok) throw await failure(res, `GET ${path}`, ctx)
  return res.json()
}

export function getAccounts(ctx: Ctx): Promise<unknown> {
  return getJson(ctx, '/v1/accounts', {})
}

export function getBalances(ctx: Ctx, accountRef: string, from: string, to: string): Promise<unknown> {
  return getJson(ctx, `/v1/accounts/${encodeURIComponent(accountRef)}/balances`, { from, to })
}

/** One page; `cursor` is the bank's own `next` token (null for the first page). */
export function getTransactions(ctx: Ctx, accountRef: string, from: string, to: string, cursor: string | null): Promise<unknown> {
  return getJson(ctx, `/v1/accounts/${encodeURIComponent(accountRef)}/transactions`, {
    from,
    to,
    limit: String(ctx.config.pageSize),
    next: cursor ?? undefined,
  })
}
