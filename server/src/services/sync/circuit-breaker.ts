/**
 * A circuit breaker per bank (keyed by connector id): after `failureThreshold` failed runs in a
 * row the bank is left alone for a cooldown that doubles with every failed probe, up to
 * `maxCooldownMs`; then one probe run is let through (half-open) and a success closes it again.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 60_000, maxCooldownMs: 1_800_000 })
 * if (breaker.canRun('acme-bank', now)) …
 * breaker.recordFailure('acme-bank', now) // { openUntil: Date | null }
 */
export interface CircuitBreakerOptions {
  failureThreshold: number
  cooldownMs: number
  maxCooldownMs: number
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = { failureThreshold: 3, cooldownMs: 60_000, maxCooldownMs: 30 * 60_000 }

export type CircuitState = 'closed' | 'open' | 'half-open'

interface Entry {
  failures: number
  openUntil: number | null
  opened: number
}

export class CircuitBreaker {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER) {}

  private entry(key: string): Entry {
    let entry = this.entries.get(key)
    if (!entry) this.entries.set(key, (entry = { failures: 0, openUntil: null, opened: 0 }))
    return entry
  }

  state(key: string, now: Date): CircuitState {
    const entry = this.entries.get(key)
    if (!entry || entry.openUntil === null) return 'closed'
    return now.getTime() < entry.openUntil ? 'open' : 'half-open'
  }

  canRun(key: string, now: Date): boolean {
    return this.state(key, now) !== 'open'
  }

  /** When the circuit of `key` reopens for a probe, or null when closed. */
  openUntil(key: string): Date | null {
    const until = this.entries.get(key)?.openUntil
    return until ? new Date(until) : null
  }

  recordSuccess(key: string): void {
    this.entries.set(key, { failures: 0, openUntil: null, opened: 0 })
  }

  /**
   * Counts a failed run; returns the time the circuit is open until when this failure opened (or
   * kept open) it. `knownFailures` is the failure streak recorded in the database (other processes
   * and restarts count too).
   */
  recordFailure(key: string, now: Date, knownFailures = 0): { openUntil: Date | null } {
    const entry = this.entry(key)
    entry.failures = Math.max(entry.failures + 1, knownFailures)
    const halfOpenProbeFailed = entry.openUntil !== null
    if (halfOpenProbeFailed || entry.failures >= this.options.failureThreshold) {
      const cooldown = Math.min(this.options.maxCooldownMs, this.options.cooldownMs * 2 ** entry.opened)
      entry.opened += 1
      entry.openUntil = now.getTime() + cooldown
      return { openUntil: new Date(entry.openUntil) }
    }
    return { openUntil: null }
  }
}
