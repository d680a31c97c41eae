// 接访日: the planner proposes December 2026, edits it (another leader for the first visit, a
// place), saves a draft, publishes it after the confirmation, sees it under 接访日安排 (filtered
// by county) and on a day's page with its four summary numbers, then reopens the saved plan.
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
  for (let i = 0; i < 4; i++) await options.nth(i).click()
  await page.keyboard.press('Escape')
  await noPopper(page).catch(() => {})
  await page.locator('[data-test="plan-propose"]').click()
  await page.locator('[data-test="plan-table"] .el-table__body tr').first().waitFor()
  await settle(page)
}

async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(`/api/v1${p}`, { credentials: 'same-origin' })
    return { status: r.status, body: await r.json() }
  }, path)
}

test('planner proposes, edits, saves, publishes a month and sees it in the day list', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1366, height: 900 })
  try {
    await loginHome(page, server.url, 'planner')
    await page.goto(`${server.url}/reception/planner`)
    await settle(page)
    assert.match(await page.locator('[data-test="plan-list"]').innerText(), /暂无已保存的方案/)
    await propose(page)
    const rows = page.locator('[data-test="plan-table"] .el-table__body tr')
    assert.equal(await rows.count(), 9)
    assert.equal(await input(page, 'plan-name').inputValue(), '2026年12月接访日安排')
    assert.match(await page.locator('[data-test="plan-status"]').innerText(), /未保存/)

    // Edit: the first visit gets another leader (one not out that day), and a place.
    const firstDate = (await rows.first().locator('td').first().innerText()).trim()
    assert.match(firstDate, /^2026-12-\d\d$/)
    const sameDay = await page.evaluate((d) => [...document.querySelectorAll('[data-test="plan-table"] .el-table__body tr')]
      .filter((tr) => tr.querySelector('td').innerText.trim() === d).length, firstDate)
    const leaderSelect = rows.first().locator('[data-test="plan-row-leader"]')
    const before = (await leaderSelect.innerText()).trim()
    const booked = new Set()
    for (let i = 0; i < sameDay; i++) booked.add((await rows.nth(i).locator('[data-test="plan-row-leader"]').innerText()).trim())
    await leaderSelect.click()
    const opts = page.locator('.el-select__popper:visible').last().locator('.el-select-dropdown__item')
    await opts.first().waitFor()
    let chosen = ''
    for (let i = 0; i < await opts.count(); i++) {
      const t = (await opts.nth(i).innerText()).trim()
      if (!booked.has(t)) { chosen = t; await opts.nth(i).click(); break }
    }
    assert.ok(chosen && chosen !== before, 'another leader is free that day')
    await noPopper(page).catch(() => {})
    assert.equal((await leaderSelect.innerText()).trim(), chosen)
    await rows.first().locator('input[data-test="plan-row-place"]').fill('东山县人民来访接待中心')

    await page.locator('[data-test="plan-validate"]').click()
    await page.locator('[data-test="plan-check"]').waitFor()
    assert.match(await page.locator('[data-test="plan-check"]').innerText(), /校验通过/)

    // Save a draft.
    await page.locator('[data-test="plan-save"]').click()
    await page.locator('.el-message', { hasText: '草稿已保存' }).waitFor()
    const list = page.locator('[data-test="plan-list-table"] .el-table__body tr')
    await list.first().waitFor()
    assert.equal(await list.count(), 1)
    assert.match(await list.first().innerText(), /2026年12月接访日安排[\s\S]*草稿/)
    assert.match(await page.locator('[data-test="plan-status"]').innerText(), /草稿/)
    let plans = await apiGet(page, '/reception/plans')
    assert.equal(plans.body.items[0].status, 'draft')

    // Publish, after the confirmation (cancel first: nothing happens).
    await page.locator('[data-test="plan-publish"]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), /发布“2026年12月接访日安排”[\s\S]*共 9 次接访/)
    await screenshot(page, 'reception-publish-confirm')
    await box.locator('button', { hasText: '取消' }).click()
    await box.waitFor({ state: 'hidden' })
    plans = await apiGet(page, '/reception/plans')
    assert.equal(plans.body.items[0].status, 'draft')
    await page.locator('[data-test="plan-publish"]').click()
    await box.waitFor()
    await box.locator('.el-message-box__btns button', { hasText: /^\s*发布\s*$/ }).click()
    await page.locator('.el-message', { hasText: '已发布，共 9 个接访日' }).waitFor()
    await settle(page)
    assert.match(await page.locator('[data-test="plan-status"]').innerText(), /已发布/)
    assert.match(await list.first().innerText(), /已发布/)
    assert.match(await page.locator('[data-test="plan-publish"]').innerText(), /重新发布/)
    await screenshot(page, 'reception-plan-published')

    // 接访日安排: the nine published days; the edited one shows the new leader and place.
    await page.locator('.side-menu .el-menu-item', { hasText: '接访日安排' }).first().click()
    await page.waitForURL(`${server.url}/reception/days`)
    const dayRows = page.locator('[data-test="days-table"] .el-table__body-wrapper tr')
    await dayRows.first().waitFor()
    await settle(page)
    assert.equal(await dayRows.count(), 9)
    const firstText = await dayRows.first().innerText()
    assert.ok(firstText.includes(firstDate) && firstText.includes(chosen) && firstText.includes('东山县人民来访接待中心'), firstText)
    await screenshot(page, 'reception-days')

    // Filter by county.
    await page.locator('[data-test="days-county"] .el-select__wrapper').click()
    await page.locator('.el-select__popper:visible .el-select-dropdown__item', { hasText: '西洋县' }).click()
    await noPopper(page).catch(() => {})
    await page.waitForFunction(() => document.querySelectorAll('[data-test="days-table"] .el-table__body-wrapper tr').length === 1)
    assert.match(await dayRows.first().innerText(), /西洋县/)
    // The county's iCalendar feed is offered and answers text/calendar with the published day.
    const ical = await page.locator('[data-test="days-ical"]').getAttribute('href')
    assert.match(ical, /^\/api\/v1\/public\/ical\/county\/\d+$/)
    const feed = await page.evaluate(async (u) => { const r = await fetch(u); return { type: r.headers.get('content-type'), text: await r.text() } }, ical)
    assert.match(feed.type, /^text\/calendar/)
    assert.equal((feed.text.match(/BEGIN:VEVENT/g) || []).length, 1)
    assert.match(feed.text, /SUMMARY:接访日：西洋县（/)

    // The day's page: four numbers and the (empty) list of its cases.
    await dayRows.first().locator('[data-test="days-link"]').click()
    await page.waitForURL(/\/reception\/days\/\d+$/)
    await page.locator('[data-test="day-summary"]').waitFor()
    await settle(page)
    const summary = await page.locator('[data-test="day-summary"]').innerText()
    for (const label of ['接待群众', '人次', '受理事项', '当场答复', '交办']) assert.ok(summary.includes(label), label)
    for (const t of ['stat-visitors', 'stat-accepted', 'stat-onspot', 'stat-assigned']) {
      assert.match(await page.locator(`[data-test="${t}"] b`).innerText(), /^\d+$/)
    }
    assert.match(await page.locator('[data-test="day-title"]').innerText(), /西洋县接访日/)
    assert.match(await page.locator('[data-test="day-info"]').innerText(), /带队领导/)
    assert.match(await page.locator('[data-test="day-ical-leader"]').getAttribute('href'), /^\/api\/v1\/public\/ical\/leader\/\d+$/)
    await screenshot(page, 'reception-day-detail')

    // Reopen the saved plan from the list: the edit is there.
    await page.goto(`${server.url}/reception/planner`)
    await settle(page)
    await page.locator('[data-test="plan-open"]').first().click()
    await rows.first().waitFor()
    await settle(page)
    assert.equal(await rows.count(), 9)
    assert.equal((await rows.first().locator('[data-test="plan-row-leader"]').innerText()).trim(), chosen)
    assert.equal(await rows.first().locator('input[data-test="plan-row-place"]').inputValue(), '东山县人民来访接待中心')
    assert.match(await page.locator('[data-test="plan-status"]').innerText(), /已发布/)
    assert.equal(await page.locator('[data-test="plan-delete"]').count(), 0, 'a published plan has no 删除')
    await screenshot(page, 'reception-plan-reopened')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('a leader sees the demo reception day with 101 / 85 / 12 and its cases', async () => {
  const demo = await startServer({ initArgs: ['--with-cases'] })
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 900 })
  try {
    await loginHome(page, demo.url, 'leader')
    await page.goto(`${demo.url}/reception/days`)
    const dayRows = page.locator('[data-test="days-table"] .el-table__body-wrapper tr')
    await dayRows.first().waitFor()
    await settle(page)
    const row = dayRows.filter({ hasText: '霞溪县' }).first()
    assert.match(await row.innerText(), /101[\s\S]*85[\s\S]*12/)
    await row.locator('[data-test="days-link"]').click()
    await page.waitForURL(/\/reception\/days\/\d+$/)
    await page.locator('[data-test="day-cases"] .el-table__body tr').first().waitFor()
    await settle(page)
    assert.equal(await page.locator('[data-test="stat-visitors"] b').innerText(), '101')
    assert.equal(await page.locator('[data-test="stat-accepted"] b').innerText(), '85')
    assert.equal(await page.locator('[data-test="stat-onspot"] b').innerText(), '12')
    assert.match(await page.locator('[data-test="stat-assigned"] b').innerText(), /^[1-9]\d*$/)
    assert.match(await page.locator('[data-test="day-info"]').innerText(), /霞溪县信访局接待大厅/)
    const links = page.locator('[data-test="day-case-link"]')
    assert.equal(await links.count(), 90)
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      assert.match(href, /^\/cases\/\d+$/)
    }
    assert.match(await links.first().innerText(), /^XF-\d{4}-\d+$/)
    await screenshot(page, 'reception-day-demo-101-85-12')
    assertClean(problems)
  } finally {
    await context.close()
    await demo.stop()
  }
})
