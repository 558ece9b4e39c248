import { randomBytes } from 'node:crypto'
import type { AnyConnector } from '@treasury/shared'
import citi from '@treasury/server/connectors/banks/citi-bai2/index'
import { startSimulator as startCiti } from '@treasury/server/connectors/banks/citi-bai2/simulator'
import { DemoLedger } from '@treasury/server/connectors/banks/demo'
import { ConnectorRegistry } from '@treasury/server/connectors/sdk/registry'
import type { RunningSimulator } from '@treasury/server/connectors/sdk/simulator'
import template from '@treasury/server/connectors/template/index'
import { startSimulator } from '@treasury/server/connectors/template/simulator'
import { findConnection, insertRun, listAccountConnections, listCursors, listRuns, setConnectionCredentials } from '@treasury/server/db/queries/connectors'
import { todayIn } from '@treasury/server/services/clock'
import { positionSummary } from '@treasury/server/services/position'
import { callerScope, DEMO_CALLER } from '@treasury/server/services/scope'
import { registerConnection } from '@treasury/server/services/sync/connections'
import { CredentialCipher, credentialCipherFor, sealPlainCredentials } from '@treasury/server/services/sync/credentials'
import { SyncEngine, type SyncEngineOptions } from '@treasury/server/services/sync/engine'
import { listConnectionRuns, listConnectionViews, requestSyncNow } from '@treasury/server/services/sync/status'
import { connectorWithId, seedSimulatorMasterData, storedBalances, storedEntries, truthBalances, truthEntries } from '@treasury/server/services/sync/testing'
import { createCallerFactory } from '@treasury/server/trpc/init'
import { appRouter } from '@treasury/server/trpc/_app'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDatabase, openTestDb, type TestDb } from '../support/databases.js'

// Bank credentials are sealed with this key here (the SQLite key-file default is tested in the server package).
process.env.CREDENTIALS_KEY = 'dGVzdCBrZXkgb2YgMzIgYnl0ZXMsIHN5bmMgdGVzdHM='

// The sync engine against Template Bank simulators over real HTTP on 127.0.0.1, on both databases:
// for every fault, nothing lost, nothing duplicated, and the right accounts in the `stale` lists.

const FRIDAY = '2026-11-20'
const MONDAY = '2026-11-23'
const BACKFILL_DAYS = 30
const FROM = '2026-10-21'
const PAGE_SIZE = 10

/** One bank per scenario: its own connector id, simulator (seed → its own account numbers) and connection. */
const BANKS = ['healthy', 'down', 'slow', 'flaky', 'ratelimit', 'throttled', 'garbage', 'semantic', 'dupes', 'gaps', 'resume', 'hung', 'calm', 'lease', 'later', 'dark', 'sealed', 'scoped', 'retention', 'lapsed'] as const
type BankName = (typeof BANKS)[number]

interface Bank {
  name: BankName
  connectionId: string
  sim: RunningSimulator
  /** Bank's account ref → our account id. */
  accounts: Map<string, string>
}

describeEachDatabase('sync engine', (kind) => {
  let t: TestDb
  let simToday = FRIDAY
  let now = new Date(`${FRIDAY}T04:00:00Z`) // 12:00 in the group's time zone
  const registry = ConnectorRegistry.of([...BANKS.map((name) => connectorWithId(template as AnyConnector, `bank-${name}`, `Bank ${name}`)), citi as AnyConnector])
  const banks = new Map<BankName, Bank>()
  const engines: SyncEngine[] = []

  const engine = (options: Partial<SyncEngineOptions> = {}) => {
    const e = new SyncEngine({
      db: t.db,
      registry,
      now: () => now,
      random: () => 0.5,
      retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
      callTimeoutMs: 2_000,
      circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000, maxCooldownMs: 600_000 },
      ...options,
    })
    engines.push(e)
    return e
  }

  async function bank(name: BankName, faults = '', entityId?: string): Promise<Bank> {
    const seed = 100 + BANKS.indexOf(name)
    const sim = await startSimulator({ seed, today: () => simToday, pageSize: PAGE_SIZE, retryAfterSeconds: 0.05, faults })
    const accounts = await seedSimulatorMasterData(t.db, sim, { bankId: `bnk_${name}`, ...(entityId ? { entityId } : {}) })
    const connectionId = `conn_${name}`
    await registerConnection(
      t.db,
      registry,
      {
        id: connectionId,
        connectorId: `bank-${name}`,
        bankId: `bnk_${name}`,
        name: `Bank ${name}`,
        credentials: sim.connection.credentials,
        config: sim.connection.config,
        backfillDays: BACKFILL_DAYS,
        schedule: { intradayEveryMinutes: 15, endOfDayUtc: '16:00' },
      },
      now,
    )
    const b = { name, connectionId, sim, accounts }
    banks.set(name, b)
    return b
  }

  /** Every entry and balance of the simulator's books in the window is stored, each exactly once. */
  async function expectComplete(b: Bank, from = FROM, to = simToday): Promise<void> {
    for (const [ref, accountId] of b.accounts) {
      expect(await storedEntries(t.db, accountId, from, to), `${b.name} ${ref} entries`).toEqual(truthEntries(b.sim, ref, from, to))
      // Interim balances of a day since closed stay stored as its intraday history (the closing wins in positions).
      const stored = (await storedBalances(t.db, accountId, from, to)).filter((x) => !(/\|IT(BD|AV)\|/.test(x) && x.slice(0, 10) < to))
      expect(stored, `${b.name} ${ref} balances`).toEqual(truthBalances(b.sim, ref, from, to))
    }
  }

  async function storedCount(b: Bank): Promise<{ transactions: number; balances: number }> {
    const ids = [...b.accounts.values()]
    const tx = await t.db.selectFrom('transactions').select((eb) => eb.fn.countAll<bigint>().as('n')).where('account_id', 'in', ids).executeTakeFirstOrThrow()
    const bal = await t.db.selectFrom('balances').select((eb) => eb.fn.countAll<bigint>().as('n')).where('account_id', 'in', ids).executeTakeFirstOrThrow()
    return { transactions: Number(tx.n), balances: Number(bal.n) }
  }

  async function stale(asOf = simToday) {
    const summary = await positionSummary(t.db, await callerScope(t.db, DEMO_CALLER), { currency: 'CNY', groupBy: 'bank', asOf })
    return new Map(summary.stale.map((s) => [s.accountId, s]))
  }

  beforeAll(async () => {
    t = await openTestDb(kind)
  })
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.stop()))
    await Promise.all([...banks.values()].map((b) => b.sim.close()))
    await t?.drop()
  })

  it('backfills a healthy bank completely, and a re-run changes nothing', async () => {
    const b = await bank('healthy')
    const first = await engine().syncNow(b.connectionId)
    expect(first.status, first.error?.message).toBe('ok')
    expect(first.counts.accounts).toBe(3)
    expect(first.counts.pages).toBeGreaterThan(3)
    await expectComplete(b)
    for (const cursor of await listCursors(t.db, b.connectionId)) {
      expect(cursor.verifiedThrough).toBe('2026-11-19')
      expect(cursor.pageCursor).toBeNull()
    }
    const before = await storedCount(b)
    const again = await engine().syncNow(b.connectionId)
    expect(again.status).toBe('ok')
    expect(again.counts.transactionsNew).toBe(0)
    expect(await storedCount(b)).toEqual(before)
    const flags = await stale()
    for (const id of b.accounts.values()) expect(flags.has(id), `${id} is fresh`).toBe(false)
  })

  it('a bank that is down: the run fails after retries, nothing is stored, its accounts are stale; healthy banks are not', async () => {
    const b = await bank('down', 'down')
    const outcome = await engine().syncNow(b.connectionId)
    expect(outcome.status).toBe('failed')
    expect(outcome.error?.kind).toBe('unavailable')
    expect(outcome.counts.retries).toBe(3)
    expect(await storedCount(b)).toEqual({ transactions: 0, balances: 0 })
    const flags = await stale()
    for (const id of b.accounts.values()) expect(flags.get(id)?.reason).toBe('no-balance')
    for (const id of banks.get('healthy')!.accounts.values()) expect(flags.has(id)).toBe(false)

    // Its accounts belong to it although it never listed them (what "stale because the bank's sync failed" needs).
    const links = await listAccountConnections(t.db, await callerScope(t.db, DEMO_CALLER))
    for (const id of b.accounts.values()) {
      expect(links.filter((l) => l.accountId === id)).toEqual([expect.objectContaining({ connectionId: b.connectionId, via: 'bank', lastStatus: 'failed', lastSuccessAt: null })])
    }
    for (const id of banks.get('healthy')!.accounts.values()) {
      expect(links.filter((l) => l.accountId === id)).toEqual([expect.objectContaining({ connectionId: 'conn_healthy', via: 'cursor', lastStatus: 'ok', lastSuccessAt: expect.any(String) })])
    }

    const views = await listConnectionViews(t.db, await callerScope(t.db, DEMO_CALLER), now)
    const view = views.find((v) => v.id === b.connectionId)!
    expect(view.status).toBe('degraded')
    expect(view.accounts.map((a) => [a.matched, a.stale])).toEqual([[false, true], [false, true], [false, true]])
    expect(view.lastError).toMatch(/503/)
    expect(view.lastSuccessAt).toBeNull()
    expect(view.nextRunAt!.getTime()).toBeGreaterThan(now.getTime())
    expect(views.find((v) => v.id === 'conn_healthy')!.status).toBe('ok')

    // Three failures in a row open the bank's circuit: the connection is failing and not tried until it reopens.
    const e = engine()
    await e.syncNow(b.connectionId)
    await e.syncNow(b.connectionId)
    const failing = (await listConnectionViews(t.db, await callerScope(t.db, DEMO_CALLER), now)).find((v) => v.id === b.connectionId)!
    expect(failing.status).toBe('failing')
    expect(failing.circuitOpenUntil!.getTime()).toBeGreaterThan(now.getTime())

    // The bank comes back; an operator's "sync now" goes through the open circuit and catches up fully.
    b.sim.faults.clear()
    await requestSyncNow(t.db, await callerScope(t.db, DEMO_CALLER), b.connectionId, now)
    const [recovered] = await e.runDue()
    expect(recovered?.connectionId).toBe(b.connectionId)
    expect(recovered?.status).toBe('ok')
    await expectComplete(b)
    const ok = (await listConnectionViews(t.db, await callerScope(t.db, DEMO_CALLER), now)).find((v) => v.id === b.connectionId)!
    expect(ok.status).toBe('ok')
    expect(ok.circuitOpenUntil).toBeNull()
    const runs = await listConnectionRuns(t.db, await callerScope(t.db, DEMO_CALLER), b.connectionId)
    expect(runs.map((r) => r.status)).toEqual(['ok', 'failed', 'failed', 'failed'])
  })

  it('a slow bank is synced completely within the call timeout', async () => {
    const b = await bank('slow', 'slow:40')
    const outcome = await engine().syncNow(b.connectionId)
    expect(outcome.status, outcome.error?.message).toBe('ok')
    await expectComplete(b)
  })

  it('a flaky bank is synced completely thanks to retries', async () => {
    const b = await bank('flaky', 'flaky')
    const outcome = await engine().syncNow(b.connectionId)
    expect(outcome.status, outcome.error?.message).toBe('ok')
    expect(outcome.counts.retries).toBeGreaterThan(0)
    await expectComplete(b)
  })

  it('a rate-limiting bank is synced completely, honouring Retry-After', async () => {
    const b = await bank('ratelimit', 'rate-limit')
    const outcome = await engine().syncNow(b.connectionId)
    expect(outcome.status, outcome.error?.message).toBe('ok')
    expect(outcome.counts.retries).toBeGreaterThan(0)
    await expectComplete(b)
  })

  it('a bank that throttles longer than a run may wait: the run fails and is rescheduled after its Retry-After', async () => {
    const b = await bank('throttled', 'rate-limit:1')
    const outcome = await engine({ retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 10 } }).syncNow(b.connectionId)
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 50 })
    expect(await storedCount(b)).toEqual({ transactions: 0, balances: 0 })
  })

  it('a bank sending garbage is stopped with a clear error and nothing it sent is stored', async () => {
    const b = await bank('garbage', 'garbage')
    const outcome = await engine().syncNow(b.connectionId)
    expect(outcome.status).toBe('failed')
    expect(outcome.error?.kind).toBe('invalid-response')
    expect(outcome.error?.message).toMatch(/not JSON/)
    expect(await storedCount(b)).toEqual({ transactions: 0, balances: 0 })
    b.sim.faults.clear()
    expect((await engine().syncNow(b.connectionId)).status).toBe('ok')
    await expectComplete(b)
  })

  it('well-formed garbage (an impossible currency) is refused by validation; nothing of those calls is stored', async () => {
    const b = await bank('semantic', 'garbage:1')
    const outcome = await engine().syncNow(b.connectionId)
    expect(outcome.status).toBe('failed')
    expect(outcome.counts.accountsFailed).toBe(3)
    expect(outcome.error?.message).toMatch(/XXX/)
    expect((await storedCount(b)).transactions).toBe(0)
    b.sim.faults.clear()
    expect((await engine().syncNow(b.connectionId)).status).toBe('ok')
    await expectComplete(b)
  })

  it('duplicated pages are dropped: nothing duplicated, nothing lost', async () => {
    const b = await bank('dupes', 'duplicate-pages')
    const outcome = await engine().syncNow(b.connectionId)
    expect(outcome.status, outcome.error?.message).toBe('ok')
    expect(outcome.counts.duplicatePages).toBeGreaterThan(0)
    await expectComplete(b)
  })

  it('missing days break balance continuity; the cursor stays before them and the next run fills them in', async () => {
    const b = await bank('gaps', 'missing-days:3')
    const first = await engine().syncNow(b.connectionId)
    expect(first.status).toBe('ok')
    expect(first.warnings.join('\n')).toMatch(/differs from/)
    const cursors = await listCursors(t.db, b.connectionId)
    expect(cursors.some((c) => c.breakDate !== null && c.verifiedThrough! < '2026-11-19')).toBe(true)
    const partial = await storedCount(b)

    b.sim.faults.clear()
    const second = await engine().syncNow(b.connectionId)
    expect(second.status).toBe('ok')
    expect(second.counts.transactionsNew).toBeGreaterThan(0)
    for (const [ref, accountId] of b.accounts) {
      // Entries: all of them, once. Balances: a missing day without movements cannot be detected
      // (its figures equal the day before, which the position carries forward), so compare what
      // the position would show for every day: the latest closing on or before it.
      expect(await storedEntries(t.db, accountId, FROM, simToday)).toEqual(truthEntries(b.sim, ref, FROM, simToday))
      const truth = b.sim.truth.balances(ref, FROM, simToday).filter((x) => x.type === 'CLBD')
      const stored = await t.db.selectFrom('balances').select(['date', 'amount']).where('account_id', '=', accountId).where('type', '=', 'CLBD').orderBy('date').execute()
      for (let day = FROM; day < simToday; day = nextDay(day)) {
        const expected = truth.filter((x) => x.date <= day).at(-1)?.amount ?? null
        const actual = stored.filter((x) => x.date <= day).at(-1)?.amount ?? null
        expect(actual === null ? null : BigInt(actual), `${ref} closing as of ${day}`).toBe(expected)
      }
    }
    expect((await storedCount(b)).transactions).toBeGreaterThan(partial.transactions)
    for (const c of await listCursors(t.db, b.connectionId)) expect(c.verifiedThrough).toBe('2026-11-19')
  })

  it('an interrupted page walk resumes at the saved cursor, in a fresh engine, without duplicates', async () => {
    const b = await bank('resume')
    let transactionCalls = 0
    const failing: typeof fetch = async (input, init) => {
      if (String(input).includes('/transactions') && ++transactionCalls === 3) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
      return fetch(input, init)
    }
    const interrupted = await engine({ fetch: failing, retry: { attempts: 1 } }).syncNow(b.connectionId)
    expect(interrupted.status).toBe('failed')
    expect(interrupted.error?.message).toMatch(/ECONNRESET/)
    const saved = (await listCursors(t.db, b.connectionId)).find((c) => c.pageCursor !== null)!
    expect(saved.pagesDone).toBe(2)

    const resumed = await engine().syncNow(b.connectionId)
    expect(resumed.status, resumed.error?.message).toBe('ok')
    const expectedPages = [...b.accounts.keys()].reduce((sum, ref) => sum + Math.max(1, Math.ceil(b.sim.truth.transactions(ref, FROM, simToday).length / PAGE_SIZE)), 0)
    expect(resumed.counts.pages).toBe(expectedPages - 2)
    await expectComplete(b)
  })

  it('a hung bank does not hold up another: both run at once, the healthy one completes', async () => {
    const hung = await bank('hung', 'timeout')
    const calm = await bank('calm')
    const e = engine({ callTimeoutMs: 300, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } })
    const started = Date.now()
    const outcomes = await e.runDue()
    const byId = new Map(outcomes.map((o) => [o.connectionId, o]))
    expect(byId.get(calm.connectionId)?.status).toBe('ok')
    expect(byId.get(hung.connectionId)?.status).toBe('failed')
    expect(byId.get(hung.connectionId)?.error?.message).toMatch(/timed out after 300 ms/)
    expect(Date.now() - started).toBeLessThan(10_000)
    await expectComplete(calm)
    const flags = await stale()
    for (const id of hung.accounts.values()) expect(flags.has(id)).toBe(true)
    for (const id of calm.accounts.values()) expect(flags.has(id)).toBe(false)
  })

  it('two processes: a connection is synced by one at a time (lease row)', async () => {
    const b = await bank('lease', 'slow:20')
    const [one, two] = await Promise.all([engine({ owner: 'process-1' }).syncNow(b.connectionId), engine({ owner: 'process-2' }).syncNow(b.connectionId)])
    expect([one.status, two.status].sort()).toEqual(['ok', 'skipped'])
    expect([one, two].find((o) => o.status === 'skipped')!.error?.message).toMatch(/is syncing this connection/)
    await expectComplete(b)
  })

  it('next business day: pending entries are replaced by their booked counterparts; a bank down since keeps its last good figures, flagged stale', async () => {
    const later = await bank('later')
    const dark = await bank('dark')
    const e = engine()
    expect((await e.syncNow(later.connectionId)).status).toBe('ok')
    expect((await e.syncNow(dark.connectionId)).status).toBe('ok')
    const pendingFriday = await t.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where('account_id', 'in', [...later.accounts.values()])
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    expect(Number(pendingFriday.n)).toBeGreaterThan(0)

    simToday = MONDAY
    now = new Date(`${MONDAY}T04:00:00Z`)
    dark.sim.faults.set('down')
    const outcome = await e.syncNow(later.connectionId)
    expect(outcome.status).toBe('ok')
    expect(outcome.counts.transactionsUpdated).toBeGreaterThan(0)
    await expectComplete(later, FROM, MONDAY)
    const fridayPending = await t.db
      .selectFrom('transactions')
      .select('id')
      .where('account_id', 'in', [...later.accounts.values()])
      .where('status', '=', 'pending')
      .where('booking_date', '=', FRIDAY)
      .execute()
    expect(fridayPending).toEqual([])

    expect((await e.syncNow(dark.connectionId)).status).toBe('failed')
    const flags = await stale(MONDAY)
    for (const id of dark.accounts.values()) {
      expect(flags.get(id)).toMatchObject({ reason: 'behind', balanceDate: FRIDAY })
      expect(flags.get(id)!.asOf).toEqual(new Date(`${FRIDAY}T03:00:00.000Z`))
    }
    for (const id of later.accounts.values()) expect(flags.has(id)).toBe(false)
  })

  it('the API lists connections with health and accounts, queues a sync, and lists runs', async () => {
    const api = createCallerFactory(appRouter)({ db: t.db, caller: DEMO_CALLER })
    const list = await api.connectors.list()
    const dark = list.find((c) => c.id === 'conn_dark')!
    expect(dark).toMatchObject({ name: 'Bank dark', status: 'degraded' })
    expect(dark.lastSuccessAt).toBeInstanceOf(Date)
    expect(dark.accounts).toHaveLength(3)
    // (`stale` compares with the real today; the position tests above pin the day.)
    expect(dark.accounts.map((a) => a.latestBalanceDate)).toEqual([FRIDAY, FRIDAY, FRIDAY])
    expect(list.find((c) => c.id === 'conn_later')!.accounts.map((a) => a.latestBalanceDate)).toEqual([MONDAY, MONDAY, MONDAY])
    const queued = await api.connectors.syncNow({ id: 'conn_dark' })
    expect(queued.id).toBe('conn_dark')
    const runs = await api.connectors.runs({ id: 'conn_dark' })
    expect(runs[0]).toMatchObject({ status: 'failed', errorKind: 'unavailable' })
    await expect(api.connectors.runs({ id: 'conn_nope' })).rejects.toThrow(/unknown connection/)
  })

  it('credentials are stored sealed; clear ones from an older version get sealed; a wrong key stops the run as a configuration error', async () => {
    const b = await bank('sealed')
    const secrets = Object.values(b.sim.connection.credentials)
    const stored = async () => (await findConnection(t.db, b.connectionId))!.sealedCredentials
    expect(await stored()).toMatch(/^enc:v1:/)
    for (const secret of secrets) expect(await stored()).not.toContain(secret)

    await setConnectionCredentials(t.db, b.connectionId, JSON.stringify(b.sim.connection.credentials))
    const { sealed } = await sealPlainCredentials(t.db, await credentialCipherFor(t.db))
    expect(sealed).toEqual([b.connectionId])
    expect(await stored()).toMatch(/^enc:v1:/)
    expect((await engine().syncNow(b.connectionId)).status).toBe('ok')

    const wrong = await engine({ credentialCipher: new CredentialCipher(randomBytes(32)) }).syncNow(b.connectionId)
    expect(wrong.status).toBe('failed')
    expect(wrong.error).toMatchObject({ kind: 'config', message: expect.stringMatching(/sealed with another key .*CREDENTIALS_KEY/) })
    const view = (await listConnectionViews(t.db, await callerScope(t.db, DEMO_CALLER), now)).find((v) => v.id === b.connectionId)!
    expect(view.status).toBe('failing')
    expect(view.nextRunAt).toBeNull() // not retried by itself: an operator has to fix the key
    expect((await engine().syncNow(b.connectionId)).status).toBe('ok')
  })

  it('a caller scoped to a member company sees and syncs only connections serving its accounts; any other is unknown (404)', async () => {
    const entity = (id: string, code: string) => ({
      id,
      parent_id: 'ent_root',
      path: `/ent_root/${id}/`,
      depth: 1,
      code,
      name_zh: code,
      name_en: code,
      region_code: 'CN-ZJ-330900',
      region_country: 'CN',
      region_name_zh: '舟山',
      region_name_en: 'Zhoushan',
      functional_currency: 'CNY',
    })
    await t.db.insertInto('entities').values([entity('ent_sub', 'SUB'), entity('ent_empty', 'EMPTY')]).execute()
    const scoped = await bank('scoped', '', 'ent_sub')
    expect((await engine().syncNow(scoped.connectionId)).status).toBe('ok')
    const healthyBefore = await findConnection(t.db, 'conn_healthy')

    const sub = createCallerFactory(appRouter)({ db: t.db, caller: { userId: 'sub', entityIds: ['ent_sub'] } })
    const list = await sub.connectors.list()
    expect(list.map((c) => c.id)).toEqual([scoped.connectionId])
    expect(list[0]!.accounts.map((a) => a.id).sort()).toEqual([...scoped.accounts.values()].sort())
    expect(await sub.connectors.runs({ id: scoped.connectionId })).toEqual([expect.objectContaining({ status: 'ok' })])
    await expect(sub.connectors.syncNow({ id: scoped.connectionId })).resolves.toMatchObject({ id: scoped.connectionId })
    // Another company's bank: the same answer as a connection that does not exist, and nothing is queued.
    for (const id of ['conn_healthy', 'conn_nope']) {
      await expect(sub.connectors.runs({ id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `unknown connection "${id}"` })
      await expect(sub.connectors.syncNow({ id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `unknown connection "${id}"` })
    }
    expect(await findConnection(t.db, 'conn_healthy')).toEqual(healthyBefore)

    const empty = createCallerFactory(appRouter)({ db: t.db, caller: { userId: 'empty', entityIds: ['ent_empty'] } })
    expect(await empty.connectors.list()).toEqual([])
    await expect(empty.connectors.runs({ id: scoped.connectionId })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const group = await createCallerFactory(appRouter)({ db: t.db, caller: DEMO_CALLER }).connectors.list()
    expect(group.map((c) => c.id)).toEqual(expect.arrayContaining(['conn_healthy', scoped.connectionId]))
  })

  it('old run records are pruned: every run of the last N days is kept, and the newest M of each connection whatever their age', async () => {
    const b = await bank('retention')
    const DAY = 86_400_000
    const addRuns = async (daysAgo: number, n: number) => {
      for (let i = n; i > 0; i--) {
        const at = new Date(now.getTime() - daysAgo * DAY - i * 60_000).toISOString()
        await insertRun(t.db, { connectionId: b.connectionId, connectorId: 'bank-retention', kind: 'intraday', owner: 'earlier', startedAt: at, finishedAt: at, status: 'ok' })
      }
    }
    await addRuns(45, 6)
    const e = engine({ runRetention: { keepDays: 30, keepNewest: 3 } })
    expect((await e.syncNow(b.connectionId)).status).toBe('ok')
    // Six runs older than 30 days and this one: the newest three stay, two of them old.
    const first = await listRuns(t.db, b.connectionId, 100)
    expect(first.map((r) => r.owner === 'earlier')).toEqual([false, true, true])

    await addRuns(1, 5)
    expect((await e.syncNow(b.connectionId)).status).toBe('ok')
    const second = await listRuns(t.db, b.connectionId, 100)
    // Everything of the last 30 days (two syncs, five earlier runs); the 45-day-old ones are gone.
    expect(second).toHaveLength(7)
    for (const run of second) expect(Date.parse(run.startedAt)).toBeGreaterThan(now.getTime() - 30 * DAY)
  })

  it('a closed account is synced through its last reported day, its history kept, then not fetched again', async () => {
    const sim = await startCiti({ seed: 42, endDate: simToday, today: () => simToday, banks: ['bnk_citi'] })
    try {
      const ledger = DemoLedger.open({ seed: 42, endDate: simToday })
      const accounts = await seedSimulatorMasterData(t.db, sim, { bankId: 'bnk_citi' })
      const closed = ledger.accountsOf('bnk_citi').filter((a) => a.status === 'closed')
      expect(closed.length).toBeGreaterThan(0)
      for (const a of closed) await t.db.updateTable('accounts').set({ status: 'closed' }).where('id', '=', accounts.get(a.number)!).execute()
      await registerConnection(
        t.db,
        registry,
        { id: 'conn_citi', connectorId: 'citi-bai2', bankId: 'bnk_citi', name: 'Citi', credentials: sim.connection.credentials, config: sim.connection.config, backfillDays: 400 },
        now,
      )
      const e = engine()
      const from = nextDay(sim.truth.today, -400)
      const first = await e.syncNow('conn_citi')
      expect(first.status, first.error?.message).toBe('ok')
      expect(first.counts.accounts).toBe(accounts.size)
      const cursorOf = async (ref: string) => (await listCursors(t.db, 'conn_citi')).find((c) => c.accountId === accounts.get(ref))!
      for (const a of closed) {
        const last = ledger.demo.lastDateOf(a)
        expect(last < nextDay(simToday, -30)).toBe(true)
        expect(await cursorOf(a.number)).toMatchObject({ closedThrough: last, verifiedThrough: last })
        // History kept: every entry and closing balance up to its last day.
        expect(await storedEntries(t.db, accounts.get(a.number)!, from, simToday)).toEqual(truthEntries(sim, a.number, from, simToday))
        expect(await storedBalances(t.db, accounts.get(a.number)!, from, simToday)).toEqual(truthBalances(sim, a.number, from, simToday))
      }

      const before = await Promise.all(closed.map((a) => cursorOf(a.number)))
      const second = await e.syncNow('conn_citi')
      expect(second.status).toBe('ok')
      expect(second.counts.accounts).toBe(accounts.size - closed.length)
      expect(await Promise.all(closed.map((a) => cursorOf(a.number)))).toEqual(before)
      const view = (await listConnectionViews(t.db, await callerScope(t.db, DEMO_CALLER), now)).find((v) => v.id === 'conn_citi')!
      for (const a of closed) {
        expect(view.accounts.find((x) => x.id === accounts.get(a.number))).toMatchObject({ status: 'closed', closedThrough: ledger.demo.lastDateOf(a), stale: false })
      }

      // Opened again in the master data: synced like any other account.
      for (const a of closed) await t.db.updateTable('accounts').set({ status: 'active' }).where('id', '=', accounts.get(a.number)!).execute()
      const third = await e.syncNow('conn_citi')
      expect(third.counts.accounts).toBe(accounts.size)
      for (const a of closed) expect((await cursorOf(a.number)).closedThrough).toBeNull()
    } finally {
      await sim.close()
    }
  })

  it("today's position: a bank whose syncs fail after a good one keeps its figures, listed as sync-failing with its last good sync; past days are final", async () => {
    const [savedToday, savedNow] = [simToday, now]
    simToday = todayIn()
    now = new Date()
    try {
      const lapsed = await bank('lapsed')
      const e = engine()
      expect((await e.syncNow(lapsed.connectionId)).status).toBe('ok')
      const goodSync = (await findConnection(t.db, lapsed.connectionId))!.lastSuccessAt!
      for (const id of lapsed.accounts.values()) expect((await stale(simToday)).has(id)).toBe(false)

      lapsed.sim.faults.set('down')
      expect((await e.syncNow(lapsed.connectionId)).status).toBe('failed')
      const flags = await stale(simToday)
      for (const id of lapsed.accounts.values()) {
        expect(flags.get(id)).toMatchObject({ reason: 'sync-failing', lastSyncedAt: new Date(goodSync) })
      }
      // Yesterday's figures were final whatever happens to the bank today.
      const yesterday = await stale(new Date(Date.parse(`${simToday}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10))
      for (const id of lapsed.accounts.values()) expect(yesterday.get(id)?.reason).not.toBe('sync-failing')

      lapsed.sim.faults.clear()
      expect((await e.syncNow(lapsed.connectionId)).status).toBe('ok')
      for (const id of lapsed.accounts.values()) expect((await stale(simToday)).has(id)).toBe(false)
    } finally {
      simToday = savedToday
      now = savedNow
    }
  })
})

function nextDay(date: string, days = 1): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
