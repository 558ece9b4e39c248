import type { AnyConnector, ConnectorBalance, ConnectorTransaction } from '@treasury/shared'
import type { RunningSimulator } from '../../connectors/sdk/simulator.js'
import type { Db } from '../../db/client.js'

/**
 * Helpers for sync tests (unit and integration): master data matching a simulator's accounts, a
 * connector under another id (two "banks" from one template), and the stored data in the same
 * shape as the simulator's ground truth, for "nothing lost, nothing duplicated" comparisons.
 */

/**
 * The same connector under another id and name, e.g. two banks served by two template simulators.
 *
 * @example
 * const bankA = connectorWithId(template, 'bank-a')
 */
export function connectorWithId(connector: AnyConnector, id: string, displayName = id): AnyConnector {
  return { ...connector, manifest: { ...connector.manifest, id, displayName } }
}

/**
 * Inserts a group root (if missing), a bank and one account per simulator account (number and
 * currency as the bank lists them). Returns bank ref → our account id.
 *
 * @example
 * const ids = await seedSimulatorMasterData(db, sim, { bankId: 'bnk_a', entityId: 'ent_root' })
 */
export async function seedSimulatorMasterData(
  db: Db,
  sim: RunningSimulator,
  options: { bankId: string; entityId?: string; bic?: string },
): Promise<Map<string, string>> {
  const entityId = options.entityId ?? 'ent_root'
  const existing = await db.selectFrom('entities').select('id').where('id', '=', entityId).executeTakeFirst()
  if (!existing) {
    await db
      .insertInto('entities')
      .values({
        id: entityId,
        parent_id: null,
        path: `/${entityId}/`,
        depth: 0,
        code: entityId.toUpperCase(),
        name_zh: '测试集团',
        name_en: 'Test Group',
        region_code: 'CN-ZJ-330900',
        region_country: 'CN',
        region_name_zh: '舟山',
        region_name_en: 'Zhoushan',
        functional_currency: 'CNY',
      })
      .execute()
  }
  await db
    .insertInto('banks')
    .values({ id: options.bankId, name_zh: options.bankId, name_en: options.bankId, bic: options.bic ?? 'TESTCNSH', country: 'CN' })
    .execute()
  const ids = new Map<string, string>()
  for (const account of sim.truth.accounts()) {
    const id = `${options.bankId}_${account.ref}`.replace(/[^A-Za-z0-9_.:-]/g, '_')
    await db
      .insertInto('accounts')
      .values({
        id,
        entity_id: entityId,
        bank_id: options.bankId,
        name: account.name ?? account.ref,
        number: account.number,
        number_masked: `**** ${account.number.slice(-4)}`,
        iban: account.iban,
        currency: account.currency,
        type: 'operating',
        status: 'active',
        tier: 'I',
        opened_on: '2020-01-01',
      })
      .execute()
    ids.set(account.ref, id)
  }
  return ids
}

/** An entry reduced to what must survive the trip bank → connector → database. */
export function entryFingerprint(t: Pick<ConnectorTransaction, 'bookingDate' | 'valueDate' | 'amount' | 'currency' | 'status' | 'bankReference'>): string {
  return [t.bookingDate, t.valueDate, t.amount.toString(), t.currency, t.status, t.bankReference ?? ''].join('|')
}

export function balanceFingerprint(b: Pick<ConnectorBalance, 'date' | 'type' | 'amount'>): string {
  return `${b.date}|${b.type}|${b.amount}`
}

/** Stored entries of one account booked in `from..to`, as fingerprints (sorted). */
export async function storedEntries(db: Db, accountId: string, from: string, to: string): Promise<string[]> {
  const rows = await db
    .selectFrom('transactions')
    .select(['booking_date', 'value_date', 'amount', 'currency', 'status', 'bank_reference'])
    .where('account_id', '=', accountId)
    .where('booking_date', '>=', from)
    .where('booking_date', '<=', to)
    .execute()
  return rows
    .map((r) =>
      entryFingerprint({ bookingDate: r.booking_date, valueDate: r.value_date, amount: BigInt(r.amount), currency: r.currency as never, status: r.status as never, bankReference: r.bank_reference }),
    )
    .sort()
}

/** Stored balances of one account dated in `from..to`, as fingerprints (sorted). */
export async function storedBalances(db: Db, accountId: string, from: string, to: string): Promise<string[]> {
  const rows = await db.selectFrom('balances').select(['date', 'type', 'amount']).where('account_id', '=', accountId).where('date', '>=', from).where('date', '<=', to).execute()
  return rows.map((r) => balanceFingerprint({ date: r.date, type: r.type as never, amount: BigInt(r.amount) })).sort()
}

/** The simulator's ground truth in the same fingerprints. */
export function truthEntries(sim: RunningSimulator, ref: string, from: string, to: string): string[] {
  return sim.truth.transactions(ref, from, to).map(entryFingerprint).sort()
}

export function truthBalances(sim: RunningSimulator, ref: string, from: string, to: string): string[] {
  return sim.truth.balances(ref, from, to).map(balanceFingerprint).sort()
}
