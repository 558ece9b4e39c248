import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDb, migrateToLatest } from '@treasury/server/db/client'
import { insertRows } from '@treasury/server/db/queries/seed'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { chromiumAvailable, screenshot } from './support/browser.js'
import { repoRoot } from './support/paths.js'
import { useBrowserSession } from './support/session.js'

/**
 * The statement import page in Debian's Chromium against the real server and the built SPA, on
 * loopback: real fixture files are chosen, previewed (reconciliation, warnings, batch entries),
 * imported, and imported again; an oversize and an invalid file get a clear error. The server runs
 * without the demo on a database holding only the accounts the fixtures name, with a 1 MB upload
 * limit (IMPORT_MAX_BYTES). Screenshots go to tests/e2e/artifacts/.
 */
const run = chromiumAvailable()
const STARTUP = 240_000
const STEP = 90_000
const LIMIT = 1024 * 1024

const FIXTURES = path.join(repoRoot, 'tests/fixtures/statements')
const ING_MT940 = path.join(FIXTURES, 'mt940/zilverline_mt940/ing/mt940_iban.txt')
const CAMT054_BATCH = path.join(FIXTURES, 'camt054/dvbern_iso20022/camt054/v00104/camt.054-ES_P_CH0309000000250090342_38000000_0_2016052723011813.xml')
const CAMT053_MISMATCH = path.join(FIXTURES, 'camt053/genkgo_camt/camt053.v2.five.decimals.xml')

/** A database with one member company and the two accounts the fixtures name (no demo data). */
async function prepareDatabase(file: string): Promise<void> {
  const db = createDb({ kind: 'sqlite', file })
  try {
    await migrateToLatest(db)
    await insertRows(db, 'entities', [
      {
        id: 'ent_eu', parent_id: null, path: '/ent_eu/', depth: 0, code: 'EU', name_zh: '欧洲公司', name_en: 'Europe B.V.',
        region_code: 'EU', region_country: 'NL', region_name_zh: '欧洲', region_name_en: 'Europe', functional_currency: 'EUR',
      },
    ])
    await insertRows(db, 'banks', [
      { id: 'bnk_ing', name_zh: '荷兰国际', name_en: 'ING', bic: 'INGBNL2A', country: 'NL' },
      { id: 'bnk_post', name_zh: '瑞士邮政银行', name_en: 'PostFinance', bic: 'POFICHBE', country: 'CH' },
    ])
    const account = (id: string, bank: string, number: string, iban: string, currency: string) => ({
      id, entity_id: 'ent_eu', bank_id: bank, name: id, number, number_masked: `**** ${number.slice(-4)}`, iban, currency,
      type: 'operating', status: 'active', tier: 'I', opened_on: '2000-01-01',
    })
    await insertRows(db, 'accounts', [
      account('acc_ing_eur', 'bnk_ing', '0000012345', 'NL68INGB0000012345', 'EUR'),
      account('acc_post_chf', 'bnk_post', '250090342', 'CH0309000000250090342', 'CHF'),
    ])
  } finally {
    await db.destroy()
  }
}

describe.skipIf(!run)('statement import page in Chromium', () => {
  let dir: string
  const session = useBrowserSession({
    async prepare() {
      dir = await mkdtemp(path.join(tmpdir(), 'treasury-e2e-import-'))
      const file = path.join(dir, 'treasury.db')
      await prepareDatabase(file)
      return { env: { DEMO: 'false', DATABASE_URL: `sqlite:${file}`, IMPORT_MAX_BYTES: String(LIMIT) }, waitForSync: false }
    },
    async cleanup() {
      if (dir) await rm(dir, { recursive: true, force: true })
    },
    startupMs: STARTUP,
  })

  async function openImportPage(): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await session.open('/import')
    await page.locator('[data-testid="import"]').waitFor()
    // The page shows the server's limit (IMPORT_MAX_BYTES), not the built-in default.
    await page.locator('[data-testid="import-limit"]', { hasText: '1 MB' }).waitFor()
    return { page, errors }
  }

  const fileInput = (page: Page) => page.locator('[data-testid="import-drop"] input[type="file"]')
  const total = async (page: Page, which: 'statements' | 'new' | 'known' | 'warnings') =>
    ((await page.locator(`[data-testid="total-${which}"]`).textContent()) ?? '').trim()

  async function previewFile(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }) {
    await fileInput(page).setInputFiles(file)
    await page.locator('[data-testid="import-file"]').waitFor()
    await page.locator('[data-testid="import-preview"]').click()
    await page.locator('[data-testid="import-preview-result"], [data-testid="import-error"]').first().waitFor({ timeout: 30_000 })
  }

  it('previews a real MT940 statement, imports it, and importing it again changes nothing', async () => {
    const { page, errors } = await openImportPage()
    const recentRows = page.locator('[data-testid="import-recent"] .el-table__row')
    await page.locator('[data-testid="import-recent"]', { hasText: '尚未导入对账单' }).waitFor()
    await previewFile(page, ING_MT940)
    await page.locator('[data-testid="import-preview-result"]').waitFor()
    expect(await page.locator('[data-testid="import-file"]').textContent()).toContain('mt940_iban.txt')
    expect(await total(page, 'statements')).toBe('1')
    expect(await total(page, 'new')).toBe('21')
    expect(await total(page, 'known')).toBe('0')
    expect(await page.locator('[data-testid="import-statements"] [data-reconciliation]').getAttribute('data-reconciliation')).toBe('ok')
    expect(await page.locator('[data-testid="import-statements"]').textContent()).toContain('acc_ing_eur')
    // Nothing is written by a preview.
    expect((await session.api.imports.recent.query()).length).toBe(0)
    await screenshot(page, 'import-preview-mt940')

    await page.locator('[data-testid="import-commit"]').click()
    await page.locator('[data-testid="import-result"]').waitFor({ timeout: 30_000 })
    expect(await total(page, 'new')).toBe('21')
    // Listed under the recent imports, with its account and reconciliation.
    await recentRows.filter({ hasText: 'mt940_iban.txt' }).waitFor()
    expect(await recentRows.count()).toBe(1)
    expect(await recentRows.first().textContent()).toContain('acc_ing_eur')
    expect(await recentRows.first().locator('[data-reconciliation]').getAttribute('data-reconciliation')).toBe('ok')
    await screenshot(page, 'import-result-mt940')
    // The balances reach the dashboard's figures.
    const accounts = await session.api.accounts.list.query({ asOf: '2014-08-25' })
    expect(accounts.items.find((a) => a.id === 'acc_ing_eur')).toMatchObject({ bookedBalance: 24645n, source: 'import:mt940' })

    // The same file again: everything is already known.
    await previewFile(page, ING_MT940)
    await page.locator('[data-testid="import-preview-result"]').waitFor()
    expect(await total(page, 'new')).toBe('0')
    expect(await total(page, 'known')).toBe('21')
    await page.locator('[data-testid="import-commit"]').click()
    await page.locator('[data-testid="import-result"]').waitFor({ timeout: 30_000 })
    expect(await total(page, 'new')).toBe('0')
    expect(await total(page, 'known')).toBe('21')
    // Still one statement in the list, now marked as imported again.
    await recentRows.filter({ hasText: '再次导入' }).waitFor()
    expect(await recentRows.count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  }, STEP)

  it('shows a reconciliation mismatch with its warnings, unknown accounts, and a batch entry split into its transactions', async () => {
    const { page, errors } = await openImportPage()
    await previewFile(page, CAMT053_MISMATCH)
    const result = page.locator('[data-testid="import-preview-result"]')
    await result.waitFor()
    expect(await page.locator('[data-testid="import-statements"] [data-reconciliation]').getAttribute('data-reconciliation')).toBe('mismatch')
    // The file (camt053.v2.five.decimals.xml) closes 5 cents above opening + entries: said once, in a few words.
    expect(await page.locator('[data-testid="reconciliation-difference"]').textContent()).toBe('期末余额与期初 + 发生额相差 +€0.05')
    expect(Number(await total(page, 'warnings'))).toBe(1)
    expect(await page.locator('[data-testid="import-warnings"]').count()).toBe(0)
    expect(await result.textContent()).toContain('NL26VAYB8060476890') // the unknown account, by its identifiers
    // The statement's warnings, one click away.
    await page.locator('[data-testid="import-statements"] .el-table__expand-icon').first().click()
    await page.locator('[data-testid="import-statements"] .warnings li', { hasText: 'reconciliation:' }).waitFor()
    await screenshot(page, 'import-preview-mismatch')

    await previewFile(page, CAMT054_BATCH)
    await page.locator('[data-testid="import-preview-result"]').waitFor()
    await page.locator('[data-testid="import-batches"]').waitFor()
    expect(await total(page, 'new')).toBe('8')
    await page.locator('[data-testid="import-commit"]').click()
    await page.locator('[data-testid="import-result"]').waitFor({ timeout: 30_000 })
    expect(await total(page, 'new')).toBe('8')
    // A camt.054 has no balances to reconcile: listed as not checked, not as a mismatch.
    const listed = page.locator('[data-testid="import-recent"] .el-table__row').filter({ hasText: 'camt.054-ES_P' })
    await listed.waitFor()
    expect(await listed.locator('[data-reconciliation]').getAttribute('data-reconciliation')).toBe('unchecked')
    await screenshot(page, 'import-result-batch')
    expect(errors).toEqual([])
    await page.close()
  }, STEP)

  it('refuses an oversize file with the limit, and explains an invalid file', async () => {
    const { page, errors } = await openImportPage()
    await fileInput(page).setInputFiles({ name: 'big.sta', mimeType: 'text/plain', buffer: Buffer.alloc(LIMIT + LIMIT / 2, 0x3a) })
    const tooLarge = page.locator('[data-testid="import-too-large"]')
    await tooLarge.waitFor()
    expect(await tooLarge.textContent()).toMatch(/1\.5 MB.*1 MB/)
    expect(await page.locator('[data-testid="import-preview"]').isDisabled()).toBe(true)
    await screenshot(page, 'import-too-large', { fullPage: false })
    // The server enforces the same limit on whatever reaches it.
    await expect(session.api.imports.preview.mutate({ fileName: 'big.sta', content: Buffer.alloc(LIMIT + 1).toString('base64') })).rejects.toMatchObject({
      message: 'big.sta is 1,048,577 bytes; the upload limit is 1,048,576 bytes',
    })

    await previewFile(page, { name: 'bad.sta', mimeType: 'text/plain', buffer: Buffer.from(':20:X\r\n:25:1\r\n:61:garbage\r\n-\r\n') })
    const error = page.locator('[data-testid="import-error"]')
    await error.waitFor()
    expect(await error.textContent()).toMatch(/bad\.sta: mt940 line 3: :61: /)
    expect(await page.locator('[data-testid="import-preview-result"]').count()).toBe(0)
    await screenshot(page, 'import-invalid-file', { fullPage: false })
    // The rejected request itself is the only thing the browser reports.
    expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 400/.test(e))).toEqual([])
    expect((await session.api.imports.recent.query()).map((r) => r.fileName).sort()).toEqual([
      'camt.054-ES_P_CH0309000000250090342_38000000_0_2016052723011813.xml',
      'mt940_iban.txt',
    ])
    await page.close()
  }, STEP)
})
