import { once } from 'node:events'
import { pathToFileURL } from 'node:url'
import { CliUsageError, type CliCommand, type CliIo } from './command.js'

/**
 * The command-line dispatcher: `tsx src/cli/main.ts <command> …` (root: `pnpm cli <command> …`).
 *
 * A command is a module exporting `command: CliCommand` (see ./command.ts); adding one is a file
 * beside this one and a line in {@link COMMANDS}. Commands get their I/O injected so tests run them in-process. Any failure
 * is one line on stderr and exit code 1 — never a stack trace.
 *
 * @example
 * pnpm cli parse statement.sta --format auto
 */

/** Command name → lazy loader, so a command's dependencies load only when it runs. */
export const COMMANDS: Record<string, () => Promise<{ command: CliCommand }>> = {
  parse: () => import('./parse.js'),
  import: () => import('./import.js'),
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const lines = ['usage: cli <command> [options]', '', 'commands:']
    for (const [commandName, load] of Object.entries(COMMANDS)) {
      const { command } = await load()
      lines.push(`  ${commandName.padEnd(10)} ${command.summary}`)
    }
    io.stdout(`${lines.join('\n')}\n`)
    return name ? 0 : 1
  }
  const load = COMMANDS[name]
  if (!load) {
    io.stderr(`error: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`)
    return 1
  }
  const { command } = await load()
  try {
    return await command.run(args, io)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    io.stderr(error instanceof CliUsageError ? `error: ${oneLine(message)} (${command.usage})\n` : `error: ${oneLine(message)}\n`)
    return 1
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href

if (isEntryPoint) {
  const io: CliIo = {
    stdout: (text) => (process.stdout.write(text) ? undefined : once(process.stdout, 'drain').then(() => undefined)),
    stderr: (text) => process.stderr.write(text),
  }
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`)
      process.exitCode = 1
    },
  )
}
