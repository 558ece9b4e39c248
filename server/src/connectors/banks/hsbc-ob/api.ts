import { randomUUID } from 'node:crypto'
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
 * The Open Banking read API (OBIE v3.1 style) of a corporate bank: an OAuth2 client-credentials
 * token, then `/accounts`, `/accounts/{id}/balances`, `/accounts/{id}/transactions`, paged by
 * `Links.Next`. Its OBIE error codes are mapped onto the typed errors here and nowhere else.
 */

export const configSchema = z.object({
  baseUrl: z.string().url(),
  /** The OAuth2 scope asked for. */
  scope: z.string().default('accounts'),
  /** The bank's UTC offset: its date-times are local, and its day decides "today". */
  utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/).default('+08:00'),
})
export type ObConfig = z.infer<typeof configSchema>
type Ctx = ConnectorContext<ObConfig>

/** Where the read API lives under the base URL. */
export const API_PREFIX = '/open-banking/v3.1/aisp'

/**
 * A non-2xx answer as a typed error. Token errors are OAuth2 (`{ error: "invalid_client" }`),
 * resource errors OBIE (`{ Code, Id, Message, Errors: [{ ErrorCode, Message }] }`).
 *
 * | HTTP | code | typed error |
 * |---|---|---|
 * | 400/401 (token) | invalid_client, unauthorized_client | auth-failed |
 * | 401 (resource, after a fresh token) | UK.OBIE.Reauthenticate | auth-expired |
 * | 403 | UK.OBIE.Resource.InvalidConsentStatus, UK.OBIE.Reauthenticate | auth-expired |
 * | 403 | anything else | auth-failed |
 * | 404 | UK.OBIE.Resource.NotFound | not-found |
 * | 429 | (+ Retry-After) | rate-limited |
 * | 5xx | — | unavailable |
 * | 400 | UK.OBIE.Field.Invalid, … | invalid-response |
 *
 * @example
 * throw await errorFor(res, 'GET /accounts', new Date())
 */
export async function errorFor(res: ConnectorResponse, what: string, now: Date): Promise<ConnectorError> {
  let code = ''
  let message = ''
  try {
    const body = (await res.json()) as { error?: unknown; error_description?: unknown; Message?: unknown; Errors?: { ErrorCode?: unknown; Message?: unknown }[] }
    const first = Array.isArray(body.Errors) ? body.Errors[0] : undefined
    code = typeof first?.ErrorCode === 'string' ? first.ErrorCode : typeof body.error === 'string' ? body.error : ''
    message = typeof first?.Message === 'string' ? first.Message : typeof body.error_description === 'string' ? body.error_description : typeof body.Message === 'string' ? body.Message : ''
  } catch {
    // Not an OBIE body (a gateway page): the status decides.
  }
  const detail = `Open Banking ${what}: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? ` (${message})` : ''}`
  if (code === 'invalid_client' || code === 'unauthorized_client' || code === 'invalid_grant') return new AuthFailedError(detail)
  if (res.status === 401 || (res.status === 403 && (code === 'UK.OBIE.Resource.InvalidConsentStatus' || code === 'UK.OBIE.Reauthenticate'))) return new AuthExpiredError(detail)
  if (res.status === 403) return new AuthFailedError(detail)
  if (res.status === 404) return new ResourceNotFoundError(detail)
  if (res.status === 429) return new RateLimitedError(detail, { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now) })
  if (res.status >= 500 || res.status === 408) return new UnavailableError(detail)
  return new InvalidResponseError(detail)
}

const tokenBody = z.object({ access_token: z.string().min(1), token_type: z.string().regex(/^bearer$/i), expires_in: z.number().optional() })

/**
 * One authorised conversation with the bank for the duration of a connector call: a
 * client-credentials token, renewed once if the bank says it expired (401).
 *
 * @example
 * const session = await ObSession.open(ctx)
 * const body = await session.get(`${API_PREFIX}/accounts`)
 */
export class ObSession {
  private token = ''

  private constructor(private readonly ctx: Ctx) {}

  static async open(ctx: Ctx): Promise<ObSession> {
    const session = new ObSession(ctx)
    await session.renew()
    return session
  }

  private async renew(): Promise<void> {
    const { ctx } = this
    const basic = Buffer.from(`${encodeURIComponent(ctx.credentials.clientId ?? '')}:${encodeURIComponent(ctx.credentials.clientSecret ?? '')}`).toString('base64')
    const res = await ctx.fetch(new URL('/oauth2/token', ctx.config.baseUrl).toString(), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: ctx.config.scope }).toString(),
    })
    if (res.status === 401 || res.status === 400) {
      const error = await errorFor(res, 'POST /oauth2/token', ctx.clock.now())
      // The token endpoint refusing the client is a refusal of the credentials, whatever its code.
      throw error.kind === 'auth-expired' || error.kind === 'invalid-response' ? new AuthFailedError(error.message) : error
    }
    if (!res.ok) throw await errorFor(res, 'POST /oauth2/token', ctx.clock.now())
    const parsed = tokenBody.safeParse(await res.json())
    if (!parsed.success) throw new InvalidResponseError(`Open Banking POST /oauth2/token: ${parsed.error.issues[0]!.message}`)
    this.token = parsed.data.access_token
  }

  /**
   * GETs a path under the base URL, or an absolute link the bank gave (`Links.Next`) — only on the
   * bank's own origin: the bearer token is never sent anywhere else.
   */
  async get(pathOrLink: string, query: Record<string, string> = {}): Promise<unknown> {
    const base = new URL(this.ctx.config.baseUrl)
    const url = new URL(pathOrLink, base)
    if (url.origin !== base.origin) throw new InvalidResponseError(`Open Banking: the bank linked to ${url.origin}, not its own ${base.origin}`)
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
    let res = await this.send(url)
    if (res.status === 401) {
      this.ctx.logger.debug('access token refused, renewing it once', { path: url.pathname })
      await this.renew()
      res = await this.send(url)
    }
    if (!res.ok) throw await errorFor(res, `GET ${url.pathname}`, this.ctx.clock.now())
    return res.json()
  }

  private send(url: URL): Promise<ConnectorResponse> {
    return this.ctx.fetch(url.toString(), {
      headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', 'x-fapi-interaction-id': randomUUID(), 'x-fapi-financial-id': this.ctx.credentials.financialId ?? '' },
    })
  }
}

/** The bank's booking-period query parameters (OBIE ignores any time zone in them). */
export function bookingPeriod(from: string, to: string): Record<string, string> {
  return { fromBookingDateTime: `${from}T00:00:00`, toBookingDateTime: `${to}T23:59:59` }
}

/** The bank's calendar day of `now`, at its UTC offset. */
export function bankToday(ctx: Ctx): string {
  const [, sign, hh, mm] = /^([+-])(\d{2}):(\d{2})$/.exec(ctx.config.utcOffset)!
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000
  return new Date(ctx.clock.now().getTime() + offsetMs).toISOString().slice(0, 10)
}
