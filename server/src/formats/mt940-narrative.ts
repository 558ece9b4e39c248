/**
 * Reads the :86: "information to account owner" of an MT940 entry. Banks fill it in several dialects:
 * - German GVC: `NNN?00posting text?10…?20purpose…?29?30bank?31account?32name?33name?34…?60…?63`
 *   (Triodos writes `>` instead of `?`), purpose lines carrying SEPA keywords `EREF+ SVWZ+ KREF+ …`;
 * - Dutch/ING: `/TRTP/…/IBAN/…/BIC/…/NAME/…/REMI/…/EREF/…` and `/CNTP/iban/bic/name/city/`;
 * - anything else is free text.
 * Lines are wrapped at a fixed width (often mid-word, even mid-sub-field code), so the structured
 * dialects are read with the line breaks removed.
 */

import { intern, isDigit, isSpace, ownCopy, RangeCache, sampleHash, trimmedSlice } from './chars.js'

/** What a :86: says; a field the text does not give is undefined. */
export interface Narrative {
  /** German GVC (Geschäftsvorfallcode), e.g. "166". */
  code: string | undefined
  remittance: string | undefined
  endToEnd: string | undefined
  customer: string | undefined
  name: string | undefined
  account: string | undefined
  agent: string | undefined
  returnReason: string | undefined
}

/** A narrative with every field undefined (one shape for all, filled in place by {@link parseNarrative}). */
export function emptyNarrative(): Narrative {
  return {
    code: undefined,
    remittance: undefined,
    endToEnd: undefined,
    customer: undefined,
    name: undefined,
    account: undefined,
    agent: undefined,
    returnReason: undefined,
  }
}

/**
 * Reads a :86: text into `into` (cleared first; the parser passes the same object for every entry,
 * which saves an object per entry) and returns it.
 *
 * @example
 * parseNarrative('166?00GUTSCHRIFT?20SVWZ+Rechnung 42?32Muster GmbH').remittance // 'Rechnung 42'
 */
export function parseNarrative(text: string, into: Narrative = emptyNarrative()): Narrative {
  into.code = into.remittance = into.endToEnd = into.customer = into.name = into.account = into.agent = into.returnReason = undefined
  const firstBreak = text.indexOf('\n')
  if (firstBreak < 0) {
    parseJoined(text, text, into)
    return into
  }
  // Most German banks wrap :86: right before a sub-field ("…?22…\n?30…"): then the sub-fields can be
  // read off the text as it is, each ending before the line break, and no joined copy is made.
  const separator = gvcSeparator(text)
  if (separator >= 0 && breaksBeforeMarks(text, firstBreak, separator)) parseGvc(text, gvcCode, separator, true, into)
  else parseJoined(text.replaceAll('\n', ''), text, into)
  return into
}

function parseJoined(joined: string, text: string, narrative: Narrative): void {
  const separator = gvcSeparator(joined)
  if (separator >= 0) return parseGvc(joined, gvcCode, separator, false, narrative)
  const trimmed = joined.trimStart()
  if (trimmed.startsWith('/') && /\/(TRTP|CNTP|REMI|EREF|IBAN|NAME|BENM|ORDP)\//.test(trimmed)) return parseSlashKeys(trimmed, narrative)
  const free = text.indexOf('\n') >= 0 ? text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ') : text.trim()
  if (free) narrative.remittance = free
}

/** The GVC code found by the last {@link gvcSeparator}. */
let gvcCode = ''

/**
 * `/^\s*(\d{3})\s*([?>])\d\d/` by hand (this runs for every entry): the separator's char code
 * (and the code in {@link gvcCode}), or -1 when the text does not start like a German :86:.
 */
function gvcSeparator(text: string): number {
  const length = text.length
  let p = 0
  while (p < length && isSpace(text.charCodeAt(p))) p++
  const g1 = text.charCodeAt(p) - 48
  const g2 = text.charCodeAt(p + 1) - 48
  const g3 = text.charCodeAt(p + 2) - 48
  if (!(g1 >= 0 && g1 <= 9 && g2 >= 0 && g2 <= 9 && g3 >= 0 && g3 <= 9)) return -1
  let q = p + 3
  while (q < length && isSpace(text.charCodeAt(q))) q++
  const separator = text.charCodeAt(q)
  if ((separator !== 0x3f && separator !== 0x3e) || !isDigit(text.charCodeAt(q + 1)) || !isDigit(text.charCodeAt(q + 2))) return -1
  const number = g1 * 100 + g2 * 10 + g3
  gvcCode = GVC_CODES[number] ??= text.slice(p, p + 3)
  return separator
}

/** Whether every line break is directly followed by a sub-field mark (separator + two digits). */
function breaksBeforeMarks(text: string, firstBreak: number, separator: number): boolean {
  for (let at = firstBreak; at >= 0; at = text.indexOf('\n', at + 1)) {
    if (text.charCodeAt(at + 1) !== separator || !isDigit(text.charCodeAt(at + 2)) || !isDigit(text.charCodeAt(at + 3))) return false
  }
  return true
}

/** The three-digit GVC strings, made once each. */
const GVC_CODES: string[] = []

/**
 * Reused between calls (the parser is synchronous): where sub-field NN starts and ends in the
 * joined text (-1: not set), its text when it occurred more than once, and which NN were set.
 */
const slotStart = new Int32Array(100).fill(-1)
const slotEnd = new Int32Array(100)
const slotRepeated: (string | undefined)[] = new Array<string | undefined>(100).fill(undefined)
const used = new Int32Array(100)
let usedCount = 0

function slot(joined: string, key: number): string | undefined {
  const repeated = slotRepeated[key]
  if (repeated !== undefined) return repeated
  const start = slotStart[key]!
  return start < 0 ? undefined : joined.slice(start, slotEnd[key])
}

function trimmedSlot(joined: string, key: number): string | undefined {
  const repeated = slotRepeated[key]
  if (repeated !== undefined) return repeated.trim() || undefined
  const start = slotStart[key]!
  return start < 0 ? undefined : trimmedSlice(joined, start, slotEnd[key]!)
}

/** Counterparty BICs and accounts: the same few come back again and again. */
const PARTIES = new RangeCache(4096, 40)

/** {@link trimmedSlot} through {@link PARTIES}. */
function sharedSlot(joined: string, key: number): string | undefined {
  let start = slotStart[key]!
  if (start < 0 || slotRepeated[key] !== undefined) return trimmedSlot(joined, key)
  let end = slotEnd[key]!
  while (start < end && isSpace(joined.charCodeAt(start))) start++
  while (end > start && isSpace(joined.charCodeAt(end - 1))) end--
  return start < end ? PARTIES.get(joined, start, end) : undefined
}

function storeSlot(joined: string, key: number, start: number, end: number, breaks: boolean): void {
  if (breaks && end > start && joined.charCodeAt(end - 1) === 0x0a) end--
  if (slotStart[key]! < 0) {
    used[usedCount++] = key
    slotStart[key] = start
    slotEnd[key] = end
  } else {
    slotRepeated[key] = (slot(joined, key) ?? '') + joined.slice(start, end)
  }
}

/**
 * Sub-fields `?NN…` (or `>NN…`), scanned by hand: this runs for every German entry. `joined` is the
 * :86: without line breaks, or (`breaks`) with breaks that each end a sub-field: those are left out.
 */
function parseGvc(joined: string, code: string, separatorCode: number, breaks: boolean, narrative: Narrative): void {
  const length = joined.length
  // One pass: a mark is the separator and two digits; a sub-field runs to the next mark.
  let key = -1
  let valueStart = 0
  // (indexOf is native and much faster than a charCodeAt loop over the text.)
  const separator = separatorCode === 0x3f ? '?' : '>'
  for (let i = joined.indexOf(separator); i >= 0; i = joined.indexOf(separator, i + 1)) {
    const d1 = joined.charCodeAt(i + 1) - 48
    if (!(d1 >= 0 && d1 <= 9)) continue
    const d2 = joined.charCodeAt(i + 2) - 48
    if (!(d2 >= 0 && d2 <= 9)) continue
    if (key >= 0) storeSlot(joined, key, valueStart, i, breaks)
    key = d1 * 10 + d2
    valueStart = i + 3
    i += 2
  }
  if (key >= 0) storeSlot(joined, key, valueStart, length, breaks)
  narrative.code = code
  if (!purposeInPlace(joined, narrative, breaks)) purposeJoined(joined, narrative)
  readParties(joined, narrative)
  for (let i = 0; i < usedCount; i++) {
    const key = used[i]!
    slotStart[key] = -1
    slotRepeated[key] = undefined
  }
  usedCount = 0
}

/** Counterparty names as written (?32 + ?33) → squeezed; a payer or payee comes back again and again. */
const NAMES = new Map<string, string>()

function squeezedName(written: string): string {
  const known = NAMES.get(written)
  if (known !== undefined) return known
  const squeezed = squeeze(written)
  // Own copies: neither key nor value may keep the statement text alive from this module-level cache.
  const name = squeezed === '' ? '' : intern(squeezed, 0, squeezed.length)
  if (NAMES.size >= 10_000) NAMES.clear()
  NAMES.set(ownCopy(written, 0, written.length), name)
  return name
}

/**
 * Names by ?32 and ?33 as written, in a direct-mapped table indexed by a sample hash of both: a
 * repeated payer or payee costs two cuts and two comparisons, without joining ?32 and ?33 into a
 * key for {@link NAMES} (a concatenation, a copy of it and a hash of every character).
 */
const NAME_SLOTS = 4096
const nameFirst: string[] = new Array<string>(NAME_SLOTS).fill('')
const nameSecond: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined)
const nameValue: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined)

/** The squeezed name of ?32 + ?33 (either may be missing, not both). */
function partyName(joined: string): string {
  if (slotRepeated[32] !== undefined || slotRepeated[33] !== undefined) {
    return squeezedName(slotStart[33]! >= 0 ? (slot(joined, 32) ?? '') + slot(joined, 33)! : slot(joined, 32)!)
  }
  const start32 = slotStart[32]!
  const start33 = slotStart[33]!
  const first = start32 < 0 ? '' : joined.slice(start32, slotEnd[32])
  const second = start33 < 0 ? undefined : joined.slice(start33, slotEnd[33])
  const index =
    ((start32 < 0 ? 0 : sampleHash(joined, start32, slotEnd[32]!)) ^ (start33 < 0 ? 0x5bd1e995 : Math.imul(sampleHash(joined, start33, slotEnd[33]!), 31))) &
    (NAME_SLOTS - 1)
  const known = nameValue[index]
  if (known !== undefined && nameFirst[index] === first && nameSecond[index] === second) return known
  const name = squeezedName(second === undefined ? first : first + second)
  // Own copies: the table must not keep a statement's text alive.
  nameFirst[index] = ownCopy(first, 0, first.length)
  nameSecond[index] = second === undefined ? undefined : ownCopy(second, 0, second.length)
  nameValue[index] = name
  return name
}

// The purpose read in place: its sub-fields (20–29 then 60–63, in key order) as segments of the text.
const segmentStart = new Int32Array(14)
const segmentEnd = new Int32Array(14)
let segments = 0
let svwzFrom = -1
let svwzFromAt = 0
let svwzTo = 0
let svwzToAt = 0
let erefFrom = -1
let erefFromAt = 0
let erefTo = 0
let erefToAt = 0
let krefFrom = -1
let krefFromAt = 0
let krefTo = 0
let krefToAt = 0

/**
 * The SEPA purpose without building it: keywords are looked for inside each sub-field and values
 * are cut from the text (joined only where they run over several sub-fields). False when that is not
 * exact (a sub-field given twice, a keyword that may straddle two sub-fields, no keyword at all):
 * then {@link purposeJoined} does it on the joined purpose.
 */
function purposeInPlace(joined: string, narrative: Narrative, breaks: boolean): boolean {
  segments = 0
  for (let key = 20; key <= 63; key = key === 29 ? 60 : key + 1) {
    if (slotStart[key]! < 0) continue
    if (slotRepeated[key] !== undefined) return false
    segmentStart[segments] = slotStart[key]!
    segmentEnd[segments] = slotEnd[key]!
    segments++
  }
  if (segments === 0) return false
  let found = false
  let key = 0
  let valueSegment = 0
  let valueAt = segmentStart[0]!
  let leadSegment = -1
  let leadAt = 0
  svwzFrom = erefFrom = krefFrom = -1
  // The last search for "+": where it started and what it found (-1: none from there on), so that a
  // sub-field without "+" does not search the rest of the text again.
  let searchedFrom = -1
  let nextPlus = -1
  for (let segment = 0; segment < segments; segment++) {
    const start = segmentStart[segment]!
    const end = segmentEnd[segment]!
    let plus: number
    if (searchedFrom >= 0 && searchedFrom <= start && (nextPlus < 0 || nextPlus >= start)) {
      plus = nextPlus
    } else {
      searchedFrom = start
      plus = nextPlus = joined.indexOf('+', start)
    }
    for (; plus >= 0 && plus < end; plus = nextPlus = joined.indexOf('+', (searchedFrom = plus + 1))) {
      if (segment > 0 && plus - start < 4) return false
      const after = segment > valueSegment
      let at = -1
      let number = 0
      if (plus - 4 >= start && (after || plus - 4 >= valueAt) && isKeyword((number = keywordNumber(joined, plus - 4)))) at = plus - 4
      else if (plus - 3 >= start && (after || plus - 3 >= valueAt) && joined.startsWith('BIC', plus - 3)) at = plus - 3
      if (at < 0) continue
      if (found) storeKeywordRange(key, valueSegment, valueAt, segment, at)
      else if (!(segment === 0 && at === start) && !blankRange(joined, 0, segmentStart[0]!, segment, at)) {
        leadSegment = segment
        leadAt = at
      }
      found = true
      key = at === plus - 4 ? number : 0
      valueSegment = segment
      valueAt = plus + 1
    }
  }
  if (!found) return false
  storeKeywordRange(key, valueSegment, valueAt, segments - 1, segmentEnd[segments - 1]!)
  if (svwzFrom >= 0) {
    if (!blankRange(joined, svwzFrom, svwzFromAt, svwzTo, svwzToAt)) narrative.remittance = squeeze(cut(joined, svwzFrom, svwzFromAt, svwzTo, svwzToAt, breaks))
  } else if (leadSegment >= 0) {
    narrative.remittance = squeeze(cut(joined, 0, segmentStart[0]!, leadSegment, leadAt, breaks))
  }
  const eref = erefFrom >= 0 ? cut(joined, erefFrom, erefFromAt, erefTo, erefToAt, breaks).trim() : undefined
  if (eref && eref !== 'NOTPROVIDED' && eref !== 'NONREF') narrative.endToEnd = eref
  const kref = krefFrom >= 0 ? cut(joined, krefFrom, krefFromAt, krefTo, krefToAt, breaks).trim() : undefined
  if (kref && kref !== 'NONREF') narrative.customer = kref
  return true
}

function storeKeywordRange(key: number, fromSegment: number, from: number, toSegment: number, to: number): void {
  if (key === SVWZ) {
    if (svwzFrom < 0) {
      svwzFrom = fromSegment
      svwzFromAt = from
      svwzTo = toSegment
      svwzToAt = to
    }
  } else if (key === EREF) {
    if (erefFrom < 0) {
      erefFrom = fromSegment
      erefFromAt = from
      erefTo = toSegment
      erefToAt = to
    }
  } else if (key === KREF) {
    if (krefFrom < 0) {
      krefFrom = fromSegment
      krefFromAt = from
      krefTo = toSegment
      krefToAt = to
    }
  }
}

/** Whether the purpose from (segment, position) to (segment, position) is blank. */
function blankRange(joined: string, fromSegment: number, from: number, toSegment: number, to: number): boolean {
  for (let segment = fromSegment; segment <= toSegment; segment++) {
    const start = segment === fromSegment ? from : segmentStart[segment]!
    const end = segment === toSegment ? to : segmentEnd[segment]!
    if (!isBlankRange(joined, start, end)) return false
  }
  return true
}

/**
 * The purpose text from (segment, position) to (segment, position): a slice when in one sub-field
 * (a copy unless the text is the :86: itself, which the entry keeps), else the pieces joined.
 */
function cut(joined: string, fromSegment: number, from: number, toSegment: number, to: number, inPlace: boolean): string {
  if (fromSegment === toSegment) return inPlace ? joined.slice(from, to) : ownCopy(joined, from, to)
  // Concatenated (no array): the caller's next read (squeeze's test, trim) makes it one flat string.
  let text = joined.slice(from, segmentEnd[fromSegment]!)
  for (let segment = fromSegment + 1; segment < toSegment; segment++) text += joined.slice(segmentStart[segment]!, segmentEnd[segment]!)
  return text + joined.slice(segmentStart[toSegment]!, to)
}

/** The purpose joined into one string and split at its keywords (any case {@link purposeInPlace} leaves). */
function purposeJoined(joined: string, narrative: Narrative): void {
  let purpose = ''
  for (let key = 20; key <= 29; key++) if (slotStart[key]! >= 0) purpose += slot(joined, key)!
  for (let key = 60; key <= 63; key++) if (slotStart[key]! >= 0) purpose += slot(joined, key)!
  if (purpose.indexOf('+') >= 0 && splitSepaKeywords(purpose)) {
    // Values are copied out of the purpose (a temporary string) so that it is not kept alive.
    const start = svwzStart >= 0 ? svwzStart : 0
    const end = svwzStart >= 0 ? svwzEnd : leadEnd >= 0 ? leadEnd : 0
    if (!isBlankRange(purpose, start, end)) narrative.remittance = squeeze(ownCopy(purpose, start, end))
    const eref = erefStart >= 0 ? trimmedCopy(purpose, erefStart, erefEnd) : undefined
    if (eref && eref !== 'NOTPROVIDED' && eref !== 'NONREF') narrative.endToEnd = eref
    const kref = krefStart >= 0 ? trimmedCopy(purpose, krefStart, krefEnd) : undefined
    if (kref && kref !== 'NONREF') narrative.customer = kref
  } else if (!isBlank(purpose)) {
    narrative.remittance = squeeze(purpose)
  }
}

function readParties(joined: string, narrative: Narrative): void {
  const agent = sharedSlot(joined, 30)
  if (agent) narrative.agent = agent
  const account = sharedSlot(joined, 31)
  if (account) narrative.account = account
  const has32 = slotStart[32]! >= 0
  const has33 = slotStart[33]! >= 0
  if (has32 || has33) {
    const name = partyName(joined)
    if (name) narrative.name = name
  }
  const extension = trimmedSlot(joined, 34)
  // ?34 holds the return reason key of a returned direct debit/transfer (GVC 109/159…).
  if (extension && /RETOURE|RUECK|STORNO/i.test(slot(joined, 0) ?? '')) narrative.returnReason = extension
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false
  return true
}

/** SEPA purpose keywords (followed by "+"), as 4×7-bit numbers; BIC is the one with three letters. */
const SVWZ = keywordNumber('SVWZ', 0)
const EREF = keywordNumber('EREF', 0)
const KREF = keywordNumber('KREF', 0)
const MREF = keywordNumber('MREF', 0)
const CRED = keywordNumber('CRED', 0)
const DEBT = keywordNumber('DEBT', 0)
const ABWA = keywordNumber('ABWA', 0)
const ABWE = keywordNumber('ABWE', 0)
const IBAN = keywordNumber('IBAN', 0)
const PURP = keywordNumber('PURP', 0)
const OAMT = keywordNumber('OAMT', 0)
const COAM = keywordNumber('COAM', 0)
const SQTP = keywordNumber('SQTP', 0)
const ORCR = keywordNumber('ORCR', 0)
const ORMR = keywordNumber('ORMR', 0)
const RTRN = keywordNumber('RTRN', 0)

/** Whether a {@link keywordNumber} is one of the keywords (a switch: no hash lookup). */
function isKeyword(number: number): boolean {
  switch (number) {
    case EREF:
    case KREF:
    case MREF:
    case CRED:
    case DEBT:
    case SVWZ:
    case ABWA:
    case ABWE:
    case IBAN:
    case PURP:
    case OAMT:
    case COAM:
    case SQTP:
    case ORCR:
    case ORMR:
    case RTRN:
      return true
    default:
      return false
  }
}

function keywordNumber(text: string, at: number): number {
  return (text.charCodeAt(at) << 21) | (text.charCodeAt(at + 1) << 14) | (text.charCodeAt(at + 2) << 7) | text.charCodeAt(at + 3)
}

/** What {@link splitSepaKeywords} found: the first value of each keyword the model uses, the text before the first. */
let leadEnd = -1
let svwzStart = -1
let svwzEnd = -1
let erefStart = -1
let erefEnd = -1
let krefStart = -1
let krefEnd = -1

/**
 * Splits SEPA purpose text at its keywords (`EREF+`, `SVWZ+`, … as the regex
 * `(EREF|KREF|…|BIC|…)\+` finds them left to right); false when there is none. Records where the
 * first value of SVWZ, EREF and KREF is, and where the text before the first keyword ends when that
 * text is not blank (the lead).
 */
function splitSepaKeywords(text: string): boolean {
  leadEnd = svwzStart = erefStart = krefStart = -1
  let found = false
  let key = 0
  let valueStart = 0
  for (let plus = text.indexOf('+'); plus >= 0; plus = text.indexOf('+', plus + 1)) {
    let start = -1
    let number = -1
    if (plus >= 4 && plus - 4 >= valueStart && isKeyword((number = keywordNumber(text, plus - 4)))) start = plus - 4
    else if (plus >= 3 && plus - 3 >= valueStart && text.startsWith('BIC', plus - 3)) start = plus - 3
    if (start < 0) continue
    if (found) storeKeyword(key, valueStart, start)
    else if (start > 0 && !isBlankRange(text, 0, start)) leadEnd = start
    found = true
    key = start === plus - 4 ? number : 0
    valueStart = plus + 1
  }
  if (found) storeKeyword(key, valueStart, text.length)
  return found
}

function storeKeyword(key: number, start: number, end: number): void {
  if (key === SVWZ) {
    if (svwzStart < 0) {
      svwzStart = start
      svwzEnd = end
    }
  } else if (key === EREF) {
    if (erefStart < 0) {
      erefStart = start
      erefEnd = end
    }
  } else if (key === KREF) {
    if (krefStart < 0) {
      krefStart = start
      krefEnd = end
    }
  }
}

function isBlankRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(text.charCodeAt(i))) return false
  return true
}

/** The trimmed text[start, end) as a string of its own; '' when blank. */
function trimmedCopy(text: string, start: number, end: number): string {
  while (start < end && isSpace(text.charCodeAt(start))) start++
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--
  return ownCopy(text, start, end)
}

const SLASH_KEYS = new Set([
  'TRTP', 'IBAN', 'BIC', 'NAME', 'REMI', 'EREF', 'MARF', 'CSID', 'CNTP', 'ORDP', 'BENM', 'ID', 'ADDR', 'PREF',
  'KREF', 'RTRN', 'ISDT', 'SUM', 'ULTC', 'ULTD', 'ULTB', 'PURP', 'IREF', 'OCMT', 'CHGS', 'EXCH', 'BUSP', 'FX',
])

function parseSlashKeys(text: string, narrative: Narrative): void {
  const tokens = text.split('/')
  const values = new Map<string, string>()
  let key: string | undefined
  let value: string[] = []
  const flush = () => {
    // "/EREF/E2E-1//CNTP/…": the value's own closing "/" is not part of it.
    if (key !== undefined && !values.has(key)) values.set(key, value.join('/').replace(/\/+$/, ''))
  }
  // tokens[0] is the empty string before the leading "/".
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!
    if (SLASH_KEYS.has(token) && (key === undefined || key !== 'CNTP' || value.length >= 4)) {
      flush()
      key = token
      value = []
    } else {
      value.push(token)
    }
  }
  flush()
  const cntp = values.get('CNTP')
  if (cntp !== undefined) {
    const [account, agent, name] = cntp.split('/')
    if (account?.trim()) narrative.account = account.trim()
    if (agent?.trim()) narrative.agent = agent.trim()
    if (name?.trim()) narrative.name = squeeze(name)
  }
  const iban = values.get('IBAN')?.trim()
  if (iban) narrative.account = iban
  const bic = values.get('BIC')?.trim()
  if (bic) narrative.agent = bic
  const name = values.get('NAME')?.trim()
  if (name) narrative.name = squeeze(name)
  const remi = values.get('REMI')
  if (remi !== undefined) {
    const unstructured = /^USTD\/\/?(.*)$/s.exec(remi)
    const structured = /^STRD\/[^/]*\/(.*)$/s.exec(remi)
    const text = (unstructured?.[1] ?? structured?.[1] ?? remi).replace(/\/+$/, '')
    if (text.trim()) narrative.remittance = squeeze(text)
  }
  const eref = values.get('EREF')?.trim()
  if (eref && eref !== 'NOTPROVIDED') narrative.endToEnd = eref
  const rtrn = values.get('RTRN')?.trim()
  if (rtrn) narrative.returnReason = rtrn
}

const NEEDS_SQUEEZE = /\s\s|[\t\r\n\f\v]|^\s|\s$/

/** Runs of blanks become one space, the ends are trimmed (most texts need neither and come back as they are). */
function squeeze(text: string): string {
  return NEEDS_SQUEEZE.test(text) ? text.replace(/\s+/g, ' ').trim() : text
}
