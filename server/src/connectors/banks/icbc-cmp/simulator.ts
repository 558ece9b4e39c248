import { createHash, randomBytes } from 'node:crypto'
import type { ConnectorAccount, ConnectorTransaction } from '@treasury/shared'
import { child, parseXml, textAt, type XmlNode } from '../../../formats/xml.js'
import type { DemoAccount } from '../../../demo/index.js'
import { FaultSet, isMissingDay, serveSimulator, type SimulatorRequest, type SimulatorResponse } from '../../sdk/index.js'
import {
  ledgerBalances,
  makeTruth,
  resolveDemoOptions,
  type DemoSimulatorConnection,
  type DemoSimulatorOptions,
  type LedgerDay,
  runningDemoSimulator,
  type RunningDemoSimulator,
} from '../demo.js'
import { fields, MAX_BALANCE_DAYS, MAX_DETAIL_DAYS, SERVLET_PATH, signRequest } from './api.js'
import { encodeGbk } from './gbk.js'
import { CMP_CODE_BY_CURRENCY } from './transform.js'

/**
 * A 银企直联 front-end machine (前置机) on 127.0.0.1 serving the demo group's accounts at the
 * Chinese banks, one "bank" per CNAPS code in the envelope's `BankCode`:
 *
 *   POST /servlet/ICBCCMPAPIReqServlet?userID=…&PackageID=…&SendTime=…   body: GBK XML
 *   <CMS><eb><pub>TransCode CIS BankCode ID fSeqno TranDate TranTime SessionId Sign</pub><in>…</in></eb></CMS>
 *
 * Function codes: LOGIN, QACCLIST, QACCBAL (current, per-record iRetCode), QHISBAL (≤ 31 closed
 * days), QHISD (≤ 100 closed days, paged by NextTag), QPD (today, paged by NextTag, Status 1 = 在途).
 * Answers are GBK XML with `RetCode`/`RetMsg` (see api.ts for the codes). Faults: the SDK's transport
 * faults, plus duplicate-pages (a NextTag that repeats the page once), missing-days (days left out of
 * QHISBAL/QHISD), auth-failed (LOGIN → -6), auth-expired (LOGIN → -11: the certificate expired).
 */

/**
 * The demo banks this simulator serves in demo mode, with their CNAPS head-office codes. The first
 * is the simulator's `connection` (what the conformance kit runs against): CMB, 13 accounts.
 */
export const CMP_BANK_CODES: Readonly<Record<string, string>> = {
  bnk_cmb: '308',
  bnk_icbc: '102',
  bnk_abc: '103',
  bnk_ccb: '105',
  bnk_bocom: '301',
  bnk_nbcb: '313',
}
export const DEMO_BANK_IDS: readonly string[] = Object.keys(CMP_BANK_CODES)

const CONNECTOR_ID = 'icbc-cmp'
const gbk = new TextDecoder('gbk')
const SESSION_MS = 10 * 60_000

interface Tenant {
  bankId: string
  bankName: string
  code: string
  cis: string
  loginName: string
  password: string
  accounts: readonly DemoAccount[]
}

interface Session {
  key: string
  tenant: Tenant
  expires: number
}

const compact = (date: string) => date.replaceAll('-', '')

function isoOf(text: string | undefined): string | null {
  if (!text || !/^\d{8}$/.test(text)) return null
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`
  return Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) ? null : iso
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

/** ISO-8601 UTC → Beijing `yyyyMMddHHmmss`. */
function beijing(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

interface Tag {
  o: number
  q: string
  r?: 1
}

function queryHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('base64url').slice(0, 12)
}

function encodeTag(tag: Tag): string {
  return Buffer.from(JSON.stringify(tag)).toString('base64url')
}

function decodeTag(text: string): Tag | null {
  try {
    const tag = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Tag
    return typeof tag.o === 'number' && tag.o >= 0 && typeof tag.q === 'string' ? tag : null
  } catch {
    return null
  }
}

/** An entry with the running booked balance after it (what a detail record shows). */
interface Detail {
  entry: ConnectorTransaction
  balance: bigint
  index: number
}

function detailsOf(days: readonly LedgerDay[]): Detail[] {
  const out: Detail[] = []
  for (const day of days) {
    let running = day.opening
    day.entries.forEach((entry, index) => {
      if (entry.status === 'booked') running += entry.amount
      out.push({ entry, balance: running, index })
    })
  }
  return out
}

/** One detail record (`rd`) of QHISD/QPD. */
function detailRecord({ entry: e, balance, index }: Detail, withStatus: boolean): string {
  const seconds = 8 * 3600 + 30 * 60 + ((index * 397) % 36_000)
  const time = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0')).join('')
  return `<rd>${fields({
    Date: compact(e.bookingDate),
    Time: time,
    ValueDate: compact(e.valueDate),
    Drcrf: e.amount < 0n ? '1' : '2',
    Amount: (e.amount < 0n ? -e.amount : e.amount).toString(),
    Balance: balance.toString(),
    RecipAccNo: e.counterpartyAccount ?? '',
    RecipName: e.counterpartyName ?? '',
    RecipBkName: e.counterpartyBank ?? '',
    Summary: e.purpose ?? '',
    Ref: e.bankReference ?? '',
    PayRef: e.endToEndId ?? '',
    BusCode: e.bankTransactionCode ?? '',
    ...(withStatus ? { Status: e.status === 'pending' ? '1' : '0' } : {}),
  })}</rd>`
}

/**
 * Starts the front-end machine. `connections` has one per Chinese demo bank (credentials: login
 * name and password; config: base URL, bank code, CIS).
 *
 * @example
 * const sim = await startSimulator({ seed: 42, today: '2026-11-20', banks: ['bnk_icbc'] })
 */
export async function startSimulator(options: DemoSimulatorOptions = {}): Promise<RunningDemoSimulator> {
  const { seed, ledger, today, banks } = resolveDemoOptions(options, DEMO_BANK_IDS)
  const pageSize = Math.max(1, options.pageSize ?? 500)
  const faults = new FaultSet(options.faults ?? [])
  const tenants = new Map<string, Tenant>()
  for (const bankId of banks) {
    const code = CMP_BANK_CODES[bankId]!
    const bank = ledger.bank(bankId)
    tenants.set(code, {
      bankId,
      bankName: bank.nameZh,
      code,
      cis: `${code}0${String(seed).padStart(6, '0')}${code}`,
      loginName: `zog-${code}-treasury`,
      password: `cmp-${code}-${seed}`,
      accounts: ledger.accountsOf(bankId),
    })
  }
  const sessions = new Map<string, Session>()
  const missing = (date: string) => faults.has('missing-days') && isMissingDay(date, today(), faults.param('missing-days'))

  const reply = (pub: Record<string, string>, retCode: string, retMsg: string, out = ''): SimulatorResponse => {
    const xml =
      '<?xml version="1.0" encoding="GBK"?><CMS><eb><pub>' +
      fields({ ...pub, RetCode: retCode, RetMsg: retMsg }) +
      `</pub>${retCode === '0' ? `<out>${out}</out>` : ''}</eb></CMS>`
    return { status: 200, headers: { 'content-type': 'text/xml; charset=GBK' }, body: encodeGbk(xml) }
  }

  const findAccount = (tenant: Tenant, number: string | undefined) => tenant.accounts.find((a) => a.number === number)

  /** Serves one page of detail records (only that page is rendered); the NextTag encodes the offset and the query. */
  const page = (details: Detail[], withStatus: boolean, tagText: string, query: string): { out: string } | { error: [string, string] } => {
    const tag = tagText ? decodeTag(tagText) : { o: 0, q: query }
    if (!tag || tag.q !== query || tag.o > details.length) return { error: ['-8', '续传标志无效'] }
    const slice = details.slice(tag.o, tag.o + pageSize)
    let next = ''
    if (faults.has('duplicate-pages') && !tag.r && slice.length > 0) next = encodeTag({ ...tag, r: 1 })
    else if (tag.o + pageSize < details.length) next = encodeTag({ o: tag.o + pageSize, q: query })
    return { out: `<NextTag>${next}</NextTag><TotalNum>${details.length}</TotalNum>${slice.map((d) => detailRecord(d, withStatus)).join('')}` }
  }

  const handle = (req: SimulatorRequest): SimulatorResponse => {
    if (req.method !== 'POST' || req.path !== SERVLET_PATH) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' }
    const text = gbk.decode(req.bodyBytes)
    let root: XmlNode
    try {
      root = parseXml(text)
    } catch {
      return reply({}, '-3', '报文格式错误')
    }
    const pubNode = child(child(child(root, 'CMS'), 'eb'), 'pub')
    const p = (name: string) => textAt(pubNode, name) ?? ''
    const transCode = p('TransCode')
    const pub = { TransCode: transCode, CIS: p('CIS'), BankCode: p('BankCode'), ID: p('ID'), fSeqno: p('fSeqno'), TranDate: p('TranDate'), TranTime: p('TranTime') }
    const inner = /<in>([\s\S]*)<\/in>/.exec(text)?.[1] ?? ''
    const input = child(child(child(root, 'CMS'), 'eb'), 'in')
    const signed = [transCode, pub.CIS, pub.BankCode, pub.ID, pub.fSeqno, pub.TranDate, pub.TranTime, p('SessionId')]
    const tenant = tenants.get(pub.BankCode)

    if (transCode === 'LOGIN') {
      if (!tenant || tenant.cis !== pub.CIS || tenant.loginName !== pub.ID || faults.has('auth-failed')) return reply(pub, '-6', '用户名或密码错误')
      if (faults.has('auth-expired')) return reply(pub, '-11', '证书已过期，请更新证书')
      if (textAt(input, 'Password') !== tenant.password || p('Sign') !== signRequest(tenant.password, signed, inner)) return reply(pub, '-6', '用户名或密码错误')
      const now = Date.now()
      for (const [id, s] of sessions) if (s.expires < now) sessions.delete(id)
      const id = randomBytes(12).toString('hex')
      const key = randomBytes(16).toString('hex')
      sessions.set(id, { key, tenant, expires: now + SESSION_MS })
      return reply(pub, '0', '交易成功', fields({ SessionId: id, SessionKey: key, ServerTime: beijing(new Date().toISOString()) }))
    }

    const session = sessions.get(p('SessionId'))
    if (!session || session.expires < Date.now() || session.tenant !== tenant) return reply(pub, '-4', '未登录或会话已超时')
    if (p('Sign') !== signRequest(session.key, signed, inner)) return reply(pub, '-10', '签名错误')
    const day = today()
    const field = (name: string) => textAt(input, name)

    switch (transCode) {
      case 'QACCLIST':
        return reply(
          pub,
          '0',
          '交易成功',
          `<TotalNum>${session.tenant.accounts.length}</TotalNum>` +
            session.tenant.accounts
              .map((a) => `<rd>${fields({ AccNo: a.number, AccName: a.name, CurrType: CMP_CODE_BY_CURRENCY[a.currency] ?? '', AccType: a.type, AccStatus: a.status })}</rd>`)
              .join(''),
        )
      case 'QACCBAL': {
        const rows = (input?.children ?? []).filter((c) => c.name === 'rd').map((rd) => {
          const number = textAt(rd, 'AccNo') ?? ''
          const account = findAccount(session.tenant, number)
          if (!account) return `<rd>${fields({ AccNo: number, iRetCode: '-7', iRetMsg: '账号不存在或未签约' })}</rd>`
          const current = ledger.days(account, day, day, day)[0]
          if (!current) return `<rd>${fields({ AccNo: number, CurrType: CMP_CODE_BY_CURRENCY[account.currency] ?? '', iRetCode: '-12', iRetMsg: '暂无当日数据' })}</rd>`
          return `<rd>${fields({
            AccNo: number,
            CurrType: CMP_CODE_BY_CURRENCY[account.currency] ?? '',
            LastDayBal: current.opening.toString(),
            Balance: current.closing.toString(),
            UsableBalance: current.available.toString(),
            QueryTime: beijing(current.reportedAt),
            iRetCode: '0',
            iRetMsg: '',
          })}</rd>`
        })
        return reply(pub, '0', '交易成功', `<TotalNum>${rows.length}</TotalNum>${rows.join('')}`)
      }
      case 'QHISBAL':
      case 'QHISD': {
        const account = findAccount(session.tenant, field('AccNo'))
        if (!account) return reply(pub, '-7', '账号不存在或未签约')
        const from = isoOf(field('BeginDate'))
        const to = isoOf(field('EndDate'))
        const limit = transCode === 'QHISBAL' ? MAX_BALANCE_DAYS : MAX_DETAIL_DAYS
        if (!from || !to || from > to) return reply(pub, '-3', '起止日期错误')
        if (daysBetween(from, to) > limit) return reply(pub, '-3', `查询区间不能超过${limit}天`)
        // History is what is closed: the bank's today is served by QACCBAL/QPD.
        const days = ledger.days(account, from, to, day).filter((d) => !d.intraday && !missing(d.date))
        const head = fields({ AccNo: account.number, CurrType: CMP_CODE_BY_CURRENCY[account.currency] ?? '' })
        if (transCode === 'QHISBAL') {
          const rows = days.map(
            (d) =>
              `<rd>${fields({ Date: compact(d.date), LastDayBal: d.opening.toString(), DayBal: d.closing.toString(), UsableBal: d.available.toString(), UpdTime: beijing(d.reportedAt) })}</rd>`,
          )
          return reply(pub, '0', '交易成功', `${head}<TotalNum>${rows.length}</TotalNum>${rows.join('')}`)
        }
        const result = page(detailsOf(days), false, field('NextTag') ?? '', queryHash(account.number, from, to))
        return 'error' in result ? reply(pub, ...result.error) : reply(pub, '0', '交易成功', head + result.out)
      }
      case 'QPD': {
        const account = findAccount(session.tenant, field('AccNo'))
        if (!account) return reply(pub, '-7', '账号不存在或未签约')
        const days = ledger.days(account, day, day, day)
        const head = fields({ AccNo: account.number, CurrType: CMP_CODE_BY_CURRENCY[account.currency] ?? '' })
        const result = page(detailsOf(days), true, field('NextTag') ?? '', queryHash(account.number, day))
        return 'error' in result ? reply(pub, ...result.error) : reply(pub, '0', '交易成功', head + result.out)
      }
      default:
        return reply(pub, '-3', `不支持的交易代码 ${transCode}`)
    }
  }

  const server = await serveSimulator({
    handle,
    faults,
    ...(options.port !== undefined ? { port: options.port } : {}),
    transport: {
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      errorContentType: 'text/xml; charset=GBK',
      errorBody: (kind) => {
        const [code, message] = kind === 'rate-limit' ? ['-5', 'too frequent'] : kind === 'down' ? ['-1', 'front-end machine offline'] : ['-9', 'internal error']
        return `<?xml version="1.0" encoding="GBK"?><CMS><eb><pub><RetCode>${code}</RetCode><RetMsg>${message}</RetMsg></pub></eb></CMS>`
      },
    },
  })

  const connections: DemoSimulatorConnection[] = [...tenants.values()].map((tenant) => {
    const accountsOf = (): ConnectorAccount[] => tenant.accounts.map((a) => ({ ref: a.number, number: a.number, iban: null, currency: a.currency, name: a.name }))
    const must = (ref: string) => {
      const account = findAccount(tenant, ref)
      if (!account) throw new Error(`${CONNECTOR_ID} simulator: no account ${ref} at ${tenant.bankId}`)
      return account
    }
    return {
      bankId: tenant.bankId,
      name: `${tenant.bankName} · 银企直联 (${CONNECTOR_ID})`,
      credentials: { loginName: tenant.loginName, password: tenant.password },
      config: { baseUrl: server.url, bankCode: tenant.code, cis: tenant.cis },
      truth: makeTruth(
        today,
        accountsOf,
        (ref, from, to) => {
          const account = must(ref)
          return ledger.days(account, from, to, today()).flatMap((d) => ledgerBalances(d, account.currency))
        },
        (ref, from, to) => ledger.days(must(ref), from, to, today()).flatMap((d) => d.entries),
      ),
    }
  })
  return runningDemoSimulator(CONNECTOR_ID, server, faults, connections)
}
