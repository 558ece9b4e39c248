import { describe, expect, it, vi } from 'vitest'

// Any runtime import of zod, direct or through another module, fails the imports below.
vi.mock('zod', () => {
  throw new Error('zod was imported')
})

/**
 * The web app's first view imports these modules by path ('@treasury/shared/money'…): one runtime
 * import of zod here, even through a schema module, would put zod and every schema back into it.
 */
describe('zod-free modules', () => {
  it.each([
    ['constants', () => import('./constants.js')],
    ['currencies', () => import('./currencies.js')],
    ['money', () => import('./money.js')],
    ['fx', () => import('./fx.js')],
    ['wire', () => import('./wire.js')],
    ['calendar', () => import('./calendar.js')],
  ])('%s loads without zod', async (_name, load) => {
    await expect(load()).resolves.toBeDefined()
  })

  it('the check works: a schema module does not load', async () => {
    await expect(import('./domain.js')).rejects.toThrow()
  })
})
