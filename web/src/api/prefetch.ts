/**
 * Requests that can start before anything asks for them. The entry starts the landing page's
 * requests while the app's code is still downloading; when a store then asks for the same thing,
 * it gets the request already under way instead of sending another. Vue-free on purpose: the
 * entry must not wait for the framework to load before it can start them.
 */

/** Stable key of arguments (bigint-safe, key order independent, undefined fields dropped). */
export function argsKey(args: unknown): string {
  return JSON.stringify(args, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)))
    }
    return value
  })
}

/** A fetcher that can also be started ahead of time (see `prefetchable`). */
export interface Prefetchable<A, T> {
  (args: A): Promise<T>
  /** Starts the request now; the first call with equal arguments (by `argsKey`) gets its answer. */
  prefetch(args: A): void
}

/**
 * Wraps a fetcher so its request can be started early. A started request is handed out once and
 * only while fresh (`maxAgeMs`), so a later visit to the same view asks the server again.
 *
 * @example
 * const summary = prefetchable((s: Scope) => api().position.summary.query(s))
 * summary.prefetch(scope)          // in the entry, before the app has loaded
 * await summary(scope)             // later, from the store: the same request, not a second one
 */
export function prefetchable<A, T>(fetcher: (args: A) => Promise<T>, maxAgeMs = 30_000): Prefetchable<A, T> {
  const started = new Map<string, { answer: Promise<T>; at: number }>()
  const call = (args: A): Promise<T> => {
    const key = argsKey(args)
    const early = started.get(key)
    if (early) {
      started.delete(key)
      if (Date.now() - early.at < maxAgeMs) return early.answer
    }
    return fetcher(args)
  }
  call.prefetch = (args: A): void => {
    const key = argsKey(args)
    if (started.has(key)) return
    const answer = fetcher(args)
    // Nobody may ever ask (the person navigated away): a failure then is nobody's to report.
    answer.catch(() => {})
    started.set(key, { answer, at: Date.now() })
  }
  return call
}
