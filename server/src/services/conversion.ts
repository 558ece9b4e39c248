import { FxTable, minorConverter, type CurrencyCode, type FxRate, type ResolvedRate } from '@treasury/shared'

export interface FxUsed {
  currency: CurrencyCode
  rate: string
  rateDate: string
  source: string
}

/**
 * Converts amounts into the reporting currency at the rate of one day, remembering which rates it
 * used and what it could not convert. A currency without a rate is never converted (no 1:1 guess):
 * its amounts collect in `unconverted` and stay out of every converted total.
 */
export class Converter {
  private readonly resolved = new Map<string, ResolvedRate | null>()
  /** Per currency, how its amounts are converted (see `conversionOf`). */
  private readonly conversions = new Map<string, (amount: bigint) => bigint | null>()
  private readonly table: FxTable
  readonly unconverted = new Map<CurrencyCode, bigint>()

  constructor(
    rates: FxTable | Iterable<FxRate>,
    readonly to: CurrencyCode,
    readonly asOf: string,
  ) {
    this.table = rates instanceof FxTable ? rates : new FxTable(rates)
  }

  rateFor(currency: CurrencyCode): ResolvedRate | null {
    if (!this.resolved.has(currency)) this.resolved.set(currency, this.table.resolve(currency, this.to, this.asOf))
    return this.resolved.get(currency)!
  }

  /** The converted amount, or null (and recorded as unconverted) when no rate exists. */
  convert(amount: bigint, currency: CurrencyCode): bigint | null {
    return this.conversionOf(currency)(amount)
  }

  /**
   * `convert` for one currency, its rate looked up once: for converting many amounts of it (the rate
   * counts as used, or the currency as unconverted, once this is asked for).
   */
  conversionOf(currency: CurrencyCode): (amount: bigint) => bigint | null {
    let conversion = this.conversions.get(currency)
    if (!conversion) this.conversions.set(currency, (conversion = this.newConversion(currency)))
    return conversion
  }

  private newConversion(currency: CurrencyCode): (amount: bigint) => bigint | null {
    const rate = this.rateFor(currency)
    if (!rate) {
      return (amount) => {
        this.unconverted.set(currency, (this.unconverted.get(currency) ?? 0n) + amount)
        return null
      }
    }
    return minorConverter(currency, this.to, rate.rate)
  }

  /** Rates used for currencies other than the reporting one, sorted by currency. */
  ratesUsed(): FxUsed[] {
    return [...this.resolved.values()]
      .filter((r): r is ResolvedRate => r !== null && r.from !== this.to)
      .map((r) => ({ currency: r.from, rate: r.rateText, rateDate: r.rateDate, source: r.source }))
      .sort((a, b) => a.currency.localeCompare(b.currency))
  }

  unconvertedList(): { currency: CurrencyCode; amount: bigint }[] {
    return [...this.unconverted].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => a.currency.localeCompare(b.currency))
  }
}
