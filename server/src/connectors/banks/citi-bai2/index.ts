import { defineConnector, InvalidResponseError, ResourceNotFoundError, type ConnectorAccount, type ConnectorBalance, type ConnectorContext, type ConnectorTransaction, type TransactionPage } from '@treasury/shared'
import { bankToday, configSchema, getAccounts, getReport, MAX_REPORT_DAYS, type Bai2Config } from './api.js'
import { asOfInstant, parseReport, toAccounts, toBalances, toEntries, type Bai2Report } from './transform.js'

/**
 * BAI2 bank: the glue between the contract and api.ts (signed requests, paged BAI2 reports) and
 * transform.ts (BAI2 → contract through the shared parser). Closed days come from prior-day
 * reports (≤ 31 days a request), today from the current-day report.
 */

type Ctx = ConnectorContext<Bai2Config>

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** Entries after which a page is returned rather than joined with the next report's. */
const PAGE_FILL = 500

type Step = { type: 'prior-day'; startDate: string; endDate: string } | { type: 'current-day' }

/** Prior-day spans of ≤ 31 days, then the current-day report when the window reaches the bank's today. */
function stepsOf(ctx: Ctx, from: string, to: string): Step[] {
  const steps: Step[] = []
  for (let start = from; start <= to; start = addDays(start, MAX_REPORT_DAYS)) {
    const end = addDays(start, MAX_REPORT_DAYS - 1)
    steps.push({ type: 'prior-day', startDate: start, endDate: end < to ? end : to })
  }
  if (to >= addDays(bankToday(ctx), -1)) steps.push({ type: 'current-day' })
  return steps
}

async function reportPage(ctx: Ctx, account: ConnectorAccount, step: Step, page: number): Promise<Bai2Report & { totalPages: number }> {
  const { text, totalPages } = await getReport(ctx, { accountNumber: account.ref, ...step, page })
  return { ...parseReport(text, account, `${step.type} page ${page}`), totalPages }
}

function balancesOfReport(ctx: Ctx, report: Bai2Report, currency: ConnectorAccount['currency']): ConnectorBalance[] {
  return report.statements.flatMap((s) => {
    const date = s.from ?? s.balances[0]?.date
    if (!date) return []
    return toBalances(s, currency, asOfInstant(date, report.asOfTimes.get(date) ?? '2400', ctx.config.utcOffset))
  })
}

interface Cursor {
  f: string
  t: string
  s: number
  p: number
}

function decodeCursor(text: string, from: string, to: string): Cursor {
  let cursor: Cursor
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor
  } catch {
    throw new InvalidResponseError('BAI2 API: unreadable page cursor')
  }
  if (cursor.f !== from || cursor.t !== to || typeof cursor.s !== 'number' || typeof cursor.p !== 'number') throw new ResourceNotFoundError('BAI2 API: the page cursor belongs to another window')
  return cursor
}

export default defineConnector<Bai2Config>({
  manifest: {
    id: 'citi-bai2',
    displayName: 'BAI2 balance and transaction reports (API)',
    countries: ['SG', 'US'],
    authKind: 'certificate',
    capabilities: ['intraday-reports'],
    historyDays: 400,
    schedule: { intradayEveryMinutes: 60, endOfDayUtc: '16:00' },
  },
  configSchema,

  async listAccounts(ctx) {
    return toAccounts(await getAccounts(ctx))
  },

  async fetchBalances(ctx, { account, from, to }) {
    const out: ConnectorBalance[] = []
    for (const step of stepsOf(ctx, from, to)) {
      for (let page = 1, total = 1; page <= total; page++) {
        const report = await reportPage(ctx, account, step, page)
        total = report.totalPages
        out.push(...balancesOfReport(ctx, report, account.currency))
      }
    }
    const seen = new Set<string>()
    return out.filter((b) => {
      const key = `${b.date}|${b.type}`
      if (b.date < from || b.date > to || seen.has(key)) return false
      seen.add(key)
      return true
    })
  },

  async fetchTransactions(ctx, { account, from, to, cursor }): Promise<TransactionPage> {
    const steps = stepsOf(ctx, from, to)
    let at: Cursor = cursor ? decodeCursor(cursor, from, to) : { f: from, t: to, s: 0, p: 1 }
    // One-page reports are joined into one page up to PAGE_FILL entries; longer reports keep their pages.
    const transactions: ConnectorTransaction[] = []
    for (;;) {
      const step = steps[at.s]
      if (!step) return { transactions, nextCursor: null }
      const report = await reportPage(ctx, account, step, at.p)
      // Only one-page reports join others: a report's pages stay pages, so a repeated page is recognised.
      if (report.totalPages > 1 && at.p === 1 && transactions.length > 0) return { transactions, nextCursor: Buffer.from(JSON.stringify(at)).toString('base64url') }
      transactions.push(...report.statements.flatMap((s) => toEntries(s, account.currency)).filter((t) => t.bookingDate >= from && t.bookingDate <= to))
      const midReport = at.p < report.totalPages
      const next: Cursor | null = midReport ? { ...at, p: at.p + 1 } : at.s + 1 < steps.length ? { ...at, s: at.s + 1, p: 1 } : null
      if (next === null || midReport || transactions.length >= PAGE_FILL) {
        return { transactions, nextCursor: next ? Buffer.from(JSON.stringify(next)).toString('base64url') : null }
      }
      at = next
    }
  },

  async fetchIntradayReport(ctx, { account }) {
    const balances: ConnectorBalance[] = []
    const transactions = []
    for (let page = 1, total = 1; page <= total; page++) {
      const report = await reportPage(ctx, account, { type: 'current-day' }, page)
      total = report.totalPages
      for (const b of balancesOfReport(ctx, report, account.currency)) if (!balances.some((x) => x.date === b.date && x.type === b.type)) balances.push(b)
      transactions.push(...report.statements.flatMap((s) => toEntries(s, account.currency)))
    }
    return { balances, transactions }
  },
})
