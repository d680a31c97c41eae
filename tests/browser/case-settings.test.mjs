// 系统管理 → 信访办理设置 (GET/PUT /api/v1/settings/cases): sysadmin changes 办结 to 45 days and
// sees it after a reload; the 三个第一 targets of 初信初访 are rows like the others and the
// 延期审批人 select saves; an out-of-range value shows the server's message on its field and saves
// nothing; 恢复法定默认值 only fills the form; a stale version is refused with 设置已被他人修改；
// an account without case:settings has no menu entry and gets the 无权访问 page.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, settle, screenshot, input, permissions, assertAxe } from './helper.mjs'
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

// The settings as the server holds them, read through the page's own session.
async function apiSettings(page) {
  return page.evaluate(async () => {
    const r = await fetch('/api/v1/settings/cases', { credentials: 'same-origin' })
    if (!r.ok) throw new Error(`GET /api/v1/settings/cases: ${r.status}`)
    return r.json()
  })
}

const daysBox = (page, step) => input(page, `step-days-${step}`)
const fieldBox = (page, key) => input(page, `field-${key}`)
// The error text of the form item that holds the input with this data-test.
const fieldError = (page, testId) => page.locator(`[data-test="${testId}"]`)
  .locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " el-form-item ")][1]')
  .locator('.el-form-item__error')

async function setNumber(box, value) {
  await box.click()
  await box.fill(String(value))
  await box.press('Tab')
}

async function openSettings(page) {
  await page.goto(`${server.url}/system/case-settings`)
  await page.locator('[data-test="steps-table"] .el-table__body tr').first().waitFor()
  await settle(page)
}

async function waitMessage(page, text) {
  await page.locator('.el-message', { hasText: text }).first().waitFor()
}

test('sysadmin changes 办结 to 45 days, saves and sees it after a reload', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'sysadmin')
    assert.ok((await permissions(page)).includes('case:settings'))
    // The entry sits under 系统管理.
    const item = page.locator('.side-menu .el-menu-item', { hasText: '信访办理设置' })
    if (!(await item.first().isVisible())) await page.locator('.side-menu .el-sub-menu__title', { hasText: '系统管理' }).click()
    await item.first().click()
    await page.waitForURL(`${server.url}/system/case-settings`)
    await page.locator('[data-test="steps-table"] .el-table__body tr').first().waitFor()
    await settle(page)
    assert.ok((await page.locator('.crumbs').innerText()).includes('信访办理设置'))
    assert.match(await page.locator('[data-test="settings-note"]').innerText(), /所有未办结信访事项的下一期限按新的天数和计算方式重新计算/)

    const before0 = await apiSettings(page)
    assert.equal(before0.steps.close.days, 60)
    // Every step is a row, with its statutory default next to it.
    const rows = page.locator('[data-test="steps-table"] .el-table__body tr')
    assert.equal(await rows.count(), Object.keys(before0.steps).length)
    const closeRow = rows.filter({ hasText: '办结' }).first()
    assert.match(await closeRow.innerText(), /60 个自然日/)
    assert.equal((await page.locator('[data-test="step-default-objection"]').innerText()).trim(), '5 个工作日')
    assert.equal(await daysBox(page, 'close').inputValue(), '60')
    assert.equal(await fieldBox(page, 'warn_days').inputValue(), String(before0.warn_days))
    assert.equal(await closeRow.locator('.el-tag', { hasText: '已调整' }).count(), 0)

    await setNumber(daysBox(page, 'close'), 45)
    await page.locator('[data-test="settings-save"]').click()
    await waitMessage(page, '信访办理设置已保存')
    const saved = await apiSettings(page)
    assert.equal(saved.steps.close.days, 45)
    assert.equal(saved.steps.close.working, false)
    assert.equal(saved.version, before0.version + 1)
    // Nothing else moved.
    for (const k of ['max_extension_days', 'warn_days', 'repeat_window_days', 'similarity_percent']) assert.equal(saved[k], before0[k], k)
    for (const [code, st] of Object.entries(before0.steps)) {
      if (code !== 'close') assert.deepEqual(saved.steps[code], st, code)
    }

    await page.reload()
    await page.locator('[data-test="steps-table"] .el-table__body tr').first().waitFor()
    await settle(page)
    assert.equal(await daysBox(page, 'close').inputValue(), '45')
    const closeAfter = page.locator('[data-test="steps-table"] .el-table__body tr').filter({ hasText: '办结' }).first()
    assert.equal(await closeAfter.locator('.el-tag', { hasText: '已调整' }).count(), 1)
    assert.match(await closeAfter.innerText(), /60 个自然日/) // the default is still shown next to it
    await screenshot(page, 'page-case-settings')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the 三个第一 targets are rows of the table; 延期审批人 and 重复件提示阈值 save', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'sysadmin')
    await openSettings(page)
    const start = await apiSettings(page)
    // Every step the server sends is a row, the three first-petition targets included.
    for (const [code, label, days] of [['first_assign', '初信初访交办', '2'], ['first_supervise', '初信初访督办', '5'], ['first_callback', '初信初访回访', '3']]) {
      assert.ok(start.steps[code], `the server has ${code}`)
      assert.equal((await page.locator(`[data-test="step-label-${code}"]`).innerText()).trim(), start.steps[code].label)
      assert.ok(start.steps[code].label.startsWith(label))
      assert.equal(await daysBox(page, code).inputValue(), String(start.steps[code].days))
      assert.equal((await page.locator(`[data-test="step-default-${code}"]`).innerText()).trim(), `${days} 个工作日`)
      const working = page.locator(`[data-test="step-working-${code}"] .el-radio-button.is-active`)
      assert.equal((await working.innerText()).trim(), '工作日')
    }
    assert.match(await page.locator('[data-test="default-similarity_percent"]').innerText(), /20–100.*默认 45%/)
    assert.match(await page.locator('.settings-form .el-form-item', { has: page.locator('[data-test="field-similarity_percent"]') }).innerText(), /重复件提示阈值/)
    const approval = page.locator('.settings-form .el-form-item', { has: page.locator('[data-test="field-extension_approval"]') })
    assert.match(await approval.innerText(), /延期审批人[\s\S]*承办单位或其上级单位的领导/)
    await assertAxe(page, '信访办理设置')

    await choose(page, 'field-extension_approval', '仅承办单位的领导')
    await setNumber(daysBox(page, 'first_supervise'), 3)
    await setNumber(fieldBox(page, 'similarity_percent'), 50)
    await page.locator('[data-test="settings-save"]').click()
    await waitMessage(page, '信访办理设置已保存')
    const saved = await apiSettings(page)
    assert.equal(saved.extension_approval, 'unit_only')
    assert.equal(saved.extension_approval_label, '仅承办单位的领导')
    assert.equal(saved.steps.first_supervise.days, 3)
    assert.equal(saved.similarity_percent, 50)
    await page.reload()
    await page.locator('[data-test="steps-table"] .el-table__body tr').first().waitFor()
    await settle(page)
    assert.match(await approval.innerText(), /仅承办单位的领导/)
    await page.locator('[data-test="steps-table"] .el-table__body tr', { has: page.locator('[data-test="step-label-first_supervise"]') }).locator('.el-tag', { hasText: '已调整' }).waitFor()
    await screenshot(page, 'page-case-settings-first-steps')

    // 19 % is below the threshold's range: the server's message lands on its field.
    await setNumber(fieldBox(page, 'similarity_percent'), 19)
    await page.locator('[data-test="settings-save"]').click()
    const err = fieldError(page, 'field-similarity_percent')
    await err.waitFor()
    assert.match(await err.innerText(), /重复件提示阈值/)
    // Back to the defaults for the tests after this one.
    await page.locator('[data-test="settings-defaults"]').click()
    assert.match(await approval.innerText(), /承办单位或其上级单位的领导/)
    assert.equal(await daysBox(page, 'first_supervise').inputValue(), '5')
    await page.locator('[data-test="settings-save"]').click()
    await waitMessage(page, '信访办理设置已保存')
    const back = await apiSettings(page)
    assert.equal(back.extension_approval, 'unit_or_above')
    assert.equal(back.similarity_percent, 45)
    assert.equal(back.steps.first_supervise.days, 5)
    assertClean(problems, [/status of 422 .*\/api\/v1\/settings\/cases\]/])
  } finally {
    await context.close()
  }
})

test('an invalid value shows the server message on its field and saves nothing', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'sysadmin')
    await openSettings(page)
    const start = await apiSettings(page)

    // 办结 0 days: the server's 422 lands under the 办结 input.
    await setNumber(daysBox(page, 'close'), 0)
    await page.locator('[data-test="settings-save"]').click()
    const err = fieldError(page, 'step-days-close')
    await err.waitFor()
    assert.match(await err.innerText(), /办结的天数应为1到365之间的整数/)
    await waitMessage(page, '设置未保存')
    assert.equal(await fieldError(page, 'step-days-notice').count(), 0)
    assert.deepEqual(await apiSettings(page), start, 'nothing saved')
    await screenshot(page, 'page-case-settings-invalid')

    // Fixing it clears the error; 临期提醒天数 31 is refused on its own field.
    await setNumber(daysBox(page, 'close'), start.steps.close.days)
    await err.waitFor({ state: 'detached' })
    await setNumber(fieldBox(page, 'warn_days'), 31)
    await page.locator('[data-test="settings-save"]').click()
    const warnErr = fieldError(page, 'field-warn_days')
    await warnErr.waitFor()
    assert.match(await warnErr.innerText(), /临期提醒天数/)
    assert.equal(await fieldError(page, 'step-days-close').count(), 0)
    assert.deepEqual(await apiSettings(page), start, 'nothing saved')

    // 恢复法定默认值 fills the form but does not save.
    await page.locator('[data-test="settings-defaults"]').click()
    await waitMessage(page, '已填入法定默认值')
    await warnErr.waitFor({ state: 'detached' }) // the field errors are cleared
    assert.equal(await daysBox(page, 'close').inputValue(), '60')
    assert.equal(await daysBox(page, 'objection').inputValue(), '5')
    assert.equal(await fieldBox(page, 'warn_days').inputValue(), '3')
    assert.equal(await fieldBox(page, 'max_extension_days').inputValue(), '30')
    assert.equal(await fieldBox(page, 'repeat_window_days').inputValue(), '365')
    assert.equal(await fieldBox(page, 'similarity_percent').inputValue(), '45')
    assert.deepEqual(await apiSettings(page), start, 'defaults are not saved until 保存')

    // Saving them puts 办结 back to 60.
    await page.locator('[data-test="settings-save"]').click()
    await waitMessage(page, '信访办理设置已保存')
    const after1 = await apiSettings(page)
    assert.equal(after1.steps.close.days, 60)
    assert.equal(after1.version, start.version + 1)
    // The two refused saves are the only failed requests the browser logged.
    assert.equal(problems.console.filter((m) => /status of 422/.test(m)).length, 2)
    assertClean(problems, [/status of 422 .*\/api\/v1\/settings\/cases\]/])
  } finally {
    await context.close()
  }
})

test('a save over someone else\'s newer save is refused with 设置已被他人修改，请刷新', async () => {
  const a = await openPage(browser)
  const b = await openPage(browser)
  try {
    await loginHome(a.page, server.url, 'sysadmin')
    await loginHome(b.page, server.url, 'sysadmin')
    await openSettings(a.page)
    await openSettings(b.page)
    const start = await apiSettings(a.page)

    await setNumber(daysBox(b.page, 'notice'), 20)
    await b.page.locator('[data-test="settings-save"]').click()
    await waitMessage(b.page, '信访办理设置已保存')

    await setNumber(daysBox(a.page, 'notice'), 25)
    await a.page.locator('[data-test="settings-save"]').click()
    await waitMessage(a.page, '设置已被他人修改，请刷新')
    await a.page.locator('[data-test="settings-conflict"]').waitFor()
    const now = await apiSettings(a.page)
    assert.equal(now.steps.notice.days, 20)
    assert.equal(now.version, start.version + 1)

    // 刷新 loads the newer values and clears the warning.
    await a.page.locator('[data-test="settings-reload"]').click()
    await a.page.locator('[data-test="settings-conflict"]').waitFor({ state: 'detached' })
    assert.equal(await daysBox(a.page, 'notice').inputValue(), '20')
    // 409 is the expected answer here; the browser logs the failed request.
    assertClean(a.problems, [/status of 409 .*\/api\/v1\/settings\/cases\]/])
    assertClean(b.problems)
  } finally {
    await a.context.close()
    await b.context.close()
  }
})

test('clerk_dongshan has no menu entry and gets 无权访问 on the URL', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    assert.ok(!(await permissions(page)).includes('case:settings'))
    await settle(page)
    assert.equal(await page.locator('.side-menu .el-menu-item', { hasText: '信访办理设置' }).count(), 0)
    await page.goto(`${server.url}/system/case-settings`)
    await page.locator('[data-test="forbidden"]').waitFor()
    assert.match(decodeURIComponent(page.url()), /\/403\?from=\/system\/case-settings$/)
    assert.equal(await page.locator('[data-test="case-settings"]').count(), 0)
    // The server refuses the change too.
    const res = await page.evaluate(async () => {
      const me = await (await fetch('/api/v1/auth/me', { credentials: 'same-origin' })).json()
      const r = await fetch('/api/v1/settings/cases', {
        method: 'PUT', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ warn_days: 5, version: 0 })
      })
      return { status: r.status, code: (await r.json()).error.code }
    })
    assert.deepEqual(res, { status: 403, code: 'forbidden' })
    await screenshot(page, 'page-case-settings-forbidden')
    assertClean(problems, [/status of 403 .*\/api\/v1\/settings\/cases\]/])
  } finally {
    await context.close()
  }
})

test('the settings page fits 1024×768', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1024, height: 768 })
  try {
    await loginHome(page, server.url, 'sysadmin')
    await openSettings(page)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`)
    await screenshot(page, 'page-case-settings-1024x768')
    assertClean(problems)
  } finally {
    await context.close()
  }
})
