import type { ConnectorResponse } from '@treasury/shared'

/**
 * A canned HTTP response for a connector's unit tests, e.g. to check how `api.ts` maps a bank's
 * error replies onto the typed errors without starting a simulator. A body is served as JSON
 * (`text()` gives it serialised); without one, `text()` is empty and `json()` is `{}`.
 *
 * @example
 * const reply = fakeResponse(429, { error: 'slow down' }, { 'retry-after': '2' })
 * expect((await errorFor(reply, 'GET /accounts', now)).kind).toBe('rate-limited')
 */
export function fakeResponse(
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
  url = 'http://127.0.0.1/',
): ConnectorResponse {
  return {
    ok: status < 300,
    status,
    statusText: '',
    url,
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    text: async () => (body === undefined ? '' : JSON.stringify(body)),
    json: async () => (body === undefined ? {} : body),
    arrayBuffer: async () => new ArrayBuffer(0),
  }
}
