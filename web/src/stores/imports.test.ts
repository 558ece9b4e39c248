import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient, type ApiClient } from '@/api/client'
import { DEFAULT_MAX_IMPORT_BYTES, formatFileSize, RECENT_IMPORTS, useImportsStore } from './imports'

function fakeApi(maxBytes: number) {
  const limits = vi.fn(async () => ({ maxBytes }))
  const preview = vi.fn(async () => ({ fileName: 'a.sta' }))
  setApiClient({ imports: { limits: { query: limits }, preview: { mutate: preview } } } as unknown as ApiClient)
  return { limits, preview }
}

const file = (bytes: number, name = 'a.sta') => new File([new Uint8Array(bytes)], name)

describe('imports store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApiClient(null))

  it('refuses a file over the server’s upload limit before sending it', async () => {
    const { limits, preview } = fakeApi(1024)
    const store = useImportsStore()
    expect(store.maxBytes).toBe(DEFAULT_MAX_IMPORT_BYTES)
    await store.loadLimits()
    await store.loadLimits()
    expect(limits).toHaveBeenCalledTimes(1)
    expect(store.maxBytes).toBe(1024)
    store.choose(file(2048))
    expect(store.tooLarge).toBe(true)
    await store.runPreview()
    expect(preview).not.toHaveBeenCalled()
    store.choose(file(1024))
    expect(store.tooLarge).toBe(false)
    await store.runPreview()
    expect(preview).toHaveBeenCalledWith({ fileName: 'a.sta', content: btoa(String.fromCharCode(...new Uint8Array(1024))), format: 'auto' })
  })

  it('keeps the default limit when the server cannot be asked', async () => {
    setApiClient({ imports: { limits: { query: vi.fn(async () => Promise.reject(new Error('offline'))) } } } as unknown as ApiClient)
    const store = useImportsStore()
    await store.loadLimits()
    expect(store.maxBytes).toBe(DEFAULT_MAX_IMPORT_BYTES)
    store.choose(file(10))
    expect(store.tooLarge).toBe(false)
  })

  it('lists recent imports and reads them again after an import, not after a preview or a failed import', async () => {
    const listed = [{ id: 'stm_1', fileName: 'a.sta' }]
    const recent = vi.fn(async () => listed)
    const preview = vi.fn(async () => ({ fileName: 'a.sta' }))
    const commit = vi.fn(async () => ({ fileName: 'a.sta' }))
    setApiClient({ imports: { recent: { query: recent }, preview: { mutate: preview }, commit: { mutate: commit } } } as unknown as ApiClient)
    const store = useImportsStore()
    await store.loadRecent()
    await store.loadRecent()
    expect(recent).toHaveBeenCalledTimes(1)
    expect(recent).toHaveBeenCalledWith({ limit: RECENT_IMPORTS })
    expect(store.recent.data).toEqual(listed)

    store.choose(file(10))
    await store.runPreview()
    expect(recent).toHaveBeenCalledTimes(1)
    commit.mockRejectedValueOnce(new Error('disk full'))
    await store.runCommit()
    expect(store.error).toBe('disk full')
    expect(recent).toHaveBeenCalledTimes(1)
    await store.runCommit()
    await vi.waitFor(() => expect(recent).toHaveBeenCalledTimes(2))
    expect(store.result).toEqual({ fileName: 'a.sta' })
  })

  it('formats sizes and limits for people', () => {
    expect(formatFileSize(50 * 1024 * 1024)).toBe('50 MB')
    expect(formatFileSize(1.5 * 1024 * 1024)).toBe('1.5 MB')
    expect(formatFileSize(200 * 1024)).toBe('200 KB')
    expect(formatFileSize(10)).toBe('1 KB')
  })
})
