import type { AnyConnector } from '@treasury/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorRegistry } from '../../connectors/sdk/registry.js'
import type { RunningSimulator } from '../../connectors/sdk/simulator.js'
import template from '../../connectors/template/index.js'
import { startSimulator } from '../../connectors/template/simulator.js'
import { createDb, type Db } from '../../db/client.js'
import { up as initial } from '../../db/migrations/0001_initial.js'
import { up as connectors } from '../../db/migrations/0002_connectors.js'
import { up as closedAccounts } from '../../db/migrations/0006_sync_closed_accounts.js'
import { listCursors, listRuns } from '../../db/queries/connectors.js'
import { registerConnection } from './connections.js'
import { SyncEngine } from './engine.js'
import { callerScope, DEMO_CALLER } from '../scope.js'
import { requestSyncNow } from './status.js'
import { connectorWithId, seedSimulatorMasterData, storedEntries, truthEntries } from './testing.js'

// The engine on an in-memory SQLite (the migrations applied directly); the fault matrix on both
// databases is tests/integration/sync.test.ts.

const TODAY = '2026-11-20'
const FROM = '2026-11-06'

describe('SyncEngine (SQLite)', () => {
  let db: Db
  let sim: RunningSimulator
  let ids: Map<string, string>
  const registry = ConnectorRegistry.of([connectorWithId(template as AnyConnector, 'unit-bank')])
  const engine = (owner: string) =>
    new SyncEngine({ db, registry, owner, now: () => new Date(`${TODAY}T04:00:00Z`), random: () => 0.5, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, callTimeoutMs: 2000 })

  beforeAll(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await initial(db)
    await connectors(db)
    await closedAccounts(db)
    sim = await startSimulator({ seed: 7, today: TODAY, pageSize: 5, retryAfterSeconds: 0.01 })
    ids = await seedSimulatorMasterData(db, sim, { bankId: 'bnk_unit' })
    await registerConnection(
      db,
      registry,
      { id: 'conn_unit', connectorId: 'unit-bank', bankId: 'bnk_unit', name: 'Unit', credentials: sim.connection.credentials, config: sim.connection.config, backfillDays: 14 },
      new Date(`${TODAY}T04:00:00Z`),
    )
  })
  afterAll(async () => {
    await sim?.close()
    await db?.destroy()
  })

  it('runs the due backfill and stores exactly the bank’s entries', async () => {
    const [outcome] = await engine('p1').runDue()
    expect(outcome).toMatchObject({ connectionId: 'conn_unit', status: 'ok' })
    for (const [ref, id] of ids) expect(await storedEntries(db, id, FROM, TODAY)).toEqual(truthEntries(sim, ref, FROM, TODAY))
    expect((await listCursors(db, 'conn_unit')).map((c) => c.verifiedThrough)).toEqual(['2026-11-19', '2026-11-19', '2026-11-19'])
    expect(await engine('p1').runDue()).toEqual([]) // next run is scheduled, not due
  })

  it('stores nothing from a garbage answer and records the run', async () => {
    sim.faults.set('garbage')
    const outcome = await engine('p1').syncNow('conn_unit')
    sim.faults.clear()
    expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'invalid-response' } })
    const [last] = await listRuns(db, 'conn_unit', 1)
    expect(last).toMatchObject({ status: 'failed', errorKind: 'invalid-response', transactionsNew: 0, balances: 0 })
    expect(last!.finishedAt).not.toBeNull()
  })

  it('lets one process at a time sync a connection', async () => {
    sim.faults.set('slow:20')
    const outcomes = await Promise.all([engine('p1').syncNow('conn_unit'), engine('p2').syncNow('conn_unit')])
    sim.faults.clear()
    expect(outcomes.map((o) => o.status).sort()).toEqual(['ok', 'skipped'])
  })

  it('start() picks up a "sync now" request at its next pass', async () => {
    const before = (await listRuns(db, 'conn_unit', 1))[0]!.id
    await requestSyncNow(db, await callerScope(db, DEMO_CALLER), 'conn_unit', new Date(`${TODAY}T04:00:00Z`))
    const e = await new SyncEngine({ db, registry, owner: 'ticker', tickMs: 10, now: () => new Date(`${TODAY}T04:00:00Z`) }).start()
    const deadline = Date.now() + 5000
    let latest = (await listRuns(db, 'conn_unit', 1))[0]!
    while ((latest.id === before || latest.status === 'running') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      latest = (await listRuns(db, 'conn_unit', 1))[0]!
    }
    await e.stop()
    expect(latest).toMatchObject({ kind: 'manual', status: 'ok', owner: 'ticker' })
  })

  it('stop() cancels a run in progress, which records itself as aborted', async () => {
    sim.faults.set('timeout')
    const e = engine('p3')
    const running = e.syncNow('conn_unit')
    await new Promise((resolve) => setTimeout(resolve, 50))
    await e.stop()
    sim.faults.clear()
    expect(await running).toMatchObject({ status: 'failed', error: { kind: 'aborted' } })
  })
})
