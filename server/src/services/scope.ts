import type { Db } from '../db/client.js'
import { findEntity, listRootEntities } from '../db/queries/entities.js'
import type { EntityScope } from '../db/queries/scope.js'
import { NotFoundError } from './errors.js'

/**
 * Who is calling and which member-company subtrees they may see. Until sign-in exists every caller
 * is the group-wide demo user; permissions will be enforced here and nowhere else.
 */
export interface Caller {
  userId: string
  /** Entity ids whose subtrees the caller may see; `'*'` means the whole group. */
  entityIds: readonly string[] | '*'
}

export const DEMO_CALLER: Caller = { userId: 'demo', entityIds: '*' }

/** The caller's own scope: the paths of the subtrees they may see. */
export async function callerScope(db: Db, caller: Caller): Promise<EntityScope> {
  if (caller.entityIds === '*') return { paths: (await listRootEntities(db)).map((e) => e.path) }
  const paths: string[] = []
  for (const id of caller.entityIds) {
    const entity = await findEntity(db, id)
    if (entity) paths.push(entity.path)
  }
  return { paths }
}

/**
 * Narrows a scope to one member company's subtree. An unknown id and an id outside the caller's
 * scope get the same answer, so a caller cannot probe for companies they may not see.
 */
export async function narrowScope(db: Db, scope: EntityScope, entityId: string | undefined): Promise<EntityScope> {
  if (!entityId) return scope
  const entity = await findEntity(db, entityId)
  if (!entity || !scope.paths.some((p) => entity.path.startsWith(p))) {
    throw new NotFoundError(`unknown member company "${entityId}"`)
  }
  return { paths: [entity.path] }
}
