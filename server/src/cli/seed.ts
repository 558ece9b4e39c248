import { parseArgs } from 'node:util'
import { isoDate } from '@treasury/shared'
import { createDb, migrateToLatest, parseDatabaseUrl, type DatabaseTarget, type Db, refreshStatistics } from '../db/client.js'
import { seedDemo, type SeedProgress } from '../demo/index.js'

/**
 * Seeds the demo group into an empty database.
 *
 *   tsx src/cli/seed.ts [--scale demo|large] [--seed N] [--end YYYY-MM-DD] [--database sqlite:path|postgres://…]
 *
 * Defaults: demo scale, seed 42, end date today (UTC), DATABASE_URL or sqlite:./data/treasury.db.
 * Progress goes to stderr, the summary to stdout; any failure is one line on stderr and exit code 1.
 */

const USAGE = 'usage: seed [--scale demo|large] [--seed N] [--end YYYY-MM-DD] [--database sqlite:path|postgres://…]'

class UsageError extends Error {}

interface SeedArgs {
  scale: 'demo' | 'large'
  seed: number
  endDate: string
  target: DatabaseTarget
}

function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): SeedArgs {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: { scale: { type: 'string' }, seed: { type: 'string' }, end: { type: 'string' }, database: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (${USAGE})`)
  }
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const scale = values.scale ?? 'demo'
  if (scale !== 'demo' && scale !== 'large') throw new UsageError(`--scale must be "demo" or "large", got "${scale}"`)
  const seedText = values.seed ?? '42'
  if (!/^\d{1,15}$/.test(seedText)) throw new UsageError(`--seed must be a non-negative integer, got "${seedText}"`)
  const endDate = values.end ?? new Date().toISOString().slice(0, 10)
  if (!isoDate.safeParse(endDate).success) throw new UsageError(`--end must be a real date as YYYY-MM-DD, got "${endDate}"`)
  const url = values.database ?? env.DATABASE_URL ?? 'sqlite:./data/treasury.db'
  let target: DatabaseTarget
  try {
    target = parseDatabaseUrl(url)
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^DATABASE_URL/, '--database'))
  }
  return { scale, seed: Number(seedText), endDate, target }
}

function describe(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `SQLite ${target.file}`
  const url = new URL(target.url)
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`
}

const thousands = (n: number) => n.toLocaleString('en-US')

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), process.env)
  const started = Date.now()
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`
  console.error(`seeding the ${args.scale}-scale demo group (seed ${args.seed}, ending ${args.endDate}) into ${describe(args.target)}…`)
  let db: Db | undefined
  try {
    db = createDb(args.target)
    await migrateToLatest(db)
    let lastShown = -1
    const onProgress = (p: SeedProgress) => {
      if (p.phase === 'reference') console.error(`  companies, banks, accounts and FX rates written (${elapsed()})`)
      if (p.phase !== 'activity') return
      const percent = Math.floor((p.done / p.total) * 100)
      if (percent < lastShown + 10 && p.done < p.total) return
      lastShown = percent
      console.error(`  ${String(percent).padStart(3)}%  ${thousands(p.done)}/${thousands(p.total)} accounts, ${thousands(p.balances)} balances, ${thousands(p.transactions)} transactions (${elapsed()})`)
    }
    const summary = await seedDemo(db, { seed: args.seed, endDate: args.endDate, scale: args.scale, onProgress })
    await refreshStatistics(db)
    console.log(
      [
        `seeded the ${summary.scale}-scale demo group (seed ${summary.seed}, ${summary.startDate} … ${summary.endDate}) in ${elapsed()}:`,
        `  ${thousands(summary.entities)} member companies, ${thousands(summary.banks)} banks, ${thousands(summary.accounts)} accounts`,
        `  ${thousands(summary.balances)} balances, ${thousands(summary.transactions)} transactions, ${thousands(summary.fxRates)} FX rates`,
        `  ${summary.staleBankId} figures deliberately end on ${summary.staleThrough} (stale feed)`,
      ].join('\n'),
    )
  } finally {
    await db?.destroy()
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error)
  console.error(`seed: ${message.split('\n')[0]}`)
  process.exit(1)
})
