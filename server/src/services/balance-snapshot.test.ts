import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDb, migrateToLatest, type Db } from '../db/client.js'
import { keepWarm, keptWhileUnchanged } from './balance-snapshot.js'

describe('answers kept while the data is unchanged', () => {
  let db: Db
  const touch = (value: string) =>
    db.insertInto('app_meta').values({ key: 'test.touched', value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute()

  beforeEach(async () => {
    db = createDb({ kind: 'sqlite', file: ':memory:' })
    await migrateToLatest(db)
  })
  afterEach(() => db.destroy())

  it('computes once while nothing is written, again after any write', async () => {
    let computed = 0
    const compute = async () => ++computed
    expect(await keptWhileUnchanged(db, 'k', compute)).toBe(1)
    expect(await keptWhileUnchanged(db, 'k', compute)).toBe(1)
    expect(await keptWhileUnchanged(db, 'other', compute)).toBe(2)
    await touch('a')
    expect(await keptWhileUnchanged(db, 'k', compute)).toBe(3)
  })

  it('shares one computation between requests that arrive together, and keeps no failure', async () => {
    let computed = 0
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++computed), 20))
    expect(await Promise.all([keptWhileUnchanged(db, 'k', slow), keptWhileUnchanged(db, 'k', slow)])).toEqual([1, 1])
    await expect(keptWhileUnchanged(db, 'bad', () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone')
    expect(await keptWhileUnchanged(db, 'bad', async () => 'recovered')).toBe('recovered')
  })

  it('recomputes what was asked in the background once something is written', async () => {
    let computed = 0
    const compute = async () => ++computed
    await keptWhileUnchanged(db, 'k', compute)
    const stop = keepWarm(db, { everyMs: 10 })
    try {
      await touch('b')
      await vi.waitFor(() => expect(computed).toBe(2), { timeout: 5_000, interval: 10 })
      // The request after the write finds the answer ready.
      expect(await keptWhileUnchanged(db, 'k', () => Promise.reject(new Error('should have been kept')))).toBe(2)
    } finally {
      stop()
    }
  })
})
