import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createExpressMiddleware } from '@trpc/server/adapters/express'
import compression from 'compression'
import express, { type ErrorRequestHandler } from 'express'
import { ping, type Db } from './db/client.js'
import { createContextFactory } from './trpc/context.js'
import { appRouter } from './trpc/_app.js'

/** The built SPA (web/dist), served at `/` with a fallback to index.html for client-side routes. */
export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')

export function createApp(db: Db, options: { webDist?: string } = {}) {
  const app = express()
  app.disable('x-powered-by')
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
      createContext: createContextFactory(db),
      maxBatchSize: 20,
      // A 50 MB statement upload is about 67 MB as base64; anything far beyond is cut off unread.
      maxBodySize: 80 * 1024 * 1024,
    }),
  )

  const webDist = options.webDist ?? DEFAULT_WEB_DIST
  const indexHtml = path.join(webDist, 'index.html')
  if (existsSync(indexHtml)) {
    app.use(express.static(webDist, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }))
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

function noCacheForHtml(res: express.Response, file: string) {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache')
}
