import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createAppI18n } from './i18n'
import { createAppRouter } from './router'
import { useSettingsStore } from './stores/settings'

/** Creates and mounts the app (loaded by the entry, main.ts, once it has started the first view's requests). */
export function mountApp(selector: string): void {
  const app = createApp(App)
  const pinia = createPinia()
  app.use(pinia)
  const settings = useSettingsStore(pinia)
  app.use(createAppI18n(settings.locale))
  app.use(createAppRouter())
  app.mount(selector)
}
