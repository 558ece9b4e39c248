import { createHmac, randomBytes } from 'node:crypto'
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
import { encodeGbk } from './gbk.js'
import { readEnvelope, type CmpEnvelope } from './transform.js'

/**
 * The 银企直联 front-end machine's HTTP interface: one servlet, one XML envelope per function code
 * (`TransCode`), GBK both ways, a session from `LOGIN`, every request signed with the session key.
 * This bank's return codes (`RetCode`) are mapped onto the typed errors here and nowhere else.
 */

/**
 * Connection settings: the front-end machine's URL, the bank's code (CNAPS head-office code: 102
 * ICBC, 103 ABC, 105 CCB, 301 BOCOM, 308 CMB, 313 Bank of Ningbo) and the customer number (CIS).
 */
export const configSchema = z.object({
  baseUrl: z.string().url(),
  bankCode: z.string().regex(/^\d{3}$/, 'expected the bank’s 3-digit code, e.g. "102"'),
  cis: z.string().min(1).max(32),
  /** Where the bank's day turns (decides when "today" needs the intraday queries). */
  timeZone: z.string().default('Asia/Shanghai'),
})
export type CmpConfig = z.infer<typeof configSchema>
type Ctx = ConnectorContext<CmpConfig>

/** Days one `QHISBAL` may span, and one `QHISD` (CMB's history balance allows only 31: a one-line change). */
export const MAX_BALANCE_DAYS = 100
export const MAX_DETAIL_DAYS = 100

/**
 * GB18030 is a superset of GBK: every answer is read with it (some machines slip in GB18030-only
 * characters). A decoder without `stream` keeps nothing between calls, so one serves them all.
 */
const gb18030 = new TextDecoder('gb18030')

/** The servlet every function code is posted to. */
export const SERVLET_PATH = '/servlet/ICBCCMPAPIReqServlet'

const RET_MESSAGES: Readonly<Record<string, string>> = {
  '-1': '提交失败 submit failed',
  '-2': '执行失败 execution failed',
  '-3': '报文格式错误 request format error',
  '-4': '未登录或会话已超时 not logged in / session timed out',
  '-5': '交易过于频繁 too frequent',
  '-6': '用户名或密码错误 login refused',
  '-7': '账号不存在或未签约 account unknown or not enrolled',
  '-8': '续传标志无效 continuation tag invalid or expired',
  '-9': '其他错误 other error',
  '-10': '签名错误 signature invalid',
  '-11': '证书已过期 certificate expired',
}

/**
 * A `RetCode` ≠ 0 as one of the typed errors. `-4` (session lost) is retried once with a fresh
 * login by {@link CmpSession} before it surfaces as auth-expired.
 *
 * @example
 * errorForRetCode('-5', '交易过于频繁', 'QHISD') // RateLimitedError
 */
export function errorForRetCode(code: string, message: string, what: string): ConnectorError {
  const detail = `银企直联 ${what}: RetCode ${code} ${message || RET_MESSAGES[code] || ''}`.trim()
  switch (code) {
    case '-4':
    case '-11':
      return new AuthExpiredError(detail)
    case '-6':
    case '-10':
      return new AuthFailedError(detail)
    case '-5':
      return new RateLimitedError(detail, { retryAfterMs: null })
    case '-7':
    case '-8':
      return new ResourceNotFoundError(detail)
    case '-3':
      return new InvalidResponseError(detail)
    default:
      // -1, -2, -9 and codes this connector does not know: the bank failed for now.
      return new UnavailableError(detail)
  }
}

/** Non-200 HTTP answers of the front-end machine (it normally answers 200 with a RetCode). */
export function errorForHttp(res: ConnectorResponse, what: string, now: Date): ConnectorError {
  const detail = `银企直联 ${what}: HTTP ${res.status}`
  if (res.status === 429) return new RateLimitedError(`${detail} (交易过于频繁)`, { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now) })
  if (res.status === 401 || res.status === 403) return new AuthFailedError(`${detail} (front-end machine refused this client)`)
  if (res.status >= 500 || res.status === 408) return new UnavailableError(detail)
  return new InvalidResponseError(`${detail} (not an answer of the front-end machine)`)
}

/** Escapes text for an XML element. */
export function xmlText(value: string): string {
  return /[&<>]/.test(value) ? value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : value
}

/** `<A>1</A><B>2</B>` from pairs (values escaped). Every request and detail record is built with it, hence the plain loop. */
export function fields(values: Record<string, string>): string {
  let xml = ''
  for (const name in values) xml += `<${name}>${xmlText(values[name]!)}</${name}>`
  return xml
}

const formats = new Map<string, { intl: Intl.DateTimeFormat; second: number; date: string; time: string }>()

/** Beijing (or `timeZone`) date and time parts of an instant: yyyyMMdd, HHmmssSSS. */
export function localParts(now: Date, timeZone: string): { date: string; time: string } {
  let format = formats.get(timeZone)
  if (!format) {
    // Building a formatter costs about a millisecond; one per time zone is kept, and its last answer.
    format = { intl: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }), second: NaN, date: '', time: '' }
    formats.set(timeZone, format)
  }
  const second = Math.floor(now.getTime() / 1000)
  if (second !== format.second) {
    const parts = Object.fromEntries(format.intl.formatToParts(now).map((p) => [p.type, p.value]))
    format.second = second
    format.date = `${parts.year}${parts.month}${parts.day}`
    format.time = `${parts.hour}${parts.minute}${parts.second}`
  }
  return { date: format.date, time: `${format.time}${String(now.getUTCMilliseconds()).padStart(3, '0')}` }
}

/** The bank's calendar day of `now` as YYYY-MM-DD. */
export function bankToday(ctx: Ctx): string {
  const { date } = localParts(ctx.clock.now(), ctx.config.timeZone)
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`
}

/**
 * The signature of a request: HMAC-SHA256 (hex) with the session key over the `pub` fields and the
 * raw `<in>` content, joined by "|". `LOGIN` signs with the password (there is no session yet).
 *
 * @example
 * signRequest('k', ['QHISD', 'CIS', '102', 'user', 'seq', '20261120', '103015000', 'sid'], '<AccNo>1</AccNo>')
 */
export function signRequest(key: string, pub: readonly string[], inner: string): string {
  return createHmac('sha256', key).update([...pub, inner].join('|')).digest('hex')
}

/**
 * One logged-in conversation with the front-end machine, for the duration of one connector call
 * (connectors keep no state between calls, so every call logs in first).
 *
 * @example
 * const session = await CmpSession.open(ctx)
 * const envelope = await session.call('QACCLIST', '')
 */
export class CmpSession {
  private id = ''
  private key = ''
  /** fSeqno must be unique per request: a random prefix per session and a counter. */
  private readonly prefix = randomBytes(3).toString('hex')
  private sequence = 0

  private constructor(private readonly ctx: Ctx) {}

  static async open(ctx: Ctx): Promise<CmpSession> {
    const session = new CmpSession(ctx)
    await session.login()
    return session
  }

  private async login(): Promise<void> {
    const password = this.ctx.credentials.password ?? ''
    const envelope = await this.post('LOGIN', fields({ Password: password }), password)
    if (envelope.retCode !== '0') throw errorForRetCode(envelope.retCode, envelope.retMsg, 'LOGIN')
    const out = envelope.out
    const id = out?.children.find((c) => c.name === 'SessionId')?.text.trim()
    const key = out?.children.find((c) => c.name === 'SessionKey')?.text.trim()
    if (!id || !key) throw new InvalidResponseError('银企直联 LOGIN: no SessionId/SessionKey in a successful answer')
    this.id = id
    this.key = key
  }

  /**
   * Posts one function code and returns its successful answer; any RetCode ≠ 0 is thrown as a
   * typed error, after one fresh login if the session was lost (-4).
   */
  async call(transCode: string, inner: string): Promise<CmpEnvelope> {
    let envelope = await this.post(transCode, inner, this.key)
    if (envelope.retCode === '-4') {
      this.ctx.logger.debug('session lost, logging in again', { transCode })
      await this.login()
      envelope = await this.post(transCode, inner, this.key)
    }
    if (envelope.retCode !== '0') throw errorForRetCode(envelope.retCode, envelope.retMsg, transCode)
    return envelope
  }

  private async post(transCode: string, inner: string, key: string): Promise<CmpEnvelope> {
    const { ctx } = this
    const login = ctx.credentials.loginName ?? ''
    const { date, time } = localParts(ctx.clock.now(), ctx.config.timeZone)
    const fSeqno = `${date}${time}${this.prefix}${String(++this.sequence).padStart(4, '0')}`
    const pub = [transCode, ctx.config.cis, ctx.config.bankCode, login, fSeqno, date, time, this.id]
    const sign = signRequest(key, pub, inner)
    const xml =
      '<?xml version="1.0" encoding="GBK"?><CMS><eb><pub>' +
      fields({ TransCode: transCode, CIS: ctx.config.cis, BankCode: ctx.config.bankCode, ID: login, fSeqno, TranDate: date, TranTime: time, SessionId: this.id, Sign: sign }) +
      `</pub><in>${inner}</in></eb></CMS>`
    const url = new URL(SERVLET_PATH, ctx.config.baseUrl)
    url.searchParams.set('userID', login)
    url.searchParams.set('PackageID', fSeqno)
    url.searchParams.set('SendTime', `${date}${time}`)
    const res = await ctx.fetch(url.toString(), { method: 'POST', headers: { 'content-type': 'application/xml; charset=GBK' }, body: encodeGbk(xml) })
    if (res.status !== 200) throw errorForHttp(res, transCode, ctx.clock.now())
    const text = gb18030.decode(new Uint8Array(await res.arrayBuffer()))
    return readEnvelope(text)
  }
}
