import {
  StatementParseError,
  STATEMENT_BALANCE_TYPES,
  type ParsedFile,
  type ParseWarning,
  type Statement,
  type StatementAccount,
  type StatementBalance,
  type StatementBalanceType,
  type StatementBankTransactionCode,
  type StatementCounterparty,
  type StatementEntry,
  type StatementEntryDetails,
  type StatementEntryReferences,
} from '@treasury/shared'
import { ownCopy } from './chars.js'
import { decimalToMinor, statementCurrencyExponent } from './currency.js'
import { reconcileStatement } from './reconcile.js'
import { at, child, childrenNamed, pathOf, textAt, XmlStreamParser, XmlSyntaxError, type XmlNode } from './xml.js'

/**
 * ISO 20022 camt.052 (account report), camt.053 (statement) and camt.054 (debit/credit
 * notification), versions 001.01–001.14, bare or inside a SWIFT Envelope/AppHdr, with any namespace
 * prefix. Amounts are unsigned in camt (CdtDbtInd gives the sign); entries with several TxDtls are
 * kept as one entry with a `batch` of their details, because the booking on the account is the entry.
 */

export type CamtFormat = 'camt052' | 'camt053' | 'camt054'

const MESSAGES: Record<CamtFormat, string> = {
  camt052: 'BkToCstmrAcctRpt',
  camt053: 'BkToCstmrStmt',
  camt054: 'BkToCstmrDbtCdtNtfctn',
}
/**
 * Stmt, Rpt or Ntfctn: compared, not looked up in a Set (this runs for every element that closes,
 * and a Set lookup hashes each freshly read name).
 */
const isRecord = (name: string): boolean => name === 'Stmt' || name === 'Rpt' || name === 'Ntfctn'
const BALANCE_TYPES = new Set<string>(STATEMENT_BALANCE_TYPES)

interface Context {
  format: CamtFormat
  warnings: ParseWarning[]
}

/** Parses decoded camt XML. */
export function parseCamt(text: string, format: CamtFormat): ParsedFile {
  const statements: Statement[] = []
  const reader = new CamtReader(format, (statement) => {
    statements.push(statement)
  })
  reader.write(text)
  return { format, statements, warnings: reader.end() }
}

/**
 * The incremental camt reader: `write` the decoded XML in chunks of any size, then `end()`. Each
 * Stmt/Rpt/Ntfctn goes to `onStatement` (reconciled) as soon as its end tag is read, and is dropped
 * from the tree, as is every Ntry once read: memory stays bounded by the largest statement.
 * Warnings come in the order a whole-file parse gives.
 */
export class CamtReader {
  private readonly context: Context
  private readonly parser: XmlStreamParser
  private readonly pendingEntries = new Map<XmlNode, StatementEntry[]>()
  private readonly reconcileWarnings: ParseWarning[] = []
  private messageSeen = false
  private wrongMessage: string | undefined
  private statements = 0

  constructor(
    readonly format: CamtFormat,
    private readonly onStatement: (statement: Statement) => void,
  ) {
    this.context = { format, warnings: [] }
    this.parser = new XmlStreamParser({ onClose: (node) => this.close(node) })
  }

  write(text: string): void {
    try {
      this.parser.write(text)
    } catch (error) {
      throw this.located(error)
    }
  }

  /** Ends the document; returns the warnings. Throws when it held no statement of the format. */
  end(): ParseWarning[] {
    const { format } = this
    try {
      this.parser.close()
    } catch (error) {
      throw this.located(error)
    }
    if (!this.messageSeen) {
      throw new StatementParseError(
        format,
        this.wrongMessage
          ? `expected a ${MESSAGES[format]} message, found ${this.wrongMessage}`
          : `no ${MESSAGES[format]} message element in the document`,
        { element: 'Document' },
      )
    }
    if (this.statements === 0) {
      throw new StatementParseError(format, `the ${MESSAGES[format]} message has no ${recordName(format)} element`, {
        element: `Document/${MESSAGES[format]}`,
      })
    }
    return [...this.context.warnings, ...this.reconcileWarnings]
  }

  private located(error: unknown): unknown {
    if (error instanceof XmlSyntaxError) {
      return new StatementParseError(this.format, `malformed XML at column ${error.column}: ${error.message}`, { line: error.line })
    }
    return error
  }

  private close(node: XmlNode): boolean {
    const { context } = this
    const name = node.name
    const parent = node.parent
    if (name === 'Ntry' && parent && isRecord(parent.name)) {
      let entries = this.pendingEntries.get(parent)
      if (!entries) this.pendingEntries.set(parent, (entries = []))
      entries.push(readEntry(node, context))
      return true
    }
    if (isRecord(name) && parent?.name.startsWith('BkToCstmr')) {
      const statement = readStatement(node, this.pendingEntries.get(node) ?? [], context)
      this.pendingEntries.delete(node)
      this.statements++
      const issue = reconcileStatement(statement)
      if (issue) this.reconcileWarnings.push(issue)
      this.onStatement(statement)
      return true
    }
    if (name.startsWith('BkToCstmr')) {
      const expected = MESSAGES[this.format]
      if (name === expected || name === `${expected}V01`) this.messageSeen = true
      else this.wrongMessage ??= name
    }
    return false
  }
}

function recordName(format: CamtFormat): string {
  return format === 'camt053' ? 'Stmt' : format === 'camt052' ? 'Rpt' : 'Ntfctn'
}

function fail(context: Context, node: XmlNode | undefined, reason: string, child?: string): never {
  throw new StatementParseError(context.format, reason, { element: pathOf(node, child), ...(node ? { line: node.line } : {}) })
}

/** The currency {@link amountOf} checked last and its exponent (a file names one or a few, over and over). */
let lastCurrency = ''
let lastExponent = -1

/** Amt with its Ccy attribute → unsigned minor units. */
function amountOf(context: Context, node: XmlNode): { amount: bigint; currency: string } {
  const currency = (node.attrs.Ccy ?? '').trim()
  let exponent: number | undefined = lastExponent
  if (currency !== lastCurrency || exponent < 0) {
    if (!/^[A-Z]{3}$/.test(currency)) fail(context, node, `Amt has no valid Ccy attribute (got "${currency}")`)
    exponent = statementCurrencyExponent(currency)
    if (exponent === undefined) fail(context, node, `unknown currency code "${currency}"`)
    lastCurrency = currency
    lastExponent = exponent
  }
  const text = node.text.trim()
  const minor = plainMinor(text, exponent)
  if (minor >= 0) return { amount: BigInt(minor), currency }
  if (!/^\d+(\.\d+)?$/.test(text)) fail(context, node, `amount "${text}" is not an unsigned decimal`)
  try {
    return { amount: decimalToMinor(text, currency), currency }
  } catch (error) {
    fail(context, node, (error as Error).message)
  }
}

/**
 * `digits[.digits]` → minor units with `exponent` decimals, read digit by digit into a JS number
 * (exact: at most 15 digits and a result up to 2^53 - 1); -1 for anything else (other forms, more
 * decimals than the currency has, longer amounts), which {@link amountOf} leaves to the regex and
 * `decimalToMinor` (the same value, or their error).
 */
function plainMinor(text: string, exponent: number): number {
  const length = text.length
  let value = 0
  let i = 0
  for (; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) break
    value = value * 10 + (code - 48)
  }
  if (i === 0 || i > 15) return -1
  let scale = exponent
  if (i < length) {
    if (text.charCodeAt(i) !== 0x2e /* . */ || i + 1 === length) return -1
    for (let j = i + 1; j < length; j++) {
      const code = text.charCodeAt(j)
      if (code < 48 || code > 57) return -1
    }
    let end = length
    while (end > i + 1 && text.charCodeAt(end - 1) === 48) end--
    const decimals = end - i - 1
    if (decimals > exponent || i + decimals > 15) return -1
    for (let j = i + 1; j < end; j++) value = value * 10 + (text.charCodeAt(j) - 48)
    scale = exponent - decimals
  }
  for (; scale > 0; scale--) value *= 10
  return value <= Number.MAX_SAFE_INTEGER ? value : -1
}

function signOf(context: Context, node: XmlNode): 1n | -1n {
  const indicator = textAt(node, 'CdtDbtInd')
  if (indicator === 'CRDT') return 1n
  if (indicator === 'DBIT') return -1n
  fail(context, node, indicator ? `CdtDbtInd "${indicator}" is neither CRDT nor DBIT` : 'missing CdtDbtInd', 'CdtDbtInd')
}

/** The last valid date value {@link dateOf} read and its date (entries repeat a handful of dates). */
let lastDateValue = ''
let lastDate = ''

/** Dt or DtTm (any precision and offset) → the calendar date as written. */
function dateOf(context: Context, node: XmlNode | undefined): string | undefined {
  if (!node) return undefined
  const holder = child(node, 'Dt') ?? child(node, 'DtTm')
  const value = holder ? holder.text.trim() : node.text.trim()
  if (value === '') return undefined
  if (value === lastDateValue) return lastDate
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    fail(context, holder ?? node, `"${value}" is not an ISO date`)
  }
  // Own copies: a module-level cache must not keep a view of the document text alive.
  lastDateValue = ownCopy(value, 0, value.length)
  lastDate = ownCopy(match[0], 0, match[0].length)
  return match[0]
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]!
}

function readStatement(node: XmlNode, entries: StatementEntry[], context: Context): Statement {
  const acct = child(node, 'Acct')
  if (!acct) fail(context, node, 'missing Acct', 'Acct')
  const account = readAccount(acct)
  const balances: StatementBalance[] = []
  const rawBalances: { balance: StatementBalance; currency: string }[] = []
  for (const bal of childrenNamed(node, 'Bal')) {
    const read = readBalance(bal, context)
    if (read) rawBalances.push(read)
  }
  const currency =
    textAt(acct, 'Ccy') ?? rawBalances[0]?.currency ?? entries[0]?.currency ?? undefined
  if (!currency) fail(context, acct, 'the account has no Ccy and the statement no balance or entry to take it from', 'Ccy')
  if (statementCurrencyExponent(currency) === undefined) fail(context, acct, `unknown currency code "${currency}"`, 'Ccy')
  for (const { balance, currency: balanceCurrency } of rawBalances) {
    if (balanceCurrency !== currency) balance.currency = balanceCurrency
    balances.push(balance)
  }
  const statement: Statement = {
    account,
    currency,
    balances,
    entries,
    reconciliation: { checked: false, ok: true },
  }
  const id = textAt(node, 'Id')
  if (id) statement.id = id
  const sequence = textAt(node, 'ElctrncSeqNb') ?? textAt(node, 'LglSeqNb')
  if (sequence) statement.sequence = sequence
  const created = textAt(node, 'CreDtTm')
  if (created) statement.createdAt = created
  const range = child(node, 'FrToDt')
  if (range) {
    const from = dateOf(context, child(range, 'FrDtTm') ?? child(range, 'FrDt'))
    const to = dateOf(context, child(range, 'ToDtTm') ?? child(range, 'ToDt'))
    if (from) statement.from = from
    if (to) statement.to = to
  }
  const info = childrenNamed(node, node.name === 'Stmt' ? 'AddtlStmtInf' : node.name === 'Rpt' ? 'AddtlRptInf' : 'AddtlNtfctnInf')
    .map((n) => n.text.trim())
    .filter(Boolean)
  if (info.length) statement.additionalInfo = info.join('\n')
  return statement
}

function readAccount(acct: XmlNode): StatementAccount {
  const account: StatementAccount = {}
  const id = child(acct, 'Id')
  const iban = textAt(id, 'IBAN')
  if (iban) account.iban = iban.replace(/\s+/g, '')
  const other = textAt(id, 'Othr/Id') ?? textAt(id, 'PrtryAcct/Id') ?? textAt(id, 'BBAN') ?? textAt(id, 'UPIC')
  if (other) account.number = other
  const name = textAt(acct, 'Nm') ?? textAt(acct, 'Ownr/Nm') ?? textAt(acct, 'Ownr/Pty/Nm')
  if (name) account.name = name
  const bic = textAt(acct, 'Svcr/FinInstnId/BIC') ?? textAt(acct, 'Svcr/FinInstnId/BICFI')
  if (bic) account.bic = bic
  return account
}

function readBalance(bal: XmlNode, context: Context): { balance: StatementBalance; currency: string } | undefined {
  const type = at(bal, 'Tp/CdOrPrtry') ?? at(bal, 'Tp')
  const code = textAt(type, 'Cd') ?? textAt(type, 'Prtry')
  if (!code) fail(context, bal, 'missing balance type Tp/CdOrPrtry/Cd', 'Tp')
  if (!BALANCE_TYPES.has(code)) {
    context.warnings.push({
      code: 'camt-balance-type-ignored',
      message: `balance type ${code} is not one the treasury keeps (${STATEMENT_BALANCE_TYPES.join(', ')}); ignored`,
      element: pathOf(bal),
      line: bal.line,
    })
    return undefined
  }
  const amt = child(bal, 'Amt')
  if (!amt) fail(context, bal, 'missing Amt', 'Amt')
  const { amount, currency } = amountOf(context, amt)
  const date = dateOf(context, child(bal, 'Dt'))
  if (!date) fail(context, bal, 'missing Dt', 'Dt')
  return { balance: { type: code as StatementBalanceType, amount: amount * signOf(context, bal), date }, currency }
}

function readEntry(ntry: XmlNode, context: Context): StatementEntry {
  const amt = child(ntry, 'Amt')
  if (!amt) fail(context, ntry, 'missing Amt', 'Amt')
  const { amount, currency } = amountOf(context, amt)
  const sign = signOf(context, ntry)
  const reversalText = textAt(ntry, 'RvslInd')
  const reversal = reversalText === 'true' || reversalText === '1'
  const statusNode = child(ntry, 'Sts')
  const status = statusNode ? (textAt(statusNode, 'Cd') ?? textAt(statusNode, 'Prtry') ?? statusNode.text.trim()) : ''
  if (!status) fail(context, ntry, 'missing Sts', 'Sts')
  const entry: StatementEntry = {
    amount: amount * sign,
    currency,
    status: status === 'BOOK' ? 'BOOK' : 'PDNG',
    reversal,
    bankTransactionCode: readBankTransactionCode(child(ntry, 'BkTxCd')),
    references: {},
    counterparty: {},
  }
  const booking = dateOf(context, child(ntry, 'BookgDt'))
  if (booking) entry.bookingDate = booking
  const value = dateOf(context, child(ntry, 'ValDt'))
  if (value) entry.valueDate = value
  const servicer = textAt(ntry, 'AcctSvcrRef')
  if (servicer) entry.references.servicer = servicer
  const info = childrenNamed(ntry, 'AddtlNtryInf').map((n) => n.text.trim()).filter(Boolean)
  if (info.length) entry.additionalInfo = info.join('\n')

  const details: XmlNode[] = []
  let batchCount: number | undefined
  const batchNode = child(ntry, 'Btch')
  if (batchNode) batchCount = countOf(textAt(batchNode, 'NbOfTxs'))
  for (const ntryDtls of childrenNamed(ntry, 'NtryDtls')) {
    const btch = child(ntryDtls, 'Btch')
    if (btch) batchCount = (batchCount ?? 0) + (countOf(textAt(btch, 'NbOfTxs')) ?? 0)
    // camt.053.001.01 has a single TxDtls per NtryDtls; later versions repeat TxDtls inside it.
    for (const tx of childrenNamed(ntryDtls, 'TxDtls')) details.push(tx)
  }
  // The original direction of a reversed entry decides which related party is the counterparty.
  const originalCredit = (sign === 1n) !== reversal
  const read = details.map((tx) => readDetails(tx, originalCredit, context))
  if (read.length === 1 && (batchCount === undefined || batchCount <= 1)) {
    const [single] = read
    Object.assign(entry.references, single!.references)
    if (servicer) entry.references.servicer = servicer
    entry.counterparty = single!.counterparty
    if (single!.remittance) entry.remittance = single!.remittance
    if (single!.returnReason) entry.returnReason = single!.returnReason
    if (isEmptyCode(entry.bankTransactionCode) && single!.bankTransactionCode) {
      entry.bankTransactionCode = single!.bankTransactionCode
    }
  } else if (read.length > 1 || batchCount !== undefined) {
    entry.batch = { count: batchCount ?? read.length, transactions: read }
    if (read.length > 0 && batchCount !== undefined && batchCount !== read.length) {
      context.warnings.push({
        code: 'camt-batch-count',
        message: `batch says ${batchCount} transactions, ${read.length} TxDtls are given`,
        element: pathOf(ntry),
        line: ntry.line,
      })
    }
  }
  return entry
}

function countOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,9}$/.test(text)) return undefined
  return Number(text)
}

function isEmptyCode(code: StatementBankTransactionCode): boolean {
  return Object.keys(code).length === 0
}

function readBankTransactionCode(node: XmlNode | undefined): StatementBankTransactionCode {
  const code: StatementBankTransactionCode = {}
  if (!node) return code
  const domain = textAt(node, 'Domn/Cd')
  if (domain) code.domain = domain
  const family = textAt(node, 'Domn/Fmly/Cd')
  if (family) code.family = family
  const subFamily = textAt(node, 'Domn/Fmly/SubFmlyCd')
  if (subFamily) code.subFamily = subFamily
  const proprietary = textAt(node, 'Prtry/Cd')
  if (proprietary) code.proprietary = proprietary
  return code
}

function readDetails(tx: XmlNode, originalCredit: boolean, context: Context): StatementEntryDetails {
  const details: StatementEntryDetails = { references: readReferences(child(tx, 'Refs')), counterparty: {} }
  const amt = child(tx, 'Amt') ?? at(tx, 'AmtDtls/TxAmt/Amt') ?? at(tx, 'AmtDtls/InstdAmt/Amt')
  if (amt) {
    const { amount, currency } = amountOf(context, amt)
    const indicator = textAt(tx, 'CdtDbtInd')
    const sign = indicator === 'DBIT' ? -1n : indicator === 'CRDT' ? 1n : originalCredit ? 1n : -1n
    details.amount = amount * sign
    details.currency = currency
  }
  const code = readBankTransactionCode(child(tx, 'BkTxCd'))
  if (!isEmptyCode(code)) details.bankTransactionCode = code
  details.counterparty = readCounterparty(tx, originalCredit)
  const remittance = readRemittance(child(tx, 'RmtInf'))
  if (remittance) details.remittance = remittance
  const reason = textAt(tx, 'RtrInf/Rsn/Cd') ?? textAt(tx, 'RtrInf/Rsn/Prtry')
  if (reason) details.returnReason = reason
  return details
}

function readReferences(refs: XmlNode | undefined): StatementEntryReferences {
  const references: StatementEntryReferences = {}
  if (!refs) return references
  const servicer = textAt(refs, 'AcctSvcrRef')
  if (servicer) references.servicer = servicer
  const endToEnd = textAt(refs, 'EndToEndId')
  if (endToEnd && endToEnd !== 'NOTPROVIDED') references.endToEnd = endToEnd
  const customer = textAt(refs, 'InstrId') ?? textAt(refs, 'AcctOwnrTxId') ?? textAt(refs, 'PmtInfId')
  if (customer && customer !== 'NOTPROVIDED') references.customer = customer
  return references
}

/** The payer of a credit (Dbtr side), the payee of a debit (Cdtr side); Ultmt* names as fallback. */
function readCounterparty(tx: XmlNode, originalCredit: boolean): StatementCounterparty {
  const side = originalCredit ? 'Dbtr' : 'Cdtr'
  const parties = child(tx, 'RltdPties')
  const counterparty: StatementCounterparty = {}
  const party = child(parties, side)
  const name =
    textAt(party, 'Nm') ?? textAt(party, 'Pty/Nm') ?? textAt(parties, `Ultmt${side}/Nm`) ?? textAt(parties, `Ultmt${side}/Pty/Nm`)
  if (name) counterparty.name = name
  const acctId = at(parties, `${side}Acct/Id`)
  const account = textAt(acctId, 'IBAN') ?? textAt(acctId, 'Othr/Id') ?? textAt(acctId, 'PrtryAcct/Id')
  if (account) counterparty.account = account.replace(/\s+/g, '')
  const agent = at(tx, `RltdAgts/${side}Agt/FinInstnId`)
  const bic =
    textAt(agent, 'BICFI') ?? textAt(agent, 'BIC') ?? textAt(agent, 'ClrSysMmbId/MmbId') ?? textAt(agent, 'Othr/Id') ?? textAt(agent, 'Nm')
  if (bic) counterparty.agent = bic
  return counterparty
}

function readRemittance(rmtInf: XmlNode | undefined): string | undefined {
  if (!rmtInf) return undefined
  const parts: string[] = []
  for (const ustrd of childrenNamed(rmtInf, 'Ustrd')) {
    const text = ustrd.text.trim()
    if (text) parts.push(text)
  }
  for (const strd of childrenNamed(rmtInf, 'Strd')) {
    const ref = textAt(strd, 'CdtrRefInf/Ref')
    if (ref) parts.push(ref)
    for (const extra of childrenNamed(strd, 'AddtlRmtInf')) {
      const text = extra.text.trim()
      if (text) parts.push(text)
    }
    const invoice = textAt(strd, 'RfrdDocInf/Nb')
    if (invoice) parts.push(invoice)
  }
  return parts.length ? parts.join(' ') : undefined
}
