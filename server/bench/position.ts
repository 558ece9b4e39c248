import { existsSync } from 'node:fs'
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
  const bare = await measure(() => bookedBalancesOf(db, scope, directory, asOf, asOf), runs)
  console.log(`bare SQL, the day's booked balance of every account: ${describe(bare)}`)
  const bareWithDirectory = await measure(async () => bookedBalancesOf(db, scope, await listAccountDirectory(db), asOf, asOf), runs)
  console.log(`bare SQL, the same with the account directory: ${describe(bareWithDirectory)}`)
  const cold = await measure(async () => {
    await write()
    return caller.position.summary({ currency: 'CNY', groupBy: 'entity', asOf })
  }, Math.max(10, Math.round(runs / 2)))
  console.log(`position.summary, first request after a write (reads the database): ${describe(cold)}`)
  const results: Record<string, number[]> = {}
  for (const groupBy of POSITION_GROUP_BY) {
    results[groupBy] = await measure(() => caller.position.summary({ currency: 'CNY', groupBy, asOf }), runs)
    console.log(`position.summary groupBy=${groupBy} (data unchanged since the last request): ${describe(results[groupBy]!)}`)
  }
  const otherCurrency = await measure(() => caller.position.summary({ currency: 'USD', groupBy: 'bank', asOf }), runs)
  console.log(`position.summary in USD groupBy=bank (data unchanged): ${describe(otherCurrency)}`)
  const worst = Math.max(...Object.values(results).map((s) => percentile(s, 95)), percentile(otherCurrency, 95))
  console.log(`worst p95 with data unchanged ${worst.toFixed(1)} ms (target ≤ 50 ms); after a write p95 ${percentile(cold, 95).toFixed(1)} ms — ${(percentile(cold, 95) / percentile(bare, 95)).toFixed(2)}× the bare query's p95`)
  await db.destroy()
}
