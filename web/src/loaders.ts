import type { RouteLocationNormalized } from 'vue-router'
import { todayInGroup } from '@/dates'
import { useAccountsStore } from '@/stores/accounts'
import { usePositionStore } from '@/stores/position'
import { useReferenceStore } from '@/stores/reference'
import { useSettingsStore } from '@/stores/settings'
import { useTransactionsStore } from '@/stores/transactions'
import { parseGlobalQuery } from '@/url-state'

/**
 * Starts a route's requests as soon as navigation begins, while its code is still downloading
 * (the views ask for the same data when they mount; the stores answer that from the request
 * already under way). This takes the chunk download off the critical path of the first view.
 */
export function startRouteData(to: RouteLocationNormalized): void {
  void useReferenceStore().ensure()
  if (to.name !== 'overview') return
  const { state } = parseGlobalQuery(to.query)
  const currency = state.currency ?? useSettingsStore().currency
  const reportDate = state.asOf ?? todayInGroup()
  const scope = { currency, reportDate, asOf: state.asOf, entityId: state.entityId }
  void usePositionStore().loadOverview(scope)
  void useAccountsStore().list.load({ entityId: state.entityId, asOf: state.asOf })
  void useTransactionsStore().day.load({ date: reportDate, entityId: state.entityId })
}
