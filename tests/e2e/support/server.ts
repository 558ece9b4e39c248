import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { wire } from '@treasury/shared/wire'
import { repoRoot, serverDir } from './paths.js'

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string
  /** Everything the server printed (for failure messages). */
  output(): string
  /** The server's process group (tsx and the node process it starts), for CPU accounting. */
  processGroup: number
  stop(): Promise<void>
}

/** A free TCP port on loopback (asked of the OS, then released for the server to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * Starts the real server (`tsx server/src/main.ts` from the repository root) on a free loopback
 * port with a throwaway SQLite database; it seeds the demo group on first start and prints
 * "listening on http://…" when ready. `stop()` ends it and removes the database. `env` overrides
 * settings (e.g. DEMO=false with a DATABASE_URL the test prepared); `waitForSync: false` does not
 * wait for the demo banks' first sync (there are none without the demo). `expectFailing` names
 * connectors whose first sync is expected to fail (e.g. with MOCK_BANK_FAULTS="<id>=down"): for
 * their connections the start waits for a finished run instead of a successful one.
 */
export async function startServer(
  options: { timeoutMs?: number; env?: Record<string, string>; waitForSync?: boolean; expectFailing?: readonly string[] } = {},
): Promise<RunningServer> {
  const timeoutMs = options.timeoutMs ?? 200_000
  const port = await freePort()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'treasury-e2e-'))
  const tsxCli = createRequire(path.join(serverDir, 'package.json')).resolve('tsx/cli')
  const child: ChildProcess = spawn(process.execPath, [tsxCli, 'server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${path.join(dataDir, 'treasury.db')}`,
      DEMO: 'true',
      ...options.env,
    },
    // Its own process group, so stop() ends tsx and the node process it starts together.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => (output += chunk.toString())
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // already gone
      }
      const killed = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // already gone
        }
      }, 5_000)
      await exited
      clearTimeout(killed)
    }
    rmSync(dataDir, { recursive: true, force: true })
  }

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`server not ready after ${timeoutMs} ms`)), timeoutMs)
    const onData = () => {
      const match = /listening on (http:\/\/[^\s)]+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        resolve(match[1]!)
      }
    }
    const onExit = (code: number | null) => fail(new Error(`server exited (code ${code}) before listening`))
    function fail(error: Error) {
      clearTimeout(timer)
      child.off('exit', onExit)
      void stop().finally(() => reject(new Error(`${error.message}\n--- server output ---\n${output}`)))
    }
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
  try {
    if (options.waitForSync !== false) await waitForInitialSync(url, timeoutMs, options.expectFailing ?? [])
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`)
  }
  return { url, output: () => output, processGroup: child.pid!, stop }
}

/**
 * In demo mode the figures arrive from the simulated banks through the sync engine: wait until every
 * connection has finished its first (backfill) run, so the pages show settled numbers — successfully,
 * except for the connectors in `failing`, whose first run only has to have ended.
 */
async function waitForInitialSync(url: string, timeoutMs: number, failing: readonly string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let pending: string[] = []
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/trpc/connectors.list`)
    if (response.ok) {
      const body = (await response.json()) as { result: { data: unknown } }
      const connections = wire.deserialize<{ id: string; connectorId: string; lastSuccessAt: unknown; lastRunAt: unknown }[]>(body.result.data)
      pending = connections.filter((c) => (failing.includes(c.connectorId) ? c.lastRunAt === null : c.lastSuccessAt === null)).map((c) => c.id)
      if (connections.length > 0 && pending.length === 0) return
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
  throw new Error(`the initial bank sync did not finish within ${timeoutMs} ms (pending: ${pending.join(', ')})`)
}
