import { isCurrencyCode, type CurrencyCode } from '@treasury/shared/currencies'
import type { Locale } from '@treasury/shared/money'

/** The person's persisted preferences (Vue-free: the entry reads them before the app has loaded). */
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

/** localStorage, or undefined where it cannot be used (some private modes throw on access). */
export function settingsStorage(): Storage | undefined {
  try {
    return globalThis.localStorage
  } catch {
    return undefined
  }
}
