import type { Db } from '../client.js'

/** True when no member company exists yet (a fresh database). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return (await db.selectFrom('entities').select('id').limit(1).executeTakeFirst()) === undefined
}

/** A value of the app_meta table (e.g. `demo.endDate`), or undefined. */
export async function readAppMeta(db: Db, key: string): Promise<string | undefined> {
  return (await db.selectFrom('app_meta').select('value').where('key', '=', key).executeTakeFirst())?.value
}
