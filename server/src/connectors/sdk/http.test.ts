import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeHttpTransport } from './http.js'

/** Two loopback servers (two origins) answering by path. */
function serve(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => handle(req, body, res))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })))
}

describe('nodeHttpTransport', () => {
  let a: { url: string; server: Server }
  let b: { url: string; server: Server }
  const seen: { path: string; method: string; authorization: string | undefined; body: string }[] = []
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
  const send = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; signal?: AbortSignal } = {}) =>
    nodeHttpTransport(url, { method: init.method ?? 'GET', signal: init.signal ?? new AbortController().signal, ...(init.headers ? { headers: init.headers } : {}), ...(init.body !== undefined ? { body: init.body } : {}) })

  beforeAll(async () => {
    b = await serve((req, body, res) => {
      seen.push({ path: req.url!, method: req.method!, authorization: req.headers.authorization, body })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('other origin')
    })
    a = await serve((req, body, res) => {
      seen.push({ path: req.url!, method: req.method!, authorization: req.headers.authorization, body })
      if (req.url === '/echo') return res.writeHead(201, { 'x-two': ['1', '2'] }).end(`${req.method} ${body}`)
      if (req.url === '/gzip') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('squeezed 中文'))
      if (req.url === '/see-other') return res.writeHead(303, { location: '/echo' }).end()
      if (req.url === '/away') return res.writeHead(307, { location: `${b.url}/landing` }).end()
      if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end()
      if (req.url === '/hang') return // never answered
      res.writeHead(404).end()
    })
  })
  afterAll(async () => {
    for (const s of [a, b]) {
      s.server.closeAllConnections()
      await new Promise((resolve) => s.server.close(resolve))
    }
  })

  it('sends the method, headers and body, and hands back status, headers and the body', async () => {
    const reply = await send(`${a.url}/echo`, { method: 'post', headers: { 'Content-Type': 'text/plain' }, body: '数据' })
    expect(reply).toMatchObject({ status: 201, statusText: 'Created', url: `${a.url}/echo` })
    expect(reply.headers.get('X-Two')).toBe('1, 2')
    expect(reply.headers.get('x-missing')).toBeNull()
    expect(text(await reply.body())).toBe('POST 数据')
    expect(await reply.body()).toBe(await reply.body())
  })

  it('decompresses a gzip body', async () => {
    expect(text(await (await send(`${a.url}/gzip`)).body())).toBe('squeezed 中文')
  })

  it('follows redirects as a browser does: 303 becomes a GET; no credentials to another origin; at most 5', async () => {
    seen.length = 0
    const reply = await send(`${a.url}/see-other`, { method: 'POST', body: 'x' })
    expect(text(await reply.body())).toBe('GET ')
    expect(reply.url).toBe(`${a.url}/echo`)
    const away = await send(`${a.url}/away`, { headers: { authorization: 'Bearer secret' } })
    expect(text(await away.body())).toBe('other origin')
    expect(seen.find((s) => s.path === '/away')!.authorization).toBe('Bearer secret')
    expect(seen.find((s) => s.path === '/landing')!.authorization).toBeUndefined()
    await expect(send(`${a.url}/loop`)).rejects.toMatchObject({ message: 'fetch failed', cause: { message: /more than 5 redirects/ } })
  })

  it('fails like fetch on a refused connection (the system error as cause), and stops at once on abort', async () => {
    const closed = await serve(() => {})
    const refused = closed.url
    await new Promise((resolve) => closed.server.close(resolve))
    await expect(send(`${refused}/x`)).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } })
    const controller = new AbortController()
    const pending = send(`${a.url}/hang`, { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stop now')), 50)
    // (Without the abort, the hung request would never settle and the test would time out.)
    await expect(pending).rejects.toThrow('stop now')
  })
})
