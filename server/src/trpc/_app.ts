import { router } from './init.js'
import { accountsRouter } from './routers/accounts.js'
import { connectorsRouter } from './routers/connectors.js'
import { entitiesRouter } from './routers/entities.js'
import { importsRouter } from './routers/imports.js'
import { positionRouter } from './routers/position.js'
import { referenceRouter } from './routers/reference.js'
import { transactionsRouter } from './routers/transactions.js'

export const appRouter = router({
  position: positionRouter,
  entities: entitiesRouter,
  accounts: accountsRouter,
  transactions: transactionsRouter,
  reference: referenceRouter,
  connectors: connectorsRouter,
  imports: importsRouter,
})

/** The API's type; the web client imports only this (`import type`). */
export type AppRouter = typeof appRouter
