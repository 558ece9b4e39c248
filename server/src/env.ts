import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { parseDatabaseUrl, type DatabaseTarget } from './db/client.js'

/** The repository root: the default database lives in its ./data/ whichever package runs the app. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * A relative SQLite path means relative to where the user ran the command (pnpm runs package
 * scripts inside the package folder, and records the user's folder in INIT_CWD).
 */
function resolveSqlitePath(target: DatabaseTarget, source: NodeJS.ProcessEnv): DatabaseTarget {
  if (target.kind !== 'sqlite' || target.file === ':memory:' || path.isAbsolute(target.file)) return target
  return { kind: 'sqlite', file: path.resolve(source.INIT_CWD ?? process.cwd(), target.file) }
}

/** Default upload limit of one statement file on the import page (bytes): 50 MB. */
export const DEFAULT_IMPORT_MAX_BYTES = 50 * 1024 * 1024
/**
 * The largest limit that may be set: an upload travels as base64 text in one JSON request body,
 * which must stay well below what one JavaScript string can hold.
 */
export const MAX_IMPORT_MAX_BYTES = 256 * 1024 * 1024

/**
 * A key for bank credentials at rest (AES-256-GCM): 32 random bytes as base64 (44 characters) or
 * hex (64), e.g. from `openssl rand -base64 32`.
 */
export const credentialsKey = z.string().transform((value, ctx) => {
  const text = value.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : null
  if (bytes === null || bytes.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'expected 32 random bytes as base64 (44 characters) or hex (64), e.g. from `openssl rand -base64 32`' })
    return z.NEVER
  }
  return bytes
})

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .default(`sqlite:${path.join(repoRoot, 'data', 'treasury.db')}`)
    .transform((value, ctx) => {
      try {
        return parseDatabaseUrl(value)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message })
        return z.NEVER
      }
    }),
  /** Seed number of the demo group created on first start of an empty database. */
  DEMO_SEED: z.coerce.number().int().min(0).default(42),
  /** 'true' seeds an empty database with the demo group on start. */
  DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Key of bank credentials at rest; without it one is generated beside the SQLite file (see services/sync/credentials.ts). */
  CREDENTIALS_KEY: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value : undefined))
    .pipe(credentialsKey.optional()),
  /** Sync run records older than this many days are deleted (beyond the newest SYNC_RUNS_KEEP_MIN of each connection). */
  SYNC_RUNS_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Run records each connection keeps whatever their age, so an idle connection still shows its last runs. */
  SYNC_RUNS_KEEP_MIN: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Upload limit of one statement file on the import page, in bytes of the file (not of its base64). */
  IMPORT_MAX_BYTES: z
    .string()
    .default(String(DEFAULT_IMPORT_MAX_BYTES))
    .transform((value, ctx) => {
      const bytes = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN
      if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > MAX_IMPORT_MAX_BYTES) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number of bytes from 1 to ${MAX_IMPORT_MAX_BYTES} (e.g. ${DEFAULT_IMPORT_MAX_BYTES} for 50 MB), got "${value}"` })
        return z.NEVER
      }
      return bytes
    }),
})

export type Env = z.infer<typeof envSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Validates the environment; a bad value throws one line naming the variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source)
  if (result.success) return { ...result.data, DATABASE_URL: resolveSqlitePath(result.data.DATABASE_URL, source) }
  const issue = result.error.issues[0]!
  throw new ConfigError(`invalid configuration: ${issue.path.join('.') || 'environment'}: ${issue.message}`)
}
