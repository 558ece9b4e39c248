import type { Db } from '../db/client.js'
import { DEMO_CALLER, type Caller } from '../services/scope.js'

export interface Context {
  db: Db
  caller: Caller
  /** Upload limit of one statement file (`IMPORT_MAX_BYTES`); absent: the default, 50 MB. */
  importMaxBytes?: number
}

/** Builds the per-request context. Sign-in will put the real caller here; today it is the group-wide demo user. */
export function createContextFactory(db: Db, settings: { importMaxBytes?: number } = {}) {
  return (): Context => ({ db, caller: DEMO_CALLER, ...settings })
}
