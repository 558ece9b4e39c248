import type { CurrencyCode } from '@treasury/shared/currencies'
import { defineStore } from 'pinia'
import { api } from '@/api/client'
import { createResource } from './resource'

/** The member-company tree with own and rolled-up balances in the reporting currency. */
export const useEntitiesStore = defineStore('entities', () => {
  const tree = createResource((a: { currency: CurrencyCode; asOf?: string | undefined }) =>
    api().entities.tree.query({ currency: a.currency, asOf: a.asOf }),
  )
  return { tree }
})
