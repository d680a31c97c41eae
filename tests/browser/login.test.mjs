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

test('repeated wrong passwords lock the account, with the minutes in the message', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    let text = ''
    for (let i = 0; i < 8 && !/锁定/.test(text); i++) {
      await login(page, server.url, 'handler', `Wrong@${i}2026x`)
      const alert = page.locator('[data-test="login-error"]')
      await alert.waitFor()
      await page.waitForTimeout(200)
      text = await alert.innerText()
    }
    assert.match(text, /锁定/, `lock message, got: ${text}`)
    assert.match(text, /\d+\s*分钟/, `minutes in the message, got: ${text}`)
    // The right password is refused too while the lock lasts.
    await login(page, server.url, 'handler', DEMO_PASSWORD)
    await page.locator('[data-test="login-error"]', { hasText: '锁定' }).waitFor()
    assert.match(page.url(), /\/login/)
    assertClean(problems, [/status of 40[13]/])
  } finally {
    await context.close()
  }
})

test('a disabled account sees 账号已停用', async () => {
  const admin = await openPage(browser)
  try {
    await loginHome(admin.page, server.url, 'sysadmin')
    await admin.page.goto(`${server.url}/system/users`)
    const row = admin.page.locator('[data-test="user-table"] .el-table__row', { hasText: 'clerk_xiyang' })
    await row.getByRole('button', { name: '停用' }).click()
    await admin.page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await admin.page.locator('.el-message--success', { hasText: '停用成功' }).waitFor()
    await row.getByText('停用', { exact: true }).first().waitFor()
    assertClean(admin.problems)
  } finally {
    await admin.context.close()
  }
  const { context, page, problems } = await openPage(browser)
  try {
    await login(page, server.url, 'clerk_xiyang')
    await page.locator('[data-test="login-error"]', { hasText: '停用' }).waitFor()
    assertClean(problems, [/status of 403/])
  } finally {
    await context.close()
  }
})
