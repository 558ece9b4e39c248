import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { webDir, webDist } from './paths.js'

/** Newest modification time under a folder (sources of the SPA), skipping generated folders. */
function newestMtime(target: string): number {
  if (!existsSync(target)) return 0
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue
    newest = Math.max(newest, newestMtime(path.join(target, entry)))
  }
  return newest
}

/** True when web/dist is missing or older than the SPA's sources. */
export function spaNeedsBuild(): boolean {
  const index = path.join(webDist, 'index.html')
  if (!existsSync(index)) return true
  const built = statSync(index).mtimeMs
  const sources = Math.max(
    newestMtime(path.join(webDir, 'src')),
    newestMtime(path.join(webDir, 'index.html')),
    newestMtime(path.join(webDir, 'vite.config.ts')),
    newestMtime(path.join(webDir, 'package.json')),
  )
  return sources > built
}

/** Builds the SPA into web/dist when it is missing or stale (the server serves it at `/`). */
export function ensureSpaBuilt(log: (line: string) => void = console.log): void {
  if (!spaNeedsBuild()) return
  log('[e2e] building the SPA (web/dist is missing or older than web/src)…')
  const started = Date.now()
  const vite = path.join(webDir, 'node_modules', 'vite', 'bin', 'vite.js')
  // A production build even when called from a test runner (vitest sets NODE_ENV=test, which would
  // give Vue's development build: bigger and slower than what people get).
  const env = { ...process.env, NODE_ENV: 'production' }
  const result = existsSync(vite)
    ? spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit', env })
    : spawnSync('npx', ['-y', 'pnpm@12.4.2', '--filter', '@treasury/web', 'build'], { cwd: webDir, stdio: 'inherit', env })
  if (result.status !== 0) throw new Error(`building the SPA failed (exit ${result.status ?? result.signal})`)
  log(`[e2e] SPA built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
