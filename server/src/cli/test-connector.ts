import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/**
 * `pnpm test:connector <id>[,<id>…] [--dir <folder>]` (no id: every connector and the template).
 * Runs the conformance kit for those connectors against their simulators, plus the tests inside
 * their folders (e.g. transform.test.ts), by invoking vitest on the kit's test file with
 * CONNECTOR_ID naming them. Exit code: vitest's.
 */

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const KIT_TEST = 'src/connectors/conformance/conformance.test.ts'

function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help || positionals.length > 1) {
    console.error('usage: pnpm test:connector [<id>[,<id>…]] [--dir <folder of connector folders>]')
    return Promise.resolve(values.help ? 0 : 2)
  }
  const ids = positionals[0]?.split(',').map((s) => s.trim()).filter(Boolean) ?? []
  const banksDir = values.dir ? path.resolve(values.dir) : path.join(SERVER_DIR, 'src/connectors/banks')
  const filters = [KIT_TEST]
  for (const id of ids) {
    if (id === 'template' || id === 'template-bank') {
      filters.push('src/connectors/template/')
      continue
    }
    const folder = path.join(banksDir, id)
    if (!existsSync(folder)) {
      console.error(`test:connector: no connector folder "${id}" (expected ${path.relative(process.cwd(), folder)}); create one with pnpm new:connector ${id}`)
      return Promise.resolve(1)
    }
    filters.push(path.relative(SERVER_DIR, folder) + path.sep)
  }
  const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')
  const env = { ...process.env, ...(ids.length ? { CONNECTOR_ID: ids.join(',') } : {}), ...(values.dir ? { CONNECTOR_DIR: banksDir } : {}) }
  const args = [vitest, 'run', ...(ids.length ? filters : [KIT_TEST])]
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: SERVER_DIR, env, stdio: 'inherit' })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

main(process.argv.slice(2)).then((code) => process.exit(code))
