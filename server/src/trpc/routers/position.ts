import { positionSummaryInput, positionTrendInput } from '@treasury/shared'
import { positionSummary, positionTrend } from '../../services/position.js'
import { narrowScope } from '../../services/scope.js'
import { router, scopedProcedure } from '../init.js'

export const positionRouter = router({
  summary: scopedProcedure
    .input(positionSummaryInput)
    .query(async ({ ctx, input }) => positionSummary(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
  trend: scopedProcedure
    .input(positionTrendInput)
    .query(async ({ ctx, input }) => positionTrend(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
})
