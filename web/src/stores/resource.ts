import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { errorMessage } from '@/api/client'
import { argsKey } from '@/api/prefetch'

export { argsKey }

/**
 * One panel's worth of remote data: its value, loading flag and error, loaded by arguments.
 * Stores build their panels from these so that one failing request shows its own error and
 * retry while every other panel keeps working. Answers to superseded requests are dropped, and
 * recent answers are kept briefly so switching back (e.g. CNY → USD → CNY) is instant.
 *
 * @example
 * const trend = createResource((a: { currency: string }) => api().position.trend.query(...))
 * await trend.load({ currency: 'CNY' })
 */
export interface Resource<A, T> {
  readonly data: ShallowRef<T | null>
  readonly error: Ref<string | null>
  readonly loading: Ref<boolean>
  /** Arguments of the data shown (or being loaded). */
  readonly args: ShallowRef<A | null>
  load(args: A, options?: { force?: boolean }): Promise<void>
  retry(): Promise<void>
  reset(): void
}

export function createResource<A, T>(
  fetcher: (args: A) => Promise<T>,
  options: { cacheSize?: number; maxAgeMs?: number } = {},
): Resource<A, T> {
  const cacheSize = options.cacheSize ?? 6
  const maxAgeMs = options.maxAgeMs ?? 60_000
  const data = shallowRef<T | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  const args = shallowRef<A | null>(null)
  const cache = new Map<string, { value: T; at: number }>()
  let currentKey: string | null = null
  let generation = 0

  async function load(next: A, { force = false } = {}): Promise<void> {
    const key = argsKey(next)
    if (!force && key === currentKey && (data.value !== null || loading.value)) return
    const mine = ++generation
    currentKey = key
    args.value = next
    error.value = null
    const cached = cache.get(key)
    if (!force && cached && Date.now() - cached.at < maxAgeMs) {
      data.value = cached.value
      loading.value = false
      return
    }
    data.value = null
    loading.value = true
    try {
      const value = await fetcher(next)
      if (mine !== generation) return
      cache.delete(key)
      cache.set(key, { value, at: Date.now() })
      while (cache.size > cacheSize) cache.delete(cache.keys().next().value!)
      data.value = value
    } catch (e) {
      if (mine !== generation) return
      error.value = errorMessage(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function retry(): Promise<void> {
    if (args.value !== null) await load(args.value, { force: true })
  }

  function reset() {
    generation++
    currentKey = null
    cache.clear()
    data.value = null
    error.value = null
    loading.value = false
    args.value = null
  }

  return { data, error, loading, args, load, retry, reset }
}
