import type { RouteLocationNormalized } from 'vue-router'
import { overviewRequests } from '@/first-view-data'
import { useAccountsStore } from '@/stores/accounts'
import { usePositionStore } from '@/stores/position'
import { useReferenceStore } from '@/stores/reference'
import { useSettingsStore } from '@/stores/settings'
import { useTransactionsStore } from '@/stores/transactions'

/**
 * Starts a route's requests as soon as navigation begins, while its code is still downloading
 * (the views ask for the same data when they mount; the stores answer that from the request
 * already under way). This takes the chunk download off the critical path of the first view.
 */
export function startRouteData(to: RouteLocationNormalized): void {
  void useReferenceStore().ensure()
  if (to.name !== 'overview') return
  const requests = overviewRequests(to.query, useSettingsStore().currency)
  void usePositionStore().loadOverview(requests.scope)
  void useAccountsStore().list.load(requests.accounts)
  void useTransactionsStore().largest.load(requests.largest)
}
