// sysadmin creates a unit through the page, then renames it; 机构类别 (org_type: 普通单位 / 政法机关 /
// 纪检监察机关) shows in the table, filters it (GET /units?org_type=) and is edited in the dialog.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, input, settle, screenshot, pick, assertAxe } from './helper.mjs'
import { choose } from './casekit.mjs'

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

test('sysadmin marks a unit as 政法机关; the 机构类别 filter lists it', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'sysadmin')
    await page.goto(`${server.url}/base/units`)
    await settle(page)
    // The demo's courts are 政法机关, its 纪委监委 纪检监察机关, the rest 普通单位.
    await input(page, 'unit-filter').fill('东山县')
    const court = page.locator('[data-test="unit-table"] .el-table__row', { hasText: '东山县人民法院' })
    await court.waitFor()
    assert.equal((await court.locator('[data-test="unit-org-type"]').innerText()).trim(), '政法机关')
    const jw = page.locator('[data-test="unit-table"] .el-table__row', { hasText: '东山县纪委监委' })
    assert.equal((await jw.locator('[data-test="unit-org-type"]').innerText()).trim(), '纪检监察机关')
    const gov = page.locator('[data-test="unit-table"] .el-table__row', { hasText: '东山县人民政府' }).first()
    assert.equal((await gov.locator('[data-test="unit-org-type"]').innerText()).trim(), '普通单位')
    await assertAxe(page, '单位管理')

    // 测试镇人民政府 (made by the test above) becomes a 政法机关 through the dialog.
    await input(page, 'unit-filter').fill('测试镇')
    const row = page.locator('[data-test="unit-table"] .el-table__row', { hasText: '测试镇人民政府' })
    await row.waitFor()
    assert.equal((await row.locator('[data-test="unit-org-type"]').innerText()).trim(), '普通单位')
    await row.getByRole('button', { name: '修改' }).click()
    const edit = page.locator('.el-dialog', { hasText: '修改单位' })
    await edit.waitFor()
    const radios = edit.locator('[data-test="unit-org-type-select"]')
    assert.match(await radios.locator('.el-radio.is-checked').innerText(), /普通单位/)
    assert.deepEqual((await radios.locator('.el-radio').allInnerTexts()).map((t) => t.trim()), ['普通单位', '政法机关', '纪检监察机关'])
    await radios.locator('.el-radio', { hasText: '政法机关' }).click()
    await screenshot(page, 'units-org-type-dialog')
    await assertAxe(page, 'the 修改单位 dialog', '.el-dialog')
    await page.locator('[data-test="unit-save"]').click()
    await page.locator('.el-message--success', { hasText: '修改成功' }).waitFor()
    await edit.waitFor({ state: 'hidden' })
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test="unit-table"] .el-table__row')]
      .some((r) => r.innerText.includes('测试镇人民政府') && r.innerText.includes('政法机关')))

    // The server holds it, and lists it among the 政法机关 (also for 转送 of a 涉法涉诉).
    const got = await page.evaluate(async () => {
      const r = await fetch('/api/v1/units?org_type=politics_law&page_size=200', { credentials: 'same-origin' })
      return (await r.json()).items.map((u) => `${u.name}:${u.org_type}`)
    })
    assert.ok(got.includes('测试镇人民政府:politics_law'), JSON.stringify(got))

    // The filter shows only 政法机关 (from the server), the renamed unit among them.
    await input(page, 'unit-filter').fill('')
    await choose(page, 'unit-org-filter', '政法机关')
    await settle(page)
    const types = await page.locator('[data-test="unit-table"] [data-test="unit-org-type"]').allInnerTexts()
    assert.ok(types.length >= 2 && types.every((t) => t.trim() === '政法机关'), `only 政法机关: ${types}`)
    await page.locator('[data-test="unit-table"] .el-table__row', { hasText: '测试镇人民政府' }).waitFor()
    await screenshot(page, 'units-org-type-filter')
    assertClean(problems)
  } finally {
    await context.close()
  }
})
