import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createExpressMiddleware } from '@trpc/server/adapters/express'
import compression from 'compression'
import express, { type ErrorRequestHandler } from 'express'
import { builtAssets } from './built-assets.js'
import { ping, type Db } from './db/client.js'
import { DEFAULT_IMPORT_MAX_BYTES } from './env.js'
import { createContextFactory } from './trpc/context.js'
import { appRouter } from './trpc/_app.js'

/** The built SPA (web/dist), served at `/` with a fallback to index.html for client-side routes. */
export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')

export function createApp(db: Db, options: { webDist?: string; importMaxBytes?: number } = {}) {
  const app = express()
  app.disable('x-powered-by')
  const webDist = options.webDist ?? DEFAULT_WEB_DIST
  const indexHtml = path.join(webDist, 'index.html')
  const spaBuilt = existsSync(indexHtml)
  // Before compression: the built scripts and style sheets carry their own gzip copies.
  if (spaBuilt) app.use('/assets', builtAssets(path.join(webDist, 'assets')))
  // Account lists and transaction pages are JSON of 100+ KB; gzip makes them a fraction of that.
  app.use(compression())

  app.get('/healthz', async (_req, res) => {
    try {
      await ping(db)
      res.json({ status: 'ok' })
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database not reachable' })
    }
  })

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(db, options.importMaxBytes === undefined ? {} : { importMaxBytes: options.importMaxBytes }),
      maxBatchSize: 20,
      // A statement upload travels as base64 (4 characters per 3 bytes) in JSON; anything far beyond
      // the import limit is cut off unread.
      maxBodySize: Math.ceil((options.importMaxBytes ?? DEFAULT_IMPORT_MAX_BYTES) / 3) * 4 + 16 * 1024 * 1024,
    }),
  )

  if (spaBuilt) {
    app.use(express.static(webDist, { index: false, maxAge: '1h', setHeaders: staticCacheHeaders }))
    app.get(/^\/(?!trpc|healthz).*/, (_req, res) => res.sendFile(indexHtml, { headers: { 'Cache-Control': 'no-cache' } }))
  } else {
    app.get('/', (_req, res) =>
      res
        .type('html')
        .send('<!doctype html><meta charset="utf-8"><title>Treasury Cloud</title><h1>Treasury Cloud</h1><p>The API runs at <code>/trpc</code>. Build the web app (<code>pnpm --filter @treasury/web build</code>) to see the dashboard.</p>'),
    )
  }

  // Malformed JSON and other request errors: a clear 4xx, never a stack trace.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500
    if (status >= 500) console.error('[http] internal error:', error)
    res.status(status).json({ error: status >= 500 ? 'internal error' : String(error?.message ?? 'bad request') })
  }
  app.use(onError)
  return app
}

/** Files beside the built assets (the icon, index.html) keep their names across builds: revalidated. */
function staticCacheHeaders(res: express.Response, file: string) {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache')
}
