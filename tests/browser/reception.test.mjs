// 接访日 → 轮值排班: the planner proposes a December 2026 rota (one visit for each of the 9
// counties, 4 leaders), sees it as a table and on the calendar, and validates it; the leader
// account sees the published days (接访日安排) but not the planner.
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

async function closePickers(page) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.el-picker__popper')]
    .some((el) => el.offsetParent !== null && getComputedStyle(el).display !== 'none'), null, { timeout: 3000 }).catch(() => {})
}

// Fills the input card: 2026-12, 1 visit per county, the first four leaders; then 生成方案.
async function propose(page) {
  const month = page.locator('[data-test="plan-input"] .el-form-item', { hasText: '周期' }).locator('.el-date-editor input').first()
  await month.click()
  await month.fill('2026-12')
  await month.press('Enter')
  await closePickers(page)
  assert.equal(await month.inputValue(), '2026-12')

  const visits = input(page, 'plan-visits')
  await visits.fill('1')
  await visits.press('Tab')

  await noPopper(page)
  await page.locator('[data-test="plan-leaders"] .el-select__wrapper').first().click()
  const popper = page.locator('.el-select__popper:visible').last()
  const options = popper.locator('.el-select-dropdown__item')
  await options.first().waitFor()
  assert.ok(await options.count() >= 4, 'at least 4 leader cadres in the demo data')
  for (let i = 0; i < 4; i++) await options.nth(i).click()
  await page.keyboard.press('Escape')
  await noPopper(page).catch(() => {})
  await page.locator('[data-test="plan-unavailable"] .unavail-row').nth(3).waitFor()

  await page.locator('[data-test="plan-propose"]').click()
  await page.locator('[data-test="plan-table"] .el-table__body tr').first().waitFor()
  await settle(page)
}

test('planner proposes and validates a reception-day rota', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 800 })
  try {
    await loginHome(page, server.url, 'planner')
    const item = page.locator('.side-menu .el-menu-item', { hasText: '轮值排班' }).first()
    if (!(await item.isVisible())) await page.locator('.side-menu .el-sub-menu__title', { hasText: '接访日' }).click()
    await item.click()
    await page.waitForURL(`${server.url}/reception/planner`)
    await settle(page)
    assert.ok((await page.locator('.crumbs').innerText()).includes('轮值排班'))

    await propose(page)
    assert.equal(await page.locator('[data-test="plan-error"]').count(), 0, 'no infeasibility error')
    const rows = page.locator('[data-test="plan-table"] .el-table__body tr')
    assert.equal(await rows.count(), 9, 'one row per county')
    const text = await page.locator('[data-test="plan-table"]').innerText()
    assert.match(text, /2026-12-\d\d/)
    assert.match(text, /星期[一二三四五六日]/)
    assert.match(text, /东山县/)

    await page.locator('[data-test="plan-calendar"] .el-calendar').waitFor()
    assert.match(await page.locator('[data-test="plan-calendar"] .el-calendar__title').innerText(), /2026/)
    assert.equal(await page.locator('[data-test="plan-chip"]').count(), 9, 'nine 县·领导 chips on the calendar')
    assert.match(await page.locator('[data-test="plan-chip"]').first().innerText(), /县·/)
    const counties = page.locator('[data-test="plan-per-county"] .el-table__body tr')
    assert.equal(await counties.count(), 9)
    const perLeader = page.locator('[data-test="plan-per-leader"] .el-table__body tr')
    assert.equal(await perLeader.count(), 4)

    await page.locator('[data-test="plan-validate"]').click()
    const check = page.locator('[data-test="plan-check"]')
    await check.waitFor()
    assert.match(await check.innerText(), /校验通过/)

    await settle(page)
    await screenshot(page, 'page-reception-planner')
    await page.locator('[data-test="plan-calendar"]').scrollIntoViewIfNeeded()
    await screenshot(page, 'page-reception-planner-calendar')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the planner page fits 1024×768', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1024, height: 768 })
  try {
    await loginHome(page, server.url, 'planner')
    await page.goto(`${server.url}/reception/planner`)
    await settle(page)
    await propose(page)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`)
    await screenshot(page, 'page-reception-planner-1024x768')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the leader account sees 接访日安排 but not 轮值排班', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 800 })
  try {
    await loginHome(page, server.url, 'leader')
    await settle(page)
    const group = page.locator('.side-menu .el-sub-menu__title', { hasText: '接访日' })
    assert.equal(await group.count(), 1)
    const days = page.locator('.side-menu .el-menu-item', { hasText: '接访日安排' }).first()
    if (!(await days.isVisible())) await group.click()
    await days.waitFor()
    assert.equal(await page.locator('.side-menu .el-menu-item', { hasText: '轮值排班' }).count(), 0)
    await page.goto(`${server.url}/reception/planner`)
    await page.waitForURL(/\/403/)
    await page.goto(`${server.url}/reception/days`)
    await page.locator('[data-test="days-table"]').waitFor()
    assertClean(problems)
  } finally {
    await context.close()
  }
})
