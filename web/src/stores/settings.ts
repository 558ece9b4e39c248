import { isCurrencyCode, type CurrencyCode, type Locale } from '@treasury/shared'
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

export type Theme = 'light' | 'dark' | 'system'

export interface Settings {
  locale: Locale
  currency: CurrencyCode
  elderly: boolean
  theme: Theme
}

export const SETTINGS_KEY = 'treasury.settings'
export const DEFAULT_SETTINGS: Settings = { locale: 'zh-CN', currency: 'CNY', elderly: false, theme: 'light' }

/** Reads persisted settings, keeping each valid field and defaulting the rest (old or hand-edited storage never breaks the app). */
export function readSettings(storage: Pick<Storage, 'getItem'> | undefined): Settings {
  let raw: unknown
  try {
    raw = JSON.parse(storage?.getItem(SETTINGS_KEY) ?? 'null')
  } catch {
    raw = null
  }
  const s = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  return {
    locale: s.locale === 'en' || s.locale === 'zh-CN' ? s.locale : DEFAULT_SETTINGS.locale,
    currency: typeof s.currency === 'string' && isCurrencyCode(s.currency) ? s.currency : DEFAULT_SETTINGS.currency,
    elderly: typeof s.elderly === 'boolean' ? s.elderly : DEFAULT_SETTINGS.elderly,
    theme: s.theme === 'dark' || s.theme === 'light' || s.theme === 'system' ? s.theme : DEFAULT_SETTINGS.theme,
  }
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage
  } catch {
    return undefined
  }
}

/** The person's preferences: language, default reporting currency, 适老模式 and theme; persisted in localStorage. */
export const useSettingsStore = defineStore('settings', () => {
  const initial = readSettings(storage())
  const locale = ref<Locale>(initial.locale)
  const currency = ref<CurrencyCode>(initial.currency)
  const elderly = ref(initial.elderly)
  const theme = ref<Theme>(initial.theme)

  watch(
    [locale, currency, elderly, theme],
    () => {
      try {
        storage()?.setItem(
          SETTINGS_KEY,
          JSON.stringify({ locale: locale.value, currency: currency.value, elderly: elderly.value, theme: theme.value }),
        )
      } catch {
        // Private mode or a full quota: the choice holds for this visit only.
      }
    },
    { flush: 'sync' },
  )

  function reset() {
    locale.value = DEFAULT_SETTINGS.locale
    currency.value = DEFAULT_SETTINGS.currency
    elderly.value = DEFAULT_SETTINGS.elderly
    theme.value = DEFAULT_SETTINGS.theme
  }

  return { locale, currency, elderly, theme, reset }
})
