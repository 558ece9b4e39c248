import { formatMoney } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { chromiumAvailable, screenshot } from './support/browser.js'
import { useBrowserSession } from './support/session.js'

/**
 * One bank down from the very first start (MOCK_BANK_FAULTS): the real server in demo mode, the
 * built SPA, Chromium. The overview must name that bank's accounts in its stale notice while the
 * other banks' figures are there and current, and the Connections page must show the failing
 * connection with its error.
 */
const run = chromiumAvailable()
const STARTUP = 300_000
const STEP = 90_000
const DOWN = 'hsbc-ob'

describe.skipIf(!run)('a bank that is down, in Chromium', () => {
  const session = useBrowserSession({
    prepare: () => ({ env: { MOCK_BANK_FAULTS: `${DOWN}=down` }, expectFailing: [DOWN] }),
    startupMs: STARTUP,
  })
  const open = (path: string) => session.open(path)

  /** The connections by connector, with the accounts each serves (the API the pages use). */
  async function connections() {
    const list = await session.api.connectors.list.query()
    const down = list.filter((c) => c.connectorId === DOWN)
    const up = list.filter((c) => c.connectorId !== DOWN)
    expect(down.length).toBeGreaterThan(0)
    return { list, down, up }
  }

  it('the overview names the down bank’s accounts as stale; the other banks’ figures are there and current', async () => {
    const { down, up } = await connections()
    const downIds = new Set(down.flatMap((c) => c.accounts.map((a) => a.id)))
    expect(downIds.size).toBeGreaterThan(0)
    const summary = await session.api.position.summary.query({ currency: 'CNY', groupBy: 'bank' })
    const stale = new Map(summary.stale.map((s) => [s.accountId, s]))
    // Down since the first start: no balance at all, so stale with nothing to show for it.
    for (const id of downIds) expect(stale.get(id), `${id} is stale`).toMatchObject({ reason: 'no-balance' })
    // Banks that answered are current (the demo's late bank aside, whose own feed ends early).
    const current = up.filter((c) => c.status === 'ok' && c.accounts.every((a) => !a.stale))
    expect(current.length).toBeGreaterThan(0)
    for (const c of current) for (const a of c.accounts) expect(stale.has(a.id), `${a.id} (${c.connectorId}) is current`).toBe(false)

    const { page, errors } = await open('/')
    await page.locator('[data-testid="overview"][data-ready="true"]').waitFor({ timeout: 60_000 })
    const notice = page.locator('[data-testid="stale-notice"]')
    await notice.waitFor()
    const more = notice.locator('.more')
    if (await more.count()) await more.click()
    const shown = (await notice.textContent()) ?? ''
    // Labelled as the page labels accounts: "name · bank · currency".
    const banks = new Map((await session.api.reference.banks.query()).map((b) => [b.id, b.nameZh]))
    const label = (c: { bankId: string }, a: { name: string; currency: string }) => `${a.name} · ${banks.get(c.bankId)} · ${a.currency}`
    for (const c of down) for (const a of c.accounts) expect(shown, `the notice names ${a.id}`).toContain(label(c, a))
    for (const c of current) for (const a of c.accounts) expect(shown).not.toContain(label(c, a))

    // The banks that answered are in the breakdown with the API's figures.
    const rows = page.locator('[data-testid="breakdown-table"] tbody tr')
    await rows.first().waitFor()
    for (const c of current) {
      const row = summary.rows.find((r) => r.key === c.bankId)
      expect(row, `${c.bankId} has a row`).toBeDefined()
      expect(row!.amount).not.toBe(0n)
      const cell = page.locator(`[data-testid="breakdown-table"] tbody tr[data-key="${c.bankId}"] td.amt .money`)
      expect(((await cell.textContent()) ?? '').trim()).toBe(formatMoney(row!.amount, 'CNY', 'zh-CN'))
    }
    await screenshot(page, 'overview-bank-down')
    expect(errors).toEqual([])
    await page.close()
  }, STEP)

  it('the Connections page shows the failing connection, its error and its stale accounts', async () => {
    const { down, up } = await connections()
    const { page, errors } = await open('/connections')
    await page.locator('[data-testid="connections"]').waitFor({ timeout: 30_000 })
    for (const c of down) {
      expect(c.lastSuccessAt).toBeNull()
      expect(['degraded', 'failing']).toContain(c.status)
      const card = page.locator(`[data-testid="connection-${c.id}"]`)
      await card.waitFor()
      expect(await card.locator('[data-testid="connection-status"]').getAttribute('data-status')).toBe(c.status)
      const problem = card.locator('[data-testid="connection-error"]')
      await problem.waitFor()
      expect(await problem.textContent()).toContain('unavailable')
      // Every account of the bank, although the bank never listed them, as stale.
      await card.locator('[data-testid="stale-accounts"] tbody tr').first().waitFor()
      expect(await card.locator('[data-testid="stale-accounts"] tbody tr').count()).toBe(c.accounts.length)
    }
    const healthy = up.find((c) => c.status === 'ok')!
    await expect(page.locator(`[data-testid="connection-${healthy.id}"] [data-testid="connection-error"]`).count()).resolves.toBe(0)
    await screenshot(page, 'connections-bank-down')
    expect(errors).toEqual([])
    await page.close()
  }, STEP)
})
