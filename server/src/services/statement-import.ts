import { createHash } from 'node:crypto'
import {
  StatementParseError,
  type ParsedFile,
  type ParseWarning,
  type Statement,
  type StatementAccount,
  type StatementBalanceType,
  type StatementBankTransactionCode,
  type StatementEntry,
  type StatementFormat,
  type StatementReconciliation,
} from '@treasury/shared'
import { assignDedupeKeys } from '../connectors/sdk/dedupe.js'
import type { Db } from '../db/client.js'
import type { AccountRow, NewBalance, NewTransaction } from '../db/database.js'
import { findEntity } from '../db/queries/entities.js'
import { removeVanishedPending, upsertBalances, upsertTransactions } from '../db/queries/ingest.js'
import type { EntityScope } from '../db/queries/scope.js'
import { findAccountsByIdentifiers, findBanksByBic, insertAccount, upsertStatementImport } from '../db/queries/statements.js'
import { parseStatementFile, type StatementFormatOption } from '../formats/index.js'
import { InvalidRequestError } from './errors.js'

/**
 * Statement import: a parsed bank statement file (MT940/MT942, camt.052/053/054, BAI2) into the
 * database — balances as typed balance rows, entries as transactions, one statement record per
 * statement with its reconciliation result and warnings.
 *
 * - One file is one database transaction: any failure leaves nothing written. A preview runs the
 *   very same import inside a transaction that is rolled back, so its counts are exact.
 * - Idempotent: transactions are upserted by `(account, dedupe key)` (`transactionDedupeKey`: the
 *   bank's servicer reference when there is one, else a hash of dates, amount, end-to-end id and
 *   counterparty account plus an occurrence number). Importing a file twice, or an intraday report
 *   (camt.052/MT942) and then the end-of-day statement covering it, adds no duplicates; balances
 *   are keyed by (account, type, date) and a newer report wins.
 * - Pending entries: a booked entry with the same key replaces its pending row; in addition an
 *   end-of-day statement (camt.053, MT940, BAI2) removes the pending rows earlier intraday imports
 *   left on the days it covers that it does not itself contain (the bank booked them under another
 *   reference, or dropped them).
 * - Accounts: matched by IBAN, else by account number (an IBAN-shaped number also by IBAN), the bank
 *   by BIC when the file names one. Unknown accounts are reported, or created under a chosen member
 *   company (`createUnknownUnder`), at the bank with the file's BIC.
 */

/** Default upload limit of one statement file (bytes). */
export const DEFAULT_MAX_IMPORT_BYTES = 50 * 1024 * 1024

/** Balance types stored as balance rows; FWAV and PRCD stay in the statement record only. */
const STORED_BALANCE_TYPES: ReadonlySet<StatementBalanceType> = new Set(['OPBD', 'CLBD', 'ITBD', 'ITAV', 'CLAV'])
/** Formats whose statements are final (end of day): they supersede earlier intraday pending rows. */
const FINAL_FORMATS: ReadonlySet<StatementFormat> = new Set(['mt940', 'camt053', 'bai2'])
const INTRADAY_SOURCES = ['import:camt052', 'import:mt942', 'import:camt054'] as const

export interface ImportOptions {
  /** File name as the user knows it (stored with each statement record). */
  fileName: string
  bytes: Uint8Array
  format?: StatementFormatOption
  /** Create accounts the file names but the database does not know, under this member company. */
  createUnknownUnder?: string | undefined
  /** Only accounts of these subtrees count as known (the caller's scope); default: every account. */
  scope?: EntityScope | undefined
  now?: Date
  /** Called while writing: entries written so far of `total`. */
  onProgress?: (progress: { done: number; total: number }) => void
}

export interface ImportedBalance {
  type: StatementBalanceType
  amount: bigint
  date: string
  currency: string
  /** False for FWAV/PRCD and balances in another currency than the account's: kept in the record only. */
  stored: boolean
}

export type AccountMatch = 'matched' | 'created' | 'unknown'

export interface StatementImportResult {
  index: number
  statementRef: string | null
  sequence: string | null
  from: string | null
  to: string | null
  currency: string
  /** The identifiers as the file gives them. */
  account: StatementAccount
  match: AccountMatch
  accountId: string | null
  accountName: string | null
  balances: ImportedBalance[]
  entries: number
  entriesNew: number
  entriesUpdated: number
  entriesDuplicate: number
  pendingReplaced: number
  reconciliation: StatementReconciliation
  warnings: string[]
  /** The statement record (null for statements of unknown accounts). */
  recordId: string | null
  /** The same statement had been imported before. */
  alreadyImported: boolean
}

export interface UnknownAccount {
  iban?: string
  number?: string
  bic?: string
  name?: string
  currency: string
}

export interface ImportSummary {
  fileName: string
  format: StatementFormat
  bytes: number
  /** False for a preview: nothing was written. */
  committed: boolean
  statements: StatementImportResult[]
  unknownAccounts: UnknownAccount[]
  /** The parser's warnings about the file. */
  warnings: ParseWarning[]
  totals: {
    statements: number
    imported: number
    unknown: number
    created: number
    entries: number
    entriesNew: number
    entriesUpdated: number
    entriesDuplicate: number
    pendingReplaced: number
    balances: number
    warnings: number
    reconciliationFailures: number
  }
}

class PreviewRollback extends Error {
  constructor(readonly summary: ImportSummary) {
    super('preview rollback')
  }
}

/** Parses the bytes; a parse failure is an {@link InvalidRequestError} naming the file and where. */
export function parseImportFile(fileName: string, bytes: Uint8Array, format: StatementFormatOption = 'auto'): ParsedFile {
  try {
    return parseStatementFile(bytes, format)
  } catch (error) {
    if (error instanceof StatementParseError) throw new InvalidRequestError(`${fileName}: ${error.message}`)
    throw error
  }
}

/** What importing the file would do, computed by importing it in a transaction that is rolled back. */
export async function previewStatementImport(db: Db, options: ImportOptions): Promise<ImportSummary> {
  const parsed = parseImportFile(options.fileName, options.bytes, options.format)
  try {
    await db.transaction().execute(async (trx) => {
      throw new PreviewRollback(await ingest(trx, parsed, options, false))
    })
  } catch (error) {
    if (error instanceof PreviewRollback) return error.summary
    throw error
  }
  throw new Error('unreachable: preview transaction committed')
}

/** Imports the file in one transaction and returns what it wrote. */
export async function commitStatementImport(db: Db, options: ImportOptions): Promise<ImportSummary> {
  const parsed = parseImportFile(options.fileName, options.bytes, options.format)
  return importParsedFile(db, parsed, options)
}

/** Imports an already parsed file in one transaction. */
export function importParsedFile(db: Db, parsed: ParsedFile, options: ImportOptions): Promise<ImportSummary> {
  return db.transaction().execute((trx) => ingest(trx, parsed, options, true))
}

async function ingest(db: Db, parsed: ParsedFile, options: ImportOptions, committed: boolean): Promise<ImportSummary> {
  const now = options.now ?? new Date()
  const fetchedAt = now.toISOString()
  const source = `import:${parsed.format}`
  const fileSha = createHash('sha256').update(options.bytes).digest('hex')
  const fileWarnings = parsed.warnings.map(describeWarning)
  const resolver = new AccountResolver(db, options.scope)
  const createUnder = options.createUnknownUnder ? await resolveEntity(db, options.createUnknownUnder, options.scope) : null
  const totalEntries = parsed.statements.reduce((n, s) => n + s.entries.length, 0)
  let entriesDone = 0
  /** Dedupe-key bookkeeping per account across the statements of this file. */
  const occurrences = new Map<string, Map<string, number>>()
  const refsSeen = new Map<string, Map<string, string>>()

  const results: StatementImportResult[] = []
  const unknownAccounts: UnknownAccount[] = []
  for (const [index, statement] of parsed.statements.entries()) {
    const warnings: string[] = []
    let { account, ambiguous } = await resolver.find(statement)
    let match: AccountMatch = account ? 'matched' : 'unknown'
    if (ambiguous) warnings.push(`several accounts match ${describeAccount(statement.account)}; none was chosen`)
    if (!account && createUnder && !ambiguous) {
      account = await createAccount(db, statement, createUnder)
      resolver.remember(account)
      match = 'created'
    }
    const balances: ImportedBalance[] = statement.balances.map((b) => ({
      type: b.type,
      amount: b.amount,
      date: b.date,
      currency: b.currency ?? statement.currency,
      stored: account !== null && STORED_BALANCE_TYPES.has(b.type) && (b.currency ?? statement.currency) === account.currency,
    }))
    if (!statement.reconciliation.ok) warnings.push(`reconciliation: ${statement.reconciliation.message ?? 'opening + booked entries ≠ closing'}`)
    const result: StatementImportResult = {
      index,
      statementRef: statement.id ?? null,
      sequence: statement.sequence ?? null,
      from: statement.from ?? null,
      to: statement.to ?? null,
      currency: statement.currency,
      account: statement.account,
      match,
      accountId: account?.id ?? null,
      accountName: account?.name ?? null,
      balances,
      entries: statement.entries.length,
      entriesNew: 0,
      entriesUpdated: 0,
      entriesDuplicate: 0,
      pendingReplaced: 0,
      reconciliation: statement.reconciliation,
      warnings,
      recordId: null,
      alreadyImported: false,
    }
    results.push(result)
    if (!account) {
      unknownAccounts.push({ ...statement.account, currency: statement.currency })
      entriesDone += statement.entries.length
      options.onProgress?.({ done: entriesDone, total: totalEntries })
      continue
    }
    if (statement.currency !== account.currency) {
      warnings.push(`the statement is in ${statement.currency}, the account ${account.name} in ${account.currency}`)
    }
    for (const b of balances) {
      if (STORED_BALANCE_TYPES.has(b.type) && !b.stored) warnings.push(`${b.type} ${b.date} in ${b.currency} is not in the account's currency ${account.currency}; kept in the statement record only`)
    }

    // Balances.
    const balanceRows: NewBalance[] = balances
      .filter((b) => b.stored)
      .map((b) => ({
        account_id: account.id,
        date: b.date,
        type: b.type,
        amount: b.amount,
        reported_at: reportedAt(statement, b.date),
        fetched_at: fetchedAt,
        source,
      }))
    if (balanceRows.length) await upsertBalances(db, balanceRows)

    // Entries.
    const rows = toTransactionRows(statement, account.id, source, fetchedAt, warnings, {
      occurrences: mapOf(occurrences, account.id),
      refs: mapOf(refsSeen, account.id),
    })
    for (let i = 0; i < rows.length; i += 2000) {
      const part = rows.slice(i, i + 2000)
      const upserted = await upsertTransactions(db, account.id, part)
      result.entriesNew += upserted.inserted
      result.entriesUpdated += upserted.updated
      result.entriesDuplicate += upserted.unchanged
      entriesDone += part.length
      options.onProgress?.({ done: entriesDone, total: totalEntries })
    }
    entriesDone += statement.entries.length - rows.length
    result.entriesDuplicate += rowsCollapsed(rows)

    // An end-of-day statement supersedes the pending rows intraday imports left on its days.
    const period = statementPeriod(statement)
    if (FINAL_FORMATS.has(parsed.format) && period) {
      const keep = new Set(rows.map((r) => r.dedupe_key))
      for (const intraday of INTRADAY_SOURCES) {
        result.pendingReplaced += await removeVanishedPending(db, { accountId: account.id, source: intraday, from: period.from, to: period.to, keep })
      }
    }

    const fingerprint = statementFingerprint(parsed.format, account.id, statement)
    const record = await upsertStatementImport(db, {
      id: `stm_${fingerprint.slice(0, 20)}`,
      fingerprint,
      account_id: account.id,
      file_name: options.fileName.slice(0, 500),
      file_sha256: fileSha,
      format: parsed.format,
      statement_ref: statement.id ?? null,
      sequence: statement.sequence ?? null,
      period_from: statement.from ?? period?.from ?? null,
      period_to: statement.to ?? period?.to ?? null,
      bank_created_at: statement.createdAt ?? null,
      currency: statement.currency,
      balances: JSON.stringify(balances, bigintAsString),
      entry_count: statement.entries.length,
      entries_new: result.entriesNew,
      entries_updated: result.entriesUpdated,
      entries_duplicate: result.entriesDuplicate,
      reconciliation: JSON.stringify(statement.reconciliation, bigintAsString),
      reconciled: statement.reconciliation.ok ? 1 : 0,
      warnings: JSON.stringify([...warnings, ...fileWarnings]),
      first_imported_at: fetchedAt,
      imported_at: fetchedAt,
    })
    result.recordId = record.id
    result.alreadyImported = record.existed
  }

  const imported = results.filter((r) => r.accountId !== null)
  return {
    fileName: options.fileName,
    format: parsed.format,
    bytes: options.bytes.byteLength,
    committed,
    statements: results,
    unknownAccounts: dedupeUnknown(unknownAccounts),
    warnings: parsed.warnings,
    totals: {
      statements: results.length,
      imported: imported.length,
      unknown: results.filter((r) => r.match === 'unknown').length,
      created: results.filter((r) => r.match === 'created').length,
      entries: imported.reduce((n, r) => n + r.entries, 0),
      entriesNew: sum(results, (r) => r.entriesNew),
      entriesUpdated: sum(results, (r) => r.entriesUpdated),
      entriesDuplicate: sum(results, (r) => r.entriesDuplicate),
      pendingReplaced: sum(results, (r) => r.pendingReplaced),
      balances: sum(imported, (r) => r.balances.filter((b) => b.stored).length),
      warnings: parsed.warnings.length + sum(results, (r) => r.warnings.length),
      reconciliationFailures: results.filter((r) => !r.reconciliation.ok).length,
    },
  }
}

/** Rows the key bookkeeping merged into one (the same entry twice in one file). */
function rowsCollapsed(rows: readonly NewTransaction[]): number {
  return rows.length - new Set(rows.map((r) => r.dedupe_key)).size
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((n, item) => n + f(item), 0)
}

function mapOf<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = outer.get(key)
  if (!inner) outer.set(key, (inner = new Map()))
  return inner
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

function describeWarning(w: ParseWarning): string {
  const where = [w.line !== undefined ? `line ${w.line}` : '', w.element ?? ''].filter(Boolean).join(', ')
  return `${w.code}${where ? ` (${where})` : ''}: ${w.message}`
}

export function describeAccount(account: StatementAccount): string {
  const parts = [account.iban && `IBAN ${account.iban}`, account.number && `number ${account.number}`, account.bic && `BIC ${account.bic}`].filter(Boolean)
  return parts.length ? parts.join(', ') : 'an account without identifiers'
}

function dedupeUnknown(list: UnknownAccount[]): UnknownAccount[] {
  const seen = new Map<string, UnknownAccount>()
  for (const a of list) seen.set(JSON.stringify([a.iban, a.number, a.bic, a.currency]), a)
  return [...seen.values()]
}

/** The statement's creation time as UTC ISO text, else the end of the balance's day. */
function reportedAt(statement: Statement, date: string): string {
  if (statement.createdAt) {
    const text = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(statement.createdAt) || !statement.createdAt.includes('T') ? statement.createdAt : `${statement.createdAt}Z`
    const at = new Date(text)
    if (!Number.isNaN(at.getTime())) return at.toISOString()
  }
  return `${statement.to ?? date}T23:59:59.999Z`
}

/** The days the statement covers: its from/to, else the span of its balances' and entries' dates. */
function statementPeriod(statement: Statement): { from: string; to: string } | null {
  if (statement.from && statement.to) return { from: statement.from, to: statement.to }
  const dates = [
    ...statement.balances.map((b) => b.date),
    ...statement.entries.flatMap((e) => [e.bookingDate, e.valueDate].filter((d): d is string => d !== undefined)),
  ].sort()
  if (!dates.length) return null
  return { from: statement.from ?? dates[0]!, to: statement.to ?? dates[dates.length - 1]! }
}

function statementFingerprint(format: StatementFormat, accountId: string, s: Statement): string {
  const basis = [
    format,
    accountId,
    s.id ?? '',
    s.sequence ?? '',
    s.from ?? '',
    s.to ?? '',
    s.createdAt ?? '',
    s.currency,
    s.balances.map((b) => `${b.type}:${b.date}:${b.amount}`).join(','),
    s.entries.length,
  ]
  return createHash('sha256').update(JSON.stringify(basis)).digest('hex')
}

function truncate(value: string | undefined | null, max: number): string | null {
  if (value === undefined || value === null) return null
  const trimmed = value.trim()
  if (!trimmed) return null
  return trimmed.length > max ? trimmed.slice(0, max) : trimmed
}

/** "PMNT-RCDT-ESCT", else the proprietary code, the SWIFT N-code or the BAI2 type code. */
export function formatBankTransactionCode(code: StatementBankTransactionCode): string | null {
  const iso = [code.domain, code.family, code.subFamily].filter(Boolean).join('-')
  return truncate(iso || code.proprietary || code.swift || code.bai, 64)
}

/** Entry-level detail, else the single transaction of a one-transaction batch. */
function detail<T>(entry: StatementEntry, pick: (d: NonNullable<StatementEntry['batch']>['transactions'][number]) => T | undefined): T | undefined {
  const txs = entry.batch?.transactions
  return txs && txs.length === 1 ? pick(txs[0]!) : undefined
}

function toTransactionRows(
  statement: Statement,
  accountId: string,
  source: string,
  createdAt: string,
  warnings: string[],
  keys: { occurrences: Map<string, number>; refs: Map<string, string> },
): NewTransaction[] {
  const prepared: { tx: Omit<NewTransaction, 'dedupe_key'>; fields: Parameters<typeof assignDedupeKeys>[0][number] }[] = []
  let skipped = 0
  for (const e of statement.entries) {
    const bookingDate = e.bookingDate ?? e.valueDate ?? statement.to
    if (!bookingDate) {
      skipped++
      continue
    }
    const valueDate = e.valueDate ?? bookingDate
    const servicer = e.references.servicer ?? detail(e, (d) => d.references.servicer)
    const endToEnd = e.references.endToEnd ?? detail(e, (d) => d.references.endToEnd)
    const counterparty = { ...detail(e, (d) => d.counterparty), ...stripUndefined(e.counterparty) }
    const remittance = e.remittance ?? detail(e, (d) => d.remittance)
    const tx = {
      account_id: accountId,
      booking_date: bookingDate,
      value_date: valueDate,
      amount: e.amount,
      currency: e.currency,
      status: e.status === 'PDNG' ? 'pending' : 'booked',
      bank_reference: truncate(servicer, 64),
      end_to_end_id: endToEnd === 'NOTPROVIDED' ? null : truncate(endToEnd, 64),
      counterparty_name: truncate(counterparty.name, 140),
      counterparty_account: truncate(counterparty.account, 64),
      counterparty_bank: truncate(counterparty.agent, 64),
      purpose: truncate(remittance ?? e.additionalInfo?.replace(/\s*\n\s*/g, ' '), 500),
      bank_transaction_code: formatBankTransactionCode(e.bankTransactionCode),
      source,
      created_at: createdAt,
    }
    prepared.push({
      tx,
      fields: {
        bankReference: tx.bank_reference,
        bookingDate,
        valueDate,
        amount: e.amount,
        endToEndId: tx.end_to_end_id,
        counterpartyAccount: tx.counterparty_account,
      },
    })
  }
  if (skipped) warnings.push(`${skipped} entr${skipped === 1 ? 'y has' : 'ies have'} no date and the statement no period; not imported`)
  const dedupeKeys = assignDedupeKeys(
    prepared.map((p) => p.fields),
    keys.occurrences,
  )
  // A servicer reference the bank reused for a different entry (it happens in real files) must
  // not merge two entries: the second gets the reference plus an occurrence suffix.
  return prepared.map((p, i) => {
    let key = dedupeKeys[i]!
    if (key.startsWith('ref:')) {
      // Same reference and amount: the same entry (e.g. pending, then booked, in one file).
      const identity = String(p.fields.amount)
      const sameRef = keys.refs.get(key)
      if (sameRef !== undefined && sameRef !== identity) {
        let n = 1
        while (keys.refs.has(`${key}#${n}`) && keys.refs.get(`${key}#${n}`) !== identity) n++
        key = `${key}#${n}`
      }
      if (!keys.refs.has(key)) keys.refs.set(key, identity)
    }
    return { ...p.tx, dedupe_key: key }
  })
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function normalise(id: string | undefined): string | undefined {
  const v = id?.replace(/\s+/g, '').toUpperCase()
  return v ? v : undefined
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/

async function resolveEntity(db: Db, entityId: string, scope: EntityScope | undefined) {
  const entity = await findEntity(db, entityId)
  if (!entity || (scope && !scope.paths.some((p) => entity.path.startsWith(p)))) {
    throw new InvalidRequestError(`unknown member company "${entityId}" to create unknown accounts under`)
  }
  return entity
}

/** Finds the account a statement is about; remembers look-ups for the file's other statements. */
class AccountResolver {
  private readonly created: AccountRow[] = []
  private readonly bankBics = new Map<string, Set<string>>()

  constructor(
    private readonly db: Db,
    private readonly scope: EntityScope | undefined,
  ) {}

  remember(account: AccountRow) {
    this.created.push(account)
  }

  async find(statement: Statement): Promise<{ account: AccountRow | null; ambiguous: boolean }> {
    const iban = normalise(statement.account.iban)
    const number = normalise(statement.account.number)
    const bic = normalise(statement.account.bic)
    const ibans = [iban, number && IBAN.test(number) ? number : undefined].filter((v): v is string => !!v)
    const numbers = [number, iban, number?.includes('/') ? number.split('/').pop() : undefined].filter((v): v is string => !!v)
    let candidates = [...(await findAccountsByIdentifiers(this.db, { ibans, numbers })), ...this.created.filter((a) => (a.iban && ibans.includes(a.iban)) || numbers.includes(a.number))]
    candidates = [...new Map(candidates.map((c) => [c.id, c])).values()]
    if (this.scope) candidates = await this.inScope(candidates)
    const byIban = candidates.filter((c) => c.iban && ibans.includes(c.iban))
    // An IBAN is unique worldwide: a match by it needs no bank check.
    let pool = byIban.length ? byIban : candidates
    if (bic && pool.length > 0 && !byIban.length) {
      const atBank: AccountRow[] = []
      for (const c of pool) if ((await this.bicsOf(c.bank_id)).has(bic.slice(0, 8))) atBank.push(c)
      pool = atBank
    }
    if (pool.length > 1) {
      const sameCurrency = pool.filter((c) => c.currency === statement.currency)
      if (sameCurrency.length) pool = sameCurrency
    }
    if (pool.length > 1 && bic) {
      const atBank: AccountRow[] = []
      for (const c of pool) if ((await this.bicsOf(c.bank_id)).has(bic.slice(0, 8))) atBank.push(c)
      if (atBank.length) pool = atBank
    }
    if (pool.length === 1) return { account: pool[0]!, ambiguous: false }
    return { account: null, ambiguous: pool.length > 1 }
  }

  private async inScope(candidates: AccountRow[]): Promise<AccountRow[]> {
    const out: AccountRow[] = []
    for (const c of candidates) {
      const entity = await findEntity(this.db, c.entity_id)
      if (entity && this.scope!.paths.some((p) => entity.path.startsWith(p))) out.push(c)
    }
    return out
  }

  private async bicsOf(bankId: string): Promise<Set<string>> {
    let set = this.bankBics.get(bankId)
    if (!set) {
      const bank = await this.db.selectFrom('banks').select(['bic']).where('id', '=', bankId).executeTakeFirst()
      set = new Set(bank ? [bank.bic.toUpperCase().slice(0, 8)] : [])
      this.bankBics.set(bankId, set)
    }
    return set
  }
}

function maskNumber(number: string): string {
  const tail = number.slice(-4)
  return number.length <= 4 ? number : `**** ${tail}`
}

async function createAccount(db: Db, statement: Statement, entity: { id: string }): Promise<AccountRow> {
  const bic = normalise(statement.account.bic)
  const label = describeAccount(statement.account)
  if (!bic) throw new InvalidRequestError(`cannot create the account ${label}: the file names no BIC, so its bank is unknown`)
  const banks = await findBanksByBic(db, bic)
  if (banks.length === 0) throw new InvalidRequestError(`cannot create the account ${label}: no bank with BIC ${bic} is known; add the bank first`)
  const bank = banks[0]!
  const iban = normalise(statement.account.iban) ?? (normalise(statement.account.number) && IBAN.test(normalise(statement.account.number)!) ? normalise(statement.account.number) : undefined)
  const number = normalise(statement.account.number) ?? iban
  if (!number) throw new InvalidRequestError(`cannot create an account for statement ${statement.id ?? ''}: it names no IBAN or account number`)
  const id = `acc_imp_${createHash('sha256').update(`${bank.id}|${number}`).digest('hex').slice(0, 16)}`
  const firstDate = statementPeriod(statement)?.from ?? new Date().toISOString().slice(0, 10)
  const row: AccountRow = {
    id,
    entity_id: entity.id,
    bank_id: bank.id,
    name: truncate(statement.account.name, 100) ?? `${bank.name_en} ${statement.currency} ${number.slice(-4)}`,
    number,
    number_masked: maskNumber(number),
    iban: iban ?? null,
    currency: statement.currency,
    type: 'operating',
    status: 'active',
    tier: 'I',
    opened_on: firstDate,
  }
  await insertAccount(db, row)
  return row
}
