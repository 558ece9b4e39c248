import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { silentLogger } from '../src/connectors/sdk/runtime.js'
import { loadConnectorRegistry } from '../src/connectors/sdk/registry.js'
import { startDemoBanks } from '../src/connectors/banks/demo.js'
import { createDb, migrateToLatest } from '../src/db/client.js'
import { generateDemo, seedDemo } from '../src/demo/index.js'
import { addDays } from '../src/services/clock.js'
import { registerConnection } from '../src/services/sync/connections.js'
import { SyncEngine } from '../src/services/sync/engine.js'
import type { SyncRunOutcome } from '../src/services/sync/sync-connection.js'

/**
 * The demo group's data through the five bank connectors and the sync engine, on SQLite:
 * 1. a full initial backfill of 400 days for every demo bank at once (target ≤ 60 s), checked
 *    against the simulators' ground truth (every entry and balance arrived, none twice);
 * 2. an intraday refresh of every bank an hour later (target ≤ 5 s).
 * Only master data (companies, banks, accounts) is seeded directly, as in demo mode.
 *
 * `pnpm bench connectors [--seed=42] [--end=2026-11-20] [--db=:memory:] [--concurrency=12] [--banks=worker|in-process] [--profile=dir]`
 * `--banks=in-process` runs the simulators on the main thread instead of their worker (to profile them).
 * `--profile` writes a V8 CPU profile of the main thread for each phase (backfill, intraday) into
 * `dir`, covering only the measured window (open it in Chrome DevTools or speedscope).
 */

function option(args: string[], name: string, fallback: string): string {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/**
 * CPU time of this process's main thread and of all its other threads (the simulators' worker,
 * V8's GC helpers, libuv's pool), in ms: Linux /proc, null elsewhere.
 */
function threadCpuMs(): { main: number; other: number } | null {
  try {
    const out = { main: 0, other: 0 }
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      // utime and stime: fields 14 and 15 of stat (indexes 11 and 12 after the name), in 1/100 s.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ms = (Number(fields[11]) + Number(fields[12])) * 10
      if (tid === String(process.pid)) out.main += ms
      else out.other += ms
    }
    return out
  } catch {
    return null
  }
}

function threadCpuSince(before: ReturnType<typeof threadCpuMs>): { main: number; other: number } | null {
  const after = threadCpuMs()
  return before && after ? { main: after.main - before.main, other: after.other - before.other } : null
}

function describeThreads(used: { main: number; other: number } | null): string {
  return used ? `: main thread ${seconds(used.main)}, other threads ${seconds(used.other)}` : ''
}

export interface ConnectorBenchResult {
  /** Load average of the machine when the backfill ended (other work skews wall times). */
  loadAverage: number
  backfillMs: number
  backfillCpuMs: number
  /** CPU of the main thread (engine, connectors, database) and of the other threads (simulators, GC helpers); null off Linux. */
  backfillThreadsCpuMs: { main: number; other: number } | null
  intradayMs: number
  intradayCpuMs: number
  connections: number
  accounts: number
  transactions: number
  balances: number
  requests: number
  perConnector: Record<string, { backfillMs: number; intradayMs: number; accounts: number; transactions: number; pages: number; requests: number }>
}

/**
 * `pnpm bench connectors …`: runs the benchmark and prints its numbers (see docs/PERFORMANCE.md).
 *
 * @example
 * await benchConnectors(['--seed=42', '--end=2026-11-20'])
 */
export async function benchConnectors(args: string[]): Promise<void> {
  await runConnectorBench(args)
}

/**
 * The benchmark itself; returns the numbers it printed (for tests and reports).
 *
 * @example
 * const { backfillMs, intradayMs } = await runConnectorBench(['--end=2026-11-20'])
 */
export async function runConnectorBench(args: string[]): Promise<ConnectorBenchResult> {
  const seed = Number(option(args, 'seed', '42'))
  const endDate = option(args, 'end', '2026-11-20')
  const file = option(args, 'db', ':memory:')
  const demo = generateDemo({ seed, endDate })
  const db = createDb({ kind: 'sqlite', file })
  // The banks as in demo mode (in a worker thread, their books generated at start), and an
  // in-process copy whose ground truth checks what arrived.
  const starting = performance.now()
  const isolation = option(args, 'banks', 'worker')
  if (isolation !== 'worker' && isolation !== 'in-process') throw new Error(`--banks must be worker or in-process, not "${isolation}"`)
  const banks = await startDemoBanks({ seed, endDate, today: endDate, faults: '', warm: true, isolation })
  const startedIn = performance.now() - starting
  const reference = await startDemoBanks({ seed, endDate, today: endDate, faults: '', isolation: 'in-process' })
  try {
    await migrateToLatest(db)
    // What demo mode seeds directly: the group's master data (and FX rates); history comes from the banks.
    await seedDemo(db, { seed, endDate, scale: 'demo', activity: false })
    const registry = await loadConnectorRegistry({ only: [...new Set(banks.connections.map((c) => c.connectorId))] })
    // 12:00 in the group's time zone on the demo's last day.
    let now = new Date(`${endDate}T04:00:00Z`)
    for (const connection of banks.connections) await registerConnection(db, registry, { ...connection, backfillDays: 400 }, now)
    const concurrency = Number(option(args, 'concurrency', String(banks.connections.length)))
    const engine = new SyncEngine({ db, registry, now: () => now, concurrency, logger: silentLogger, callTimeoutMs: 60_000 })
    const requestsOf = () => banks.requestCounts()

    const profileDir = option(args, 'profile', '')
    const profiler = profileDir ? new Session() : null
    if (profiler) {
      mkdirSync(profileDir, { recursive: true })
      profiler.connect()
      await profiler.post('Profiler.enable')
    }
    const run = async (kind: 'backfill' | 'intraday') => {
      const before = await requestsOf()
      if (profiler) await profiler.post('Profiler.start')
      const times = new Map<string, number>()
      const cpu = process.cpuUsage()
      const threads = threadCpuMs()
      const loop = performance.eventLoopUtilization()
      const started = performance.now()
      // Every connection at once, like the scheduler with one slot per bank; each run times itself.
      const outcomes = await Promise.all(
        banks.connections.map(async (c) => {
          const t0 = performance.now()
          const outcome = await engine.syncNow(c.id, kind)
          times.set(c.id, performance.now() - t0)
          return { connection: c, outcome }
        }),
      )
      const elapsed = performance.now() - started
      const used = process.cpuUsage(cpu)
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop')
        const file = path.resolve(profileDir, `connectors-${kind}.cpuprofile`)
        writeFileSync(file, JSON.stringify(profile))
        console.log(`  CPU profile of the ${kind} (main thread): ${file}`)
      }
      const cpuMs = (used.user + used.system) / 1000
      const threadsCpu = threadCpuSince(threads)
      const perThread = describeThreads(threadsCpu)
      const busy = performance.eventLoopUtilization(loop).utilization
      const after = await requestsOf()
      const failed = outcomes.filter((o) => o.outcome.status !== 'ok')
      if (failed.length) {
        throw new Error(`${kind}: ${failed.map((f) => `${f.connection.id} ${f.outcome.status} ${f.outcome.error?.kind}: ${f.outcome.error?.message ?? f.outcome.warnings[0]}`).join('; ')}`)
      }
      return { elapsed, cpuMs, threadsCpu, perThread, busy, outcomes, times, requests: Object.fromEntries(Object.keys(after).map((id) => [id, after[id]! - (before[id] ?? 0)])) }
    }

    const connectors = new Set(banks.connections.map((c) => c.connectorId)).size
    console.log(`demo group: ${demo.accounts.length} accounts at ${demo.banks.length} banks, ${banks.connections.length} connections through ${connectors} connectors, 400 days to ${endDate}`)
    console.log(`simulators started (${banks.isolation}, books generated) in ${seconds(startedIn)} — not part of the backfill`)
    const backfill = await run('backfill')
    const counts = await db
      .selectNoFrom((eb) => [
        eb.selectFrom('transactions').select((s) => s.fn.countAll<bigint>().as('n')).as('transactions'),
        eb.selectFrom('balances').select((s) => s.fn.countAll<bigint>().as('n')).as('balances'),
      ])
      .executeTakeFirstOrThrow()

    // Nothing lost, nothing twice: what is stored equals what the banks hold.
    const from = addDays(endDate, -400)
    let expectedTransactions = 0
    let expectedBalances = 0
    for (const sim of reference.simulators) {
      for (const connection of sim.connections) {
        for (const account of connection.truth.accounts()) {
          expectedTransactions += connection.truth.transactions(account.ref, from, endDate).length
          expectedBalances += connection.truth.balances(account.ref, from, endDate).length
        }
      }
    }
    const stored = { transactions: Number(counts.transactions), balances: Number(counts.balances) }
    if (stored.transactions !== expectedTransactions || stored.balances !== expectedBalances) {
      throw new Error(`backfill stored ${stored.transactions} entries and ${stored.balances} balances, the banks hold ${expectedTransactions} and ${expectedBalances}`)
    }
    console.log(`backfill: ${seconds(backfill.elapsed)} (target ≤ 60 s) — ${stored.transactions} entries, ${stored.balances} balances stored, equal to the banks' books`)
    console.log(`  CPU ${seconds(backfill.cpuMs)} (all threads${backfill.perThread}), main event loop busy ${(backfill.busy * 100).toFixed(0)} %, load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`)

    now = new Date(now.getTime() + 3_600_000)
    const intraday = await run('intraday')
    const intradayRequests = Object.values(intraday.requests).reduce((sum, n) => sum + n, 0)
    console.log(`intraday refresh of every bank: ${seconds(intraday.elapsed)} (target ≤ 5 s), ${intradayRequests} requests — CPU ${seconds(intraday.cpuMs)}${intraday.perThread}, main event loop busy ${(intraday.busy * 100).toFixed(0)} %`)

    const perConnector: ConnectorBenchResult['perConnector'] = {}
    const add = (outcome: SyncRunOutcome, connectorId: string, phase: 'backfill' | 'intraday', ms: number) => {
      const entry = (perConnector[connectorId] ??= { backfillMs: 0, intradayMs: 0, accounts: 0, transactions: 0, pages: 0, requests: 0 })
      if (phase === 'backfill') {
        entry.backfillMs = Math.max(entry.backfillMs, ms)
        entry.accounts += outcome.counts.accounts
        entry.transactions += outcome.counts.transactionsNew
        entry.pages += outcome.counts.pages
      } else entry.intradayMs = Math.max(entry.intradayMs, ms)
    }
    for (const phase of [backfill, intraday]) {
      for (const { connection, outcome } of phase.outcomes) add(outcome, connection.connectorId, phase === backfill ? 'backfill' : 'intraday', phase.times.get(connection.id)!)
    }
    for (const [id, n] of Object.entries(backfill.requests)) perConnector[id]!.requests = n
    for (const [id, p] of Object.entries(perConnector)) {
      console.log(`  ${id.padEnd(10)} ${String(p.accounts).padStart(3)} accounts ${String(p.transactions).padStart(6)} entries ${String(p.pages).padStart(5)} pages ${String(p.requests).padStart(6)} requests — backfill ${seconds(p.backfillMs)}, intraday ${seconds(p.intradayMs)}`)
    }
    const result: ConnectorBenchResult = {
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
      backfillMs: Math.round(backfill.elapsed),
      backfillCpuMs: Math.round(backfill.cpuMs),
      backfillThreadsCpuMs: backfill.threadsCpu,
      intradayMs: Math.round(intraday.elapsed),
      intradayCpuMs: Math.round(intraday.cpuMs),
      connections: banks.connections.length,
      accounts: Object.values(perConnector).reduce((s, p) => s + p.accounts, 0),
      transactions: stored.transactions,
      balances: stored.balances,
      requests: Object.values(backfill.requests).reduce((s, n) => s + n, 0),
      perConnector,
    }
    console.log(JSON.stringify(result))
    profiler?.disconnect()
    await engine.stop()
    return result
  } finally {
    await banks.stop()
    await reference.stop()
    await db.destroy()
  }
}
