import http from 'node:http'
import https from 'node:https'
import { promisify } from 'node:util'
import zlib from 'node:zlib'

/**
 * How `ctx.fetch` reaches a bank. The default is {@link nodeHttpTransport} (node:http/https with
 * keep-alive): the platform `fetch` costs several times the CPU per request (web streams, a
 * Request/Response pair per call), and a backfill makes thousands of requests on the same thread
 * that stores the data. Tests and special set-ups may still hand a WHATWG `fetch` to the runner;
 * {@link fetchTransport} adapts it.
 */

/** One request as a transport receives it (the connector fetch has already merged signals and timeouts). */
export interface HttpRequest {
  method: string
  headers?: Readonly<Record<string, string>>
  body?: string | Uint8Array
  signal: AbortSignal
}

/**
 * One answer: status, headers and the body, read (and decompressed) once.
 *
 * @example
 * const reply = await nodeHttpTransport('http://127.0.0.1:8080/accounts', { method: 'GET', signal })
 * reply.status // 200
 * new TextDecoder().decode(await reply.body())
 */
export interface HttpReply {
  status: number
  statusText: string
  /** The final URL, after redirects. */
  url: string
  headers: { get(name: string): string | null }
  body(): Promise<Uint8Array>
}

/**
 * Sends one request. Network failures reject (with the system error as `cause`, e.g. `ECONNREFUSED`),
 * as `fetch` does; an abort of `signal` rejects with the signal's reason.
 *
 * @example
 * const transport: HttpTransport = fetchTransport(globalThis.fetch)
 */
export type HttpTransport = (url: string, request: HttpRequest) => Promise<HttpReply>

/**
 * A WHATWG `fetch` as a transport (tests that wrap or fail `fetch` on purpose).
 *
 * @example
 * const transport = fetchTransport((url, init) => fetch(url, init))
 */
export function fetchTransport(base: typeof globalThis.fetch): HttpTransport {
  return async (url, request) => {
    const response = await base(url, {
      method: request.method,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: request.signal,
    })
    return {
      status: response.status,
      statusText: response.statusText,
      url: response.url || url,
      headers: { get: (name) => response.headers.get(name) },
      body: async () => new Uint8Array(await response.arrayBuffer()),
    }
  }
}

// Sockets are reused between calls (a bank's TLS handshake costs more than the request). Idle ones
// close after 4 s — under the 5 s keep-alive of Node's server — unless the server hints otherwise.
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: 4_000 }),
  'https:': new https.Agent({ keepAlive: true, timeout: 4_000 }),
}

const MAX_REDIRECTS = 5
const decompressors: Record<string, (data: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
}

/** The error `fetch` throws for a network failure: "fetch failed" with the system error as cause. */
function networkError(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause })
}

/**
 * The default transport: node:http/https with keep-alive, redirects followed (at most 5, as a
 * browser would: 303 — and 301/302 after a POST — become a GET; credentials are not sent to another
 * origin), gzip/deflate/br bodies decompressed. The body is read as soon as the answer arrives, so
 * a connector that never reads it cannot pin a socket.
 *
 * @example
 * const reply = await nodeHttpTransport(`${sim.url}/v1/accounts`, { method: 'GET', headers: { authorization: 'Bearer t' }, signal })
 */
export const nodeHttpTransport: HttpTransport = async (url, request) => {
  let target = url
  let method = request.method.toUpperCase()
  let body = request.body
  let headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'gzip, deflate, br' }
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value
  for (let redirects = 0; ; redirects++) {
    const reply = await exchange(target, method, headers, body, request.signal)
    const location = reply.headers.get('location')
    if (![301, 302, 303, 307, 308].includes(reply.status) || location === null) return reply
    if (redirects >= MAX_REDIRECTS) throw networkError(new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`))
    const next = new URL(location, target)
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw networkError(new Error(`redirect to an unsupported URL scheme ${next.protocol}`))
    if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('content-')))
    }
    if (next.origin !== new URL(target).origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization' && name !== 'cookie'))
    target = next.toString()
  }
}

function exchange(url: string, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch (error) {
      return reject(new TypeError(`invalid URL ${JSON.stringify(url)}`, { cause: error }))
    }
    const agent = agents[parsed.protocol as keyof typeof agents]
    if (!agent) return reject(new TypeError(`unsupported URL scheme ${parsed.protocol} in ${url}`))
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body
    const outgoing = payload === undefined ? headers : { ...headers, 'content-length': String(payload.byteLength) }
    let settled = false
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)))
    const fail = (error: unknown) => {
      signal.removeEventListener('abort', onAbort)
      if (settled) return
      settled = true
      reject(signal.aborted ? signal.reason : networkError(error))
    }
    const req = (parsed.protocol === 'https:' ? https : http).request(parsed, { method, headers: outgoing, agent }, (res) => {
      const chunks: Buffer[] = []
      // The whole body arrives before the reply is handed out; an abort meanwhile still cancels it.
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', fail)
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the answer was complete'))
      })
      res.on('end', () => {
        signal.removeEventListener('abort', onAbort)
        if (settled) return
        settled = true
        const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
        const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase()
        const decompress = decompressors[encoding]
        let decoded: Promise<Buffer> | null = null
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          url,
          headers: {
            get: (name) => {
              const value = res.headers[name.toLowerCase()]
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
            },
          },
          body: () =>
            (decoded ??= decompress
              ? decompress(raw).catch((error: unknown) => {
                  throw networkError(error)
                })
              : Promise.resolve(raw)),
        })
      })
    })
    req.on('error', fail)
    signal.addEventListener('abort', onAbort, { once: true })
    req.end(payload)
  })
}
