// A user created with --must-change must set a new password before reaching the console.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, cli, login, loginHome, logout, input, screenshot, settle } from './helper.mjs'

let server
let browser
const USER = 'newclerk'
const FIRST = 'Start@2026a'
const NEXT = 'Better#2026b'

before(async () => {
  server = await startServer({
    prepare: (db) => cli(['user', 'add', '--db', db, '--username', USER, '--password', FIRST,
      '--display-name', '新登记员', '--unit-id', '1', '--must-change'])
  })
  browser = await launchBrowser()
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('first login forces a password change, then the home page opens', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await login(page, server.url, USER, FIRST)
    await page.waitForURL(`${server.url}/password`)
    await page.getByText('首次登录或密码已被重置').waitFor()
    await settle(page)
    await screenshot(page, 'first-login-password')

    // Trying to leave for another page keeps the user on the password page.
    await page.goto(`${server.url}/base/units`)
    await page.waitForURL(`${server.url}/password`)

    // A weak password is refused in the form, before any request.
    await input(page, 'old-password').fill(FIRST)
    await input(page, 'new-password').fill('abc')
    await input(page, 'confirm-password').fill('abc')
    await page.locator('[data-test="submit-password"]').click()
    await page.getByText(/密码长度至少/).waitFor()

    await input(page, 'new-password').fill(NEXT)
    await input(page, 'confirm-password').fill(NEXT)
    await page.locator('[data-test="submit-password"]').click()
    await page.waitForURL(`${server.url}/`)
    await page.locator('[data-test="user-menu"]').waitFor()
    assert.match(await page.locator('[data-test="user-menu"]').innerText(), /新登记员/)

    await logout(page, server.url)
    await loginHome(page, server.url, USER, NEXT)
    assertClean(problems, [/status of 401/])
  } finally {
    await context.close()
  }
})
