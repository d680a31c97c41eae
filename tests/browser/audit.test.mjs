// 三员分立: only the audit administrator reads the audit log.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, settle, screenshot } from './helper.mjs'

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

test('auditadmin sees the 审计日志 page with rows', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'auditadmin')
    await page.locator('.side-menu').getByText('审计日志').click()
    await page.waitForURL(`${server.url}/system/audit`)
    await settle(page)
    const rows = await page.locator('[data-test="audit-table"] .el-table__body-wrapper .el-table__row').count()
    assert.ok(rows > 0, 'the audit log has rows')
    await screenshot(page, 'audit-auditadmin')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('sysadmin has no 审计日志 menu and its URL shows 无权访问', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'sysadmin')
    assert.equal(await page.locator('.side-menu').getByText('审计日志').count(), 0, 'no 审计日志 menu item')
    await page.goto(`${server.url}/system/audit`)
    await page.locator('[data-test="forbidden"]').waitFor()
    assert.equal(await page.locator('[data-test="audit-table"]').count(), 0, 'no audit table')
    const status = await page.evaluate(async () => (await fetch('/api/v1/audit', { credentials: 'same-origin' })).status)
    assert.equal(status, 403, 'the server refuses the audit log to sysadmin')
    await screenshot(page, 'audit-sysadmin-forbidden')
    assertClean(problems, [/status of 403/])
  } finally {
    await context.close()
  }
})
