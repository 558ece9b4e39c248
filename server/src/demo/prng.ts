/**
 * Seeded randomness for the demo generator. Everything here uses only integer operations and the
 * four IEEE-754 basic operations (which every engine rounds identically), never `Math.random`,
 * `Math.exp` or `Math.log` (whose last bit may differ between engines), so the same seed gives
 * byte-identical data on every machine.
 */

/**
 * 32-bit FNV-1a over text, finished with a murmur3 mix: a stable seed from any labels.
 *
 * @example
 * new Rng(hashSeed(42, 'activity', 'acc_000001')) // the same stream for that account on every run
 */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const text = `${part}\u0000`
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * e^x from a Taylor series and repeated squaring: only + − × ÷, so it is bit-identical everywhere.
 * Accurate to ~1e-15 relative for |x| < 40, which is all the generator needs.
 */
export function expDeterministic(x: number): number {
  let reduced = x
  let squarings = 0
  while (reduced > 0.5 || reduced < -0.5) {
    reduced /= 2
    squarings++
  }
  let term = 1
  let sum = 1
  for (let i = 1; i < 18; i++) {
    term = (term * reduced) / i
    sum += term
  }
  for (; squarings > 0; squarings--) sum *= sum
  return sum
}

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000] as const

/**
 * sfc32 (Chris Doty-Humphrey's small fast counting generator), seeded through splitmix32.
 * Period ≥ 2^32 per stream and good statistical quality; streams are forked by label so that one
 * account's data does not depend on how many numbers another account drew.
 *
 * @example
 * const rng = new Rng(hashSeed(42, 'fx'))
 * rng.int(1, 6) // the same die roll for seed 42 on every run
 */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private readonly seed: number

  constructor(seed: number) {
    this.seed = seed >>> 0
    let s = this.seed
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = splitmix()
    this.b = splitmix()
    this.c = splitmix()
    this.d = splitmix() | 1
    for (let i = 0; i < 12; i++) this.next()
  }

  /** Uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1))
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min)
  }

  chance(probability: number): boolean {
    return this.float() < probability
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[Math.floor(this.float() * items.length)]!
  }

  /** Picks by relative weight: `weighted([['a', 3], ['b', 1]])` is 'a' three times in four. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, weight] of items) total += weight
    let roll = this.float() * total
    for (const [item, weight] of items) {
      roll -= weight
      if (roll < 0) return item
    }
    return items[items.length - 1]![0]
  }

  /** Approximately standard normal (Irwin–Hall sum of six uniforms, rescaled to variance 1). */
  normal(): number {
    let sum = 0
    for (let i = 0; i < 6; i++) sum += this.float()
    return (sum - 3) * 1.4142135623730951
  }

  /** Log-normal around `median`: half the draws below it, `sigma` the spread of the logarithm. */
  logNormal(median: number, sigma: number): number {
    return median * expDeterministic(sigma * this.normal())
  }

  /** Poisson-distributed count with mean `lambda` (Knuth's method; lambda stays small here). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0
    // Knuth's loop underflows for large means; a Poisson(λ) is the sum of two Poisson(λ/2).
    if (lambda > 30) return this.poisson(lambda / 2) + this.poisson(lambda / 2)
    const limit = expDeterministic(-lambda)
    let k = 0
    let p = this.float()
    while (p > limit) {
      k++
      p *= this.float()
    }
    return k
  }

  /** A string of `length` random decimal digits (nine per draw). */
  digits(length: number): string {
    let out = ''
    for (let left = length; left > 0; left -= 9) {
      const chunk = left < 9 ? left : 9
      out += String(Math.floor(this.float() * POWERS_OF_TEN[chunk]!)).padStart(chunk, '0')
    }
    return out
  }

  /** An independent stream derived from this one's seed and labels (not from how much it has drawn). */
  fork(...labels: readonly (string | number)[]): Rng {
    return new Rng(hashSeed(this.seed, ...labels))
  }
}
