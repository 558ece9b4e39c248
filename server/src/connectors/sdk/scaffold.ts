import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { connectorId } from '@treasury/shared'
import { BANKS_DIR } from './registry.js'

/**
 * `pnpm new:connector <id>`: copies the template folder (a working connector with its own
 * simulator, which passes the conformance kit) to `connectors/banks/<id>/`, renamed.
 */

/** The template folder copied by `new:connector`. @example readdirSync(TEMPLATE_SOURCE_DIR) */
export const TEMPLATE_SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../template')

/** Bad input to the scaffold (id, countries, existing folder). @example await scaffoldConnector({ id: 'Bad' }) // throws ScaffoldError */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError'
}

/** @example { id: 'acme-bank', displayName: 'ACME Bank', countries: ['GB'] } */
export interface ScaffoldOptions {
  id: string
  /** Display name (default: the id in title case, e.g. "Acme Bank"). */
  displayName?: string
  /** ISO 3166-1 alpha-2 countries (default ['CN']). */
  countries?: string[]
  /** Folder that receives `<id>/` (default connectors/banks). Must sit two levels below src/connectors for the sdk imports. */
  dir?: string
  /** Copy the template's tests too (default true). */
  withTests?: boolean
}

/** @example titleCase('acme-bank') // "Acme Bank" */
export function titleCase(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ')
}

/** "acme-bank" → "AcmeBank". */
function pascalCase(id: string): string {
  return titleCase(id).replaceAll(' ', '')
}

/**
 * Writes a new connector folder from the template and returns its path and files.
 *
 * @example
 * await scaffoldConnector({ id: 'acme-bank', displayName: 'ACME Bank', countries: ['GB'] })
 * // { dir: '…/connectors/banks/acme-bank', files: ['README.md', 'api.ts', 'index.ts', 'simulator.ts', 'transform.test.ts', 'transform.ts'] }
 */
export async function scaffoldConnector(options: ScaffoldOptions): Promise<{ dir: string; files: string[] }> {
  const id = connectorId.safeParse(options.id)
  if (!id.success) throw new ScaffoldError(`"${options.id}" is not a connector id: ${id.error.issues[0]!.message}`)
  if (id.data === 'template-bank' || id.data === 'template') throw new ScaffoldError(`"${id.data}" is reserved for the template`)
  const countries = options.countries ?? ['CN']
  for (const c of countries) if (!/^[A-Z]{2}$/.test(c)) throw new ScaffoldError(`"${c}" is not an ISO 3166-1 alpha-2 country (e.g. CN, GB)`)
  const displayName = options.displayName?.trim() || titleCase(id.data)
  if (/['`\\]/.test(displayName)) throw new ScaffoldError('the display name must not contain quotes or backslashes')
  const target = path.join(options.dir ?? BANKS_DIR, id.data)
  if (existsSync(target)) throw new ScaffoldError(`${path.relative(process.cwd(), target) || target} already exists`)

  const files = (await readdir(TEMPLATE_SOURCE_DIR, { withFileTypes: true })).filter((f) => f.isFile() && (options.withTests !== false || !f.name.endsWith('.test.ts')))
    .map((f) => f.name)
    .sort()
  await mkdir(target, { recursive: true })
  for (const file of files) {
    const text = await readFile(path.join(TEMPLATE_SOURCE_DIR, file), 'utf8')
    const out = text
      // The template sits one level higher than a bank folder.
      .replaceAll(`'../sdk/`, `'../../sdk/`)
      .replaceAll('template-bank', id.data)
      .replaceAll('Template Bank', displayName)
      .replaceAll('TemplateBank', pascalCase(id.data))
      .replace(/countries: \['CN'\]/, `countries: [${countries.map((c) => `'${c}'`).join(', ')}]`)
    await writeFile(path.join(target, file), out)
  }
  return { dir: target, files }
}
