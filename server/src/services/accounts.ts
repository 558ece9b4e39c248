import type { AccountsListInput } from '@treasury/shared'
import type { Db } from '../db/client.js'
import { listAccountsWithBalances } from '../db/queries/accounts.js'
import type { EntityScope } from '../db/queries/scope.js'
import { todayIn } from './clock.js'

/** Accounts in scope with their booked and available balance as of a day and where each came from. */
export async function listAccounts(db: Db, scope: EntityScope, input: AccountsListInput) {
  const asOf = input.asOf ?? todayIn()
  const accounts = await listAccountsWithBalances(db, scope, asOf, input)
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
      stale: !a.booked || a.booked.date < asOf,
    })),
  }
}
