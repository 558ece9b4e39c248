import { defineStore } from 'pinia'
import { api } from '@/api/client'
import { fetchAccountList } from '@/api/queries'
import { createResource } from './resource'

/** Accounts with their balances: the scoped list (table, KPI counts), one account and its history. */
export const useAccountsStore = defineStore('accounts', () => {
  const list = createResource(fetchAccountList)
  const detail = createResource((a: { accountId: string; asOf?: string | undefined }) =>
    api().accounts.get.query({ accountId: a.accountId, asOf: a.asOf }),
  )
  const history = createResource((a: { accountId: string; from: string; to: string }) => api().accounts.history.query(a))
  return { list, detail, history }
})
