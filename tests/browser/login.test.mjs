// Every demo account signs in, sees its name in the header, and signs out.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, logout, login, DEMO_ACCOUNTS, DEMO_PASSWORD } from './helper.mjs'

let server
let browser

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

for (const acct of DEMO_ACCOUNTS) {
  test(`${acct.username} (${acct.role}) logs in and out`, async () => {
    const { context, page, problems } = await openPage(browser)
    try {
      await loginHome(page, server.url, acct.username)
      const header = await page.locator('[data-test="user-menu"]').innerText()
      assert.ok(header.trim().length > 0, 'header shows the display name')
      assert.ok(await page.locator('.side-menu').getByText('首页').isVisible(), 'side menu shows 首页')
      await logout(page, server.url)
      // The session is gone: a protected page sends us back to the login page.
      await page.goto(`${server.url}/system/users`)
      await page.waitForURL(/\/login/)
      assertClean(problems, [/status of 401/])
    } finally {
      await context.close()
    }
  })
}

test('wrong password shows the server message and stays on the login page', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await login(page, server.url, 'leader', 'Wrong@2026x')
    const alert = page.locator('[data-test="login-error"]')
    await alert.waitFor()
    const text = await alert.innerText()
    assert.match(text, /[\u4e00-\u9fff]/, 'the error message is Chinese')
    assert.match(page.url(), /\/login/)
    assertClean(problems, [/status of 401/])
  } finally {
    await context.close()
  }
})

test('the login answer of a correct password reaches the home page after a failed try', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await login(page, server.url, 'planner', 'Nope@2026zz')
    await page.locator('[data-test="login-error"]').waitFor()
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.waitForURL(`${server.url}/`)
    assertClean(problems, [/status of 401/])
  } finally {
    await context.close()
  }
})
