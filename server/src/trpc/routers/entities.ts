import { entitiesTreeInput } from '@treasury/shared'
import { entityTree } from '../../services/position.js'
import { router, scopedProcedure } from '../init.js'

export const entitiesRouter = router({
  tree: scopedProcedure.input(entitiesTreeInput).query(({ ctx, input }) => entityTree(ctx.db, ctx.scope, input.currency, input.asOf)),
})
