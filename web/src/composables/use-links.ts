import { useRouter, type RouteLocationRaw } from 'vue-router'
import { useViewStore } from '@/stores/view'
import { toQuery } from '@/url-state'

/**
 * Links and navigation that carry the shared view state (currency, as-of date, member company)
 * from page to page, so a drill-down keeps the scope the person chose.
 */
export function useLinks() {
  const view = useViewStore()
  const router = useRouter()

  function link(name: string, options: { params?: Record<string, string>; query?: Record<string, string | boolean | undefined> } = {}): RouteLocationRaw {
    return { name, params: options.params, query: { ...view.globalQuery, ...toQuery(options.query ?? {}) } }
  }

  /** Changes global parameters on the current page (undefined removes one). */
  function setGlobal(changes: { currency?: string | undefined; asOf?: string | undefined; entity?: string | undefined }) {
    const current = router.currentRoute.value
    const query: Record<string, string | undefined> = { ...(current.query as Record<string, string>) }
    for (const [key, value] of Object.entries(changes)) query[key] = value
    return router.push({ path: current.path, query: toQuery(query) })
  }

  /** Replaces page-specific parameters, keeping the global ones. */
  function setPageQuery(values: Record<string, string | boolean | undefined>) {
    const current = router.currentRoute.value
    return router.replace({ path: current.path, query: { ...view.globalQuery, ...toQuery(values) } })
  }

  return { link, setGlobal, setPageQuery }
}
