import { toDecimalString, type ConnectorAccount, type ConnectorBalance, type ConnectorTransaction } from '@treasury/shared'
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

/**
 * An MT940/MT942 statement file gateway on 127.0.0.1 (EBICS-style mailbox over HTTPS), serving the
 * demo group's accounts at Bank of China and MUFG — one user per bank:
 *
 *   GET /ebics/htd                          HTD: the user's accounts (XML)
 *   GET /outbox?from=&to=[&account=][&limit=]   the files of those days, oldest first (JSON)
 *   GET /outbox/<account>_<yyyymmdd>_<seq>.sta|.vmk   MT940 (closed day) / MT942 (today so far)
 *   POST /outbox/download {"files":[…]}     up to 100 files of one type in one payload (concatenated)
 *   Authorization: Basic <user:password>; errors { returnCode, reportText } (EBICS codes, see api.ts)
 *
 * Files are UTF-8 with CRLF, wrapped in the SWIFT FIN envelope; a day with many entries is split
 * into pages (:62M:/:60M:). MT940 :60F: carries the previous closing's date, as MT940 does; :86:
 * is structured `/TRTP/…/CNTP/account/bank/name//REMI/USTD//…/EREF/…/`. MT942 reports booked
 * entries only (no balances, no pending entries). Faults: transport faults, duplicate-pages (every
 * file delivered twice, `_1` and `_2` — a re-delivery), missing-days (those days' files are not
 * delivered yet), auth-failed (401 061001), auth-expired (403 091003).
 */

export interface Mt940Bank {
  hostId: string
  bic: string
  user: string
}

/**
 * The demo banks served in demo mode: their EBICS host, BIC and user. The first is the simulator's
 * `connection` (what the conformance kit runs against): MUFG, with a JPY account (no minor digits).
 */
export const MT940_BANKS: Readonly<Record<string, Mt940Bank>> = {
  bnk_mufg: { hostId: 'MUFGTYO', bic: 'BOTKJPJT', user: 'ZOGMUFG1' },
  bnk_boc: { hostId: 'BOCSHA', bic: 'BKCHCNBJ', user: 'ZOGBOC01' },
}
export const DEMO_BANK_IDS: readonly string[] = Object.keys(MT940_BANKS)

const CONNECTOR_ID = 'boc-mt940'
/** Entries per MT940 message before the statement continues on a next page (:62M:/:60M:). */
const ENTRIES_PER_MESSAGE = 40

interface Tenant extends Mt940Bank {
  bankId: string
  bankName: string
  password: string
  accounts: readonly DemoAccount[]
}

const yymmdd = (date: string) => date.slice(2).replaceAll('-', '')
const compact = (date: string) => date.replaceAll('-', '')

/** A SWIFT amount: decimal comma, always present (JPY "1200,"). */
function swiftAmount(amount: bigint, currency: string): string {
  const text = toDecimalString(amount < 0n ? -amount : amount, currency).replace('.', ',')
  return text.includes(',') ? text : `${text},`
}

function balanceField(tag: string, amount: bigint, date: string, currency: string): string {
  return `:${tag}:${amount < 0n ? 'D' : 'C'}${yymmdd(date)}${currency}${swiftAmount(amount, currency)}`
}

/** The SWIFT :61: transaction type for an ISO bank transaction code. */
function swiftType(code: string | null): string {
  if (!code) return 'NMSC'
  if (code === 'ACMT-MDOP-CHRG') return 'NCHG'
  if (code === 'ACMT-MCOP-INTR') return 'NINT'
  if (code.includes('-IDDT-')) return 'NDDT'
  if (code.startsWith('PMNT-') || code.startsWith('CAMT-')) return 'NTRF'
  return 'NMSC'
}

/**
 * Wraps :86: text at 65 characters. No line may start like a tag, a message end or with a blank,
 * nor end with a blank (trailing blanks get trimmed by readers), so the break moves left when needed.
 */
function wrap65(text: string): string[] {
  const lines: string[] = []
  const breakable = (at: number) => {
    const next = text.charCodeAt(at)
    const previous = text.charCodeAt(at - 1)
    // Not before ":", "-" or a blank, not after a blank, not inside a surrogate pair.
    return next !== 0x3a && next !== 0x2d && next !== 0x20 && previous !== 0x20 && !(next >= 0xdc00 && next <= 0xdfff)
  }
  let start = 0
  while (start < text.length) {
    let end = Math.min(text.length, start + 65)
    while (end < text.length && end - start > 1 && !breakable(end)) end--
    lines.push(text.slice(start, end))
    start = end
  }
  return lines
}

function narrative(e: ConnectorTransaction): string {
  // CNTP takes four values (account/bank/name/city); the city is left empty.
  let text = e.bankTransactionCode ? `/TRTP/${e.bankTransactionCode}` : ''
  text += `/CNTP/${e.counterpartyAccount ?? ''}/${e.counterpartyBank ?? ''}/${e.counterpartyName ?? ''}//`
  if (e.purpose) text += `REMI/USTD//${e.purpose}/`
  if (e.endToEndId) text += `EREF/${e.endToEndId}/`
  return wrap65(text).map((l, i) => (i === 0 ? `:86:${l}` : l)).join('\r\n')
}

function entryLines(e: ConnectorTransaction): string {
  const mark = e.amount < 0n ? 'D' : 'C'
  const ref = e.bankReference ? `NONREF//${e.bankReference}` : 'NONREF'
  return `:61:${yymmdd(e.valueDate)}${compact(e.bookingDate).slice(4)}${mark}${swiftAmount(e.amount, e.currency)}${swiftType(e.bankTransactionCode)}${ref}\r\n${narrative(e)}`
}

function dayOfYear(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${date.slice(0, 4)}-01-01T00:00:00Z`)) / 86_400_000) + 1
}

function envelope(bic: string, type: '940' | '942', date: string, body: string[]): string {
  const header = `{1:F01${bic}AXXX0000000000}{2:O${type}1600${yymmdd(date)}${bic}AXXX00000000002${yymmdd(date)}1600N}{4:`
  return `${header}\r\n${body.join('\r\n')}\r\n-}`
}

/** One day's MT940 statement (several messages when the day has many entries). */
export function renderMt940(bank: Mt940Bank, account: DemoAccount, day: LedgerDay, previousDate: string, seq: number): string {
  const currency = account.currency
  const reference = `${bank.hostId.slice(0, 3)}${yymmdd(day.date)}${account.number.slice(-4)}${seq}`.slice(0, 16)
  const pages: ConnectorTransaction[][] = []
  for (let i = 0; i < day.entries.length; i += ENTRIES_PER_MESSAGE) pages.push(day.entries.slice(i, i + ENTRIES_PER_MESSAGE))
  if (pages.length === 0) pages.push([])
  let running = day.opening
  const messages = pages.map((entries, index) => {
    const first = index === 0
    const last = index === pages.length - 1
    const lines = [
      `:20:${reference}`,
      `:25:${bank.bic}/${account.number}`,
      `:28C:${String(dayOfYear(day.date)).padStart(5, '0')}/${String(index + 1).padStart(3, '0')}`,
      first ? balanceField('60F', running, previousDate, currency) : balanceField('60M', running, day.date, currency),
    ]
    for (const e of entries) {
      lines.push(entryLines(e))
      running += e.amount
    }
    lines.push(last ? balanceField('62F', day.closing, day.date, currency) : balanceField('62M', running, day.date, currency))
    if (last) lines.push(balanceField('64', day.available, day.date, currency))
    return envelope(bank.bic, '940', day.date, lines)
  })
  return `${messages.join('\r\n')}\r\n`
}

/** Today's MT942 interim report: booked entries so far, with debit/credit counts and sums. */
export function renderMt942(bank: Mt940Bank, account: DemoAccount, day: LedgerDay, seq: number): string {
  const currency = account.currency
  const booked = day.entries.filter((e) => e.status === 'booked')
  const debits = booked.filter((e) => e.amount < 0n)
  const credits = booked.filter((e) => e.amount >= 0n)
  const sum = (list: ConnectorTransaction[]) => list.reduce((s, e) => s + (e.amount < 0n ? -e.amount : e.amount), 0n)
  const at = new Date(Date.parse(day.reportedAt) + 8 * 3_600_000).toISOString()
  const lines = [
    `:20:${`${bank.hostId.slice(0, 3)}I${yymmdd(day.date)}${account.number.slice(-4)}${seq}`.slice(0, 16)}`,
    `:25:${bank.bic}/${account.number}`,
    `:28C:${String(dayOfYear(day.date)).padStart(5, '0')}/001`,
    `:34F:${currency}${swiftAmount(0n, currency)}`,
    `:13D:${at.slice(2, 4)}${at.slice(5, 7)}${at.slice(8, 10)}${at.slice(11, 13)}${at.slice(14, 16)}+0800`,
    ...booked.map(entryLines),
    `:90D:${debits.length}${currency}${swiftAmount(sum(debits), currency)}`,
    `:90C:${credits.length}${currency}${swiftAmount(sum(credits), currency)}`,
  ]
  return `${envelope(bank.bic, '942', day.date, lines)}\r\n`
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * Starts the file gateway. `connections` has one per bank (credentials: user and password).
 *
 * @example
 * const sim = await startSimulator({ seed: 42, today: '2026-11-20', banks: ['bnk_boc'], pageSize: 5 })
 */
export async function startSimulator(options: DemoSimulatorOptions = {}): Promise<RunningDemoSimulator> {
  const { seed, ledger, today, banks } = resolveDemoOptions(options, DEMO_BANK_IDS)
  const faults = new FaultSet(options.faults ?? [])
  const tenants: Tenant[] = banks.map((bankId) => ({
    ...MT940_BANKS[bankId]!,
    bankId,
    bankName: ledger.bank(bankId).nameEn,
    password: `sta-${MT940_BANKS[bankId]!.user.toLowerCase()}-${seed}`,
    accounts: ledger.accountsOf(bankId),
  }))
  const missing = (date: string) => faults.has('missing-days') && isMissingDay(date, today(), faults.param('missing-days'))
  const error = (status: number, returnCode: string, reportText: string): SimulatorResponse => json(status, { returnCode, reportText })

  /** The days of an account as files: [day, file name, seq, previous day] (missing days left out). */
  const filesOf = (account: DemoAccount, from: string, to: string) => {
    const now = today()
    const days = ledger.days(account, from, to, now)
    const seqs = faults.has('duplicate-pages') ? [1, 2] : [1]
    return days
      .filter((d) => !missing(d.date))
      .flatMap((d) => seqs.map((seq) => ({ day: d, seq, name: `${account.number}_${compact(d.date)}_${seq}.${d.intraday ? 'vmk' : 'sta'}` })))
  }
  // Files are listed (with their size) and downloaded again and again: render each once.
  const rendered = new Map<string, string>()
  const render = (tenant: Tenant, account: DemoAccount, day: LedgerDay, seq: number): string => {
    const key = `${account.number}|${day.date}|${day.intraday ? 'i' : 'c'}|${seq}|${day.entries.length}`
    let text = rendered.get(key)
    if (text === undefined) {
      const before = new Date(Date.parse(`${day.date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
      text = day.intraday ? renderMt942(tenant, account, day, seq) : renderMt940(tenant, account, day, before, seq)
      if (rendered.size >= 50_000) rendered.clear()
      rendered.set(key, text)
    }
    return text
  }

  /** A file's content by name, or the 404 the gateway answers for it. */
  const fileNamed = (tenant: Tenant, name: string): { text: string } | SimulatorResponse => {
    const match = /^([A-Za-z0-9-]+)_(\d{4})(\d{2})(\d{2})_(\d+)\.(sta|vmk)$/.exec(name)
    if (!match) return error(404, '091005', `no such file ${name}`)
    const account = tenant.accounts.find((a) => a.number === match[1])
    if (!account) return error(404, '091124', 'EBICS_ACCOUNT_AUTHORISATION_FAILED: unknown account')
    const date = `${match[2]}-${match[3]}-${match[4]}`
    const file = filesOf(account, date, date).find((f) => f.name === name)
    if (!file) return error(404, '091005', `no such file ${name}`)
    return { text: render(tenant, account, file.day, file.seq) }
  }

  const handle = (req: SimulatorRequest): SimulatorResponse => {
    const header = req.headers.authorization ?? ''
    const [user, password] = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':') : []
    const tenant = tenants.find((t) => t.user === user && t.password === password)
    if (faults.has('auth-failed') || !tenant) return error(401, '061001', 'EBICS_AUTHENTICATION_FAILED')
    if (faults.has('auth-expired')) return error(403, '091003', 'EBICS_INVALID_USER_STATE: password expired, renew the subscriber keys')
    if (req.method === 'POST' && req.path === '/outbox/download') {
      let names: unknown
      try {
        names = (JSON.parse(req.body) as { files?: unknown }).files
      } catch {
        names = undefined
      }
      if (!Array.isArray(names) || names.length === 0 || names.length > 100 || !names.every((n) => typeof n === 'string')) {
        return error(400, '091010', 'expected { "files": [1..100 file names] }')
      }
      const parts: string[] = []
      for (const name of names as string[]) {
        const found = fileNamed(tenant, name)
        if ('status' in found) return found
        parts.push(found.text)
      }
      if (new Set((names as string[]).map((n) => n.slice(-3))).size > 1) return error(400, '091010', 'one download holds one order type (.sta or .vmk)')
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: parts.join('') }
    }
    if (req.method !== 'GET') return error(405, '091010', 'EBICS_INVALID_ORDER_TYPE')

    if (req.path === '/ebics/htd') {
      const accounts = tenant.accounts
        .map(
          (a, i) =>
            `<AccountInfo Currency="${a.currency}" ID="A${i + 1}" Description="${escapeXml(a.name)}"><AccountNumber international="false">${a.number}</AccountNumber>` +
            (a.iban ? `<AccountNumber international="true">${a.iban}</AccountNumber>` : '') +
            `<BankCode international="true">${tenant.bic}</BankCode><AccountHolder>${escapeXml(ledger.demo.entities.find((e) => e.id === a.entityId)?.nameEn ?? '')}</AccountHolder></AccountInfo>`,
        )
        .join('')
      const xml = `<?xml version="1.0" encoding="UTF-8"?><HTDResponseOrderData xmlns="urn:org:ebics:H004"><PartnerInfo><AddressInfo><Name>Zhoushan Ocean Group</Name></AddressInfo><BankInfo><HostID>${tenant.hostId}</HostID></BankInfo>${accounts}</PartnerInfo><UserInfo><UserID Status="1">${tenant.user}</UserID></UserInfo></HTDResponseOrderData>`
      return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: xml }
    }

    if (req.path === '/outbox') {
      const from = req.query.get('from') ?? ''
      const to = req.query.get('to') ?? ''
      if (!DAY.test(from) || !DAY.test(to) || from > to) return error(400, '091010', 'from and to are required as YYYY-MM-DD, from <= to')
      const number = req.query.get('account')
      const scope = number === null ? tenant.accounts : tenant.accounts.filter((a) => a.number === number)
      if (number !== null && scope.length === 0) return error(404, '091124', 'EBICS_ACCOUNT_AUTHORISATION_FAILED: unknown account')
      const limit = Number(req.query.get('limit') ?? '0')
      if (!Number.isInteger(limit) || limit < 0) return error(400, '091010', 'limit must be a positive number')
      const all = scope.flatMap((account) => filesOf(account, from, to).map((file) => ({ ...file, account })))
      all.sort((a, b) => (a.day.date === b.day.date ? (a.name < b.name ? -1 : 1) : a.day.date < b.day.date ? -1 : 1))
      const listed = limit > 0 ? all.slice(0, limit) : all
      const files = listed.map(({ account, day, seq, name }) => ({
        name,
        orderType: day.intraday ? 'VMK' : 'STA',
        account: account.number,
        date: day.date,
        size: Buffer.byteLength(render(tenant, account, day, seq)),
        createdAt: day.reportedAt,
      }))
      return json(200, { returnCode: files.length ? '000000' : '090005', files, ...(files.length < all.length ? { more: true } : {}) })
    }

    if (req.path.startsWith('/outbox/')) {
      const found = fileNamed(tenant, decodeURIComponent(req.path.slice('/outbox/'.length)))
      return 'status' in found ? found : { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: found.text }
    }
    return error(404, '091005', `no route ${req.path}`)
  }

  const server = await serveSimulator({
    handle,
    faults,
    ...(options.port !== undefined ? { port: options.port } : {}),
    transport: {
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      errorBody: (kind) =>
        JSON.stringify(kind === 'rate-limit' ? { returnCode: '091119', reportText: 'EBICS_MAX_TRANSACTIONS_EXCEEDED' } : { returnCode: '091116', reportText: 'EBICS_PROCESSING_ERROR' }),
    },
  })

  const connections: DemoSimulatorConnection[] = tenants.map((tenant) => {
    const must = (ref: string) => {
      const account = tenant.accounts.find((a) => a.number === ref)
      if (!account) throw new Error(`${CONNECTOR_ID} simulator: no account ${ref} at ${tenant.bankId}`)
      return account
    }
    const accounts = (): ConnectorAccount[] => tenant.accounts.map((a) => ({ ref: a.number, number: a.number, iban: a.iban, currency: a.currency, name: a.name }))
    // What the formats carry: MT942 has no balances (today's OPBD/ITBD are derived from yesterday's
    // closing) and no pending entries; :86: text is read back blank-squeezed; NOTPROVIDED is no id.
    const balances = (ref: string, from: string, to: string): ConnectorBalance[] => {
      const account = must(ref)
      const days = ledger.days(account, addDays(from, -1), to, today())
      return days.flatMap((d, i) => {
        if (d.date < from) return []
        if (!d.intraday) return ledgerBalances(d, account.currency)
        if (i === 0 || days[i - 1]!.date !== addDays(d.date, -1)) return []
        return ledgerBalances(d, account.currency).filter((b) => b.type !== 'ITAV')
      })
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
        }))
    return {
      bankId: tenant.bankId,
      name: `${tenant.bankName} · MT940 files (${CONNECTOR_ID})`,
      credentials: { user: tenant.user, password: tenant.password },
      config: { baseUrl: server.url, ...(options.pageSize ? { filesPerPage: options.pageSize } : {}) },
      truth: makeTruth(today, accounts, balances, transactions),
    }
  })
  return runningDemoSimulator(CONNECTOR_ID, server, faults, connections)
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
