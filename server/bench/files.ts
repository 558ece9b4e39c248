import { closeSync, openSync, writeSync } from 'node:fs'
import { mt940Parts } from '../src/formats/generate.js'

/** Writes a generated MT940 file of about `bytes` to `path`, statement by statement (the benches' large input). */
export function writeMt940File(path: string, bytes: number): void {
  const fd = openSync(path, 'w')
  try {
    let batch: string[] = []
    let size = 0
    for (const part of mt940Parts(bytes)) {
      batch.push(part)
      size += part.length
      if (size >= 4 << 20) {
        writeSync(fd, batch.join(''))
        batch = []
        size = 0
      }
    }
    if (batch.length) writeSync(fd, batch.join(''))
  } finally {
    closeSync(fd)
  }
}

/** A numeric command-line option, `--name=value` or `--name value`, else `fallback`. */
export function numberOption(args: readonly string[], name: string, fallback: number): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === `--${name}` && i + 1 < args.length) return Number(args[i + 1])
    if (arg.startsWith(`--${name}=`)) return Number(arg.slice(name.length + 3))
  }
  return fallback
}
