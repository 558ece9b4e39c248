import type { CurrencyCode } from '@treasury/shared/currencies'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { todayInGroup } from '@/dates'
import { parseGlobalQuery, toQuery, type GlobalState, type QueryIssue, type RawQuery } from '@/url-state'
import { useSettingsStore } from './settings'

/**
 * What every view shares, read from the URL: reporting currency, as-of date and the member company
 * in focus. The URL is the owner (so a view can be bookmarked and sent); this store mirrors it and
 * keeps the notices about parameters that were malformed and replaced by defaults.
 */
export const useViewStore = defineStore('view', () => {
  const settings = useSettingsStore()
  const state = shallowRef<GlobalState>({})
  const notices = ref<QueryIssue[]>([])

  /** The reporting currency: the URL's, else the person's default from Settings. */
  const currency = computed<CurrencyCode>(() => state.value.currency ?? settings.currency)
  /** The as-of date asked for in the URL (undefined = today, the server's default). */
  const asOf = computed(() => state.value.asOf)
  /** The day figures are for: the URL's as-of date or today in the group's time zone. */
  const reportDate = computed(() => state.value.asOf ?? todayInGroup())
  const entityId = computed(() => state.value.entityId)
  const isToday = computed(() => !state.value.asOf || state.value.asOf === todayInGroup())

  /** The global parameters as a query, to carry on every link. */
  const globalQuery = computed(() =>
    toQuery({ currency: state.value.currency, asOf: state.value.asOf, entity: state.value.entityId }),
  )

  function syncFromQuery(query: RawQuery) {
    state.value = parseGlobalQuery(query).state
  }

  function report(issues: readonly QueryIssue[]) {
    for (const issue of issues) {
      if (!notices.value.some((n) => n.param === issue.param && n.value === issue.value)) notices.value.push(issue)
    }
  }

  function dismissNotices() {
    notices.value = []
  }

  return { state, currency, asOf, reportDate, entityId, isToday, globalQuery, notices, syncFromQuery, report, dismissNotices }
})
