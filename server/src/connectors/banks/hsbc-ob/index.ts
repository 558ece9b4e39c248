import { defineConnector, InvalidResponseError, ResourceNotFoundError, type ConnectorAccount, type ConnectorBalance, type ConnectorContext, type TransactionPage } from '@treasury/shared'
import { API_PREFIX, bankToday, bookingPeriod, configSchema, ObSession, type ObConfig } from './api.js'
import { toAccounts, toBalancePage, toTransactionPage } from './transform.js'

/**
 * Open Banking REST (OBIE v3.1 style): the glue between the contract and api.ts (OAuth2 client
 * credentials, OBIE errors, same-origin `Links.Next`) and transform.ts (OBIE JSON → contract).
 * The page cursor is the bank's own `Links.Next`.
 */

type Ctx = ConnectorContext<ObConfig>

/** Safety stop for a `Links.Next` chain that never ends within one call. */
const MAX_BALANCE_PAGES = 500

function transactionsPath(account: ConnectorAccount): string {
  return `${API_PREFIX}/accounts/${encodeURIComponent(account.ref)}/transactions`
}

async function balancesOf(ctx: Ctx, account: ConnectorAccount, from: string, to: string): Promise<ConnectorBalance[]> {
  const session = await ObSession.open(ctx)
  const out: ConnectorBalance[] = []
  const seen = new Set<string>()
  let body = await session.get(`${API_PREFIX}/accounts/${encodeURIComponent(account.ref)}/balances`, bookingPeriod(from, to))
  for (let pages = 1; ; pages++) {
    const page = toBalancePage(body, account.currency)
    out.push(...page.balances)
    if (!page.next) break
    if (seen.has(page.next) || pages >= MAX_BALANCE_PAGES) throw new InvalidResponseError('Open Banking GET /balances: Links.Next loops')
    seen.add(page.next)
    body = await session.get(page.next)
  }
  const kept = new Set<string>()
  return out.filter((b) => {
    const key = `${b.date}|${b.type}`
    if (b.date < from || b.date > to || kept.has(key)) return false
    kept.add(key)
    return true
  })
}

/** A saved `Links.Next` must be this account's transactions of this window. */
function checkCursor(cursor: string, account: ConnectorAccount, from: string, to: string): void {
  let url: URL
  try {
    url = new URL(cursor)
  } catch {
    throw new InvalidResponseError('Open Banking: the page cursor is not a link')
  }
  const period = bookingPeriod(from, to)
  if (url.pathname !== transactionsPath(account) || url.searchParams.get('fromBookingDateTime') !== period.fromBookingDateTime || url.searchParams.get('toBookingDateTime') !== period.toBookingDateTime) {
    throw new ResourceNotFoundError('Open Banking: the page cursor belongs to another account or window')
  }
}

export default defineConnector<ObConfig>({
  manifest: {
    id: 'hsbc-ob',
    displayName: 'Open Banking REST (OBIE v3.1-style, OAuth2)',
    countries: ['HK', 'GB'],
    authKind: 'oauth2-client-credentials',
    capabilities: ['intraday-reports'],
    historyDays: 400,
    schedule: { intradayEveryMinutes: 15, endOfDayUtc: '16:00' },
  },
  configSchema,

  async listAccounts(ctx) {
    const session = await ObSession.open(ctx)
    return toAccounts(await session.get(`${API_PREFIX}/accounts`))
  },

  fetchBalances(ctx, { account, from, to }) {
    return balancesOf(ctx, account, from, to)
  },

  async fetchTransactions(ctx, { account, from, to, cursor }): Promise<TransactionPage> {
    if (cursor) checkCursor(cursor, account, from, to)
    const session = await ObSession.open(ctx)
    const body = cursor ? await session.get(cursor) : await session.get(transactionsPath(account), bookingPeriod(from, to))
    const page = toTransactionPage(body, account.currency)
    return { transactions: page.transactions.filter((t) => t.bookingDate >= from && t.bookingDate <= to), nextCursor: page.next }
  },

  async fetchIntradayReport(ctx, { account }) {
    const today = bankToday(ctx)
    const balances = (await balancesOf(ctx, account, today, today)).filter((b) => b.type === 'ITBD' || b.type === 'ITAV' || b.type === 'OPBD')
    const session = await ObSession.open(ctx)
    const transactions = []
    let next: string | null = null
    do {
      const page = toTransactionPage(next ? await session.get(next) : await session.get(transactionsPath(account), bookingPeriod(today, today)), account.currency)
      transactions.push(...page.transactions)
      next = page.next
    } while (next)
    return { balances, transactions }
  },
})
