import { formatMoney } from '@treasury/shared'
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { chromiumAvailable, screenshot } from './support/browser.js'
import { useBrowserSession } from './support/session.js'

/**
 * The Group CFO dashboard in Debian's Chromium against the real server (seeded demo group) and
 * the built SPA, on loopback. Screenshots go to tests/e2e/artifacts/.
 */
const run = chromiumAvailable()
const STARTUP = 300_000
const STEP = 90_000

describe.skipIf(!run)('dashboard in Chromium', () => {
  const session = useBrowserSession({ startupMs: STARTUP })

  /** A page with the person's settings cleared (the profile is shared by the tests of this file). */
  async function freshPage(path = '/'): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await session.open('/settings')
    await page.evaluate('localStorage.clear()')
    await page.goto(`${session.server.url}${path}`)
    return { page, errors }
  }

  /** Waits until the overview says every panel has its answer (data or error) and is drawn. */
  async function waitDrawn(page: Page) {
    await page.locator('[data-testid="overview"][data-ready="true"]').waitFor({ timeout: 60_000 })
  }

  async function text(locator: Locator): Promise<string> {
    return ((await locator.textContent()) ?? '').trim()
  }

  function exactly(value: string): RegExp {
    return new RegExp(`^\\s*${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`)
  }

  /** The breakdown table as [row key, formatted converted amount] pairs, top to bottom. */
  async function breakdownRows(page: Page): Promise<[string, string][]> {
    const rows = page.locator('[data-testid="breakdown-table"] tbody tr')
    await rows.first().waitFor()
    const out: [string, string][] = []
    for (const row of await rows.all()) out.push([(await row.getAttribute('data-key'))!, await text(row.locator('td.amt .money'))])
    return out
  }

  const kpiTotal = (page: Page) => page.locator('[data-testid="kpi-total"] .money')

  it('shows the same consolidated total as the API (position.summary)', async () => {
    const { page, errors } = await freshPage('/')
    await waitDrawn(page)
    const summary = await session.api.position.summary.query({ currency: 'CNY', groupBy: 'currency' })
    const expected = formatMoney(summary.total, 'CNY', 'zh-CN')
    expect(await text(kpiTotal(page))).toBe(expected)
    // The breakdown table's total row says the same.
    expect(await text(page.locator('[data-testid="breakdown-table"] tfoot .money').first())).toBe(expected)
    // Stale figures are named, not hidden.
    if (summary.stale.length > 0) await expect(page.locator('[data-testid="stale-notice"]').isVisible()).resolves.toBe(true)
    expect(await page.locator('[data-testid="group-name"]').textContent()).not.toBe('')

    // Every breakdown row equals the API's: by bank…
    const byBank = await session.api.position.summary.query({ currency: 'CNY', groupBy: 'bank' })
    const shown = await breakdownRows(page)
    expect(shown).toEqual(byBank.rows.map((r) => [r.key, formatMoney(r.amount, 'CNY', 'zh-CN')]))
    // …and by member company.
    await page.locator('[data-testid="breakdown-by"]').getByText('按成员单位').click()
    await page.waitForURL(/[?&]by=entity/)
    const byEntity = await session.api.position.summary.query({ currency: 'CNY', groupBy: 'entity' })
    await page.locator(`[data-testid="breakdown-table"] tbody tr[data-key="${byEntity.rows[0]!.key}"]`).waitFor()
    expect(await breakdownRows(page)).toEqual(byEntity.rows.map((r) => [r.key, formatMoney(r.amount, 'CNY', 'zh-CN')]))
    await page.locator('[data-testid="breakdown-by"]').getByText('按银行').click()
    await page.waitForURL((url) => !url.search.includes('by='))
    await page.waitForTimeout(400) // let the segmented control finish its slide
    await screenshot(page, 'overview-zh-CN')
    expect(errors).toEqual([])
    await page.close()
  }, STEP)

  it('switches the reporting currency, and the total follows the API in USD', async () => {
    const { page } = await freshPage('/')
    await waitDrawn(page)
    const select = page.locator('.el-select[data-testid="currency-select"]')
    await select.waitFor({ timeout: 15_000 })
    // Both pickers load after the first view is drawn; once the date picker has replaced its
    // stand-in too, the top bar no longer shifts under the pointer.
    await page.locator('button[data-testid="asof-picker"]').waitFor({ state: 'detached', timeout: 15_000 })
    await select.click()
    const usd = page.locator('.el-select-dropdown__item:visible').filter({ hasText: exactly('USD') })
    await usd.waitFor()
    await usd.click()
    await page.waitForURL(/[?&]currency=USD/)
    const summary = await session.api.position.summary.query({ currency: 'USD', groupBy: 'currency' })
    const expected = formatMoney(summary.total, 'USD', 'zh-CN')
    await kpiTotal(page).filter({ hasText: exactly(expected) }).waitFor({ timeout: 30_000 })
    // Converted at cross rates (via CNY), the breakdown still matches the API to the cent.
    const byBank = await session.api.position.summary.query({ currency: 'USD', groupBy: 'bank' })
    await page.locator('[data-testid="breakdown-table"] tfoot .money', { hasText: exactly(expected) }).waitFor()
    expect(await breakdownRows(page)).toEqual(byBank.rows.map((r) => [r.key, formatMoney(r.amount, 'USD', 'zh-CN')]))
    // The FX rates behind the figures are one click away.
    await page.locator('[data-testid="fx-button"]').click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.waitFor()
    if (summary.fx.length > 0) expect(await dialog.textContent()).toContain(summary.fx[0]!.rate)
    await screenshot(page, 'overview-usd-fx-rates', { fullPage: false })
    await page.keyboard.press('Escape')
    // The choice is in the URL: a reload (or a colleague with the link) sees USD.
    await page.reload()
    await kpiTotal(page).filter({ hasText: exactly(expected) }).waitFor({ timeout: 30_000 })
    await page.close()
  }, STEP)

  it('drills down from a member company to an account and its transactions', async () => {
    const tree = await session.api.entities.tree.query({ currency: 'CNY' })
    const company = [...tree.roots[0]!.children].sort((a, b) => (a.rolledUpBalance > b.rolledUpBalance ? -1 : 1))[0]!
    const { page } = await freshPage('/entities')
    const node = page.locator(`[data-testid="entity-tree"] [data-entity="${company.id}"]`)
    await node.waitFor({ timeout: 30_000 })
    await node.click()
    await page.waitForURL(new RegExp(`[?&]entity=${company.id}`))
    const detail = page.locator('[data-testid="entity-detail"]')
    await detail.locator('h2', { hasText: company.name }).waitFor()
    expect(await detail.textContent()).toContain(formatMoney(company.rolledUpBalance, 'CNY', 'zh-CN'))
    expect(await text(page.locator('[data-testid="scope-entity"]'))).toBe(company.name)
    const firstAccount = detail.locator('[data-testid="entity-accounts"] tbody tr a').first()
    await firstAccount.waitFor({ timeout: 30_000 })
    // The list is the company's subtree: the heading says so and counts them, and an account of a
    // subsidiary names its company.
    const list = await session.api.accounts.list.query({ entityId: company.id })
    const heading = company.children.length ? `本级及下级单位账户（${list.items.length} 个）` : `账户（${list.items.length} 个）`
    expect(await text(page.locator('[data-testid="entity-accounts-title"]'))).toBe(heading)
    const names = new Map<string, string>()
    const walk = (n: typeof company) => (names.set(n.id, n.name), n.children.forEach(walk))
    walk(company)
    const ofSubsidiary = list.items.find((a) => a.entityId !== company.id)
    if (ofSubsidiary) expect(await detail.locator('[data-testid="entity-accounts"]').textContent()).toContain(names.get(ofSubsidiary.entityId)!)
    await screenshot(page, 'entities-company-selected')

    const accountName = await text(firstAccount)
    await firstAccount.click()
    await page.waitForURL(/\/accounts\/[^/?]+/)
    // The company scope travels with the drill-down.
    expect(page.url()).toContain(`entity=${company.id}`)
    const accountId = new URL(page.url()).pathname.split('/').pop()!
    await page.locator('[data-testid="account-name"]', { hasText: accountName }).waitFor()
    const account = await session.api.accounts.get.query({ accountId })
    // Its source names the bank, not only the connector (one connector serves several banks).
    const bank = (await session.api.reference.banks.query()).find((b) => b.id === account.bankId)!
    expect(await text(page.locator('[data-testid="account-source"]'))).toContain(`来源 ${bank.nameZh}（经 ${account.source}）`)
    const booked = page.locator('[data-testid="account-booked"] .money')
    await booked.waitFor()
    expect(await text(booked)).toBe(account.bookedBalance === null ? '—' : formatMoney(account.bookedBalance, account.currency, 'zh-CN'))
    const rows = page.locator('[data-testid="account-transactions"] .el-table-v2__row')
    await rows.first().waitFor({ timeout: 30_000 })
    const page1 = await session.api.transactions.list.query({ accountId, limit: 1 })
    const first = page1.items[0]!
    expect(await rows.first().textContent()).toContain(first.bookingDate)
    // The heading names the owning company; the table's columns fill its width (no blank strip).
    expect(await text(page.locator('[data-testid="account-owner"]'))).toContain(company.name)
    const gap = Number(
      await page.evaluate(`(() => {
        const cells = document.querySelectorAll('[data-testid="account-transactions"] .el-table-v2__header-cell')
        const table = document.querySelector('[data-testid="account-transactions"] .el-table-v2')
        return table.getBoundingClientRect().right - cells[cells.length - 1].getBoundingClientRect().right
      })()`),
    )
    expect(gap).toBeLessThan(2)
    await page.locator('[data-testid="account-history"] canvas').waitFor()
    await screenshot(page, 'account-page')
    await page.close()
  }, STEP)

  it('switches the language to English and keeps it after a reload', async () => {
    const { page } = await freshPage('/settings')
    await page.locator('[data-testid="settings-language"]').getByText('English').click()
    await page.locator('[data-nav="overview"]', { hasText: 'Overview' }).waitFor()
    expect(await page.evaluate('document.documentElement.lang')).toBe('en')
    await page.reload()
    await page.locator('[data-nav="overview"]', { hasText: 'Overview' }).waitFor()
    await page.locator('[data-nav="overview"]').click()
    await waitDrawn(page)
    const summary = await session.api.position.summary.query({ currency: 'CNY', groupBy: 'currency' })
    expect(await text(kpiTotal(page))).toBe(formatMoney(summary.total, 'CNY', 'en'))
    expect(await text(page.locator('h1'))).toBe('Overview')
    await screenshot(page, 'overview-en')
    await page.close()
  }, STEP)

  it('answers "how much cash do we hold in USD at HSBC in Hong Kong, and as of when?" from the accounts page', async () => {
    // The question of the issue, asked of a person who never saw the product: in English, from the
    // overview, with the menu and three filters.
    const { page, errors } = await freshPage('/settings')
    await page.locator('[data-testid="settings-language"]').getByText('English').click()
    await page.locator('[data-nav="accounts"]', { hasText: 'Accounts' }).click()
    await page.locator('[data-testid="accounts-table"] tbody tr').first().waitFor({ timeout: 30_000 })
    const pick = async (filter: string, option: string) => {
      await page.locator(`.el-select[data-testid="${filter}"]`).click()
      const item = page.locator('.el-select-dropdown__item:visible').filter({ hasText: exactly(option) })
      await item.waitFor()
      await item.click()
    }
    await pick('filter-bank', 'The Hongkong and Shanghai Banking Corporation')
    await pick('filter-currency', 'USD')
    await pick('filter-region', 'Hong Kong')
    await page.waitForURL((url) => url.searchParams.get('bank') === 'bnk_hsbc' && url.searchParams.get('ccy') === 'USD' && url.searchParams.get('region') === 'HK')

    // The API's answer: HSBC's USD accounts of companies in Hong Kong, their booked balances and the oldest figure.
    const list = await session.api.accounts.list.query({ bankId: 'bnk_hsbc', currency: 'USD' })
    const accounts = list.items.filter((a) => a.region.code === 'HK')
    expect(accounts.length).toBeGreaterThan(0)
    const total = accounts.reduce((sum, a) => sum + (a.bookedBalance ?? 0n), 0n)
    const oldest = new Date(Math.min(...accounts.map((a) => a.asOf!.getTime())))
    // Shown in the group's time zone (UTC+8).
    const oldestShown = new Date(oldest.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')

    expect(await page.locator('[data-testid="accounts-table"] tbody tr').count()).toBe(accounts.length)
    const totals = page.locator('[data-testid="accounts-totals"] li')
    expect(await totals.count()).toBe(1)
    expect(await text(totals.locator('strong'))).toBe('USD')
    expect(await text(totals.locator('.money'))).toBe(formatMoney(total, 'USD', 'en'))
    const n = accounts.length
    expect(await text(totals.locator('.small'))).toBe(`${n} account${n === 1 ? '' : 's'}, oldest figure ${oldestShown}`)
    await screenshot(page, 'accounts-usd-hsbc-hong-kong', { fullPage: false })
    expect(errors).toEqual([])
    await page.close()
  }, STEP)

  it('适老模式 enlarges text and targets, and survives a reload', async () => {
    const { page } = await freshPage('/settings')
    const base = Number(await page.evaluate('parseFloat(getComputedStyle(document.body).fontSize)'))
    await page.locator('[data-testid="settings-elderly"]').click()
    await page.locator('html.elderly').waitFor({ state: 'attached' })
    await page.reload()
    await page.locator('html.elderly').waitFor({ state: 'attached' })
    const font = Number(await page.evaluate('parseFloat(getComputedStyle(document.body).fontSize)'))
    const lineHeight = Number(await page.evaluate('parseFloat(getComputedStyle(document.body).lineHeight)'))
    expect(font).toBeGreaterThanOrEqual(base * 1.3)
    expect(lineHeight / font).toBeGreaterThanOrEqual(1.5)
    const navHeight = Number(await page.evaluate(`document.querySelector('[data-nav="overview"]').getBoundingClientRect().height`))
    expect(navHeight).toBeGreaterThanOrEqual(44)
    await page.locator('[data-nav="overview"]').click()
    await waitDrawn(page)
    await screenshot(page, 'overview-elderly')
    await page.close()
  }, STEP)

  it('switches to the dark theme, keeps it after a reload and draws the overview dark', async () => {
    const { page } = await freshPage('/settings')
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor') as Promise<string>
    const light = await background()
    await page.locator('[data-testid="settings-theme"]').getByText('深色').click()
    await page.locator('html.dark').waitFor({ state: 'attached' })
    await page.reload()
    // Applied before the app starts (no flash of the light theme), and kept.
    await page.locator('html.dark').waitFor({ state: 'attached' })
    const dark = await background()
    expect(dark).not.toBe(light)
    // A dark page: its background is darker than its text.
    const luminance = (css: string) => {
      const [r, g, b] = css.match(/\d+(\.\d+)?/g)!.map(Number)
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }
    expect(luminance(dark)).toBeLessThan(luminance(String(await page.evaluate('getComputedStyle(document.body).color'))))
    await page.locator('[data-nav="overview"]').click()
    await waitDrawn(page)
    const panel = String(await page.evaluate(`getComputedStyle(document.querySelector('[data-testid="trend-panel"]')).backgroundColor`))
    expect(luminance(panel)).toBeLessThan(80)
    await page.locator('[data-testid="trend-panel"] canvas').waitFor()
    await screenshot(page, 'overview-dark')
    await page.close()
  }, STEP)

  it('keeps the accounts table’s page in the URL', async () => {
    const { page } = await freshPage('/accounts')
    const rows = page.locator('[data-testid="accounts-table"] tbody tr')
    await rows.first().waitFor({ timeout: 30_000 })
    const firstOfPage1 = await text(rows.first())
    await page.locator('[data-testid="accounts-pager"] .el-pager li', { hasText: exactly('2') }).click()
    await page.waitForURL(/[?&]page=2(&|$)/)
    await page.locator('[data-testid="accounts-pager"] .el-pager li.is-active', { hasText: exactly('2') }).waitFor()
    const firstOfPage2 = await text(rows.first())
    expect(firstOfPage2).not.toBe(firstOfPage1)
    // A reload (or a colleague with the link) opens the same page.
    await page.reload()
    await page.locator('[data-testid="accounts-pager"] .el-pager li.is-active', { hasText: exactly('2') }).waitFor({ timeout: 30_000 })
    expect(await text(rows.first())).toBe(firstOfPage2)
    // Another filter starts again on the first page.
    await page.locator('input[data-testid="accounts-search"], [data-testid="accounts-search"] input').fill('CNY')
    await page.waitForURL((url) => url.searchParams.get('q') === 'CNY' && !url.searchParams.has('page'))
    await page.close()
  }, STEP)

  it('reaches and uses the main menu by keyboard, with a visible focus ring', async () => {
    const { page } = await freshPage('/')
    await waitDrawn(page)
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement.className')).toContain('skip-link')
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement.dataset.nav')).toBe('overview')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate('document.activeElement.dataset.nav')).toBe('accounts')
    const outline = String(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'))
    const outlineWidth = Number(await page.evaluate('parseFloat(getComputedStyle(document.activeElement).outlineWidth)'))
    expect(outline).not.toBe('none')
    expect(outlineWidth).toBeGreaterThanOrEqual(2)
    await screenshot(page, 'keyboard-menu-focus', { fullPage: false })
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/accounts(\?|$)/)
    await page.locator('h1', { hasText: '账户' }).waitFor()
    await page.locator('[data-testid="accounts-table"] tbody tr').first().waitFor({ timeout: 30_000 })
    await screenshot(page, 'accounts')
    await page.close()
  }, STEP)

  it('explains a malformed link parameter and falls back to defaults', async () => {
    const { page } = await freshPage('/?currency=XYZ&asOf=2026-13-45&by=planet')
    const notice = page.locator('[data-testid="url-notice"]')
    await notice.waitFor()
    const said = await text(notice)
    expect(said).toContain('currency')
    expect(said).toContain('XYZ')
    expect(said).toContain('asOf')
    expect(said).toContain('by')
    expect(page.url()).not.toContain('XYZ')
    await waitDrawn(page)
    const summary = await session.api.position.summary.query({ currency: 'CNY', groupBy: 'currency' })
    expect(await text(kpiTotal(page))).toBe(formatMoney(summary.total, 'CNY', 'zh-CN'))
    await screenshot(page, 'malformed-url-notice', { fullPage: false })
    await page.close()
  }, STEP)

  it('shows one failing panel’s error with a retry while the rest of the page works', async () => {
    const page = await session.browser.context.newPage()
    await page.goto(`${session.server.url}/settings`)
    await page.evaluate('localStorage.clear()')
    // The trend request fails (as a server error would); everything else is real.
    const TREND = /\/trpc\/position\.trend\?/
    await page.route(TREND, (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { message: 'injected failure', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 } } }),
      }),
    )
    await page.goto(`${session.server.url}/`)
    await waitDrawn(page)
    const trend = page.locator('[data-testid="trend-panel"]')
    await trend.locator('.panel-error').waitFor()
    expect(await trend.textContent()).toContain('injected failure')
    // The rest of the page has its figures.
    const summary = await session.api.position.summary.query({ currency: 'CNY', groupBy: 'currency' })
    expect(await text(kpiTotal(page))).toBe(formatMoney(summary.total, 'CNY', 'zh-CN'))
    await page.locator('[data-testid="breakdown-table"] tbody tr').first().waitFor()
    await screenshot(page, 'panel-error-retry', { fullPage: false })
    // Retry, with the server reachable again: the panel recovers in place.
    await page.unroute(TREND)
    await trend.getByRole('button', { name: '重试' }).click()
    await trend.locator('canvas').waitFor()
    expect(await trend.locator('.panel-error').count()).toBe(0)
    await page.close()
  }, STEP)

  it('scrolls transactions virtually, fetching keyset pages as it goes', async () => {
    const { page } = await freshPage('/transactions')
    const table = page.locator('[data-testid="transactions-table"]')
    await table.locator('.el-table-v2__row').first().waitFor({ timeout: 30_000 })
    const status = page.locator('[data-testid="transactions-status"]')
    await status.filter({ hasText: /500/ }).waitFor()
    const box = (await table.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    // Scroll until a further page has arrived (a busy machine may take a while to load the next
    // page while the wheel goes on), at most 30 s.
    const more = status.filter({ hasText: /1,000|1,500|2,000/ })
    for (const deadline = Date.now() + 30_000; (await more.count()) === 0; ) {
      if (Date.now() > deadline) throw new Error(`no further page arrived while scrolling; status: ${await status.textContent()}`)
      await page.mouse.wheel(0, 8_000)
      await page.waitForTimeout(150)
    }
    // Only the visible rows are in the DOM, however many are loaded.
    expect(await table.locator('.el-table-v2__row').count()).toBeLessThan(80)
    await screenshot(page, 'transactions-scrolled', { fullPage: false })
    await page.close()
  }, STEP)

  it('totals the filtered transactions per currency, as the API does', async () => {
    // The last ten days of the group's calendar (UTC+8), outgoing only.
    const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10)
    const filters = { from: day(-10), to: day(0), direction: 'out' as const }
    const { page, errors } = await freshPage(`/transactions?from=${filters.from}&to=${filters.to}&dir=out`)
    const summary = await session.api.transactions.summary.query(filters)
    expect(summary.complete).toBe(true)
    expect(summary.count).toBeGreaterThan(0)
    const count = page.locator('[data-testid="tx-summary-count"]')
    await count.waitFor({ timeout: 30_000 })
    expect(await text(count)).toBe(`筛选结果 ${summary.count!.toLocaleString('en-US')} 笔`)
    for (const c of summary.currencies) {
      const row = page.locator(`[data-testid="tx-summary"] .tx-ccy[data-currency="${c.currency}"]`)
      expect(await text(row.locator('[data-testid="tx-summary-out"]'))).toBe(formatMoney(c.outflow, c.currency, 'zh-CN'))
      // Only outgoing transactions are asked for: no inflow column to read as "none came in".
      expect(await row.locator('[data-testid="tx-summary-in"]').count()).toBe(0)
    }
    expect(await page.locator('[data-testid="tx-summary"] .tx-ccy').count()).toBe(summary.currencies.length)
    await screenshot(page, 'transactions-totals', { fullPage: false })
    expect(errors).toEqual([])
    await page.close()
  }, STEP)
})
