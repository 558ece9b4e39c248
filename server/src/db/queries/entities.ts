import type { Db } from '../client.js'
import { pathInScope, type EntityScope } from './scope.js'

export function listEntities(db: Db, scope: EntityScope) {
  return db.selectFrom('entities').selectAll().where(pathInScope('entities.path', scope)).orderBy('path').execute()
}

export function findEntity(db: Db, id: string) {
  return db.selectFrom('entities').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listRootEntities(db: Db) {
  return db.selectFrom('entities').selectAll().where('parent_id', 'is', null).orderBy('code').execute()
}

export function listBanks(db: Db) {
  return db.selectFrom('banks').selectAll().orderBy('id').execute()
}
