import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, constants, existsSync, readFileSync, rmSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Where Debian's postgresql-15 puts its server binaries; `PG_BIN` overrides it. */
export const DEFAULT_PG_BIN = '/usr/lib/postgresql/15/bin'

/** The unprivileged account that runs the cluster when the tests run as root. */
const CLUSTER_USER = 'treasury-test'

/**
 * What the global setup hands every test worker (through vitest `provide`/`inject`):
 * an admin URL whose role may `CREATE DATABASE`, or why PostgreSQL tests are skipped.
 */
export type PostgresAvailability =
  | { available: true; adminUrl: string; source: 'throwaway-cluster' | 'DATABASE_URL_PG' }
  | { available: false; reason: string }

declare module 'vitest' {
  export interface ProvidedContext {
    treasuryPostgres: PostgresAvailability
  }
}

/** A running throwaway cluster; `stop()` is idempotent and also runs on exit and SIGINT/SIGTERM. */
export interface ThrowawayCluster {
  adminUrl: string
  port: number
  dir: string
  stop(): Promise<void>
}

/** The server binaries the harness needs that are missing from `binDir` (empty when all are there). */
export function missingPostgresBinaries(binDir: string): string[] {
  return ['initdb', 'pg_ctl', 'postgres'].filter((name) => {
    try {
      accessSync(path.join(binDir, name), constants.X_OK)
      return false
    } catch {
      return true
    }
  })
}

/**
 * Starts a private PostgreSQL cluster: a fresh temp dir, 127.0.0.1 on a free port, durability off
 * (fsync, synchronous_commit, full_page_writes) since the data dies with the run.
 * postgres refuses to run as root, so as root the cluster runs as an unprivileged system user.
 *
 * @example
 * const cluster = await startThrowawayPostgres('/usr/lib/postgresql/15/bin')
 * try { … cluster.adminUrl … } finally { await cluster.stop() }
 */
export async function startThrowawayPostgres(binDir: string): Promise<ThrowawayCluster> {
  const user = process.getuid?.() === 0 ? await ensureUnprivilegedUser() : null
  const dir = await makeClusterDir(user)
  const data = path.join(dir, 'data')
  const logFile = path.join(dir, 'postgres.log')
  const password = randomBytes(18).toString('base64url')
  const bin = (name: string) => path.join(binDir, name)

  let stopped = false
  const stopSync = () => {
    if (stopped) return
    stopped = true
    if (existsSync(path.join(data, 'postmaster.pid'))) {
      const [cmd, args] = asUser(user, bin('pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'])
      spawnSync(cmd, args, { stdio: 'ignore' })
    }
    rmSync(dir, { recursive: true, force: true })
  }
  // The teardown is skipped when the run is interrupted; these make sure no postgres outlives it.
  const onSignal = (signal: NodeJS.Signals) => {
    stopSync()
    removeHooks()
    // Nobody else handles the signal (vitest may): fall back to its default, which ends the process.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  const removeHooks = () => {
    process.off('exit', stopSync)
    for (const signal of signals) process.off(signal, onSignal)
  }
  process.on('exit', stopSync)
  for (const signal of signals) process.on(signal, onSignal)

  try {
    const pwfile = path.join(dir, 'pwfile')
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 })
    if (user) await chown(pwfile, user.uid, user.gid)
    await runAs(user, bin('initdb'), [
      '-D', data, '-U', 'postgres', '--pwfile', pwfile,
      '--auth-local=trust', '--auth-host=scram-sha-256',
      '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ])
    await rm(pwfile, { force: true })

    if (dir.includes("'")) throw new Error(`cluster dir ${dir} contains a quote`)
    // A free port can be taken between asking and binding: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const options = [
        '-c listen_addresses=127.0.0.1', `-p ${port}`, `-k '${dir}'`,
        '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
      ].join(' ')
      try {
        await runAs(user, bin('pg_ctl'), ['start', '-D', data, '-l', logFile, '-w', '-t', '60', '-s', '-o', options])
      } catch (error) {
        const log = tail(logFile)
        if (attempt < 5 && /could not bind|already in use/i.test(log)) continue
        throw new Error(`pg_ctl start failed: ${(error as Error).message}\n--- postgres.log ---\n${log}`)
      }
      const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`
      return {
        adminUrl,
        port,
        dir,
        stop: async () => {
          stopSync()
          removeHooks()
        },
      }
    }
  } catch (error) {
    stopSync()
    removeHooks()
    throw error
  }
}

interface SystemUser {
  name: string
  uid: number
  gid: number
}

async function lookupUser(name: string): Promise<SystemUser | null> {
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim())
    const gid = Number((await run('id', ['-g', name])).stdout.trim())
    return { name, uid, gid }
  } catch {
    return null
  }
}

/** `treasury-test`, created as a system user when absent; `nobody` where it can't be created. */
async function ensureUnprivilegedUser(): Promise<SystemUser> {
  const existing = await lookupUser(CLUSTER_USER)
  if (existing) return existing
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', CLUSTER_USER])
  } catch {
    // Another run created it meanwhile, or there is no useradd: look again, then fall back.
  }
  const created = (await lookupUser(CLUSTER_USER)) ?? (await lookupUser('nobody'))
  if (!created) throw new Error(`running as root and neither "${CLUSTER_USER}" nor "nobody" exists; postgres refuses to run as root`)
  return created
}

/** A fresh 0700 dir owned by the cluster user, in a parent that user can reach. */
async function makeClusterDir(user: SystemUser | null): Promise<string> {
  const parents = [...new Set([os.tmpdir(), '/tmp'])]
  for (const parent of parents) {
    const dir = await mkdtemp(path.join(parent, 'treasury-pg-'))
    if (!user) return dir
    await chown(dir, user.uid, user.gid)
    await chmod(dir, 0o700)
    try {
      await runAs(user, 'test', ['-w', dir, '-a', '-x', dir])
      return dir
    } catch {
      await rm(dir, { recursive: true, force: true })
    }
  }
  throw new Error(`user ${user?.name} cannot reach a temp dir under ${parents.join(' or ')}`)
}

function asUser(user: SystemUser | null, cmd: string, args: string[]): [string, string[]] {
  if (!user) return [cmd, args]
  if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) return ['runuser', ['-u', user.name, '--', cmd, ...args]]
  const quoted = [cmd, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')
  return ['su', ['-s', '/bin/sh', user.name, '-c', quoted]]
}

async function runAs(user: SystemUser | null, cmd: string, args: string[]): Promise<void> {
  const [command, argv] = asUser(user, cmd, args)
  try {
    // cwd: the user may not be able to read the current dir (e.g. /root), which initdb dislikes.
    await run(command, argv, { cwd: '/', timeout: 120_000 })
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string }
    const output = `${stdout ?? ''}${stderr ?? ''}`.trim()
    throw new Error(`${path.basename(cmd)} failed${output ? `: ${output}` : ` (${(error as Error).message})`}`)
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
