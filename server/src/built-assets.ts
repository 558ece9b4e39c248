import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { RequestHandler } from 'express'

/** Built files are named by their content hash: a name never changes what it holds. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

/** Text formats worth gzipping (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.map'])

interface Asset {
  type: string
  etag: string
  plain: Buffer
  /** The gzip copy the web build writes next to scripts and style sheets (`x.js.gz`), else made once here; null for formats that are compressed already. */
  gzip: Buffer | null
}

/**
 * Serves the SPA's built, content-hashed files (web/dist/assets) from memory: each file and its gzip
 * copy is read once (the copy made here when the build wrote none), and a request is answered with
 * the bytes and fixed headers, ahead of the app's compression middleware. The first view loads
 * ~30 of them; sending each through the file system (stat, stream, per-request headers) cost the
 * server 1.0–1.4 ms of CPU per file instead of ~0.5 ms, time taken from the browser when both
 * share a machine (docs/PERFORMANCE.md).
 *
 * Files the build adds while the server runs are read on their first request. A name that is not a
 * built file is a 404, never the SPA's index.html (a script would otherwise receive HTML).
 *
 * @example
 * app.use('/assets', builtAssets(path.join(webDist, 'assets')))
 */
export function builtAssets(dir: string): RequestHandler {
  const root = path.resolve(dir)
  const assets = new Map<string, Asset>()
  const load = (name: string): Asset | null => {
    const file = path.join(root, name)
    if (path.dirname(file) !== root || name.endsWith('.gz') || !existsSync(file) || !statSync(file).isFile()) return null
    const plain = readFileSync(file)
    const asset: Asset = {
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(plain).digest('base64url')}"`,
      plain,
      gzip: existsSync(`${file}.gz`) ? readFileSync(`${file}.gz`) : COMPRESSIBLE.has(path.extname(name)) ? gzipSync(plain, { level: 9 }) : null,
    }
    assets.set(name, asset)
    return asset
  }
  if (existsSync(root)) for (const name of readdirSync(root)) load(name)

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next()
    let name: string
    try {
      name = decodeURIComponent(req.path.slice(1))
    } catch {
      return res.status(400).type('text/plain').send('malformed asset path')
    }
    const asset = assets.get(name) ?? load(name)
    if (!asset) return res.status(404).type('text/plain').send(`no such built file: ${name}`)
    res.setHeader('Cache-Control', IMMUTABLE)
    res.setHeader('ETag', asset.etag)
    res.setHeader('Content-Type', asset.type)
    if (req.headers['if-none-match'] === asset.etag) return res.status(304).end()
    let body = asset.plain
    if (asset.gzip) {
      res.setHeader('Vary', 'Accept-Encoding')
      if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        res.setHeader('Content-Encoding', 'gzip')
        body = asset.gzip
      }
    }
    res.setHeader('Content-Length', body.length)
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}
