import type { AccountItem } from '@/api/client'
import type { AccountFilters, AccountSortKey } from '@/url-state'

export interface AccountLookups {
  bankName(id: string): string
  entityName(id: string): string
  /** Ids of the member companies in focus (a subtree), or null for all. */
  entityIds?: ReadonlySet<string> | null
}

/** Accounts matching the table's filters, sorted; text search looks at name, number, IBAN, bank and company. */
export function filterAccounts(items: readonly AccountItem[], filters: AccountFilters, lookups: AccountLookups): AccountItem[] {
  const q = filters.q?.toLowerCase()
  const out = items.filter((a) => {
    if (filters.bank && a.bankId !== filters.bank) return false
    if (filters.ccy && a.currency !== filters.ccy) return false
    if (filters.type && a.type !== filters.type) return false
    if (filters.tier && a.tier !== filters.tier) return false
    if (filters.region && a.region.code !== filters.region) return false
    if (filters.stale && !a.stale) return false
    if (lookups.entityIds && !lookups.entityIds.has(a.entityId)) return false
    if (q) {
      const haystack = [a.name, a.numberMasked, a.iban ?? '', lookups.bankName(a.bankId), lookups.entityName(a.entityId), a.id].join(' ').toLowerCase()
      if (!haystack.includes(q)) return false
    }
    return true
  })
  return sortAccounts(out, filters.sort ?? { key: 'booked', order: 'desc' }, lookups)
}

/**
 * Sorts accounts. Balances are compared within one currency only: across currencies the rows group
 * by currency code (A→Z, whatever the direction), so a yen balance never outranks a dollar balance
 * by its digit count.
 */
export function sortAccounts(items: AccountItem[], sort: { key: AccountSortKey; order: 'asc' | 'desc' }, lookups: AccountLookups): AccountItem[] {
  const dir = sort.order === 'asc' ? 1 : -1
  const cmpBig = (a: bigint | null, b: bigint | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1)
  const cmpText = (a: string, b: string) => a.localeCompare(b, 'zh-CN')
  const byMoney = sort.key === 'booked' || sort.key === 'available'
  const compare = (a: AccountItem, b: AccountItem): number => {
    switch (sort.key) {
      case 'booked':
        return cmpBig(a.bookedBalance, b.bookedBalance)
      case 'available':
        return cmpBig(a.availableBalance, b.availableBalance)
      case 'asOf':
        return Math.sign((a.asOf?.getTime() ?? 0) - (b.asOf?.getTime() ?? 0))
      case 'bank':
        return cmpText(lookups.bankName(a.bankId), lookups.bankName(b.bankId))
      case 'entity':
        return cmpText(lookups.entityName(a.entityId), lookups.entityName(b.entityId))
      case 'name':
        return cmpText(a.name, b.name)
    }
  }
  return [...items].sort(
    (a, b) => (byMoney ? cmpText(a.currency, b.currency) : 0) || compare(a, b) * dir || a.id.localeCompare(b.id),
  )
}

/**
 * Per-currency totals of accounts (booked and available) with the oldest as-of among them. An
 * account without any balance adds nothing and is counted in `withoutBalance`, so the total can
 * say it leaves that account out.
 */
export interface CurrencyTotal {
  currency: string
  booked: bigint
  available: bigint
  accounts: number
  withoutBalance: number
  oldest: Date | null
}

/** Sums per currency of the filtered accounts (see {@link CurrencyTotal}). */
export function totalsByCurrency(items: readonly AccountItem[]): CurrencyTotal[] {
  const map = new Map<string, CurrencyTotal>()
  for (const a of items) {
    let t = map.get(a.currency)
    if (!t) map.set(a.currency, (t = { currency: a.currency, booked: 0n, available: 0n, accounts: 0, withoutBalance: 0, oldest: null }))
    if (a.bookedBalance === null) t.withoutBalance += 1
    t.booked += a.bookedBalance ?? 0n
    t.available += a.availableBalance ?? 0n
    t.accounts += 1
    if (a.asOf && (!t.oldest || a.asOf < t.oldest)) t.oldest = a.asOf
  }
  return [...map.values()].sort((x, y) => x.currency.localeCompare(y.currency))
}
