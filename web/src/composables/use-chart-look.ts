import { computed } from 'vue'
import type { ChartLook } from '@/charts/options'
import { useSettingsStore } from '@/stores/settings'
import { useIsDark } from './use-appearance'

/** The chart look (language, 适老模式, theme) the option builders take. */
export function useChartLook() {
  const settings = useSettingsStore()
  const dark = useIsDark()
  return computed<ChartLook>(() => ({ locale: settings.locale, elderly: settings.elderly, dark: dark.value }))
}
