// 信访 pages end to end, each step by the account whose role makes it: clerk_dongshan registers
// a visit with two petitioners (query code shown once) → 受理 → 交办 to 地区住建局 / 地区住建局承办人;
// handler finds it in 我的待办 → 签收 → 答复; clerk_dongshan 回访 (resolved, 满意) → 办结; the
// timeline holds every step. Also: buttons absent for roles that may not take the step, the
// full-PII button absent for the handler, a repeat suggestion when the same phone is typed
// again, the list with filters and export, and the pages at 1024×768.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { startServer, launchBrowser, openPage, assertClean, loginHome, settle, screenshot, noPopper, input, OUT_DIR } from './helper.mjs'

let server
let browser

// Fake but valid ID numbers (GB 11643 check character) and phones unlikely in demo data.
function fakeId(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(body17[i]) * w[i]
  return body17 + '10X98765432'[s % 11]
}
function wrongCheck(id) {
  const c = id[17]
  return id.slice(0, 17) + (c === '0' ? '1' : '0')
}
const tail = String(Date.now() % 10000).padStart(4, '0')
const P1 = { name: '测试甲', id: fakeId('35990119800101' + '123'), phone: `1395550${tail}`, address: '东山县城关镇测试路1号' }
const P2 = { name: '测试乙', id: fakeId('35990119850202' + '456'), phone: `1395551${tail}` }
const TITLE = `小区电梯长期停运无人维修（浏览器测试${tail}）`
const CONTENT = `反映东山县城关镇某测试小区3号楼电梯自今年起停运，物业推诿，住户出行困难，请求督促维修。编号${tail}。`

const state = { id: null, caseNo: '', queryCode: '' }

// A signed-in API client (Node fetch) for test set-up the pages do not cover.
async function apiAs(username) {
  const r = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'Demo@2026' })
  })
  assert.equal(r.status, 200, `login ${username}`)
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const { csrf_token: csrf } = await r.json()
  return async (method, path, body) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }
}

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

// ---- page helpers ----
async function popperGone(page, sel) {
  await page.waitForFunction((s) => ![...document.querySelectorAll(s)]
    .some((el) => el.offsetParent !== null && getComputedStyle(el).display !== 'none'), sel, { timeout: 3000 }).catch(() => {})
}

// Opens the select with data-test `testId` and clicks the option `text`.
async function choose(page, testId, text) {
  await noPopper(page)
  await page.locator(`[data-test="${testId}"]`).locator('xpath=ancestor-or-self::*[contains(@class,"el-select")][1]')
    .locator('.el-select__wrapper').first().click()
  const popper = page.locator('.el-select__popper:visible').last()
  await popper.locator('.el-select-dropdown__item').filter({ hasText: text }).first().click()
  try { await popper.waitFor({ state: 'hidden', timeout: 1500 }) } catch (_) { await page.keyboard.press('Escape') }
  await noPopper(page)
}

// Types into a date picker input and confirms with Enter.
async function typeDate(page, locator, value) {
  await locator.click()
  await locator.fill(value)
  await locator.press('Enter')
  await popperGone(page, '.el-picker__popper')
}

// County → first town of the region cascader.
async function pickRegion(page, county) {
  await page.locator('[data-test="intake-region"]').click()
  const panel = page.locator('.el-cascader__dropdown:visible').last()
  await panel.locator('.el-cascader-menu').first().locator('.el-cascader-node', { hasText: county }).click()
  const towns = panel.locator('.el-cascader-menu').nth(1).locator('.el-cascader-node')
  await towns.first().waitFor()
  await towns.first().locator('.el-radio').click()
  await page.keyboard.press('Escape')
  await popperGone(page, '.el-cascader__dropdown')
  assert.match(await input(page, 'intake-region').inputValue(), new RegExp(`${county} / .+`))
}

async function fillPetitioner(page, i, p) {
  const row = page.locator('[data-test="pet-row"]').nth(i)
  await row.locator('[data-test="pet-name"] input, input[data-test="pet-name"]').first().fill(p.name)
  await row.locator('[data-test="pet-id"] input, input[data-test="pet-id"]').first().fill(p.id)
  await row.locator('[data-test="pet-phone"] input, input[data-test="pet-phone"]').first().fill(p.phone)
  if (p.address) await row.locator('[data-test="pet-address"] input, input[data-test="pet-address"]').first().fill(p.address)
  await row.locator('[data-test="pet-address"] input, input[data-test="pet-address"]').first().focus()
  return row
}

async function openCase(page, id) {
  await page.goto(`${server.url}/cases/${id}`)
  await page.locator('[data-test="case-head"]').waitFor()
  await settle(page)
}

async function status(page) {
  return (await page.locator('[data-test="case-status"]').innerText()).trim()
}

// Clicks an action button, fills the dialog through `fill`, submits and waits for the new status.
async function act(page, code, expectStatus, fill, shot) {
  await page.locator(`[data-test="act-${code}"]`).click()
  const dlg = page.locator('.el-dialog[data-test="action-dialog"], [data-test="action-dialog"]').filter({ visible: true }).last()
  await dlg.waitFor()
  if (fill) await fill(dlg)
  if (shot) await screenshot(page, shot)
  await dlg.locator('[data-test="act-submit"]').click()
  await page.locator('.el-message--success').last().waitFor()
  await dlg.waitFor({ state: 'hidden' })
  await page.waitForFunction((s) => document.querySelector('[data-test="case-status"]')?.innerText.trim() === s, expectStatus)
  assert.equal(await status(page), expectStatus)
}

async function actionCodes(page) {
  return page.locator('[data-test="case-actions"] button[data-test^="act-"]').evaluateAll(
    (els) => els.map((e) => e.getAttribute('data-test').slice(4)))
}

async function timelineLabels(page) {
  return page.locator('[data-test="timeline-label"]').allInnerTexts()
}

// ---- the lifecycle ----
test('clerk registers a visit with two petitioners and receives the query code', async () => {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    const item = page.locator('.side-menu .el-menu-item', { hasText: '信访登记' }).first()
    if (!(await item.isVisible())) await page.locator('.side-menu .el-sub-menu__title', { hasText: '信访' }).first().click()
    await item.click()
    await page.waitForURL(`${server.url}/cases/new`)
    await settle(page)
    assert.ok((await page.locator('.crumbs').innerText()).includes('信访登记'))

    // All ten channels are offered; 来访 is the default.
    await page.locator('[data-test="intake-channel"]').locator('xpath=ancestor-or-self::*[contains(@class,"el-select")][1]').locator('.el-select__wrapper').click()
    await page.locator('.el-select__popper:visible .el-select-dropdown__item').first().waitFor()
    const channelOpts = await page.locator('.el-select__popper:visible .el-select-dropdown__item').allInnerTexts()
    assert.deepEqual(channelOpts.map((s) => s.trim()), ['来访', '来信', '电话', '传真', '网上信访', '接访日', '下访', '现场办公', '宣讲反馈', 'Open311'])
    await page.keyboard.press('Escape')
    await noPopper(page)
    assert.match(await page.locator('[data-test="intake-form"] .el-form-item', { hasText: '信访渠道' }).innerText(), /来访/)
    // 被反映单位 only for 检举控告.
    assert.equal(await page.locator('[data-test="intake-accused"]').count(), 0)
    await choose(page, 'intake-kind', '检举控告')
    await page.locator('[data-test="intake-form"] .el-form-item', { hasText: '被反映单位' }).waitFor()
    await choose(page, 'intake-kind', '建议意见')
    assert.equal(await page.locator('[data-test="intake-form"] .el-form-item', { hasText: '被反映单位' }).count(), 0)

    await choose(page, 'intake-category', '住房')
    await pickRegion(page, '东山县')
    await input(page, 'intake-title').fill(TITLE)
    await page.locator('[data-test="intake-content"] textarea, textarea[data-test="intake-content"]').first().fill(CONTENT)

    // Client-side checks: a wrong check digit and a bad phone get Chinese messages.
    const row1 = page.locator('[data-test="pet-row"]').first()
    await fillPetitioner(page, 0, { ...P1, id: wrongCheck(P1.id), phone: '1234' })
    await row1.locator('.el-form-item__error', { hasText: '身份证号码校验位不正确' }).waitFor()
    await row1.locator('.el-form-item__error', { hasText: '电话号码格式不正确' }).waitFor()
    await fillPetitioner(page, 0, P1)
    await page.waitForFunction(() => !document.querySelector('[data-test="intake-petitioners"] .el-form-item__error'))
    await row1.locator('[data-test="pet-rep"]').click()

    // Nothing earlier from this petitioner: 初信初访.
    await page.locator('[data-test="match-first"]').waitFor()
    assert.match(await page.locator('[data-test="match-first"]').innerText(), /初信初访/)

    await page.locator('[data-test="pet-add"]').click()
    await fillPetitioner(page, 1, P2)
    assert.equal(await page.locator('[data-test="pet-row"]').count(), 2)
    assert.equal(await input(page, 'intake-headcount').inputValue(), '2', 'head count follows the petitioners')

    await page.locator('[data-test="intake-submit"]').click()
    const dlg = page.locator('[data-test="intake-result"]').filter({ visible: true })
    await dlg.locator('[data-test="receipt-query-code"]').waitFor({ timeout: 20000 })
    state.caseNo = (await dlg.locator('[data-test="receipt-case-no"]').innerText()).trim()
    state.queryCode = (await dlg.locator('[data-test="receipt-query-code"]').innerText()).trim()
    assert.match(state.caseNo, /^XF-\d{4}-\d{5}$/)
    assert.match(state.queryCode, /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{3}$/, 'readable code without 0/O/1/I')
    assert.ok(await dlg.locator('[data-test="receipt-print"]').isVisible(), 'a print button')
    // No late match run offers the case just registered as its own repeat.
    await page.waitForTimeout(800)
    assert.equal(await page.locator('[data-test="match-item"]', { hasText: state.caseNo }).count(), 0)
    await screenshot(page, 'cases-intake-receipt')

    await dlg.locator('[data-test="receipt-detail"]').click()
    await page.waitForURL(/\/cases\/\d+$/)
    state.id = Number(new URL(page.url()).pathname.split('/').pop())
    await page.locator('[data-test="case-head"]').waitFor()
    await settle(page)
    assert.equal((await page.locator('[data-test="case-no"]').innerText()).trim(), state.caseNo)
    assert.equal(await status(page), '登记')
    assert.ok((await page.locator('[data-test="case-head"]').innerText()).includes('初信初访'))
    assert.deepEqual(await timelineLabels(page), ['登记'])

    // Masked until the clerk asks; the full view is audited.
    const phoneCells = page.locator('[data-test="pet-phone-cell"]')
    assert.equal(await phoneCells.count(), 2)
    assert.match(await phoneCells.first().innerText(), /^139\*{4}\d{4}$/)
    assert.doesNotMatch(await page.locator('[data-test="case-petitioners"]').innerText(), new RegExp(P1.phone))
    await page.locator('[data-test="pii-show"]').click()
    await page.locator('[data-test="pii-note"]', { hasText: '查看操作已记入审计日志' }).waitFor()
    const full = await page.locator('[data-test="case-petitioners"]').innerText()
    assert.ok(full.includes(P1.phone) && full.includes(P1.id) && full.includes(P2.phone), 'full values shown')

    // A lost query code can be reissued; the new one differs from the old.
    await page.locator('[data-test="query-code-reissue"]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '重新发放' }).click()
    const code = page.locator('[data-test="query-code-new"]')
    await code.waitFor()
    const newCode = (await code.innerText()).trim()
    assert.match(newCode, /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{3}$/)
    assert.notEqual(newCode, state.queryCode)
    await page.locator('[data-test="query-code-dialog"]').filter({ visible: true }).getByRole('button', { name: '我已记下' }).click()

    // The registering clerk may accept, not sign.
    const codes = await actionCodes(page)
    assert.ok(codes.includes('accept'), `accept offered: ${codes}`)
    assert.ok(!codes.includes('sign') && !codes.includes('reply'), `no sign/reply for the clerk: ${codes}`)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('clerk accepts and assigns the case to 地区住建局, uploads an attachment', async () => {
  assert.ok(state.id, 'the case was registered')
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await openCase(page, state.id)
    // Someone else accepts it meanwhile: the stale 受理 is refused (409) with the server's
    // message, and the page shows the fresh state.
    const other = await page.evaluate(async (id) => {
      const me = await (await fetch('/api/v1/auth/me', { credentials: 'same-origin' })).json()
      const c = await (await fetch(`/api/v1/cases/${id}`, { credentials: 'same-origin' })).json()
      const r = await fetch(`/api/v1/cases/${id}/actions/accept`, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ version: c.version, note: '另一窗口受理' })
      })
      return r.status
    }, state.id)
    assert.equal(other, 200)
    assert.equal(await status(page), '登记', 'the page still shows the old state')
    await page.locator('[data-test="act-accept"]').click()
    const stale = page.locator('[data-test="action-dialog"]').filter({ visible: true }).last()
    await stale.locator('[data-test="act-submit"]').click()
    const msg = page.locator('.el-message--error').last()
    await msg.waitFor()
    assert.match((await msg.innerText()).trim(), /已被他人(修改|更新)，请刷新后重试/)
    await stale.waitFor({ state: 'hidden' })
    await page.waitForFunction(() => document.querySelector('[data-test="case-status"]')?.innerText.trim() === '受理')
    assert.ok((await actionCodes(page)).includes('assign'))
    assert.ok(!(await actionCodes(page)).includes('accept'))

    const due = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10)
    await act(page, 'assign', '交办', async (dlg) => {
      // Exactly the inputs 交办 needs (plus the optional note).
      assert.equal(await dlg.locator('[data-test="act-reason"]').count(), 0)
      assert.equal(await dlg.locator('[data-test="act-reply"]').count(), 0)
      await choose(page, 'act-unit', '地区住房和城乡建设局')
      await choose(page, 'act-handler', '地区住建局承办人')
      await typeDate(page, dlg.locator('.el-form-item', { hasText: '办理期限' }).locator('input').first(), due)
    }, 'cases-assign-dialog')
    const head = await page.locator('[data-test="case-head"]').innerText()
    assert.ok(head.includes('地区住房和城乡建设局'), 'handling unit shown')
    assert.ok(head.includes('地区住建局承办人'), 'handler shown')
    // Assigned to another unit: the clerk has no 签收/退回 button.
    const codes = await actionCodes(page)
    assert.ok(!codes.includes('sign') && !codes.includes('return'), `clerk sees no 签收: ${codes}`)
    assert.ok(!codes.includes('assign') && !codes.includes('accept'))

    // Attachment upload (raw body) and download link.
    const file = path.join(OUT_DIR, `现场情况说明-${tail}.txt`)
    fs.writeFileSync(file, `测试附件 ${tail}\n`)
    await page.locator('[data-test="attach-upload"] input[type="file"]').setInputFiles(file)
    const link = page.locator('[data-test="attach-link"]', { hasText: `现场情况说明-${tail}.txt` })
    await link.waitFor()
    const href = await link.getAttribute('href')
    assert.match(href, new RegExp(`^/api/v1/cases/${state.id}/attachments/\\d+$`))
    const got = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).text(), href)
    assert.equal(got, `测试附件 ${tail}\n`)
    fs.rmSync(file, { force: true })
    assertClean(problems, [/status of 409 .*\/actions\/accept/])
  } finally {
    await context.close()
  }
})

test('leader supervises the case; 督办 shows on the detail and in the list', async () => {
  assert.ok(state.id)
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'leader')
    await openCase(page, state.id)
    const codes = await actionCodes(page)
    assert.ok(codes.includes('supervise'), `leader may supervise: ${codes}`)
    for (const c of ['accept', 'assign', 'sign', 'reply', 'callback', 'close']) assert.ok(!codes.includes(c), `leader has no ${c}: ${codes}`)
    await page.locator('[data-test="act-supervise"]').click()
    const dlg = page.locator('[data-test="action-dialog"]').filter({ visible: true }).last()
    await dlg.waitFor()
    // 督办 needs a comment: submitting empty is refused on the page.
    await dlg.locator('[data-test="act-submit"]').click()
    await dlg.locator('.el-form-item__error', { hasText: '请填写督办意见' }).waitFor()
    await dlg.locator('[data-test="act-reason"] textarea, textarea[data-test="act-reason"]').first().fill('请于本周内签收并联系群众')
    await dlg.locator('[data-test="act-submit"]').click()
    await page.locator('.el-message--success').last().waitFor()
    await page.locator('[data-test="case-head"] [data-test="flag-supervised"]').waitFor()
    assert.match(await page.locator('[data-test="case-supervise-comment"]').innerText(), /请于本周内签收并联系群众/)
    assert.equal(await status(page), '交办', '督办 keeps the status')

    await page.goto(`${server.url}/cases`)
    await settle(page)
    await input(page, 'case-keyword').fill(tail)
    await page.locator('[data-test="case-search"]').click()
    const row = page.locator('[data-test="case-table"] .el-table__body tr', { hasText: state.caseNo })
    await row.waitFor()
    await row.locator('[data-test="flag-supervised"]').waitFor()
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('handler finds the case in 我的待办, signs for it and replies', async () => {
  assert.ok(state.id)
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'handler')
    const wb = page.locator('[data-test="workbench"]')
    await wb.waitFor()
    await settle(page)
    const row = wb.locator('[data-test="todo-table"] .el-table__body tr', { hasText: state.caseNo })
    await row.waitFor()
    assert.match(await row.innerText(), /待签收/)
    // The deadline shows as a coloured 正常/临期/逾期 tag.
    assert.match(await row.locator('[data-test="deadline"]').innerText(), /\d{4}-\d{2}-\d{2}\s*(正常|临期|逾期)/)
    assert.ok(Number(await wb.locator('[data-test="todo-count-sign"] .num').innerText()) >= 1)
    await row.locator('[data-test="flag-supervised"]').waitFor() // 督办 shows in 我的待办 too
    await screenshot(page, 'cases-workbench')

    await row.locator('[data-test="todo-case"]').click()
    await page.waitForURL(`${server.url}/cases/${state.id}`)
    await page.locator('[data-test="case-head"]').waitFor()
    await settle(page)
    let codes = await actionCodes(page)
    assert.ok(codes.includes('sign'), `sign offered: ${codes}`)
    for (const c of ['accept', 'assign', 'decline', 'callback', 'close']) assert.ok(!codes.includes(c), `handler has no ${c}: ${codes}`)
    // No full-PII button for the handler; values stay masked.
    assert.equal(await page.locator('[data-test="pii-show"]').count(), 0)
    assert.doesNotMatch(await page.locator('[data-test="case-petitioners"]').innerText(), new RegExp(P1.phone))

    await act(page, 'sign', '签收')
    codes = await actionCodes(page)
    assert.ok(codes.includes('reply'))
    await act(page, 'reply', '答复', async (dlg) => {
      // 建议意见: no outcome radio.
      assert.equal(await dlg.locator('[data-test="act-outcome"]').count(), 0)
      await dlg.locator('[data-test="act-reply"] textarea, textarea[data-test="act-reply"]').first()
        .fill('经核查，已责成物业公司于本月内完成电梯维修，并由住建部门跟踪验收。')
      await dlg.locator('[data-test="act-note"] textarea, textarea[data-test="act-note"]').first().fill('已电话告知代表人')
      // The file the clerk uploaded goes with the reply.
      await dlg.locator('[data-test="act-attachments"] .el-checkbox', { hasText: `现场情况说明-${tail}.txt` }).click()
    })
    const replyEvent = page.locator('[data-test="timeline-item"]').filter({ has: page.locator('[data-test="timeline-label"]', { hasText: /^答复$/ }) })
    assert.match(await replyEvent.innerText(), new RegExp(`现场情况说明-${tail}\\.txt`), 'the attachment is on the 答复 step')
    assert.ok(!(await actionCodes(page)).includes('callback'), 'the handler does not call back')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('clerk calls back (resolved, 满意) and closes; the timeline shows every step', async () => {
  assert.ok(state.id)
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    const row = page.locator('[data-test="todo-table"] .el-table__body tr', { hasText: state.caseNo })
    await row.waitFor()
    assert.match(await row.innerText(), /待回访/)
    // A counter filters the list to its task.
    await page.locator('[data-test="todo-count-callback"]').click()
    const tasks = await page.locator('[data-test="todo-table"] .el-table__body tr td:first-child').allInnerTexts()
    assert.ok(tasks.length >= 1 && tasks.every((t) => t.trim() === '待回访'), `only 待回访 rows: ${tasks}`)
    await row.locator('[data-test="todo-case"]').click()
    await page.waitForURL(`${server.url}/cases/${state.id}`)
    await page.locator('[data-test="case-head"]').waitFor()
    await settle(page)

    await act(page, 'callback', '回访', async (dlg) => {
      const sw = dlg.locator('[data-test="act-resolved"]').locator('xpath=ancestor-or-self::*[contains(@class,"el-switch")][1]')
      assert.ok((await sw.getAttribute('class')).includes('is-checked'), 'resolved defaults to yes')
      await dlg.locator('[data-test="act-satisfaction"] .el-radio', { hasText: /^满意$/ }).click()
      await choose(page, 'act-callback-how', '电话回访')
    })
    await act(page, 'close', '办结')
    assert.deepEqual(await actionCodes(page).then((c) => c.filter((x) => ['accept', 'assign', 'sign', 'reply', 'callback', 'close'].includes(x))), [])

    const labels = await timelineLabels(page)
    const steps = ['登记', '受理', '交办', '签收', '答复', '回访', '办结']
    let at = -1
    for (const s of steps) {
      const i = labels.findIndex((l, k) => k > at && l.trim() === s)
      assert.ok(i > at, `timeline has ${s} after the previous step: ${labels}`)
      at = i
    }
    const tl = await page.locator('[data-test="case-timeline"]').innerText()
    assert.ok(tl.includes('地区住房和城乡建设局') && tl.includes('地区住建局承办人'), '交办 shows unit and handler')
    assert.ok(tl.includes('已责成物业公司'), '答复 shows the reply')
    assert.ok(tl.includes('满意'), '回访 shows the satisfaction')
    assert.ok(tl.includes('已电话告知代表人'), 'notes are shown')
    const result = await page.locator('[data-test="case-result"]').innerText()
    assert.ok(result.includes('已解决') && result.includes('满意'))
    await settle(page)
    await screenshot(page, 'cases-detail')
    await page.locator('[data-test="case-timeline"]').scrollIntoViewIfNeeded()
    await screenshot(page, 'cases-detail-timeline')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('typing the same phone again suggests the earlier case as a repeat', async () => {
  assert.ok(state.id)
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await page.goto(`${server.url}/cases/new`)
    await settle(page)
    await fillPetitioner(page, 0, { name: '测试丙', id: '', phone: P1.phone })
    const m = page.locator('[data-test="match-item"]', { hasText: state.caseNo })
    await m.waitFor()
    assert.match(await m.innerText(), /同一信访人（电话）/)
    assert.equal(await page.locator('[data-test="match-first"]').count(), 0, 'not 初信初访')
    await m.locator('[data-test="match-duplicate"]').click()
    await page.locator('[data-test="match-dup-note"]', { hasText: state.caseNo }).waitFor()
    await settle(page)
    await screenshot(page, 'cases-intake-match')
    // 确认为新事项 clears the link.
    await page.locator('[data-test="match-new"]').click()
    await page.locator('[data-test="match-new-confirmed"]').waitFor()
    assert.equal(await page.locator('[data-test="match-dup-note"]').count(), 0)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the case list filters, links to the detail and exports', async () => {
  assert.ok(state.id)
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    const item = page.locator('.side-menu .el-menu-item', { hasText: '信访事项' }).first()
    if (!(await item.isVisible())) await page.locator('.side-menu .el-sub-menu__title', { hasText: '信访' }).first().click()
    await item.click()
    await page.waitForURL(`${server.url}/cases`)
    await settle(page)
    const table = page.locator('[data-test="case-table"]')
    await input(page, 'case-keyword').fill(tail)
    await choose(page, 'case-status', '办结')
    await page.locator('[data-test="case-search"]').click()
    const row = table.locator('.el-table__body tr', { hasText: state.caseNo })
    await row.waitFor()
    await settle(page)
    assert.equal(await table.locator('.el-table__body tr').count(), 1)
    const text = await row.innerText()
    for (const s of ['建议意见', '来访', '东山县', '办结', '地区住房和城乡建设局', '初信初访']) assert.ok(text.includes(s), `row shows ${s}: ${text}`)
    await screenshot(page, 'cases-list')

    await choose(page, 'case-status', '登记')
    await page.locator('[data-test="case-search"]').click()
    await table.locator('.el-empty').waitFor()

    // Export with the same filters: an .xlsx.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="case-export"]').click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    const bytes = fs.readFileSync(await download.path())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file')

    await page.locator('[data-test="case-status"]').locator('xpath=ancestor-or-self::*[contains(@class,"el-select")][1]').hover()
    await page.locator('.search-form .el-form-item', { hasText: '状态' }).locator('.el-select__clear').click().catch(() => {})
    await page.locator('[data-test="case-search"]').click()
    await row.waitFor()
    await row.locator('[data-test="case-link"]').click()
    await page.waitForURL(`${server.url}/cases/${state.id}`)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('a visit on a reception day links to the published 接访日', async () => {
  // The planner publishes last month's rota (one day per county) through the API.
  const planner = await apiAs('planner')
  const cst = new Date(Date.now() + 8 * 3600000)
  const first = new Date(Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth() - 1, 1))
  const last = new Date(Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), 0))
  const ymd = (d) => d.toISOString().slice(0, 10)
  const leaders = await planner('GET', '/cadres?is_leader=true&page_size=200')
  assert.equal(leaders.status, 200)
  const rota = {
    period_start: ymd(first), period_end: ymd(last), visits_per_county: 1,
    leaders: leaders.body.items.slice(0, 4).map((c) => ({ cadre_id: c.id, unit_ids: [] }))
  }
  const prop = await planner('POST', '/reception/plans/propose', rota)
  assert.equal(prop.status, 200, JSON.stringify(prop.body))
  const visits = prop.body.plan.map((v) => ({
    date: v.date, county_id: v.county_id, leader_id: v.leader_id, unit_ids: v.unit_ids || [],
    place: '县信访局接待大厅', start_time: '09:00', end_time: '12:00'
  }))
  const plan = await planner('POST', '/reception/plans', { name: '上月接访日（浏览器测试）', period_start: rota.period_start, period_end: rota.period_end, input: rota, visits })
  assert.equal(plan.status, 201, JSON.stringify(plan.body))
  const pub = await planner('POST', `/reception/plans/${plan.body.id}/publish`)
  assert.equal(pub.status, 200, JSON.stringify(pub.body))
  const dongshan = pub.body.visits.find((v) => v.county_name === '东山县')
  assert.ok(dongshan && dongshan.day_id, '东山县 has a published day')

  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await page.goto(`${server.url}/cases/new`)
    await settle(page)
    assert.equal(await page.locator('[data-test="intake-reception-day"]').count(), 0, 'no day select for a plain visit')
    await choose(page, 'intake-channel', '接访日')
    await choose(page, 'intake-reception-day', `${dongshan.date} 东山县`)
    await choose(page, 'intake-category', '社保')
    await pickRegion(page, '东山县')
    await input(page, 'intake-title').fill(`接访日反映养老金发放问题（浏览器测试${tail}）`)
    await page.locator('[data-test="intake-content"] textarea, textarea[data-test="intake-content"]').first()
      .fill(`在接访日当面反映本村部分老人养老金迟发，请求核实发放。编号${tail}。`)
    await fillPetitioner(page, 0, { name: '测试丁', id: fakeId('35990119600303' + '789'), phone: `1395552${tail}` })
    await page.locator('[data-test="intake-submit"]').click()
    const dlg = page.locator('[data-test="intake-result"]').filter({ visible: true })
    await dlg.locator('[data-test="receipt-query-code"]').waitFor({ timeout: 20000 })
    await dlg.locator('[data-test="receipt-detail"]').click()
    await page.waitForURL(/\/cases\/\d+$/)
    const id = Number(new URL(page.url()).pathname.split('/').pop())
    await page.locator('[data-test="case-reception-day"]').waitFor()
    await page.waitForFunction((d) => document.querySelector('[data-test="case-reception-day"]')?.innerText.includes(d), dongshan.date)
    assert.match(await page.locator('[data-test="case-reception-day"]').innerText(), /东山县/)
    assert.match(await page.locator('[data-test="case-info"]').innerText(), /接访日/)
    // The day's summary counts the visitor, and its case list holds the case.
    const clerk = await apiAs('clerk_dongshan')
    const day = await clerk('GET', `/reception/days/${dongshan.day_id}`)
    assert.equal(day.status, 200)
    assert.ok(day.body.cases.some((c) => c.id === id), 'the case is listed on its reception day')
    assert.ok(day.body.summary.visitors >= 1)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the case pages fit 1024×768', async () => {
  assert.ok(state.id)
  const { context, page, problems } = await openPage(browser, { width: 1024, height: 768 })
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    for (const [p, name] of [['/', 'workbench'], ['/cases', 'list'], ['/cases/new', 'intake'], [`/cases/${state.id}`, 'detail']]) {
      await page.goto(`${server.url}${p}`)
      await settle(page)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 0, `${p} is ${overflow}px wider than the window`)
      await screenshot(page, `cases-${name}-1024x768`)
    }
    assertClean(problems)
  } finally {
    await context.close()
  }
})
