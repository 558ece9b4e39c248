import { defineConnector, InvalidResponseError, ResourceNotFoundError, type ConnectorAccount, type ConnectorBalance, type ConnectorContext, type ConnectorTransaction, type TransactionPage } from '@treasury/shared'
import { bankToday, configSchema, getAccounts, getStatementPage, MAX_STATEMENT_DAYS, requestStatement, type CamtConfig } from './api.js'
import { parseCamtPage, toAccounts, toBalances, toEntries } from './transform.js'

/**
 * ISO 20022 camt bank: the glue between the contract and api.ts (statement requests, polling,
 * paged download) and transform.ts (camt → contract through the shared parser). Closed days come
 * as camt.053 (≤ 31 days a request), the current day as camt.052 (booked and pending entries).
 */

type Ctx = ConnectorContext<CamtConfig>

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** `from..to` cut into spans of at most `days` days. */
function spans(from: string, to: string, days: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = []
  for (let start = from; start <= to; start = addDays(start, days)) {
    const end = addDays(start, days - 1)
    out.push({ from: start, to: end < to ? end : to })
  }
  return out
}

/** The steps of a window: camt.053 spans, then the camt.052 when the window reaches the bank's today. */
type Step = { messageType: 'camt.053'; fromDate: string; toDate: string } | { messageType: 'camt.052' }

function stepsOf(ctx: Ctx, from: string, to: string): Step[] {
  const steps: Step[] = spans(from, to, MAX_STATEMENT_DAYS).map((s) => ({ messageType: 'camt.053' as const, fromDate: s.from, toDate: s.to }))
  // A day of slack either side of midnight: asking for the current report is harmless.
  if (to >= addDays(bankToday(ctx), -1)) steps.push({ messageType: 'camt.052' })
  return steps
}

/** Entries after which a page is returned rather than joined with the next step's. */
const PAGE_FILL = 500

const formatOf = (step: Step) => (step.messageType === 'camt.053' ? 'camt053' : 'camt052')

/** The page cursor: the window, the step, and — once requested — the message and the next page. */
interface Cursor {
  f: string
  t: string
  s: number
  m: string
  p: number
  n: number
}

function decodeCursor(text: string, from: string, to: string): Cursor {
  let cursor: Cursor
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor
  } catch {
    throw new InvalidResponseError('camt API: unreadable page cursor')
  }
  if (cursor.f !== from || cursor.t !== to || typeof cursor.s !== 'number' || typeof cursor.p !== 'number') {
    throw new ResourceNotFoundError('camt API: the page cursor belongs to another window')
  }
  return cursor
}

async function balancesOf(ctx: Ctx, account: ConnectorAccount, from: string, to: string): Promise<ConnectorBalance[]> {
  const out: ConnectorBalance[] = []
  for (const step of stepsOf(ctx, from, to)) {
    const ready = await requestStatement(ctx, account.ref, step)
    if (!ready) continue
    for (let page = 1; page <= ready.totalPages; page++) {
      const what = `message ${ready.messageId} page ${page}`
      for (const statement of parseCamtPage(await getStatementPage(ctx, ready.messageId, page), formatOf(step), account, what)) out.push(...toBalances(statement, account.currency))
    }
  }
  // A statement split over pages repeats its balances; one per day and type is kept.
  const seen = new Set<string>()
  return out.filter((b) => {
    const key = `${b.date}|${b.type}`
    if (b.date < from || b.date > to || seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export default defineConnector<CamtConfig>({
  manifest: {
    id: 'dbs-camt',
    displayName: 'ISO 20022 camt.053/camt.052 statements (API)',
    countries: ['SG', 'DE'],
    authKind: 'api-key',
    capabilities: ['intraday-reports'],
    historyDays: 400,
    schedule: { intradayEveryMinutes: 30, endOfDayUtc: '21:30' },
  },
  configSchema,

  async listAccounts(ctx) {
    return toAccounts(await getAccounts(ctx))
  },

  fetchBalances(ctx, { account, from, to }) {
    return balancesOf(ctx, account, from, to)
  },

  async fetchTransactions(ctx, { account, from, to, cursor }): Promise<TransactionPage> {
    const steps = stepsOf(ctx, from, to)
    let at: Cursor = cursor ? decodeCursor(cursor, from, to) : { f: from, t: to, s: 0, m: '', p: 1, n: 0 }
    // One-page statements are joined into one page up to PAGE_FILL entries; longer messages keep their pages.
    const transactions: ConnectorTransaction[] = []
    for (;;) {
      const step = steps[at.s]
      if (!step) return { transactions, nextCursor: null }
      if (!at.m) {
        const ready = await requestStatement(ctx, account.ref, step)
        if (!ready) {
          at = { ...at, s: at.s + 1, m: '', p: 1, n: 0 }
          continue
        }
        at = { ...at, m: ready.messageId, p: 1, n: ready.totalPages }
        // Only one-page messages join others: a message's pages stay pages, so a repeated page is recognised.
        if (ready.totalPages > 1 && transactions.length > 0) return { transactions, nextCursor: Buffer.from(JSON.stringify(at)).toString('base64url') }
      }
      const xml = await getStatementPage(ctx, at.m, at.p)
      const statements = parseCamtPage(xml, formatOf(step), account, `message ${at.m} page ${at.p}`)
      transactions.push(...statements.flatMap((s) => toEntries(s, account.currency)).filter((t) => t.bookingDate >= from && t.bookingDate <= to))
      const midMessage = at.p < at.n
      const next: Cursor | null = midMessage ? { ...at, p: at.p + 1 } : at.s + 1 < steps.length ? { ...at, s: at.s + 1, m: '', p: 1, n: 0 } : null
      if (next === null || midMessage || transactions.length >= PAGE_FILL) {
        return { transactions, nextCursor: next ? Buffer.from(JSON.stringify(next)).toString('base64url') : null }
      }
      at = next
    }
  },

  async fetchIntradayReport(ctx, { account }) {
    const ready = await requestStatement(ctx, account.ref, { messageType: 'camt.052' })
    if (!ready) return { balances: [], transactions: [] }
    const balances: ConnectorBalance[] = []
    const transactions = []
    for (let page = 1; page <= ready.totalPages; page++) {
      for (const statement of parseCamtPage(await getStatementPage(ctx, ready.messageId, page), 'camt052', account, `message ${ready.messageId} page ${page}`)) {
        for (const b of toBalances(statement, account.currency)) if (!balances.some((x) => x.date === b.date && x.type === b.type)) balances.push(b)
        transactions.push(...toEntries(statement, account.currency))
      }
    }
    return { balances, transactions }
  },
})
