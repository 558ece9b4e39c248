import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type ApiClient } from '@/api/client'
import { createResource } from './resource'

export type ImportSummary = Awaited<ReturnType<ApiClient['imports']['preview']['mutate']>>
export type ImportStatement = ImportSummary['statements'][number]
export type RecentImport = Awaited<ReturnType<ApiClient['imports']['recent']['query']>>[number]
export type ImportFormat = NonNullable<Parameters<ApiClient['imports']['preview']['mutate']>[0]['format']>

/** Statements listed under "recently imported". */
export const RECENT_IMPORTS = 20

/** The server's default upload limit, until it has said its own (`imports.limits`; it enforces it too). */
export const DEFAULT_MAX_IMPORT_BYTES = 50 * 1024 * 1024

/** "50 MB", "1.5 MB", "200 KB": a file size or limit for people. */
export function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`
  return `${Math.max(1, Math.ceil(bytes / 1024))} KB`
}

/** A browser File (or Blob) as base64, without the data-URL prefix. */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'))
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.readAsDataURL(file)
  })
}

/**
 * The statement import page: one chosen file, its preview (nothing written), then the commit.
 * Errors are kept as text for the page; a new file clears preview, result and error. A file over
 * the server's upload limit is refused here, before it is read or sent.
 */
export const useImportsStore = defineStore('imports', () => {
  const file = ref<File | null>(null)
  const format = ref<ImportFormat>('auto')
  const createUnder = ref<string | null>(null)
  const preview = ref<ImportSummary | null>(null)
  const result = ref<ImportSummary | null>(null)
  const busy = ref<'preview' | 'commit' | null>(null)
  const error = ref<string | null>(null)
  /** The upload limit in bytes (IMPORT_MAX_BYTES on the server). */
  const maxBytes = ref(DEFAULT_MAX_IMPORT_BYTES)
  /** The chosen file is over the limit (the page shows it with the limit). */
  const tooLarge = computed(() => file.value !== null && file.value.size > maxBytes.value)
  /** The statements imported most recently (newest first), within the caller's scope. */
  const recent = createResource((a: { limit: number }) => api().imports.recent.query(a), { cacheSize: 1, maxAgeMs: 0 })
  let content: Promise<string> | null = null
  let limitsAsked: Promise<void> | null = null

  /** Asks the server for its upload limit (once); on failure the default stays and the server still enforces its own. */
  function loadLimits(): Promise<void> {
    limitsAsked ??= api()
      .imports.limits.query()
      .then((limits) => {
        maxBytes.value = limits.maxBytes
      })
      .catch(() => {
        limitsAsked = null
      })
    return limitsAsked
  }

  /** Reads the recent imports (again with `force`, e.g. after an import). */
  function loadRecent(options: { force?: boolean } = {}): Promise<void> {
    return recent.load({ limit: RECENT_IMPORTS }, options)
  }

  function choose(next: File | null) {
    file.value = next
    preview.value = null
    result.value = null
    error.value = null
    content = null
  }

  async function request() {
    if (!file.value) throw new Error('no file chosen')
    content ??= fileToBase64(file.value)
    return { fileName: file.value.name, content: await content, format: format.value }
  }

  async function runPreview() {
    if (!file.value || tooLarge.value) return
    busy.value = 'preview'
    error.value = null
    result.value = null
    try {
      preview.value = await api().imports.preview.mutate(await request())
    } catch (e) {
      preview.value = null
      error.value = errorMessage(e)
    } finally {
      busy.value = null
    }
  }

  async function runCommit() {
    if (!file.value || tooLarge.value) return
    busy.value = 'commit'
    error.value = null
    try {
      result.value = await api().imports.commit.mutate({ ...(await request()), ...(createUnder.value ? { createUnknownUnder: createUnder.value } : {}) })
      preview.value = null
      void loadRecent({ force: true })
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      busy.value = null
    }
  }

  function reset() {
    choose(null)
  }

  return { file, format, createUnder, preview, result, busy, error, maxBytes, tooLarge, recent, loadLimits, loadRecent, choose, runPreview, runCommit, reset }
})
