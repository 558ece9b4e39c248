import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { startRouteData } from '@/loaders'
import { useViewStore } from '@/stores/view'
import { parseAreaQuery, parseGlobalQuery, withoutIssues, type QueryArea } from '@/url-state'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title: string
    /** Which page-specific query parameters the route reads (validated before entering). */
    area?: QueryArea
    /** The main-menu entry to highlight. */
    nav?: 'overview' | 'entities' | 'accounts' | 'transactions' | 'import' | 'connections' | 'settings'
  }
}

/** Every view is its own chunk, so the first view downloads only the overview's code. */
export const routes = [
  { path: '/', name: 'overview', component: () => import('@/views/overview/OverviewView.vue'), meta: { title: 'nav.overview', area: 'overview' as const, nav: 'overview' as const } },
  { path: '/entities', name: 'entities', component: () => import('@/views/entities/EntitiesView.vue'), meta: { title: 'nav.entities', nav: 'entities' as const } },
  { path: '/accounts', name: 'accounts', component: () => import('@/views/accounts/AccountsView.vue'), meta: { title: 'nav.accounts', area: 'accounts' as const, nav: 'accounts' as const } },
  { path: '/accounts/:accountId', name: 'account', component: () => import('@/views/accounts/AccountView.vue'), props: true, meta: { title: 'nav.accounts', nav: 'accounts' as const } },
  { path: '/transactions', name: 'transactions', component: () => import('@/views/transactions/TransactionsView.vue'), meta: { title: 'nav.transactions', area: 'transactions' as const, nav: 'transactions' as const } },
  { path: '/import', name: 'import', component: () => import('@/views/import/ImportView.vue'), meta: { title: 'nav.import', nav: 'import' as const } },
  { path: '/connections', name: 'connections', component: () => import('@/views/connections/ConnectionsView.vue'), meta: { title: 'nav.connections', nav: 'connections' as const } },
  { path: '/settings', name: 'settings', component: () => import('@/views/settings/SettingsView.vue'), meta: { title: 'nav.settings', nav: 'settings' as const } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'notFound.title' } },
]

/**
 * Drops malformed query parameters before a view sees them: the person gets a notice naming
 * each one, and the view starts from its defaults.
 */
export function sanitizeRoute(to: RouteLocationNormalized) {
  const issues = [...parseGlobalQuery(to.query).issues, ...parseAreaQuery(to.meta.area, to.query)]
  if (issues.length === 0) return true
  useViewStore().report(issues)
  return { path: to.path, hash: to.hash, query: withoutIssues(to.query, issues) as Record<string, string>, replace: true }
}

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach(sanitizeRoute)
  // After sanitizing (a redirect re-enters beforeEach), before the route's code has loaded.
  router.beforeEach((to) => {
    startRouteData(to)
    return true
  })
  router.afterEach((to) => useViewStore().syncFromQuery(to.query))
  return router
}
