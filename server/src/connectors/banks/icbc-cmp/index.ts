import { defineConnector, InvalidResponseError, ResourceNotFoundError, type ConnectorAccount, type ConnectorBalance, type ConnectorTransaction, type TransactionPage } from '@treasury/shared'
import { bankToday, CmpSession, configSchema, fields, MAX_BALANCE_DAYS, MAX_DETAIL_DAYS, type CmpConfig } from './api.js'
import { CMP_CODE_BY_CURRENCY, toAccounts, toCurrentBalances, toEntries, toHistoryBalances } from './transform.js'

/**
 * 银企直联 (bank–enterprise direct link) in the ICBC NC style: the glue between the contract and
 * api.ts (front-end machine, sessions, signing, RetCode mapping) and transform.ts (XML → contract).
 * One connector for every Chinese bank reached this way; `config.bankCode` picks the bank.
 */

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const compact = (date: string) => date.replaceAll('-', '')

/** Entries after which a page is returned rather than joined with the next step's. */
const PAGE_FILL = 500

/** `from..to` cut into spans of at most `days` days. */
export function spans(from: string, to: string, days: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = []
  for (let start = from; start <= to; start = addDays(start, days)) {
    const end = addDays(start, days - 1)
    out.push({ from: start, to: end < to ? end : to })
  }
  return out
}

/**
 * The page cursor: which step of the window (a `QHISD` span, or the final `QPD` for today) and the
 * bank's continuation tag within it. Self-contained, so any process can resume from it.
 */
interface Cursor {
  f: string
  t: string
  /** Step index: 0..spans-1 are QHISD spans, spans.length is QPD. */
  s: number
  /** The bank's NextTag ('' for the first page of a step). */
  n: string
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

function decodeCursor(text: string, from: string, to: string): Cursor {
  let cursor: Cursor
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor
  } catch {
    throw new InvalidResponseError('银企直联: unreadable page cursor')
  }
  if (cursor.f !== from || cursor.t !== to || typeof cursor.s !== 'number' || typeof cursor.n !== 'string') {
    throw new ResourceNotFoundError('银企直联: the page cursor belongs to another window')
  }
  return cursor
}

function currencyCode(account: ConnectorAccount): string {
  const code = CMP_CODE_BY_CURRENCY[account.currency]
  if (!code) throw new ResourceNotFoundError(`银企直联: the bank has no currency code for ${account.currency}`)
  return code
}

/** Whether `to` reaches the bank's today (with a day of slack for clocks either side of midnight). */
function wantsToday(ctx: Parameters<typeof bankToday>[0], to: string): boolean {
  return to >= addDays(bankToday(ctx), -1)
}

export default defineConnector<CmpConfig>({
  manifest: {
    id: 'icbc-cmp',
    displayName: '银企直联 Bank–Enterprise Direct Link (ICBC-style, multi-bank)',
    countries: ['CN'],
    authKind: 'session-token',
    capabilities: [],
    historyDays: 400,
    schedule: { intradayEveryMinutes: 15, endOfDayUtc: '16:30' },
  },
  configSchema,

  async listAccounts(ctx) {
    const session = await CmpSession.open(ctx)
    return toAccounts(await session.call('QACCLIST', ''))
  },

  async fetchBalances(ctx, { account, from, to }) {
    const session = await CmpSession.open(ctx)
    const currType = currencyCode(account)
    const balances: ConnectorBalance[] = []
    for (const span of spans(from, to, MAX_BALANCE_DAYS)) {
      const envelope = await session.call('QHISBAL', fields({ AccNo: account.ref, CurrType: currType, BeginDate: compact(span.from), EndDate: compact(span.to) }))
      balances.push(...toHistoryBalances(envelope, account.currency))
    }
    if (wantsToday(ctx, to)) {
      const envelope = await session.call('QACCBAL', `<TotalNum>1</TotalNum><rd>${fields({ AccNo: account.ref, CurrType: currType })}</rd>`)
      const { balances: current, failure } = toCurrentBalances(envelope, account.ref, account.currency)
      if (failure?.code === '-7') throw new ResourceNotFoundError(`银企直联 QACCBAL: iRetCode -7 ${failure.message}`)
      if (failure) ctx.logger.info('no current balance for the account', { code: failure.code, message: failure.message })
      balances.push(...current)
    }
    // The bank answers closed days only in QHISBAL and its own today in QACCBAL; keep what was asked, once.
    const seen = new Set<string>()
    return balances.filter((b) => {
      const key = `${b.date}|${b.type}`
      if (b.date < from || b.date > to || seen.has(key)) return false
      seen.add(key)
      return true
    })
  },

  async fetchTransactions(ctx, { account, from, to, cursor }): Promise<TransactionPage> {
    const history = spans(from, to, MAX_DETAIL_DAYS)
    const steps = history.length + (wantsToday(ctx, to) ? 1 : 0)
    let at: Cursor = cursor ? decodeCursor(cursor, from, to) : { f: from, t: to, s: 0, n: '' }
    const session = await CmpSession.open(ctx)
    const currType = currencyCode(account)
    // Small steps (a span with few entries, today's QPD) are joined into one page up to PAGE_FILL
    // entries, which saves calls (and logins); a step the bank pages itself keeps its pages.
    const transactions: ConnectorTransaction[] = []
    for (;;) {
      if (at.s >= steps) return { transactions, nextCursor: null }
      const span = history[at.s]
      const envelope = span
        ? await session.call('QHISD', fields({ AccNo: account.ref, CurrType: currType, BeginDate: compact(span.from), EndDate: compact(span.to), NextTag: at.n }))
        : await session.call('QPD', fields({ AccNo: account.ref, CurrType: currType, NextTag: at.n }))
      const { entries, nextTag } = toEntries(envelope, account.currency)
      // Only a step answered in one page joins others: a bank page that continues (or repeats) stays a
      // page of its own, so a page the bank serves twice comes back identical and is recognised.
      if (nextTag && transactions.length > 0) return { transactions, nextCursor: encodeCursor({ ...at, n: '' }) }
      // QPD answers the bank's today, which may lie outside the window when clocks disagree.
      transactions.push(...entries.filter((e) => e.bookingDate >= from && e.bookingDate <= to))
      const next: Cursor | null = nextTag ? { ...at, n: nextTag } : at.s + 1 < steps ? { ...at, s: at.s + 1, n: '' } : null
      if (next === null || nextTag || transactions.length >= PAGE_FILL) return { transactions, nextCursor: next ? encodeCursor(next) : null }
      at = next
    }
  },
})
