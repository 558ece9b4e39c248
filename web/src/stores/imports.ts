import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorMessage, type ApiClient } from '@/api/client'

export type ImportSummary = Awaited<ReturnType<ApiClient['imports']['preview']['mutate']>>
export type ImportStatement = ImportSummary['statements'][number]
export type ImportFormat = NonNullable<Parameters<ApiClient['imports']['preview']['mutate']>[0]['format']>

/** The server's default upload limit; the server enforces its own (PAYLOAD_TOO_LARGE names it). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024

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
 * Errors are kept as text for the page; a new file clears preview, result and error.
 */
export const useImportsStore = defineStore('imports', () => {
  const file = ref<File | null>(null)
  const format = ref<ImportFormat>('auto')
  const createUnder = ref<string | null>(null)
  const preview = ref<ImportSummary | null>(null)
  const result = ref<ImportSummary | null>(null)
  const busy = ref<'preview' | 'commit' | null>(null)
  const error = ref<string | null>(null)
  /** Set when the chosen file is over the limit (the page shows it with the limit). */
  const tooLarge = ref(false)
  let content: Promise<string> | null = null

  function choose(next: File | null) {
    file.value = next
    preview.value = null
    result.value = null
    error.value = null
    tooLarge.value = next !== null && next.size > MAX_IMPORT_BYTES
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
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      busy.value = null
    }
  }

  function reset() {
    choose(null)
  }

  return { file, format, createUnder, preview, result, busy, error, tooLarge, choose, runPreview, runCommit, reset }
})
