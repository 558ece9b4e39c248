import { prefetchLanding } from './first-view-data'
import 'element-plus/theme-chalk/dark/css-vars.css'
import './styles/main.css'

// The entry is small on purpose: it starts the landing page's requests first, so the server works
// on them while the browser is still loading and running the framework (which the HTML preloads
// alongside this file), then mounts the app.
prefetchLanding(window.location)
void import('./app').then(({ mountApp }) => mountApp('#app'))
