import type { Locale } from '@treasury/shared/money'
import { createI18n } from 'vue-i18n'
import en from './en'
import zhCN from './zh-CN'

/** The shape of the messages: zh-CN is the reference, en must match it key for key. */
export type Messages = typeof zhCN

/**
 * zh-CN is the default. Both dictionaries are small and ship precompiled in the first view
 * (the build turns them into functions, so the runtime needs no message compiler).
 */
export function createAppI18n(locale: Locale) {
  return createI18n<[Messages], Locale>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
    missingWarn: false,
    fallbackWarn: false,
  })
}
