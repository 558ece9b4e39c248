import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtAssets, IMMUTABLE } from './built-assets.js'

describe('builtAssets', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'built-assets-'))
  const script = 'export const answer = 42;\n'.repeat(50)
  let server: Server
  let base: string

  beforeAll(async () => {
    writeFileSync(path.join(dir, 'app-abc123.js'), script)
    writeFileSync(path.join(dir, 'app-abc123.js.gz'), gzipSync(script))
    writeFileSync(path.join(dir, 'logo-def456.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    const app = express()
    app.use('/assets', builtAssets(dir))
    app.get(/.*/, (_req, res) => res.type('html').send('<!doctype html>spa'))
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/assets`
  })
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends the gzip copy to a browser that accepts gzip, with immutable caching', async () => {
    const res = await fetch(`${base}/app-abc123.js`, { headers: { 'accept-encoding': 'gzip' }, decompress: false } as RequestInit)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE)
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    const body = Buffer.from(await res.arrayBuffer())
    // fetch may already have decoded it; either way the script's text is what arrives.
    const text = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString() : body.toString()
    expect(text).toBe(script)
  })

  it('sends the plain file to a client without gzip', async () => {
    const res = await fetch(`${base}/app-abc123.js`, { headers: { 'accept-encoding': 'identity' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBeNull()
    expect(await res.text()).toBe(script)
  })

  it('gzips once in memory a text file the build wrote no copy of', async () => {
    const res = await fetch(`${base}/logo-def456.svg`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(await res.text()).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>')
  })

  it('answers a matching If-None-Match with 304', async () => {
    const first = await fetch(`${base}/logo-def456.svg`)
    expect(first.headers.get('content-type')).toBe('image/svg+xml')
    const etag = first.headers.get('etag')!
    const again = await fetch(`${base}/logo-def456.svg`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
  })

  it('serves a file the build added after the server started', async () => {
    writeFileSync(path.join(dir, 'late-789.css'), 'body{margin:0}')
    const res = await fetch(`${base}/late-789.css`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await res.text()).toBe('body{margin:0}')
  })

  it.each([
    ['an unknown file', '/missing-000.js'],
    ['a path outside the folder', '/..%2Fsecret.js'],
    ['a gzip copy asked for by name', '/app-abc123.js.gz'],
  ])('answers %s with 404, not the SPA page', async (_name, asset) => {
    const res = await fetch(`${base}${asset}`)
    expect(res.status).toBe(404)
    expect(await res.text()).toMatch(/^no such built file/)
  })

  it('answers a malformed escape with 400', async () => {
    const res = await fetch(`${base}/%E0%A4%A.js`)
    expect(res.status).toBe(400)
  })
})
