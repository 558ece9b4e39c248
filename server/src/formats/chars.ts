/** Character tests shared by the hand-written scanners (charCodeAt values, no allocation). */

/**
 * JavaScript's `\s`: what trim() removes and what `\s` matches in the regexes these scanners replace.
 * Small enough to be inlined into the trimming loops; the rare non-ASCII blanks are tested apart.
 */
export function isSpace(code: number): boolean {
  return code === 32 || (code <= 13 && code >= 9) || (code >= 160 && isWideSpace(code))
}

function isWideSpace(code: number): boolean {
  return (
    code === 160 || code === 5760 || (code >= 8192 && code <= 8202) || code === 8232 || code === 8233 || code === 8239 || code === 8287 ||
    code === 12288 || code === 65279
  )
}

export const isDigit = (code: number): boolean => code >= 48 && code <= 57
export const isUpper = (code: number): boolean => code >= 65 && code <= 90

/** text[start, end) without the blanks around it, or undefined when nothing else is left. */
export function trimmedSlice(text: string, start: number, end: number): string | undefined {
  while (start < end && isSpace(text.charCodeAt(start))) start++
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--
  return start < end ? text.slice(start, end) : undefined
}

/**
 * text[start, end) as a string of its own. A slice of 13 characters or more is a view that keeps the
 * whole source text alive (and so is a `+` of such slices); a string that outlives its source or a
 * temporary (a cache entry, a value cut out of a joined buffer) must not be one. Array join builds
 * a fresh flat string.
 */
export function ownCopy(text: string, start: number, end: number): string {
  if (end - start < 13) return text.slice(start, end)
  return [text.slice(start, start + 1), text.slice(start + 1, end)].join('')
}

const interned = new Map<string, string>()

/**
 * text[start, end) through a cache of recent values, for short values that repeat across entries
 * (transaction codes, BICs, counterparty IBANs and names): the entries share one string, which is
 * less for the garbage collector to copy, and the cache never holds a view of a large text.
 */
export function intern(text: string, start: number, end: number): string {
  const value = text.slice(start, end)
  if (end - start > 40) return value
  const known = interned.get(value)
  if (known !== undefined) return known
  if (interned.size >= 10_000) interned.clear()
  const own = ownCopy(text, start, end)
  interned.set(own, own)
  return own
}

/**
 * text[start, end), shared with the earlier calls that saw the same characters: a direct-mapped
 * table indexed by a hash of a sample of the characters (five), checked by comparing the
 * cut-out value with what the table holds. For short values that repeat across entries (BICs,
 * counterparty accounts): the entries share one string, which is less for the garbage collector to
 * copy, and a repeat costs a sample hash and a native comparison, less than a Map lookup, which
 * hashes every character of a new string. Values longer than `maxLength` are plain slices.
 *
 * @example
 * const bics = new RangeCache(1024, 40)
 * bics.get('?30COBADEFFXXX', 3, 14) === bics.get('COBADEFFXXX', 0, 11) // true
 */
export class RangeCache {
  private readonly values: string[]
  private readonly mask: number

  /** `size`: a power of two. */
  constructor(
    size: number,
    private readonly maxLength: number,
  ) {
    this.values = new Array<string>(size).fill('')
    this.mask = size - 1
  }

  get(text: string, start: number, end: number): string {
    const length = end - start
    const value = text.slice(start, end)
    if (length > this.maxLength || length === 0) return value
    const index = sampleHash(text, start, end) & this.mask
    const known = this.values[index]!
    if (known === value) return known
    // An own copy: the table must not keep a statement's text alive.
    const own = ownCopy(text, start, end)
    this.values[index] = own
    return own
  }
}

/**
 * A hash of the length and of five characters of text[start, end) (the first, the middle and the
 * last three, where values such as account numbers differ most), or of all of them when fewer.
 */
export function sampleHash(text: string, start: number, end: number): number {
  const length = end - start
  let hash = Math.imul(length, 0x01000193)
  if (length < 5) {
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  } else {
    hash = Math.imul(hash ^ text.charCodeAt(start), 0x01000193)
    hash = Math.imul(hash ^ text.charCodeAt((start + end) >> 1), 0x01000193)
    hash = Math.imul(hash ^ text.charCodeAt(end - 3), 0x01000193)
    hash = Math.imul(hash ^ text.charCodeAt(end - 2), 0x01000193)
    hash = Math.imul(hash ^ text.charCodeAt(end - 1), 0x01000193)
  }
  return hash ^ (hash >>> 15)
}
