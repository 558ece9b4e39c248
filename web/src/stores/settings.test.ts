import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, readSettings, SETTINGS_KEY, useSettingsStore } from './settings'

describe('settings', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })

  it('defaults to zh-CN, CNY, light, 适老模式 off', () => {
    expect(useSettingsStore().$state).toMatchObject(DEFAULT_SETTINGS)
  })

  it('persists every choice in localStorage', () => {
    const settings = useSettingsStore()
    settings.locale = 'en'
    settings.currency = 'USD'
    settings.elderly = true
    settings.theme = 'dark'
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY)!)).toEqual({ locale: 'en', currency: 'USD', elderly: true, theme: 'dark' })
    setActivePinia(createPinia())
    expect(useSettingsStore().$state).toMatchObject({ locale: 'en', currency: 'USD', elderly: true, theme: 'dark' })
  })

  it('keeps valid fields of damaged storage and defaults the rest', () => {
    const storage = { getItem: () => JSON.stringify({ locale: 'fr', currency: 'USD', elderly: 'yes', theme: 'dark' }) }
    expect(readSettings(storage)).toEqual({ locale: 'zh-CN', currency: 'USD', elderly: false, theme: 'dark' })
    expect(readSettings({ getItem: () => '{not json' })).toEqual(DEFAULT_SETTINGS)
  })
})
