import { accountsListInput } from '@treasury/shared'
import { listAccounts } from '../../services/accounts.js'
import { narrowScope } from '../../services/scope.js'
import { router, scopedProcedure } from '../init.js'

export const accountsRouter = router({
  list: scopedProcedure
    .input(accountsListInput)
    .query(async ({ ctx, input }) => listAccounts(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
})
