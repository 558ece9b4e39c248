import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { UnavailableError, type ConnectorLogger } from '@treasury/shared'
import { CallAbortedError, createConsoleLogger, silentLogger } from '../../connectors/sdk/runtime.js'
import { loadConnectorRegistry, type ConnectorRegistry } from '../../connectors/sdk/registry.js'
import type { Db } from '../../db/client.js'
import {
  claimLease,
  failAbandonedRuns,
  findConnection,
  insertRun,
  listConnections,
  listDueConnections,
  pruneRuns,
  recordConnectionRun,
  releaseLease,
  renewLease,
  scheduleConnection,
  setCircuitOpenUntil,
  type Connection,
  type SyncRunKind,
} from '../../db/queries/connectors.js'
import { GROUP_TIME_ZONE } from '../clock.js'
import { NotFoundError } from '../errors.js'
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER, type CircuitBreakerOptions } from './circuit-breaker.js'
import { credentialCipherFor, sealPlainCredentials, type CredentialCipher } from './credentials.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js'
import { nextScheduledRun, planNextRun } from './schedule.js'
import { LeaseLostError, runConnectionSync, type SyncRunOutcome, type SyncRunSettings } from './sync-connection.js'

/**
 * The sync engine: every `tickMs` it claims the connections that are due (lease row, one
 * conditional UPDATE — so with several processes on one database each connection is synced by
 * one of them at a time), runs at most `concurrency` of them at once, each under a run deadline,
 * records the outcome, feeds the per-bank circuit breaker and schedules the next run. Runs of
 * different banks share nothing but the database: one bank failing or hanging never holds up another.
 *
 * @example
 * const engine = new SyncEngine({ db, registry: await loadConnectorRegistry() })
 * engine.start()
 * …
 * await engine.stop()
 */
export interface SyncEngineOptions {
  db: Db
  registry: ConnectorRegistry
  /** This process's name in leases and run records (default host:pid:random). */
  owner?: string
  now?: () => Date
  random?: () => number
  /** Connections synced at the same time by this process (default 4). */
  concurrency?: number
  /** How often due connections are looked for (default 2 s). */
  tickMs?: number
  /** How long a claim holds without renewal; renewed while the run makes progress (default 60 s). */
  leaseMs?: number
  /** Deadline of one run (default 10 min). */
  runTimeoutMs?: number
  /** Deadline of one connector call, e.g. one page (default 20 s). */
  callTimeoutMs?: number
  retry?: Partial<RetryPolicy>
  circuitBreaker?: Partial<CircuitBreakerOptions>
  /** Days before today always fetched again (default 2). */
  overlapDays?: number
  maxBreakAttempts?: number
  maxPagesPerWindow?: number
  /** The group's time zone, which decides "today" (default Asia/Shanghai). */
  timeZone?: string
  logger?: ConnectorLogger
  /** HTTP for connectors as a WHATWG fetch (default: the SDK's node:http transport). */
  fetch?: typeof globalThis.fetch
  /** Seals and opens connection credentials (default: the database's, see credentials.ts). */
  credentialCipher?: CredentialCipher
  /**
   * Run records kept: every run of the last `keepDays` days, and whatever their age the newest
   * `keepNewest` of each connection; older ones are deleted after each run (default 30 days, 50).
   */
  runRetention?: RunRetention
}

/** How long run records are kept (see {@link SyncEngineOptions.runRetention}). @example { keepDays: 30, keepNewest: 50 } */
export interface RunRetention {
  keepDays: number
  keepNewest: number
}

export const DEFAULT_RUN_RETENTION: RunRetention = { keepDays: 30, keepNewest: 50 }

export class SyncEngine {
  readonly owner: string
  private readonly db: Db
  private readonly registry: ConnectorRegistry
  private readonly now: () => Date
  private readonly random: () => number
  private readonly concurrency: number
  private readonly tickMs: number
  private readonly leaseMs: number
  private readonly runTimeoutMs: number
  private readonly settings: SyncRunSettings
  private readonly logger: ConnectorLogger
  private readonly fetch: typeof globalThis.fetch | undefined
  private readonly cipher: CredentialCipher | undefined
  private readonly retention: RunRetention
  private readonly breaker: CircuitBreaker
  private readonly active = new Map<string, Promise<SyncRunOutcome | null>>()
  private readonly shutdown = new AbortController()
  private timer: NodeJS.Timeout | null = null
  private ticking: Promise<void> | null = null
  private stopped = false

  constructor(options: SyncEngineOptions) {
    this.db = options.db
    this.registry = options.registry
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.now = options.now ?? (() => new Date())
    this.random = options.random ?? Math.random
    this.concurrency = Math.max(1, options.concurrency ?? 4)
    this.tickMs = options.tickMs ?? 2_000
    this.leaseMs = options.leaseMs ?? 60_000
    this.runTimeoutMs = options.runTimeoutMs ?? 10 * 60_000
    this.settings = {
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      callTimeoutMs: options.callTimeoutMs ?? 20_000,
      overlapDays: options.overlapDays ?? 2,
      maxBreakAttempts: options.maxBreakAttempts ?? 12,
      maxPagesPerWindow: options.maxPagesPerWindow ?? 10_000,
      timeZone: options.timeZone ?? GROUP_TIME_ZONE,
    }
    this.logger = options.logger ?? silentLogger
    this.fetch = options.fetch
    this.cipher = options.credentialCipher
    this.retention = options.runRetention ?? DEFAULT_RUN_RETENTION
    if (!(this.retention.keepDays >= 1 && this.retention.keepNewest >= 1)) {
      throw new RangeError(`runRetention keeps at least one day and one run, got ${JSON.stringify(this.retention)}`)
    }
    this.breaker = new CircuitBreaker({ ...DEFAULT_CIRCUIT_BREAKER, ...options.circuitBreaker })
  }

  private credentials(): Promise<CredentialCipher> {
    return this.cipher ? Promise.resolve(this.cipher) : credentialCipherFor(this.db)
  }

  /**
   * Starts the periodic scheduler. Credentials stored in clear by an older version are sealed.
   * Connections with a schedule but no next run yet (new ones) are scheduled now. Returns at once;
   * runs happen in the background.
   */
  async start(): Promise<this> {
    if (this.stopped) throw new Error('a stopped SyncEngine cannot be started again')
    const nowIso = this.now().toISOString()
    const connections = await listConnections(this.db)
    const cipher = await this.credentials()
    this.logger.info(`bank credentials are sealed (AES-256-GCM) with ${cipher.source}`)
    const { sealed, failed } = await sealPlainCredentials(this.db, cipher)
    for (const f of failed) this.logger.error(`could not seal the credentials of ${f.id}`, { error: f.error })
    if (sealed.length) this.logger.info(`sealed the credentials of ${sealed.length} connection(s) stored in clear by an older version`)
    for (const connection of connections) {
      if (!connection.enabled || connection.nextRunAt !== null) continue
      if (connection.intradayEveryMinutes === null && connection.endOfDayUtc === null) continue
      await scheduleConnection(this.db, connection.id, nowIso, connection.lastRunAt ? 'retry' : 'backfill')
    }
    const loop = () => {
      if (this.stopped) return
      this.ticking = this.tick()
        .catch((error: unknown) => this.logger.error('sync scheduler pass failed', { error: (error as Error).message }))
        .finally(() => {
          this.ticking = null
          if (!this.stopped) this.timer = setTimeout(loop, this.tickMs).unref()
        })
    }
    this.timer = setTimeout(loop, 0).unref()
    return this
  }

  /** Stops scheduling, cancels runs in progress (they record themselves as aborted) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.shutdown.abort(new CallAbortedError('the sync engine is stopping'))
    await this.ticking
    await Promise.allSettled([...this.active.values()])
  }

  /** Connection ids this process is syncing right now. */
  running(): string[] {
    return [...this.active.keys()]
  }

  /** Resolves when no run of this process is in progress. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()])
  }

  /** One scheduler pass: claims due connections up to the free slots and starts them (without waiting). */
  async tick(): Promise<void> {
    const launched = await this.launchDue()
    for (const run of launched) {
      run.catch((error: unknown) => this.logger.error('a sync run failed on the database', { error: (error as Error).message }))
    }
  }

  /** One scheduler pass that waits for the runs it started (tests, CLI). */
  async runDue(): Promise<SyncRunOutcome[]> {
    const launched = await this.launchDue()
    const results = await Promise.all(launched)
    return results.filter((r): r is SyncRunOutcome => r !== null)
  }

  private async launchDue(): Promise<Promise<SyncRunOutcome | null>[]> {
    if (this.stopped) return []
    const free = this.concurrency - this.active.size
    if (free <= 0) return []
    const now = this.now()
    const due = await listDueConnections(this.db, now.toISOString(), free + this.active.size)
    const launched: Promise<SyncRunOutcome | null>[] = []
    for (const connection of due) {
      if (launched.length >= free) break
      if (this.active.has(connection.id)) continue
      const manual = connection.nextRunKind === 'manual'
      if (!manual && !this.breaker.canRun(connection.connectorId, now)) {
        const until = this.breaker.openUntil(connection.connectorId)
        await scheduleConnection(this.db, connection.id, (until ?? now).toISOString(), connection.nextRunKind)
        continue
      }
      launched.push(this.launch(connection, connection.nextRunKind ?? 'manual', manual))
    }
    return launched
  }

  /**
   * Syncs one connection now in this process and waits for the outcome. If this process is already
   * syncing it, that run's outcome is returned; if another process holds it, a `skipped` run is
   * recorded. Bypasses an open circuit (it is an operator's explicit probe).
   *
   * @example
   * const outcome = await engine.syncNow('conn_acme')
   */
  async syncNow(connectionId: string, kind: SyncRunKind = 'manual'): Promise<SyncRunOutcome> {
    const inFlight = this.active.get(connectionId)
    if (inFlight) {
      const outcome = await inFlight
      if (outcome) return outcome
    }
    const connection = await findConnection(this.db, connectionId)
    if (!connection) throw new NotFoundError(`unknown connection "${connectionId}"`)
    const outcome = await this.launch(connection, kind, true)
    if (outcome) return outcome
    const now = this.now().toISOString()
    const holder = (await findConnection(this.db, connectionId))?.leaseOwner ?? 'another process'
    const message = `${holder} is syncing this connection`
    const runId = await insertRun(this.db, {
      connectionId,
      connectorId: connection.connectorId,
      kind,
      owner: this.owner,
      startedAt: now,
      finishedAt: now,
      status: 'skipped',
      errorKind: 'leased',
      error: message,
    })
    return {
      runId,
      connectionId,
      status: 'skipped',
      counts: { accounts: 0, accountsFailed: 0, accountsUnmatched: 0, pages: 0, balances: 0, transactionsNew: 0, transactionsUpdated: 0, transactionsUnchanged: 0, pendingRemoved: 0, duplicatePages: 0, retries: 0 },
      error: { kind: 'leased', message, retryAfterMs: null },
      warnings: [],
    }
  }

  /** Claims and runs; null when another process holds the connection. */
  private launch(connection: Connection, kind: SyncRunKind, manual: boolean): Promise<SyncRunOutcome | null> {
    const existing = this.active.get(connection.id)
    if (existing) return existing
    const work = (async (): Promise<SyncRunOutcome | null> => {
      const start = this.now()
      const claimed = await claimLease(this.db, connection.id, this.owner, start.toISOString(), new Date(start.getTime() + this.leaseMs).toISOString())
      if (!claimed) return null
      try {
        // Fresh state under the lease: another process may have run it since we read it.
        const fresh = (await findConnection(this.db, connection.id)) ?? connection
        await failAbandonedRuns(this.db, fresh.id, this.owner, start.toISOString())
        const outcome = await this.execute(fresh, kind, manual)
        await this.prune(fresh.id)
        return outcome
      } finally {
        await releaseLease(this.db, connection.id, this.owner).catch(() => {})
      }
    })()
    const tracked = work.finally(() => {
      if (this.active.get(connection.id) === tracked) this.active.delete(connection.id)
    })
    this.active.set(connection.id, tracked)
    return tracked
  }

  private async execute(connection: Connection, kind: SyncRunKind, manual: boolean): Promise<SyncRunOutcome> {
    const connectorId = connection.connectorId
    const deadline = new AbortController()
    const deadlineTimer = setTimeout(
      () => deadline.abort(new UnavailableError(`the run exceeded its ${Math.round(this.runTimeoutMs / 1000)} s deadline`)),
      this.runTimeoutMs,
    )
    const signal = AbortSignal.any([this.shutdown.signal, deadline.signal])
    let lastRenewal = Date.now()
    const heartbeat = async () => {
      if (Date.now() - lastRenewal < this.leaseMs / 3) return
      const until = new Date(this.now().getTime() + this.leaseMs).toISOString()
      if (!(await renewLease(this.db, connection.id, this.owner, until))) throw new LeaseLostError(`lost the lease on ${connection.id}`)
      lastRenewal = Date.now()
    }
    const logger = this.logger === silentLogger ? silentLogger : prefixLogger(this.logger, `[sync ${connection.id}]`)
    let outcome: SyncRunOutcome
    try {
      const connector = this.registry.find(connectorId)
      if (!connector) {
        const now = this.now().toISOString()
        const runId = await insertRun(this.db, { connectionId: connection.id, connectorId, kind, owner: this.owner, startedAt: now, finishedAt: now, status: 'failed', errorKind: 'config', error: `no connector "${connectorId}" is installed` })
        outcome = { runId, connectionId: connection.id, status: 'failed', counts: zeroCounts(), error: { kind: 'config', message: `no connector "${connectorId}" is installed`, retryAfterMs: null }, warnings: [] }
      } else {
        outcome = await runConnectionSync({
          db: this.db,
          connector,
          connection,
          cipher: await this.credentials(),
          kind,
          owner: this.owner,
          settings: this.settings,
          signal,
          now: this.now,
          random: this.random,
          logger,
          ...(this.fetch ? { fetch: this.fetch } : {}),
          heartbeat,
        })
      }
    } finally {
      clearTimeout(deadlineTimer)
    }
    await this.afterRun(connection, outcome, manual)
    return outcome
  }

  /** Deletes run records past the retention (a failure is logged: it must not fail the run). */
  private async prune(connectionId: string): Promise<void> {
    const before = new Date(this.now().getTime() - this.retention.keepDays * 86_400_000).toISOString()
    try {
      const deleted = await pruneRuns(this.db, connectionId, { before, keepNewest: this.retention.keepNewest })
      if (deleted) this.logger.debug(`deleted ${deleted} run record(s) of ${connectionId} older than ${this.retention.keepDays} days`)
    } catch (error) {
      this.logger.warn(`could not prune the run records of ${connectionId}`, { error: (error as Error).message })
    }
  }

  /** Breaker, failure count, last error and the next run, written on the connection. */
  private async afterRun(connection: Connection, outcome: SyncRunOutcome, manual: boolean): Promise<void> {
    const now = this.now()
    const connectorId = connection.connectorId
    const schedule = { intradayEveryMinutes: connection.intradayEveryMinutes, endOfDayUtc: connection.endOfDayUtc }
    const kind = outcome.error?.kind ?? null
    if (outcome.status === 'ok' || outcome.status === 'partial') {
      const wasOpen = this.breaker.openUntil(connectorId) !== null || connection.circuitOpenUntil !== null
      this.breaker.recordSuccess(connectorId)
      if (wasOpen) await setCircuitOpenUntil(this.db, connectorId, null)
      const next = nextScheduledRun(schedule, now)
      await recordConnectionRun(this.db, connection.id, {
        lastRunAt: now.toISOString(),
        lastStatus: outcome.status,
        lastSuccessAt: now.toISOString(),
        lastError: outcome.status === 'partial' ? (outcome.error?.message ?? outcome.warnings[0] ?? null) : null,
        lastErrorKind: outcome.status === 'partial' ? kind : null,
        consecutiveFailures: 0,
        nextRunAt: next?.at.toISOString() ?? null,
        nextRunKind: next?.kind ?? null,
      })
      return
    }
    if (kind === 'aborted' || kind === 'lease-lost') {
      // Not the bank's fault: try again as soon as a process is up (the cursor resumes the page walk).
      await recordConnectionRun(this.db, connection.id, {
        lastRunAt: now.toISOString(),
        lastStatus: outcome.status,
        lastError: outcome.error?.message ?? null,
        lastErrorKind: kind,
        consecutiveFailures: connection.consecutiveFailures,
        nextRunAt: now.toISOString(),
        nextRunKind: connection.nextRunKind ?? 'retry',
      })
      return
    }
    const failures = connection.consecutiveFailures + 1
    const { openUntil } = kind === 'config' ? { openUntil: null } : this.breaker.recordFailure(connectorId, now, failures)
    if (openUntil) await setCircuitOpenUntil(this.db, connectorId, openUntil.toISOString())
    const next = planNextRun(schedule, now, { failures, retryAfterMs: outcome.error?.retryAfterMs ?? null, circuitOpenUntil: openUntil })
    await recordConnectionRun(this.db, connection.id, {
      lastRunAt: now.toISOString(),
      lastStatus: outcome.status,
      lastError: outcome.error?.message ?? null,
      lastErrorKind: kind,
      consecutiveFailures: failures,
      // A broken configuration is not retried by itself: it waits for the operator (or a manual sync).
      nextRunAt: kind === 'config' ? null : (next?.at.toISOString() ?? null),
      nextRunKind: kind === 'config' ? null : (next?.kind ?? null),
    })
    if (!manual) this.logger.warn(`sync of ${connection.id} failed`, { kind, error: outcome.error?.message })
  }
}

function zeroCounts() {
  return { accounts: 0, accountsFailed: 0, accountsUnmatched: 0, pages: 0, balances: 0, transactionsNew: 0, transactionsUpdated: 0, transactionsUnchanged: 0, pendingRemoved: 0, duplicatePages: 0, retries: 0 }
}

function prefixLogger(logger: ConnectorLogger, prefix: string): ConnectorLogger {
  return {
    debug: (m, f) => logger.debug(`${prefix} ${m}`, f),
    info: (m, f) => logger.info(`${prefix} ${m}`, f),
    warn: (m, f) => logger.warn(`${prefix} ${m}`, f),
    error: (m, f) => logger.error(`${prefix} ${m}`, f),
  }
}

/**
 * What the app calls at start: discovers the installed connectors, starts the engine and returns
 * it (call `stop()` on shutdown). `LOG_LEVEL` style levels control its console output.
 *
 * @example
 * const sync = await startSyncEngine(db, { logLevel: env.LOG_LEVEL, runRetention: { keepDays: 30, keepNewest: 50 } })
 * process.once('SIGTERM', () => void sync.stop())
 */
export async function startSyncEngine(
  db: Db,
  options: Partial<Omit<SyncEngineOptions, 'db'>> & { logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent' } = {},
): Promise<SyncEngine> {
  const { logLevel, ...rest } = options
  const registry = rest.registry ?? (await loadConnectorRegistry())
  const engine = new SyncEngine({ logger: createConsoleLogger('[sync]', logLevel ?? 'info'), ...rest, db, registry })
  return engine.start()
}
