import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * `@treasury/shared`'s root and its schema modules load zod and every schema (~27 KB gzipped), which
 * delayed the first view's requests by ~0.4 s. The web app imports only the shared modules that
 * never load zod (shared/src/zod-free.test.ts keeps them so), and never zod itself.
 */
const ZOD_FREE = ['calendar', 'constants', 'currencies', 'money', 'fx', 'wire']

const src = path.dirname(fileURLToPath(import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(file)
    return /\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : []
  })
}

describe('imports of @treasury/shared', () => {
  it('name a zod-free module, never the root or a schema module', () => {
    const offending: string[] = []
    for (const file of sources(src)) {
      for (const [, type, from] of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?from\s+)?'([^']+)'/gm)) {
        if (type) continue // erased when built
        const shared = /^@treasury\/shared(?:\/(.+))?$/.exec(from!)
        if ((shared && !ZOD_FREE.includes(shared[1] ?? '')) || from === 'zod' || from!.startsWith('zod/')) {
          offending.push(`${path.relative(src, file)}: ${from}`)
        }
      }
    }
    expect(offending).toEqual([])
  })
})
