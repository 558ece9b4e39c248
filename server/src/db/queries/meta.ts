import type { Db } from '../client.js'

/** True when no member company exists yet (a fresh database). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return (await db.selectFrom('entities').select('id').limit(1).executeTakeFirst()) === undefined
}
