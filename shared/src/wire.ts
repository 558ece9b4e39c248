/**
 * The API's wire format (the tRPC transformer on both ends): JSON in which the two types JSON has
 * no place for travel tagged — a bigint as `{"$n":"-12345"}` (money: minor units of any size), a
 * Date as `{"$d":"2026-11-27T02:00:00.000Z"}`. Everything else is JSON as usual: an `undefined`
 * field is left out, and `undefined` in an array becomes `null`.
 *
 * Written for speed (a 190-account list is a ~100 KB answer): one copying walk to send, and on
 * arrival one walk that swaps the tags in place inside the freshly parsed JSON, which nobody else
 * holds. The general-purpose serializer it replaced walked each answer several times and described
 * every bigint's path in a second document; that was a quarter of the server's CPU per dashboard
 * visit. Zod-free, so the browser's first view loads it without the schemas.
 *
 * A Map or Set is refused with an error instead of arriving as `{}` (what plain JSON would make of
 * it). An object whose only key is a tag's name (`$n`, `$d`) or the escape (`$e`) is sent escaped
 * as `{"$e":[[key, value]]}`, so data never reads as a tag.
 *
 * @example
 * const sent = JSON.stringify(wire.serialize({ amount: 12_345n }))  // '{"amount":{"$n":"12345"}}'
 * wire.deserialize(JSON.parse(sent))                                // { amount: 12345n }
 */

const BIGINT = '$n'
const DATE = '$d'
const ESCAPED = '$e'
/**
 * How deep arriving data may nest. The API's own data goes a few levels deep; without a limit a
 * request nesting thousands of levels would end in "Maximum call stack size exceeded".
 */
export const MAX_DEPTH = 200

function isTagName(key: string): boolean {
  return key === BIGINT || key === DATE || key === ESCAPED
}

/** A JSON-ready copy of `value` with bigints and Dates tagged. */
function encode(value: unknown): unknown {
  if (typeof value === 'bigint') return { [BIGINT]: value.toString() }
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) out[i] = value[i] === undefined ? null : encode(value[i])
    return out
  }
  if (value instanceof Date) return { [DATE]: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() }
  if (value instanceof Map || value instanceof Set) {
    throw new TypeError(`the API cannot send a ${value instanceof Map ? 'Map' : 'Set'}: use an array or a plain object`)
  }
  const out: Record<string, unknown> = {}
  let count = 0
  let only = ''
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const item = (value as Record<string, unknown>)[key]
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
    // A data key named __proto__ stays a key (an assignment would set the copy's prototype).
    if (key === '__proto__') Object.defineProperty(out, key, { value: encode(item), enumerable: true, writable: true, configurable: true })
    else out[key] = encode(item)
    count++
    only = key
  }
  return count === 1 && isTagName(only) ? { [ESCAPED]: [[only, out[only]]] } : out
}

/** Turns tags back into bigints and Dates, in place; returns the decoded value. */
function decode(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) throw new TypeError(`the data nests deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i]
      if (item !== null && typeof item === 'object') value[i] = decode(item, depth + 1)
    }
    return value
  }
  const object = value as Record<string, unknown>
  const tagged = BIGINT in object ? BIGINT : DATE in object ? DATE : ESCAPED in object ? ESCAPED : null
  if (tagged !== null && Object.keys(object).length === 1) return untag(tagged, object[tagged], depth)
  for (const key in object) {
    const item = object[key]
    if (item !== null && typeof item === 'object') object[key] = decode(item, depth + 1)
  }
  return object
}

function untag(tag: string, payload: unknown, depth: number): unknown {
  if (tag === BIGINT) {
    if (typeof payload !== 'string' || !/^-?\d+$/.test(payload)) throw new TypeError(`malformed bigint on the wire: ${JSON.stringify(payload)}`)
    return BigInt(payload)
  }
  if (tag === DATE) {
    if (typeof payload !== 'string') throw new TypeError(`malformed date on the wire: ${JSON.stringify(payload)}`)
    return new Date(payload)
  }
  if (!Array.isArray(payload) || payload.length !== 1 || !Array.isArray(payload[0]) || typeof payload[0][0] !== 'string') {
    throw new TypeError(`malformed escaped object on the wire: ${JSON.stringify(payload)}`)
  }
  const [key, item] = payload[0] as [string, unknown]
  return { [key]: decode(item, depth + 1) }
}

/** The transformer both tRPC ends use (`initTRPC.create({ transformer: wire })`, `httpLink({ transformer: wire })`). */
export const wire = {
  serialize: (value: unknown): unknown => encode(value),
  deserialize: <T = unknown>(value: unknown): T => decode(value, 0) as T,
}
