import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadEnv } from './env.js'

describe('loadEnv', () => {
  it('defaults to loopback, port 3000 and an embedded SQLite file under ./data', () => {
    const env = loadEnv({})
    expect(env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATABASE_URL: { kind: 'sqlite' } })
    expect(env.DATABASE_URL.kind === 'sqlite' && env.DATABASE_URL.file).toBe(path.resolve(import.meta.dirname, '../../data/treasury.db'))
  })

  it('reads the statement upload limit IMPORT_MAX_BYTES in bytes, 50 MB by default', () => {
    expect(loadEnv({}).IMPORT_MAX_BYTES).toBe(50 * 1024 * 1024)
    expect(loadEnv({ IMPORT_MAX_BYTES: '1048576' }).IMPORT_MAX_BYTES).toBe(1048576)
  })

  it('accepts sqlite: and postgres:// URLs', () => {
    expect(loadEnv({ DATABASE_URL: 'sqlite:/tmp/x.db' }).DATABASE_URL).toEqual({ kind: 'sqlite', file: '/tmp/x.db' })
    // Relative to the folder the user ran the command in, not the package pnpm runs the script in.
    expect(loadEnv({ DATABASE_URL: 'sqlite:db/t.db', INIT_CWD: '/srv/app' }).DATABASE_URL).toEqual({ kind: 'sqlite', file: '/srv/app/db/t.db' })
    expect(loadEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/t' }).DATABASE_URL).toEqual({ kind: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/t' })
  })

  it.each([
    [{ PORT: 'eighty' }, /^invalid configuration: PORT: /],
    [{ PORT: '70000' }, /^invalid configuration: PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^invalid configuration: DATABASE_URL: DATABASE_URL must start with "sqlite:" or "postgres:\/\/"/],
    [{ DATABASE_URL: 'sqlite:' }, /DATABASE_URL: DATABASE_URL "sqlite:" needs a file path/],
    [{ DEMO: 'yes' }, /^invalid configuration: DEMO: /],
    [{ IMPORT_MAX_BYTES: '50MB' }, /^invalid configuration: IMPORT_MAX_BYTES: expected a whole number of bytes from 1 to 268435456 \(e\.g\. 52428800 for 50 MB\), got "50MB"$/],
    [{ IMPORT_MAX_BYTES: '0' }, /^invalid configuration: IMPORT_MAX_BYTES: /],
    [{ IMPORT_MAX_BYTES: '-5' }, /^invalid configuration: IMPORT_MAX_BYTES: /],
    [{ IMPORT_MAX_BYTES: '1e6' }, /^invalid configuration: IMPORT_MAX_BYTES: /],
    [{ IMPORT_MAX_BYTES: '999999999999' }, /^invalid configuration: IMPORT_MAX_BYTES: /],
  ])('rejects %o with one line naming the variable', (source, message) => {
    let error: unknown
    try {
      loadEnv(source)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('\n')
  })
})
