import type { Db } from '../db/client.js'
import { DEMO_CALLER, type Caller } from '../services/scope.js'

export interface Context {
  db: Db
  caller: Caller
}

/** Builds the per-request context. Sign-in will put the real caller here; today it is the group-wide demo user. */
export function createContextFactory(db: Db) {
  return (): Context => ({ db, caller: DEMO_CALLER })
}
