// 基础数据 → 节假日安排: the year's rows, adding a holiday through the dialog, and the
// 期限试算 card (办结 from 2025-08-02 runs over the National Day holiday to 2025-10-09).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, settle, screenshot, noPopper, input } from './helper.mjs'

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

async function pickOption(page, selectLocator, text) {
  await noPopper(page)
  await selectLocator.locator('.el-select__wrapper').first().click()
  const popper = page.locator('.el-select__popper:visible').last()
  await popper.locator('.el-select-dropdown__item').filter({ hasText: text }).first().click()
  try { await popper.waitFor({ state: 'hidden', timeout: 1500 }) } catch (_) { await page.keyboard.press('Escape') }
  await noPopper(page)
}

// Types a date into the Element Plus date picker of the form item labelled `label`.
async function typeDate(page, scope, label, value) {
  const box = scope.locator('.el-form-item', { hasText: label }).locator('input').first()
  await box.click()
  await box.fill(value)
  await box.press('Enter')
  // Enter closes the date panel; wait for it so it does not cover what comes next.
  await page.waitForFunction(() => ![...document.querySelectorAll('.el-picker__popper')]
    .some((el) => el.offsetParent !== null && getComputedStyle(el).display !== 'none'), null, { timeout: 3000 }).catch(() => {})
}

test('sysadmin manages holidays and previews a deadline', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 800 })
  try {
    await loginHome(page, server.url, 'sysadmin')
    await page.locator('.side-menu .el-menu-item', { hasText: '节假日安排' }).first().click().catch(async () => {
      // The 基础数据 group may be collapsed: open it first.
      await page.locator('.side-menu .el-sub-menu__title', { hasText: '基础数据' }).click()
      await page.locator('.side-menu .el-menu-item', { hasText: '节假日安排' }).first().click()
    })
    await page.waitForURL(`${server.url}/base/holidays`)
    await settle(page)
    assert.ok((await page.locator('.crumbs').innerText()).includes('节假日安排'))

    await pickOption(page, page.locator('[data-test="holiday-year"]'), '2026年')
    await settle(page)
    const table = page.locator('[data-test="holiday-table"]')
    const newYear = table.locator('.el-table__body tr', { hasText: '2026-01-01' })
    await newYear.first().waitFor()
    assert.match(await newYear.first().innerText(), /元旦/)
    assert.match(await newYear.first().innerText(), /放假/)

    // 新增: 2026-12-31 测试假日.
    await page.locator('[data-test="holiday-add"]').click()
    const dialog = page.locator('.el-dialog', { hasText: '新增节假日' })
    await dialog.waitFor()
    await typeDate(page, dialog, '日期', '2026-12-31')
    await dialog.locator('.el-radio', { hasText: '放假' }).click()
    await input(page, 'holiday-name').fill('测试假日')
    await dialog.locator('[data-test="holiday-save"]').click()
    await dialog.waitFor({ state: 'hidden' })
    await settle(page)
    const added = table.locator('.el-table__body tr', { hasText: '2026-12-31' })
    await added.first().waitFor()
    assert.match(await added.first().innerText(), /测试假日/)

    // 期限试算: 办结 from 2025-08-02.
    const card = page.locator('[data-test="deadline-card"]')
    await pickOption(page, card.locator('[data-test="deadline-step"]'), '办结')
    await typeDate(page, card, '起算日期', '2025-08-02')
    await card.locator('[data-test="deadline-run"]').click()
    const due = card.locator('[data-test="deadline-due"]')
    await due.waitFor()
    assert.equal((await due.innerText()).trim(), '2025-10-09')
    const resultText = await card.locator('[data-test="deadline-result"]').innerText()
    assert.match(resultText, /星期四/)
    assert.match(resultText, /日历日|工作日/)

    await settle(page)
    await screenshot(page, 'page-holidays')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the holiday page fits 1024×768', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1024, height: 768 })
  try {
    await loginHome(page, server.url, 'sysadmin')
    await page.goto(`${server.url}/base/holidays`)
    await settle(page)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`)
    await screenshot(page, 'page-holidays-1024x768')
    assertClean(problems)
  } finally {
    await context.close()
  }
})
