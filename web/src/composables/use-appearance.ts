import { computed, onScopeDispose, ref, watchEffect } from 'vue'
import { useI18n } from 'vue-i18n'
import { useSettingsStore } from '@/stores/settings'

const prefersDark = ref(false)
let media: MediaQueryList | null = null

/** True when the dark theme is in effect (chosen, or "system" with a dark system). */
export function useIsDark() {
  const settings = useSettingsStore()
  if (!media && typeof matchMedia === 'function') {
    media = matchMedia('(prefers-color-scheme: dark)')
    prefersDark.value = media.matches
    media.addEventListener('change', (e) => (prefersDark.value = e.matches))
  }
  return computed(() => settings.theme === 'dark' || (settings.theme === 'system' && prefersDark.value))
}

/**
 * Applies the person's settings to the document: language (i18n and `<html lang>`), dark theme and
 * 适老模式 as classes on `<html>`, which the style sheets key on. Called once, by App.vue.
 */
export function useAppearance() {
  const settings = useSettingsStore()
  const { locale } = useI18n({ useScope: 'global' })
  const dark = useIsDark()
  const stop = watchEffect(() => {
    locale.value = settings.locale
    const root = document.documentElement
    root.lang = settings.locale
    root.classList.toggle('dark', dark.value)
    root.classList.toggle('elderly', settings.elderly)
  })
  onScopeDispose(stop)
  return { dark }
}
