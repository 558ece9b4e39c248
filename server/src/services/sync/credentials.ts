import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Db } from '../../db/client.js'
import { listConnections, setConnectionCredentials, sqliteDatabaseFile } from '../../db/queries/connectors.js'
import { credentialsKey, loadEnv } from '../../env.js'

/**
 * Bank credentials at rest: each connection's credentials are sealed with AES-256-GCM before they
 * are written, and opened only when a sync run needs them (never for listings). The sealed text is
 * `enc:v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url), bound to its connection id (additional
 * authenticated data): a sealed value copied onto another connection does not open.
 *
 * Where the key comes from, first match wins:
 * 1. `CREDENTIALS_KEY` (32 random bytes, base64 or hex), validated at start by env.ts — set it in
 *    production, from a secret store, the same in every process sharing the database;
 * 2. SQLite file database: `credentials.key` in the database's folder, created on first use
 *    (random, mode 0600) and read after that;
 * 3. PostgreSQL: `credentials.key` in the default data folder (./data), likewise — one key per host,
 *    so several hosts on one database need (1);
 * 4. in-memory SQLite: a random key that lives as long as the process (so does the database).
 */

const PREFIX = 'enc:v1:'
const IV_BYTES = 12
const TAG_BYTES = 16

/** The credentials of a connection could not be opened (wrong key, damaged value): an operator's problem. */
export class CredentialsError extends Error {
  override name = 'CredentialsError'
}

/**
 * Seals and opens credential objects with one 32-byte key.
 *
 * @example
 * const cipher = new CredentialCipher(randomBytes(32))
 * const sealed = cipher.seal('conn_acme', { apiKey: 'k' }) // 'enc:v1:…'
 * cipher.open('conn_acme', sealed) // { apiKey: 'k' }
 */
export class CredentialCipher {
  /** The first 8 hex digits of SHA-256(key): says which key sealed a value, without revealing it. */
  readonly keyId: string
  /** Where the key came from (for logs), e.g. "CREDENTIALS_KEY". */
  readonly source: string
  private readonly key: Buffer

  constructor(key: Uint8Array, source = 'a key given in code') {
    if (key.byteLength !== 32) throw new CredentialsError(`a credentials key is 32 bytes, got ${key.byteLength}`)
    this.key = Buffer.from(key)
    this.source = source
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 8)
  }

  seal(connectionId: string, credentials: Readonly<Record<string, string>>): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(connectionId, 'utf8'))
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()])
    return `${PREFIX}${this.keyId}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ciphertext.toString('base64url')}`
  }

  /**
   * Opens what {@link seal} wrote for `connectionId`. A plain JSON object (written before
   * credentials were encrypted) is accepted too; {@link isSealed} tells the two apart.
   */
  open(connectionId: string, stored: string): Record<string, string> {
    const what = `the credentials of connection "${connectionId}"`
    if (!isSealed(stored)) return parseCredentials(stored, what)
    const [keyId, iv, tag, ciphertext] = stored.slice(PREFIX.length).split(':')
    // A tag shorter than 16 bytes would weaken GCM's authentication: refuse it as damage.
    if (!keyId || iv === undefined || tag === undefined || ciphertext === undefined || Buffer.from(tag, 'base64url').length !== TAG_BYTES) {
      throw new CredentialsError(`${what} are damaged (not enc:v1:<key>:<iv>:<tag>:<data>)`)
    }
    if (keyId !== this.keyId) {
      throw new CredentialsError(`${what} were sealed with another key (id ${keyId}, this process has ${this.keyId}): set the CREDENTIALS_KEY they were sealed with, or register the connection again`)
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(connectionId, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
      return parseCredentials(plain, what)
    } catch (error) {
      if (error instanceof CredentialsError) throw error
      throw new CredentialsError(`${what} do not open with this key: they were altered or belong to another connection`)
    }
  }
}

/** True when `stored` is a sealed value (else: legacy plain JSON). @example isSealed('{"a":"b"}') // false */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX)
}

function parseCredentials(text: string, what: string): Record<string, string> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new CredentialsError(`${what} are neither sealed nor a JSON object`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new CredentialsError(`${what} are not an object of strings`)
  }
  return value as Record<string, string>
}

/**
 * Reads the key file, or creates it: written whole under a temporary name, then linked into place
 * (which fails if the file exists), so two processes starting at once agree on one complete key.
 */
async function keyFile(file: string): Promise<Buffer> {
  try {
    return decodeKeyFile(await fs.readFile(file, 'utf8'), file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  await fs.mkdir(path.dirname(file), { recursive: true })
  const key = randomBytes(32)
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  try {
    await fs.link(temporary, file)
    return key
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return decodeKeyFile(await fs.readFile(file, 'utf8'), file)
    throw error
  } finally {
    await fs.unlink(temporary).catch(() => {})
  }
}

function decodeKeyFile(text: string, file: string): Buffer {
  const parsed = credentialsKey.safeParse(text.trim())
  if (!parsed.success) throw new CredentialsError(`the credentials key file ${file} does not hold a key (${parsed.error.issues[0]?.message ?? 'invalid'})`)
  return parsed.data
}

const ciphers = new WeakMap<Db, Promise<CredentialCipher>>()

/**
 * The cipher for this database, resolved once per database handle (see the module comment for
 * where the key comes from); `source` says where, for the log.
 *
 * @example
 * const sealed = (await credentialCipherFor(db)).seal('conn_acme', { apiKey: 'k' })
 */
export function credentialCipherFor(db: Db): Promise<CredentialCipher> {
  let cipher = ciphers.get(db)
  if (!cipher) {
    cipher = resolveKey(db).then(({ key, source }) => new CredentialCipher(key, source))
    // A failure (unreadable key file) is not cached: the operator may fix it without a restart.
    cipher.catch(() => ciphers.delete(db))
    ciphers.set(db, cipher)
  }
  return cipher
}

async function resolveKey(db: Db): Promise<{ key: Buffer; source: string }> {
  const configured = process.env.CREDENTIALS_KEY?.trim()
  if (configured) {
    const parsed = credentialsKey.safeParse(configured)
    if (!parsed.success) throw new CredentialsError(`CREDENTIALS_KEY: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
    return { key: parsed.data, source: 'CREDENTIALS_KEY' }
  }
  const sqlite = await sqliteDatabaseFile(db)
  // An in-memory database: its credentials die with it, and so may the key.
  if (sqlite === '') return { key: randomBytes(32), source: 'a random key of this process (in-memory database)' }
  let file: string
  if (sqlite !== null) file = path.join(path.dirname(sqlite), 'credentials.key')
  else {
    // PostgreSQL: the default data folder of this installation.
    const defaults = loadEnv({}).DATABASE_URL
    file = path.join(defaults.kind === 'sqlite' ? path.dirname(defaults.file) : path.resolve('data'), 'credentials.key')
  }
  return { key: await keyFile(file), source: `the key file ${file} (set CREDENTIALS_KEY to use your own)` }
}

/**
 * Seals the credentials an older version stored in clear (the engine does it at start). Returns
 * the ids sealed; a value that cannot be read is left as it is and reported in `failed`.
 *
 * @example
 * const { sealed } = await sealPlainCredentials(db, await credentialCipherFor(db))
 */
export async function sealPlainCredentials(db: Db, cipher: CredentialCipher): Promise<{ sealed: string[]; failed: { id: string; error: string }[] }> {
  const sealed: string[] = []
  const failed: { id: string; error: string }[] = []
  for (const connection of await listConnections(db)) {
    if (isSealed(connection.sealedCredentials)) continue
    try {
      await setConnectionCredentials(db, connection.id, cipher.seal(connection.id, cipher.open(connection.id, connection.sealedCredentials)))
      sealed.push(connection.id)
    } catch (error) {
      failed.push({ id: connection.id, error: (error as Error).message })
    }
  }
  return { sealed, failed }
}
