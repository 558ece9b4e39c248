import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import type { ConnectorAccount, ConnectorBalance, ConnectorTransaction, CurrencyCode } from '@treasury/shared'
import { generateDemo, type DemoAccount, type DemoAccountDay, type DemoDataset, type DemoScale } from '../../demo/index.js'
import { GROUP_TIME_ZONE, todayIn } from '../../services/clock.js'
import { faultsFor, parseMockBankFaults, type Fault } from '../sdk/faults.js'
import { BANKS_DIR, listConnectorFolders } from '../sdk/registry.js'
import type { FaultSet } from '../sdk/faults.js'
import type { RunningSimulator, SimulatorOptions, SimulatorServer, SimulatorTruth } from '../sdk/simulator.js'

/**
 * The demo group's banks, served by the bank simulators. Two parts:
 *
 * 1. {@link DemoLedger}: what every simulator serves — the deterministic demo generator's balances
 *    and entries (server/src/demo), seen as a bank sees them on a given day: days before `today`
 *    are closed (OPBD/CLBD/CLAV, booked entries), `today` is intraday (OPBD/ITBD/ITAV, booked and
 *    pending entries), later days do not exist yet. Past the demo's end date the books go on
 *    quietly (the last day's pending entries are booked the next day, nothing else moves), so an
 *    app left running keeps getting consistent days.
 * 2. {@link startDemoBanks}: what the app calls in demo mode. It starts every simulator folder
 *    under `connectors/banks/` that declares `DEMO_BANK_IDS` (no central list: a folder says which
 *    demo banks it serves) and returns one connection per demo bank, ready for `registerConnection`.
 *
 * Simulators import the ledger from here; connectors (index/api/transform) never do.
 */

// ---------------------------------------------------------------------------------------------
// The ledger
// ---------------------------------------------------------------------------------------------

/**
 * One day of one account as the bank shows it on `today`.
 * `entries` are the contract's shape (signed minor units, booked or pending).
 */
export interface LedgerDay {
  date: string
  /** True for the bank's today: interim balances (ITBD/ITAV), pending entries possible. */
  intraday: boolean
  /** OPBD: the previous day's closing. */
  opening: bigint
  /** CLBD on a closed day; ITBD (opening + booked so far) on the intraday day. */
  closing: bigint
  /** CLAV on a closed day; ITAV on the intraday day. */
  available: bigint
  /** ISO-8601 UTC: the bank's end-of-day statement time, or {@link intradayReportTime} today. */
  reportedAt: string
  entries: readonly ConnectorTransaction[]
}

/** When a simulator says its intraday figures were taken: 10:00 in Shanghai of that day (fixed, so fetches repeat exactly). */
export function intradayReportTime(date: string): string {
  return `${date}T02:00:00.000Z`
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function toEntry(t: DemoAccountDay['transactions'][number]): ConnectorTransaction {
  return {
    bookingDate: t.bookingDate,
    valueDate: t.valueDate,
    amount: t.amount,
    currency: t.currency,
    status: t.status,
    bankReference: t.bankReference,
    endToEndId: t.endToEndId,
    counterpartyName: t.counterpartyName,
    counterpartyAccount: t.counterpartyAccount,
    counterpartyBank: t.counterpartyBank,
    purpose: t.purpose,
    bankTransactionCode: t.bankTransactionCode,
  }
}

const ledgers = new Map<string, DemoLedger>()

/**
 * The demo generator's data as banks serve it. Instances are shared per (seed, end date, scale)
 * and generate an account's history on first use only, so a simulator serving a handful of
 * accounts costs a handful of accounts.
 *
 * @example
 * const ledger = DemoLedger.open({ seed: 42, endDate: '2026-11-20' })
 * const account = ledger.accountsOf('bnk_icbc')[0]!
 * ledger.days(account, '2026-11-01', '2026-11-20', '2026-11-20').at(-1)!.intraday // true
 */
/** A generated day with its entries already in the contract's shape (converted once, shared by every view). */
interface RawDay extends DemoAccountDay {
  all: ConnectorTransaction[]
  booked: ConnectorTransaction[]
  /** The day as a closed day, made on first use: it never changes, and banks serve it again and again. */
  closed?: LedgerDay
}

export class DemoLedger {
  readonly demo: DemoDataset
  private readonly history = new Map<string, RawDay[]>()
  private readonly byBank = new Map<string, DemoAccount[]>()

  private constructor(demo: DemoDataset) {
    this.demo = demo
    for (const account of demo.accounts) {
      // A closed account stays in its bank's list, its history ending on its closing day (banks keep
      // serving closed accounts' statements for years); the sync engine fetches it once more, then stops.
      let list = this.byBank.get(account.bankId)
      if (!list) this.byBank.set(account.bankId, (list = []))
      list.push(account)
    }
    // Banks list the busiest accounts first, as a portal sorted by turnover does (stable otherwise).
    for (const list of this.byBank.values()) list.sort((a, b) => b.profile.perDay - a.profile.perDay)
  }

  static open(options: { seed: number; endDate: string; scale?: DemoScale }): DemoLedger {
    const key = `${options.seed}|${options.endDate}|${options.scale ?? 'demo'}`
    let ledger = ledgers.get(key)
    if (!ledger) {
      ledger = new DemoLedger(generateDemo({ seed: options.seed, endDate: options.endDate, scale: options.scale ?? 'demo' }))
      // A long-running process sees a new end date at most once a day; keep the last few.
      if (ledgers.size >= 4) ledgers.delete(ledgers.keys().next().value!)
      ledgers.set(key, ledger)
    }
    return ledger
  }

  /** The demo bank (id, names, BIC, country), or an error naming the known ones. */
  bank(bankId: string): DemoDataset['banks'][number] {
    const bank = this.demo.banks.find((b) => b.id === bankId)
    if (!bank) throw new Error(`no demo bank "${bankId}" (known: ${this.demo.banks.map((b) => b.id).join(', ')})`)
    return bank
  }

  /** The accounts the group holds (or held: closed ones too) at `bankId`, busiest (expected entries a day) first. */
  accountsOf(bankId: string): readonly DemoAccount[] {
    return this.byBank.get(bankId) ?? []
  }

  private raw(account: DemoAccount): RawDay[] {
    let days = this.history.get(account.id)
    if (!days) {
      days = [...this.demo.activity(account)].map((day) => {
        const all = day.transactions.map(toEntry)
        return { ...day, all, booked: all.some((t) => t.status !== 'booked') ? all.filter((t) => t.status === 'booked') : all }
      })
      this.history.set(account.id, days)
    }
    return days
  }

  /**
   * Generates the history of `accounts` now rather than on first request (about 20 ms an account),
   * e.g. before a benchmark starts its clock or while the app starts.
   */
  warm(accounts: readonly DemoAccount[]): void {
    for (const account of accounts) this.raw(account)
  }

  /**
   * The account's days in `from..to` as the bank shows them on `today` (no day after `today`).
   * An account whose feed stops early in the demo (the stale bank, a closed account) stays stopped.
   */
  days(account: DemoAccount, from: string, to: string, today: string): LedgerDay[] {
    const last = to < today ? to : today
    if (from > last) return []
    const raw = this.raw(account)
    const out: LedgerDay[] = []
    // Days are consecutive from the demo's start: jump to `from` instead of scanning.
    const first = raw.length ? Math.max(0, Math.round((Date.parse(`${from}T00:00:00Z`) - Date.parse(`${raw[0]!.date}T00:00:00Z`)) / 86_400_000)) : 0
    for (let i = first; i < raw.length; i++) {
      const day = raw[i]!
      if (day.date < from) continue
      if (day.date > last) break
      const intraday = day.date === today
      out.push(
        intraday
          ? { date: day.date, intraday, opening: day.opening, closing: day.closing, available: day.available, reportedAt: intradayReportTime(day.date), entries: day.all }
          : // Pending entries exist only on the demo's last day; once that day is closed they are booked the next day.
            (day.closed ??= { date: day.date, intraday, opening: day.opening, closing: day.closing, available: day.available, reportedAt: day.reportedAt, entries: day.booked }),
      )
    }
    const final = raw.at(-1)
    if (!final || final.date !== this.demo.endDate || last <= final.date) return out
    // Past the demo's end: quiet days. Yesterday's pending entries are booked on the first one.
    const moved = final.all.filter((t) => t.status === 'pending')
    const hold = final.closing - final.available
    const time = final.reportedAt.slice(10)
    let balance = final.closing
    for (let date = addDays(final.date, 1); date <= last; date = addDays(date, 1)) {
      const entries =
        date === addDays(final.date, 1) ? moved.map((t) => ({ ...t, status: 'booked' as const, bookingDate: date })) : []
      const opening = balance
      const closing = opening + entries.reduce((sum, e) => sum + e.amount, 0n)
      balance = closing
      if (date < from) continue
      const intraday = date === today
      const held = hold < closing ? hold : closing
      out.push({
        date,
        intraday,
        opening,
        closing,
        available: closing - (held > 0n ? held : 0n),
        reportedAt: intraday ? intradayReportTime(date) : `${date}${time}`,
        entries,
      })
    }
    return out
  }
}

/**
 * The balances a day carries in the contract's camt codes: OPBD/CLBD/CLAV when closed, OPBD/ITBD/ITAV
 * on the intraday day. Simulators whose format carries fewer filter this list in their truth.
 *
 * @example
 * ledgerBalances(day, 'CNY') // [{ type: 'OPBD', … }, { type: 'CLBD', … }, { type: 'CLAV', … }]
 */
export function ledgerBalances(day: LedgerDay, currency: CurrencyCode): ConnectorBalance[] {
  const reportedAt = new Date(day.reportedAt)
  const at = (type: ConnectorBalance['type'], amount: bigint): ConnectorBalance => ({ date: day.date, type, amount, currency, reportedAt })
  return day.intraday
    ? [at('OPBD', day.opening), at('ITBD', day.closing), at('ITAV', day.available)]
    : [at('OPBD', day.opening), at('CLBD', day.closing), at('CLAV', day.available)]
}

// ---------------------------------------------------------------------------------------------
// What the simulators of demo banks share
// ---------------------------------------------------------------------------------------------

/**
 * Options of a demo-bank simulator: the SDK's, plus which demo group it serves.
 * `endDate` defaults to the simulator's first `today`; `banks` to every demo bank it declares.
 *
 * @example
 * await startSimulator({ seed: 42, endDate: '2026-11-20', today: '2026-11-20', banks: ['bnk_icbc'] })
 */
export interface DemoSimulatorOptions extends SimulatorOptions {
  endDate?: string
  scale?: DemoScale
  banks?: readonly string[]
}

/**
 * One demo bank behind a simulator: the credentials and config a connection to it needs, and the
 * simulator's ground truth for exactly the accounts those credentials see.
 */
export interface DemoSimulatorConnection {
  bankId: string
  /** Human name of the connection, e.g. "ICBC · 银企直联 (icbc-cmp)". */
  name: string
  credentials: Record<string, string>
  config: Record<string, unknown>
  truth: SimulatorTruth
}

/**
 * A running demo-bank simulator. `connection`/`truth` (what the conformance kit uses) are those of
 * its first bank; `connections` has one per demo bank it serves.
 */
export interface RunningDemoSimulator extends RunningSimulator {
  connections: DemoSimulatorConnection[]
}

/**
 * Assembles a running demo simulator from its server and the connections it serves; the first
 * connection is the one the conformance kit uses.
 *
 * @example
 * return runningDemoSimulator(CONNECTOR_ID, server, faults, connections)
 */
export function runningDemoSimulator(
  connectorId: string,
  server: SimulatorServer,
  faults: FaultSet,
  connections: DemoSimulatorConnection[],
): RunningDemoSimulator {
  const primary = connections[0]
  if (!primary) throw new Error(`${connectorId}: a demo simulator serves at least one bank`)
  return {
    connectorId,
    url: server.url,
    faults,
    connection: { credentials: primary.credentials, config: primary.config },
    truth: primary.truth,
    connections,
    requestCount: server.requestCount,
    close: server.close,
  }
}

/**
 * Resolves the options every demo simulator takes: the ledger, its calendar and its banks.
 *
 * @example
 * const { ledger, today, banks } = resolveDemoOptions(options, DEMO_BANK_IDS)
 */
export function resolveDemoOptions(
  options: DemoSimulatorOptions,
  declared: readonly string[],
): { seed: number; ledger: DemoLedger; today: () => string; banks: string[] } {
  const seed = options.seed ?? 42
  const today =
    typeof options.today === 'function' ? options.today : typeof options.today === 'string' ? ((d: string) => () => d)(options.today) : () => todayIn(GROUP_TIME_ZONE)
  const ledger = DemoLedger.open({ seed, endDate: options.endDate ?? today(), ...(options.scale ? { scale: options.scale } : {}) })
  const banks = [...(options.banks ?? declared)]
  for (const bank of banks) {
    if (!declared.includes(bank)) throw new Error(`this simulator serves ${declared.join(', ')}, not "${bank}"`)
    ledger.bank(bank)
  }
  if (banks.length === 0) throw new Error('a demo simulator needs at least one bank')
  return { seed, ledger, today, banks }
}

/**
 * A {@link SimulatorTruth} from three functions (today is read live).
 *
 * @example
 * const truth = makeTruth(today, () => accounts, (ref, from, to) => …, (ref, from, to) => …)
 */
export function makeTruth(
  today: () => string,
  accounts: () => ConnectorAccount[],
  balances: (accountRef: string, from: string, to: string) => ConnectorBalance[],
  transactions: (accountRef: string, from: string, to: string) => ConnectorTransaction[],
): SimulatorTruth {
  return {
    get today() {
      return today()
    },
    accounts,
    balances,
    transactions,
  }
}

/** Collapses runs of white space and trims: what statement formats do to free text. */
export function squeezeText(text: string | null): string | null {
  if (text === null) return null
  const squeezed = text.replace(/\s+/g, ' ').trim()
  return squeezed === '' ? null : squeezed
}

// ---------------------------------------------------------------------------------------------
// Demo mode: start every demo bank
// ---------------------------------------------------------------------------------------------

/**
 * A connection to one demo bank, in the shape `registerConnection(db, registry, input)` takes.
 *
 * @example
 * { id: 'conn_icbc-cmp_bnk_icbc', connectorId: 'icbc-cmp', bankId: 'bnk_icbc', name: '…', credentials: {…}, config: { baseUrl: 'http://127.0.0.1:…', … } }
 */
export interface DemoConnection {
  id: string
  connectorId: string
  bankId: string
  name: string
  credentials: Record<string, string>
  config: Record<string, unknown>
}

/** What {@link startDemoBanks} returns. */
export interface DemoBanks {
  /** One per demo bank, every demo bank exactly once. */
  connections: DemoConnection[]
  /** Where the simulators run: a worker thread of this process, or its own event loop. */
  isolation: DemoIsolation
  /** The running simulators with their ground truth and live faults: in-process isolation only (else empty). */
  simulators: RunningDemoSimulator[]
  /**
   * Replaces the faults of one connector's simulator (`parseFaultList` syntax, "" for none).
   *
   * @example
   * await banks.setFaults('citi-bai2', 'down')
   */
  setFaults(connectorId: string, faults: string): Promise<void>
  /** Requests each connector's simulator has served so far. */
  requestCounts(): Promise<Record<string, number>>
  /** Stops every simulator (drops open connections; ends the worker). Idempotent. */
  stop(): Promise<void>
}

/**
 * `worker`: the simulators run in a worker thread, so simulating twelve banks never competes with
 * the app's own event loop (the API stays responsive during a backfill) and uses a second core.
 * `in-process`: on the caller's event loop, with direct access to each simulator (tests).
 */
export type DemoIsolation = 'worker' | 'in-process'

/**
 * Options of {@link startDemoBanks}. `faults` uses `MOCK_BANK_FAULTS` syntax and defaults to that
 * variable; `today` defaults to the group's calendar day (Asia/Shanghai), read on every request
 * (a function for `today` needs in-process isolation). `isolation` defaults to `worker` where the
 * worker can load this module (compiled JS, or TypeScript under tsx), else `in-process`.
 *
 * @example
 * { seed: 42, endDate: '2026-11-20', faults: 'citi-bai2=down,hsbc-ob=rate-limit' }
 */
export interface StartDemoBanksOptions {
  seed: number
  endDate: string
  today?: string | (() => string)
  faults?: string
  scale?: DemoScale
  /** Where connector folders are (default connectors/banks). */
  dir?: string
  isolation?: DemoIsolation
  /**
   * When to generate the demo accounts' histories (≈ 4 s of CPU at the demo scale): `true` before
   * this resolves (benchmarks), `'background'` after, one account at a time between requests, or
   * `false`: on each account's first request. Default: `'background'` in a worker, `false` in-process.
   */
  warm?: boolean | 'background'
}

interface SimulatorModule {
  startSimulator?: (options: DemoSimulatorOptions) => Promise<RunningDemoSimulator>
  DEMO_BANK_IDS?: readonly string[]
}

/**
 * Starts the simulators of every demo bank (127.0.0.1, free ports) and returns the connections
 * the app registers in demo mode. Each connector folder whose `simulator.ts` exports
 * `DEMO_BANK_IDS` is started once for all those banks; every demo bank must be served by exactly
 * one folder (else this throws, naming the bank). Faults come from `faults` or `MOCK_BANK_FAULTS`
 * (an unknown connector id there is an error, not a silently healthy bank).
 *
 * @example
 * const banks = await startDemoBanks({ seed: 42, endDate: '2026-11-20' })
 * for (const c of banks.connections) await registerConnection(db, registry, c)
 * process.once('SIGTERM', () => void banks.stop())
 */
export async function startDemoBanks(options: StartDemoBanksOptions): Promise<DemoBanks> {
  const isolation = options.isolation ?? defaultIsolation()
  if (isolation === 'in-process') return startInProcess(options)
  if (typeof options.today === 'function') throw new Error('startDemoBanks: a function for `today` needs isolation "in-process"')
  return startInWorker(options)
}

/** A worker can load this module when it is compiled JS, or TypeScript with tsx installed. */
function defaultIsolation(): DemoIsolation {
  return import.meta.url.endsWith('.js') || tsxApi() !== null ? 'worker' : 'in-process'
}

/** tsx's ESM register API, when this module runs as TypeScript. */
function tsxApi(): string | null {
  if (import.meta.url.endsWith('.js')) return null
  try {
    return import.meta.resolve('tsx/esm/api')
  } catch {
    return null
  }
}

async function startInProcess(options: StartDemoBanksOptions): Promise<DemoBanks> {
  const dir = options.dir ?? BANKS_DIR
  const modules: { id: string; module: Required<SimulatorModule> }[] = []
  for (const id of listConnectorFolders(dir)) {
    const file = ['simulator.ts', 'simulator.js'].map((f) => path.join(dir, id, f)).find((f) => existsSync(f))
    if (!file) continue
    const module = (await import(pathToFileURL(file).href)) as SimulatorModule
    if (!module.DEMO_BANK_IDS?.length || typeof module.startSimulator !== 'function') continue
    modules.push({ id, module: module as Required<SimulatorModule> })
  }
  const plan = parseMockBankFaults(options.faults ?? process.env.MOCK_BANK_FAULTS, modules.map((m) => m.id))
  const ledger = DemoLedger.open({ seed: options.seed, endDate: options.endDate, ...(options.scale ? { scale: options.scale } : {}) })
  const servedBy = new Map<string, string>()
  for (const { id, module } of modules) {
    for (const bankId of module.DEMO_BANK_IDS) {
      const other = servedBy.get(bankId)
      if (other) throw new Error(`demo bank ${bankId} is claimed by two simulators: ${other} and ${id}`)
      servedBy.set(bankId, id)
    }
  }
  const unserved = ledger.demo.banks.filter((b) => !servedBy.has(b.id))
  if (unserved.length) throw new Error(`no bank simulator serves the demo bank(s) ${unserved.map((b) => b.id).join(', ')}`)

  const simulators: RunningDemoSimulator[] = []
  let stopping: Promise<void> | null = null
  const stop = () => (stopping ??= Promise.all(simulators.map((s) => s.close())).then(() => undefined))
  if (options.warm === 'background') {
    // One account per turn of the event loop, so requests arriving meanwhile are served in between.
    const pending = ledger.demo.accounts.filter((a) => servedBy.has(a.bankId))
    const step = () => {
      const account = pending.shift()
      if (!account || stopping) return
      ledger.warm([account])
      setImmediate(step)
    }
    setImmediate(step)
  }
  try {
    for (const { id, module } of modules) {
      const faults: Fault[] = faultsFor(plan, id)
      const banks = module.DEMO_BANK_IDS.filter((b) => ledger.demo.banks.some((d) => d.id === b))
      if (!banks.length) continue
      simulators.push(
        await module.startSimulator({
          seed: options.seed,
          endDate: options.endDate,
          ...(options.today !== undefined ? { today: options.today } : {}),
          ...(options.scale ? { scale: options.scale } : {}),
          faults,
          banks,
        }),
      )
    }
    if (options.warm === true) ledger.warm(ledger.demo.accounts.filter((a) => servedBy.has(a.bankId)))
  } catch (error) {
    await stop()
    throw error
  }
  const connections: DemoConnection[] = simulators.flatMap((sim) =>
    sim.connections.map((c) => ({
      id: `conn_${sim.connectorId}_${c.bankId}`,
      connectorId: sim.connectorId,
      bankId: c.bankId,
      name: c.name,
      credentials: c.credentials,
      config: c.config,
    })),
  )
  const find = (connectorId: string) => {
    const sim = simulators.find((s) => s.connectorId === connectorId)
    if (!sim) throw new Error(`no demo bank simulator "${connectorId}" (running: ${simulators.map((s) => s.connectorId).join(', ')})`)
    return sim
  }
  return {
    connections,
    isolation: 'in-process',
    simulators,
    setFaults: async (connectorId, faults) => {
      find(connectorId).faults.set(faults)
    },
    requestCounts: async () => Object.fromEntries(simulators.map((s) => [s.connectorId, s.requestCount()])),
    stop,
  }
}

// ---------------------------------------------------------------------------------------------
// The worker: this same module, started as a worker thread
// ---------------------------------------------------------------------------------------------

const WORKER_KIND = 'treasury-demo-banks'

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never
type ToWorker = { id: number; type: 'faults'; connectorId: string; faults: string } | { id: number; type: 'counts' } | { id: number; type: 'stop' }
type FromWorker =
  | { type: 'ready'; connections: DemoConnection[] }
  | { type: 'failed'; message: string }
  | { id: number; type: 'done'; value?: unknown }
  | { id: number; type: 'error'; message: string }

async function startInWorker(options: StartDemoBanksOptions): Promise<DemoBanks> {
  const { today, ...rest } = options
  const data = { kind: WORKER_KIND, options: { warm: 'background', ...rest, ...(typeof today === 'string' ? { today } : {}), isolation: 'in-process' } }
  const tsx = tsxApi()
  // As TypeScript, the worker registers tsx itself (a worker does not inherit the parent's loader hooks).
  const worker = tsx
    ? new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}) })`, { eval: true, execArgv: [], workerData: data })
    : new Worker(new URL(import.meta.url), { workerData: data })
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  let nextId = 0
  let exited = false
  const connections = await new Promise<DemoConnection[]>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the demo bank worker exited (code ${code}) before it was ready`)))
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') resolve(message.connections)
      else if (message.type === 'failed') reject(new Error(message.message))
      else {
        const waiting = pending.get(message.id)
        pending.delete(message.id)
        if (message.type === 'done') waiting?.resolve(message.value)
        else waiting?.reject(new Error(message.message))
      }
    })
  }).catch(async (error: unknown) => {
    await worker.terminate()
    throw error
  })
  worker.removeAllListeners('error').removeAllListeners('exit')
  const failAll = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error)
    pending.clear()
  }
  worker.on('error', (error) => failAll(error))
  worker.on('exit', () => {
    exited = true
    failAll(new Error('the demo bank worker has stopped'))
  })
  // The servers live in the worker: it must not keep the process alive once the app is done.
  worker.unref()
  const ask = (message: WithoutId<ToWorker>): Promise<unknown> => {
    if (exited) return Promise.reject(new Error('the demo bank worker has stopped'))
    const id = ++nextId
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      worker.postMessage({ ...message, id })
    })
  }
  let stopping: Promise<void> | null = null
  return {
    connections,
    isolation: 'worker',
    simulators: [],
    setFaults: async (connectorId, faults) => {
      await ask({ type: 'faults', connectorId, faults })
    },
    requestCounts: async () => (await ask({ type: 'counts' })) as Record<string, number>,
    stop: () =>
      (stopping ??= (async () => {
        if (!exited) await ask({ type: 'stop' }).catch(() => {})
        await worker.terminate()
      })()),
  }
}

async function runWorker(): Promise<void> {
  const port = parentPort!
  let banks: DemoBanks
  try {
    banks = await startInProcess((workerData as { options: StartDemoBanksOptions }).options)
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromWorker)
    return
  }
  port.on('message', (message: ToWorker) => {
    void (async () => {
      try {
        let value: unknown
        if (message.type === 'faults') await banks.setFaults(message.connectorId, message.faults)
        else if (message.type === 'counts') value = await banks.requestCounts()
        else await banks.stop()
        port.postMessage({ id: message.id, type: 'done', value } satisfies FromWorker)
        // Nothing is left to keep the worker alive: it ends by itself.
        if (message.type === 'stop') port.close()
      } catch (error) {
        port.postMessage({ id: message.id, type: 'error', message: (error as Error).message } satisfies FromWorker)
      }
    })()
  })
  port.postMessage({ type: 'ready', connections: banks.connections } satisfies FromWorker)
}

if (!isMainThread && (workerData as { kind?: unknown } | null)?.kind === WORKER_KIND) void runWorker()
