import { createDb, parseDatabaseUrl, ping } from '@treasury/server/db/client'
import type { TestProject } from 'vitest/node'
import { DEFAULT_PG_BIN, missingPostgresBinaries, startThrowawayPostgres, type PostgresAvailability } from './postgres.js'

/**
 * Vitest global setup: makes PostgreSQL available to the integration tests.
 * - `DATABASE_URL_PG` set: that server is used (its role needs CREATEDB).
 * - otherwise a throwaway cluster from `PG_BIN` (default /usr/lib/postgresql/15/bin), stopped at teardown.
 * - no binaries: PostgreSQL tests are skipped with a loud warning, or the run fails when CI=true.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ci = /^(true|1)$/i.test(process.env.CI ?? '')
  const external = process.env.DATABASE_URL_PG?.trim()

  if (external) {
    const target = parseDatabaseUrl(external)
    if (target.kind !== 'postgres') throw new Error('DATABASE_URL_PG must be a postgres:// URL')
    await waitUntilReachable(target.url, 15_000)
    provide(project, { available: true, adminUrl: target.url, source: 'DATABASE_URL_PG' })
    return async () => {}
  }

  const binDir = process.env.PG_BIN?.trim() || DEFAULT_PG_BIN
  const missing = missingPostgresBinaries(binDir)
  if (missing.length > 0) {
    const reason = `no PostgreSQL binaries in ${binDir} (missing ${missing.join(', ')})`
    const hint = 'install postgresql-15 (apt-get install postgresql-15), or set PG_BIN or DATABASE_URL_PG'
    if (ci) throw new Error(`CI=true requires PostgreSQL for the integration tests: ${reason}; ${hint}`)
    const warning = banner(`PostgreSQL integration tests are SKIPPED: ${reason}.`, `Only SQLite was tested. To test both: ${hint}.`)
    console.warn(warning)
    provide(project, { available: false, reason })
    // Said again at the end, where it is not scrolled away by the test output.
    return async () => console.warn(warning)
  }

  const started = Date.now()
  const cluster = await startThrowawayPostgres(binDir)
  try {
    await waitUntilReachable(cluster.adminUrl, 15_000)
  } catch (error) {
    await cluster.stop()
    throw error
  }
  console.log(`[tests] throwaway PostgreSQL on 127.0.0.1:${cluster.port}, ready in ${Date.now() - started} ms`)
  provide(project, { available: true, adminUrl: cluster.adminUrl, source: 'throwaway-cluster' })
  return () => cluster.stop()
}

function provide(project: TestProject, value: PostgresAvailability): void {
  project.provide('treasuryPostgres', value)
}

/** pg_ctl -w already waited for "ready"; this proves a real client gets in (and waits for an external server). */
async function waitUntilReachable(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const db = createDb({ kind: 'postgres', url })
    try {
      await ping(db)
      return
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL at ${redact(url)} does not accept connections: ${(error as Error).message}`)
      }
    } finally {
      await db.destroy()
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

function banner(...lines: string[]): string {
  const rule = '!'.repeat(100)
  return ['', rule, ...lines.map((line) => `!!! ${line}`), rule, ''].join('\n')
}
