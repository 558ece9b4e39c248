import { currencyExponent, type Transaction } from '@treasury/shared'
import { addDays, type DemoDay } from './calendar.js'
import {
  AUTHORITIES, BANK_BY_KEY, DOMESTIC_PARTIES, DOMESTIC_PURPOSES, FOREIGN_PARTIES, FOREIGN_PURPOSES, GIVEN_CHARS, SURNAMES,
  WORKER_CARD_BANKS, type CounterpartyName, type DemoCurrency,
} from './catalog.js'
import type { DemoAccount, DemoEntity } from './group.js'
import { hashSeed, Rng } from './prng.js'

/** One account's day: the three camt balances and the entries booked (or, on the last day, pending). */
export interface DemoAccountDay {
  date: string
  /** OPBD: equals the previous day's closing. */
  opening: bigint
  /** CLBD: opening plus the day's booked entries. */
  closing: bigint
  /** CLAV: closing less what the bank holds back (never below zero). */
  available: bigint
  /** The bank's end-of-day statement time (ISO-8601 UTC). */
  reportedAt: string
  /** When the statement was fetched, a few minutes later. */
  fetchedAt: string
  transactions: Transaction[]
}

/** Another account the activity rules pay to or collect from (a member company's, a pool's). */
export interface PartyAccount {
  name: string
  account: string
  bank: string
}

/** What an account's activity needs to know about the rest of the group. */
export interface ActivityContext {
  seed: number
  days: readonly DemoDay[]
  /** The index of the last day this account's bank has delivered (a stale bank stops early). */
  lastDayIndex(account: DemoAccount): number
  entityOf(account: DemoAccount): DemoEntity
  /** The company's own basic account, as a counterparty (deposits, margins, wage-account funding). */
  ownAccountOf(account: DemoAccount): PartyAccount
  /** Who funds a company when its basic account runs short (its holding's or the group's pool). */
  funderOf(account: DemoAccount): PartyAccount
  /**
   * Operating accounts of the member companies below the account's company, in its currency: what a
   * cash-pool header sweeps and funds, and whom a holding lends to and collects from.
   */
  membersOf(account: DemoAccount): readonly PartyAccount[]
}

/** Bank transaction codes, ISO 20022 domain-family-subfamily. */
const BTC = {
  domesticIn: 'PMNT-RCDT-DMCT',
  domesticOut: 'PMNT-ICDT-DMCT',
  crossBorderIn: 'PMNT-RCDT-XBCT',
  crossBorderOut: 'PMNT-ICDT-XBCT',
  sepaIn: 'PMNT-RCDT-ESCT',
  sepaOut: 'PMNT-ICDT-ESCT',
  salary: 'PMNT-ICDT-SALA',
  directDebit: 'PMNT-IDDT-PMDD',
  bookIn: 'PMNT-RCDT-BOOK',
  bookOut: 'PMNT-ICDT-BOOK',
  fee: 'ACMT-MDOP-CHRG',
  interest: 'ACMT-MCOP-INTR',
  sweepIn: 'CAMT-ACCB-ZABA',
  topUpOut: 'CAMT-ACCB-TOPG',
  topUpIn: 'CAMT-ACCB-TOPG',
  termDepositIn: 'LDAS-FTDP-DPST',
  termDepositOut: 'LDAS-FTDP-RPMT',
  noticeDepositIn: 'LDAS-NTDP-DPST',
  noticeDepositOut: 'LDAS-NTDP-RPMT',
} as const

const LOCAL_CURRENCY: Record<string, DemoCurrency> = { CN: 'CNY', HK: 'HKD', SG: 'SGD', DE: 'EUR', JP: 'JPY' }

/** What money between a holding and its companies is for. */
const INTRA_GROUP_PURPOSES = {
  zh: { in: ['子公司分红款', '借款归还', '资金往来', '管理费'], out: ['内部借款', '增资款', '资金往来', '委托贷款'] },
  en: { in: ['Dividend from subsidiary', 'Intercompany loan repayment', 'Intercompany transfer'], out: ['Intercompany loan', 'Capital injection', 'Intercompany transfer'] },
} as const

/** Monthly pay per head in each currency, in major units (sizes the payroll runs). */
const MONTHLY_PAY: Record<DemoCurrency, number> = { CNY: 9_500, USD: 6_000, HKD: 32_000, EUR: 4_600, SGD: 6_200, JPY: 410_000 }

/** The other side of an entry as the statement shows it. */
interface Party {
  name: string | null
  account: string | null
  bank: string | null
}

const knownParties = new Map<string, Party>()

/** A named counterparty with an account number that is stable for its name (a customer always pays from one account). */
function partyFor(counterparty: CounterpartyName, foreign: boolean): Party {
  let party = knownParties.get(counterparty.name)
  if (party === undefined) {
    const rng = new Rng(hashSeed('party', counterparty.name))
    const account = foreign ? rng.digits(rng.int(10, 12)) : rng.pick(['1', '3', '6', '7']) + rng.digits(rng.int(15, 18))
    party = { name: counterparty.name, account, bank: counterparty.bank }
    knownParties.set(counterparty.name, party)
  }
  return party
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)

/** ISO-8601 UTC of a time on `day` (formatted by hand: millions of these are made at the large scale). */
function timestampAt(day: DemoDay, secondsAfterMidnight: number): string {
  if (secondsAfterMidnight >= 86_400) return new Date(day.epochMs + secondsAfterMidnight * 1000).toISOString()
  const s = Math.floor(secondsAfterMidnight)
  return `${day.date}T${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}.000Z`
}

interface Worker {
  /** Name, bank card and the card's bank, as the wage entries show them. */
  party: Party
  /** Monthly wage in fen. */
  wage: number
}

function makeCrew(rng: Rng, cityZh: string): Worker[] {
  const size = rng.int(12, 55)
  const crew: Worker[] = []
  for (let i = 0; i < size; i++) {
    const given = rng.pick(GIVEN_CHARS) + (rng.chance(0.7) ? rng.pick(GIVEN_CHARS) : '')
    const [bankName, bin] = rng.pick(WORKER_CARD_BANKS)
    crew.push({
      party: { name: rng.pick(SURNAMES) + given, account: bin + rng.digits(13), bank: `${bankName}${cityZh}${rng.chance(0.6) ? '分行' : '支行'}` },
      wage: Math.round(rng.between(4_500, 11_000) / 10) * 10 * 100,
    })
  }
  return crew
}

/**
 * The daily balances and entries of one account over the period, generated lazily day by day from
 * the account's own random stream (so accounts can be produced in any order, one at a time).
 * Every day closes exactly: opening + Σ booked amounts = closing, and the next day opens there.
 * No account is allowed an overdraft, so a debit larger than the balance is shrunk or dropped.
 *
 * @example
 * for (const day of accountActivity(context, account)) console.log(day.date, day.opening, day.closing)
 */
export function* accountActivity(ctx: ActivityContext, account: DemoAccount): Generator<DemoAccountDay> {
  const { days } = ctx
  const profile = account.profile
  const rng = new Rng(hashSeed(ctx.seed, 'activity', account.id))
  const entity = ctx.entityOf(account)
  const bank = BANK_BY_KEY[account.bankKey]
  const currency = account.currency as DemoCurrency
  const exponent = currencyExponent(currency)
  const unit = 10 ** exponent
  const english = profile.foreign
  const source = `demo:${bank.id}`
  const lastIndex = Math.min(ctx.lastDayIndex(account), profile.closedOnDay ?? Number.MAX_SAFE_INTEGER)
  const [eodHour, eodMinute] = bank.eodUtc.split(':').map(Number) as [number, number]
  const eodSeconds = eodHour * 3600 + eodMinute * 60 + rng.int(0, 600)
  const bankNameForFees = english ? bank.nameEn : bank.nameZh
  const domesticParties = DOMESTIC_PARTIES[entity.industry]
  const domesticPurposes = DOMESTIC_PURPOSES[entity.industry]
  const authorities = AUTHORITIES[entity.regionKey]
  // Payments in the bank country's own currency are domestic (SEPA for euro in Germany), the rest cross-border.
  const local = LOCAL_CURRENCY[bank.country] === currency
  const codeIn = local ? (currency === 'EUR' ? BTC.sepaIn : BTC.domesticIn) : BTC.crossBorderIn
  const codeOut = local ? (currency === 'EUR' ? BTC.sepaOut : BTC.domesticOut) : BTC.crossBorderOut
  const e2ePrefix = `ZOG${account.id.slice(-4)}`
  const contractPrefix = entity.code.split('-').pop()
  const bankParty: Party = { name: bankNameForFees, account: null, bank: bank.bic }
  const taxParty: Party | null = authorities ? { name: authorities.tax, account: null, bank: authorities.treasuryBank } : null
  const socialParty: Party | null = authorities ? { name: authorities.social, account: null, bank: authorities.treasuryBank } : null
  let reference = rng.int(1_000, 900_000)
  let e2eSerial = 0

  let balance = BigInt(Math.round(profile.target * rng.between(0.6, 1.3)))
  if (profile.kind === 'wage') balance = BigInt(rng.int(2_000, 60_000)) * 100n
  const frozen = account.status === 'frozen'

  // Wage-special accounts: a fixed crew, paid once a month from the contractor's monthly transfer.
  const crew = profile.kind === 'wage' ? makeCrew(rng, entity.region.nameZh) : []
  const fundingDay = rng.int(3, 8)
  const payDay = rng.int(12, 18)
  let plannedWages: number[] = []
  let fundedMonth = ''
  let paidMonth = ''
  const planWages = () => {
    plannedWages = crew.map((w) => (rng.chance(0.08) ? 0 : Math.round((w.wage * rng.between(0.85, 1.15)) / 1000) * 1000))
    return plannedWages.reduce((a, b) => a + b, 0)
  }
  if (profile.kind === 'wage') {
    const first = days[0]!
    if (first.dayOfMonth > fundingDay) {
      fundedMonth = first.monthKey
      if (first.dayOfMonth > payDay) paidMonth = first.monthKey
      else balance += BigInt(planWages())
    }
  }

  // The rules below read the current day through these; they are set at the top of each day.
  let index = 0
  let day = days[0]!
  let transactions: Transaction[] = []

  const valueDate = (shift: number) => (shift === 0 ? day.date : (days[index + shift]?.date ?? addDays(day.date, shift)))
  /**
   * Books (or, for the intraday report, lists as pending) one entry of today. `e2e` undefined means
   * "ours if it is a payment out": our own payments carry our end-to-end id.
   */
  const post = (amount: bigint, who: Party, purpose: string, code: string, e2e?: string | null, valueShift = 0, status: 'booked' | 'pending' = 'booked') => {
    reference += rng.int(1, 37)
    if (status === 'booked') balance += amount
    transactions.push({
      accountId: account.id,
      bookingDate: day.date,
      valueDate: valueDate(valueShift),
      amount,
      currency,
      status,
      bankReference: `${bank.refPrefix}${day.compact}${String(reference).padStart(7, '0')}`,
      endToEndId: e2e === undefined ? (amount < 0n ? `${e2ePrefix}${day.compact}${String(++e2eSerial).padStart(5, '0')}` : null) : e2e,
      counterpartyName: who.name,
      counterpartyAccount: who.account,
      counterpartyBank: who.bank,
      purpose,
      bankTransactionCode: code,
      source,
    })
  }
  /** An amount around `median` minor units; a third are round sums as people pay them. */
  const draw = (median: number, sigma: number): bigint => {
    let value = rng.logNormal(median, sigma)
    const step = value > 1e6 * unit ? 10_000 * unit : value > 1e4 * unit ? 100 * unit : unit
    value = rng.chance(0.35) ? Math.round(value / step) * step : Math.round(value)
    return BigInt(Math.max(unit, value))
  }
  /** Shrinks a debit to what the balance allows (null: too little left to bother). */
  const affordable = (amount: bigint): bigint | null => {
    if (amount <= balance) return amount
    const shrunk = BigInt(Math.floor(Number(balance) * rng.between(0.3, 0.9)))
    return shrunk >= BigInt(100 * unit) ? shrunk : null
  }
  /** Tops the basic account up from the pool before a payment it cannot cover. */
  const ensureFunds = (amount: bigint) => {
    if (balance >= amount) return
    const topUp = amount - balance + BigInt(Math.round(profile.target * rng.between(0.2, 0.5)))
    post(topUp, ctx.funderOf(account), english ? 'Cash pool funding' : '资金下拨', BTC.topUpIn, null)
  }
  const party = (parties: readonly CounterpartyName[]) => partyFor(rng.pick(parties), english)
  // Abroad, a payment in the local currency comes from a local bank; cross-border ones from anywhere.
  const foreignParties = local
    ? {
        customers: FOREIGN_PARTIES.customers.filter((p) => p.bank.slice(4, 6) === bank.country),
        suppliers: FOREIGN_PARTIES.suppliers.filter((p) => p.bank.slice(4, 6) === bank.country),
      }
    : FOREIGN_PARTIES
  const foreignCustomers = foreignParties.customers.length > 0 ? foreignParties.customers : FOREIGN_PARTIES.customers
  const foreignSuppliers = foreignParties.suppliers.length > 0 ? foreignParties.suppliers : FOREIGN_PARTIES.suppliers
  /** A customer (credit) or supplier (debit) of the company's trade. */
  const business = (credit: boolean) =>
    party(english ? (credit ? foreignCustomers : foreignSuppliers) : credit ? domesticParties.customers : domesticParties.suppliers)
  /** What a trade payment is for, with an invoice or contract number. */
  const businessPurpose = (credit: boolean) => {
    if (english) return `${rng.pick(credit ? FOREIGN_PURPOSES.in : FOREIGN_PURPOSES.out)} INV-${day.year}-${rng.digits(5)}`
    const purpose = rng.pick(credit ? domesticPurposes.in : domesticPurposes.out)
    return rng.chance(0.5) ? `${purpose} 合同号${contractPrefix}-${day.year}-${rng.digits(4)}` : purpose
  }
  // A holding's money moves mostly within the group: loans to, returns and dividends from its companies.
  const holding = entity.industry === 'group' || entity.industry === 'holding'
  const members = holding ? ctx.membersOf(account) : []
  /** Moves towards the target: the further below it, the likelier the next entry is a credit. */
  const creditOdds = () => {
    const ratio = Number(balance) / profile.target
    return Math.min(0.92, Math.max(0.08, 0.5 + 0.4 * (1 - ratio)))
  }

  for (; index <= lastIndex && index < days.length; index++) {
    day = days[index]!
    const opening = balance
    transactions = []
    const reportedAt = timestampAt(day, eodSeconds)
    const fetchedAt = timestampAt(day, eodSeconds + rng.int(90, 1_500))
    const busy = (day.isWeekend ? 0.12 : 1) * (day.isHolidaySlow ? 0.3 : 1)

    switch (profile.kind) {
      case 'operating': {
        const count = rng.poisson(profile.perDay * busy)
        for (let i = 0; i < count; i++) {
          const credit = frozen || rng.chance(creditOdds())
          if (members.length > 0 && rng.chance(0.8)) {
            const member = rng.pick(members)
            const purpose = rng.pick(credit ? INTRA_GROUP_PURPOSES[english ? 'en' : 'zh'].in : INTRA_GROUP_PURPOSES[english ? 'en' : 'zh'].out)
            if (credit) post(draw(profile.ticket, 1.0), member, purpose, codeIn, null)
            else {
              const amount = affordable(draw(profile.ticket, 1.0))
              if (amount !== null) post(-amount, member, purpose, codeOut)
            }
            continue
          }
          const who = business(credit)
          const purpose = businessPurpose(credit)
          // A holding's own suppliers are auditors and lawyers: their invoices are small beside its transfers.
          const ticket = holding && !credit ? profile.ticket / 40 : profile.ticket
          // Cross-border money is often back- or forward-valued; domestic rarely (a late CNAPS batch).
          const shift = !local && rng.chance(0.3) ? (credit ? -rng.int(1, 2) : rng.int(1, 2)) : local && rng.chance(0.03) ? -1 : 0
          if (credit) {
            const e2e = english ? (rng.chance(0.4) ? 'NOTPROVIDED' : `${rng.digits(4)}${day.compact}${rng.digits(6)}`) : rng.chance(0.6) ? null : `E${rng.digits(15)}`
            post(draw(ticket, 1.1), who, purpose, codeIn, e2e, shift)
          } else {
            const amount = affordable(draw(ticket, 1.1))
            if (amount !== null) post(-amount, who, purpose, codeOut, undefined, shift)
          }
        }
        if (profile.primary && !frozen && day.isPayrollDay && profile.headcount > 0) {
          const payroll = BigInt(Math.round(profile.headcount * MONTHLY_PAY[currency] * unit * rng.between(0.95, 1.08)))
          ensureFunds(payroll)
          const month = day.month === 1 ? 12 : day.month - 1
          const staff = { name: english ? `${entity.nameEn} staff (${profile.headcount})` : `${entity.nameZh}职工（${profile.headcount}人）`, account: null, bank: null }
          post(-payroll, staff, english ? `Salaries ${day.monthKey}` : `代发工资 ${month}月`, BTC.salary)
        }
        if (profile.primary && !frozen && day.isTaxDay && taxParty && socialParty && currency === 'CNY') {
          const previous = day.month === 1 ? 12 : day.month - 1
          const vat = BigInt(Math.round(profile.target * rng.between(0.01, 0.05)))
          ensureFunds(vat)
          post(-vat, taxParty, `增值税 ${previous}月`, BTC.directDebit, null)
          if (profile.headcount > 0) {
            const social = BigInt(Math.round(profile.headcount * 3_150 * unit * rng.between(0.97, 1.03)))
            ensureFunds(social)
            post(-social, socialParty, `社会保险费 ${day.monthKey}`, BTC.directDebit, null)
          }
          if (day.month % 3 === 1) {
            const cit = BigInt(Math.round(profile.target * rng.between(0.02, 0.06)))
            ensureFunds(cit)
            const quarter = day.month === 1 ? 4 : (day.month - 1) / 3
            post(-cit, taxParty, `企业所得税预缴 第${quarter}季度`, BTC.directDebit, null)
          }
        }
        break
      }
      case 'pool-header': {
        const members = ctx.membersOf(account)
        const count = rng.poisson(profile.perDay * busy)
        for (let i = 0; i < count; i++) {
          const member = rng.pick(members)
          if (rng.chance(creditOdds())) {
            post(draw(profile.ticket, 1.0), member, english ? 'Cash pool sweep' : '资金归集', BTC.sweepIn, null)
          } else {
            const amount = affordable(draw(profile.ticket, 1.0))
            if (amount !== null) post(-amount, member, english ? 'Cash pool funding' : '资金下拨', BTC.topUpOut)
          }
        }
        break
      }
      case 'time-deposit':
      case 'notice-deposit':
      case 'margin': {
        const own = ctx.ownAccountOf(account)
        const count = rng.poisson(profile.perDay * (day.isWeekend ? 0 : 1))
        for (let i = 0; i < count; i++) {
          const credit = rng.chance(creditOdds())
          const [inText, outText, inCode, outCode] =
            profile.kind === 'time-deposit' ? (english ? ['Term deposit placement', 'Term deposit withdrawal', BTC.termDepositIn, BTC.termDepositOut] : ['定期存款存入', '定期存款支取', BTC.termDepositIn, BTC.termDepositOut])
            : profile.kind === 'notice-deposit' ? ['通知存款存入', '通知存款支取', BTC.noticeDepositIn, BTC.noticeDepositOut]
            : ['保证金存入', '保证金释放', BTC.bookIn, BTC.bookOut]
          if (credit) post(draw(profile.ticket, 0.6), own, inText, inCode, null)
          else {
            const amount = affordable(draw(profile.ticket, 0.6))
            if (amount !== null) post(-amount, own, outText, outCode)
          }
        }
        break
      }
      case 'escrow': {
        const count = rng.poisson(profile.perDay * (day.isWeekend ? 0 : 1))
        for (let i = 0; i < count; i++) {
          const credit = rng.chance(creditOdds())
          const who = party(credit ? domesticParties.customers : domesticParties.suppliers)
          if (credit) post(draw(profile.ticket, 0.8), who, `监管资金存入 ${rng.pick(domesticPurposes.in)}`, codeIn, null)
          else {
            const amount = affordable(draw(profile.ticket, 0.8))
            if (amount !== null) post(-amount, who, `监管资金支付 ${rng.pick(domesticPurposes.out)}`, codeOut)
          }
        }
        break
      }
      case 'wage': {
        // Money in only from the contractor (the holder's own basic account), out only as wages to the crew.
        if (!day.isWeekend && day.dayOfMonth >= fundingDay && fundedMonth !== day.monthKey) {
          fundedMonth = day.monthKey
          const payroll = planWages()
          const transfer = Math.ceil((payroll * rng.between(1.0, 1.04)) / 100_000) * 100_000
          const contractor = ctx.ownAccountOf(account)
          post(BigInt(transfer), contractor, `人工费用拨付 ${profile.project} ${day.month}月`, BTC.domesticIn, null)
        }
        if (!day.isWeekend && day.dayOfMonth >= payDay && fundedMonth === day.monthKey && paidMonth !== day.monthKey) {
          paidMonth = day.monthKey
          crew.forEach((worker, i) => {
            const wage = BigInt(plannedWages[i] ?? 0)
            if (wage > 0n && wage <= balance) {
              post(-wage, worker.party, `代发工资 ${profile.project} ${day.month}月`, BTC.salary)
            }
          })
        }
        break
      }
    }

    // Quarterly interest on the 21st; monthly account fees (not on wage accounts: those are fee-exempt).
    if (day.isInterestDay && profile.kind !== 'wage' && balance > 0n) {
      const interest = BigInt(Math.round(Number(balance) * profile.interestRate * (91 / 360)))
      if (interest > 0n) post(interest, bankParty, english ? 'Interest' : '结息', BTC.interest, null)
    }
    if (day.isFeeDay && (profile.kind === 'operating' || profile.kind === 'pool-header') && !frozen && rng.chance(0.8)) {
      const fee = english ? BigInt(rng.int(15, 60) * (currency === 'JPY' ? 150 : 1) * unit) : BigInt(rng.pick([5, 10, 30, 50, 100, 200, 360]) * unit + rng.int(0, 1) * 50)
      const charge = affordable(fee)
      const purpose = english ? rng.pick(['Account maintenance fee', 'SWIFT charges', 'Cash management service fee']) : rng.pick(['账户管理费', '网上银行服务费', '电子汇划费', '对账服务费', '单位结算卡年费'])
      if (charge !== null && charge === fee) post(-charge, bankParty, purpose, BTC.fee, null)
    }
    // A closed account's last day: what is left moves to the company's basic account, then it stops reporting.
    if (profile.closedOnDay === index && balance > 0n) {
      const own = ctx.ownAccountOf(account)
      post(-balance, own, english ? 'Account closure transfer' : '销户资金转出', BTC.bookOut)
    }
    // The last day's intraday report shows a few incoming payments not yet booked (value tomorrow).
    if (index === days.length - 1 && profile.kind === 'operating' && account.status === 'active' && rng.chance(0.25)) {
      post(draw(profile.ticket, 1.0), business(true), businessPurpose(true), codeIn, null, 1, 'pending')
    }

    let hold = 0n
    if (frozen || profile.kind === 'time-deposit' || profile.kind === 'margin') hold = balance
    else if (profile.partialHold && index >= profile.partialHold.fromDay && index <= profile.partialHold.toDay) hold = profile.partialHold.amount
    const available = balance - (hold < balance ? hold : balance)

    yield { date: day.date, opening, closing: balance, available, reportedAt, fetchedAt, transactions }
  }
}
