import { convertMinor, parseRate, POSITION_GROUP_BY, type CurrencyCode } from '@treasury/shared'
import { seedDemo } from '@treasury/server/demo/index'
import { callerScope, DEMO_CALLER } from '@treasury/server/services/scope'
import { SCAN_LIMITS, transactionsSummary } from '@treasury/server/services/transactions'
import { DATE_ORDER_MIN_ACCOUNTS, listDailyFlows, listTransactionsQuery } from '@treasury/server/db/queries/transactions'
import { listDailyClosings } from '@treasury/server/db/queries/accounts'
import { CompiledQuery } from 'kysely'
import { createCallerFactory } from '@treasury/server/trpc/init'
import { appRouter } from '@treasury/server/trpc/_app'
import { TRPCError } from '@trpc/server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createDb, parseDatabaseUrl } from '@treasury/server/db/client'
import { describeEachDatabase, openTestDb, type Db, type TestDb } from '../support/databases.js'

const END = '2026-11-20'
const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n)

const createCaller = createCallerFactory(appRouter)
type Caller = ReturnType<typeof createCaller>

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof TRPCError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describeEachDatabase('cash position', (kind) => {
  let t: TestDb
  let api: Caller

  beforeAll(async () => {
    t = await openTestDb(kind)
    await seedDemo(t.db, { seed: 42, endDate: END, scale: 'demo' })
    api = createCaller({ db: t.db, caller: DEMO_CALLER })
  }, 180_000)
  afterAll(() => t?.drop())

  for (const currency of ['CNY', 'USD', 'JPY'] as const) {
    it(`total = Σ rows = Σ tree roots = Σ converted account balances, for every groupBy, in ${currency}`, async () => {
      const [tree, accounts] = await Promise.all([api.entities.tree({ currency, asOf: END }), api.accounts.list({ asOf: END })])
      for (const groupBy of POSITION_GROUP_BY) {
        const summary = await api.position.summary({ currency, groupBy, asOf: END })
        expect(summary.total).toBeGreaterThan(0n)
        expect(sum(summary.rows.map((r) => r.amount)), groupBy).toBe(summary.total)
        expect(sum(tree.roots.map((r) => r.rolledUpBalance)), groupBy).toBe(summary.total)
        const rates = new Map(summary.fx.map((f) => [f.currency, f.rate]))
        const converted = accounts.items.map((a) => {
          if (a.bookedBalance === null) return 0n
          if (a.currency === currency) return a.bookedBalance
          const rate = rates.get(a.currency as CurrencyCode)
          expect(rate, `rate reported for ${a.currency}`).toBeDefined()
          return convertMinor(a.bookedBalance, a.currency, currency, parseRate(rate!))
        })
        expect(sum(converted), groupBy).toBe(summary.total)
        expect(summary.unconverted).toEqual([])
      }
    })
  }

  it('answers a repeated question from memory, and from the database again once anything was written, by any connection', async () => {
    const before = await api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END })
    const account = (await api.accounts.list({ asOf: END, currency: 'CNY' })).items.find((a) => a.bookedBalance !== null && a.balanceDate === END)!
    const bump = (db: Db, delta: bigint) =>
      db.updateTable('balances').set((eb) => ({ amount: eb('amount', '+', delta) }))
        .where('account_id', '=', account.id).where('type', '=', 'CLBD').where('date', '=', END).execute()
    // Another connection (SQLite: another handle on the file; PostgreSQL: another pool), as a CLI import would.
    const other = createDb(parseDatabaseUrl(t.url))
    try {
      await bump(other, 12_345n)
      expect((await api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END })).total).toBe(before.total + 12_345n)
      expect((await api.accounts.list({ asOf: END, currency: 'CNY' })).items.find((a) => a.id === account.id)!.bookedBalance).toBe(account.bookedBalance! + 12_345n)
      // This process's own connection.
      await bump(t.db, -12_345n)
      expect((await api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END })).total).toBe(before.total)
      // Master data changed elsewhere: an account closed, then reopened.
      const count = (await api.accounts.list({ asOf: END })).items.length
      await other.updateTable('accounts').set({ status: 'closed' }).where('id', '=', account.id).execute()
      expect((await api.accounts.list({ asOf: END })).items.map((a) => a.id)).not.toContain(account.id)
      expect((await api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END })).total).toBe(before.total - account.bookedBalance!)
      await other.updateTable('accounts').set({ status: account.status }).where('id', '=', account.id).execute()
      expect((await api.accounts.list({ asOf: END })).items.length).toBe(count)
    } finally {
      await other.destroy()
    }
    // Asked many times at once: all the same answer.
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END })))
    for (const answer of answers) expect(answer).toEqual(before)
  })

  it('rows by entity are the top-level member companies with rolled-up subtrees', async () => {
    const [summary, tree] = await Promise.all([
      api.position.summary({ currency: 'CNY', groupBy: 'entity', asOf: END }),
      api.entities.tree({ currency: 'CNY', asOf: END }),
    ])
    const root = tree.roots[0]!
    const expected = new Map(root.children.map((c) => [c.id, c.rolledUpBalance]))
    if (root.ownBalance !== 0n || root.accounts > 0) expected.set(root.id, root.ownBalance)
    const nonEmpty = [...expected].filter(([id]) => summary.rows.some((r) => r.key === id))
    expect(new Map(summary.rows.map((r) => [r.key, r.amount]))).toEqual(new Map(nonEmpty))
  })

  it('scopes every figure to a member company subtree', async () => {
    const tree = await api.entities.tree({ currency: 'CNY', asOf: END })
    const holding = tree.roots[0]!.children.find((c) => c.children.length > 0)!
    const scoped = await api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END, entityId: holding.id })
    expect(scoped.total).toBe(holding.rolledUpBalance)
    const accounts = await api.accounts.list({ entityId: holding.id, asOf: END })
    const subtree = new Set<string>()
    const walk = (n: typeof holding) => {
      subtree.add(n.id)
      n.children.forEach(walk)
    }
    walk(holding)
    expect(accounts.items.length).toBeGreaterThan(0)
    expect(accounts.items.every((a) => subtree.has(a.entityId))).toBe(true)
  })

  it('values history at the rates of its own day and says which', async () => {
    const summary = await api.position.summary({ currency: 'CNY', groupBy: 'currency', asOf: '2026-06-01' })
    expect(summary.asOf).toBe('2026-06-01')
    expect(summary.fx.length).toBeGreaterThanOrEqual(5)
    for (const fx of summary.fx) expect(fx.rateDate).toBe('2026-06-01')
    const usd = summary.rows.find((r) => r.key === 'USD')!
    const usdRate = parseRate(summary.fx.find((f) => f.currency === 'USD')!.rate)
    const accounts = await api.accounts.list({ currency: 'USD', asOf: '2026-06-01' })
    expect(usd.amount).toBe(sum(accounts.items.map((a) => convertMinor(a.bookedBalance ?? 0n, 'USD', 'CNY', usdRate))))
  })

  it('names stale figures and the freshness window', async () => {
    const summary = await api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END })
    expect(summary.stale.length).toBeGreaterThan(0)
    for (const s of summary.stale) {
      expect(s.reason).toBe('behind')
      expect(s.balanceDate! < END).toBe(true)
      expect(s.asOf).toBeInstanceOf(Date)
    }
    expect(summary.freshness.oldest).toBeInstanceOf(Date)
    expect(summary.freshness.oldest!.getTime()).toBeLessThanOrEqual(summary.freshness.newest!.getTime())
  })

  it('leaves a currency without any rate unconverted instead of guessing 1:1', async () => {
    const before = await api.position.summary({ currency: 'CNY', groupBy: 'currency', asOf: END })
    const jpy = before.rows.find((r) => r.key === 'JPY')!
    await t.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('fx_rates').where((eb) => eb.or([eb('base', '=', 'JPY'), eb('quote', '=', 'JPY')])).execute()
      const after = await createCaller({ db: trx as never, caller: DEMO_CALLER }).position.summary({
        currency: 'CNY',
        groupBy: 'currency',
        asOf: END,
      })
      expect(after.unconverted).toEqual([{ currency: 'JPY', amount: jpy.byCurrency[0]!.amount }])
      expect(after.total).toBe(before.total - jpy.amount)
      expect(sum(after.rows.map((r) => r.amount))).toBe(after.total)
      expect(after.fx.map((f) => f.currency)).not.toContain('JPY')
      throw new RollbackSentinel()
    }).catch((error) => {
      if (!(error instanceof RollbackSentinel)) throw error
    })
  })

  it('trends closing balances and flows that reconcile day to day', async () => {
    const accounts = await api.accounts.list({ asOf: END })
    // A single-currency scope, so FX revaluation does not blur the day-to-day identity.
    const byEntity = new Map<string, Set<string>>()
    for (const a of accounts.items) byEntity.set(a.entityId, (byEntity.get(a.entityId) ?? new Set()).add(a.currency))
    const tree = await api.entities.tree({ currency: 'CNY', asOf: END })
    const leaves: string[] = []
    const walk = (n: (typeof tree.roots)[number]) => (n.children.length ? n.children.forEach(walk) : leaves.push(n.id))
    tree.roots.forEach(walk)
    const entityId = leaves.find((id) => byEntity.get(id)?.size === 1 && byEntity.get(id)!.has('CNY'))!
    expect(entityId).toBeDefined()
    const trend = await api.position.trend({ currency: 'CNY', from: '2026-10-01', to: END, entityId })
    expect(trend.points).toHaveLength(51)
    for (let i = 1; i < trend.points.length; i++) {
      const [prev, day] = [trend.points[i - 1]!, trend.points[i]!]
      expect(day.closing - prev.closing, day.date).toBe(day.inflow - day.outflow)
    }
    const summary = await api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: END, entityId })
    expect(trend.points.at(-1)!.closing).toBe(summary.total)
    // The whole group in several currencies: the day's point and the day's total agree to the minor
    // unit, both converted account by account.
    for (const currency of ['CNY', 'USD'] as const) {
      const [groupTrend, groupSummary] = await Promise.all([
        api.position.trend({ currency, from: '2026-11-01', to: END }),
        api.position.summary({ currency, groupBy: 'currency', asOf: END }),
      ])
      expect(groupSummary.rows.length).toBeGreaterThan(1)
      expect(groupTrend.points.at(-1)!.closing, currency).toBe(groupSummary.total)
    }
  })

  it('reads the daily closings and flows in parts of a few accounts with the same result as in one', async () => {
    const scope = await callerScope(t.db, DEMO_CALLER)
    const from = '2026-10-20'
    const oneRead = { accountsPerRead: 100_000 }
    const smallParts = { accountsPerRead: 7 }
    const [closings, closingsInParts] = await Promise.all([
      listDailyClosings(t.db, scope, from, END, {}, END, oneRead),
      listDailyClosings(t.db, scope, from, END, {}, END, smallParts),
    ])
    expect(closings.length).toBeGreaterThan(2 * smallParts.accountsPerRead)
    const byAccount = (lists: typeof closings) => new Map(lists.map((points) => [points[0]!.accountId, points]))
    // One list an account (never split between parts), its days in order, carried-in closing first.
    for (const lists of [closings, closingsInParts]) {
      expect(byAccount(lists).size).toBe(lists.length)
      for (const points of lists) {
        expect(new Set(points.map((p) => p.accountId)).size).toBe(1)
        expect(points.map((p) => p.date)).toEqual(points.map((p) => p.date).sort())
        // A day's closing wins over its interim: one point a day.
        expect(new Set(points.map((p) => p.date)).size).toBe(points.length)
        expect(points.filter((p) => p.date < from).length).toBeLessThanOrEqual(1)
      }
    }
    expect(byAccount(closingsInParts)).toEqual(byAccount(closings))
    const [flows, flowsInParts] = await Promise.all([listDailyFlows(t.db, scope, from, END, {}, oneRead), listDailyFlows(t.db, scope, from, END, {}, smallParts)])
    const sorted = (rows: typeof flows) => [...rows].sort((a, b) => `${a.date}${a.currency}`.localeCompare(`${b.date}${b.currency}`))
    expect(flows.length).toBeGreaterThan(0)
    expect(sorted(flowsInParts)).toEqual(sorted(flows))
  })

  it("ranks the day's largest movements by their size in the reporting currency, at the day's rates", async () => {
    for (const currency of ['CNY', 'USD'] as const) {
      const largest = await api.transactions.largest({ currency, date: END, limit: 10 })
      const all: Awaited<ReturnType<typeof api.transactions.list>>['items'] = []
      let cursor: string | undefined
      do {
        const page: Awaited<ReturnType<typeof api.transactions.list>> = await api.transactions.list({ from: END, to: END, limit: 500, cursor })
        all.push(...page.items)
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(largest.count).toBe(all.length)
      const rates = new Map(largest.fx.map((f) => [f.currency, parseRate(f.rate)]))
      const size = (item: (typeof all)[number]) => {
        const converted = item.currency === currency ? item.amount : convertMinor(item.amount, item.currency, currency, rates.get(item.currency as CurrencyCode)!)
        return converted < 0n ? -converted : converted
      }
      const expected = all.map((item) => ({ id: item.id, size: size(item) })).sort((a, b) => (a.size === b.size ? 0 : a.size > b.size ? -1 : 1))
      expect(largest.items.map((i) => i.converted! < 0n ? -i.converted! : i.converted!)).toEqual(expected.slice(0, 10).map((e) => e.size))
      for (const item of largest.items) expect(item.converted).toBe(size(item) * (item.amount < 0n ? -1n : 1n))
    }
    const company = (await api.entities.tree({ currency: 'CNY', asOf: END })).roots[0]!.children[0]!
    const scoped = await api.transactions.largest({ currency: 'CNY', date: END, entityId: company.id })
    const inScope = new Set((await api.accounts.list({ asOf: END, entityId: company.id })).items.map((a) => a.id))
    for (const item of scoped.items) expect(inScope.has(item.accountId)).toBe(true)
    const error = await trpcError(api.transactions.largest({ currency: 'CNY', date: END, limit: 51 }))
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.message).toContain('limit')
  })

  it("keeps the day's largest movements until the data changes, and sees a write at once", async () => {
    const first = await api.transactions.largest({ currency: 'CNY', date: END, limit: 5 })
    expect(await api.transactions.largest({ currency: 'CNY', date: END, limit: 5 })).toBe(first)
    const top = first.items[0]!
    const big = (top.amount < 0n ? -top.amount : top.amount) * 10n
    const row = {
      account_id: top.accountId, dedupe_key: 'test:largest-kept', booking_date: END, value_date: END, amount: big, currency: top.currency,
      status: 'booked', bank_reference: null, end_to_end_id: null, counterparty_name: 'Kept Answer Test', counterparty_account: null,
      counterparty_bank: null, purpose: null, bank_transaction_code: null, source: 'test', created_at: '2026-11-20T12:00:00.000Z',
    }
    const { id } = await t.db.insertInto('transactions').values(row).returning('id').executeTakeFirstOrThrow()
    try {
      const after = await api.transactions.largest({ currency: 'CNY', date: END, limit: 5 })
      expect(after.count).toBe(first.count + 1)
      expect(after.items[0]!.counterpartyName).toBe('Kept Answer Test')
    } finally {
      await t.db.deleteFrom('transactions').where('id', '=', id).execute()
    }
    expect((await api.transactions.largest({ currency: 'CNY', date: END, limit: 5 })).items.map((i) => i.id)).toEqual(first.items.map((i) => i.id))
  })

  it('pages transactions newest first without gaps or repeats', async () => {
    const { items: accounts } = await api.accounts.list({ asOf: END })
    const accountId = accounts[0]!.id
    const seen: string[] = []
    let cursor: string | undefined
    let previous: { bookingDate: string; id: bigint } | null = null
    do {
      const page: Awaited<ReturnType<typeof api.transactions.list>> = await api.transactions.list({ accountId, limit: 37, cursor })
      for (const item of page.items) {
        expect(item.accountId).toBe(accountId)
        const key = { bookingDate: item.bookingDate, id: BigInt(item.id) }
        if (previous) expect(key.bookingDate < previous.bookingDate || (key.bookingDate === previous.bookingDate && key.id < previous.id)).toBe(true)
        previous = key
        seen.push(item.id)
      }
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    const { n } = await t.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow()
    expect(BigInt(seen.length)).toBe(BigInt(n))
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('filters transactions by direction, amount, text and dates', async () => {
    const outs = await api.transactions.list({ direction: 'out', limit: 200 })
    expect(outs.items.length).toBeGreaterThan(0)
    expect(outs.items.every((i) => i.amount < 0n)).toBe(true)
    const big = await api.transactions.list({ minAmount: 1_000_000n, maxAmount: 5_000_000n, limit: 200 })
    for (const i of big.items) {
      const abs = i.amount < 0n ? -i.amount : i.amount
      expect(abs >= 1_000_000n && abs <= 5_000_000n).toBe(true)
    }
    const sample = outs.items.find((i) => i.counterpartyName)!
    const word = sample.counterpartyName!.slice(0, 2)
    const found = await api.transactions.list({ q: word, limit: 50 })
    expect(found.items.length).toBeGreaterThan(0)
    for (const i of found.items) {
      const text = [i.counterpartyName, i.purpose, i.bankReference, i.endToEndId, i.counterpartyAccount].join(' ').toLowerCase()
      expect(text).toContain(word.toLowerCase())
    }
    const wildcard = await api.transactions.list({ q: '%_%', limit: 5 })
    expect(wildcard.items).toEqual([])
    const window = await api.transactions.list({ from: '2026-11-01', to: '2026-11-02', limit: 500 })
    expect(window.items.every((i) => i.bookingDate >= '2026-11-01' && i.bookingDate <= '2026-11-02')).toBe(true)
  })

  it('totals a filtered list per currency: the same transactions as all its pages, pending counted, capped', async () => {
    const pages = async (filters: Parameters<Caller['transactions']['list']>[0]) => {
      const items = []
      let cursor: string | undefined
      do {
        const page = await api.transactions.list({ ...filters, cursor, limit: 500 })
        items.push(...page.items)
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      return items
    }
    const someone = (await api.transactions.list({ direction: 'out', limit: 50 })).items.find((i) => i.counterpartyName)!.counterpartyName!.slice(0, 4)
    for (const filters of [
      { from: '2026-11-01', to: '2026-11-20' },
      { from: '2026-10-01', to: '2026-11-20', direction: 'out' as const, q: someone },
      { from: '2026-11-15', to: '2026-11-20', minAmount: 100_000n },
    ]) {
      const items = await pages(filters)
      expect(items.length).toBeGreaterThan(0)
      const expected = new Map<string, { currency: string; count: number; inflow: bigint; outflow: bigint; pending: number }>()
      for (const i of items) {
        const c = expected.get(i.currency) ?? { currency: i.currency, count: 0, inflow: 0n, outflow: 0n, pending: 0 }
        c.count++
        if (i.amount > 0n) c.inflow += i.amount
        else c.outflow -= i.amount
        if (i.status === 'pending') c.pending++
        expected.set(i.currency, c)
      }
      const summary = await api.transactions.summary(filters)
      expect(summary).toMatchObject({ complete: true, count: items.length })
      expect(summary.currencies).toEqual([...expected.values()].sort((a, b) => a.currency.localeCompare(b.currency)))
    }
    // Past the cap it says so instead of totalling part of the list.
    const capped = await transactionsSummary(t.db, await callerScope(t.db, DEMO_CALLER), { from: '2026-11-01', to: '2026-11-20' }, 10)
    expect(capped).toEqual({ complete: false, count: null, currencies: [], maxRows: 10 })
    const unknown = await trpcError(api.transactions.summary({ accountId: 'acc_nope' }))
    expect(unknown.code).toBe('NOT_FOUND')
  })

  it('pages the whole group newest first through the date index on SQLite, with the same rows as through the account index', async () => {
    const scope = await callerScope(t.db, DEMO_CALLER)
    const plan = async () => {
      const compiled = (await listTransactionsQuery(t.db, scope, { limit: 501 })).compile()
      const rows = await t.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]))
      return rows.rows.map((r) => r.detail).join(' | ')
    }
    const firstPages = async () => {
      const out: string[] = []
      let cursor: string | undefined
      for (let i = 0; i < 3; i++) {
        const page = await api.transactions.list({ limit: 500, cursor })
        out.push(...page.items.map((item) => item.id))
        cursor = page.nextCursor ?? undefined
      }
      return out
    }
    if (kind === 'sqlite') expect(await plan()).toMatch(/SCAN t USING INDEX transactions_date/)
    const byDate = await firstPages()
    const saved = { ...DATE_ORDER_MIN_ACCOUNTS }
    DATE_ORDER_MIN_ACCOUNTS.least = Number.POSITIVE_INFINITY
    try {
      if (kind === 'sqlite') expect(await plan()).not.toMatch(/transactions_date/)
      expect(await firstPages()).toEqual(byDate)
    } finally {
      Object.assign(DATE_ORDER_MIN_ACCOUNTS, saved)
    }
  })

  it('a search no index narrows reads a budget of rows per request, and its pages together hold every match', async () => {
    const word = (await api.transactions.list({ direction: 'out', limit: 50 })).items.find((i) => i.counterpartyName)!.counterpartyName!.slice(0, 4)
    const search = async (filters: Parameters<Caller['transactions']['list']>[0]) => {
      const ids: string[] = []
      let cursor: string | undefined
      let requests = 0
      let short = 0
      const searchedBackTo: string[] = []
      do {
        const page = await api.transactions.list({ ...filters, cursor })
        requests++
        if (page.nextCursor && page.items.length < filters.limit!) {
          short++
          expect(page.searchedBackTo).not.toBeNull()
        }
        if (!page.nextCursor) expect(page.searchedBackTo).toBeNull()
        if (page.searchedBackTo !== null) {
          // How far back a page cut short has looked: not after its own items, and ever further back.
          for (const item of page.items) expect(item.bookingDate >= page.searchedBackTo).toBe(true)
          expect(page.searchedBackTo <= (searchedBackTo.at(-1) ?? END)).toBe(true)
          searchedBackTo.push(page.searchedBackTo)
        }
        ids.push(...page.items.map((i) => i.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      return { ids, requests, short }
    }
    const saved = { ...SCAN_LIMITS }
    try {
      SCAN_LIMITS.pageRows = Number.MAX_SAFE_INTEGER
      const whole = await search({ q: word, limit: 200 })
      expect(whole.ids.length).toBeGreaterThan(0)
      SCAN_LIMITS.pageRows = 2_000
      const budgeted = await search({ q: word, limit: 200 })
      expect(budgeted.ids).toEqual(whole.ids)
      // The budget ran out before pages were full, and the search went on from there.
      expect(budgeted.short).toBeGreaterThan(0)
      expect(budgeted.requests).toBeGreaterThan(whole.requests)

      // Totals over more rows than their budget are refused for such filters, not read row by row.
      SCAN_LIMITS.summaryRows = 1_000
      expect(await api.transactions.summary({ q: word })).toMatchObject({ complete: false, count: null })
      const oneDay = await api.transactions.summary({ q: word, from: END, to: END, direction: 'out' })
      expect(oneDay.complete).toBe(true)
    } finally {
      Object.assign(SCAN_LIMITS, saved)
    }
  })

  it('rejects bad input with a 4xx that names the field', async () => {
    const badCurrency = await trpcError(api.position.summary({ currency: 'XXX' as never, groupBy: 'bank' }))
    expect(badCurrency.code).toBe('BAD_REQUEST')
    expect(badCurrency.message).toContain('currency')
    const unknownEntity = await trpcError(api.position.summary({ currency: 'CNY', groupBy: 'bank', entityId: 'ent_nope' }))
    expect(unknownEntity.code).toBe('NOT_FOUND')
    expect(unknownEntity.message).toContain('ent_nope')
    const badDate = await trpcError(api.position.summary({ currency: 'CNY', groupBy: 'bank', asOf: '2026-02-30' }))
    expect(badDate.code).toBe('BAD_REQUEST')
    expect(badDate.message).toContain('asOf')
    const tooMany = await trpcError(api.transactions.list({ limit: 501 }))
    expect(tooMany.message).toContain('limit')
    const badCursor = await trpcError(api.transactions.list({ cursor: 'bm9wZQ' }))
    expect(badCursor.code).toBe('BAD_REQUEST')
    expect(badCursor.message).toContain('cursor')
    const backwards = await trpcError(api.position.trend({ currency: 'CNY', from: '2026-11-02', to: '2026-11-01' }))
    expect(backwards.message).toContain('from')
  })
})

class RollbackSentinel extends Error {}
