import type { Server } from 'node:http'
import { createDb, migrateToLatest, ping, refreshStatistics, type Db, type DatabaseTarget } from './db/client.js'
import { seedDemo } from './demo/index.js'
import { isDatabaseEmpty } from './db/queries/meta.js'
import { createApp } from './app.js'
import { ConfigError, loadEnv } from './env.js'
import { addDays, todayIn } from './services/clock.js'

/** Starts the BFF: validate config, open and migrate the database, seed the demo group once, listen. */
async function main(): Promise<void> {
  const env = loadEnv()
  const db = createDb(env.DATABASE_URL)
  await connect(db, env.DATABASE_URL)
  await migrateToLatest(db)
  if (env.DEMO && (await isDatabaseEmpty(db))) {
    const started = Date.now()
    // History through yesterday: today's closing balances do not exist yet.
    const summary = await seedDemo(db, { seed: env.DEMO_SEED, endDate: addDays(todayIn(), -1), scale: 'demo' })
    await refreshStatistics(db)
    console.log(`seeded the demo group (seed ${env.DEMO_SEED}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(summary)}`)
  }
  const app = createApp(db)
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s))
    s.once('error', reject)
  })
  console.log(`Treasury Cloud listening on http://${env.HOST}:${env.PORT} (${describeTarget(env.DATABASE_URL)})`)
  const stop = () => {
    server.close()
    void db.destroy().finally(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function connect(db: Db, target: DatabaseTarget): Promise<void> {
  try {
    await ping(db)
  } catch (error) {
    throw new ConfigError(`cannot open the database (${describeTarget(target)}): ${(error as Error).message || (error as { code?: string }).code}`)
  }
}

function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `SQLite ${target.file}`
  const url = new URL(target.url)
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`
}

main().catch((error: unknown) => {
  // One clear line, no stack dump: config and connection problems are the operator's to fix.
  const message = error instanceof Error ? error.message : String(error)
  console.error(`treasury-cloud: ${error instanceof ConfigError ? '' : 'failed to start: '}${message}`)
  process.exit(1)
})
