import { describe, expect, it } from 'vitest'
import { MAX_DEPTH, wire } from './wire.js'

/** Through the wire as tRPC sends it: serialize, JSON text, parse, deserialize. */
const roundTrip = <T>(value: T): unknown => wire.deserialize(JSON.parse(JSON.stringify(wire.serialize(value))))

describe('wire', () => {
  it('carries bigints of any size and sign, and Dates, exactly', () => {
    const value = {
      total: 123_456_789_012_345_678_901_234_567_890n,
      negative: -42n,
      zero: 0n,
      when: new Date('2026-11-27T02:00:00.000Z'),
      rows: [{ amount: 9_007_199_254_740_993n, at: new Date(0) }, { amount: -1n, at: null }],
    }
    expect(roundTrip(value)).toEqual(value)
  })

  it('writes compact tags', () => {
    expect(JSON.stringify(wire.serialize({ amount: 12_345n, on: new Date('2026-01-02T00:00:00Z') }))).toBe(
      '{"amount":{"$n":"12345"},"on":{"$d":"2026-01-02T00:00:00.000Z"}}',
    )
  })

  it('keeps strings, numbers, booleans and nulls as JSON does', () => {
    const value = { text: '12345', n: 1.5, yes: true, none: null, nested: { list: ['a', 2, false, null] } }
    expect(roundTrip(value)).toEqual(value)
  })

  it('leaves out undefined fields and sends undefined in an array as null', () => {
    expect(roundTrip({ a: undefined, b: 1, list: [undefined, 2n] })).toEqual({ b: 1, list: [null, 2n] })
  })

  it.each([
    ['$n', { $n: '12' }],
    ['$d', { $d: '2026-01-01' }],
    ['$e', { $e: [['x', 1]] }],
  ])('never reads data whose only key is %s as a tag', (_key, data) => {
    expect(roundTrip({ data })).toEqual({ data })
    expect(roundTrip([data])).toEqual([data])
  })

  it('reads an object with a tag name among other keys as data', () => {
    expect(roundTrip({ $n: '1', other: 2n })).toEqual({ $n: '1', other: 2n })
  })

  it('keeps a data key named __proto__ as a key', () => {
    const value = JSON.parse('{"__proto__":{"amount":"1"}}') as Record<string, unknown>
    const sent = JSON.stringify(wire.serialize(value))
    expect(sent).toBe('{"__proto__":{"amount":"1"}}')
    expect(Object.getPrototypeOf(wire.serialize(value))).toBe(Object.prototype)
  })

  it('refuses a Map or a Set instead of sending {}', () => {
    expect(() => wire.serialize({ m: new Map([[1, 2]]) })).toThrow(/Map/)
    expect(() => wire.serialize([new Set([1])])).toThrow(/Set/)
  })

  it('does not change what it sends', () => {
    const value = { amount: 5n, list: [1n] }
    wire.serialize(value)
    expect(value).toEqual({ amount: 5n, list: [1n] })
  })

  it('refuses data nested deeper than MAX_DEPTH with a clear error, and takes it up to there', () => {
    const nested = (levels: number) => JSON.parse('['.repeat(levels) + '{"$n":"1"}' + ']'.repeat(levels)) as unknown
    expect(() => wire.deserialize(nested(20_000))).toThrow(`the data nests deeper than ${MAX_DEPTH} levels`)
    let inner = wire.deserialize<unknown>(nested(MAX_DEPTH - 1))
    for (let i = 0; i < MAX_DEPTH - 1; i++) inner = (inner as unknown[])[0]
    expect(inner).toBe(1n)
  })

  it.each([
    ['a bigint that is not digits', { $n: '12.5' }, /bigint/],
    ['a bigint that is a number', { $n: 12 }, /bigint/],
    ['a date that is not text', { $d: 5 }, /date/],
    ['a malformed escape', { $e: 'x' }, /escaped/],
  ])('rejects %s with a clear error', (_name, tagged, message) => {
    expect(() => wire.deserialize({ field: tagged })).toThrow(message)
  })
})
