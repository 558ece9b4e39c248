/** Character tests shared by the hand-written scanners (charCodeAt values, no allocation). */

/** JavaScript's `\s`: what trim() removes and what `\s` matches in the regexes these scanners replace. */
export function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13)
  if (code < 160) return false
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
