import { accountGetInput, accountHistoryInput, accountsListInput } from '@treasury/shared'
import { accountHistory, getAccount, listAccounts } from '../../services/accounts.js'
import { narrowScope } from '../../services/scope.js'
import { router, scopedProcedure } from '../init.js'

export const accountsRouter = router({
  list: scopedProcedure
    .input(accountsListInput)
    .query(async ({ ctx, input }) => listAccounts(ctx.db, await narrowScope(ctx.db, ctx.scope, input.entityId), input)),
  get: scopedProcedure.input(accountGetInput).query(({ ctx, input }) => getAccount(ctx.db, ctx.scope, input)),
  history: scopedProcedure.input(accountHistoryInput).query(({ ctx, input }) => accountHistory(ctx.db, ctx.scope, input)),
})
