import { defineComponent, effectScope, nextTick, ref } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { deferredComponent } from './use-deferred-component'

const Loaded = defineComponent({ name: 'Loaded', render: () => null })

describe('deferredComponent', () => {
  it('loads once, when first wanted, and is null until its code is there', async () => {
    let resolve!: (m: { default: typeof Loaded }) => void
    const load = vi.fn(() => new Promise<{ default: typeof Loaded }>((r) => (resolve = r)))
    const use = deferredComponent(load)
    const wanted = ref(false)
    const scope = effectScope()
    const [a, b] = scope.run(() => [use(() => wanted.value), use(() => wanted.value)])!
    await nextTick()
    expect(load).not.toHaveBeenCalled()
    wanted.value = true
    await nextTick()
    expect(load).toHaveBeenCalledTimes(1)
    expect(a.value).toBeNull()
    resolve({ default: Loaded })
    await Promise.resolve()
    await Promise.resolve()
    expect(a.value).toBe(Loaded)
    expect(b.value).toBe(Loaded)
    scope.stop()
  })

  it('tries again on the next want when loading failed', async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValueOnce({ default: Loaded })
    const use = deferredComponent(load)
    const wanted = ref(true)
    const scope = effectScope()
    const c = scope.run(() => use(() => wanted.value))!
    await new Promise((r) => setTimeout(r))
    expect(c.value).toBeNull()
    wanted.value = false
    await nextTick()
    wanted.value = true
    await new Promise((r) => setTimeout(r))
    expect(load).toHaveBeenCalledTimes(2)
    expect(c.value).toBe(Loaded)
    scope.stop()
  })
})
