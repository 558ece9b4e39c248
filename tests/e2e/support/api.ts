import type { AppRouter } from '@treasury/server/router'
import { createTRPCClient, httpLink } from '@trpc/client'
import { wire } from '@treasury/shared/wire'

/** A typed API client for the running server, to compare what the page shows with what the API says. */
export function apiClient(baseUrl: string) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${baseUrl}/trpc`, transformer: wire })] })
}
