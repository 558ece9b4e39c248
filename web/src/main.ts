import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createAppI18n } from './i18n'
import { createAppRouter } from './router'
import { useSettingsStore } from './stores/settings'
import 'element-plus/theme-chalk/dark/css-vars.css'
import './styles/main.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const settings = useSettingsStore(pinia)
app.use(createAppI18n(settings.locale))
app.use(createAppRouter())
app.mount('#app')
