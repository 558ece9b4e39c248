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
