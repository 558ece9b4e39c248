import type { PositionGroupBy } from '@treasury/shared/constants'
import type { AccountItem, EntityRef, PositionSummary } from '@/api/client'
import { convertWithRates } from './fx'

export interface BreakdownRowData {
  key: string
  label: string
  labelEn: string
  /** Converted into the reporting currency (accounts without a rate count in `byCurrency` only). */
  amount: bigint
  byCurrency: { currency: string; amount: bigint }[]
  accounts: number
}

export interface BreakdownLookups {
  banks: ReadonlyMap<string, { nameZh: string; nameEn: string }>
  entities: ReadonlyMap<string, Pick<EntityRef, 'id' | 'parentId' | 'nameZh' | 'nameEn'>>
  /** The member company the view is scoped to (undefined: the whole group). */
  scopeEntityId?: string | undefined
}

/**
 * The position grouped by bank, member company, currency, region or account type, from the
 * account list of the same scope and day and the rates the summary reports. The server applies
 * exactly the rates it reports, and this follows `position.summary` rule for rule (each account's
 * booked balance converted on its own, rounded half-even once; accounts without a balance left
 * out; a currency without a rate kept out of the converted amount), so the rows add up to the KPI
 * total to the last minor unit (the browser tests compare them with the API), and switching the
 * grouping needs no request.
 *
 * @example
 * breakdownFromAccounts(accounts, summary, 'bank', lookups)[0] // { key: 'bnk_icbc', amount: …, … }
 */
export function breakdownFromAccounts(
  accounts: readonly AccountItem[],
  summary: Pick<PositionSummary, 'currency' | 'fx'>,
  groupBy: PositionGroupBy,
  lookups: BreakdownLookups,
): BreakdownRowData[] {
  const keyOf = keyer(groupBy, lookups)
  const rows = new Map<string, BreakdownRowData & { currencies: Map<string, bigint> }>()
  for (const account of accounts) {
    if (account.bookedBalance === null) continue
    const { key, label, labelEn } = keyOf(account)
    let row = rows.get(key)
    if (!row) rows.set(key, (row = { key, label, labelEn, amount: 0n, byCurrency: [], accounts: 0, currencies: new Map() }))
    row.currencies.set(account.currency, (row.currencies.get(account.currency) ?? 0n) + account.bookedBalance)
    row.accounts += 1
    const converted = convertWithRates(account.bookedBalance, account.currency, summary.currency, summary.fx)
    if (converted !== null) row.amount += converted
  }
  return [...rows.values()]
    .map(({ currencies, ...row }) => ({
      ...row,
      byCurrency: [...currencies].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => a.currency.localeCompare(b.currency)),
    }))
    .sort((a, b) => (a.amount === b.amount ? a.key.localeCompare(b.key) : a.amount > b.amount ? -1 : 1))
}

function keyer(groupBy: PositionGroupBy, lookups: BreakdownLookups): (a: AccountItem) => { key: string; label: string; labelEn: string } {
  switch (groupBy) {
    case 'currency':
      return (a) => ({ key: a.currency, label: a.currency, labelEn: a.currency })
    case 'accountType':
      return (a) => ({ key: a.type, label: a.type, labelEn: a.type })
    case 'region':
      return (a) => ({ key: a.region.code, label: a.region.nameZh, labelEn: a.region.nameEn })
    case 'bank':
      return (a) => {
        const bank = lookups.banks.get(a.bankId)
        return { key: a.bankId, label: bank?.nameZh ?? a.bankId, labelEn: bank?.nameEn ?? a.bankId }
      }
    case 'entity': {
      // The scope root's own accounts form its own row; everything deeper rolls up to the root's child.
      const isRoot = (id: string) => (lookups.scopeEntityId ? id === lookups.scopeEntityId : (lookups.entities.get(id)?.parentId ?? null) === null)
      const topOf = new Map<string, string>()
      const top = (id: string): string => {
        let known = topOf.get(id)
        if (known) return known
        const parent = lookups.entities.get(id)?.parentId ?? null
        known = isRoot(id) || parent === null || isRoot(parent) ? id : top(parent)
        topOf.set(id, known)
        return known
      }
      return (a) => {
        const id = top(a.entityId)
        const entity = lookups.entities.get(id)
        return { key: id, label: entity?.nameZh ?? id, labelEn: entity?.nameEn ?? id }
      }
    }
  }
}
