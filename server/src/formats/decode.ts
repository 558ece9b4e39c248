/**
 * Lenient decoding of statement files as banks deliver them: byte-order marks, UTF-8 or 8-bit
 * (latin-1) text, UTF-16 XML, CRLF/LF/CR line ends, SOH/ETX message framing, Ctrl-Z at EOF and the
 * SWIFT FIN envelope `{1:…}{2:…}{3:…}{4: … -}{5:…}`. Nothing here throws on any byte sequence.
 */

import { Buffer, isAscii } from 'node:buffer'

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1'

export interface DecodedText {
  text: string
  encoding: TextEncoding
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })
const utf8Lenient = new TextDecoder('utf-8')
// WHATWG maps "latin1" to windows-1252: a superset of ISO-8859-1 for printable bytes.
const latin1 = new TextDecoder('latin1')

/**
 * Bytes → text. A BOM decides; else strict UTF-8; else latin-1, which never fails (every byte is a
 * character), so statements from banks that still write ISO-8859-x decode with their text intact
 * except for the few letters where the code pages differ.
 *
 * @example
 * decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x3a])) // { text: ':', encoding: 'utf-8' }
 */
export function decodeBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: utf8Lenient.decode(bytes.subarray(3)), encoding: 'utf-8' }
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' }
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' }
  }
  // UTF-16 XML without a BOM starts with "<\0" or "\0<".
  if (bytes.length >= 4 && bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] !== 0) {
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' }
  }
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x3c) {
    return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' }
  }
  // Most statement files are plain ASCII: then UTF-8 and latin-1 read the same, and the bytes are
  // copied into a one-byte string as they are (several times faster than validating UTF-8 as it decodes).
  if (bytes.length <= ASCII_COPY_LIMIT && isAscii(bytes)) return { text: asciiText(bytes), encoding: 'utf-8' }
  try {
    return { text: utf8Strict.decode(bytes), encoding: 'utf-8' }
  } catch {
    return { text: latin1.decode(bytes), encoding: 'latin1' }
  }
}

/**
 * Up to this many bytes {@link asciiText} makes an ordinary string. Node (20) turns a latin-1
 * buffer of more than ~1 MB into an external string (its characters outside the JS heap), which
 * every later read (indexOf, charCodeAt, slices) pays for more than TextDecoder's decoding costs.
 */
export const ASCII_COPY_LIMIT = 1_000_000

/** Bytes known to be ASCII (`isAscii`) → their text, copied as they are (see {@link ASCII_COPY_LIMIT}). */
export function asciiText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/**
 * Splits text into lines (CRLF, LF or lone CR). When a framing control (SOH, STX, ETX, Ctrl-Z, NUL)
 * is present, every C0 control except TAB is dropped. Line numbers stay those of the file: line n
 * is `lines[n - 1]`.
 */
export function splitLines(text: string): string[] {
  const cleaned = stripControls(text)
  if (cleaned.indexOf('\r') < 0) return cleaned.split('\n')
  if (cleaned.indexOf('\n') < 0) return cleaned.split('\r')
  if (hasLoneCarriageReturn(cleaned)) return cleaned.split(/\r\n|\n|\r/)
  // CRLF: splitting at LF and dropping the CR is faster than a regex split on big files.
  const lines = cleaned.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.charCodeAt(line.length - 1) === 0x0d) lines[i] = line.slice(0, -1)
  }
  return lines
}

const C0_CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g

/** `text` without its C0 controls (except TAB, LF, CR) when it holds a framing control; else `text` itself. */
export function stripControls(text: string): string {
  return hasControls(text) ? text.replace(C0_CONTROLS, '') : text
}

/**
 * The text as {@link splitLines} sees it, kept as one string: framing controls dropped and lone CRs
 * turned into LF, so that every CR left is the first half of a CRLF. Line numbers are unchanged.
 */
export function normalizeLineEnds(text: string): string {
  const cleaned = stripControls(text)
  return hasLoneCarriageReturn(cleaned) ? cleaned.replace(/\r\n?/g, '\n') : cleaned
}

/**
 * Whether the text holds the framing controls (SOH, STX, ETX, Ctrl-Z, NUL) the parsers must not
 * see. Single-character searches are native and fast; other stray C0 controls are left in the text
 * (they cannot start a tag or record, and scanning 20 MB for them costs more than the rest of the split).
 */
function hasControls(text: string): boolean {
  for (const control of ['\x01', '\x03', '\x1a', '\x00', '\x02']) if (text.indexOf(control) >= 0) return true
  return false
}

function hasLoneCarriageReturn(text: string): boolean {
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 1)) {
    if (text.charCodeAt(at + 1) !== 0x0a) return true
  }
  return false
}

export interface SwiftEnvelopeInfo {
  /** Message types named by the application headers ({2:O940…} → "940"), in file order. */
  messageTypes: string[]
}

const BLOCK2 = /\{2:[IO](\d{3})/g

/**
 * Removes the SWIFT FIN envelope from `lines` in place, keeping line numbers: header lines
 * `{1:…}{2:…}{3:…}{4:` become blank (or keep what follows `{4:` on the same line), the trailer `-}`
 * and `-}{5:…}` become the message separator `-`, and a lone `}` or `{5:…}` line becomes blank.
 * Tolerates headers split over several lines and a block 2 without its closing brace.
 */
export function stripSwiftEnvelope(lines: string[]): SwiftEnvelopeInfo {
  const messageTypes: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const first = line.charCodeAt(0)
    if (first === 0x7b /* { */) {
      for (const match of line.matchAll(BLOCK2)) messageTypes.push(match[1]!)
      const body = line.lastIndexOf('{4:')
      if (body >= 0) lines[i] = line.slice(body + 3)
      else if (/^\{[1-5S]:/.test(line) || /^[{}\s]*$/.test(line)) lines[i] = ''
    } else if (first === 0x2d /* - */ && line.charCodeAt(1) === 0x7d /* } */) {
      lines[i] = '-'
    } else if (first === 0x7d /* } */ && /^\}+\s*(\{5:.*)?$/.test(line)) {
      lines[i] = ''
    }
  }
  return { messageTypes }
}
