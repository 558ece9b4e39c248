/**
 * Reads the :86: "information to account owner" of an MT940 entry. Banks fill it in several dialects:
 * - German GVC: `NNN?00posting text?10…?20purpose…?29?30bank?31account?32name?33name?34…?60…?63`
 *   (Triodos writes `>` instead of `?`), purpose lines carrying SEPA keywords `EREF+ SVWZ+ KREF+ …`;
 * - Dutch/ING: `/TRTP/…/IBAN/…/BIC/…/NAME/…/REMI/…/EREF/…` and `/CNTP/iban/bic/name/city/`;
 * - anything else is free text.
 * Lines are wrapped at a fixed width (often mid-word, even mid-sub-field code), so the structured
 * dialects are read with the line breaks removed.
 */

export interface Narrative {
  /** German GVC (Geschäftsvorfallcode), e.g. "166". */
  code?: string
  remittance?: string
  endToEnd?: string
  customer?: string
  name?: string
  account?: string
  agent?: string
  returnReason?: string
}

const GVC = /^\s*(\d{3})\s*([?>])\d\d/
const SEPA_KEYWORD = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|PURP|OAMT|COAM|SQTP|ORCR|ORMR|RTRN)\+/g

export function parseNarrative(text: string): Narrative {
  const joined = text.indexOf('\n') >= 0 ? text.replace(/\n/g, '') : text
  const gvc = GVC.exec(joined)
  if (gvc) return parseGvc(joined, gvc[1]!, gvc[2]!)
  const trimmed = joined.trimStart()
  if (trimmed.startsWith('/') && /\/(TRTP|CNTP|REMI|EREF|IBAN|NAME|BENM|ORDP)\//.test(trimmed)) return parseSlashKeys(trimmed)
  const free = text.indexOf('\n') >= 0 ? text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ') : text.trim()
  return free ? { remittance: free } : {}
}

const isDigit = (code: number) => code >= 48 && code <= 57

/** Reused between calls (the parser is synchronous): sub-field NN → text, and which NN were set. */
const slots: (string | undefined)[] = new Array<string | undefined>(100).fill(undefined)
const used: number[] = []

/** Sub-fields `?NN…` (or `>NN…`), scanned by hand: this runs for every German entry. */
function parseGvc(joined: string, code: string, separator: string): Narrative {
  let at = joined.indexOf(separator)
  while (at >= 0) {
    const d1 = joined.charCodeAt(at + 1) - 48
    const d2 = joined.charCodeAt(at + 2) - 48
    if (!(d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9)) {
      at = joined.indexOf(separator, at + 1)
      continue
    }
    let next = joined.indexOf(separator, at + 3)
    while (next >= 0 && !(isDigit(joined.charCodeAt(next + 1)) && isDigit(joined.charCodeAt(next + 2)))) next = joined.indexOf(separator, next + 1)
    const value = joined.slice(at + 3, next < 0 ? joined.length : next)
    const key = d1 * 10 + d2
    const previous = slots[key]
    if (previous === undefined) used.push(key)
    slots[key] = previous === undefined ? value : previous + value
    at = next
  }
  const narrative: Narrative = { code }
  let purpose = ''
  for (let key = 20; key <= 29; key++) if (slots[key] !== undefined) purpose += slots[key]
  for (let key = 60; key <= 63; key++) if (slots[key] !== undefined) purpose += slots[key]
  const keywords = purpose.indexOf('+') >= 0 ? splitSepaKeywords(purpose) : undefined
  if (keywords) {
    const remittance = keywords.SVWZ ?? keywords[''] ?? ''
    if (remittance.trim()) narrative.remittance = squeeze(remittance)
    const eref = keywords.EREF?.trim()
    if (eref && eref !== 'NOTPROVIDED' && eref !== 'NONREF') narrative.endToEnd = eref
    const kref = keywords.KREF?.trim()
    if (kref && kref !== 'NONREF') narrative.customer = kref
  } else if (purpose.trim()) {
    narrative.remittance = squeeze(purpose)
  }
  const agent = slots[30]?.trim()
  if (agent) narrative.agent = agent
  const account = slots[31]?.trim()
  if (account) narrative.account = account
  const name = slots[32] === undefined && slots[33] === undefined ? '' : squeeze((slots[32] ?? '') + (slots[33] ?? ''))
  if (name) narrative.name = name
  const extension = slots[34]?.trim()
  // ?34 holds the return reason key of a returned direct debit/transfer (GVC 109/159…).
  if (extension && /RETOURE|RUECK|STORNO/i.test(slots[0] ?? '')) narrative.returnReason = extension
  for (const key of used) slots[key] = undefined
  used.length = 0
  return narrative
}

/** Splits SEPA purpose text at its keywords; the text before the first one is under "". */
function splitSepaKeywords(text: string): Record<string, string> | undefined {
  SEPA_KEYWORD.lastIndex = 0
  let match = SEPA_KEYWORD.exec(text)
  if (!match) return undefined
  const result: Record<string, string> = Object.create(null) as Record<string, string>
  if (match.index > 0 && text.slice(0, match.index).trim()) result[''] = text.slice(0, match.index)
  while (match) {
    const key = match[1]!
    const start = match.index + match[0].length
    match = SEPA_KEYWORD.exec(text)
    if (!(key in result)) result[key] = text.slice(start, match ? match.index : text.length)
  }
  return result
}

const SLASH_KEYS = new Set([
  'TRTP', 'IBAN', 'BIC', 'NAME', 'REMI', 'EREF', 'MARF', 'CSID', 'CNTP', 'ORDP', 'BENM', 'ID', 'ADDR', 'PREF',
  'KREF', 'RTRN', 'ISDT', 'SUM', 'ULTC', 'ULTD', 'ULTB', 'PURP', 'IREF', 'OCMT', 'CHGS', 'EXCH', 'BUSP', 'FX',
])

function parseSlashKeys(text: string): Narrative {
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
  const narrative: Narrative = {}
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
  return narrative
}

const NEEDS_SQUEEZE = /\s\s|[\t\r\n\f\v]|^\s|\s$/

function squeeze(text: string): string {
  return NEEDS_SQUEEZE.test(text) ? text.replace(/\s+/g, ' ').trim() : text
}
