import type { Server } from 'node:http'
import { createDb, migrateToLatest, ping, type Db, type DatabaseTarget } from './db/client.js'
import { seedDemo } from './demo/index.js'
import { isDatabaseEmpty, readAppMeta } from './db/queries/meta.js'
import { startDemoBanks } from './connectors/banks/demo.js'
import { loadConnectorRegistry, type ConnectorRegistry } from './connectors/sdk/registry.js'
import { registerConnection } from './services/sync/connections.js'
import { startSyncEngine } from './services/sync/engine.js'
import { keepWarm } from './services/balance-snapshot.js'
import { createApp } from './app.js'
import { ConfigError, loadEnv } from './env.js'
import { addDays, todayIn } from './services/clock.js'

/** Starts the BFF: validate config, open and migrate the database, seed the demo group once, listen. */
async function main(): Promise<void> {
  const env = loadEnv()
  const db = createDb(env.DATABASE_URL)
  await connect(db, env.DATABASE_URL)
  await migrateToLatest(db)
  const registry = await loadConnectorRegistry()
  const demoBanks = env.DEMO ? await startDemo(db, registry, env.DEMO_SEED) : null
  const sync = await startSyncEngine(db, {
    registry,
    logLevel: env.LOG_LEVEL,
    runRetention: { keepDays: env.SYNC_RUNS_KEEP_DAYS, keepNewest: env.SYNC_RUNS_KEEP_MIN },
  })
  // After a sync or an import, what people were looking at is computed again before they ask.
  const stopWarming = keepWarm(db)
  const app = createApp(db, { importMaxBytes: env.IMPORT_MAX_BYTES })
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s))
    s.once('error', reject)
  })
  console.log(`Treasury Cloud listening on http://${env.HOST}:${env.PORT} (${describeTarget(env.DATABASE_URL)})`)
  const stop = () => {
    server.close()
    stopWarming()
    void sync
      .stop()
      .then(() => demoBanks?.stop())
      .finally(() => db.destroy())
      .finally(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/**
 * Demo mode: the demo group's master data is seeded once into an empty database; its balances and
 * transactions then arrive the way real ones do — from five simulated banks on loopback, through
 * the connectors and the sync engine (faults on demand with MOCK_BANK_FAULTS).
 */
async function startDemo(db: Db, registry: ConnectorRegistry, seed: number) {
  if (await isDatabaseEmpty(db)) {
    // History through yesterday: today's closing balances do not exist yet.
    const summary = await seedDemo(db, { seed, endDate: addDays(todayIn(), -1), scale: 'demo', activity: false })
    console.log(`seeded the demo group's master data (seed ${seed}): ${summary.entities} member companies, ${summary.banks} banks, ${summary.accounts} accounts`)
  }
  const demoSeed = Number((await readAppMeta(db, 'demo.seed')) ?? seed)
  const endDate = (await readAppMeta(db, 'demo.endDate')) ?? addDays(todayIn(), -1)
  const banks = await startDemoBanks({ seed: demoSeed, endDate })
  for (const connection of banks.connections) await registerConnection(db, registry, connection)
  console.log(`started ${banks.connections.length} simulated bank connections; the sync engine backfills their history`)
  return banks
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
