/**
 * GBK encoding: Chinese front-end machines (前置机) speak GBK both ways, and Node has a GBK
 * *decoder* (TextDecoder 'gbk'/'gb18030', full ICU) but no encoder. The table is built once, on the
 * first non-ASCII text, by decoding every two-byte GBK code.
 */

let table: Map<number, number> | null = null

function gbkTable(): Map<number, number> {
  if (table) return table
  const decoder = new TextDecoder('gbk')
  const map = new Map<number, number>()
  const pair = new Uint8Array(2)
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue
      pair[0] = lead
      pair[1] = trail
      const text = decoder.decode(pair)
      const cp = text.codePointAt(0)!
      if (text.length === 1 && cp !== 0xfffd && !map.has(cp)) map.set(cp, (lead << 8) | trail)
    }
  }
  return (table = map)
}

/**
 * Text → GBK bytes; a character GBK lacks becomes "?" (as the banks' own encoders do).
 *
 * @example
 * encodeGbk('中文') // Uint8Array [0xd6, 0xd0, 0xce, 0xc4]
 */
export function encodeGbk(text: string): Uint8Array {
  if (/^[\x00-\x7f]*$/.test(text)) return new TextEncoder().encode(text)
  const map = gbkTable()
  const out = new Uint8Array(text.length * 2)
  let n = 0
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp < 0x80) {
      out[n++] = cp
      continue
    }
    const code = map.get(cp)
    if (code === undefined) out[n++] = 0x3f
    else {
      out[n++] = code >> 8
      out[n++] = code & 0xff
    }
  }
  return out.subarray(0, n)
}
