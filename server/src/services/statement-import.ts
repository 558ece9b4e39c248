import { createHash } from 'node:crypto'
import {
  StatementParseError,
  type ParseWarning,
  type Statement,
  type StatementAccount,
  type StatementBalanceType,
  type StatementBankTransactionCode,
  type StatementEntry,
  type StatementEntryDetails,
  type StatementFormat,
  type StatementReconciliation,
  transactionDedupeKey,
} from '@treasury/shared'
import type { Db } from '../db/client.js'
import type { AccountRow, NewBalance, NewTransaction } from '../db/database.js'
import { findEntity } from '../db/queries/entities.js'
import {
  bookTransactions,
  deleteTransactionsById,
  findTransactionsByKeys,
  type ExistingTransaction,
  removeVanishedPending,
  upsertBalances,
  upsertTransactionRows,
} from '../db/queries/ingest.js'
import type { EntityScope } from '../db/queries/scope.js'
import { findAccountsByIdentifiers, findBanksByBic, insertAccount, upsertStatementImports, type NewStatementImport } from '../db/queries/statements.js'
import { parseStatementStream, RECONCILIATION_MISMATCH, type StatementFormatOption, type StatementSource } from '../formats/index.js'
import { InvalidRequestError } from './errors.js'

/**
 * Statement import: a bank statement file (MT940/MT942, camt.052/053/054, BAI2) into the
 * database — balances as typed balance rows, entries as transactions, one statement record per
 * statement with its reconciliation result and warnings.
 *
 * - Streamed: the file is parsed by `parseStatementStream` and each statement is written as soon as
 *   it is complete, so memory stays bounded by the largest statement (plus the summary) whatever the
 *   file size. Transactions are written in set-based batches of about a thousand rows.
 * - One file is one database transaction: any failure (a parse error late in the file included)
 *   leaves nothing written. A preview runs the very same import inside a transaction that is rolled
 *   back, so its counts are exact.
 * - Idempotent: transactions are upserted by `(account, dedupe key)` (`transactionDedupeKey`: the
 *   bank's servicer reference when there is one, else a hash of dates, amount, end-to-end id and
 *   counterparty account plus an occurrence number). Importing a file twice, or an intraday report
 *   (camt.052/MT942) and then the end-of-day statement covering it, adds no duplicates; balances
 *   are keyed by (account, type, date) and a newer report wins.
 * - Batch entries: a camt entry with several transaction details (TxDtls) whose amounts add up to
 *   the entry's is stored as one transaction per detail, with the detail's amount, references,
 *   counterparty and remittance; detail i of the entry with key K has the key `K|tx:i`. The
 *   statement still reconciles on its entries (the details add up to them). If the same booking
 *   was stored whole before (a delivery without details), the details replace that row; a later
 *   whole delivery of it, whether it names the batch (camt `Btch`/NbOfTxs) or not (any entry of
 *   any format is looked up as the possible other shape of a split one), is recognised as a
 *   duplicate of the stored details, and books them if they were pending. Details that do not add
 *   up to the entry are not split (a warning says so).
 * - Pending entries: a booked entry with the same key replaces its pending row; in addition an
 *   end-of-day statement (camt.053, MT940, BAI2) removes the pending rows earlier intraday imports
 *   left on the days it covers that it does not itself contain (the bank booked them under another
 *   reference, or dropped them).
 * - Accounts: matched by IBAN, else by account number (an IBAN-shaped number also by IBAN), the bank
 *   by BIC when the file names one. Unknown accounts are reported, or created under a chosen member
 *   company (`createUnknownUnder`), at the bank with the file's BIC.
 */

/** Balance types stored as balance rows; FWAV and PRCD stay in the statement record only. */
const STORED_BALANCE_TYPES: ReadonlySet<StatementBalanceType> = new Set(['OPBD', 'CLBD', 'ITBD', 'ITAV', 'CLAV'])
/** Formats whose statements are final (end of day): they supersede earlier intraday pending rows. */
const FINAL_FORMATS: ReadonlySet<StatementFormat> = new Set(['mt940', 'camt053', 'bai2'])
const INTRADAY_SOURCES = ['import:camt052', 'import:mt942', 'import:camt054'] as const
/** Detail keys looked up per query when a delivery does not say how many details its entry has. */
const DETAILS_PER_PROBE = 64
/** Transactions buffered before they are written (one set-based upsert per account). */
const FLUSH_ROWS = 1024
/** Chunk size when an in-memory file is streamed. */
const CHUNK_BYTES = 1 << 16
/** Dedupe-key bookkeeping kept per file: the most recent 64 Ki to 128 Ki keys (see {@link RecentKeys}). */
const RECENT_KEYS = 1 << 16

export interface ImportOptions {
  /** File name as the user knows it (stored with each statement record). */
  fileName: string
  format?: StatementFormatOption
  /** Create accounts the file names but the database does not know, under this member company. */
  createUnknownUnder?: string | undefined
  /** Only accounts of these subtrees count as known (the caller's scope); default: every account. */
  scope?: EntityScope | undefined
  now?: Date
  /** Called after each statement is ingested. */
  onProgress?: (progress: ImportProgress) => void
}

export interface ImportProgress {
  /** Bytes of the file read so far, of `totalBytes` when known. */
  bytes: number
  totalBytes: number | null
  statements: number
  entries: number
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
  /** Entries of the statement. */
  entries: number
  /** Transactions they make: one per entry, one per detail of a split batch entry. */
  transactions: number
  /** Batch entries stored as one transaction per detail. */
  batchesSplit: number
  /** Transactions stored new, changed (incl. pending → booked, a whole batch replaced by its details), and already stored. */
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
    transactions: number
    batchesSplit: number
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

/** Runs `work` in one transaction: committed, or (a preview) rolled back with its result kept. */
async function inOneTransaction(db: Db, commit: boolean, work: (trx: Db) => Promise<ImportSummary>): Promise<ImportSummary> {
  if (commit) return db.transaction().execute(work)
  try {
    await db.transaction().execute(async (trx) => {
      throw new PreviewRollback(await work(trx))
    })
  } catch (error) {
    if (error instanceof PreviewRollback) return error.summary
    throw error
  }
  throw new Error('unreachable: preview transaction committed')
}

async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) yield bytes.subarray(at, at + CHUNK_BYTES)
}

/** What importing the file would do, computed by importing it in a transaction that is rolled back. */
export function previewStatementImport(db: Db, options: ImportOptions & { bytes: Uint8Array }): Promise<ImportSummary> {
  return importStatementStream(db, chunksOf(options.bytes), { ...options, totalBytes: options.bytes.byteLength, commit: false })
}

/** Imports the file in one transaction and returns what it wrote. */
export function commitStatementImport(db: Db, options: ImportOptions & { bytes: Uint8Array }): Promise<ImportSummary> {
  return importStatementStream(db, chunksOf(options.bytes), { ...options, totalBytes: options.bytes.byteLength, commit: true })
}

/**
 * Imports a statement file from a stream (a file of any size) in one transaction; with
 * `commit: false` it is a preview (rolled back). A parse error anywhere in the file is an
 * {@link InvalidRequestError} naming the file and where, and nothing is written.
 *
 * @example
 * const summary = await importStatementStream(db, createReadStream('big.sta'), { fileName: 'big.sta', totalBytes: size })
 */
export function importStatementStream(
  db: Db,
  source: StatementSource,
  options: ImportOptions & { totalBytes?: number; commit?: boolean },
): Promise<ImportSummary> {
  const requested = options.format ?? 'auto'
  return inOneTransaction(db, options.commit !== false, async (trx) => {
    const meter = new SourceMeter(source)
    const file = new FileIngest(trx, options)
    await file.begin()
    let parsed
    try {
      parsed = await parseStatementStream(meter.chunks(), requested, {}, async (statement, format) => {
        file.format ??= format
        await file.add(statement)
        options.onProgress?.({ bytes: meter.bytes, totalBytes: options.totalBytes ?? null, statements: file.statementCount, entries: file.entryCount })
      })
    } catch (error) {
      if (error instanceof StatementParseError) throw new InvalidRequestError(`${options.fileName}: ${error.message}`)
      throw error
    }
    file.format = parsed.format
    return file.finish({ warnings: parsed.warnings, sha256: meter.sha256(), bytes: meter.bytes, committed: options.commit !== false })
  })
}

/**
 * Imports statements parsed beforehand (one transaction), as {@link importStatementStream} does
 * with each statement it reads. `sha256`/`bytes` describe the file they came from, if any.
 *
 * @example
 * const file = parseStatementFile(bytes)
 * await importStatements(db, file.format, file.statements, { fileName: 'a.sta' })
 */
export function importStatements(
  db: Db,
  format: StatementFormat,
  statements: Iterable<Statement> | AsyncIterable<Statement>,
  options: ImportOptions & { warnings?: ParseWarning[]; sha256?: string; bytes?: number; commit?: boolean },
): Promise<ImportSummary> {
  return inOneTransaction(db, options.commit !== false, async (trx) => {
    const file = new FileIngest(trx, options)
    file.format = format
    await file.begin()
    for await (const statement of statements) {
      await file.add(statement)
      options.onProgress?.({ bytes: 0, totalBytes: null, statements: file.statementCount, entries: file.entryCount })
    }
    return file.finish({ warnings: options.warnings ?? [], sha256: options.sha256 ?? '', bytes: options.bytes ?? 0, committed: options.commit !== false })
  })
}

/** Passes a byte stream through, counting and hashing it. */
class SourceMeter {
  bytes = 0
  private readonly hash = createHash('sha256')

  constructor(private readonly source: StatementSource) {}

  async *chunks(): AsyncGenerator<Uint8Array | string> {
    for await (const chunk of this.source as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      this.hash.update(bytes)
      this.bytes += bytes.byteLength
      yield bytes
    }
  }

  sha256(): string {
    return this.hash.digest('hex')
  }
}

export function describeAccount(account: StatementAccount): string {
  const parts = [account.iban && `IBAN ${account.iban}`, account.number && `number ${account.number}`, account.bic && `BIC ${account.bic}`].filter(Boolean)
  return parts.length ? parts.join(', ') : 'an account without identifiers'
}

/** "PMNT-RCDT-ESCT", else the proprietary code, the SWIFT N-code or the BAI2 type code. */
export function formatBankTransactionCode(code: StatementBankTransactionCode): string | null {
  const iso = [code.domain, code.family, code.subFamily].filter(Boolean).join('-')
  return truncate(iso || code.proprietary || code.swift || code.bai, 64)
}

/** How a buffered transaction relates to a batch entry (see the module comment). */
type BatchLink =
  /** Detail `index` (1-based) of a split batch entry whose whole key is `whole`. */
  | { kind: 'detail'; whole: string; index: number }
  /**
   * An entry stored whole (no usable details): its details, if another delivery split it, are
   * `${key}|tx:1…count`. `count` is null when the delivery does not say it is a batch (a camt
   * without `Btch`, an MT940 or BAI2 line): the same booking may still have come split before.
   */
  | { kind: 'whole'; count: number | null }

interface BufferedRow {
  row: NewTransaction
  result: StatementImportResult
  link: BatchLink
}

/** Per account: the rows not yet written. */
interface AccountState {
  buffer: Map<string, BufferedRow>
}

/**
 * The dedupe-key bookkeeping across a file's statements: how often an entry without a bank
 * reference was seen (`occurrence:` keys) and the amount a bank reference was first seen with
 * (`ref:` keys), per account. It remembers the most recently written 64 Ki–128 Ki keys (two
 * generations; a key read from the older one moves to the newer), so that a file of any size
 * takes bounded memory: two equal reference-less entries of one day, or a reference reused for a
 * different amount, are told apart when they come within about 64,000 entries of each other (in a
 * bank file they sit in the same statement or the next).
 */
class RecentKeys {
  private current = new Map<string, string | number>()
  private previous = new Map<string, string | number>()

  get(key: string): string | number | undefined {
    const value = this.current.get(key)
    if (value !== undefined) return value
    const old = this.previous.get(key)
    if (old !== undefined) this.set(key, old)
    return old
  }

  set(key: string, value: string | number): void {
    if (this.current.size >= RECENT_KEYS && !this.current.has(key)) {
      this.previous = this.current
      this.current = new Map()
    }
    this.current.set(key, value)
  }
}

interface PendingRecord {
  result: StatementImportResult
  row: Omit<NewStatementImport, 'entries_new' | 'entries_updated' | 'entries_duplicate' | 'file_sha256'>
}

/** One file being ingested inside its transaction: statements are added one by one, then `finish`. */
class FileIngest {
  format: StatementFormat | undefined
  statementCount = 0
  entryCount = 0
  private readonly fetchedAt: string
  private readonly resolver: AccountResolver
  private createUnder: { id: string } | null = null
  private readonly results: StatementImportResult[] = []
  private readonly unknownAccounts: UnknownAccount[] = []
  private readonly records: PendingRecord[] = []
  private readonly accounts = new Map<string, AccountState>()
  private readonly seenKeys = new RecentKeys()
  private readonly balances = new Map<string, NewBalance>()
  private buffered = 0

  constructor(
    private readonly db: Db,
    private readonly options: ImportOptions,
  ) {
    this.fetchedAt = (options.now ?? new Date()).toISOString()
    this.resolver = new AccountResolver(db, options.scope)
  }

  async begin(): Promise<void> {
    if (this.options.createUnknownUnder) this.createUnder = await resolveEntity(this.db, this.options.createUnknownUnder, this.options.scope)
  }

  async add(statement: Statement): Promise<void> {
    const format = this.format!
    const source = `import:${format}`
    const index = this.statementCount++
    this.entryCount += statement.entries.length
    const warnings: string[] = []
    let { account, ambiguous } = await this.resolver.find(statement)
    let match: AccountMatch = account ? 'matched' : 'unknown'
    if (ambiguous) warnings.push(`several accounts match ${describeAccount(statement.account)}; none was chosen`)
    if (!account && this.createUnder && !ambiguous) {
      account = await createAccount(this.db, statement, this.createUnder)
      this.resolver.remember(account)
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
    // What is kept of the statement until the file is done is copied out of the parser's strings
    // (see own()); the statement itself is garbage once its rows are written.
    const result: StatementImportResult = {
      index,
      statementRef: own(statement.id) ?? null,
      sequence: own(statement.sequence) ?? null,
      from: own(statement.from) ?? null,
      to: own(statement.to) ?? null,
      currency: own(statement.currency),
      account: ownAccount(statement.account),
      match,
      accountId: account?.id ?? null,
      accountName: account?.name ?? null,
      balances,
      entries: statement.entries.length,
      transactions: 0,
      batchesSplit: 0,
      entriesNew: 0,
      entriesUpdated: 0,
      entriesDuplicate: 0,
      pendingReplaced: 0,
      reconciliation: { ...statement.reconciliation, ...(statement.reconciliation.message === undefined ? {} : { message: own(statement.reconciliation.message) }) },
      warnings,
      recordId: null,
      alreadyImported: false,
    }
    this.results.push(result)
    if (!account) {
      this.unknownAccounts.push({ ...result.account, currency: result.currency })
      ownWarnings(warnings)
      return
    }
    if (statement.currency !== account.currency) {
      warnings.push(`the statement is in ${statement.currency}, the account ${account.name} in ${account.currency}`)
    }
    for (const b of balances) {
      if (STORED_BALANCE_TYPES.has(b.type) && !b.stored) warnings.push(`${b.type} ${b.date} in ${b.currency} is not in the account's currency ${account.currency}; kept in the statement record only`)
    }

    // Balances: one row per (account, type, date); of two in this file the later report wins.
    for (const b of balances) {
      if (!b.stored) continue
      const row: NewBalance = { account_id: account.id, date: b.date, type: b.type, amount: b.amount, reported_at: reportedAt(statement, b.date), fetched_at: this.fetchedAt, source }
      const key = `${account.id}|${b.type}|${b.date}`
      const earlier = this.balances.get(key)
      if (!earlier || row.reported_at >= earlier.reported_at) this.balances.set(key, row)
    }

    // Transactions.
    const state = this.stateOf(account.id)
    const rows = toTransactionRows(statement, account.id, source, this.fetchedAt, warnings, this.seenKeys)
    result.transactions = rows.length
    const keep = new Set<string>()
    for (const buffered of rows) {
      keep.add(buffered.row.dedupe_key)
      if (buffered.link.kind === 'detail' && buffered.link.index === 1) result.batchesSplit++
      // The same key (or the other shape of the same batch entry) waiting already: write what waits
      // first, so that the second delivery is compared with the first as if they came in two files.
      if (state.buffer.has(buffered.row.dedupe_key) || collidesWithShape(state.buffer, buffered)) await this.flush()
      state.buffer.set(buffered.row.dedupe_key, { ...buffered, result })
      this.buffered++
    }

    // An end-of-day statement supersedes the pending rows intraday imports left on its days.
    const period = statementPeriod(statement)
    if (FINAL_FORMATS.has(format) && period) {
      result.pendingReplaced += await removeVanishedPending(this.db, { accountId: account.id, source: INTRADAY_SOURCES, from: period.from, to: period.to, keep })
    }

    const fingerprint = statementFingerprint(format, account.id, statement)
    this.records.push({
      result,
      row: {
        id: `stm_${fingerprint.slice(0, 20)}`,
        fingerprint,
        account_id: account.id,
        file_name: this.options.fileName.slice(0, 500),
        format,
        statement_ref: result.statementRef,
        sequence: result.sequence,
        period_from: result.from ?? own(period?.from) ?? null,
        period_to: result.to ?? own(period?.to) ?? null,
        bank_created_at: own(statement.createdAt) ?? null,
        currency: result.currency,
        balances: JSON.stringify(balances, bigintAsString),
        entry_count: statement.entries.length,
        reconciliation: JSON.stringify(statement.reconciliation, bigintAsString),
        reconciled: statement.reconciliation.ok ? 1 : 0,
        warnings: '',
        first_imported_at: this.fetchedAt,
        imported_at: this.fetchedAt,
      },
    })
    ownWarnings(warnings)
    if (this.buffered >= FLUSH_ROWS) await this.flush()
  }

  async finish(file: { warnings: ParseWarning[]; sha256: string; bytes: number; committed: boolean }): Promise<ImportSummary> {
    await this.flush()
    // The parser also reports each statement that does not reconcile; here every one of those is
    // already its statement's own warning (`reconciliation: …`), so the file's list leaves them
    // out: one mismatch, one warning, counted once.
    const fileLevel = file.warnings.filter((w) => w.code !== RECONCILIATION_MISMATCH)
    const fileWarnings = fileLevel.map(describeWarning)
    const stored = await upsertStatementImports(
      this.db,
      this.records.map(({ result, row }) => ({
        ...row,
        file_sha256: file.sha256,
        entries_new: result.entriesNew,
        entries_updated: result.entriesUpdated,
        entries_duplicate: result.entriesDuplicate,
        warnings: JSON.stringify([...result.warnings, ...fileWarnings]),
      })),
    )
    this.records.forEach(({ result }, i) => {
      result.recordId = stored[i]!.id
      result.alreadyImported = stored[i]!.existed
    })
    const results = this.results
    const imported = results.filter((r) => r.accountId !== null)
    return {
      fileName: this.options.fileName,
      format: this.format!,
      bytes: file.bytes,
      committed: file.committed,
      statements: results,
      unknownAccounts: dedupeUnknown(this.unknownAccounts),
      warnings: fileLevel,
      totals: {
        statements: results.length,
        imported: imported.length,
        unknown: results.filter((r) => r.match === 'unknown').length,
        created: results.filter((r) => r.match === 'created').length,
        entries: sum(imported, (r) => r.entries),
        transactions: sum(imported, (r) => r.transactions),
        batchesSplit: sum(imported, (r) => r.batchesSplit),
        entriesNew: sum(results, (r) => r.entriesNew),
        entriesUpdated: sum(results, (r) => r.entriesUpdated),
        entriesDuplicate: sum(results, (r) => r.entriesDuplicate),
        pendingReplaced: sum(results, (r) => r.pendingReplaced),
        balances: sum(imported, (r) => r.balances.filter((b) => b.stored).length),
        warnings: fileLevel.length + sum(results, (r) => r.warnings.length),
        reconciliationFailures: results.filter((r) => !r.reconciliation.ok).length,
      },
    }
  }

  private stateOf(accountId: string): AccountState {
    let state = this.accounts.get(accountId)
    if (!state) this.accounts.set(accountId, (state = { buffer: new Map() }))
    return state
  }

  /** Writes the buffered balances and transactions. */
  private async flush(): Promise<void> {
    if (this.balances.size) {
      await upsertBalances(this.db, [...this.balances.values()])
      this.balances.clear()
    }
    for (const [accountId, state] of this.accounts) {
      if (state.buffer.size === 0) continue
      const buffered = [...state.buffer.values()]
      state.buffer.clear()
      await this.writeTransactions(accountId, buffered)
    }
    this.buffered = 0
  }

  /** Upserts one account's buffered rows, each first checked against the other shape of a batch entry. */
  private async writeTransactions(accountId: string, buffered: BufferedRow[]): Promise<void> {
    const rows = await this.resolveBatchShapes(accountId, buffered)
    const outcomes = await upsertTransactionRows(
      this.db,
      accountId,
      rows.map((b) => b.row),
    )
    outcomes.forEach((outcome, i) => {
      const result = rows[i]!.result
      if (outcome === 'inserted') result.entriesNew++
      else if (outcome === 'updated') result.entriesUpdated++
      else result.entriesDuplicate++
    })
  }

  /**
   * A batch entry stored in the other shape: details arriving for a booking stored whole replace
   * that row (unless it is booked and the details are pending: then they are duplicates); a whole
   * delivery of a booking stored as details is a duplicate (and books them if they were pending).
   * Returns the rows still to upsert.
   */
  private async resolveBatchShapes(accountId: string, buffered: BufferedRow[]): Promise<BufferedRow[]> {
    const probes: string[] = []
    for (const b of buffered) {
      if (b.link.kind === 'detail' && b.link.index === 1) probes.push(b.link.whole)
      else if (b.link.kind === 'whole') probes.push(`${b.row.dedupe_key}|tx:1`)
    }
    const stored = await findTransactionsByKeys(this.db, accountId, probes)
    if (stored.size === 0) return buffered
    const skipWholes = new Set<string>()
    const replaced: (bigint | number | string)[] = []
    const toBook: { ids: (bigint | number | string)[]; row: NewTransaction }[] = []
    const keepRows: BufferedRow[] = []
    for (const b of buffered) {
      if (b.link.kind === 'detail' && b.link.index === 1) {
        const whole = stored.get(b.link.whole)
        if (whole) {
          if (whole.status === 'booked' && b.row.status === 'pending') skipWholes.add(b.link.whole)
          else {
            replaced.push(whole.id)
            b.result.entriesUpdated++
          }
        }
      }
    }
    for (const b of buffered) {
      if (b.link.kind === 'detail' && skipWholes.has(b.link.whole)) {
        b.result.entriesDuplicate++
        continue
      }
      if (b.link.kind === 'whole') {
        const first = stored.get(`${b.row.dedupe_key}|tx:1`)
        if (first) {
          if (first.status === 'pending' && b.row.status === 'booked') {
            const parts = await this.detailsStored(accountId, b.row.dedupe_key, b.link.count)
            toBook.push({ ids: [...parts.values()].map((p) => p.id), row: b.row })
            b.result.entriesUpdated++
          } else {
            b.result.entriesDuplicate++
          }
          continue
        }
      }
      keepRows.push(b)
    }
    if (replaced.length) await deleteTransactionsById(this.db, replaced)
    for (const { ids, row } of toBook) await bookTransactions(this.db, ids, { bookingDate: row.booking_date, valueDate: row.value_date, source: row.source })
    return keepRows
  }

  /** The stored details `${key}|tx:1…` of an entry; `count` if the delivery says how many, else all there are. */
  private async detailsStored(accountId: string, key: string, count: number | null) {
    const keys = (from: number, n: number) => Array.from({ length: n }, (_, i) => `${key}|tx:${from + i}`)
    if (count !== null) return findTransactionsByKeys(this.db, accountId, keys(1, count))
    const found = new Map<string, ExistingTransaction>()
    for (let from = 1; ; from += DETAILS_PER_PROBE) {
      const part = await findTransactionsByKeys(this.db, accountId, keys(from, DETAILS_PER_PROBE))
      for (const [k, v] of part) found.set(k, v)
      if (part.size < DETAILS_PER_PROBE) return found
    }
  }
}

/** Whether the buffer holds the other shape of this row's batch entry (whole vs its first detail). */
function collidesWithShape(buffer: Map<string, BufferedRow>, b: Omit<BufferedRow, 'result'>): boolean {
  if (b.link.kind === 'detail') return buffer.has(b.link.whole)
  return buffer.has(`${b.row.dedupe_key}|tx:1`)
}

/**
 * A copy of a string the parser cut out of its read-ahead text. V8 may keep a cut-out string as a
 * view of the text it came from, and one such string kept per statement would keep every window of
 * the file alive: what an import keeps until the file is done (the summary) holds copies only.
 */
function own<T extends string | undefined>(text: T): T {
  return (text === undefined ? undefined : JSON.parse(JSON.stringify(text))) as T
}

function ownAccount(account: StatementAccount): StatementAccount {
  const out: StatementAccount = {}
  if (account.iban !== undefined) out.iban = own(account.iban)
  if (account.number !== undefined) out.number = own(account.number)
  if (account.bic !== undefined) out.bic = own(account.bic)
  if (account.name !== undefined) out.name = own(account.name)
  return out
}

function ownWarnings(warnings: string[]): void {
  for (let i = 0; i < warnings.length; i++) warnings[i] = own(warnings[i]!)
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  let total = 0
  for (const item of items) total += f(item)
  return total
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

function describeWarning(w: ParseWarning): string {
  const where = [w.line !== undefined ? `line ${w.line}` : '', w.element ?? ''].filter(Boolean).join(', ')
  return `${w.code}${where ? ` (${where})` : ''}: ${w.message}`
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
  let first: string | undefined
  let last: string | undefined
  const see = (date: string | undefined) => {
    if (date === undefined) return
    if (first === undefined || date < first) first = date
    if (last === undefined || date > last) last = date
  }
  for (const b of statement.balances) see(b.date)
  for (const e of statement.entries) {
    see(e.bookingDate)
    see(e.valueDate)
  }
  if (first === undefined || last === undefined) return null
  return { from: statement.from ?? first, to: statement.to ?? last }
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

/** Entry-level detail, else the single transaction of a one-transaction batch. */
function single(entry: StatementEntry): StatementEntryDetails | undefined {
  const txs = entry.batch?.transactions
  return txs && txs.length === 1 ? txs[0] : undefined
}

/** The details of a batch entry when they can stand for it: two or more, each with an amount in the entry's currency, adding up to it. */
function splittable(entry: StatementEntry): StatementEntryDetails[] | 'mismatch' | undefined {
  const details = entry.batch?.transactions
  if (!details || details.length < 2) return undefined
  let total = 0n
  for (const d of details) {
    if (d.amount === undefined || (d.currency !== undefined && d.currency !== entry.currency)) return 'mismatch'
    total += d.amount
  }
  return total === entry.amount ? details : 'mismatch'
}

function endToEndOf(value: string | undefined): string | null {
  return value === 'NOTPROVIDED' ? null : truncate(value, 64)
}

function oneLine(text: string | undefined): string | undefined {
  return text?.replace(/\s*\n\s*/g, ' ')
}

/**
 * The dedupe key of an entry (`transactionDedupeKey`), as connectors' entries get theirs
 * (`assignDedupeKeys`): a reference-less entry also counts how often the same one was seen in this
 * file, so that two genuine equal payments of one day stay two rows. A bank reference seen before
 * in this file with another amount was reused by the bank for a different entry: it gets the
 * suffix `#n`, so the two are not merged.
 */
function dedupeKey(row: NewTransaction, seen: RecentKeys): string {
  const fields = {
    bankReference: row.bank_reference ?? null,
    bookingDate: row.booking_date,
    valueDate: row.value_date,
    amount: row.amount,
    endToEndId: row.end_to_end_id ?? null,
    counterpartyAccount: row.counterparty_account ?? null,
  }
  const base = transactionDedupeKey(fields)
  const account = row.account_id
  if (!base.startsWith('ref:')) {
    const occurrence = (seen.get(`${account}|occurrence:${base}`) as number | undefined) ?? 0
    seen.set(`${account}|occurrence:${base}`, occurrence + 1)
    return transactionDedupeKey(fields, occurrence)
  }
  // Same reference and amount: the same entry (e.g. pending, then booked, in one file).
  const identity = String(row.amount)
  let key = base
  const sameRef = seen.get(`${account}|${key}`)
  if (sameRef !== undefined && sameRef !== identity) {
    let n = 1
    for (let other = seen.get(`${account}|${key}#${n}`); other !== undefined && other !== identity; other = seen.get(`${account}|${key}#${n}`)) n++
    key = `${key}#${n}`
  }
  if (seen.get(`${account}|${key}`) === undefined) seen.set(`${account}|${key}`, identity)
  return key
}

/** The statement's entries as transaction rows (batch entries split into their details where they add up). */
function toTransactionRows(
  statement: Statement,
  accountId: string,
  source: string,
  createdAt: string,
  warnings: string[],
  seen: RecentKeys,
): Omit<BufferedRow, 'result'>[] {
  const out: Omit<BufferedRow, 'result'>[] = []
  let skipped = 0
  let mismatched = 0
  for (const entry of statement.entries) {
    const bookingDate = entry.bookingDate ?? entry.valueDate ?? statement.to
    if (!bookingDate) {
      skipped++
      continue
    }
    const one = single(entry)
    const counterparty = one ? { ...one.counterparty, ...stripUndefined(entry.counterparty) } : entry.counterparty
    const remittance = entry.remittance ?? one?.remittance
    const row: NewTransaction = {
      account_id: accountId,
      dedupe_key: '',
      booking_date: bookingDate,
      value_date: entry.valueDate ?? bookingDate,
      amount: entry.amount,
      currency: entry.currency,
      status: entry.status === 'PDNG' ? 'pending' : 'booked',
      bank_reference: truncate(entry.references.servicer ?? one?.references.servicer, 64),
      end_to_end_id: endToEndOf(entry.references.endToEnd ?? one?.references.endToEnd),
      counterparty_name: truncate(counterparty.name, 140),
      counterparty_account: truncate(counterparty.account, 64),
      counterparty_bank: truncate(counterparty.agent, 64),
      purpose: truncate(remittance ?? oneLine(entry.additionalInfo), 500),
      bank_transaction_code: formatBankTransactionCode(entry.bankTransactionCode),
      source,
      created_at: createdAt,
    }
    const key = dedupeKey(row, seen)
    row.dedupe_key = key
    const details = splittable(entry)
    if (details === undefined || details === 'mismatch') {
      if (details === 'mismatch') mismatched++
      out.push({ row, link: { kind: 'whole', count: entry.batch && entry.batch.count > 1 ? entry.batch.count : null } })
      continue
    }
    details.forEach((d, j) => {
      out.push({
        row: {
          ...row,
          dedupe_key: `${key}|tx:${j + 1}`,
          amount: d.amount!,
          bank_reference: truncate(d.references.servicer, 64) ?? row.bank_reference ?? null,
          end_to_end_id: endToEndOf(d.references.endToEnd),
          counterparty_name: truncate(d.counterparty.name, 140),
          counterparty_account: truncate(d.counterparty.account, 64),
          counterparty_bank: truncate(d.counterparty.agent, 64),
          purpose: truncate(d.remittance ?? oneLine(entry.additionalInfo), 500),
          bank_transaction_code: (d.bankTransactionCode && formatBankTransactionCode(d.bankTransactionCode)) ?? row.bank_transaction_code ?? null,
        },
        link: { kind: 'detail', whole: key, index: j + 1 },
      })
    })
  }
  if (skipped) warnings.push(`${skipped} entr${skipped === 1 ? 'y has' : 'ies have'} no date and the statement no period; not imported`)
  if (mismatched) {
    warnings.push(
      `${mismatched} batch entr${mismatched === 1 ? 'y is' : 'ies are'} stored as one transaction: ${mismatched === 1 ? 'its' : 'their'} transaction details do not add up to the entry amount in its currency`,
    )
  }
  return out
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
  /** Answers by the statement's identifiers and currency (a file names few accounts, many times). */
  private readonly answers = new Map<string, { account: AccountRow | null; ambiguous: boolean }>()

  constructor(
    private readonly db: Db,
    private readonly scope: EntityScope | undefined,
  ) {}

  remember(account: AccountRow) {
    this.created.push(account)
    this.answers.clear()
  }

  async find(statement: Statement): Promise<{ account: AccountRow | null; ambiguous: boolean }> {
    const iban = normalise(statement.account.iban)
    const number = normalise(statement.account.number)
    const bic = normalise(statement.account.bic)
    const key = `${iban ?? ''}|${number ?? ''}|${bic ?? ''}|${statement.currency}`
    let answer = this.answers.get(key)
    if (!answer) {
      answer = await this.lookUp(iban, number, bic, statement.currency)
      this.answers.set(key, answer)
    }
    return answer
  }

  private async lookUp(iban: string | undefined, number: string | undefined, bic: string | undefined, currency: string): Promise<{ account: AccountRow | null; ambiguous: boolean }> {
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
      const sameCurrency = pool.filter((c) => c.currency === currency)
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
