import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CAPABILITY_METHODS, CONNECTOR_CAPABILITIES, connectorManifest, type AnyConnector } from '@treasury/shared'
import type { StartSimulator } from './simulator.js'

/**
 * The registry by folder convention: every `connectors/banks/<id>/index.ts` default-exports a
 * connector whose `manifest.id` is `<id>`. Nothing lists them; adding a bank is adding its folder.
 * Folders whose name starts with `_` or `.` are ignored (drafts, fixtures).
 */

/** `server/src/connectors/banks`, where shipped connectors live. @example listConnectorFolders(BANKS_DIR) */
export const BANKS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../banks')

/** A connector folder or object that breaks the contract; the message says which file and what. @example 'connector "acme": manifest id "acme-bank" must equal the folder name "acme"' */
export class ConnectorDefinitionError extends Error {
  override name = 'ConnectorDefinitionError'
}

/** An id no connector in the registry has. @example registry.get('nope') // throws UnknownConnectorError */
export class UnknownConnectorError extends Error {
  override name = 'UnknownConnectorError'
}

const REQUIRED_METHODS = ['listAccounts', 'fetchBalances', 'fetchTransactions'] as const

/**
 * Checks that `candidate` is a connector: a valid manifest, the three required methods, and
 * optional methods exactly matching the declared capabilities.
 *
 * @example
 * const connector = validateConnector((await import(file)).default, file)
 */
export function validateConnector(candidate: unknown, source: string): AnyConnector {
  if (!candidate || typeof candidate !== 'object') {
    throw new ConnectorDefinitionError(`${source}: the default export must be a connector object (use defineConnector({...}))`)
  }
  const c = candidate as Record<string, unknown>
  const manifest = connectorManifest.safeParse(c.manifest)
  if (!manifest.success) {
    const issue = manifest.error.issues[0]!
    throw new ConnectorDefinitionError(`${source}: invalid manifest: ${issue.path.join('.') || 'manifest'}: ${issue.message}`)
  }
  for (const method of REQUIRED_METHODS) {
    if (typeof c[method] !== 'function') throw new ConnectorDefinitionError(`${source}: required method ${method}() is missing`)
  }
  const declared = new Set(manifest.data.capabilities)
  for (const capability of CONNECTOR_CAPABILITIES) {
    for (const method of CAPABILITY_METHODS[capability]) {
      const present = typeof c[method] === 'function'
      if (declared.has(capability) && !present) {
        throw new ConnectorDefinitionError(`${source}: declares capability "${capability}" but does not implement ${method}()`)
      }
      if (!declared.has(capability) && present) {
        throw new ConnectorDefinitionError(`${source}: implements ${method}() but does not declare capability "${capability}"`)
      }
    }
  }
  if (c.configSchema !== undefined && typeof (c.configSchema as { safeParse?: unknown })?.safeParse !== 'function') {
    throw new ConnectorDefinitionError(`${source}: configSchema must be a zod schema`)
  }
  return candidate as AnyConnector
}

function moduleFile(dir: string, name: string): string | null {
  for (const ext of ['.ts', '.js', '.mjs']) {
    const file = path.join(dir, name + ext)
    if (existsSync(file)) return file
  }
  return null
}

/**
 * Imports and validates the connector of one folder (its `index.ts`). With `expectId` (the folder
 * name by default), the manifest id must match it.
 *
 * @example
 * const connector = await loadConnectorFolder(path.join(BANKS_DIR, 'acme-bank'))
 */
export async function loadConnectorFolder(dir: string, options: { expectId?: string | null } = {}): Promise<AnyConnector> {
  const file = moduleFile(dir, 'index')
  const label = path.basename(dir)
  if (!file) throw new ConnectorDefinitionError(`connector folder "${label}" has no index.ts`)
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
  } catch (error) {
    throw new ConnectorDefinitionError(`connector "${label}": importing index failed: ${(error as Error).message}`)
  }
  const connector = validateConnector(mod.default, `connector "${label}" (index)`)
  const expectId = options.expectId === undefined ? label : options.expectId
  if (expectId !== null && connector.manifest.id !== expectId) {
    throw new ConnectorDefinitionError(`connector "${label}": manifest id "${connector.manifest.id}" must equal the folder name "${expectId}"`)
  }
  return connector
}

/**
 * Imports the `startSimulator` export of a folder's `simulator.ts`; null when it has none.
 *
 * @example
 * const start = await loadSimulatorFolder(path.join(BANKS_DIR, 'acme-bank'))
 * const sim = await start?.({ today: '2026-11-20' })
 */
export async function loadSimulatorFolder(dir: string): Promise<StartSimulator | null> {
  const file = moduleFile(dir, 'simulator')
  if (!file) return null
  const mod = (await import(pathToFileURL(file).href)) as { startSimulator?: unknown }
  if (typeof mod.startSimulator !== 'function') {
    throw new ConnectorDefinitionError(`connector "${path.basename(dir)}": simulator must export a function startSimulator(options)`)
  }
  return mod.startSimulator as StartSimulator
}

/**
 * The connector folders under `dir` (sorted), without importing them.
 *
 * @example
 * listConnectorFolders() // ['bai2-bank', 'camt-bank', …]
 */
export function listConnectorFolders(dir: string = BANKS_DIR): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => !name.startsWith('_') && !name.startsWith('.'))
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
}

/**
 * The connectors the server knows, by id.
 *
 * @example
 * const registry = await loadConnectorRegistry()
 * registry.get('acme-bank').manifest.displayName
 * ConnectorRegistry.of([connectorA, connectorB]) // tests: an explicit set
 */
export class ConnectorRegistry {
  private readonly byId: ReadonlyMap<string, AnyConnector>

  private constructor(connectors: readonly AnyConnector[]) {
    const map = new Map<string, AnyConnector>()
    for (const connector of connectors) {
      if (map.has(connector.manifest.id)) throw new ConnectorDefinitionError(`two connectors have the id "${connector.manifest.id}"`)
      map.set(connector.manifest.id, connector)
    }
    this.byId = map
  }

  /** A registry of exactly these connectors (each validated). */
  static of(connectors: readonly AnyConnector[]): ConnectorRegistry {
    return new ConnectorRegistry(connectors.map((c, i) => validateConnector(c, `connector #${i} (${String((c as AnyConnector)?.manifest?.id)})`)))
  }

  get(id: string): AnyConnector {
    const connector = this.byId.get(id)
    if (!connector) throw new UnknownConnectorError(`no connector "${id}" (known: ${this.ids().join(', ') || 'none'})`)
    return connector
  }

  find(id: string): AnyConnector | undefined {
    return this.byId.get(id)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  ids(): string[] {
    return [...this.byId.keys()].sort()
  }

  list(): AnyConnector[] {
    return this.ids().map((id) => this.byId.get(id)!)
  }
}

/**
 * Discovers every connector folder under `dir` (default {@link BANKS_DIR}) and validates it; one
 * broken folder fails the whole load with a message naming it (a half-registered bank is worse
 * than a clear start-up error). `only` restricts loading to some ids.
 *
 * @example
 * const registry = await loadConnectorRegistry()
 */
export async function loadConnectorRegistry(options: { dir?: string; only?: readonly string[] } = {}): Promise<ConnectorRegistry> {
  const dir = options.dir ?? BANKS_DIR
  let folders = listConnectorFolders(dir)
  if (options.only) {
    const missing = options.only.filter((id) => !folders.includes(id))
    if (missing.length) throw new UnknownConnectorError(`no connector folder for ${missing.map((m) => `"${m}"`).join(', ')} in connectors/banks`)
    folders = folders.filter((f) => options.only!.includes(f))
  }
  const connectors = await Promise.all(folders.map((name) => loadConnectorFolder(path.join(dir, name))))
  return ConnectorRegistry.of(connectors)
}
