import { Readable } from 'node:stream'
import { StatementParseError, STATEMENT_FORMATS, type ParsedFile, type Statement } from '@treasury/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateBai2, generateCamt053, generateMt940 } from './generate.js'
import { parseStatementFile, parseStatementStream, readStatements, type StatementFormatOption } from './index.js'
import { STREAM_LIMITS } from './stream.js'
import { fixture, statementFixtures } from './test-support.js'

/** Chunks of the given sizes, cycled: boundaries fall anywhere (inside tags, amounts, CRLF, UTF-8 characters). */
async function* chunks(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!
    yield bytes.subarray(at, at + size)
    at += size
  }
}

/** Stream result in the shape of a whole-file parse (or the error it ended with). */
async function streamed(source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream, format: StatementFormatOption = 'auto'): Promise<ParsedFile | StatementParseError> {
  const statements: Statement[] = []
  try {
    const formats = new Set<string>()
    const summary = await parseStatementStream(source, format, {}, (statement, told) => {
      statements.push(statement)
      formats.add(told)
    })
    expect(summary.statements).toBe(statements.length)
    // Each statement is handed over with the file's format, decided before the first one.
    if (statements.length > 0) expect([...formats]).toEqual([summary.format])
    return { format: summary.format, statements, warnings: summary.warnings }
  } catch (error) {
    if (error instanceof StatementParseError) return error
    throw error
  }
}

function whole(bytes: Uint8Array, format: StatementFormatOption = 'auto'): ParsedFile | StatementParseError {
  try {
    return parseStatementFile(bytes, format)
  } catch (error) {
    if (error instanceof StatementParseError) return error
    throw error
  }
}

function same(actual: ParsedFile | StatementParseError, expected: ParsedFile | StatementParseError): void {
  if (expected instanceof StatementParseError) {
    expect(actual).toBeInstanceOf(StatementParseError)
    expect((actual as StatementParseError).message).toBe(expected.message)
  } else {
    expect(actual).not.toBeInstanceOf(StatementParseError)
    expect(actual).toEqual(expected)
  }
}

describe('streaming gives the whole-file result', () => {
  const saved = { ...STREAM_LIMITS }
  beforeEach(() => {
    // Small windows: MT940 and BAI2 text is cut and parsed every few hundred characters.
    STREAM_LIMITS.window = 300
  })
  afterEach(() => {
    Object.assign(STREAM_LIMITS, saved)
  })

  const all = ['mt940', 'camt052', 'camt053', 'camt054', 'bai2'].flatMap((folder) => statementFixtures(folder))

  it.each(all)('%s', async (path) => {
    const bytes = new Uint8Array(fixture(path))
    const expected = whole(bytes)
    same(await streamed(chunks(bytes, [7, 1, 64, 3, 500])), expected)
    same(await streamed(chunks(bytes, [bytes.length])), expected)
  })

  it('with every format option, including the wrong ones (same error)', async () => {
    for (const path of ['mt940/sandermarechal_jejik-mt940/sparkasse.txt', 'camt053/genkgo_camt/camt053.v2.multi.statement.xml', statementFixtures('bai2')[0]!]) {
      const bytes = new Uint8Array(fixture(path))
      for (const format of ['auto', ...STATEMENT_FORMATS] as StatementFormatOption[]) {
        same(await streamed(chunks(bytes, [13, 2]), format), whole(bytes, format))
      }
    }
  })
})

describe('multi-megabyte files fed in small chunks', () => {
  // Prime-sized chunks: over a few MB the boundaries hit every kind of token.
  const SIZES = [1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 4093, 65521]

  it('MT940 (3 MB, UTF-8 umlauts, pages, "-Nr." lines) equals the whole-file parse, statements arrive while reading', async () => {
    const bytes = new TextEncoder().encode(generateMt940(3e6, { varied: true }))
    const expected = parseStatementFile(bytes, 'mt940')
    expect(expected.statements.length).toBeGreaterThan(50)
    expect(expected.statements.flatMap((s) => s.entries).some((e) => e.counterparty.name?.startsWith('Müller & Söhne GmbH'))).toBe(true)
    let read = 0
    let readAtFirst = -1
    const source = (async function* () {
      for await (const chunk of chunks(bytes, SIZES)) {
        read += chunk.length
        yield chunk
      }
    })()
    const statements: Statement[] = []
    for await (const statement of readStatements(source, 'auto')) {
      if (readAtFirst < 0) readAtFirst = read
      statements.push(statement)
    }
    expect(statements).toEqual(expected.statements)
    // Handed over as the file is read, not at the end: about one read-ahead window in.
    expect(readAtFirst).toBeGreaterThan(0)
    expect(readAtFirst).toBeLessThan(1.5 * STREAM_LIMITS.window + 200_000)
  })

  it('camt.053 (3 MB, prefix, entities, CDATA) equals the whole-file parse', async () => {
    const bytes = new TextEncoder().encode(generateCamt053(3e6, { varied: true }))
    const expected = parseStatementFile(bytes, 'auto')
    expect(expected.statements.length).toBeGreaterThan(10)
    same(await streamed(chunks(bytes, SIZES)), expected)
  })

  it('BAI2 (2 MB) equals the whole-file parse', async () => {
    const bytes = new TextEncoder().encode(generateBai2(2e6))
    const expected = parseStatementFile(bytes, 'auto')
    expect(expected.warnings).toEqual([])
    same(await streamed(chunks(bytes, SIZES)), expected)
  })

  it('a Node Readable and text chunks work as sources', async () => {
    const text = generateMt940(200_000)
    const expected = parseStatementFile(new TextEncoder().encode(text), 'mt940')
    same(await streamed(Readable.from([Buffer.from(text.slice(0, 1000)), Buffer.from(text.slice(1000))]), 'mt940'), expected)
    same(await streamed(Readable.from([text.slice(0, 777), text.slice(777)], { objectMode: true }), 'mt940'), expected)
  })
})

describe('streaming errors', () => {
  it('malformed XML far into the file names its line', async () => {
    const text = generateCamt053(500_000).replace('</Ntry>', '</Ntr>')
    const error = await streamed(chunks(new TextEncoder().encode(text), [4096]))
    expect(error).toBeInstanceOf(StatementParseError)
    expect((error as StatementParseError).message).toMatch(/^camt053 line \d+: malformed XML/)
    expect(error).toEqual(whole(new TextEncoder().encode(text)))
  })

  it('an empty stream and a stream of blanks are "empty"', async () => {
    expect(((await streamed(chunks(new Uint8Array(0), [1]))) as Error).message).toMatch(/the file is empty/)
    expect(((await streamed(chunks(new TextEncoder().encode(' \r\n '), [1]))) as Error).message).toMatch(/the file is empty/)
  })

  it('a failing consumer stops the stream with its own error', async () => {
    const bytes = new TextEncoder().encode(generateMt940(100_000))
    await expect(
      parseStatementStream(chunks(bytes, [1000]), 'mt940', {}, () => {
        throw new Error('database is down')
      }),
    ).rejects.toThrow('database is down')
  })
})
