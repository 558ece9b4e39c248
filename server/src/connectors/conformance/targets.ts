import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AnyConnector } from '@treasury/shared'
import { BANKS_DIR, ConnectorDefinitionError, listConnectorFolders, loadConnectorFolder, loadSimulatorFolder } from '../sdk/registry.js'
import type { StartSimulator } from '../sdk/simulator.js'

/** `server/src/connectors/template`: the scaffold, itself held to the kit. */
export const TEMPLATE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../template')

/** What the kit runs against: a connector and the simulator of its bank. */
export interface ConformanceTarget {
  /** The folder name (`template` for the scaffold). */
  name: string
  connector: AnyConnector
  startSimulator: StartSimulator
}

/**
 * Where connector folders are looked for: `CONNECTOR_DIR` (set by `test:connector --dir`) or
 * `connectors/banks`.
 */
export function connectorsDir(): string {
  return process.env.CONNECTOR_DIR ? path.resolve(process.env.CONNECTOR_DIR) : BANKS_DIR
}

/**
 * The folder names the kit runs on: `CONNECTOR_ID` (comma-separated) when set, else the template
 * and every connector folder.
 *
 * @example
 * CONNECTOR_ID=acme-bank → ['acme-bank']
 */
export function conformanceTargetNames(): string[] {
  const only = process.env.CONNECTOR_ID?.split(',').map((s) => s.trim()).filter(Boolean)
  if (only && only.length) return only
  return ['template', ...listConnectorFolders(connectorsDir())]
}

/**
 * Loads a connector folder and its simulator. `template` (or `template-bank`) is the scaffold.
 *
 * @example
 * const target = await loadConformanceTarget('acme-bank')
 */
export async function loadConformanceTarget(name: string): Promise<ConformanceTarget> {
  const isTemplate = name === 'template' || name === 'template-bank'
  const dir = isTemplate ? TEMPLATE_DIR : path.join(connectorsDir(), name)
  if (!existsSync(dir)) throw new ConnectorDefinitionError(`no connector folder "${name}" in ${path.relative(process.cwd(), connectorsDir()) || '.'}`)
  const connector = await loadConnectorFolder(dir, { expectId: isTemplate ? 'template-bank' : name })
  const startSimulator = await loadSimulatorFolder(dir)
  if (!startSimulator) {
    throw new ConnectorDefinitionError(`connector "${name}" has no simulator.ts: the kit needs one exporting startSimulator (see the template)`)
  }
  return { name: isTemplate ? 'template' : name, connector, startSimulator }
}
