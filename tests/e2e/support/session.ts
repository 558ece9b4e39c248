import type { Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { apiClient } from './api.js'
import { launchBrowser, watchPageErrors, type Browser } from './browser.js'
import { startServer, type RunningServer } from './server.js'
import { ensureSpaBuilt } from './spa.js'

/** The real server with the built SPA, its API client and Chromium, shared by one test file. */
export interface BrowserSession {
  server: RunningServer
  browser: Browser
  api: ReturnType<typeof apiClient>
  /** A new tab at `path` (relative to the server), with the page's errors collected. */
  open(path: string): Promise<{ page: Page; errors: string[] }>
}

/**
 * Registers the file's `beforeAll` (build the SPA if needed, `prepare()` the test's own data, start
 * the server, launch Chromium) and `afterAll` (close both, then `cleanup()`); the returned session
 * is filled in before the first test runs.
 *
 * @example
 * const session = useBrowserSession(() => ({ env: { MOCK_BANK_FAULTS: 'hsbc-ob=down' } }))
 * it('…', async () => { const { page } = await session.open('/') })
 */
export function useBrowserSession(
  options: {
    prepare?: () => Promise<Parameters<typeof startServer>[0]> | Parameters<typeof startServer>[0]
    cleanup?: () => Promise<void>
    startupMs: number
  },
): BrowserSession {
  const session = {
    async open(path: string) {
      const page = await session.browser.context.newPage()
      const errors = watchPageErrors(page)
      await page.goto(`${session.server.url}${path}`)
      return { page, errors }
    },
  } as BrowserSession

  beforeAll(async () => {
    ensureSpaBuilt()
    session.server = await startServer(await options.prepare?.())
    session.api = apiClient(session.server.url)
    session.browser = await launchBrowser()
  }, options.startupMs)

  afterAll(async () => {
    await session.browser?.close()
    await session.server?.stop()
    await options.cleanup?.()
  }, 30_000)

  return session
}
