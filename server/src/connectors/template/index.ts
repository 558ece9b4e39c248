import { defineConnector } from '@treasury/shared'
import { configSchema, getAccounts, getBalances, getTransactions, type TemplateBankConfig } from './api.js'
import { toAccounts, toBalances, toTransactionPage } from './transform.js'

/**
 * Template Bank: the glue between the contract and this bank's api.ts (HTTP) and transform.ts
 * (pure mapping). Generated connectors start as a copy of this folder (`pnpm new:connector <id>`).
 */
export default defineConnector<TemplateBankConfig>({
  manifest: {
    id: 'template-bank',
    displayName: 'Template Bank',
    countries: ['CN'],
    authKind: 'api-key',
    capabilities: [],
    historyDays: 400,
    schedule: { intradayEveryMinutes: 15, endOfDayUtc: '16:00' },
  },
  configSchema,

  async listAccounts(ctx) {
    return toAccounts(await getAccounts(ctx))
  },

  async fetchBalances(ctx, { account, from, to }) {
    return toBalances(await getBalances(ctx, account.ref, from, to))
  },

  async fetchTransactions(ctx, { account, from, to, cursor }) {
    return toTransactionPage(await getTransactions(ctx, account.ref, from, to, cursor))
  },
})
