import type { AppRouter } from '@treasury/server/router'
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError, type TRPCClient } from '@trpc/client'
import { wire } from '@treasury/shared/wire'

export type ApiClient = TRPCClient<AppRouter>

/** What a query procedure returns, as the client sees it (bigint and Date survive the wire format, shared/src/wire.ts). */
type Output<P extends { query: (...args: any[]) => Promise<unknown> }> = Awaited<ReturnType<P['query']>>
type Input<P extends { query: (...args: any[]) => Promise<unknown> }> = Parameters<P['query']>[0]

export type PositionSummary = Output<ApiClient['position']['summary']>
export type PositionTrend = Output<ApiClient['position']['trend']>
export type TrendPoint = PositionTrend['points'][number]
export type EntityTree = Output<ApiClient['entities']['tree']>
export type EntityNode = EntityTree['roots'][number]
export type AccountList = Output<ApiClient['accounts']['list']>
export type AccountItem = AccountList['items'][number]
export type TransactionPage = Output<ApiClient['transactions']['list']>
export type TransactionItem = TransactionPage['items'][number]
export type TransactionsQuery = Input<ApiClient['transactions']['list']>
export type BankRef = Output<ApiClient['reference']['banks']>[number]
export type EntityRef = Output<ApiClient['reference']['entities']>[number]
export type FxUsed = PositionSummary['fx'][number]
export type StaleFigure = PositionSummary['stale'][number]
export type Unconverted = PositionSummary['unconverted'][number]

export type AccountDetail = Output<ApiClient['accounts']['get']>
export type AccountHistory = Output<ApiClient['accounts']['history']>
export type AccountHistoryDay = AccountHistory['days'][number]

function createClient(): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      // Small master-data calls share a batch; the per-panel queries go one request each, so each
      // panel draws as soon as its own answer arrives instead of waiting for the slowest of a batch
      // (the server answers one query at a time: a batch is as slow as the sum of its calls).
      splitLink({
        condition: (op) => op.path.startsWith('reference.'),
        true: httpBatchLink({ url: '/trpc', transformer: wire, maxItems: 10 }),
        false: httpLink({ url: '/trpc', transformer: wire }),
      }),
    ],
  })
}

let client: ApiClient | null = null

/** The one API client of the app (created on first use). */
export function api(): ApiClient {
  return (client ??= createClient())
}

/** Replaces the client, for tests: `setApiClient(mockClient as unknown as ApiClient)`. */
export function setApiClient(next: ApiClient | null): void {
  client = next
}

/** A short, human message for a failed request (the server's message names the bad field). */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}
