import { toDecimalString, type ConnectorAccount, type ConnectorBalance, type ConnectorTransaction, type CurrencyCode } from '@treasury/shared'
import {
  FaultSet,
  isMissingDay,
  json,
  seededRandom,
  serveSimulator,
  todayOf,
  type RunningSimulator,
  type SimulatorOptions,
  type SimulatorRequest,
  type SimulatorResponse,
  type StartSimulator,
} from '../sdk/index.js'

/**
 * Template Bank's simulator: a tiny JSON REST bank on 127.0.0.1, deterministic from the seed.
 * Three accounts (CNY, USD, JPY — two currency exponents), entries on business days, opening and
 * closing balances that chain, today's entries partly pending with interim balances, paging by an
 * opaque `next` token, and every fault of faults.ts (the semantic ones in this bank's own words).
 *
 *   GET /v1/accounts
 *   GET /v1/accounts/{id}/balances?from=YYYY-MM-DD&to=YYYY-MM-DD
 *   GET /v1/accounts/{id}/transactions?from=…&to=…&limit=N[&next=token]
 *   Authorization: Bearer <apiKey>; errors are { code, message } with 401/404/400/429/5xx.
 */

const CONNECTOR_ID = 'template-bank'
const HISTORY_DAYS = 420

interface SimAccount {
  ref: string
  number: string
  iban: string | null
  currency: CurrencyCode
  name: string
  opening: bigint
}

interface SimEntry {
  ref: string | null
  bookingDate: string
  valueDate: string
  amount: bigint
  status: 'booked' | 'pending'
  endToEndId: string | null
  counterparty: { name: string; account: string; bank: string | null }
  description: string
  code: string
}

interface SimDay {
  date: string
  opening: bigint
  closing: bigint
  entries: Omit<SimEntry, 'status'>[]
}

const COUNTERPARTIES = [
  { name: '宁波港务集团有限公司', account: '3901000011112222333', bank: 'BKNBCN2N' },
  { name: '舟山海洋物流有限公司', account: '1206000022223333444', bank: 'ICBKCNBJ' },
  { name: 'Pacific Marine Supplies Pte Ltd', account: '0123456789', bank: 'DBSSSGSG' },
  { name: 'Hanseatic Shipbrokers GmbH', account: 'DE89370400440532013000', bank: 'DEUTDEFF' },
  { name: '国家税务总局舟山市税务局', account: '1206000099990000111', bank: null },
] as const

const PURPOSES = ['货款', 'Freight invoice', '工资', 'Port charges', 'Bunker fuel', '服务费'] as const

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function isBusinessDay(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  return weekday !== 0 && weekday !== 6
}

function accountsFor(seed: number): SimAccount[] {
  const suffix = String(seed % 10_000).padStart(4, '0')
  return [
    { ref: 'acc-cny', number: `62220200${suffix}0001`, iban: null, currency: 'CNY', name: 'Operating account CNY', opening: 250_000_000n },
    { ref: 'acc-usd', number: `62220200${suffix}0002`, iban: null, currency: 'USD', name: 'Settlement account USD', opening: 40_000_000n },
    { ref: 'acc-jpy', number: `62220200${suffix}0003`, iban: null, currency: 'JPY', name: 'Tokyo branch JPY', opening: 90_000_000n },
  ]
}

/** The bank's books: every account's days from the history start, extended lazily as `today` moves. */
class Ledger {
  private readonly days = new Map<string, SimDay[]>()
  readonly start: string

  constructor(
    private readonly seed: number,
    readonly accounts: SimAccount[],
    firstToday: string,
  ) {
    this.start = addDays(firstToday, -HISTORY_DAYS)
  }

  private daysOf(account: SimAccount, through: string): SimDay[] {
    let list = this.days.get(account.ref)
    if (!list) this.days.set(account.ref, (list = []))
    let date = list.length ? addDays(list[list.length - 1]!.date, 1) : this.start
    let balance = list.length ? list[list.length - 1]!.closing : account.opening
    for (; date <= through; date = addDays(date, 1)) {
      if (!isBusinessDay(date)) continue
      const rng = seededRandom(this.seed, account.ref, date)
      const count = rng.int(0, 4)
      const scale = account.currency === 'JPY' ? 1n : 100n
      const entries: SimDay['entries'] = []
      let moved = 0n
      for (let i = 0; i < count; i++) {
        const credit = rng.next() < 0.5
        const units = BigInt(rng.int(5, 80_000)) * scale + (scale > 1n ? BigInt(rng.int(0, 99)) : 0n)
        const amount = credit ? units : -units
        const counterparty = rng.pick(COUNTERPARTIES)
        // Every tenth-ish entry has no bank reference: exercises the hash dedupe key.
        const withRef = rng.next() > 0.1
        entries.push({
          ref: withRef ? `TB${account.ref.slice(-3).toUpperCase()}${date.replaceAll('-', '')}${String(i).padStart(2, '0')}` : null,
          bookingDate: date,
          valueDate: date,
          amount,
          endToEndId: rng.next() < 0.6 ? `E2E-${date.replaceAll('-', '')}-${account.ref.slice(-3)}-${i}` : null,
          counterparty,
          description: rng.pick(PURPOSES),
          code: credit ? 'PMNT/RCDT/ESCT' : 'PMNT/ICDT/ESCT',
        })
        moved += amount
      }
      list.push({ date, opening: balance, closing: balance + moved, entries })
      balance += moved
    }
    return list
  }

  find(ref: string): SimAccount | undefined {
    return this.accounts.find((a) => a.ref === ref)
  }

  /** Days of `from..to` as of `today` (no day after today). */
  window(account: SimAccount, from: string, to: string, today: string): SimDay[] {
    const last = to < today ? to : today
    return this.daysOf(account, today).filter((d) => d.date >= from && d.date <= last)
  }
}

/** Today's entries: the first half booked, the rest still pending (camt.052 PDNG). */
function statusOf(day: SimDay, index: number, today: string): 'booked' | 'pending' {
  if (day.date < today) return 'booked'
  return index < Math.ceil(day.entries.length / 2) ? 'booked' : 'pending'
}

function entriesOf(days: SimDay[], today: string, skip: (date: string) => boolean): SimEntry[] {
  const out: SimEntry[] = []
  for (const day of days) {
    if (skip(day.date)) continue
    day.entries.forEach((e, i) => out.push({ ...e, status: statusOf(day, i, today) }))
  }
  return out
}

interface RawBalance {
  date: string
  type: 'opening' | 'closing' | 'interim' | 'interim-available'
  amount: bigint
  reportedAt: string
}

function balancesOf(days: SimDay[], today: string, skip: (date: string) => boolean): RawBalance[] {
  const out: RawBalance[] = []
  for (const day of days) {
    if (skip(day.date)) continue
    if (day.date < today) {
      out.push({ date: day.date, type: 'opening', amount: day.opening, reportedAt: `${day.date}T16:00:00.000Z` })
      out.push({ date: day.date, type: 'closing', amount: day.closing, reportedAt: `${day.date}T16:00:00.000Z` })
    } else {
      const booked = day.entries.filter((_, i) => statusOf(day, i, today) === 'booked').reduce((sum, e) => sum + e.amount, 0n)
      out.push({ date: day.date, type: 'opening', amount: day.opening, reportedAt: `${day.date}T01:00:00.000Z` })
      out.push({ date: day.date, type: 'interim', amount: day.opening + booked, reportedAt: `${day.date}T03:00:00.000Z` })
      out.push({ date: day.date, type: 'interim-available', amount: day.opening + booked, reportedAt: `${day.date}T03:00:00.000Z` })
    }
  }
  return out
}

const BALANCE_CODES: Record<RawBalance['type'], ConnectorBalance['type']> = { opening: 'OPBD', closing: 'CLBD', interim: 'ITBD', 'interim-available': 'ITAV' }

function error(status: number, code: string, message: string, headers: Record<string, string> = {}): SimulatorResponse {
  return json(status, { code, message }, headers)
}

interface PageToken {
  o: number
  f: string
  t: string
  r?: 1
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url')
}

function decodeToken(text: string): PageToken | null {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken
    return typeof value.o === 'number' && typeof value.f === 'string' && typeof value.t === 'string' ? value : null
  } catch {
    return null
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * Starts Template Bank on 127.0.0.1. `connection` holds the api key and base URL its connector needs.
 *
 * @example
 * const sim = await startSimulator({ seed: 42, today: '2026-11-20', pageSize: 10 })
 */
export const startSimulator: StartSimulator = async (options: SimulatorOptions = {}): Promise<RunningSimulator> => {
  const seed = options.seed ?? 42
  const today = todayOf(options.today)
  const ledger = new Ledger(seed, accountsFor(seed), today())
  const apiKey = `tpl-key-${seed}`
  const faults = new FaultSet(options.faults ?? [])

  const missing = (date: string) => faults.has('missing-days') && isMissingDay(date, today(), faults.param('missing-days'))

  const handle = (req: SimulatorRequest): SimulatorResponse => {
    if (faults.has('auth-expired')) return error(401, 'AUTH_EXPIRED', 'the access token has expired')
    if (faults.has('auth-failed') || req.headers.authorization !== `Bearer ${apiKey}`) return error(401, 'AUTH_INVALID', 'unknown api key')
    if (req.method !== 'GET') return error(405, 'METHOD', 'only GET')
    const now = today()

    if (req.path === '/v1/accounts') {
      return json(200, { accounts: ledger.accounts.map(({ ref, number, iban, currency, name }) => ({ id: ref, number, iban, currency, name })) })
    }
    const match = /^\/v1\/accounts\/([^/]+)\/(balances|transactions)$/.exec(req.path)
    if (!match) return error(404, 'NOT_FOUND', `no route ${req.path}`)
    const account = ledger.find(decodeURIComponent(match[1]!))
    if (!account) return error(404, 'ACCOUNT_NOT_FOUND', `no account ${match[1]}`)
    const from = req.query.get('from') ?? ''
    const to = req.query.get('to') ?? ''
    if (!DAY.test(from) || !DAY.test(to) || from > to) return error(400, 'BAD_RANGE', 'from and to are required, from <= to')
    const days = ledger.window(account, from, to, now)

    if (match[2] === 'balances') {
      const balances = balancesOf(days, now, missing).map((b) => ({ ...b, amount: toDecimalString(b.amount, account.currency), currency: account.currency }))
      return json(200, { balances })
    }

    const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? options.pageSize ?? 50) || 50))
    const pageSize = Math.min(limit, options.pageSize ?? limit)
    const nextParam = req.query.get('next')
    const token = nextParam ? decodeToken(nextParam) : { o: 0, f: from, t: to }
    if (!token || token.f !== from || token.t !== to) return error(400, 'BAD_CURSOR', 'the next token does not belong to this query')
    const entries = entriesOf(days, now, missing)
    const slice = entries.slice(token.o, token.o + pageSize)
    const hasMore = token.o + pageSize < entries.length
    let next: string | null = null
    if (faults.has('duplicate-pages') && !token.r && slice.length > 0) next = encodeToken({ ...token, r: 1 })
    else if (hasMore) next = encodeToken({ o: token.o + pageSize, f: from, t: to })
    const semanticGarbage = faults.has('garbage') && faults.param('garbage') === 1
    return {
      ...json(200, {
        transactions: slice.map((e) => ({
          ref: e.ref,
          bookingDate: e.bookingDate,
          valueDate: e.valueDate,
          amount: toDecimalString(e.amount, account.currency),
          // garbage:1 sends well-formed JSON with an impossible currency (the server's validation must stop it).
          currency: semanticGarbage ? 'XXX' : account.currency,
          status: e.status,
          endToEndId: e.endToEndId,
          counterparty: e.counterparty,
          description: e.description,
          code: e.code,
        })),
        next,
      }),
      garbage: semanticGarbage,
    }
  }

  const server = await serveSimulator({
    handle,
    faults,
    ...(options.port !== undefined ? { port: options.port } : {}),
    transport: {
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      errorBody: (kind) => JSON.stringify(kind === 'rate-limit' ? { code: 'RATE_LIMIT', message: 'slow down' } : { code: 'UNAVAILABLE', message: kind }),
    },
  })

  const toBalance = (account: SimAccount, b: RawBalance): ConnectorBalance => ({
    date: b.date,
    type: BALANCE_CODES[b.type],
    amount: b.amount,
    currency: account.currency,
    reportedAt: new Date(b.reportedAt),
  })
  const toTransaction = (account: SimAccount, e: SimEntry): ConnectorTransaction => ({
    bookingDate: e.bookingDate,
    valueDate: e.valueDate,
    amount: e.amount,
    currency: account.currency,
    status: e.status,
    bankReference: e.ref,
    endToEndId: e.endToEndId,
    counterpartyName: e.counterparty.name,
    counterpartyAccount: e.counterparty.account,
    counterpartyBank: e.counterparty.bank,
    purpose: e.description,
    bankTransactionCode: e.code,
  })
  const mustFind = (ref: string) => {
    const account = ledger.find(ref)
    if (!account) throw new Error(`template-bank simulator: no account ${ref}`)
    return account
  }

  return {
    connectorId: CONNECTOR_ID,
    url: server.url,
    faults,
    connection: {
      credentials: { apiKey },
      config: { baseUrl: server.url, ...(options.pageSize ? { pageSize: options.pageSize } : {}) },
    },
    truth: {
      get today() {
        return today()
      },
      accounts: (): ConnectorAccount[] => ledger.accounts.map(({ ref, number, iban, currency, name }) => ({ ref, number, iban, currency, name })),
      balances: (ref, from, to) => {
        const account = mustFind(ref)
        return balancesOf(ledger.window(account, from, to, today()), today(), () => false).map((b) => toBalance(account, b))
      },
      transactions: (ref, from, to) => {
        const account = mustFind(ref)
        return entriesOf(ledger.window(account, from, to, today()), today(), () => false).map((e) => toTransaction(account, e))
      },
    },
    requestCount: server.requestCount,
    close: server.close,
  }
}
