import { spawnSync } from 'node:child_process'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp } from '@treasury/server/app'
import { seedDemo } from '@treasury/server/demo/index'
import { MAX_DEPTH, wire } from '@treasury/shared/wire'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb, type TestDb } from '../support/databases.js'

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server')

describe('HTTP API', () => {
  let t: TestDb
  let server: Server
  let base: string

  beforeAll(async () => {
    t = await openTestDb('sqlite')
    await seedDemo(t.db, { seed: 42, endDate: '2026-11-20', scale: 'demo' })
    server = createApp(t.db).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }, 120_000)
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve))
    await t?.drop()
  })

  const query = (procedure: string, input: unknown) =>
    fetch(`${base}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(wire.serialize(input)))}`)

  it('answers /healthz', async () => {
    const res = await fetch(`${base}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('serves position.summary with bigint amounts through the wire format', async () => {
    const res = await query('position.summary', { currency: 'CNY', groupBy: 'bank', asOf: '2026-11-20' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { result: { data: unknown } }
    const data = wire.deserialize<{ total: bigint; rows: unknown[] }>(body.result.data)
    expect(typeof data.total).toBe('bigint')
    expect(data.rows.length).toBeGreaterThanOrEqual(8)
  })

  it.each([
    ['an unknown currency', 'position.summary', { currency: 'XXX', groupBy: 'bank' }, 400, 'currency'],
    ['a bad groupBy', 'position.summary', { currency: 'CNY', groupBy: 'planet' }, 400, 'groupBy'],
    ['a malformed date', 'accounts.list', { asOf: '20-11-2026' }, 400, 'asOf'],
    ['an as-of day in the future', 'position.summary', { currency: 'CNY', groupBy: 'bank', asOf: '2099-01-01' }, 400, '2099-01-01 is after today'],
    ['a trend running into the future', 'position.trend', { currency: 'CNY', from: '2098-12-01', to: '2099-01-01' }, 400, 'no figures of a future day'],
    ['an unknown field', 'accounts.list', { colour: 'red' }, 400, 'colour'],
    ['a limit over 500', 'transactions.list', { limit: 1000 }, 400, 'limit'],
    ['an unknown entity id', 'accounts.list', { entityId: 'ent_missing' }, 404, 'ent_missing'],
  ])('answers %s with a clear status', async (_name, procedure, input, status, field) => {
    const res = await query(procedure, input)
    expect(res.status).toBe(status)
    const text = await res.text()
    expect(text).not.toMatch(/at .*\.ts:\d+|stack|SELECT|select /)
    if (field) expect(wire.deserialize<{ error: { message: string } }>(JSON.parse(text)).error.message).toContain(field)
  })

  it('answers a malformed wire tag with 400 naming it', async () => {
    const res = await fetch(`${base}/trpc/accounts.list?input=${encodeURIComponent('{"asOf":{"$n":"12.5"}}')}`)
    expect(res.status).toBe(400)
    expect(wire.deserialize<{ error: { message: string } }>(await res.json()).error.message).toBe('malformed bigint on the wire: "12.5"')
  })

  it('answers input nested too deep with 400 naming the limit', async () => {
    const deep = '['.repeat(MAX_DEPTH + 50) + ']'.repeat(MAX_DEPTH + 50)
    const res = await fetch(`${base}/trpc/accounts.list?input=${encodeURIComponent(deep)}`)
    expect(res.status).toBe(400)
    expect(wire.deserialize<{ error: { message: string } }>(await res.json()).error.message).toBe(`the data nests deeper than ${MAX_DEPTH} levels`)
  })

  it('answers malformed JSON input with 400, not 500', async () => {
    const res = await fetch(`${base}/trpc/position.summary?input=%7Bnot-json`)
    expect(res.status).toBe(400)
    expect(await res.text()).not.toContain('stack')
  })
})

describe('startup', () => {
  it('stops with one clear line when PostgreSQL is unreachable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^treasury-cloud: cannot open the database \(PostgreSQL 127\.0\.0\.1:1\/none\): .*ECONNREFUSED/)
  })

  it('stops with one clear line on a bad setting', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: { ...process.env, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toMatch(/^treasury-cloud: invalid configuration: PORT: [^\n]+$/)
  })
})
