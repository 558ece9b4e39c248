import { isoDate, type Bank, type FxRate } from '@treasury/shared'
import { accountActivity, type ActivityContext, type DemoAccountDay, type PartyAccount } from './activity.js'
import { demoDays, type DemoDay } from './calendar.js'
import { BANK_BY_KEY, BANKS, STALE_BANK_KEY, STALE_DAYS } from './catalog.js'
import { demoFxRates } from './fx.js'
import { buildGroup, type DemoAccount, type DemoEntity, type DemoScale } from './group.js'

/** Days of history the demo covers, ending at (and including) `endDate`. */
export const DEMO_PERIOD_DAYS = 400

export interface DemoOptions {
  /** Any non-negative integer; the same seed, end date and scale always give the same data. */
  seed: number
  /** Last day of the period, 'YYYY-MM-DD'. */
  endDate: string
  /** 'demo' (default): ~36 companies, ~200 accounts. 'large': 5,000+ accounts, 5,000,000+ entries. */
  scale?: DemoScale
}

/**
 * The whole demo group. Reference data is materialised; the daily balances and entries of an account
 * are produced on demand by `activity(account)`, so even the large scale never sits in memory at once.
 */
export interface DemoDataset {
  seed: number
  scale: DemoScale
  startDate: string
  endDate: string
  days: readonly DemoDay[]
  entities: readonly DemoEntity[]
  banks: readonly Bank[]
  accounts: readonly DemoAccount[]
  fxRates: readonly FxRate[]
  /** The bank whose data deliberately ends early, and the last day it delivered. */
  stale: { bankId: string; lastDate: string }
  /** The last day an account has balances for: the end date, earlier for the stale bank or a closed account. */
  lastDateOf(account: DemoAccount): string
  /** The account's days, oldest first; generated afresh (and identically) on every call. */
  activity(account: DemoAccount): Iterable<DemoAccountDay>
}

/**
 * Builds the demo group for a seed: pure and deterministic (no clock, no `Math.random`, no I/O).
 *
 * @example
 * const demo = generateDemo({ seed: 42, endDate: '2026-03-31' })
 * for (const account of demo.accounts) for (const day of demo.activity(account)) console.log(day.date, day.closing)
 */
export function generateDemo(options: DemoOptions): DemoDataset {
  const { seed, endDate } = options
  const scale = options.scale ?? 'demo'
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`demo seed must be a non-negative integer, got ${seed}`)
  if (!isoDate.safeParse(endDate).success) throw new RangeError(`demo end date must be a real date as YYYY-MM-DD, got "${endDate}"`)
  const days = demoDays(endDate, DEMO_PERIOD_DAYS)
  const startDate = days[0]!.date
  const { entities, accounts } = buildGroup(seed, scale, startDate, days.length)
  const fxRates = demoFxRates(seed, days)

  // Citi's feed deliberately stops STALE_DAYS before the end date (a broken connection, say), so the
  // product has stale figures to show honestly: its balances end early and say how old they are.
  const staleBank = BANK_BY_KEY[STALE_BANK_KEY]
  const staleLastIndex = days.length - 1 - STALE_DAYS

  const entityById = new Map(entities.map((e) => [e.id, e]))
  const accountsByEntity = new Map<string, DemoAccount[]>()
  for (const account of accounts) {
    let list = accountsByEntity.get(account.entityId)
    if (!list) accountsByEntity.set(account.entityId, (list = []))
    list.push(account)
  }
  const entityOf = (account: DemoAccount) => entityById.get(account.entityId)!
  const lastDayIndex = (account: DemoAccount) => {
    const last = account.bankKey === STALE_BANK_KEY ? staleLastIndex : days.length - 1
    return account.profile.closedOnDay === null ? last : Math.min(last, account.profile.closedOnDay)
  }

  /** An account as the other side of an entry, named in the language of `viewer`'s statements. */
  const asParty = (target: DemoAccount, viewer: DemoAccount): PartyAccount => {
    const entity = entityOf(target)
    const bank = BANK_BY_KEY[target.bankKey]
    return {
      name: viewer.profile.foreign ? entity.nameEn : entity.nameZh,
      account: target.iban ?? target.number,
      bank: bank.country === 'CN' && !viewer.profile.foreign ? `${bank.nameZh}${entity.region.nameZh}分行` : bank.bic,
    }
  }
  const primaryOf = (entityId: string) => accountsByEntity.get(entityId)?.find((a) => a.profile.primary)
  const ancestorsOf = (entity: DemoEntity): DemoEntity[] => {
    const chain: DemoEntity[] = []
    for (let e = entity.parentId ? entityById.get(entity.parentId) : undefined; e; e = e.parentId ? entityById.get(e.parentId) : undefined) chain.push(e)
    return chain
  }

  const poolMembers = new Map<string, PartyAccount[]>()
  const context: ActivityContext = {
    seed,
    days,
    lastDayIndex,
    entityOf,
    ownAccountOf: (account) => asParty(primaryOf(account.entityId) ?? account, account),
    funderOf: (account) => {
      // The nearest pool header of the company or above it in the account's currency, else the parent's own account.
      const entity = entityOf(account)
      for (const candidate of [entity, ...ancestorsOf(entity)]) {
        const header = accountsByEntity.get(candidate.id)?.find((a) => a.id !== account.id && a.type === 'cash-pool-header' && a.currency === account.currency)
        if (header) return asParty(header, account)
      }
      const parent = ancestorsOf(entityOf(account))[0]
      const fallback = parent ? accountsByEntity.get(parent.id)?.find((a) => a.currency === account.currency) ?? primaryOf(parent.id) : undefined
      return asParty(fallback ?? account, account)
    },
    membersOf: (account) => {
      let members = poolMembers.get(account.id)
      if (!members) {
        const root = entityOf(account).path
        const candidates = accounts.filter(
          (a) => a.type === 'operating' && a.currency === account.currency && a.status === 'active' && a.entityId !== account.entityId && entityOf(a).path.startsWith(root),
        )
        // A pool with no member in its currency still needs someone to sweep: the company's own basic account.
        members = (candidates.length > 0 ? candidates : account.type === 'cash-pool-header' ? [primaryOf(account.entityId) ?? account] : []).map((a) => asParty(a, account))
        poolMembers.set(account.id, members)
      }
      return members
    },
  }

  return {
    seed,
    scale,
    startDate,
    endDate,
    days,
    entities,
    banks: BANKS.map(({ id, nameZh, nameEn, bic, country }) => ({ id, nameZh, nameEn, bic, country })),
    accounts,
    fxRates,
    stale: { bankId: staleBank.id, lastDate: days[staleLastIndex]!.date },
    lastDateOf: (account) => days[lastDayIndex(account)]!.date,
    activity: (account) => accountActivity(context, account),
  }
}
