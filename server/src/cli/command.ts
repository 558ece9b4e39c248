/** The contract of a CLI command run by ./main.ts. */

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  readFile: (path: string) => Promise<Uint8Array>
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
