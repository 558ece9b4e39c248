import { randomBytes } from 'node:crypto'
import { toDecimalString, type ConnectorAccount, type ConnectorTransaction } from '@treasury/shared'
import type { DemoAccount } from '../../../demo/index.js'
import { FaultSet, isMissingDay, json, serveSimulator, type SimulatorRequest, type SimulatorResponse } from '../../sdk/index.js'
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
import { MAX_STATEMENT_DAYS } from './api.js'

/**
 * An ISO 20022 camt bank on 127.0.0.1 (ClearBank/Circle-style reporting API), serving the demo
 * group's accounts at DBS and Deutsche Bank — one API key per bank:
 *
 *   GET  /v1/accounts
 *   POST /v1/statement-requests {accountId, messageType: camt.053, fromDate, toDate}   (≤ 31 closed days)
 *   POST /v1/statement-requests {accountId, messageType: camt.052}                     (the current day)
 *     → 202 {requestId, status: PENDING} + Retry-After   (a one-page statement: 201 READY at once)
 *   GET  /v1/statement-requests/{id} → PENDING (+ Retry-After) | READY {messageId, totalPages} | NO_DATA
 *   GET  /v1/statements/{messageId}/pages/{n} → camt.053.001.08 / camt.052.001.08 XML, GrpHdr/MsgPgntn
 *   X-API-Key + X-Org-Id; errors {error: {code, message}} (see api.ts)
 *
 * A statement is ready `readyAfterMs` after it was requested; messages are kept for the last 5,000
 * requests (older ones answer 404 STATEMENT_NOT_FOUND, as expired statements do). Pages hold whole
 * days (`Stmt`), cut after `pageSize` entries. Faults: transport faults, duplicate-pages (every page
 * listed twice: totalPages doubles), missing-days (days left out of camt.053), auth-failed (401
 * INVALID_API_KEY), auth-expired (401 API_KEY_EXPIRED).
 */

export interface CamtBank {
  bic: string
  orgId: string
}

/** The demo banks served in demo mode. */
export const CAMT_BANKS: Readonly<Record<string, CamtBank>> = {
  bnk_dbs: { bic: 'DBSSSGSG', orgId: 'ZOGSG001' },
  bnk_db: { bic: 'DEUTDEFF', orgId: 'ZOGDE001' },
}
export const DEMO_BANK_IDS: readonly string[] = Object.keys(CAMT_BANKS)

const CONNECTOR_ID = 'dbs-camt'
const KEPT_MESSAGES = 5_000

/** Options of this simulator beyond the demo ones. */
export interface CamtSimulatorOptions extends DemoSimulatorOptions {
  /** How long the bank takes to prepare a statement (default: 5 ms, and one-page statements at once; when set, every statement). */
  readyAfterMs?: number
}

interface Tenant extends CamtBank {
  bankId: string
  bankName: string
  apiKey: string
  accounts: readonly DemoAccount[]
}

interface Request {
  id: string
  tenant: Tenant
  readyAt: number
  messageId: string | null
  /** When the message was created: the latest report time of the days in it. */
  createdAt: string
  pages: string[]
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function amount(value: bigint, currency: string): string {
  return toDecimalString(value < 0n ? -value : value, currency)
}

function creDtTm(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z')
}

const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/

function accountId(id: string): string {
  return IBAN.test(id) ? `<Id><IBAN>${id}</IBAN></Id>` : `<Id><Othr><Id>${escapeXml(id)}</Id></Othr></Id>`
}

function entryXml(e: ConnectorTransaction): string {
  const credit = e.amount >= 0n
  const side = credit ? 'Dbtr' : 'Cdtr'
  const [domain, family, sub] = (e.bankTransactionCode ?? '').split('-')
  const code = domain && family && sub ? `<BkTxCd><Domn><Cd>${domain}</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>${sub}</SubFmlyCd></Fmly></Domn></BkTxCd>` : ''
  const party = e.counterpartyName ? `<${side}><Pty><Nm>${escapeXml(e.counterpartyName)}</Nm></Pty></${side}>` : ''
  const partyAccount = e.counterpartyAccount ? `<${side}Acct>${accountId(e.counterpartyAccount)}</${side}Acct>` : ''
  const agent = e.counterpartyBank
    ? `<RltdAgts><${side}Agt><FinInstnId>${BIC.test(e.counterpartyBank) ? `<BICFI>${e.counterpartyBank}</BICFI>` : `<Nm>${escapeXml(e.counterpartyBank)}</Nm>`}</FinInstnId></${side}Agt></RltdAgts>`
    : ''
  return (
    `<Ntry><Amt Ccy="${e.currency}">${amount(e.amount, e.currency)}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>` +
    `<Sts><Cd>${e.status === 'pending' ? 'PDNG' : 'BOOK'}</Cd></Sts><BookgDt><Dt>${e.bookingDate}</Dt></BookgDt><ValDt><Dt>${e.valueDate}</Dt></ValDt>` +
    (e.bankReference ? `<AcctSvcrRef>${escapeXml(e.bankReference)}</AcctSvcrRef>` : '') +
    code +
    `<NtryDtls><TxDtls><Refs>${e.endToEndId ? `<EndToEndId>${escapeXml(e.endToEndId)}</EndToEndId>` : '<EndToEndId>NOTPROVIDED</EndToEndId>'}</Refs>` +
    (party || partyAccount ? `<RltdPties>${party}${partyAccount}</RltdPties>` : '') +
    agent +
    (e.purpose ? `<RmtInf><Ustrd>${escapeXml(e.purpose)}</Ustrd></RmtInf>` : '') +
    `</TxDtls></NtryDtls></Ntry>`
  )
}

function balanceXml(type: string, value: bigint, currency: string, date: string): string {
  return `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp><Amt Ccy="${currency}">${amount(value, currency)}</Amt><CdtDbtInd>${value < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`
}

/** One day as a camt.053 `Stmt` or camt.052 `Rpt`. */
function statementXml(bank: CamtBank, account: DemoAccount, day: LedgerDay): string {
  const element = day.intraday ? 'Rpt' : 'Stmt'
  const currency = account.currency
  const balances = day.intraday
    ? balanceXml('OPBD', day.opening, currency, day.date) + balanceXml('ITBD', day.closing, currency, day.date) + balanceXml('ITAV', day.available, currency, day.date)
    : balanceXml('OPBD', day.opening, currency, day.date) + balanceXml('CLBD', day.closing, currency, day.date) + balanceXml('CLAV', day.available, currency, day.date)
  return (
    `<${element}><Id>${account.number}-${day.date.replaceAll('-', '')}</Id><CreDtTm>${creDtTm(day.reportedAt)}</CreDtTm>` +
    `<FrToDt><FrDtTm>${day.date}T00:00:00</FrDtTm><ToDtTm>${day.date}T23:59:59</ToDtTm></FrToDt>` +
    `<Acct>${accountId(account.iban ?? account.number)}<Ccy>${currency}</Ccy><Nm>${escapeXml(account.name)}</Nm><Svcr><FinInstnId><BICFI>${bank.bic}</BICFI></FinInstnId></Svcr></Acct>` +
    balances +
    day.entries.map(entryXml).join('') +
    `</${element}>`
  )
}

function documentXml(intraday: boolean, messageId: string, createdAt: string, page: number, last: boolean, body: string): string {
  const [message, version] = intraday ? ['BkToCstmrAcctRpt', 'camt.052.001.08'] : ['BkToCstmrStmt', 'camt.053.001.08']
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:${version}"><${message}>` +
    `<GrpHdr><MsgId>${messageId}</MsgId><CreDtTm>${creDtTm(createdAt)}</CreDtTm><MsgPgntn><PgNb>${page}</PgNb><LastPgInd>${last}</LastPgInd></MsgPgntn></GrpHdr>` +
    `${body}</${message}></Document>`
  )
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

/**
 * Starts the camt bank. `connections` has one per bank (credentials: API key and org id).
 *
 * @example
 * const sim = await startSimulator({ seed: 42, today: '2026-11-20', banks: ['bnk_dbs'], pageSize: 7 })
 */
export async function startSimulator(options: CamtSimulatorOptions = {}): Promise<RunningDemoSimulator> {
  const { seed, ledger, today, banks } = resolveDemoOptions(options, DEMO_BANK_IDS)
  const pageSize = Math.max(1, options.pageSize ?? 500)
  const readyAfterMs = options.readyAfterMs ?? 5
  const faults = new FaultSet(options.faults ?? [])
  const tenants: Tenant[] = banks.map((bankId) => ({
    ...CAMT_BANKS[bankId]!,
    bankId,
    bankName: ledger.bank(bankId).nameEn,
    apiKey: `camt-${CAMT_BANKS[bankId]!.orgId.toLowerCase()}-${seed}`,
    accounts: ledger.accountsOf(bankId),
  }))
  const requests = new Map<string, Request>()
  const messages = new Map<string, Request>()
  const missing = (date: string) => faults.has('missing-days') && isMissingDay(date, today(), faults.param('missing-days'))
  const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): SimulatorResponse => json(status, { error: { code, message } }, headers)
  const retryAfter = String(Math.max(0.001, readyAfterMs / 1000))

  const prepare = (tenant: Tenant, account: DemoAccount, messageType: string, from: string, to: string): { pages: string[]; createdAt: string } => {
    const now = today()
    const intraday = messageType === 'camt.052'
    const days = intraday ? ledger.days(account, now, now, now) : ledger.days(account, from, to, now).filter((d) => !d.intraday && !missing(d.date))
    if (days.length === 0) return { pages: [], createdAt: `${now}T00:00:00.000Z` }
    const groups: LedgerDay[][] = [[]]
    let count = 0
    for (const day of days) {
      if (count > 0 && count + day.entries.length > pageSize) {
        groups.push([])
        count = 0
      }
      groups.at(-1)!.push(day)
      count += day.entries.length
    }
    return { pages: groups.map((group) => group.map((day) => statementXml(tenant, account, day)).join('')), createdAt: days.at(-1)!.reportedAt }
  }

  const statusOf = (request: Request) =>
    request.messageId
      ? { requestId: request.id, status: 'READY', messageId: request.messageId, totalPages: request.pages.length * (faults.has('duplicate-pages') ? 2 : 1) }
      : { requestId: request.id, status: 'NO_DATA' }

  const handle = (req: SimulatorRequest): SimulatorResponse => {
    if (faults.has('auth-expired')) return error(401, 'API_KEY_EXPIRED', 'the API key expired; issue a new one in the portal')
    const tenant = tenants.find((t) => t.apiKey === req.headers['x-api-key'] && t.orgId === req.headers['x-org-id'])
    if (faults.has('auth-failed') || !tenant) return error(401, 'INVALID_API_KEY', 'unknown API key for this organisation')

    if (req.method === 'GET' && req.path === '/v1/accounts') {
      return json(200, {
        accounts: tenant.accounts.map((a) => ({ accountId: a.number, accountNumber: a.number, iban: a.iban, currency: a.currency, name: a.name, bic: tenant.bic, status: a.status.toUpperCase() })),
      })
    }

    if (req.method === 'POST' && req.path === '/v1/statement-requests') {
      let body: { accountId?: unknown; messageType?: unknown; fromDate?: unknown; toDate?: unknown }
      try {
        body = JSON.parse(req.body) as typeof body
      } catch {
        return error(400, 'INVALID_REQUEST', 'the body is not JSON')
      }
      const account = tenant.accounts.find((a) => a.number === body.accountId)
      if (!account) return error(404, 'ACCOUNT_NOT_FOUND', `no account ${String(body.accountId)} for this organisation`)
      let prepared: { pages: string[]; createdAt: string }
      if (body.messageType === 'camt.053') {
        const from = String(body.fromDate ?? '')
        const to = String(body.toDate ?? '')
        if (!DAY.test(from) || !DAY.test(to) || from > to) return error(422, 'DATE_RANGE_INVALID', 'fromDate and toDate are required, fromDate <= toDate')
        if (daysBetween(from, to) > MAX_STATEMENT_DAYS) return error(422, 'DATE_RANGE_INVALID', `at most ${MAX_STATEMENT_DAYS} days per request`)
        prepared = prepare(tenant, account, 'camt.053', from, to)
      } else if (body.messageType === 'camt.052') {
        prepared = prepare(tenant, account, 'camt.052', '', '')
      } else {
        return error(400, 'INVALID_REQUEST', 'messageType is camt.053 or camt.052')
      }
      const id = `SR${randomBytes(8).toString('hex')}`
      // A statement of one page is prepared at once (201 READY); larger ones take readyAfterMs (202 PENDING, poll).
      const { pages, createdAt } = prepared
      const immediate = pages.length <= 1 && options.readyAfterMs === undefined
      const request: Request = { id, tenant, readyAt: immediate ? 0 : Date.now() + readyAfterMs, messageId: pages.length ? `M${randomBytes(8).toString('hex')}` : null, createdAt, pages }
      requests.set(id, request)
      if (request.messageId) messages.set(request.messageId, request)
      // Statements are kept for a while, then expire.
      if (requests.size > KEPT_MESSAGES) {
        const oldest = requests.keys().next().value!
        const old = requests.get(oldest)!
        requests.delete(oldest)
        if (old.messageId) messages.delete(old.messageId)
      }
      if (immediate) return json(201, statusOf(request))
      return json(202, { requestId: id, status: 'PENDING' }, { 'retry-after': retryAfter })
    }

    const poll = /^\/v1\/statement-requests\/([^/]+)$/.exec(req.path)
    if (req.method === 'GET' && poll) {
      const request = requests.get(decodeURIComponent(poll[1]!))
      if (!request || request.tenant !== tenant) return error(404, 'REQUEST_NOT_FOUND', 'no such statement request')
      if (Date.now() < request.readyAt) return json(200, { requestId: request.id, status: 'PENDING' }, { 'retry-after': retryAfter })
      return json(200, statusOf(request))
    }

    const download = /^\/v1\/statements\/([^/]+)\/pages\/(\d+)$/.exec(req.path)
    if (req.method === 'GET' && download) {
      const request = messages.get(decodeURIComponent(download[1]!))
      if (!request || request.tenant !== tenant) return error(404, 'STATEMENT_NOT_FOUND', 'no such statement (expired?)')
      const twice = faults.has('duplicate-pages')
      const total = request.pages.length * (twice ? 2 : 1)
      const page = Number(download[2])
      if (page < 1 || page > total) return error(404, 'STATEMENT_NOT_FOUND', `the message has ${total} pages`)
      const body = request.pages[twice ? Math.ceil(page / 2) - 1 : page - 1]!
      const intraday = body.startsWith('<Rpt>')
      return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: documentXml(intraday, request.messageId!, request.createdAt, page, page === total, body) }
    }
    return error(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`)
  }

  const server = await serveSimulator({
    handle,
    faults,
    ...(options.port !== undefined ? { port: options.port } : {}),
    transport: {
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      errorBody: (kind) =>
        JSON.stringify({ error: kind === 'rate-limit' ? { code: 'RATE_LIMITED', message: 'too many requests' } : { code: 'SERVICE_UNAVAILABLE', message: kind } }),
    },
  })

  const connections: DemoSimulatorConnection[] = tenants.map((tenant) => {
    const must = (ref: string) => {
      const account = tenant.accounts.find((a) => a.number === ref)
      if (!account) throw new Error(`${CONNECTOR_ID} simulator: no account ${ref} at ${tenant.bankId}`)
      return account
    }
    const accounts = (): ConnectorAccount[] => tenant.accounts.map((a) => ({ ref: a.number, number: a.number, iban: a.iban, currency: a.currency, name: a.name }))
    return {
      bankId: tenant.bankId,
      name: `${tenant.bankName} · camt (${CONNECTOR_ID})`,
      credentials: { apiKey: tenant.apiKey, orgId: tenant.orgId },
      config: { baseUrl: server.url },
      truth: makeTruth(
        today,
        accounts,
        (ref, from, to) => {
          const account = must(ref)
          return ledger.days(account, from, to, today()).flatMap((d) => ledgerBalances(d, account.currency))
        },
        // camt drops "NOTPROVIDED" as an end-to-end id: it means none.
        (ref, from, to) =>
          ledger
            .days(must(ref), from, to, today())
            .flatMap((d) => d.entries)
            .map((e) => ({ ...e, endToEndId: e.endToEndId === 'NOTPROVIDED' ? null : e.endToEndId })),
      ),
    }
  })
  return runningDemoSimulator(CONNECTOR_ID, server, faults, connections)
}
