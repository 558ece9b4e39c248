import { transactionsLargestInput, transactionsListInput, transactionsSummaryInput } from '@treasury/shared'
import { narrowScope } from '../../services/scope.js'
import { largestMovements, listTransactionsPage, transactionsSummary } from '../../services/transactions.js'
import { router, scopedProcedure } from '../init.js'

export const transactionsRouter = router({
  list: scopedProcedure
    .input(transactionsListInput)
    .query(async ({ ctx, input }) => listTransactionsPage(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
  summary: scopedProcedure
    .input(transactionsSummaryInput)
    .query(async ({ ctx, input }) => transactionsSummary(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
  largest: scopedProcedure
    .input(transactionsLargestInput)
    .query(async ({ ctx, input }) => largestMovements(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
})
