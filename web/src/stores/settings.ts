import type { CurrencyCode } from '@treasury/shared/currencies'
import type { Locale } from '@treasury/shared/money'
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { DEFAULT_SETTINGS, readSettings, SETTINGS_KEY, settingsStorage as storage, type Theme } from '@/lib/settings'

export { DEFAULT_SETTINGS, readSettings, SETTINGS_KEY, type Settings, type Theme } from '@/lib/settings'

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
