import { describe, expect, it } from 'vitest'
import { otherRequestsTurn, readByAccounts } from './chunks.js'

describe('readByAccounts', () => {
  const ids = Array.from({ length: 7 }, (_, i) => `acc_${i}`)

  it('reads the accounts in parts of at most perRead, in order, and returns every row', async () => {
    const parts: string[][] = []
    const rows = await readByAccounts(
      ids,
      async (part) => {
        parts.push(part)
        return part.map((id) => `${id}:row`)
      },
      3,
    )
    expect(parts).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)])
    expect(rows).toEqual(ids.map((id) => `${id}:row`))
  })

  it('lets waiting work run before each part', async () => {
    const events: string[] = []
    await readByAccounts(
      ids,
      async (part) => {
        events.push(`read ${part[0]}`)
        // Work that arrives meanwhile (as another request would) runs before the next part.
        setImmediate(() => events.push(`other after ${part[0]}`))
        return []
      },
      4,
    )
    expect(events).toEqual(['read acc_0', 'other after acc_0', 'read acc_4'])
  })

  it('reads nothing for no accounts', async () => {
    let reads = 0
    expect(await readByAccounts([], async () => (reads++, [1]))).toEqual([])
    expect(reads).toBe(0)
  })

  it('refuses a part size that is not a positive whole number', async () => {
    await expect(readByAccounts(ids, async () => [], 0)).rejects.toThrow(/perRead must be a positive whole number, got 0/)
    await expect(readByAccounts(ids, async () => [], 2.5)).rejects.toThrow(/got 2.5/)
  })

  it('otherRequestsTurn resolves after work already waiting', async () => {
    const events: string[] = []
    setImmediate(() => events.push('waiting'))
    await otherRequestsTurn()
    events.push('after the turn')
    expect(events).toEqual(['waiting', 'after the turn'])
  })
})
