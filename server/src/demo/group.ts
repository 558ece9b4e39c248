import { currencyExponent, type Account, type AccountType, type Entity } from '@treasury/shared'
import { addDays } from './calendar.js'
import {
  APPROX_CNY_PER_UNIT, BANK_BY_KEY, DEUTSCHE_BANK_BLZ, DISTRICTS, GROUP_TREE, PROJECTS, REGIONS, SUBSIDIARY_KINDS,
  type BankKey, type DemoCurrency, type EntityTemplate, type Industry, type RegionKey,
} from './catalog.js'
import { hashSeed, Rng } from './prng.js'

export type DemoScale = 'demo' | 'large'

/** A member company as generated: the domain entity plus its place in the tree and what drives its activity. */
export interface DemoEntity extends Entity {
  /** Materialised path '/<rootId>/…/<selfId>/'. */
  path: string
  /** 0 for the group itself. */
  depth: number
  regionKey: RegionKey
  industry: Industry
  size: 1 | 2 | 3
}

/** How an account's money moves day to day (see activity.ts). */
export type ActivityKind = 'operating' | 'wage' | 'time-deposit' | 'notice-deposit' | 'escrow' | 'margin' | 'pool-header'

/** The generator-only parameters of an account: sizes are in minor units of the account's currency. */
export interface AccountProfile {
  kind: ActivityKind
  /** Cross-border or overseas: English counterparties, XBCT/ESCT codes, value-date shifts. */
  foreign: boolean
  /** The company's basic account (基本存款账户): payroll, taxes and social insurance go through it. */
  primary: boolean
  /** Balance the account hovers around. */
  target: number
  /** Median size of one entry. */
  ticket: number
  /** Expected entries on a normal weekday. */
  perDay: number
  /** Annual interest rate credited quarterly (fraction, e.g. 0.0035). */
  interestRate: number
  /** Staff paid by the primary account's monthly payroll. */
  headcount: number
  /** The construction project of a wage-special account. */
  project: string | null
  /** Part of the balance the bank holds back (CLAV < CLBD): a judicial or guarantee freeze window. */
  partialHold: { fromDay: number; toDay: number; amount: bigint } | null
  /** For closed accounts: the period day the account was closed (its balance moved out that day). */
  closedOnDay: number | null
}

/** An account as generated: the domain account, its full number, and its activity profile. */
export interface DemoAccount extends Account {
  /** The full account number (digits; the masked one shows the last four). */
  number: string
  bankKey: BankKey
  profile: AccountProfile
}

interface AccountSpec {
  bank: BankKey
  currency: DemoCurrency
  type: AccountType
  kind: ActivityKind
  label: string
  primary?: boolean
  project?: string
}

const CN_BANKS: readonly (readonly [BankKey, number])[] = [['icbc', 5], ['boc', 4], ['ccb', 4], ['abc', 3], ['bocom', 3], ['cmb', 2]]
const WAGE_BANKS: readonly (readonly [BankKey, number])[] = [['abc', 4], ['icbc', 3], ['ccb', 3], ['bocom', 1]]
const FOREIGN_TRADE: ReadonlySet<Industry> = new Set(['group', 'shipping', 'port', 'logistics', 'fisheries', 'trading', 'marine-engineering', 'bunkering'])

export const entityId = (code: string) => `ent_${code.toLowerCase().replaceAll('-', '_')}`
export const accountId = (index: number) => `acc_${String(index + 1).padStart(6, '0')}`

function toEntity(template: EntityTemplate, parent: DemoEntity | null): DemoEntity {
  const id = entityId(template.code)
  return {
    id,
    parentId: parent?.id ?? null,
    code: template.code,
    nameZh: template.nameZh,
    nameEn: template.nameEn,
    region: REGIONS[template.region],
    functionalCurrency: template.currency,
    path: `${parent?.path ?? '/'}${id}/`,
    depth: parent ? parent.depth + 1 : 0,
    regionKey: template.region,
    industry: template.industry,
    size: template.size,
  }
}

/** The fixed group tree of the demo scale (the same for every seed). */
export function baseEntities(): DemoEntity[] {
  const byCode = new Map<string, DemoEntity>()
  const out: DemoEntity[] = []
  for (const template of GROUP_TREE) {
    const parent = template.parentCode ? byCode.get(template.parentCode) : null
    if (parent === undefined) throw new Error(`demo tree: parent ${template.parentCode} of ${template.code} must come first`)
    const entity = toEntity(template, parent)
    byCode.set(template.code, entity)
    out.push(entity)
  }
  return out
}

const ORDINALS_ZH = ['', '', '第二', '第三', '第四', '第五', '第六', '第七', '第八', '第九']
const ordinalZh = (n: number) => (n < ORDINALS_ZH.length ? ORDINALS_ZH[n]! : `第${n}`)

/**
 * One more branch or project company (分公司) under an operating company, for the large scale:
 * "舟山海洋港航工程有限公司六横第二分公司" / "… Liuheng Branch No. 2".
 */
function branchEntity(parent: DemoEntity, serial: number, rng: Rng, seen: Map<string, number>): DemoEntity {
  const districts = DISTRICTS[parent.regionKey]!
  const [districtZh, districtEn] = rng.pick(districts)
  const kinds = SUBSIDIARY_KINDS[parent.industry]
  const kind = kinds ? rng.pick(kinds) : null
  const stem = `${parent.code}|${districtZh}|${kind?.[0] ?? ''}`
  const n = (seen.get(stem) ?? 0) + 1
  seen.set(stem, n)
  const nameZh = `${parent.nameZh}${districtZh}${kind ? kind[0] : ''}${ordinalZh(n)}分公司`
  const nameEn = `${parent.nameEn.replace(/,? (Co\., Ltd\.|Limited|Pte\. Ltd\.)$/, '')} ${districtEn}${kind ? ` ${kind[1]}` : ''} Branch${n > 1 ? ` No. ${n}` : ''}`
  const template: EntityTemplate = {
    code: `${parent.code}-B${String(serial).padStart(4, '0')}`,
    parentCode: parent.code,
    nameZh,
    nameEn,
    region: parent.regionKey,
    currency: parent.functionalCurrency as DemoCurrency,
    industry: parent.industry,
    size: rng.weighted([[1, 6], [2, 3], [3, 1]] as const),
  }
  return toEntity(template, parent)
}

/** Accounts a company holds, by where it is and what it does. */
function planAccounts(entity: DemoEntity, rng: Rng, nextProject: () => string): AccountSpec[] {
  const specs: AccountSpec[] = []
  const add = (spec: AccountSpec) => specs.push(spec)
  const { industry, size } = entity
  const isHolding = industry === 'group' || industry === 'holding'
  switch (entity.region.country) {
    case 'CN': {
      const primaryBank: BankKey = industry === 'group' ? 'icbc' : entity.regionKey === 'ningbo' && rng.chance(0.4) ? 'nbcb' : rng.weighted(CN_BANKS)
      add({ bank: primaryBank, currency: 'CNY', type: 'operating', kind: 'operating', label: '基本存款账户', primary: true })
      const others = CN_BANKS.map(([b]) => b).filter((b) => b !== primaryBank)
      const general = size - 1 + rng.int(0, 1)
      for (let i = 0; i < general; i++) {
        const bank = others.splice(rng.int(0, others.length - 1), 1)[0]
        if (bank) add({ bank, currency: 'CNY', type: 'operating', kind: 'operating', label: '一般存款账户' })
      }
      if (FOREIGN_TRADE.has(industry) || (isHolding && rng.chance(0.5))) {
        add({ bank: 'boc', currency: 'USD', type: 'operating', kind: 'operating', label: '经常项目外汇账户（美元）' })
        if (size >= 2 && rng.chance(0.5)) add({ bank: 'icbc', currency: 'USD', type: 'operating', kind: 'operating', label: '经常项目外汇账户（美元）' })
        if ((industry === 'shipping' || industry === 'marine-engineering' || industry === 'group') && rng.chance(0.7)) {
          add({ bank: 'boc', currency: 'EUR', type: 'operating', kind: 'operating', label: '经常项目外汇账户（欧元）' })
        }
        if ((industry === 'fisheries' || industry === 'trading') && rng.chance(0.8)) {
          add({ bank: 'boc', currency: 'JPY', type: 'operating', kind: 'operating', label: '经常项目外汇账户（日元）' })
        }
        if (industry === 'group') add({ bank: 'bocom', currency: 'HKD', type: 'operating', kind: 'operating', label: '经常项目外汇账户（港币）' })
      }
      const deposits = industry === 'group' ? 3 : rng.int(0, size - 1)
      for (let i = 0; i < deposits; i++) {
        const kind = rng.chance(0.55) ? 'time-deposit' : 'notice-deposit'
        add({ bank: rng.weighted(CN_BANKS), currency: 'CNY', type: 'deposit', kind, label: kind === 'time-deposit' ? '单位定期存款' : '七天通知存款' })
      }
      if (industry === 'group') add({ bank: 'boc', currency: 'USD', type: 'deposit', kind: 'time-deposit', label: '单位定期存款（美元）' })
      if (industry === 'construction') {
        add({ bank: rng.weighted(CN_BANKS), currency: 'CNY', type: 'escrow', kind: 'margin', label: '履约保证金账户' })
        if (rng.chance(0.6)) add({ bank: rng.weighted(CN_BANKS), currency: 'CNY', type: 'escrow', kind: 'escrow', label: '工程款监管账户' })
        const wageAccounts = size + 1 + rng.int(0, 1)
        for (let i = 0; i < wageAccounts; i++) {
          const project = nextProject()
          add({ bank: rng.weighted(WAGE_BANKS), currency: 'CNY', type: 'wage-special', kind: 'wage', label: `农民工工资专用账户（${project}）`, project })
        }
      } else if (industry === 'port' || industry === 'logistics' || industry === 'marine-engineering') {
        if (rng.chance(0.5)) add({ bank: rng.weighted(CN_BANKS), currency: 'CNY', type: 'escrow', kind: 'margin', label: industry === 'marine-engineering' ? '预付款保函保证金账户' : '海关税费保证金账户' })
      } else if (industry === 'leasing') {
        add({ bank: rng.weighted(CN_BANKS), currency: 'CNY', type: 'escrow', kind: 'escrow', label: '租赁保证金监管账户' })
      } else if (!isHolding && rng.chance(0.15)) {
        add({ bank: rng.weighted(CN_BANKS), currency: 'CNY', type: 'escrow', kind: 'escrow', label: '资金监管账户' })
      }
      if (industry === 'group') {
        add({ bank: 'icbc', currency: 'CNY', type: 'cash-pool-header', kind: 'pool-header', label: '集团资金池主账户（人民币）' })
        add({ bank: 'ccb', currency: 'CNY', type: 'cash-pool-header', kind: 'pool-header', label: '集团资金池主账户（人民币二级池）' })
        add({ bank: 'boc', currency: 'USD', type: 'cash-pool-header', kind: 'pool-header', label: '跨境资金池主账户（美元）' })
      } else if (isHolding && entity.depth === 1) {
        add({ bank: primaryBank, currency: 'CNY', type: 'cash-pool-header', kind: 'pool-header', label: '资金池主账户（人民币）' })
      }
      break
    }
    case 'HK': {
      const main = entity.functionalCurrency as DemoCurrency
      add({ bank: 'hsbc', currency: main, type: 'operating', kind: 'operating', label: `Current account ${main}`, primary: true })
      for (const currency of ['HKD', 'USD', 'CNY', 'EUR'] as const) {
        if (currency !== main && (currency === 'HKD' || currency === 'USD' || rng.chance(0.5))) add({ bank: 'hsbc', currency, type: 'operating', kind: 'operating', label: `Current account ${currency}` })
      }
      if (rng.chance(0.6)) add({ bank: 'hsbc', currency: 'USD', type: 'deposit', kind: 'time-deposit', label: 'Time deposit USD' })
      if (isHolding && entity.depth === 1) add({ bank: 'hsbc', currency: 'USD', type: 'cash-pool-header', kind: 'pool-header', label: 'Cash pool header USD' })
      break
    }
    case 'SG': {
      const main = entity.functionalCurrency as DemoCurrency
      add({ bank: 'dbs', currency: main, type: 'operating', kind: 'operating', label: `Current account ${main}`, primary: true })
      add({ bank: 'dbs', currency: main === 'SGD' ? 'USD' : 'SGD', type: 'operating', kind: 'operating', label: `Current account ${main === 'SGD' ? 'USD' : 'SGD'}` })
      add({ bank: 'citi', currency: 'USD', type: 'operating', kind: 'operating', label: 'Operating account USD' })
      if (size >= 2) add({ bank: 'citi', currency: 'SGD', type: 'operating', kind: 'operating', label: 'Operating account SGD' })
      if (rng.chance(0.5)) add({ bank: 'dbs', currency: 'USD', type: 'deposit', kind: 'time-deposit', label: 'Fixed deposit USD' })
      if (isHolding && entity.depth === 1) add({ bank: 'citi', currency: 'USD', type: 'cash-pool-header', kind: 'pool-header', label: 'Cash pool header USD' })
      break
    }
    case 'DE': {
      add({ bank: 'db', currency: 'EUR', type: 'operating', kind: 'operating', label: 'Geschäftskonto EUR', primary: true })
      add({ bank: 'db', currency: 'USD', type: 'operating', kind: 'operating', label: 'Fremdwährungskonto USD' })
      add({ bank: 'db', currency: 'EUR', type: 'deposit', kind: 'time-deposit', label: 'Festgeld EUR' })
      break
    }
    case 'JP': {
      add({ bank: 'mufg', currency: 'JPY', type: 'operating', kind: 'operating', label: '当座預金 JPY', primary: true })
      add({ bank: 'mufg', currency: 'USD', type: 'operating', kind: 'operating', label: '外貨普通預金 USD' })
      add({ bank: 'mufg', currency: 'JPY', type: 'deposit', kind: 'time-deposit', label: '定期預金 JPY' })
      break
    }
  }
  return specs
}

/**
 * The German IBAN of a Deutsche Bank account number (ISO 13616 mod-97 check digits).
 *
 * @example
 * germanIban('0123456700') // 'DE' + 2 check digits + '50070010' + '0123456700'
 */
export function germanIban(accountNumber: string): string {
  const bban = DEUTSCHE_BANK_BLZ + accountNumber.padStart(10, '0')
  // 'D' = 13, 'E' = 14, then '00' for the check digits.
  const check = 98n - (BigInt(`${bban}131400`) % 97n)
  return `DE${String(check).padStart(2, '0')}${bban}`
}

/** ISO 13616 check: move the country and check digits to the end, letters to numbers, mod 97 = 1. */
export function isValidIban(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  const digits = rearranged.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55))
  return BigInt(digits) % 97n === 1n
}

/** Display form of an account number: only the last four digits, e.g. "**** 1234". */
export function maskAccountNumber(number: string): string {
  return `**** ${number.slice(-4)}`
}

/** Minor units of `currency` worth about `cny` yuan (for sizing only). */
function minorFromCny(cny: number, currency: DemoCurrency): number {
  return (cny / APPROX_CNY_PER_UNIT[currency]) * 10 ** currencyExponent(currency)
}

function profileFor(spec: AccountSpec, entity: DemoEntity, rng: Rng, periodDays: number, activityScale: number): AccountProfile {
  const foreign = entity.region.country !== 'CN' || spec.currency !== 'CNY'
  const sizeFactor = [0, 1, 4, 14][entity.size]!
  const isGroup = entity.industry === 'group'
  const isHolding = isGroup || entity.industry === 'holding'
  let targetCny: number
  let ticketShare: number
  let perDay: number
  let interestRate: number
  switch (spec.kind) {
    case 'operating':
      targetCny = 3_000_000 * sizeFactor * (isGroup ? 3 : 1) * (spec.primary ? 1 : 0.4) * (foreign && entity.region.country === 'CN' ? 0.3 : 1)
      ticketShare = isHolding ? 1 / 8 : foreign ? 1 / 12 : 1 / 30
      perDay = (isHolding ? 0.8 : [0, 1.6, 2.8, 4.5][entity.size]!) * (spec.primary ? 1 : 0.55) * (foreign ? 0.6 : 1)
      interestRate = spec.currency === 'JPY' ? 0.001 : spec.currency === 'CNY' ? rng.between(0.001, 0.0035) : rng.between(0.002, 0.01)
      break
    case 'pool-header':
      targetCny = isGroup ? 300_000_000 : entity.region.country === 'CN' ? 80_000_000 : 30_000_000
      ticketShare = 1 / 14
      perDay = isGroup ? 7 : 4
      interestRate = spec.currency === 'CNY' ? 0.0115 : 0.025
      break
    case 'time-deposit':
      targetCny = 10_000_000 * sizeFactor * (isGroup ? 4 : 1)
      ticketShare = 1 / 4
      perDay = 0.012
      interestRate = spec.currency === 'CNY' ? rng.between(0.012, 0.0175) : spec.currency === 'JPY' ? 0.002 : rng.between(0.03, 0.045)
      break
    case 'notice-deposit':
      targetCny = 4_000_000 * sizeFactor
      ticketShare = 1 / 5
      perDay = 0.12
      interestRate = rng.between(0.008, 0.01)
      break
    case 'escrow':
      targetCny = 3_000_000 * sizeFactor
      ticketShare = 1 / 6
      perDay = 0.12
      interestRate = 0.0025
      break
    case 'margin':
      targetCny = 1_500_000 * sizeFactor
      ticketShare = 1 / 5
      perDay = 0.06
      interestRate = 0.0025
      break
    case 'wage':
      targetCny = 50_000
      ticketShare = 1
      perDay = 0
      interestRate = 0
      break
  }
  const target = minorFromCny(targetCny * rng.logNormal(1, 0.35), spec.currency)
  const partialHold =
    spec.kind === 'operating' && !spec.primary && rng.chance(0.1)
      ? (() => {
          const fromDay = rng.int(0, periodDays - 30)
          const toDay = Math.min(periodDays - 1, fromDay + rng.int(30, 200))
          return { fromDay, toDay, amount: BigInt(Math.round(target * rng.between(0.05, 0.3))) }
        })()
      : null
  return {
    kind: spec.kind,
    foreign,
    primary: spec.primary ?? false,
    target,
    ticket: target * ticketShare,
    perDay: perDay * rng.logNormal(1, 0.2) * activityScale,
    interestRate,
    headcount: spec.primary ? Math.round([0, 25, 120, 450][entity.size]! * rng.logNormal(1, 0.3) * (isHolding ? 0.5 : 1)) : 0,
    project: spec.project ?? null,
    partialHold,
    closedOnDay: null,
  }
}

export interface DemoGroupLayout {
  entities: DemoEntity[]
  accounts: DemoAccount[]
}

/** Per scale: how many accounts at least, and how busy each account is relative to the demo. */
export const SCALES: Record<DemoScale, { minAccounts: number; activity: number }> = {
  demo: { minAccounts: 150, activity: 1 },
  large: { minAccounts: 5_100, activity: 3.5 },
}

/**
 * The member companies and their accounts for a seed and scale. The demo tree is fixed; the large
 * scale adds branch companies under the operating companies until it has enough accounts.
 *
 * @example
 * const { entities, accounts } = buildGroup(42, 'demo', '2025-02-25', 400) // 36 companies, ~190 accounts
 */
export function buildGroup(seed: number, scale: DemoScale, startDate: string, periodDays: number): DemoGroupLayout {
  const entities = baseEntities()
  const { minAccounts, activity } = SCALES[scale]
  const numbers = new Map<BankKey, Set<string>>()
  const accounts: DemoAccount[] = []
  let projectIndex = 0
  const nextProject = () => {
    const i = projectIndex++
    const round = Math.floor(i / PROJECTS.length)
    return `${PROJECTS[i % PROJECTS.length]}${round > 0 ? `${round + 1}标段` : ''}`
  }

  const addAccountsOf = (entity: DemoEntity) => {
    const rng = new Rng(hashSeed(seed, 'accounts', entity.code))
    for (const spec of planAccounts(entity, rng, nextProject)) {
      const bank = BANK_BY_KEY[spec.bank]
      let used = numbers.get(spec.bank)
      if (!used) numbers.set(spec.bank, (used = new Set()))
      let number = bank.accountNumber(rng, entity.regionKey, spec.currency)
      while (used.has(number)) number = bank.accountNumber(rng, entity.regionKey, spec.currency)
      used.add(number)
      const profile = profileFor(spec, entity, rng, periodDays, activity)
      const ordinary = spec.kind === 'operating' && !spec.primary
      const status = ordinary ? rng.weighted([['active', 92], ['dormant', 4], ['frozen', 2], ['closed', 2]] as const) : 'active'
      if (status === 'closed') profile.closedOnDay = rng.int(30, periodDays - 30)
      if (status === 'dormant') profile.perDay *= 0.03
      const tier =
        spec.primary || spec.kind === 'pool-header' || spec.kind === 'wage' ? 'I'
        : spec.type === 'deposit' ? 'II'
        : spec.type === 'escrow' ? rng.weighted([['II', 3], ['III', 2]] as const)
        : rng.weighted([['I', 14], ['II', 5], ['III', 1]] as const)
      accounts.push({
        id: accountId(accounts.length),
        entityId: entity.id,
        bankId: bank.id,
        name: spec.label,
        number,
        numberMasked: maskAccountNumber(number),
        iban: spec.bank === 'db' ? germanIban(number) : null,
        currency: spec.currency,
        type: spec.type,
        status,
        tier,
        openedOn: addDays(startDate, -rng.int(spec.kind === 'wage' ? 20 : 60, 4_500)),
        bankKey: spec.bank,
        profile,
      })
    }
  }

  for (const entity of entities) addAccountsOf(entity)

  if (accounts.length < minAccounts) {
    // Branches hang under operating companies (not holdings), round-robin so every business grows.
    const parents = entities.filter((e) => e.industry !== 'group' && e.industry !== 'holding' && DISTRICTS[e.regionKey])
    const rng = new Rng(hashSeed(seed, 'branches'))
    const seen = new Map<string, number>()
    for (let serial = 1; accounts.length < minAccounts; serial++) {
      const branch = branchEntity(parents[(serial - 1) % parents.length]!, serial, rng, seen)
      entities.push(branch)
      addAccountsOf(branch)
    }
  }
  return { entities, accounts }
}
