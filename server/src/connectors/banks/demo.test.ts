import type { AnyConnector } from '@treasury/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../demo/index.js'
import { FaultSpecError } from '../sdk/faults.js'
import { loadConnectorRegistry } from '../sdk/registry.js'
import { ConnectorRunner } from '../sdk/runtime.js'
import { DemoLedger, startDemoBanks, type DemoBanks } from './demo.js'

const END = '2026-11-20'

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

describe('DemoLedger', () => {
  const ledger = DemoLedger.open({ seed: 42, endDate: END })
  const demo = generateDemo({ seed: 42, endDate: END })

  it('serves exactly the generator’s days: closed before today, intraday today, nothing after', () => {
    const account = ledger.accountsOf('bnk_icbc')[0]!
    const generated = [...demo.activity(account)]
    const days = ledger.days(account, demo.startDate, addDays(END, 5), END)
    expect(days).toHaveLength(generated.length)
    days.forEach((day, i) => {
      const g = generated[i]!
      expect([day.date, day.opening, day.closing, day.available]).toEqual([g.date, g.opening, g.closing, g.available])
      expect(day.intraday).toBe(day.date === END)
      expect(day.entries.map((e) => e.bankReference)).toEqual(g.transactions.filter((t) => day.intraday || t.status === 'booked').map((t) => t.bankReference))
    })
    expect(ledger.days(account, '2026-11-10', '2026-11-12', '2026-11-11').map((d) => [d.date, d.intraday])).toEqual([
      ['2026-11-10', false],
      ['2026-11-11', true],
    ])
  })

  it('goes on past the end date: yesterday’s pending entries are booked the next day, balances chain', () => {
    const account = ledger.demo.accounts.find((a) => ledger.days(a, END, END, END)[0]?.entries.some((e) => e.status === 'pending'))!
    const later = addDays(END, 3)
    const days = ledger.days(account, addDays(END, -1), later, later)
    expect(days.map((d) => d.date)).toEqual([addDays(END, -1), END, addDays(END, 1), addDays(END, 2), later])
    const [, last, next] = days
    const pending = ledger.days(account, END, END, END)[0]!.entries.filter((e) => e.status === 'pending')
    expect(last!.entries.some((e) => e.status === 'pending')).toBe(false)
    expect(next!.entries.map((e) => [e.bankReference, e.status, e.bookingDate])).toEqual(pending.map((e) => [e.bankReference, 'booked', addDays(END, 1)]))
    for (let i = 1; i < days.length; i++) {
      expect(days[i]!.opening).toBe(days[i - 1]!.closing)
      expect(days[i]!.opening + days[i]!.entries.reduce((s, e) => s + e.amount, 0n)).toBe(days[i]!.closing)
    }
    expect(days.at(-1)!.intraday).toBe(true)
  })

  it('keeps a stale feed stopped, lists closed accounts with their history ending on their closing day, busiest accounts first', () => {
    const citi = ledger.accountsOf('bnk_citi')
    expect(ledger.days(citi[0]!, addDays(END, -5), END, END).at(-1)!.date).toBe(demo.stale.lastDate)
    const all = ledger.demo.banks.flatMap((b) => ledger.accountsOf(b.id))
    expect(all.length).toBe(demo.accounts.length)
    const closed = all.filter((a) => a.status === 'closed')
    expect(closed.length).toBeGreaterThan(0)
    for (const account of closed) {
      const days = ledger.days(account, addDays(END, -400), END, END)
      expect(days.at(-1)!.date).toBe(demo.lastDateOf(account))
      expect(days.at(-1)!.date < addDays(END, -30)).toBe(true)
      expect(days.at(-1)!.closing).toBe(0n)
    }
    for (const bank of ledger.demo.banks) {
      const rates = ledger.accountsOf(bank.id).map((a) => a.profile.perDay)
      expect(rates).toEqual([...rates].sort((a, b) => b - a))
    }
  })
})

describe('startDemoBanks', () => {
  let banks: DemoBanks
  let connectors: Map<string, AnyConnector>

  beforeAll(async () => {
    banks = await startDemoBanks({ seed: 42, endDate: END, today: END, faults: 'citi-bai2=down', isolation: 'in-process' })
    const registry = await loadConnectorRegistry({ only: [...new Set(banks.connections.map((c) => c.connectorId))] })
    connectors = new Map(registry.list().map((c) => [c.manifest.id, c]))
  })
  afterAll(() => banks?.stop())

  it('gives every demo bank exactly one connection through the five connectors', () => {
    const demo = generateDemo({ seed: 42, endDate: END })
    expect(banks.connections.map((c) => c.bankId).sort()).toEqual(demo.banks.map((b) => b.id).sort())
    expect(Object.fromEntries(banks.connections.map((c) => [c.bankId, c.connectorId]))).toEqual({
      bnk_icbc: 'icbc-cmp',
      bnk_abc: 'icbc-cmp',
      bnk_ccb: 'icbc-cmp',
      bnk_bocom: 'icbc-cmp',
      bnk_cmb: 'icbc-cmp',
      bnk_nbcb: 'icbc-cmp',
      bnk_boc: 'boc-mt940',
      bnk_mufg: 'boc-mt940',
      bnk_dbs: 'dbs-camt',
      bnk_db: 'dbs-camt',
      bnk_citi: 'citi-bai2',
      bnk_hsbc: 'hsbc-ob',
    })
    expect(new Set(banks.connections.map((c) => c.id)).size).toBe(12)
  })

  it('serves each bank’s accounts and figures through its connection', async () => {
    const from = addDays(END, -3)
    for (const connection of banks.connections) {
      if (connection.connectorId === 'citi-bai2') continue // down, below
      const sim = banks.simulators.find((s) => s.connectorId === connection.connectorId)!
      const truth = sim.connections.find((c) => c.bankId === connection.bankId)!.truth
      const runner = new ConnectorRunner(connectors.get(connection.connectorId)!, { ...connection, now: () => new Date(`${END}T04:00:00Z`) })
      const accounts = await runner.listAccounts()
      expect(accounts, connection.id).toEqual(truth.accounts())
      const account = accounts[0]!
      expect(await runner.fetchBalances({ account, from, to: END }), connection.id).toEqual(truth.balances(account.ref, from, END))
      const page = await runner.fetchTransactions({ account, from, to: END, cursor: null })
      expect(page.transactions.map((t) => t.bankReference), connection.id).toEqual(truth.transactions(account.ref, from, END).slice(0, page.transactions.length).map((t) => t.bankReference))
    }
  })

  it('applies MOCK_BANK_FAULTS-style faults at start and on demand', async () => {
    const citi = banks.connections.find((c) => c.connectorId === 'citi-bai2')!
    const runner = () => new ConnectorRunner(connectors.get('citi-bai2')!, { ...citi, now: () => new Date(`${END}T04:00:00Z`) })
    await expect(runner().listAccounts()).rejects.toMatchObject({ kind: 'unavailable' })
    await banks.setFaults('citi-bai2', '')
    expect((await runner().listAccounts()).length).toBeGreaterThan(0)
    expect((await banks.requestCounts())['citi-bai2']).toBeGreaterThanOrEqual(2)
  })

  it('refuses a fault for a connector that does not exist (a typo must not leave a bank healthy)', async () => {
    await expect(startDemoBanks({ seed: 42, endDate: END, faults: 'citi-bia2=down', isolation: 'in-process' })).rejects.toThrow(FaultSpecError)
  })
})

describe('startDemoBanks in a worker thread', () => {
  it('runs the simulators off this event loop and stops them', async () => {
    const banks = await startDemoBanks({ seed: 42, endDate: END, today: END, faults: '', isolation: 'worker' })
    try {
      expect(banks.isolation).toBe('worker')
      expect(banks.connections).toHaveLength(12)
      const hsbc = banks.connections.find((c) => c.connectorId === 'hsbc-ob')!
      const registry = await loadConnectorRegistry({ only: ['hsbc-ob'] })
      const runner = new ConnectorRunner(registry.get('hsbc-ob'), { ...hsbc, now: () => new Date(`${END}T04:00:00Z`) })
      expect((await runner.listAccounts()).length).toBeGreaterThan(0)
      await banks.setFaults('hsbc-ob', 'down')
      await expect(runner.listAccounts()).rejects.toMatchObject({ kind: 'unavailable' })
      expect((await banks.requestCounts())['hsbc-ob']).toBeGreaterThanOrEqual(3)
    } finally {
      await banks.stop()
    }
    await expect(banks.requestCounts()).rejects.toThrow(/stopped/)
  }, 30_000)
})
