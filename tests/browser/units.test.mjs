// sysadmin creates a unit through the page, then renames it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, input, settle, screenshot, pick } from './helper.mjs'

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

test('sysadmin creates and edits a unit on the 单位管理 page', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'sysadmin')
    await page.locator('.side-menu').getByText('单位管理').click()
    await page.waitForURL(`${server.url}/base/units`)
    await settle(page)
    const before = await page.locator('[data-test="unit-table"] .el-table__row').count()
    assert.ok(before > 0, 'the demo units are listed')

    await page.locator('[data-test="add-unit"]').click()
    const dlg = page.locator('.el-dialog', { hasText: '新增单位' })
    await dlg.waitFor()
    await input(page, 'unit-name').fill('测试乡镇人民政府')
    await input(page, 'unit-code').fill('T-UNIT-001')
    await pick(page, dlg, '单位类型', '乡镇')
    await pick(page, dlg, '所属区划', null)
    await page.locator('[data-test="unit-save"]').click()
    await page.locator('.el-message--success').first().waitFor()
    await dlg.waitFor({ state: 'hidden' })

    await input(page, 'unit-filter').fill('测试乡镇')
    const row = page.locator('[data-test="unit-table"] .el-table__row', { hasText: '测试乡镇人民政府' })
    await row.waitFor()
    await row.getByRole('button', { name: '修改' }).click()
    const edit = page.locator('.el-dialog', { hasText: '修改单位' })
    await edit.waitFor()
    assert.equal(await input(page, 'unit-name').inputValue(), '测试乡镇人民政府')
    await input(page, 'unit-name').fill('测试镇人民政府')
    await page.locator('[data-test="unit-save"]').click()
    await page.locator('.el-message--success', { hasText: '修改成功' }).waitFor()
    await edit.waitFor({ state: 'hidden' })

    await input(page, 'unit-filter').fill('测试镇')
    await page.locator('[data-test="unit-table"] .el-table__row', { hasText: '测试镇人民政府' }).waitFor()
    await settle(page)
    await screenshot(page, 'units-after-edit')

    // The server holds the change too.
    const names = await page.evaluate(async () => {
      const r = await fetch('/api/v1/units?keyword=' + encodeURIComponent('测试镇'), { credentials: 'same-origin' })
      const j = await r.json()
      return j.items.map((u) => u.name)
    })
    assert.ok(names.includes('测试镇人民政府'), `server lists the renamed unit, got ${JSON.stringify(names)}`)
    assertClean(problems)
  } finally {
    await context.close()
  }
})
