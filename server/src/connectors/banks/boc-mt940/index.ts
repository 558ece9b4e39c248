import {
  defineConnector,
  InvalidResponseError,
  ResourceNotFoundError,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorContext,
  type Statement,
  type StatementFileRef,
} from '@treasury/shared'
import { bankToday, configSchema, downloadFile, downloadFiles, getAccountInfo, listOutbox, MAX_FILES_PER_DOWNLOAD, type Mt940Config } from './api.js'
import { deriveIntradayBalances, latestFiles, parseStatements, statementDay, toAccounts, toEntries, toOutbox, toStatementBalances, type OutboxFile } from './transform.js'

/**
 * MT940/MT942 file delivery: the glue between the contract and api.ts (the file gateway) and
 * transform.ts (files → contract through the shared statement parsers). One file per account and
 * day: `<account>_<yyyymmdd>_<seq>.sta` (MT940, end of day) or `.vmk` (MT942, intraday).
 */

type Ctx = ConnectorContext<Mt940Config>

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** How far back the last closing before an MT942 is looked for (weekends, holidays). */
const CLOSING_LOOKBACK_DAYS = 7
async function files(ctx: Ctx, account: ConnectorAccount, from: string, to: string, limit?: number): Promise<OutboxFile[]> {
  return latestFiles(toOutbox(await listOutbox(ctx, { from, to, account: account.ref, ...(limit ? { limit } : {}) }))).filter((f) => f.account === account.ref)
}

/**
 * Downloads `list` in multi-file payloads (one per type and at most 100 files) and pairs every
 * statement with the file of its day; a payload that lacks a day it was asked for is invalid.
 */
async function statementsOf(ctx: Ctx, account: ConnectorAccount, list: readonly OutboxFile[]): Promise<{ file: OutboxFile; statement: Statement }[]> {
  const out: { file: OutboxFile; statement: Statement }[] = []
  for (const type of ['STA', 'VMK'] as const) {
    const ofType = list.filter((f) => f.orderType === type)
    for (let i = 0; i < ofType.length; i += MAX_FILES_PER_DOWNLOAD) {
      const chunk = ofType.slice(i, i + MAX_FILES_PER_DOWNLOAD)
      const what = chunk.length === 1 ? chunk[0]!.name : `${chunk.length} files ${chunk[0]!.date}..${chunk.at(-1)!.date}`
      const bytes = chunk.length === 1 ? await downloadFile(ctx, chunk[0]!.name) : await downloadFiles(ctx, chunk.map((f) => f.name))
      const byDay = new Map(chunk.map((f) => [f.date, f]))
      const statements = parseStatements(bytes, chunk[0]!.format, account, what)
      for (const statement of statements) {
        const file = byDay.get(statementDay(statement))
        if (!file) throw new InvalidResponseError(`MT940 gateway ${what}: a statement for ${statementDay(statement)}, a day not asked for`)
        out.push({ file, statement })
        byDay.delete(file.date)
      }
      if (byDay.size > 0) throw new InvalidResponseError(`MT940 gateway ${what}: no statement for ${[...byDay.keys()].join(', ')}`)
    }
  }
  return out
}

/** Balances of `from..to`: MT940 per closed day; for an MT942 day, derived from the last closing before it. */
async function balancesOf(ctx: Ctx, account: ConnectorAccount, from: string, to: string): Promise<ConnectorBalance[]> {
  const listed = await files(ctx, account, addDays(from, -CLOSING_LOOKBACK_DAYS), to)
  const intraday = listed.filter((f) => f.orderType === 'VMK' && f.date >= from)
  const closings = listed.filter((f) => f.orderType === 'STA')
  const wanted = new Set(closings.filter((f) => f.date >= from))
  for (const report of intraday) {
    const before = closings.filter((f) => f.date < report.date).at(-1)
    if (before) wanted.add(before)
  }
  const parsed = await statementsOf(ctx, account, [...wanted, ...intraday])
  const closingOf = new Map<string, bigint>()
  const out: ConnectorBalance[] = []
  for (const { file, statement } of parsed) {
    if (file.orderType !== 'STA') continue
    const balances = toStatementBalances(statement, account.currency, new Date(file.createdAt))
    const clbd = balances.find((b) => b.type === 'CLBD')
    if (clbd) closingOf.set(file.date, clbd.amount)
    if (file.date >= from) out.push(...balances)
  }
  for (const { file, statement } of parsed) {
    if (file.orderType !== 'VMK') continue
    const before = [...closingOf.keys()].filter((d) => d < file.date).sort().at(-1)
    out.push(...deriveIntradayBalances(before === undefined ? null : closingOf.get(before)!, statement, file.date, account.currency))
  }
  return out.filter((b) => b.date >= from && b.date <= to)
}

/** The page cursor: the window and the last day already returned. */
interface Cursor {
  f: string
  t: string
  d: string
}

function decodeCursor(text: string, from: string, to: string): Cursor {
  let cursor: Cursor
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor
  } catch {
    throw new InvalidResponseError('MT940 gateway: unreadable page cursor')
  }
  if (cursor.f !== from || cursor.t !== to || typeof cursor.d !== 'string') throw new ResourceNotFoundError('MT940 gateway: the page cursor belongs to another window')
  return cursor
}

export default defineConnector<Mt940Config>({
  manifest: {
    id: 'boc-mt940',
    displayName: 'MT940/MT942 statement files (file gateway)',
    countries: ['CN', 'JP'],
    authKind: 'basic',
    capabilities: ['intraday-reports', 'statement-files'],
    historyDays: 400,
    schedule: { intradayEveryMinutes: 30, endOfDayUtc: '16:30' },
  },
  configSchema,

  async listAccounts(ctx) {
    return toAccounts(await getAccountInfo(ctx))
  },

  fetchBalances(ctx, { account, from, to }) {
    return balancesOf(ctx, account, from, to)
  },

  async fetchTransactions(ctx, { account, from, to, cursor }) {
    const after = cursor ? decodeCursor(cursor, from, to).d : ''
    const start = after ? addDays(after, 1) : from
    if (start > to) return { transactions: [], nextCursor: null }
    // One more than a page tells whether another page follows (a re-delivered day lists twice, so ask for twice that).
    const listed = await files(ctx, account, start, to, 2 * (ctx.config.filesPerPage + 1))
    const remaining = listed.filter((f) => f.date > after)
    const page = remaining.slice(0, ctx.config.filesPerPage)
    const parsed = await statementsOf(ctx, account, page)
    const transactions = parsed.flatMap(({ statement }) => toEntries(statement, account.currency)).filter((t) => t.bookingDate >= from && t.bookingDate <= to)
    const last = page.at(-1)
    const more = remaining.length > page.length && last
    return { transactions, nextCursor: more ? Buffer.from(JSON.stringify({ f: from, t: to, d: last.date } satisfies Cursor)).toString('base64url') : null }
  },

  async fetchIntradayReport(ctx, { account }) {
    const today = bankToday(ctx)
    const report = (await files(ctx, account, today, today)).find((f) => f.orderType === 'VMK')
    if (!report) return { balances: [], transactions: [] }
    const [{ statement }] = await statementsOf(ctx, account, [report])
    return { balances: await balancesOf(ctx, account, today, today), transactions: toEntries(statement!, account.currency) }
  },

  async listStatementFiles(ctx, { from, to }): Promise<StatementFileRef[]> {
    return toOutbox(await listOutbox(ctx, { from, to })).map((f) => ({ ref: f.name, name: f.name, format: f.format, date: f.date }))
  },

  async downloadStatementFile(ctx, file) {
    return { content: await downloadFile(ctx, file.ref) }
  },
})
