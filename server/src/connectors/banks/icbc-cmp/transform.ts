import {
  InvalidResponseError,
  type ConnectorAccount,
  type ConnectorBalance,
  type ConnectorTransaction,
  type CurrencyCode,
} from '@treasury/shared'
import { child, childrenNamed, parseXml, textAt, XmlSyntaxError, type XmlNode } from '../../../formats/xml.js'

/**
 * Pure mapping of the 银企直联 front-end machine's XML answers onto the connector contract. No
 * HTTP, no clock: tested on recorded answers (transform.test.ts). Anything unexpected is an
 * InvalidResponseError; the bank's own return codes are mapped in api.ts.
 *
 * Conventions of this bank (see README.md): amounts are integers in the currency's minor unit
 * (分 for CNY), dates `yyyyMMdd`, times Beijing time; currencies are the bank's 3-digit codes
 * (001 = CNY); `Drcrf` 1 = 借 (debit), 2 = 贷 (credit).
 */

/** The bank's currency codes (人民币 001, 港币 013, 美元 014 …) and the ISO codes they stand for. */
export const CURRENCY_BY_CMP_CODE: Readonly<Record<string, CurrencyCode>> = {
  '001': 'CNY',
  '012': 'GBP',
  '013': 'HKD',
  '014': 'USD',
  '015': 'CHF',
  '018': 'SGD',
  '027': 'JPY',
  '028': 'CAD',
  '029': 'AUD',
  '038': 'EUR',
}

/** ISO code → the bank's code (for requests). */
export const CMP_CODE_BY_CURRENCY: Readonly<Partial<Record<CurrencyCode, string>>> = Object.fromEntries(
  Object.entries(CURRENCY_BY_CMP_CODE).map(([code, iso]) => [iso, code]),
)

/** The envelope of every answer: `CMS/eb/pub` (return code and message) and `CMS/eb/out`. */
export interface CmpEnvelope {
  transCode: string
  retCode: string
  retMsg: string
  out: XmlNode | undefined
}

/** One `rd` record as field name → text (empty elements are ""). */
export type CmpRecord = Readonly<Record<string, string>>

function invalid(what: string, detail: string): never {
  throw new InvalidResponseError(`银企直联 ${what}: ${detail}`)
}

/**
 * Reads an answer. Throws InvalidResponseError for malformed XML or a missing `pub`/`RetCode`.
 *
 * @example
 * readEnvelope('<CMS><eb><pub><TransCode>QACCLIST</TransCode><RetCode>0</RetCode><RetMsg>交易成功</RetMsg></pub><out/></eb></CMS>')
 * // { transCode: 'QACCLIST', retCode: '0', retMsg: '交易成功', out: XmlNode }
 */
export function readEnvelope(xml: string): CmpEnvelope {
  let root: XmlNode
  try {
    root = parseXml(xml)
  } catch (error) {
    if (error instanceof XmlSyntaxError) invalid('answer', `malformed XML at line ${error.line}: ${error.message}`)
    throw error
  }
  const eb = child(child(root, 'CMS'), 'eb')
  const pub = child(eb, 'pub')
  const retCode = textAt(pub, 'RetCode')
  if (!pub || retCode === undefined) invalid('answer', 'no CMS/eb/pub/RetCode')
  return { transCode: textAt(pub, 'TransCode') ?? '', retCode, retMsg: textAt(pub, 'RetMsg') ?? '', out: child(eb, 'out') }
}

/**
 * The `rd` records of `out`.
 *
 * @example
 * records(envelope.out) // [{ AccNo: '1206…', CurrType: '001', … }]
 */
export function records(out: XmlNode | undefined): CmpRecord[] {
  return childrenNamed(out, 'rd').map((rd) => {
    const record: Record<string, string> = {}
    for (const field of rd.children) record[field.name] = field.text.trim()
    return record
  })
}

function field(record: CmpRecord, name: string, what: string): string {
  const value = record[name]
  if (value === undefined || value === '') invalid(what, `record without ${name}`)
  return value
}

function optional(record: CmpRecord, name: string): string | null {
  const value = record[name]
  return value === undefined || value === '' ? null : value
}

/** The bank's currency code → ISO; an unknown code is the bank's fault. */
export function currencyOf(code: string, what: string): CurrencyCode {
  const currency = CURRENCY_BY_CMP_CODE[code]
  if (!currency) invalid(what, `unknown currency code CurrType "${code}"`)
  return currency
}

/** `yyyyMMdd` → `yyyy-MM-dd` (a real calendar date). */
export function cmpDate(text: string, what: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text)
  const month = match ? Number(match[2]) : 0
  const day = match ? Number(match[3]) : 0
  const year = match ? Number(match[1]) : 0
  const length = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  if (!match || day < 1 || day > length) invalid(what, `"${text}" is not a date as yyyyMMdd`)
  return `${match[1]}-${match[2]}-${match[3]}`
}

/** Beijing time `yyyyMMddHHmmss` or `yyyy-MM-dd HH:mm:ss` → the instant. */
export function cmpTime(text: string, what: string): Date {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(text)
  const date = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}+08:00`) : null
  if (!date || Number.isNaN(date.getTime())) invalid(what, `"${text}" is not a Beijing time as yyyyMMddHHmmss`)
  return date
}

/** An integer amount in minor units ("-1234" → -1234n). */
export function cmpAmount(text: string, what: string): bigint {
  if (!/^-?\d{1,19}$/.test(text)) invalid(what, `amount "${text}" is not an integer of minor units`)
  return BigInt(text)
}

/**
 * `QACCLIST` → the accounts. The account number is also the ref every query uses.
 *
 * @example
 * toAccounts(readEnvelope(xml)) // [{ ref: '1206…', number: '1206…', iban: null, currency: 'CNY', name: '基本存款账户' }]
 */
export function toAccounts(envelope: CmpEnvelope): ConnectorAccount[] {
  return records(envelope.out).map((rd) => {
    const number = field(rd, 'AccNo', 'QACCLIST').replace(/\s+/g, '')
    return { ref: number, number, iban: null, currency: currencyOf(field(rd, 'CurrType', 'QACCLIST'), 'QACCLIST'), name: optional(rd, 'AccName') }
  })
}

/**
 * `QHISBAL` (history balances of closed days) → OPBD (LastDayBal), CLBD (DayBal), CLAV (UsableBal).
 *
 * @example
 * toHistoryBalances(readEnvelope(xml), 'CNY') // [{ date: '2026-11-19', type: 'OPBD', amount: 5498975384n, … }, …]
 */
export function toHistoryBalances(envelope: CmpEnvelope, currency: CurrencyCode): ConnectorBalance[] {
  const out: ConnectorBalance[] = []
  const reported = textAt(envelope.out, 'CurrType')
  if (reported !== undefined && currencyOf(reported, 'QHISBAL') !== currency) invalid('QHISBAL', `answered in ${reported}, the account is ${currency}`)
  for (const rd of records(envelope.out)) {
    const date = cmpDate(field(rd, 'Date', 'QHISBAL'), 'QHISBAL')
    const reportedAt = cmpTime(field(rd, 'UpdTime', 'QHISBAL'), 'QHISBAL')
    out.push({ date, type: 'OPBD', amount: cmpAmount(field(rd, 'LastDayBal', 'QHISBAL'), 'QHISBAL'), currency, reportedAt })
    out.push({ date, type: 'CLBD', amount: cmpAmount(field(rd, 'DayBal', 'QHISBAL'), 'QHISBAL'), currency, reportedAt })
    const usable = optional(rd, 'UsableBal')
    if (usable !== null) out.push({ date, type: 'CLAV', amount: cmpAmount(usable, 'QHISBAL'), currency, reportedAt })
  }
  return out
}

/** A per-record failure inside a successful `QACCBAL` answer (iRetCode ≠ 0). */
export interface CmpRecordFailure {
  account: string
  code: string
  message: string
}

/**
 * `QACCBAL` (current balances) for one account → OPBD (LastDayBal), ITBD (Balance), ITAV
 * (UsableBalance), dated by the bank's QueryTime. A record with `iRetCode` ≠ 0 comes back as
 * `failure` (the envelope itself says success: partial success is how this bank reports it).
 *
 * @example
 * toCurrentBalances(readEnvelope(xml), '1206008418700680518', 'CNY') // { balances: [OPBD, ITBD, ITAV], failure: null }
 */
export function toCurrentBalances(envelope: CmpEnvelope, accountNumber: string, currency: CurrencyCode): { balances: ConnectorBalance[]; failure: CmpRecordFailure | null } {
  const rd = records(envelope.out).find((r) => r.AccNo === accountNumber)
  if (!rd) invalid('QACCBAL', `no record for account ****${accountNumber.slice(-4)}`)
  const code = rd.iRetCode ?? '0'
  if (code !== '0') return { balances: [], failure: { account: accountNumber, code, message: rd.iRetMsg ?? '' } }
  if (currencyOf(field(rd, 'CurrType', 'QACCBAL'), 'QACCBAL') !== currency) invalid('QACCBAL', `answered in ${rd.CurrType}, the account is ${currency}`)
  const reportedAt = cmpTime(field(rd, 'QueryTime', 'QACCBAL'), 'QACCBAL')
  const date = beijingDate(reportedAt)
  const at = (type: ConnectorBalance['type'], name: string): ConnectorBalance => ({ date, type, amount: cmpAmount(field(rd, name, 'QACCBAL'), 'QACCBAL'), currency, reportedAt })
  return { balances: [at('OPBD', 'LastDayBal'), at('ITBD', 'Balance'), at('ITAV', 'UsableBalance')], failure: null }
}

/** The Beijing calendar day of an instant. */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

/**
 * `QHISD` (history) and `QPD` (today) detail records → entries, plus the continuation tag
 * (`NextTag`, empty when there is no further page). `QPD` records carry `Status` 1 = 在途 (pending).
 *
 * @example
 * toEntries(readEnvelope(xml), 'CNY') // { entries: [{ amount: -120000n, bankReference: 'ICBC261120…', … }], nextTag: 'MTAw…' }
 */
export function toEntries(envelope: CmpEnvelope, currency: CurrencyCode): { entries: ConnectorTransaction[]; nextTag: string | null } {
  const what = envelope.transCode || 'detail query'
  const reported = textAt(envelope.out, 'CurrType')
  if (reported !== undefined && currencyOf(reported, what) !== currency) invalid(what, `answered in ${reported}, the account is ${currency}`)
  const entries = records(envelope.out).map((rd): ConnectorTransaction => {
    const units = cmpAmount(field(rd, 'Amount', what), what)
    if (units < 0n) invalid(what, `Amount "${rd.Amount}" is negative (the direction is in Drcrf)`)
    const drcrf = field(rd, 'Drcrf', what)
    if (drcrf !== '1' && drcrf !== '2') invalid(what, `Drcrf "${drcrf}" is neither 1 (借) nor 2 (贷)`)
    const status = rd.Status ?? '0'
    if (status !== '0' && status !== '1') invalid(what, `Status "${status}" is neither 0 (posted) nor 1 (在途)`)
    return {
      bookingDate: cmpDate(field(rd, 'Date', what), what),
      valueDate: cmpDate(optional(rd, 'ValueDate') ?? field(rd, 'Date', what), what),
      amount: drcrf === '1' ? -units : units,
      currency,
      status: status === '1' ? 'pending' : 'booked',
      bankReference: optional(rd, 'Ref'),
      endToEndId: optional(rd, 'PayRef'),
      counterpartyName: optional(rd, 'RecipName'),
      counterpartyAccount: optional(rd, 'RecipAccNo'),
      counterpartyBank: optional(rd, 'RecipBkName'),
      purpose: optional(rd, 'Summary'),
      bankTransactionCode: optional(rd, 'BusCode'),
    }
  })
  const nextTag = textAt(envelope.out, 'NextTag') ?? null
  return { entries, nextTag }
}
