import { spawnSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { FIXTURES } from '../formats/test-support.js'
import type { CliIo } from './command.js'
import { runCli } from './main.js'

const SERVER = fileURLToPath(new URL('../../', import.meta.url))

async function run(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readFile: async (path) => new Uint8Array(await readFile(path)),
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
})
