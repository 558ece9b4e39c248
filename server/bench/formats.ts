import { createReadStream, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance, PerformanceObserver } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { generateCamt053, generateMt940 } from '../src/formats/generate.js'
import { parseStatementFile, parseStatementStream } from '../src/formats/index.js'
import { numberOption as option, writeMt940File } from './files.js'
import { percentile } from './stats.js'

/**
 * Statement parser throughput on generated files (src/formats/generate.ts): MT940 and camt.053 in
 * MB/s, whole-file (bytes → ParsedFile, decoding included) and streaming (64 KiB chunks, statements
 * handed over one by one), the npm package mt940js on the same MT940 text in the same run (ours and
 * theirs alternate, run by run), and the peak RSS while streaming a big MT940 file from disk.
 * The machine may be shared: every figure is given as wall time and as CPU time of this process
 * (process.cpuUsage, which also counts the garbage collector's helper threads), the in-memory runs
 * also with the time the main thread spent paused for garbage collection (a whole-file parse keeps
 * every entry until it returns, and the collector copies what is kept; a stream lets it go).
 * Targets: MT940 ≥ 50 MB/s, camt.053 ≥ 25 MB/s, bounded memory on a 500 MB file.
 *
 *   tsx bench/formats.ts [--mb 20] [--runs 5] [--warmup 2] [--size 500]      (--name=value works too)
 *   --mb    size of the in-memory files    --runs  measured runs    --warmup  runs before them
 *   --size  MB of the MT940 file streamed from disk (0: skip)
 */

const require = createRequire(import.meta.url)

interface Mt940js {
  Parser: new () => { parse: (text: string) => { transactions: unknown[] }[] }
}

interface Sample {
  wall: number
  cpu: number
  /** When it ran (performance.now() ms), to find the garbage collections that happened meanwhile. */
  from: number
  to: number
}

/** Main-thread garbage-collection pauses (start and duration in ms), while {@link benchFormats} runs. */
const gcPauses: { start: number; duration: number }[] = []
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration })
})

/** Runs `fn`, returning wall and CPU milliseconds. */
async function timed(fn: () => unknown): Promise<Sample> {
  const cpu = process.cpuUsage()
  const from = performance.now()
  const start = process.hrtime.bigint()
  await fn()
  const wall = Number(process.hrtime.bigint() - start) / 1e6
  const used = process.cpuUsage(cpu)
  return { wall, cpu: (used.user + used.system) / 1000, from, to: performance.now() }
}

/** Milliseconds of garbage-collection pauses during a sample (the observer reports them a little later). */
const gcDuring = (sample: Sample) =>
  gcPauses.reduce((sum, pause) => (pause.start >= sample.from && pause.start < sample.to ? sum + pause.duration : sum), 0)

interface Stats {
  wall: number
  cpu: number
  bestCpu: number
  gc: number
}

function summarize(samples: Sample[]): Stats {
  const wall = samples.map((s) => s.wall).sort((a, b) => a - b)
  const cpu = samples.map((s) => s.cpu).sort((a, b) => a - b)
  const gc = samples.map(gcDuring).sort((a, b) => a - b)
  return { wall: percentile(wall, 50), cpu: percentile(cpu, 50), bestCpu: cpu[0]!, gc: percentile(gc, 50) }
}

const rate = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000)
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`
const fixed = (value: number, digits = 1) => value.toFixed(digits)

function line(label: string, bytes: number, entries: number, stats: Stats, target?: number): string {
  return (
    `${label.padEnd(20)} ${mb(bytes)}, ${entries} entries: ` +
    `wall p50 ${fixed(stats.wall, 0)} ms = ${fixed(rate(bytes, stats.wall))} MB/s | ` +
    `CPU p50 ${fixed(stats.cpu, 0)} ms = ${fixed(rate(bytes, stats.cpu))} MB/s (best ${fixed(rate(bytes, stats.bestCpu))}) | ` +
    `GC pauses p50 ${fixed(stats.gc, 0)} ms` +
    (target ? ` — target ≥ ${target}` : '')
  )
}

async function* chunked(bytes: Uint8Array, size = 1 << 16): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

const countEntries = (file: { statements: { entries: unknown[] }[] }) => file.statements.reduce((n, s) => n + s.entries.length, 0)

/** Whole-file and streaming throughput of one format; returns the whole-file samples. */
async function benchFormat(
  label: string,
  bytes: Uint8Array,
  format: 'mt940' | 'camt053',
  runs: number,
  warmup: number,
  other?: (sample: Sample) => Promise<void>,
): Promise<void> {
  const entries = countEntries(parseStatementFile(bytes, format))
  const whole: Sample[] = []
  const streamed: Sample[] = []
  const stream = () =>
    parseStatementStream(chunked(bytes), format, {}, () => {
      // The consumer keeps nothing: statements are garbage as soon as they are handed over.
    })
  for (let i = 0; i < warmup; i++) {
    parseStatementFile(bytes, format)
    await stream()
  }
  for (let i = 0; i < runs; i++) {
    whole.push(await timed(() => parseStatementFile(bytes, format)))
    if (other) await other(whole.at(-1)!)
    streamed.push(await timed(stream))
  }
  await new Promise((resolve) => setTimeout(resolve, 50)) // the last runs' GC entries
  console.log(line(`${label} whole-file`, bytes.length, entries, summarize(whole), format === 'mt940' ? 50 : 25))
  console.log(line(`${label} streaming`, bytes.length, entries, summarize(streamed), format === 'mt940' ? 50 : 25))
}

/** Streams a generated MT940 file of `megabytes` from disk; prints throughput and peak RSS. */
async function benchBigStream(megabytes: number): Promise<void> {
  const path = join(tmpdir(), `treasury-bench-${process.pid}.sta`)
  const atStart = process.memoryUsage().rss
  try {
    writeMt940File(path, megabytes * 1e6)
    const size = statSync(path).size
    const before = process.memoryUsage().rss
    let peak = before
    let statements = 0
    let entries = 0
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 20)
    const sample = await timed(() =>
      parseStatementStream(createReadStream(path, { highWaterMark: 1 << 16 }), 'mt940', {}, (statement) => {
        statements++
        entries += statement.entries.length
        if (statements % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss)
      }),
    )
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    console.log(
      `${'MT940 from disk'.padEnd(20)} ${mb(size)}, ${statements} statements, ${entries} entries: ` +
        `wall ${fixed(sample.wall / 1000)} s = ${fixed(rate(size, sample.wall))} MB/s | CPU ${fixed(sample.cpu / 1000)} s = ${fixed(rate(size, sample.cpu))} MB/s`,
    )
    console.log(
      `${'  memory'.padEnd(20)} peak RSS ${fixed(peak / 1e6, 0)} MB while streaming a ${mb(size)} file (RSS ${fixed(atStart / 1e6, 0)} MB at start, ` +
        `${fixed(before / 1e6, 0)} MB after writing the file; process max RSS ${fixed((process.resourceUsage().maxRSS * 1024) / 1e6, 0)} MB)`,
    )
  } finally {
    rmSync(path, { force: true })
  }
}

export async function benchFormats(args: string[]): Promise<void> {
  gcObserver.observe({ entryTypes: ['gc'] })
  try {
    await run(args)
  } finally {
    gcObserver.disconnect()
  }
}

async function run(args: string[]): Promise<void> {
  const megabytes = option(args, 'mb', 20)
  const runs = option(args, 'runs', 5)
  const bigSize = option(args, 'size', 500)
  const warmup = option(args, 'warmup', 2)
  const encoder = new TextEncoder()
  console.log(`statement parsers: node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times suffer on a busy machine; CPU times less)`)

  // First, while the heap is small: the big file's peak RSS is the streaming's own.
  if (bigSize > 0) await benchBigStream(bigSize)

  const mtText = generateMt940(megabytes * 1e6)
  const mtBytes = encoder.encode(mtText)
  const { Parser } = require('mt940js') as Mt940js
  const other = new Parser()
  const otherEntries = other.parse(mtText).reduce((n, s) => n + s.transactions.length, 0)
  for (let i = 0; i < warmup; i++) other.parse(mtText)
  const ours: Sample[] = []
  const theirs: Sample[] = []
  await benchFormat('MT940', mtBytes, 'mt940', runs, warmup, async (sample) => {
    ours.push(sample)
    theirs.push(await timed(() => other.parse(mtText)))
  })
  const mine = summarize(ours)
  const them = summarize(theirs)
  console.log(line('mt940js (same text)', mtBytes.length, otherEntries, them))
  console.log(
    `${'ratio'.padEnd(20)} ours / mt940js = ${fixed(them.wall / mine.wall, 2)}x by wall time, ${fixed(them.cpu / mine.cpu, 2)}x by CPU time ` +
      `(same run, alternating; theirs parses the decoded text, ours the bytes)`,
  )

  const camtBytes = encoder.encode(generateCamt053(megabytes * 1e6))
  await benchFormat('camt.053', camtBytes, 'camt053', runs, warmup)
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchFormats(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`bench formats failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
