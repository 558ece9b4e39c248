import type { FxRate } from '@treasury/shared'
import type { Db } from '../client.js'

/**
 * FX rates usable for the days from..to: every rate dated in the range plus, per pair, the latest
 * one before `from` (a day without its own rate uses the latest before it, and says so).
 */
export async function listFxRatesForRange(db: Db, from: string, to: string): Promise<FxRate[]> {
  const rows = await db
    .selectFrom('fx_rates as f')
    .select(['f.date', 'f.base', 'f.quote', 'f.rate', 'f.source'])
    .where('f.date', '<=', to)
    .where((eb) =>
      eb.or([
        eb('f.date', '>=', from),
        eb(
          'f.date',
          '=',
          eb
            .selectFrom('fx_rates as p')
            .select((p) => p.fn.max('p.date').as('d'))
            .whereRef('p.base', '=', 'f.base')
            .whereRef('p.quote', '=', 'f.quote')
            .where('p.date', '<', from),
        ),
      ]),
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
