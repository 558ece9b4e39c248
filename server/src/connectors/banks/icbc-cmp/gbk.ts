/**
 * GBK encoding: Chinese front-end machines (前置机) speak GBK both ways, and Node has a GBK
 * *decoder* (TextDecoder 'gbk'/'gb18030', full ICU) but no encoder. The table is built once, on the
 * first non-ASCII text, by decoding every two-byte GBK code.
 */

/** GBK code by UTF-16 code unit (0: none); GBK has no characters outside the BMP. */
let table: Uint16Array | null = null

function gbkTable(): Uint16Array {
  if (table) return table
  const decoder = new TextDecoder('gbk')
  const map = new Uint16Array(0x10000)
  const pair = new Uint8Array(2)
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue
      pair[0] = lead
      pair[1] = trail
      const text = decoder.decode(pair)
      const cp = text.codePointAt(0)!
      if (text.length === 1 && cp !== 0xfffd && map[cp] === 0) map[cp] = (lead << 8) | trail
    }
  }
  return (table = map)
}

const ascii = new TextEncoder()

/**
 * Text → GBK bytes; a character GBK lacks becomes "?" (as the banks' own encoders do).
 *
 * @example
 * encodeGbk('中文') // Uint8Array [0xd6, 0xd0, 0xce, 0xc4]
 */
export function encodeGbk(text: string): Uint8Array {
  if (/^[\x00-\x7f]*$/.test(text)) return ascii.encode(text)
  const map = gbkTable()
  const out = new Uint8Array(text.length * 2)
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) {
      out[n++] = unit
      continue
    }
    // A surrogate pair is one character outside the BMP: GBK lacks it.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) i++
      out[n++] = 0x3f
      continue
    }
    const code = unit >= 0xd800 && unit <= 0xdfff ? 0 : map[unit]!
    if (code === 0) out[n++] = 0x3f
    else {
      out[n++] = code >> 8
      out[n++] = code & 0xff
    }
  }
  return out.subarray(0, n)
}
