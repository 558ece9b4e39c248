import type { FxRate } from '@treasury/shared'
import type { Db } from '../client.js'

/**
 * FX rates usable for the days from..to: every rate dated in the range plus, per pair, the latest
 * one before `from` (a day without its own rate uses the latest before it, and says so).
 */
export async function listFxRatesForRange(db: Db, from: string, to: string): Promise<FxRate[]> {
  // The range by the date index, then each pair's latest rate before it by the (base, quote, date)
  // key: two index reads instead of a correlated look-up for every stored rate.
  const rows = await db
    .selectFrom('fx_rates as f')
    .select(['f.date', 'f.base', 'f.quote', 'f.rate', 'f.source'])
    .where('f.date', '>=', from)
    .where('f.date', '<=', to)
    .unionAll(
      db
        .selectFrom('fx_rates as f')
        .innerJoin(
          (eb) =>
            eb
              .selectFrom('fx_rates')
              .select(['base', 'quote', (p) => p.fn.max('date').as('date')])
              .where('date', '<', from)
              .groupBy(['base', 'quote'])
              .as('p'),
          (join) => join.onRef('p.base', '=', 'f.base').onRef('p.quote', '=', 'f.quote').onRef('p.date', '=', 'f.date'),
        )
        .select(['f.date', 'f.base', 'f.quote', 'f.rate', 'f.source'])
        .where('f.date', '<=', to),
    )
    .execute()
  return rows as FxRate[]
}

export async function upsertFxRates(db: Db, rates: readonly FxRate[]): Promise<void> {
  for (let i = 0; i < rates.length; i += 500) {
    await db
      .insertInto('fx_rates')
      .values(rates.slice(i, i + 500).map((r) => ({ date: r.date, base: r.base, quote: r.quote, rate: r.rate, source: r.source })))
      .onConflict((oc) => oc.columns(['base', 'quote', 'date']).doUpdateSet((eb) => ({ rate: eb.ref('excluded.rate'), source: eb.ref('excluded.source') })))
      .execute()
  }
}
