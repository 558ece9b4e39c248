import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { scaffoldConnector, ScaffoldError } from '../sdk/scaffold.js'
import { describeConformance } from './kit.js'
import { loadConformanceTarget } from './targets.js'

// `pnpm new:connector` output must pass the kit as generated. It is scaffolded into a throwaway
// dot-folder two levels below src/connectors (so its sdk imports resolve) and removed afterwards.
const scratch = path.resolve(path.dirname(fileURLToPath(import.meta.url)), `../.scaffold-${randomBytes(4).toString('hex')}`)
const created = await scaffoldConnector({ id: 'acme-scaffold', displayName: 'ACME Scaffold Bank', countries: ['GB', 'HK'], dir: scratch, withTests: false })

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

describe('new:connector scaffold', () => {
  it('writes the provider layout with the id, name and countries filled in', async () => {
    expect(created.files).toEqual(['README.md', 'api.ts', 'index.ts', 'simulator.ts', 'transform.ts'])
    const index = await readFile(path.join(created.dir, 'index.ts'), 'utf8')
    expect(index).toContain("id: 'acme-scaffold'")
    expect(index).toContain("displayName: 'ACME Scaffold Bank'")
    expect(index).toContain("countries: ['GB', 'HK']")
    expect(await readFile(path.join(created.dir, 'simulator.ts'), 'utf8')).toContain("from '../../sdk/index.js'")
  })

  it('refuses bad ids, reserved ids and existing folders', async () => {
    await expect(scaffoldConnector({ id: 'Bad_Id', dir: scratch })).rejects.toThrow(ScaffoldError)
    await expect(scaffoldConnector({ id: 'template-bank', dir: scratch })).rejects.toThrow(/reserved/)
    await expect(scaffoldConnector({ id: 'acme-scaffold', dir: scratch })).rejects.toThrow(/already exists/)
    expect(existsSync(path.join(scratch, 'Bad_Id'))).toBe(false)
  })
})

describeConformance(async () => {
  const previous = process.env.CONNECTOR_DIR
  process.env.CONNECTOR_DIR = scratch
  try {
    return await loadConformanceTarget('acme-scaffold')
  } finally {
    if (previous === undefined) delete process.env.CONNECTOR_DIR
    else process.env.CONNECTOR_DIR = previous
  }
}, 'scaffolded acme-scaffold')
