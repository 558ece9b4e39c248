import { transactionsListInput } from '@treasury/shared'
import { narrowScope } from '../../services/scope.js'
import { listTransactionsPage } from '../../services/transactions.js'
import { router, scopedProcedure } from '../init.js'

export const transactionsRouter = router({
  list: scopedProcedure
    .input(transactionsListInput)
    .query(async ({ ctx, input }) => listTransactionsPage(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
})
