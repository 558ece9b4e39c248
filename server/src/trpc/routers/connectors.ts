import { connectorsRunsInput, connectorsSyncNowInput } from '@treasury/shared'
import { listConnectionRuns, listConnectionViews, requestSyncNow } from '../../services/sync/status.js'
import { router, scopedProcedure } from '../init.js'

/**
 * Bank connections: health, accounts and freshness, recent runs, and "sync now" (which marks the
 * connection due; the sync engine of whichever process holds it runs it within a scheduler pass).
 * All three go through the caller's scope: only connections serving an account in it exist.
 */
export const connectorsRouter = router({
  list: scopedProcedure.query(({ ctx }) => listConnectionViews(ctx.db, ctx.scope, new Date())),
  syncNow: scopedProcedure.input(connectorsSyncNowInput).mutation(({ ctx, input }) => requestSyncNow(ctx.db, ctx.scope, input.id, new Date())),
  runs: scopedProcedure.input(connectorsRunsInput).query(({ ctx, input }) => listConnectionRuns(ctx.db, ctx.scope, input.id, input.limit)),
})
