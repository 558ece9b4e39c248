import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { createDb, migrateToLatest } from '../db/client.js'
import { loadEnv } from '../env.js'
import { STATEMENT_FORMAT_OPTIONS } from '../formats/index.js'
import { describeAccount, importStatementStream, type ImportSummary } from '../services/statement-import.js'
import { formatOption, onePath, readArgs } from './args.js'
import type { CliCommand, CliIo } from './command.js'

const USAGE = `usage: import <file|folder> [--format ${STATEMENT_FORMAT_OPTIONS.join('|')}] [--create-under <entityId>]`

/** Files at least this big get a progress bar even on their own. */
const LARGE_FILE_BYTES = 5 * 1024 * 1024

/** Read size from disk: the parser takes the file in chunks of this many bytes. */
const READ_CHUNK_BYTES = 1 << 16

/**
 * `import <file|folder> [--format …] [--create-under <entityId>]`: ingests statement files into the
 * configured database (DATABASE_URL, as the app), each file in one transaction, and prints a
 * summary. Files are streamed from disk (a file of any size is imported with bounded memory). A
 * folder is walked recursively (hidden files and *.json/*.md skipped). A file that fails to parse
 * or import stops the run with one line on stderr and exit code 1 and writes nothing of it; files
 * imported before it stay imported (importing them again changes nothing).
 *
 * @example
 * pnpm cli import statements/2026-11/ --create-under ent_sh
 */
export const command: CliCommand = {
  summary: 'import bank statement files (a file or a folder) into the database',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = readArgs(args, {
      format: { type: 'string', short: 'f', default: 'auto' },
      'create-under': { type: 'string' },
    })
    const { display, path: target } = onePath(positionals, 'file or folder')
    const format = formatOption(values.format)
    const files = await collectFiles(target, display)
    if (files.length === 0) throw new Error(`no statement files in ${display}`)

    const env = loadEnv()
    const db = createDb(env.DATABASE_URL)
    try {
      await migrateToLatest(db)
      const bar = new ProgressBar(io, files.length > 1 || files.some((f) => f.size >= LARGE_FILE_BYTES))
      const summaries: ImportSummary[] = []
      for (const [i, file] of files.entries()) {
        const label = `${i + 1}/${files.length} ${path.basename(file.path)}`
        bar.update(label, i / files.length)
        const summary = await importStatementStream(db, createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES }), {
          fileName: file.display,
          format,
          totalBytes: file.size,
          createUnknownUnder: values['create-under'],
          onProgress: ({ bytes, totalBytes }) => bar.update(label, (i + (totalBytes ? Math.min(1, bytes / totalBytes) : 1)) / files.length),
        })
        summaries.push(summary)
      }
      bar.done()
      io.stdout(renderSummary(summaries))
      return 0
    } finally {
      await db.destroy()
    }
  },
}

async function collectFiles(target: string, display: string): Promise<{ path: string; display: string; size: number }[]> {
  let info
  try {
    info = await stat(target)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(`cannot read ${display}: ${code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`)
  }
  if (info.isFile()) return [{ path: target, display: path.basename(target), size: info.size }]
  const out: { path: string; display: string; size: number }[] = []
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile() && !/\.(json|md)$/i.test(entry.name)) {
        out.push({ path: full, display: path.relative(target, full), size: (await stat(full)).size })
      }
    }
  }
  await walk(target)
  return out
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, a few plain lines otherwise). */
class ProgressBar {
  private lastDrawn = -1
  private readonly tty: boolean

  constructor(
    private readonly io: CliIo,
    private readonly enabled: boolean,
  ) {
    this.tty = process.stderr.isTTY === true
  }

  update(label: string, fraction: number) {
    if (!this.enabled) return
    const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)))
    // Not a terminal: one line per 10 %, so logs stay short.
    if (!this.tty && Math.floor(percent / 10) === Math.floor(this.lastDrawn / 10)) return
    if (this.tty && percent === this.lastDrawn) return
    this.lastDrawn = percent
    const width = 30
    const filled = Math.round((percent / 100) * width)
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${label}`
    this.io.stderr(this.tty ? `\r${line.slice(0, 100).padEnd(100)}` : `${line}\n`)
  }

  done() {
    if (!this.enabled) return
    this.update('done', 1)
    if (this.tty) this.io.stderr('\n')
  }
}

export function renderSummary(summaries: readonly ImportSummary[]): string {
  const t = {
    files: summaries.length,
    statements: 0,
    imported: 0,
    created: 0,
    entriesNew: 0,
    entriesUpdated: 0,
    entriesDuplicate: 0,
    pendingReplaced: 0,
    batchesSplit: 0,
    balances: 0,
    warnings: 0,
    reconciliationFailures: 0,
  }
  const lines: string[] = []
  const unknown = new Map<string, string>()
  for (const s of summaries) {
    for (const key of Object.keys(t) as (keyof typeof t)[]) if (key !== 'files') t[key] += s.totals[key]
    lines.push(
      `${s.fileName} (${s.format}): ${s.totals.statements} statement(s), ${s.totals.entriesNew} new, ${s.totals.entriesDuplicate} duplicate, ${s.totals.entriesUpdated} updated entries`,
    )
    for (const w of s.warnings) lines.push(`  warning: ${w.code}${w.line ? ` line ${w.line}` : ''}${w.element ? ` ${w.element}` : ''}: ${w.message}`)
    for (const st of s.statements) {
      for (const w of st.warnings) lines.push(`  warning: statement ${st.statementRef ?? st.index + 1}: ${w}`)
    }
    for (const u of s.unknownAccounts) unknown.set(describeAccount(u), `${describeAccount(u)} (${u.currency})`)
  }
  lines.push(
    '',
    `files: ${t.files}`,
    `statements: ${t.statements} (${t.imported} imported${t.created ? `, ${t.created} into new accounts` : ''}, ${t.statements - t.imported} of unknown accounts)`,
    `entries: ${t.entriesNew} new, ${t.entriesDuplicate} duplicate, ${t.entriesUpdated} updated${t.pendingReplaced ? `, ${t.pendingReplaced} pending replaced` : ''}${t.batchesSplit ? ` (${t.batchesSplit} batch entries stored as their transactions)` : ''}`,
    `balances: ${t.balances}`,
    `warnings: ${t.warnings} (${t.reconciliationFailures} statement(s) not reconciling)`,
    `unknown accounts: ${unknown.size ? [...unknown.values()].join('; ') : 'none'}`,
  )
  return `${lines.join('\n')}\n`
}
