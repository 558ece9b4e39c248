import type { AccountGetInput, AccountHistoryInput, AccountsListInput } from '@treasury/shared'
import type { Db } from '../db/client.js'
import { findAccountInScope, listAccountBalances, type AccountFilter } from '../db/queries/accounts.js'
import { accountsAsOf } from './balance-snapshot.js'
import { NotFoundError } from './errors.js'
import type { EntityScope } from '../db/queries/scope.js'
import { todayIn } from './clock.js'
import { expectedBalanceDate } from './position.js'

/** Accounts in scope with their booked and available balance as of a day and where each came from. */
export async function listAccounts(db: Db, scope: EntityScope, input: AccountsListInput & AccountFilter) {
  const asOf = input.asOf ?? todayIn()
  const expected = expectedBalanceDate(asOf)
  const accounts = await accountsAsOf(db, scope, asOf, expected, input)
  return {
    asOf,
    items: accounts.map((a) => ({
      id: a.id,
      entityId: a.entityId,
      bankId: a.bankId,
      name: a.name,
      numberMasked: a.numberMasked,
      iban: a.iban,
      currency: a.currency,
      type: a.type,
      status: a.status,
      tier: a.tier,
      openedOn: a.openedOn,
      region: { code: a.regionCode, nameZh: a.regionNameZh, nameEn: a.regionNameEn },
      bookedBalance: a.booked?.amount ?? null,
      availableBalance: a.available?.amount ?? null,
      asOf: a.booked ? new Date(a.booked.reportedAt) : null,
      balanceDate: a.booked?.date ?? null,
      source: a.booked?.source ?? null,
      fetchedAt: a.booked ? new Date(a.booked.fetchedAt) : null,
      stale: !a.booked || a.booked.date < expected,
    })),
  }
}

/** One account with its balances as of a day (404 when unknown or outside the scope). */
export async function getAccount(db: Db, scope: EntityScope, input: AccountGetInput) {
  const asOf = input.asOf ?? todayIn()
  const found = await findAccountInScope(db, scope, input.accountId)
  if (!found) throw new NotFoundError(`unknown account "${input.accountId}"`)
  const { items } = await listAccounts(db, scope, { asOf, accountId: input.accountId })
  const item = items.find((i) => i.id === input.accountId)
  if (!item) throw new NotFoundError(`account "${input.accountId}" is closed`)
  return item
}

/** Day by day: closing booked and available balance of one account, in its own currency. */
export async function accountHistory(db: Db, scope: EntityScope, input: AccountHistoryInput) {
  const account = await findAccountInScope(db, scope, input.accountId)
  if (!account) throw new NotFoundError(`unknown account "${input.accountId}"`)
  const rows = await listAccountBalances(db, input.accountId, input.from, input.to)
  const days = new Map<string, { date: string; opening: bigint | null; booked: bigint | null; available: bigint | null; reportedAt: Date | null; source: string | null }>()
  for (const row of rows) {
    let day = days.get(row.date)
    if (!day) days.set(row.date, (day = { date: row.date, opening: null, booked: null, available: null, reportedAt: null, source: null }))
    if (row.type === 'OPBD') day.opening = row.amount
    if (row.type === 'CLBD' || (row.type === 'ITBD' && day.booked === null)) {
      day.booked = row.amount
      day.reportedAt = new Date(row.reported_at)
      day.source = row.source
    }
    if (row.type === 'CLAV' || (row.type === 'ITAV' && day.available === null)) day.available = row.amount
  }
  return { accountId: account.id, currency: account.currency, days: [...days.values()] }
}
