import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { POSITION_GROUP_BY } from '@treasury/shared'
import { createDb, migrateToLatest, refreshStatistics } from '../src/db/client.js'
import { bookedBalancesOf, listAccountDirectory } from '../src/db/queries/accounts.js'
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
  console.log(`load average ${loadAtStart} at the start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (${cpus().length} cores)`)
  await db.destroy()
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
