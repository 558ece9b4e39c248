/** The contract of a CLI command run by ./main.ts. */

export interface CliIo {
  /** A promise when the text waits for a slow reader: a command printing much awaits it, so output never piles up in memory. */
  stdout: (text: string) => void | Promise<void>
  stderr: (text: string) => void
}

export interface CliCommand {
  /** One line for `help`. */
  summary: string
  usage: string
  /** Returns the exit code; throws {@link CliUsageError} for bad arguments. */
  run: (args: string[], io: CliIo) => Promise<number>
}

/** Bad arguments: reported with the command's usage line. */
export class CliUsageError extends Error {}
