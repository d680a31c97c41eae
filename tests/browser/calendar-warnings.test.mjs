// The holiday calendar's coverage on the console pages. On a server whose calendar lacks this year
// and the next (their holidays deleted through the API), every deadline carries the server's
// warning: the case detail shows it next to the due date and in the deadlines table (an icon with
// the text on hover or focus, and the text itself below), the case list and 我的待办 show the icon
// with the text on hover; no cell of the case list is cut off at 1280 and 1024 px. The system
// administrator's home page asks for the missing year, and from 1 November for next year's
// arrangement (the server's today moved with SIXIA_TEST_TODAY), with a link to 节假日安排.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT, startServer, launchBrowser, openPage, assertClean, loginHome, settle, screenshot, assertAxe, apiClient } from './helper.mjs'
import { world, chinaDay } from './casekit.mjs'

let server
let browser
let w
const years = []
const made = {}

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  w = await world(server.url)
  const y = Number(chinaDay().slice(0, 4))
  years.push(y, y + 1)
  for (const year of years) {
    const r = await w.admin('GET', `/holidays?year=${year}`)
    assert.equal(r.status, 200)
    for (const h of r.body.items) assert.equal((await w.admin('DELETE', `/holidays/${h.day}`)).status, 204)
  }
  // One case waits for 受理 (the clerk's task), one for 答复 (the handler's).
  made.registered = await w.create({ title: '日历测试：待受理事项', content: '群众反映村道路灯损坏，夜间出行不便（日历测试）。' })
  made.signed = await w.create({ title: '日历测试：待答复事项', content: '群众反映小区排水不畅，雨天积水（日历测试）。' })
  await w.drive(made.signed.id, 'signed')
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

// Hovers a warning icon and returns the tooltip's text.
async function hoverText(page, icon) {
  await icon.hover()
  const tip = page.locator('.el-popper:visible', { hasText: '工作日历' }).last()
  await tip.waitFor()
  const t = (await tip.innerText()).trim()
  await page.mouse.move(0, 0)
  await tip.waitFor({ state: 'hidden' }).catch(() => {})
  return t
}

test('the case detail shows the calendar warning next to the due date and in the deadlines table', async () => {
  const det = (await w.clerk('GET', `/cases/${made.registered.id}`)).body
  assert.ok(det.due_warning, 'the server warns')
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await page.goto(`${server.url}/cases/${made.registered.id}`)
    await page.locator('[data-test="case-head"]').waitFor()
    await settle(page)
    // Next to the due date: an icon (text on hover, named for screen readers) and the text itself.
    const icon = page.locator('[data-test="case-due"] [data-test="deadline-warning"]')
    await icon.waitFor()
    assert.equal(await icon.getAttribute('aria-label'), `期限提示：${det.due_warning}`)
    assert.equal(await hoverText(page, icon), det.due_warning)
    assert.equal((await page.locator('[data-test="case-due-warning"]').innerText()).trim(), `期限提示：${det.due_warning}`)
    // The keyboard reaches the icon too, and focus shows the text.
    await icon.focus()
    await page.locator('.el-popper:visible', { hasText: det.due_warning }).waitFor()
    await page.locator('[data-test="case-title"]').click()
    // Each running deadline with a warning has its icon; the text is written under the table.
    const warned = det.deadlines.filter((d) => !d.done && d.warning)
    assert.ok(warned.length >= 1)
    assert.equal(await page.locator('[data-test="case-deadlines"] [data-test="deadline-warning"]').count(), warned.length)
    const notes = await page.locator('[data-test="deadlines-warning"]').allInnerTexts()
    assert.ok(notes.length >= 1 && notes.every((n) => n.includes('工作日历')), JSON.stringify(notes))
    assert.ok(notes.some((n) => n.includes(warned[0].warning)))
    await screenshot(page, 'calendar-detail-warning')
    await assertAxe(page, 'detail with calendar warnings')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the case list shows the warning icon with its text on hover; no cell is cut off at 1280 and 1024 px', async () => {
  const item = (await w.clerk('GET', `/cases?keyword=${encodeURIComponent(made.signed.case_no)}`)).body.items[0]
  assert.ok(item.due_warning)
  for (const [width, height] of [[1280, 800], [1024, 768]]) {
    const { context, page, problems } = await openPage(browser, { width, height })
    try {
      await loginHome(page, server.url, 'clerk_dongshan')
      await page.goto(`${server.url}/cases`)
      await settle(page)
      const table = page.locator('[data-test="case-table"]')
      const row = table.locator('.el-table__body tr', { hasText: made.signed.case_no })
      await row.waitFor()
      const icon = row.locator('[data-test="deadline-warning"]')
      assert.equal(await icon.getAttribute('aria-label'), `期限提示：${item.due_warning}`)
      assert.equal(await hoverText(page, icon), item.due_warning)
      const icons = await table.locator('[data-test="deadline-warning"]').count()
      assert.ok(icons >= 2, `every warned row has the icon (${icons})`)
      // Nothing is cut off: no cell's content is wider than the cell, the table needs no
      // horizontal scrolling and the page none either.
      const clip = await page.evaluate(() => {
        const cut = [...document.querySelectorAll('[data-test="case-table"] .el-table__body td .cell, [data-test="case-table"] .el-table__header th .cell')]
          .filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => `${c.innerText.replace(/\s+/g, ' ')} (${c.scrollWidth}>${c.clientWidth})`)
        const wrap = document.querySelector('[data-test="case-table"] .el-table__body-wrapper .el-scrollbar__wrap')
        return { cut, tableScroll: wrap ? wrap.scrollWidth - wrap.clientWidth : 0, page: document.documentElement.scrollWidth - window.innerWidth }
      })
      assert.deepEqual(clip.cut, [], `cells cut off at ${width} px`)
      assert.ok(clip.tableScroll <= 0, `the table scrolls ${clip.tableScroll}px sideways at ${width} px`)
      assert.ok(clip.page <= 0, `the page is ${clip.page}px too wide at ${width} px`)
      // Every column's heading and the deadline cell are inside the window.
      const box = await row.locator('[data-test="deadline"]').boundingBox()
      assert.ok(box && box.x + box.width <= width, `the deadline cell is inside the ${width} px window`)
      await screenshot(page, `calendar-list-${width}`)
      await assertAxe(page, `case list at ${width} px`)
      assertClean(problems)
    } finally {
      await context.close()
    }
  }
})

test('我的待办 shows the warning icon for the clerk and the handler', async () => {
  for (const [who, c, task] of [['clerk_dongshan', made.registered, '待受理'], ['handler', made.signed, '待答复']]) {
    const todo = (await (await apiClient(server.url, who))('GET', '/todo')).body.items.find((i) => i.case_id === c.id)
    assert.ok(todo && todo.due_warning, `${who} has the task with a warning`)
    const { context, page, problems } = await openPage(browser)
    try {
      await loginHome(page, server.url, who)
      const row = page.locator('[data-test="todo-table"] .el-table__body tr', { hasText: c.case_no })
      await row.waitFor()
      await settle(page)
      assert.match(await row.innerText(), new RegExp(task))
      const icon = row.locator('[data-test="deadline-warning"]')
      assert.equal(await icon.getAttribute('aria-label'), `期限提示：${todo.due_warning}`)
      assert.equal(await hoverText(page, icon), todo.due_warning)
      await screenshot(page, `calendar-workbench-${who}`)
      await assertAxe(page, `${who}'s 工作台`)
      assertClean(problems)
    } finally {
      await context.close()
    }
  }
})

test('the administrator\'s home page asks for the missing year', async () => {
  const cov = (await w.admin('GET', '/holidays/coverage')).body
  assert.equal(cov.current_covered, false)
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'sysadmin')
    const card = page.locator('[data-test="home-calendar-warning"]')
    await card.waitFor()
    assert.equal((await card.locator('[data-test="home-calendar-message"]').innerText()).trim(), cov.message)
    assert.match(cov.message, new RegExp(`${years[0]}年`))
    await settle(page)
    await screenshot(page, 'calendar-home-missing-year')
    await assertAxe(page, 'home page with the calendar warning')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

// From 1 November the next year's arrangement is asked for (today moved on the server).
test('from 1 November the administrator\'s home page asks for next year\'s arrangement, with a link to 节假日安排', async () => {
  // The latest year of the calendar a fresh database ships (data/holidays.csv).
  const shipped = fs.readFileSync(path.join(ROOT, 'data', 'holidays.csv'), 'utf8').match(/^\d{4}(?=-\d{2}-\d{2},)/gm)
  const latest = Math.max(...shipped.map(Number))
  for (const [day, ask] of [[`${latest}-10-31`, false], [`${latest}-11-15`, true]]) {
    const srv = await startServer({ env: { SIXIA_TEST_TODAY: day } })
    const { context, page, problems } = await openPage(browser)
    try {
      const admin = await apiClient(srv.url, 'sysadmin')
      const cov = (await admin('GET', '/holidays/coverage')).body
      assert.equal(cov.today, day)
      assert.equal(cov.ask_next_year, ask, JSON.stringify(cov))
      await loginHome(page, srv.url, 'sysadmin')
      await settle(page)
      const card = page.locator('[data-test="home-calendar-warning"]')
      if (!ask) {
        assert.equal(await card.count(), 0, `no card on ${day}`)
      } else {
        await card.waitFor()
        const msg = (await card.locator('[data-test="home-calendar-message"]').innerText()).trim()
        assert.equal(msg, cov.message)
        assert.ok(msg.includes(`${latest + 1}年`), msg)
        await screenshot(page, 'calendar-home-next-year')
        await assertAxe(page, 'home page asking for next year')
        // A clerk (no dict:write) is not asked.
        const clerkPage = await openPage(browser)
        try {
          await loginHome(clerkPage.page, srv.url, 'clerk_dongshan')
          await settle(clerkPage.page)
          assert.equal(await clerkPage.page.locator('[data-test="home-calendar-warning"]').count(), 0)
          assertClean(clerkPage.problems)
        } finally {
          await clerkPage.context.close()
        }
        // The link opens 节假日安排; once next year is entered the card is gone.
        await card.locator('[data-test="home-calendar-link"]').click()
        await page.waitForURL(`${srv.url}/base/holidays`)
        await page.locator('[data-test="holiday-table"]').waitFor()
        const r = await admin('POST', '/holidays', { day: `${latest + 1}-01-01`, kind: 'holiday', name: '元旦' })
        assert.equal(r.status, 201, JSON.stringify(r.body))
        await page.goto(`${srv.url}/`)
        await page.locator('[data-test="user-menu"]').waitFor()
        await settle(page)
        assert.equal(await card.count(), 0, 'the card is gone once next year is covered')
      }
      assertClean(problems)
    } finally {
      await context.close()
      await srv.stop()
    }
  }
})
