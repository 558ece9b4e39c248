import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root and the places the end-to-end suite uses, found from this file. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const webDir = path.join(repoRoot, 'web')
export const webDist = path.join(webDir, 'dist')
export const serverDir = path.join(repoRoot, 'server')
/** Screenshots and traces of a run (gitignored). */
export const artifactsDir = path.join(repoRoot, 'tests', 'e2e', 'artifacts')
