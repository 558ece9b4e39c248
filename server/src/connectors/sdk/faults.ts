/**
 * Fault injection for bank simulators: the `MOCK_BANK_FAULTS` parser, a mutable per-simulator
 * fault set, and the transport-level faults every simulator gets for free (see `serveSimulator`
 * in ./simulator.ts). Semantic faults (duplicated pages, missing days, auth failures) depend on the
 * bank's protocol, so each simulator implements them, asking `faults.has(…)`; the helpers at the
 * end of this file keep them deterministic and alike across banks.
 */

/**
 * Every fault a simulator understands. Transport faults, applied before the simulator's handler:
 * - `down`: every request answers 503.
 * - `slow`: every request is delayed by `param` ms (default 1500).
 * - `flaky`: every `param`-th request (default 3; the 2nd, 5th, 8th…) answers 500; a retry succeeds.
 * - `rate-limit`: every `param`-th request (default 2) answers 429 with `Retry-After`.
 * - `timeout`: requests are accepted and never answered (until the client gives up).
 * - `garbage`: successful bodies are replaced by malformed ones (cut JSON/XML). `garbage:1` asks for
 *   semantic garbage instead — well-formed payloads with impossible values — which each simulator
 *   produces in its own protocol (the transport layer then leaves bodies alone).
 *
 * Semantic faults, implemented by each simulator in its own protocol:
 * - `duplicate-pages`: every page of entries is served twice (a second cursor leading to the same page).
 * - `missing-days`: the days picked by {@link isMissingDay} are left out (balances and entries), as if delivered late.
 * - `auth-failed`: credentials are refused the way the bank refuses them.
 * - `auth-expired`: the session/token/consent is reported expired the way the bank reports it.
 *
 * @example
 * const kind: FaultKind = 'duplicate-pages'
 */
export const FAULT_KINDS = [
  'down',
  'slow',
  'flaky',
  'rate-limit',
  'timeout',
  'garbage',
  'duplicate-pages',
  'missing-days',
  'auth-failed',
  'auth-expired',
] as const
/** @see FAULT_KINDS @example const kind: FaultKind = 'slow' */
export type FaultKind = (typeof FAULT_KINDS)[number]

/** The faults every bank must support in `MOCK_BANK_FAULTS`; the others are accepted too. @example PRIMARY_FAULT_KINDS.includes('down') // true */
export const PRIMARY_FAULT_KINDS = ['down', 'slow', 'flaky', 'rate-limit', 'garbage'] as const satisfies readonly FaultKind[]

/**
 * One fault with its optional numeric parameter (meaning per kind, see {@link FAULT_KINDS}).
 *
 * @example
 * { kind: 'slow', param: 800 } // 800 ms latency on every request
 */
export interface Fault {
  kind: FaultKind
  param?: number
}

/** Defaults of each fault's parameter. @example FAULT_DEFAULTS.slow // 1500 (ms) */
export const FAULT_DEFAULTS: Readonly<Partial<Record<FaultKind, number>>> = {
  slow: 1500,
  flaky: 3,
  'rate-limit': 2,
  'missing-days': 5,
}

/** A malformed `MOCK_BANK_FAULTS` (or fault list); the message names the offending part. @example try { parseFaultList('nope') } catch (e) { e instanceof FaultSpecError } */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError'
}

/** @example isFaultKind('flaky') // true */
export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value)
}

/**
 * Parses one bank's fault list: kinds joined by `+`, each with an optional `:number` parameter.
 *
 * @example
 * parseFaultList('slow:800+flaky') // [{ kind: 'slow', param: 800 }, { kind: 'flaky' }]
 * parseFaultList('')               // []
 */
export function parseFaultList(text: string): Fault[] {
  const faults: Fault[] = []
  for (const raw of text.split('+')) {
    const part = raw.trim()
    if (!part) continue
    const [kind, param, ...rest] = part.split(':').map((s) => s.trim())
    if (!kind || !isFaultKind(kind)) {
      throw new FaultSpecError(`unknown fault "${kind ?? part}" (expected one of ${FAULT_KINDS.join(', ')})`)
    }
    if (rest.length > 0 || (param !== undefined && !/^\d+(\.\d+)?$/.test(param))) {
      throw new FaultSpecError(`fault "${part}": the parameter after ":" must be a non-negative number`)
    }
    if (faults.some((f) => f.kind === kind)) throw new FaultSpecError(`fault "${kind}" is given twice`)
    faults.push(param === undefined ? { kind } : { kind, param: Number(param) })
  }
  return faults
}

/**
 * Parses `MOCK_BANK_FAULTS`: comma-separated `<connectorId>=<faults>` where `<faults>` is
 * {@link parseFaultList}'s syntax. `*` stands for every bank. Unset or blank means no faults.
 * With `knownIds`, an id that is no registered connector is an error (a typo must not silently
 * leave a bank healthy).
 *
 * @example
 * parseMockBankFaults('cmb-direct=down,obie-rest=rate-limit+slow:500')
 * // Map { 'cmb-direct' => [{ kind: 'down' }], 'obie-rest' => [{ kind: 'rate-limit' }, { kind: 'slow', param: 500 }] }
 */
export function parseMockBankFaults(value: string | undefined, knownIds?: readonly string[]): Map<string, Fault[]> {
  const plan = new Map<string, Fault[]>()
  if (!value || !value.trim()) return plan
  for (const raw of value.split(',')) {
    const entry = raw.trim()
    if (!entry) continue
    const eq = entry.indexOf('=')
    if (eq <= 0) throw new FaultSpecError(`MOCK_BANK_FAULTS entry "${entry}" must look like <connectorId>=<fault>[+<fault>…]`)
    const id = entry.slice(0, eq).trim()
    if (id !== '*' && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) throw new FaultSpecError(`MOCK_BANK_FAULTS: "${id}" is not a connector id`)
    if (knownIds && id !== '*' && !knownIds.includes(id)) {
      throw new FaultSpecError(`MOCK_BANK_FAULTS names "${id}", which is no connector (known: ${knownIds.join(', ') || 'none'})`)
    }
    if (plan.has(id)) throw new FaultSpecError(`MOCK_BANK_FAULTS names "${id}" twice`)
    let faults: Fault[]
    try {
      faults = parseFaultList(entry.slice(eq + 1))
    } catch (error) {
      throw new FaultSpecError(`MOCK_BANK_FAULTS for "${id}": ${(error as Error).message}`)
    }
    if (faults.length === 0) throw new FaultSpecError(`MOCK_BANK_FAULTS for "${id}" lists no fault`)
    plan.set(id, faults)
  }
  return plan
}

/**
 * The faults of one bank in a parsed plan: its own entry, else the `*` entry, else none.
 *
 * @example
 * faultsFor(parseMockBankFaults(process.env.MOCK_BANK_FAULTS), 'cmb-direct')
 */
export function faultsFor(plan: ReadonlyMap<string, Fault[]>, connectorId: string): Fault[] {
  return [...(plan.get(connectorId) ?? plan.get('*') ?? [])]
}

/** Formats faults back into `parseFaultList` syntax (for logs and the UI). @example formatFaults([{ kind: 'slow', param: 5 }]) // 'slow:5' */
export function formatFaults(faults: readonly Fault[]): string {
  return faults.map((f) => (f.param === undefined ? f.kind : `${f.kind}:${f.param}`)).join('+')
}

/**
 * The live fault set of one running simulator. Tests switch faults on and off between syncs;
 * the simulator reads it on every request.
 *
 * @example
 * sim.faults.set('down')          // or [{ kind: 'slow', param: 200 }]
 * sim.faults.has('down')          // true
 * sim.faults.clear()
 */
export class FaultSet {
  private faults = new Map<FaultKind, Fault>()

  constructor(initial: string | readonly Fault[] = []) {
    this.set(initial)
  }

  /** Replaces every fault (a `parseFaultList` string or a list). */
  set(faults: string | readonly Fault[]): this {
    const list = typeof faults === 'string' ? parseFaultList(faults) : faults
    this.faults = new Map(list.map((f) => [f.kind, { ...f }]))
    return this
  }

  add(kind: FaultKind, param?: number): this {
    this.faults.set(kind, param === undefined ? { kind } : { kind, param })
    return this
  }

  remove(kind: FaultKind): this {
    this.faults.delete(kind)
    return this
  }

  clear(): this {
    this.faults.clear()
    return this
  }

  has(kind: FaultKind): boolean {
    return this.faults.has(kind)
  }

  /** The fault's parameter, its default, or `fallback`. */
  param(kind: FaultKind, fallback = 0): number {
    return this.faults.get(kind)?.param ?? FAULT_DEFAULTS[kind] ?? fallback
  }

  list(): Fault[] {
    return [...this.faults.values()].map((f) => ({ ...f }))
  }

  toString(): string {
    return formatFaults(this.list())
  }
}

/** What the transport layer decided for one request. @example const v: TransportVerdict = { action: 'hang', delayMs: 0 } */
export type TransportVerdict =
  | { action: 'proceed'; delayMs: number }
  | { action: 'respond'; delayMs: number; status: number; headers: Record<string, string>; body: string }
  | { action: 'hang'; delayMs: number }

/**
 * How transport faults are rendered; banks differ in how they say "down" or "too many".
 *
 * @example
 * { errorBody: (kind) => `<ERR>${kind}</ERR>`, errorContentType: 'application/xml', retryAfterSeconds: 2 }
 */
export interface TransportFaultOptions {
  /** Body of the 503/500/429 answers (default: a small JSON error). */
  errorBody?(kind: 'down' | 'flaky' | 'rate-limit', status: number): string
  /** Content type of those bodies (default application/json). */
  errorContentType?: string
  /** Retry-After in seconds sent with 429 (default 1; fractions allowed so tests stay fast). */
  retryAfterSeconds?: number
}

/**
 * Decides the transport faults of the `n`-th request (1-based) of a simulator: the precedence is
 * timeout > down > rate-limit > flaky, and `slow` delays whatever happens. Pure and deterministic.
 *
 * @example
 * transportVerdict(new FaultSet('flaky'), 2) // { action: 'respond', status: 500, … }
 * transportVerdict(new FaultSet('flaky'), 3) // { action: 'proceed', delayMs: 0 }
 */
export function transportVerdict(faults: FaultSet, n: number, options: TransportFaultOptions = {}): TransportVerdict {
  const delayMs = faults.has('slow') ? faults.param('slow') : 0
  const respond = (kind: 'down' | 'flaky' | 'rate-limit', status: number, extra: Record<string, string> = {}): TransportVerdict => ({
    action: 'respond',
    delayMs,
    status,
    headers: { 'content-type': options.errorContentType ?? 'application/json', ...extra },
    body: options.errorBody?.(kind, status) ?? JSON.stringify({ error: kind === 'rate-limit' ? 'too many requests' : kind === 'down' ? 'service unavailable' : 'internal error' }),
  })
  if (faults.has('timeout')) return { action: 'hang', delayMs }
  if (faults.has('down')) return respond('down', 503)
  if (faults.has('rate-limit') && everyNth(n, faults.param('rate-limit'), 1)) {
    return respond('rate-limit', 429, { 'retry-after': String(options.retryAfterSeconds ?? 1) })
  }
  if (faults.has('flaky') && everyNth(n, faults.param('flaky'), 2)) return respond('flaky', 500)
  return { action: 'proceed', delayMs }
}

/** True for the requests first, first+period, first+2·period… (period ≤ 1: every request). */
function everyNth(n: number, period: number, first: number): boolean {
  const p = Math.max(1, Math.floor(period))
  if (p === 1) return true
  const start = Math.min(first, p)
  return n >= start && (n - start) % p === 0
}

/**
 * Turns a good body into a malformed one of the same kind: cut in the middle, with bytes no
 * parser accepts. Deterministic, so a failure reproduces.
 *
 * @example
 * mangleBody('{"accounts":[{"id":1}]}') // '{"accounts":[{\u0000<<garbage>>'
 */
export function mangleBody(body: string): string {
  return `${body.slice(0, Math.max(1, Math.floor(body.length / 2)))}\u0000<<garbage>>`
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
function epochDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000)
}

/**
 * The `missing-days` fault's choice of days, alike in every simulator: every `param`-th calendar day
 * (default 5) before `today` is missing; today itself never is (intraday data keeps flowing).
 *
 * @example
 * if (faults.has('missing-days') && isMissingDay(day, today, faults.param('missing-days'))) continue
 */
export function isMissingDay(date: string, today: string, period: number = FAULT_DEFAULTS['missing-days']!): boolean {
  if (date >= today) return false
  const p = Math.max(2, Math.floor(period))
  return epochDay(date) % p === 0
}

/**
 * True when the transport layer should mangle a successful body: `garbage` without the semantic
 * parameter, and the handler did not already answer with garbage of its own.
 *
 * @example
 * if (shouldMangle(faults, response)) body = mangleBody(body)
 */
export function shouldMangle(faults: FaultSet, response: { status: number; garbage?: boolean }): boolean {
  return faults.has('garbage') && faults.param('garbage') !== 1 && !response.garbage && response.status < 300
}
