import { afterEach, describe, expect, it, vi } from 'vitest'
import { argsKey, prefetchable } from './prefetch'

describe('argsKey', () => {
  it('ignores key order and undefined fields, and keeps bigints exact', () => {
    expect(argsKey({ b: 1, a: 'x', c: undefined })).toBe(argsKey({ a: 'x', b: 1 }))
    expect(argsKey({ min: 12345678901234567890n })).toBe('{"min":"12345678901234567890n"}')
  })
})

describe('prefetchable', () => {
  afterEach(() => vi.useRealTimers())

  it('answers the first equal call from the request already under way', async () => {
    const fetcher = vi.fn(async (a: { currency: string; entityId?: string }) => `answer for ${a.currency}`)
    const summary = prefetchable(fetcher)
    summary.prefetch({ currency: 'CNY', entityId: undefined })
    expect(fetcher).toHaveBeenCalledTimes(1)
    await expect(summary({ currency: 'CNY' })).resolves.toBe('answer for CNY')
    expect(fetcher).toHaveBeenCalledTimes(1)
    // Handed out once: the next call asks again.
    await summary({ currency: 'CNY' })
    expect(fetcher).toHaveBeenCalledTimes(2)
  })

  it('asks again for other arguments and for a prefetch gone stale', async () => {
    vi.useFakeTimers()
    const fetcher = vi.fn(async (a: { currency: string }) => a.currency)
    const summary = prefetchable(fetcher, 1_000)
    summary.prefetch({ currency: 'CNY' })
    await summary({ currency: 'USD' })
    expect(fetcher).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(1_001)
    await summary({ currency: 'CNY' })
    expect(fetcher).toHaveBeenCalledTimes(3)
  })

  it('passes a failed prefetch to whoever asks for it, and to nobody else', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const fetcher = vi.fn(async (_: void) => {
        throw new Error('server down')
      })
      const banks = prefetchable(fetcher)
      banks.prefetch()
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(unhandled).not.toHaveBeenCalled()
      await expect(banks()).rejects.toThrow('server down')
      expect(fetcher).toHaveBeenCalledTimes(1)
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })
})
