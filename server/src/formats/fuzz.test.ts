import { parsedFile, StatementParseError, STATEMENT_FORMATS } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { parseStatementFile, type StatementFormatOption } from './index.js'
import { fixture, statementFixtures } from './test-support.js'

/**
 * Every input ends in a ParsedFile that satisfies the shared schema, or in a StatementParseError
 * that is not an "internal parser error" (a caught crash). Seeded, so a failure reproduces: the
 * message carries the case number and the bytes.
 */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = 0x7ea5_0001
const TOKENS = [
  ':20:', ':25:', ':28C:', ':60F:', ':60M:', ':61:', ':86:', ':62F:', ':62M:', ':64:', ':65:', ':34F:', ':13D:', ':90D:',
  '?20', '?3', '//', 'NONREF', 'C', 'D', 'RC', 'RD', ',', '.', '0', '9', '999999999999999999999', '-', '-}', '{4:', '{1:',
  '\r\n', '\n', '\r', '\x00', '\x01', '\x03', '\x1a', '\ufeff', 'ä', '\uffff', '\ud800',
  '<Ntry>', '</Ntry>', '<Amt Ccy="EUR">', '</Amt>', '<Bal>', '<Stmt>', '</Stmt>', '<CdtDbtInd>DBIT</CdtDbtInd>', '<![CDATA[x]]>',
  '&amp;', '&#0;', '&#xFFFFFF;', '<!DOCTYPE x>', '<?xml version="1.0"?>', 'camt.053.001.08', '<Dt>2024-02-30</Dt>',
  '01,', '02,', '03,', '16,', '49,', '88,', '98,', '99,', '/', ',,,', 'V,240230,', 'D,99,', 'S,1,2,3,', '+', '-5',
]

type Mutation = (bytes: Uint8Array, random: () => number) => Uint8Array

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!
const at = (bytes: Uint8Array, random: () => number) => Math.floor(random() * (bytes.length + 1))

const MUTATIONS: Mutation[] = [
  (b, r) => {
    const copy = b.slice()
    if (copy.length) copy[Math.floor(r() * copy.length)] = Math.floor(r() * 256)
    return copy
  },
  (b, r) => {
    const start = at(b, r)
    return concat(b.subarray(0, start), b.subarray(Math.min(b.length, start + 1 + Math.floor(r() * 64))))
  },
  (b, r) => {
    const start = at(b, r)
    const end = Math.min(b.length, start + Math.floor(r() * 200))
    return concat(b.subarray(0, end), b.subarray(start, end), b.subarray(end))
  },
  (b, r) => {
    const where = at(b, r)
    return concat(b.subarray(0, where), new TextEncoder().encode(pick(TOKENS, r)), b.subarray(where))
  },
  (b, r) => b.subarray(0, at(b, r)),
  (b, r) => {
    // Swap two lines.
    const text = new TextDecoder('latin1').decode(b).split('\n')
    if (text.length < 2) return b
    const i = Math.floor(r() * text.length)
    const j = Math.floor(r() * text.length)
    ;[text[i], text[j]] = [text[j]!, text[i]!]
    return Uint8Array.from(text.join('\n'), (c) => c.charCodeAt(0) & 0xff)
  },
]

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function check(bytes: Uint8Array, format: StatementFormatOption, label: string): 'parsed' | 'rejected' {
  try {
    const result = parseStatementFile(bytes, format)
    const validated = parsedFile.safeParse(result)
    if (!validated.success) {
      throw new Error(`${label}: result does not satisfy the schema: ${validated.error.message}\ninput: ${JSON.stringify(Buffer.from(bytes).toString('latin1'))}`)
    }
    return 'parsed'
  } catch (error) {
    if (!(error instanceof StatementParseError) || /internal parser error/.test(error.message)) {
      throw new Error(`${label}: ${(error as Error)?.stack ?? String(error)}\ninput: ${JSON.stringify(Buffer.from(bytes).toString('latin1'))}`)
    }
    return 'rejected'
  }
}

describe('fuzz: no input crashes the parsers', () => {
  const sources = [...statementFixtures('mt940'), ...statementFixtures('camt052'), ...statementFixtures('camt053'), ...statementFixtures('camt054'), ...statementFixtures('bai2')].map(
    (path) => ({ path, bytes: new Uint8Array(fixture(path)) }),
  )

  it('random bytes and text (1,000 cases)', () => {
    const random = mulberry32(SEED)
    const outcomes = { parsed: 0, rejected: 0 }
    for (let n = 0; n < 1000; n++) {
      const length = Math.floor(random() * 600)
      const mode = n % 3
      const bytes = new Uint8Array(length)
      for (let i = 0; i < length; i++) bytes[i] = mode === 0 ? Math.floor(random() * 256) : 32 + Math.floor(random() * 95)
      const text = mode === 2 ? new TextEncoder().encode(Array.from({ length: 1 + Math.floor(random() * 30) }, () => pick(TOKENS, random)).join('')) : bytes
      const format = pick<StatementFormatOption>(['auto', ...STATEMENT_FORMATS], random)
      outcomes[check(text, format, `random case ${n} (${format})`)]++
    }
    expect(outcomes.parsed + outcomes.rejected).toBe(1000)
  })

  it('mutations of the real fixtures (3,000 cases)', () => {
    const random = mulberry32(SEED + 1)
    const outcomes = { parsed: 0, rejected: 0 }
    for (let n = 0; n < 3000; n++) {
      const source = pick(sources, random)
      let bytes: Uint8Array = source.bytes
      const count = 1 + Math.floor(random() * 6)
      for (let m = 0; m < count; m++) bytes = pick(MUTATIONS, random)(bytes, random)
      const format: StatementFormatOption = random() < 0.5 ? 'auto' : pick(STATEMENT_FORMATS, random)
      outcomes[check(bytes, format, `mutation case ${n} of ${source.path} (${format})`)]++
    }
    // Small mutations of valid files mostly still parse: the fuzzer reaches deep into the parsers.
    expect(outcomes.parsed).toBeGreaterThan(300)
    expect(outcomes.rejected).toBeGreaterThan(300)
  })
})
