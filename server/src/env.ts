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
