import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import type { Statement, StatementEntry } from '@treasury/shared'
import SQLite from 'better-sqlite3'
import { createDb, migrateToLatest, type Db } from '../src/db/client.js'
import { insertRows } from '../src/db/queries/seed.js'
import { generateCamt053, generateMt940 } from '../src/formats/generate.js'
import { parseStatementFile } from '../src/formats/index.js'
import { importStatements, importStatementStream } from '../src/services/statement-import.js'
import { numberOption as option, writeMt940File } from './files.js'

/**
 * Statement ingest into a fresh SQLite database through the real import path (the import service:
 * account matching, dedupe keys, balances, transactions, pending sweep, statement records; one file
 * = one transaction), on statements parsed beforehand so that parsing is not measured.
 *
 * The statements are the generated MT940 and camt.053 files (src/formats/generate.ts) copied over
 * several accounts and days with fresh references; a quarter of the entries lose their bank
 * reference (so their dedupe key is the hash of dates, amount, end-to-end id and counterparty) and
 * one in 50 is a batch booking of two transactions (stored as two). Throughput counts entries.
 * Pass 1 stores every entry; pass 2 imports the same files again (every entry a duplicate).
 *
 * Baseline in the same run: the very rows pass 1 stored, inserted into another fresh database of
 * the same schema with one prepared `INSERT … ON CONFLICT DO NOTHING` per row, in one transaction
 * per file (better-sqlite3 directly) — the floor for "these rows into SQLite with a unique dedupe key".
 * And the same again with the table bare but for that unique key (the two indexes the transaction
 * lists need and the account foreign key dropped): what the dedupe alone costs on this machine.
 * Every figure is given by wall time and by CPU time of this process (the machine may be shared).
 * Target: ≥ 100,000 entries/s with dedupe.
 *
 * Then, end to end: a generated MT940 file of `--size` MB streamed from disk through the import
 * (parsing included, one transaction), with the peak RSS while it runs (memory stays bounded).
 *
 *   tsx bench/run.ts ingest [--entries 300000] [--accounts 20] [--file-entries 20000] [--runs 3] [--size 100]
 */

interface Sample {
  wall: number
  cpu: number
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<Sample> {
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  await fn()
  const wall = Number(process.hrtime.bigint() - start) / 1e6
  const used = process.cpuUsage(cpu)
  return { wall, cpu: (used.user + used.system) / 1000 }
}

const DAY = 86_400_000
function shiftDate(date: string | undefined, days: number): string | undefined {
  if (date === undefined) return undefined
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)
}

function ibanOf(account: number): string {
  return `DE${String(10 + (account % 89)).padStart(2, '0')}370400440${String(account).padStart(9, '0')}`
}

interface BenchFile {
  name: string
  format: 'mt940' | 'camt053'
  statements: Statement[]
  entries: number
}

/**
 * Copy `copy` of a template statement: another account and day, references made unique; every
 * 50th entry with a servicer reference becomes a batch booking of two transactions.
 */
function copyStatement(template: Statement, copy: number, account: number): Statement {
  const tag = `-${copy}`
  const days = copy
  const entries: StatementEntry[] = template.entries.map((e, i) => {
    const references = { ...e.references }
    if (references.servicer !== undefined) references.servicer = i % 4 === 3 ? undefined : references.servicer + tag
    if (references.servicer === undefined) delete references.servicer
    if (references.endToEnd !== undefined) references.endToEnd += tag
    const entry: StatementEntry = { ...e, references }
    if (i % 50 === 0 && references.servicer !== undefined) {
      const half = e.amount / 2n
      entry.batch = {
        count: 2,
        transactions: [
          { amount: half, currency: e.currency, references: { endToEnd: `B1${tag}-${i}` }, counterparty: { name: 'Erste GmbH' } },
          { amount: e.amount - half, currency: e.currency, references: { endToEnd: `B2${tag}-${i}` }, counterparty: { name: 'Zweite AG' } },
        ],
      }
    }
    const booking = shiftDate(e.bookingDate, days)
    const value = shiftDate(e.valueDate, days)
    if (booking) entry.bookingDate = booking
    if (value) entry.valueDate = value
    return entry
  })
  const out: Statement = {
    ...template,
    id: `${template.id ?? 'S'}${tag}`,
    account: { iban: ibanOf(account) },
    balances: template.balances.map((b) => ({ ...b, date: shiftDate(b.date, days)! })),
    entries,
  }
  if (template.from) out.from = shiftDate(template.from, days)!
  if (template.to) out.to = shiftDate(template.to, days)!
  return out
}

/** About `total` entries as files of about `perFile` entries, MT940 and camt.053 alternating. */
function buildFiles(total: number, accounts: number, perFile: number): BenchFile[] {
  const mt940 = parseStatementFile(new TextEncoder().encode(generateMt940(2e6)), 'mt940').statements
  const camt = parseStatementFile(new TextEncoder().encode(generateCamt053(4e6)), 'camt053').statements
  const files: BenchFile[] = []
  let made = 0
  let copy = 0
  while (made < total) {
    const format = files.length % 2 === 0 ? 'mt940' : 'camt053'
    const templates = format === 'mt940' ? mt940 : camt
    const file: BenchFile = { name: `bench-${files.length + 1}.${format === 'mt940' ? 'sta' : 'xml'}`, format, statements: [], entries: 0 }
    while (file.entries < perFile && made < total) {
      const template = templates[copy % templates.length]!
      const statement = copyStatement(template, copy, copy % accounts)
      copy++
      file.statements.push(statement)
      file.entries += statement.entries.length
      made += statement.entries.length
    }
    files.push(file)
  }
  return files
}

async function freshDb(dir: string, name: string, accounts: number): Promise<{ db: Db; file: string }> {
  const file = path.join(dir, name)
  const db = createDb({ kind: 'sqlite', file })
  await migrateToLatest(db)
  await insertRows(db, 'entities', [
    {
      id: 'ent_bench', parent_id: null, path: '/ent_bench/', depth: 0, code: 'B', name_zh: '基准', name_en: 'Bench',
      region_code: 'DE', region_country: 'DE', region_name_zh: '德国', region_name_en: 'Germany', functional_currency: 'EUR',
    },
  ])
  await insertRows(db, 'banks', [{ id: 'bnk_bench', name_zh: '德国商业银行', name_en: 'Commerzbank', bic: 'COBADEFF', country: 'DE' }])
  if (accounts === 0) return { db, file }
  await insertRows(
    db,
    'accounts',
    Array.from({ length: accounts }, (_, a) => ({
      id: `acc_bench_${a}`, entity_id: 'ent_bench', bank_id: 'bnk_bench', name: `Bench ${a}`, number: ibanOf(a).slice(-10),
      number_masked: `**** ${ibanOf(a).slice(-4)}`, iban: ibanOf(a), currency: 'EUR', type: 'operating', status: 'active', tier: 'I', opened_on: '2020-01-01',
    })),
  )
  return { db, file }
}

interface PassResult {
  sample: Sample
  entries: number
  created: number
  duplicate: number
  updated: number
  /** Transactions each file stored new, in file order. */
  createdPerFile: number[]
}

async function importAll(db: Db, files: BenchFile[]): Promise<PassResult> {
  let created = 0
  let duplicate = 0
  let updated = 0
  const createdPerFile: number[] = []
  const entries = files.reduce((n, f) => n + f.entries, 0)
  const sample = await timed(async () => {
    for (const file of files) {
      const summary = await importStatements(db, file.format, file.statements, { fileName: file.name })
      created += summary.totals.entriesNew
      duplicate += summary.totals.entriesDuplicate
      updated += summary.totals.entriesUpdated
      createdPerFile.push(summary.totals.entriesNew)
    }
  })
  return { sample, entries, created, duplicate, updated, createdPerFile }
}

/**
 * The rows pass 1 stored, re-inserted row by row with one prepared statement (better-sqlite3
 * directly), in one transaction per file as the import writes them.
 */
async function baseline(dir: string, source: string, accounts: number, perFile: readonly number[], keyOnly = false): Promise<{ sample: Sample; rows: number }> {
  const { db, file } = await freshDb(dir, 'baseline.db', accounts)
  await db.destroy()
  if (keyOnly) {
    const bare = new SQLite(file)
    bare.exec('drop index transactions_account_date; drop index transactions_date')
    bare.close()
  }
  const from = new SQLite(source, { readonly: true })
  from.defaultSafeIntegers(true)
  const columns = ['account_id', 'dedupe_key', 'booking_date', 'value_date', 'amount', 'currency', 'status', 'bank_reference', 'end_to_end_id', 'counterparty_name', 'counterparty_account', 'counterparty_bank', 'purpose', 'bank_transaction_code', 'source', 'created_at']
  const rows = from.prepare(`select ${columns.join(',')} from transactions order by id`).raw().all() as unknown[][]
  from.close()
  const to = new SQLite(file)
  to.pragma('journal_mode = WAL')
  to.pragma('synchronous = NORMAL')
  to.pragma('foreign_keys = ' + (keyOnly ? 'OFF' : 'ON'))
  to.defaultSafeIntegers(true)
  const insert = to.prepare(`insert into transactions (${columns.join(',')}) values (${columns.map(() => '?').join(',')}) on conflict (account_id, dedupe_key) do nothing`)
  const insertAll = to.transaction((part: unknown[][]) => {
    for (const row of part) insert.run(row)
  })
  const sample = await timed(() => {
    let at = 0
    for (const n of perFile) {
      insertAll(rows.slice(at, at + n))
      at += n
    }
  })
  to.close()
  return { sample, rows: rows.length }
}

/** The generator's MT940 account (src/formats/generate.ts). */
const GENERATED_IBAN = 'DE89370400440532013000'

/** Imports a generated MT940 file of `megabytes` streamed from disk into a fresh database; prints throughput and peak RSS. */
async function benchBigFile(dir: string, megabytes: number): Promise<void> {
  const file = path.join(dir, 'big.sta')
  const atStart = process.memoryUsage().rss
  writeMt940File(file, megabytes * 1e6)
  const bytes = statSync(file).size
  const { db } = await freshDb(dir, 'big.db', 0)
  await insertRows(db, 'accounts', [
    {
      id: 'acc_generated', entity_id: 'ent_bench', bank_id: 'bnk_bench', name: 'Generated', number: '0532013000', number_masked: '**** 3000',
      iban: GENERATED_IBAN, currency: 'EUR', type: 'operating', status: 'active', tier: 'I', opened_on: '2020-01-01',
    },
  ])
  try {
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 20)
    let entries = 0
    const sample = await timed(async () => {
      const summary = await importStatementStream(db, createReadStream(file, { highWaterMark: 1 << 16 }), { fileName: 'big.sta', totalBytes: bytes })
      entries = summary.totals.entries
    })
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    console.log(`${line(`MT940 file from disk (${(bytes / 1e6).toFixed(0)} MB)`, entries, sample)} | ${(bytes / 1e6 / (sample.wall / 1000)).toFixed(1)} MB/s wall`)
    console.log(`${''.padEnd(34)} parse + ingest in one transaction; peak RSS ${(peak / 1e6).toFixed(0)} MB (${(atStart / 1e6).toFixed(0)} MB at start, ${(before / 1e6).toFixed(0)} MB after writing the file)`)
  } finally {
    await db.destroy()
    rmSync(file, { force: true })
    for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(dir, `big.db${suffix}`), { force: true })
  }
}

const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US')

function line(label: string, entries: number, sample: Sample, unit = 'entries'): string {
  return `${label.padEnd(34)} ${entries.toLocaleString('en-US')} ${unit}: wall ${(sample.wall / 1000).toFixed(2)} s = ${rate(entries, sample.wall)}/s | CPU ${(sample.cpu / 1000).toFixed(2)} s = ${rate(entries, sample.cpu)}/s`
}

export async function benchIngest(args: string[]): Promise<void> {
  const total = option(args, 'entries', 300_000)
  const accounts = option(args, 'accounts', 20)
  const perFile = option(args, 'file-entries', 20_000)
  const runs = Math.max(1, option(args, 'runs', 3))
  const bigSize = option(args, 'size', 100)
  console.log(`statement ingest into SQLite: node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times suffer on a busy machine; CPU times less)`)
  const dir = mkdtempSync(path.join(tmpdir(), 'treasury-bench-ingest-'))
  try {
    // First, while the heap is small: the peak RSS is the streaming import's own.
    if (bigSize > 0) await benchBigFile(dir, bigSize)
    await benchStatements(dir, total, accounts, perFile, runs)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function benchStatements(dir: string, total: number, accounts: number, perFile: number, runs: number): Promise<void> {
  const files = buildFiles(total, accounts, perFile)
  const entries = files.reduce((n, f) => n + f.entries, 0)
  const statements = files.reduce((n, f) => n + f.statements.length, 0)
  console.log(`data: ${files.length} files, ${statements} statements, ${entries.toLocaleString('en-US')} entries over ${accounts} accounts (MT940 and camt.053 alternating; run ${runs}×, each into a fresh database)`)
  const first: PassResult[] = []
  const second: PassResult[] = []
  const floor: { sample: Sample; rows: number }[] = []
  const keyFloor: { sample: Sample; rows: number }[] = []
  for (let run = 0; run < runs; run++) {
    const { db, file } = await freshDb(dir, `ingest-${run}.db`, accounts)
    try {
      first.push(await importAll(db, files))
      second.push(await importAll(db, files))
    } finally {
      await db.destroy()
    }
    floor.push(await baseline(dir, file, accounts, first.at(-1)!.createdPerFile))
    rmSync(path.join(dir, 'baseline.db'), { force: true })
    keyFloor.push(await baseline(dir, file, accounts, first.at(-1)!.createdPerFile, true))
    rmSync(file, { force: true })
    rmSync(path.join(dir, 'baseline.db'), { force: true })
    console.log(`  run ${run + 1}: pass 1 ${rate(entries, first.at(-1)!.sample.wall)}/s wall, pass 2 ${rate(entries, second.at(-1)!.sample.wall)}/s wall, baseline ${rate(floor.at(-1)!.rows, floor.at(-1)!.sample.wall)}/s wall, key only ${rate(keyFloor.at(-1)!.rows, keyFloor.at(-1)!.sample.wall)}/s wall`)
  }
  const median = (samples: Sample[]): Sample => {
    const wall = samples.map((s) => s.wall).sort((a, b) => a - b)
    const cpu = samples.map((s) => s.cpu).sort((a, b) => a - b)
    return { wall: wall[Math.floor(wall.length / 2)]!, cpu: cpu[Math.floor(cpu.length / 2)]! }
  }
  const p1 = median(first.map((r) => r.sample))
  const p2 = median(second.map((r) => r.sample))
  const base = median(floor.map((r) => r.sample))
  const keyBase = median(keyFloor.map((r) => r.sample))
  const last = first.at(-1)!
  const again = second.at(-1)!
  console.log(line('pass 1 (new entries, median)', entries, p1) + ' — target ≥ 100,000/s')
  console.log(`${''.padEnd(34)} stored ${last.created.toLocaleString('en-US')} transactions new, ${last.duplicate} duplicate, ${last.updated} updated`)
  console.log(line('pass 2 (all duplicates, median)', entries, p2))
  console.log(`${''.padEnd(34)} stored ${again.created} transactions new, ${again.duplicate.toLocaleString('en-US')} duplicate, ${again.updated} updated`)
  console.log(line('baseline: bare prepared INSERT', floor.at(-1)!.rows, base, 'rows'))
  console.log(line('  the same, dedupe key index only', keyFloor.at(-1)!.rows, keyBase, 'rows'))
  // The same rows on both sides (a split batch entry is two rows): the ratio of rows/s is that of the times.
  console.log(
    `${'ratio'.padEnd(34)} pass 1 ÷ baseline (rows/s) = ${(base.wall / p1.wall).toFixed(2)} by wall time, ${(base.cpu / p1.cpu).toFixed(2)} by CPU time (same run)`,
  )
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
}
