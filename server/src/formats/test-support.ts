/**
 * Helpers shared by the format parsers' tests: where the real statement fixtures live and how to
 * list them. Test-only; nothing in the parsers imports this.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/statements/', import.meta.url))

export function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES, path))
}

export function fixtureJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as T
}

/** Statement files (not expected-output JSON) under `folder`, relative to the fixture root, sorted. */
export function statementFixtures(folder: string): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (!name.endsWith('.json') && !name.endsWith('.md') && !name.startsWith('.')) found.push(relative(FIXTURES, path))
    }
  }
  walk(join(FIXTURES, folder))
  return found.sort()
}

/** "2716.76" / "2564" / "0" → minor units with `exponent` decimals (exact, no floats). */
export function decimalMinor(decimal: string, exponent: number): bigint {
  const negative = decimal.startsWith('-')
  const [whole, fraction = ''] = decimal.replace(/^[-+]/, '').split('.')
  const digits = BigInt(`${whole}${fraction.padEnd(exponent, '0').slice(0, exponent)}`)
  return negative ? -digits : digits
}

/** A JS number from mt940-js's JSON (e.g. 9945.09) → minor units, via its shortest decimal text. */
export function numberMinor(value: number, exponent: number): bigint {
  return decimalMinor(String(value), exponent)
}
