import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { artifactsDir } from './paths.js'

/** Debian's Chromium (never a browser downloaded by a test tool). CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium'

/** The flags this machine's Chromium needs headless (the network is closed; no GPU). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const ci = /^(true|1)$/i.test(process.env.CI ?? '')

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a loud notice, except
 * with CI=true, where a missing browser is a failure (CI installs Debian's chromium).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  const message = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`
  if (ci) throw new Error(`CI=true requires the browser tests to run: ${message}`)
  const rule = '!'.repeat(100)
  console.warn(['', rule, `!!! Browser (e2e) tests are SKIPPED: ${message}.`, '!!! The dashboard was NOT tested in a browser.', rule, ''].join('\n'))
  return false
}

export interface Browser {
  context: BrowserContext
  /** The browser's user-data-dir (its command line names it, which finds its processes). */
  profile: string
  close(): Promise<void>
}

/** Headless Chromium with a fresh, throwaway user-data-dir (no state from earlier runs). */
export async function launchBrowser(
  options: { viewport?: { width: number; height: number }; locale?: string; /** A profile folder to reuse (kept on close): its caches persist between launches. */ profile?: string } = {},
): Promise<Browser> {
  const profile = options.profile ?? mkdtempSync(path.join(tmpdir(), 'treasury-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    locale: options.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  return {
    context,
    profile,
    async close() {
      await context.close()
      if (!options.profile) rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Saves a full-page screenshot as tests/e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true })
  const file = path.join(artifactsDir, `${name}.png`)
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true })
  return file
}

/** Collects uncaught page errors and console errors, so a test can assert there were none. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  return errors
}
