import { formatMoney, type Locale } from '@treasury/shared/money'
import { computed } from 'vue'
import { formatTimestamp } from '@/dates'
import { useSettingsStore } from '@/stores/settings'

const counters = new Map<string, Intl.NumberFormat>()
function countFormat(locale: Locale): Intl.NumberFormat {
  let cached = counters.get(locale)
  if (!cached) counters.set(locale, (cached = new Intl.NumberFormat(locale)))
  return cached
}

/** Formatting in the person's language: money from bigint minor units, timestamps in the group's time zone. */
export function useFormat() {
  const settings = useSettingsStore()
  const locale = computed<Locale>(() => settings.locale)
  return {
    locale,
    money: (amount: bigint, currency: string, options?: { compact?: boolean; display?: 'symbol' | 'code' }) =>
      formatMoney(amount, currency, locale.value, options),
    /** Signed for movements: "+¥1,000.00" / "−¥1,000.00" (the sign, not the colour, tells the direction). */
    signedMoney: (amount: bigint, currency: string) => {
      const text = formatMoney(amount < 0n ? -amount : amount, currency, locale.value)
      return amount < 0n ? `−${text}` : amount > 0n ? `+${text}` : text
    },
    time: formatTimestamp,
    count: (n: number) => countFormat(locale.value).format(n),
  }
}
