import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StatementParseError } from '@treasury/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { generateMt940 } from '../formats/generate.js'
import { parseStatementFile } from '../formats/index.js'
import { FIXTURES, fixture, statementFixtures } from '../formats/test-support.js'
import type { CliIo } from './command.js'
import { runCli } from './main.js'
import { PARSE_LIMITS } from './parse.js'

const SERVER = fileURLToPath(new URL('../../', import.meta.url))

async function run(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => (stderr += text),
  }
  const code = await runCli(argv, io)
  return { code, stdout, stderr }
}

describe('cli parse', () => {
  it('prints the statements of a fixture as JSON with amounts as signed minor-unit strings', async () => {
    const { code, stdout, stderr } = await run(['parse', join(FIXTURES, 'mt940/svenstaro_mt940-rs/jejik/knab.sta')])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const json = JSON.parse(stdout)
    expect(json.format).toBe('mt940')
    // The anonymised upstream file does not add up: a warning, printed with the statements.
    expect(json.warnings).toEqual([expect.objectContaining({ code: 'reconciliation-mismatch' })])
    expect(json.statements).toHaveLength(2)
    expect(json.statements[1].account).toEqual({ number: '123456789' })
    expect(json.statements[1].balances[0]).toEqual({ type: 'OPBD', amount: '305898', date: '2014-07-29' })
    expect(json.statements[1].entries[0]).toMatchObject({
      amount: '-726000',
      currency: 'EUR',
      status: 'BOOK',
      bookingDate: '2014-07-29',
      valueDate: '2014-07-29',
    })
    expect(Object.keys(json.statements[1].entries[0]).slice(0, 5)).toEqual(['amount', 'currency', 'status', 'bookingDate', 'valueDate'])
  })

  it('takes --format and reports a wrong one in one line', async () => {
    const path = join(FIXTURES, 'bai2/ministryofjustice_bai2/citi_example.bai2')
    const ok = await run(['parse', path, '--format', 'bai2'])
    expect(JSON.parse(ok.stdout).statements[0].currency).toBe('GBP')
    const wrong = await run(['parse', path, '--format', 'camt053'])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr.trimEnd().split('\n')).toHaveLength(1)
    const unknown = await run(['parse', path, '--format', 'csv'])
    expect(unknown).toMatchObject({ code: 1, stdout: '' })
    expect(unknown.stderr).toMatch(/^error: unknown format "csv" \(usage: parse <file>/)
  })

  it('unknown commands and missing files fail with one line', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 1, stderr: 'error: unknown command "frobnicate" (commands: parse, import)\n' })
    const missing = await run(['parse', '/nonexistent/statement.sta'])
    expect(missing).toMatchObject({ code: 1, stderr: 'error: cannot read /nonexistent/statement.sta: no such file\n' })
  })

  it('runs as a process: JSON on stdout, and for a bad file exit 1 with one stderr line and no stack trace', () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: SERVER, encoding: 'utf8', env: { ...process.env, INIT_CWD: '' } })
    const good = cli(['parse', join(FIXTURES, 'camt053/genkgo_camt/camt053.v2.multi.statement.xml')])
    expect(good.status).toBe(0)
    expect(JSON.parse(good.stdout).statements.map((s: { id: string }) => s.id)).toEqual(['253EURNL26VAYB8060476890', '254EURNL26VAYB8060476890'])
    const bad = cli(['parse', join(FIXTURES, 'mt940/svenstaro_mt940-rs/special-cases/february_30.sta')])
    expect(bad.status).toBe(1)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toBe('error: mt940 line 6: :61: value date "160230" is not a calendar date\n')
  })

  describe('streamed (files of at least PARSE_LIMITS.streamFromBytes)', () => {
    const saved = { ...PARSE_LIMITS }
    afterEach(() => {
      Object.assign(PARSE_LIMITS, saved)
    })

    /** The JSON the command printed before it streamed: the whole file in one JSON.stringify. */
    function reference(path: string): string | undefined {
      const keys = {
        statement: ['id', 'sequence', 'account', 'currency', 'from', 'to', 'createdAt', 'balances', 'entries', 'additionalInfo', 'reconciliation'],
        entry: ['amount', 'currency', 'status', 'bookingDate', 'valueDate', 'reversal', 'bankTransactionCode', 'references', 'counterparty', 'remittance', 'returnReason', 'additionalInfo', 'batch'],
      }
      const ordered = (value: object, order: string[]) => Object.fromEntries(order.filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => [k, (value as Record<string, unknown>)[k]]))
      let file
      try {
        file = parseStatementFile(fixture(path))
      } catch (error) {
        if (error instanceof StatementParseError) return undefined
        throw error
      }
      const view = {
        format: file.format,
        statements: file.statements.map((s) => ({ ...ordered(s, keys.statement), entries: s.entries.map((e) => ordered(e, keys.entry)) })),
        warnings: file.warnings,
      }
      return `${JSON.stringify(view, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`
    }

    it('prints the same text as a whole-file parse for every fixture, and the same one-line error for the invalid ones', async () => {
      const paths = statementFixtures('')
      expect(paths.length).toBeGreaterThan(90)
      for (const path of paths) {
        PARSE_LIMITS.streamFromBytes = Number.MAX_SAFE_INTEGER
        const whole = await run(['parse', join(FIXTURES, path)])
        expect(whole.stdout, path).toBe(reference(path) ?? '')
        PARSE_LIMITS.streamFromBytes = 0
        const streamed = await run(['parse', join(FIXTURES, path)])
        expect(streamed.code, path).toBe(whole.code)
        expect(streamed.stderr, path).toBe(whole.stderr)
        if (whole.code === 0) expect(streamed.stdout, path).toBe(whole.stdout)
      }
    })

    it('a file of no statements prints an empty list', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tc-parse-'))
      try {
        // A BAI2 file with a group and no accounts.
        const file = join(dir, 'empty.bai2')
        await writeFile(file, '01,BANK,CUST,261127,0800,1,,,2/\n02,CUST,BANK,1,261126,,USD,2/\n98,0,0,2/\n99,0,1,4/\n')
        PARSE_LIMITS.streamFromBytes = 0
        const streamed = await run(['parse', file])
        PARSE_LIMITS.streamFromBytes = Number.MAX_SAFE_INTEGER
        const whole = await run(['parse', file])
        expect(whole.code).toBe(0)
        expect(JSON.parse(whole.stdout)).toEqual({ format: 'bai2', statements: [], warnings: [] })
        expect(streamed).toEqual(whole)
      } finally {
        await rm(dir, { recursive: true })
      }
    })

    it('a fault after statements were printed: exit 1 with one line on stderr, the JSON left unfinished', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tc-parse-'))
      try {
        const good = generateMt940(200_000)
        const file = join(dir, 'late-fault.sta')
        await writeFile(file, `${good}:20:BROKEN\r\n:25:X\r\n:28C:1\r\n:60F:C260230EUR1,00\r\n-\r\n`)
        PARSE_LIMITS.streamFromBytes = 0
        const streamed = await run(['parse', file])
        expect(streamed.code).toBe(1)
        expect(streamed.stderr).toMatch(/^error: mt940 line \d+: .*\n$/)
        expect(streamed.stdout.startsWith('{\n  "format": "mt940",\n  "statements": [\n')).toBe(true)
        expect(() => JSON.parse(streamed.stdout)).toThrow()
        PARSE_LIMITS.streamFromBytes = Number.MAX_SAFE_INTEGER
        const whole = await run(['parse', file])
        expect(whole).toEqual({ code: 1, stdout: '', stderr: streamed.stderr })
      } finally {
        await rm(dir, { recursive: true })
      }
    })

    it('names what it cannot read', async () => {
      expect(await run(['parse', FIXTURES])).toMatchObject({ code: 1, stdout: '', stderr: `error: cannot read ${FIXTURES}: not a file\n` })
    })
  })
})
