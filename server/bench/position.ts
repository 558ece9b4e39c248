import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { POSITION_GROUP_BY } from '@treasury/shared'
import { addDays } from '@treasury/shared/calendar'
import { createDb, migrateToLatest, refreshStatistics, type Db } from '../src/db/client.js'
import { bookedBalancesOf, listAccountDirectory, listDailyClosings } from '../src/db/queries/accounts.js'
import { ACCOUNTS_PER_READ } from '../src/db/queries/chunks.js'
import type { EntityScope } from '../src/db/queries/scope.js'
import { listDailyFlows } from '../src/db/queries/transactions.js'
import { isDatabaseEmpty } from '../src/db/queries/meta.js'
import { seedDemo } from '../src/demo/index.js'
import { callerScope, DEMO_CALLER } from '../src/services/scope.js'
import { createCallerFactory } from '../src/trpc/init.js'
import { appRouter } from '../src/trpc/_app.js'
import { describe, measure, percentile } from './stats.js'

/**
 * position.summary on the large dataset (≥ 5,000 accounts, ≥ 5,000,000 transactions, 400 days):
 * server-side time through the tRPC caller, beside the bare SQL query it runs, in the same process.
 * The database is built once into data/bench-large.db and reused (delete it to rebuild).
 */
export async function benchPosition(args: string[]): Promise<void> {
  const file = args.find((a) => a.startsWith('--db='))?.slice(5) ?? path.resolve('data/bench-large.db')
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 200)
  const fresh = !existsSync(file)
  const db = createDb({ kind: 'sqlite', file })
  await migrateToLatest(db)
  const endDate = '2026-11-20'
  if (fresh || (await isDatabaseEmpty(db))) {
    console.log(`building the large dataset into ${file} (one-off, a few minutes)…`)
    const started = Date.now()
    let last = 0
    const summary = await seedDemo(db, {
      seed: 7,
      endDate,
      scale: 'large',
      onProgress: (p: { done: number; total: number }) => {
        const pct = Math.floor((p.done / p.total) * 100)
        if (pct >= last + 10) console.log(`  ${(last = pct)}%`)
      },
    })
    await refreshStatistics(db)
    console.log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(summary)}`)
  }
  const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ')
  const counts = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('accounts').select((s) => s.fn.countAll<bigint>().as('n')).as('accounts'),
      eb.selectFrom('transactions').select((s) => s.fn.countAll<bigint>().as('n')).as('transactions'),
    ])
    .executeTakeFirstOrThrow()
  console.log(`dataset: ${counts.accounts} accounts, ${counts.transactions} transactions`)

  const caller = createCallerFactory(appRouter)({ db, caller: DEMO_CALLER })
  const scope = await callerScope(db, DEMO_CALLER)
  const asOf = endDate
  // Moves the data version the way a bank sync does, so the next request must read afresh.
  const write = () => db.insertInto('app_meta').values({ key: 'bench.touched', value: String(process.hrtime.bigint()) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') })).execute()

  // The SQL a summary runs: after a bank sync only the day's booked balances; after a change of
  // master data also the account directory.
  const directory = (await listAccountDirectory(db)).filter((a) => a.status !== 'closed')
  const bareQuery = () => bookedBalancesOf(db, scope, directory, asOf, asOf)
  const afterWrite = async () => {
    await write()
    return caller.position.summary({ currency: 'CNY', groupBy: 'entity', asOf })
  }
  // The bare query and the first request after a write alternate run by run, so that both see the
  // same load on a shared machine (their ratio is the figure that holds).
  const [bare, cold] = await measureAlternately([bareQuery, afterWrite], runs)
  console.log(`bare SQL, the day's booked balance of every account: ${describe(bare)}`)
  console.log(`position.summary, first request after a write (reads the database): ${describe(cold)}`)
  const bareWithDirectory = await measure(async () => bookedBalancesOf(db, scope, await listAccountDirectory(db), asOf, asOf), runs)
  console.log(`bare SQL, the same with the account directory: ${describe(bareWithDirectory)}`)
  const results: Record<string, number[]> = {}
  for (const groupBy of POSITION_GROUP_BY) {
    results[groupBy] = await measure(() => caller.position.summary({ currency: 'CNY', groupBy, asOf }), runs)
    console.log(`position.summary groupBy=${groupBy} (data unchanged since the last request): ${describe(results[groupBy]!)}`)
  }
  const otherCurrency = await measure(() => caller.position.summary({ currency: 'USD', groupBy: 'bank', asOf }), runs)
  console.log(`position.summary in USD groupBy=bank (data unchanged): ${describe(otherCurrency)}`)
  const worst = Math.max(...Object.values(results).map((s) => percentile(s, 95)), percentile(otherCurrency, 95))
  console.log(
    `worst p95 with data unchanged ${worst.toFixed(1)} ms (target ≤ 50 ms); after a write p95 ${percentile(cold, 95).toFixed(1)} ms (target ≤ 50 ms) — ` +
      `${(percentile(cold, 50) / percentile(bare, 50)).toFixed(2)}× the bare query's p50, ${(percentile(cold, 95) / percentile(bare, 95)).toFixed(2)}× its p95`,
  )
  await benchTrend(db, (from, to) => caller.position.trend({ currency: 'CNY', from, to }), scope, endDate, write, Number(args.find((a) => a.startsWith('--trend-runs='))?.slice(13) ?? 3))
  console.log(`load average ${loadAtStart} at the start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (${cpus().length} cores)`)
  await db.destroy()
}

/**
 * The 90-day trend after a write (no target): its time, and the longest the event loop stood still
 * meanwhile — what every other request of the server waited at most. Beside it, alternately, its two
 * big reads (daily closings, daily flows) in one query each, and as the trend reads them (a few
 * hundred accounts a query, `db/queries/chunks.ts`).
 */
async function benchTrend(
  db: Db,
  trend: (from: string, to: string) => Promise<unknown>,
  scope: EntityScope,
  endDate: string,
  write: () => Promise<unknown>,
  runs: number,
): Promise<void> {
  const from = addDays(endDate, -89)
  const reads = (accountsPerRead: number) => () =>
    Promise.all([listDailyClosings(db, scope, from, endDate, {}, undefined, { accountsPerRead }), listDailyFlows(db, scope, from, endDate, {}, { accountsPerRead })])
  const kinds = {
    'position.trend, first request after a write': async () => {
      await write()
      return trend(from, endDate)
    },
    'its reads, one query each': reads(Number.MAX_SAFE_INTEGER),
    [`its reads, ${ACCOUNTS_PER_READ} accounts a query`]: reads(ACCOUNTS_PER_READ),
  }
  const results = Object.fromEntries(Object.keys(kinds).map((k) => [k, { ms: [] as number[], stallMs: [] as number[] }]))
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, fn] of Object.entries(kinds)) {
      const run = await withLongestStall(fn)
      // The first round warms SQLite's page cache.
      if (i > 0) results[name]!.ms.push(run.ms), results[name]!.stallMs.push(run.stallMs)
    }
  }
  const median = (v: number[]) => percentile([...v].sort((a, b) => a - b), 50)
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name} (${from}..${endDate}): median ${median(r.ms).toFixed(0)} ms; longest event-loop stall median ${median(r.stallMs).toFixed(0)} ms, max ${Math.max(...r.stallMs).toFixed(0)} ms (n=${runs})`)
  }
}

/** Runs `fn` and returns its time and the longest stretch in which the event loop ran nothing else (ms). */
async function withLongestStall(fn: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  let longest = 0
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 5)
  const started = performance.now()
  await fn()
  const ended = performance.now()
  clearInterval(timer)
  return { ms: ended - started, stallMs: Math.max(longest, ended - last) }
}

/** Like `measure`, for several functions run in turn (3 unmeasured rounds first): one sorted sample list each. */
async function measureAlternately(fns: readonly (() => Promise<unknown>)[], runs: number, warmup = 3): Promise<number[][]> {
  const samples = fns.map(() => [] as number[])
  for (let i = 0; i < warmup + runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const start = process.hrtime.bigint()
      await fn()
      if (i >= warmup) samples[k]!.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b))
}
