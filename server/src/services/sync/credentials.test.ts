import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createDb } from '../../db/client.js'
import { ConfigError, loadEnv } from '../../env.js'
import { CredentialCipher, CredentialsError, credentialCipherFor, isSealed } from './credentials.js'

const secret = { clientId: 'treasury', clientSecret: 's3cr3t-value' }

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(randomBytes(32))

  it('seals credentials so that the secret is not in the stored text, and opens them again', () => {
    const sealed = cipher.seal('conn_a', secret)
    expect(isSealed(sealed)).toBe(true)
    expect(sealed).toMatch(new RegExp(`^enc:v1:${cipher.keyId}:`))
    expect(sealed).not.toContain('s3cr3t')
    expect(sealed).not.toContain('treasury')
    expect(cipher.open('conn_a', sealed)).toEqual(secret)
    // A fresh IV every time: equal credentials do not give equal text.
    expect(cipher.seal('conn_a', secret)).not.toBe(sealed)
  })

  it('refuses a value sealed for another connection, altered, or sealed with another key — saying which', () => {
    const sealed = cipher.seal('conn_a', secret)
    expect(() => cipher.open('conn_b', sealed)).toThrow(/conn_b.*altered or belong to another connection/)
    const parts = sealed.split(':')
    const data = Buffer.from(parts[5]!, 'base64url')
    data[0] = data[0]! ^ 1
    parts[5] = data.toString('base64url')
    expect(() => cipher.open('conn_a', parts.join(':'))).toThrow(CredentialsError)
    const other = new CredentialCipher(randomBytes(32))
    expect(() => other.open('conn_a', sealed)).toThrow(new RegExp(`sealed with another key \\(id ${cipher.keyId}, this process has ${other.keyId}\\).*CREDENTIALS_KEY`))
    expect(() => cipher.open('conn_a', 'enc:v1:broken')).toThrow(/damaged/)
    // A shortened authentication tag is damage, not a weaker check.
    const short = sealed.split(':')
    short[4] = Buffer.from(short[4]!, 'base64url').subarray(0, 4).toString('base64url')
    expect(() => cipher.open('conn_a', short.join(':'))).toThrow(/damaged/)
  })

  it('reads credentials stored in clear by an older version, and nothing else', () => {
    expect(isSealed(JSON.stringify(secret))).toBe(false)
    expect(cipher.open('conn_a', JSON.stringify(secret))).toEqual(secret)
    expect(() => cipher.open('conn_a', '[1,2]')).toThrow(/not an object of strings/)
    expect(() => cipher.open('conn_a', 'plain text')).toThrow(/neither sealed nor a JSON object/)
  })

  it('takes only a 32-byte key', () => {
    expect(() => new CredentialCipher(randomBytes(16))).toThrow(/32 bytes, got 16/)
  })
})

describe('the key of a database', () => {
  const saved = process.env.CREDENTIALS_KEY
  const dirs: string[] = []
  afterEach(async () => {
    if (saved === undefined) delete process.env.CREDENTIALS_KEY
    else process.env.CREDENTIALS_KEY = saved
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })

  it('without CREDENTIALS_KEY: a key file beside the SQLite file, created once (mode 0600) and shared by every handle', async () => {
    delete process.env.CREDENTIALS_KEY
    const dir = await mkdtemp(path.join(os.tmpdir(), 'treasury-credentials-'))
    dirs.push(dir)
    const file = path.join(dir, 'treasury.db')
    const one = createDb({ kind: 'sqlite', file })
    const two = createDb({ kind: 'sqlite', file })
    try {
      const [a, b] = await Promise.all([credentialCipherFor(one), credentialCipherFor(two)])
      expect(a.keyId).toBe(b.keyId)
      expect(a.source).toContain(path.join(dir, 'credentials.key'))
      expect(b.open('conn_a', a.seal('conn_a', secret))).toEqual(secret)
      const keyFile = path.join(dir, 'credentials.key')
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
      expect(Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64')).toHaveLength(32)
    } finally {
      await one.destroy()
      await two.destroy()
    }
  })

  it('CREDENTIALS_KEY wins when set; a bad one is refused naming the variable', async () => {
    const key = randomBytes(32)
    process.env.CREDENTIALS_KEY = key.toString('hex')
    const db = createDb({ kind: 'sqlite', file: ':memory:' })
    try {
      const cipher = await credentialCipherFor(db)
      expect(cipher.source).toBe('CREDENTIALS_KEY')
      expect(new CredentialCipher(key).open('conn_a', cipher.seal('conn_a', secret))).toEqual(secret)
    } finally {
      await db.destroy()
    }
    process.env.CREDENTIALS_KEY = 'too-short'
    const other = createDb({ kind: 'sqlite', file: ':memory:' })
    try {
      await expect(credentialCipherFor(other)).rejects.toThrow(/^CREDENTIALS_KEY: expected 32 random bytes/)
    } finally {
      await other.destroy()
    }
  })

  it('is validated at start with the rest of the configuration (one line naming it)', () => {
    expect(loadEnv({ CREDENTIALS_KEY: randomBytes(32).toString('base64') }).CREDENTIALS_KEY).toHaveLength(32)
    expect(loadEnv({ CREDENTIALS_KEY: '' }).CREDENTIALS_KEY).toBeUndefined()
    expect(() => loadEnv({ CREDENTIALS_KEY: 'abc' })).toThrow(ConfigError)
    expect(() => loadEnv({ CREDENTIALS_KEY: 'abc' })).toThrow(/^invalid configuration: CREDENTIALS_KEY: expected 32 random bytes/)
    expect(() => loadEnv({ SYNC_RUNS_KEEP_DAYS: '0' })).toThrow(/^invalid configuration: SYNC_RUNS_KEEP_DAYS: /)
  })

  it('an in-memory database gets a key that lives as long as the process', async () => {
    delete process.env.CREDENTIALS_KEY
    const db = createDb({ kind: 'sqlite', file: ':memory:' })
    try {
      const cipher = await credentialCipherFor(db)
      expect(cipher.source).toMatch(/random key of this process/)
      expect(await credentialCipherFor(db)).toBe(cipher)
    } finally {
      await db.destroy()
    }
  })
})
