import { isConnectorError, RateLimitedError } from '@treasury/shared'
import { abortableSleep } from '../../connectors/sdk/runtime.js'

/**
 * Retries of one connector call: exponential backoff with jitter for `unavailable`, the bank's
 * Retry-After for `rate-limited`; everything else fails at once.
 *
 * @example
 * const policy: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 30_000 }
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is not waited for in the run: the run fails and is rescheduled after it. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 }

/**
 * The wait before retry number `attempt` (1 = first retry): "equal jitter" — half of the
 * exponential step fixed, half random — so waits grow and callers hitting one bank spread out.
 *
 * @example
 * backoffDelay(1, policy, () => 0.5) // 187.5 with baseDelayMs 250
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return step / 2 + random() * (step / 2)
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable error, or the attempts are used up.
 * The wait is abortable: an aborted `signal` ends it with the signal's reason.
 *
 * @example
 * const accounts = await withRetry(() => runner.listAccounts(), policy, { signal, random: Math.random, onRetry: () => retries++ })
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  options: { signal?: AbortSignal; random?: () => number; onRetry?: (error: Error, attempt: number, delayMs: number) => void } = {},
): Promise<T> {
  const random = options.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable || attempt >= policy.attempts) throw error
      let delay = backoffDelay(attempt, policy, random)
      if (error instanceof RateLimitedError && error.retryAfterMs !== null) {
        if (error.retryAfterMs > policy.maxRetryAfterMs) throw error
        delay = Math.max(error.retryAfterMs, 0)
      }
      options.onRetry?.(error, attempt, delay)
      await abortableSleep(delay, options.signal)
    }
  }
}
