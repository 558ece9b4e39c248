import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto'
import type { ConnectorAccount, ConnectorBalance, ConnectorTransaction } from '@treasury/shared'
import type { DemoAccount } from '../../../demo/index.js'
import { FaultSet, isMissingDay, json, serveSimulator, type SimulatorRequest, type SimulatorResponse } from '../../sdk/index.js'
import {
  ledgerBalances,
  makeTruth,
  resolveDemoOptions,
  squeezeText,
  type DemoSimulatorConnection,
  type DemoSimulatorOptions,
  type LedgerDay,
  runningDemoSimulator,
  type RunningDemoSimulator,
} from '../demo.js'
import { MAX_REPORT_DAYS, signingString } from './api.js'

/**
 * A BAI2 reporting bank on 127.0.0.1 (CitiConnect / J.P. Morgan style), serving the demo group's
 * accounts at Citibank Singapore:
 *
 *   GET /v1/accounts
 *   GET /v1/reports/bai2?accountNumber=&type=prior-day&startDate=&endDate=&page=   (≤ 31 closed days)
 *   GET /v1/reports/bai2?accountNumber=&type=current-day&page=                     (today so far)
 *   X-Client-Id, X-Timestamp, X-Signature (Ed25519 over "GET\n<path?query>\n<timestamp>")
 *
 * Each page is a complete BAI2 file (01 … 99) with one 02 group per as-of day (prior-day: modifier 2,
 * 010/015/045 + 100/400 summaries; current-day: modifier 3, 010/030/060), `X-Total-Pages` says how
 * many; pages hold whole days, cut after `pageSize` details. Detail text is keyed wire text
 * (`/ORG/ or /BNF/ name /ACC/ /BNK/ /OBI/`), continued in 88 records past 80 characters; the customer
 * reference carries the end-to-end id. BAI2 has no pending entries: today's pending ones are not
 * reported. The demo's Citi feed stops two days before the end date (the stale bank): those days
 * are simply not there. Faults: transport faults, duplicate-pages (every page twice), missing-days,
 * auth-failed (401 SIGNATURE_INVALID), auth-expired (401 CERTIFICATE_EXPIRED).
 */

export interface Bai2Bank {
  bic: string
  clientId: string
  /** The bank's UTC offset: as-of times are local. */
  utcOffset: string
}

/** The demo banks served in demo mode. */
export const BAI2_BANKS: Readonly<Record<string, Bai2Bank>> = {
  bnk_citi: { bic: 'CITISGSG', clientId: 'ZOG-SG-TREASURY', utcOffset: '+08:00' },
}
export const DEMO_BANK_IDS: readonly string[] = Object.keys(BAI2_BANKS)

const CONNECTOR_ID = 'citi-bai2'

interface Tenant extends Bai2Bank {
  bankId: string
  bankName: string
  publicKey: KeyObject
  privateKeyPem: string
  accounts: readonly DemoAccount[]
}

const yymmdd = (date: string) => date.slice(2).replaceAll('-', '')

function offsetMs(offset: string): number {
  const [, sign, hh, mm] = /^([+-])(\d{2}):(\d{2})$/.exec(offset)!
  return (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000
}

/** A day's as-of time (HHMM, local) and the instant a reader gets back from it (minutes only). */
export function asOf(day: LedgerDay, utcOffset: string): { hhmm: string; instant: Date } {
  const local = new Date(Date.parse(day.reportedAt) + offsetMs(utcOffset)).toISOString()
  const hhmm = local.slice(0, 10) === day.date ? `${local.slice(11, 13)}${local.slice(14, 16)}` : '2400'
  const time = hhmm === '2400' ? '23:59' : `${hhmm.slice(0, 2)}:${hhmm.slice(2)}`
  return { hhmm, instant: new Date(`${day.date}T${time}:00${utcOffset}`) }
}

/** The BAI type code of an entry: its ISO code's nearest BAI detail type, on the side of its sign. */
export function baiType(e: Pick<ConnectorTransaction, 'amount' | 'bankTransactionCode'>): string {
  const code = e.bankTransactionCode ?? ''
  const credit = e.amount >= 0n
  if (code === 'PMNT-ICDT-SALA') return credit ? '195' : '455'
  if (code.startsWith('PMNT-RCDT') || code.startsWith('PMNT-ICDT')) return credit ? '195' : '495'
  if (code.startsWith('PMNT-IDDT')) return credit ? '165' : '451'
  if (code === 'ACMT-MDOP-CHRG') return credit ? '399' : '698'
  if (code === 'ACMT-MCOP-INTR') return credit ? '354' : '699'
  if (code.startsWith('CAMT-ACCB')) return credit ? '275' : '575'
  return credit ? '399' : '699'
}

function wireText(e: ConnectorTransaction): string {
  const parts: string[] = []
  if (e.counterpartyName) parts.push(`/${e.amount >= 0n ? 'ORG' : 'BNF'}/${e.counterpartyName}`)
  if (e.counterpartyAccount) parts.push(`/ACC/${e.counterpartyAccount}`)
  if (e.counterpartyBank) parts.push(`/BNK/${e.counterpartyBank}`)
  if (e.purpose) parts.push(`/OBI/${e.purpose}`)
  return parts.join('').replace(/\s+/g, ' ').trim()
}

/** A 16 record with its text packed into 80-character physical records (88 continuations). */
function detailRecords(e: ConnectorTransaction): string[] {
  const abs = e.amount < 0n ? -e.amount : e.amount
  const funds = e.valueDate !== e.bookingDate ? `V,${yymmdd(e.valueDate)},` : '0'
  const head = `16,${baiType(e)},${abs},${funds},${e.bankReference ?? ''},${e.endToEndId ?? ''},`
  const words = wireText(e).split(' ').filter(Boolean)
  const lines: string[] = []
  let line = head
  let text = ''
  let capacity = 80 - head.length - 1
  if (capacity < 12) {
    lines.push(`${head}/`)
    line = '88,'
    capacity = 76
  }
  for (const word of words) {
    const candidate = text ? `${text} ${word}` : word
    if (candidate.length <= capacity || text === '') text = candidate
    else {
      lines.push(`${line}${text}/`)
      line = '88,'
      capacity = 76
      text = word
    }
  }
  lines.push(`${line}${text}/`)
  return lines
}

/** One BAI2 file: a group per day, one account. */
export function renderBai2(bank: Bai2Bank, receiver: string, account: DemoAccount, days: readonly LedgerDay[], fileId: string, intraday: boolean, today: string): string {
  const latest = days.at(-1)
  // Created when the latest day was reported; a file with no day in it, at the start of today.
  const created = latest ? new Date(Date.parse(latest.reportedAt) + offsetMs(bank.utcOffset)).toISOString() : `${today}T00:00:00.000Z`
  const lines = [`01,${bank.bic},${receiver},${yymmdd(created.slice(0, 10))},${created.slice(11, 13)}${created.slice(14, 16)},${fileId},,,2/`]
  let fileTotal = 0n
  for (const day of days) {
    const booked = day.entries.filter((e) => e.status === 'booked')
    const credits = booked.filter((e) => e.amount >= 0n)
    const debits = booked.filter((e) => e.amount < 0n)
    const sum = (list: ConnectorTransaction[]) => list.reduce((s, e) => s + (e.amount < 0n ? -e.amount : e.amount), 0n)
    const [ledger, available] = intraday ? ['030', '060'] : ['015', '045']
    const summary = [['010', day.opening, ''], [ledger, day.closing, ''], [available, day.available, ''], ['100', sum(credits), String(credits.length)], ['400', sum(debits), String(debits.length)]] as const
    const accountLines = [`03,${account.number},${account.currency},${summary.map(([type, amount, count]) => `${type},${amount},${count},`).join(',')}/`]
    let total = summary.reduce((s, [, amount]) => s + amount, 0n)
    for (const e of booked) {
      accountLines.push(...detailRecords(e))
      total += e.amount < 0n ? -e.amount : e.amount
    }
    accountLines.push(`49,${total},${accountLines.length + 1}/`)
    const { hhmm } = asOf(day, bank.utcOffset)
    lines.push(`02,${receiver},${bank.bic},1,${yymmdd(day.date)},${hhmm},${account.currency},${intraday ? 3 : 2}/`, ...accountLines, `98,${total},1,${accountLines.length + 2}/`)
    fileTotal += total
  }
  lines.push(`99,${fileTotal},${days.length},${lines.length + 1}/`)
  return `${lines.join('\r\n')}\r\n`
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

/**
 * Starts the BAI2 bank. `connections` has one per bank (credentials: client id and the Ed25519
 * private key, PKCS#8 PEM; the simulator keeps the public key).
 *
 * @example
 * const sim = await startSimulator({ seed: 42, today: '2026-11-20', pageSize: 7 })
 */
export async function startSimulator(options: DemoSimulatorOptions = {}): Promise<RunningDemoSimulator> {
  const { ledger, today, banks } = resolveDemoOptions(options, DEMO_BANK_IDS)
  const pageSize = Math.max(1, options.pageSize ?? 1_000)
  const faults = new FaultSet(options.faults ?? [])
  const tenants: Tenant[] = banks.map((bankId) => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    return {
      ...BAI2_BANKS[bankId]!,
      bankId,
      bankName: ledger.bank(bankId).nameEn,
      publicKey,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      accounts: ledger.accountsOf(bankId),
    }
  })
  const missing = (date: string) => faults.has('missing-days') && isMissingDay(date, today(), faults.param('missing-days'))
  const error = (status: number, code: string): SimulatorResponse =>
    json(status, { httpCode: String(status), httpMessage: status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request', moreInformation: code })

  const paginate = (days: LedgerDay[]): LedgerDay[][] => {
    const pages: LedgerDay[][] = [[]]
    let count = 0
    for (const day of days) {
      const details = day.entries.filter((e) => e.status === 'booked').length
      if (count > 0 && count + details > pageSize) {
        pages.push([])
        count = 0
      }
      pages.at(-1)!.push(day)
      count += details
    }
    return pages
  }

  const handle = (req: SimulatorRequest): SimulatorResponse => {
    const tenant = tenants.find((t) => t.clientId === req.headers['x-client-id'])
    const search = req.query.toString()
    const signed =
      tenant &&
      (() => {
        try {
          return verify(null, Buffer.from(signingString(req.method, req.path + (search ? `?${search}` : ''), req.headers['x-timestamp'] ?? '')), tenant.publicKey, Buffer.from(req.headers['x-signature'] ?? '', 'base64'))
        } catch {
          return false
        }
      })()
    if (faults.has('auth-failed') || !tenant) return error(401, tenant ? 'SIGNATURE_INVALID' : 'CLIENT_UNKNOWN')
    if (!signed) return error(401, 'SIGNATURE_INVALID')
    if (faults.has('auth-expired')) return error(401, 'CERTIFICATE_EXPIRED')
    if (req.method !== 'GET') return error(400, 'INVALID_REQUEST')

    if (req.path === '/v1/accounts') {
      return json(200, { accounts: tenant.accounts.map((a) => ({ accountNumber: a.number, currencyCode: a.currency, accountName: a.name, status: a.status.toUpperCase() })) })
    }
    if (req.path === '/v1/reports/bai2') {
      const account = tenant.accounts.find((a) => a.number === req.query.get('accountNumber'))
      if (!account) return error(404, 'ACCOUNT_NOT_FOUND')
      const type = req.query.get('type')
      const now = today()
      let days: LedgerDay[]
      if (type === 'prior-day') {
        const from = req.query.get('startDate') ?? ''
        const to = req.query.get('endDate') ?? ''
        if (!DAY.test(from) || !DAY.test(to) || from > to) return error(400, 'INVALID_REQUEST')
        if (daysBetween(from, to) > MAX_REPORT_DAYS) return error(400, 'RANGE_TOO_LONG')
        days = ledger.days(account, from, to, now).filter((d) => !d.intraday && !missing(d.date))
      } else if (type === 'current-day') {
        days = ledger.days(account, now, now, now)
      } else {
        return error(400, 'INVALID_REQUEST')
      }
      const pages = paginate(days)
      const twice = faults.has('duplicate-pages')
      const total = pages.length * (twice ? 2 : 1)
      const page = Number(req.query.get('page') ?? '1')
      if (!Number.isInteger(page) || page < 1 || page > total) return error(400, 'INVALID_REQUEST')
      const real = twice ? Math.ceil(page / 2) - 1 : page - 1
      const fileId = `${yymmdd(now)}${String(real + 1).padStart(3, '0')}`
      return {
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-total-pages': String(total) },
        body: renderBai2(tenant, tenant.clientId.replaceAll('-', ''), account, pages[real]!, fileId, type === 'current-day', now),
      }
    }
    return error(404, 'NOT_FOUND')
  }

  const server = await serveSimulator({
    handle,
    faults,
    ...(options.port !== undefined ? { port: options.port } : {}),
    transport: {
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      errorBody: (kind, status) =>
        JSON.stringify({ httpCode: String(status), httpMessage: kind === 'rate-limit' ? 'Too Many Requests' : 'Service Unavailable', moreInformation: kind === 'rate-limit' ? 'RATE_LIMIT_EXCEEDED' : 'BACKEND_UNAVAILABLE' }),
    },
  })

  const connections: DemoSimulatorConnection[] = tenants.map((tenant) => {
    const must = (ref: string) => {
      const account = tenant.accounts.find((a) => a.number === ref)
      if (!account) throw new Error(`${CONNECTOR_ID} simulator: no account ${ref} at ${tenant.bankId}`)
      return account
    }
    const accounts = (): ConnectorAccount[] => tenant.accounts.map((a) => ({ ref: a.number, number: a.number, iban: null, currency: a.currency, name: a.name }))
    // What BAI2 carries: as-of times to the minute, BAI type codes, no pending entries.
    const balances = (ref: string, from: string, to: string): ConnectorBalance[] => {
      const account = must(ref)
      return ledger.days(account, from, to, today()).flatMap((d) => ledgerBalances(d, account.currency).map((b) => ({ ...b, reportedAt: asOf(d, tenant.utcOffset).instant })))
    }
    const transactions = (ref: string, from: string, to: string): ConnectorTransaction[] =>
      ledger
        .days(must(ref), from, to, today())
        .flatMap((d) => d.entries)
        .filter((e) => e.status === 'booked')
        .map((e) => ({
          ...e,
          endToEndId: e.endToEndId === 'NOTPROVIDED' ? null : e.endToEndId,
          counterpartyName: squeezeText(e.counterpartyName),
          counterpartyAccount: squeezeText(e.counterpartyAccount),
          counterpartyBank: squeezeText(e.counterpartyBank),
          purpose: squeezeText(e.purpose),
          bankTransactionCode: baiType(e),
        }))
    return {
      bankId: tenant.bankId,
      name: `${tenant.bankName} · BAI2 (${CONNECTOR_ID})`,
      credentials: { clientId: tenant.clientId, privateKey: tenant.privateKeyPem },
      config: { baseUrl: server.url, utcOffset: tenant.utcOffset },
      truth: makeTruth(today, accounts, balances, transactions),
    }
  })
  return runningDemoSimulator(CONNECTOR_ID, server, faults, connections)
}
