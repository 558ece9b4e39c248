import { transactionsLargestInput, transactionsListInput } from '@treasury/shared'
import { narrowScope } from '../../services/scope.js'
import { largestMovements, listTransactionsPage } from '../../services/transactions.js'
import { router, scopedProcedure } from '../init.js'

export const transactionsRouter = router({
  list: scopedProcedure
    .input(transactionsListInput)
    .query(async ({ ctx, input }) => listTransactionsPage(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
  largest: scopedProcedure
    .input(transactionsLargestInput)
    .query(async ({ ctx, input }) => largestMovements(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
})
