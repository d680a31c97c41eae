// The petition rules on the console pages (docs/CASES.md, DOMAIN.md §1), each through the UI
// against the real server, set-up through the API: the intake of a repeat of a matter in
// handling shows the 第十九条 notice with the original's progress and, registered, cannot be
// accepted; confirming a new matter stores 初信初访; a repeat of a matter closed by 复核 is
// accepted only with the new facts and reasons (第三十六条); 首办负责制 pre-fills the 交办; a
// 涉法涉诉 is forwarded to a 政法机关 chosen from the units; a 检举控告 is assigned only to a
// 纪检监察机关; 更正性质 through its dialog; the leader's 待督办 of a first petition (三个第一);
// the public look-up of an extension and of a 不再受理 decline at 375 px. axe-core finds no
// serious violation on these pages.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, settle, screenshot, input, assertAxe } from './helper.mjs'
import {
  world, person, chinaDay, choose, optionTexts, typeDate, fillIntake, submitIntake, openCase, actionCodes,
  openAction, submitAction, caseStatus
} from './casekit.mjs'

let server
let browser
let w

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  w = await world(server.url)
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

const STREETLIGHT = {
  category: '11', title: '小区路灯坏了好几个月没人修',
  content: '我们小区门口和主干道的路灯坏了好几个月，晚上一片漆黑，老人孩子出门不安全，物业说不归他们管。'
}
const PENSION = { category: '07', title: '养老金停发', content: '本人退休后养老金从上个月起停发，社保经办机构没有说明原因。' }
const state = {}

test('a repeat of a matter in handling: the intake shows the 第十九条 notice and the original\'s progress; registered, it cannot be accepted', async () => {
  const p = person('李重复')
  const orig = await w.create({ petitioners: [p], ...STREETLIGHT })
  const signed = await w.drive(orig.id, 'signed')
  state.petitioner = p
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 900 })
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await page.goto(`${server.url}/cases/new`)
    await settle(page)
    await fillIntake(page, {
      category: '城乡建设', title: '路灯还是不亮', content: '上次反映的小区路灯问题至今没有修好，晚上出门还是一片漆黑。',
      petitioner: { name: p.name, phone: p.phone, id_number: p.id_number }
    })
    const notice = page.locator('[data-test="match-art19"]')
    await notice.waitFor()
    const text = await notice.innerText()
    assert.match(text, /第十九条/)
    assert.match(text, /不作为新的信访事项受理/)
    assert.ok(text.includes(orig.case_no), `the original's number: ${text}`)
    assert.ok(text.includes('签收'), `the original's status: ${text}`)
    assert.ok(text.includes(signed.due_date), `the original's deadline ${signed.due_date}: ${text}`)
    // The same petitioner's same matter is listed apart, and registration would link it.
    const same = page.locator('[data-test="match-group-same"]')
    assert.match(await same.innerText(), new RegExp(orig.case_no))
    await page.locator('[data-test="match-repeat-tag"]').waitFor()
    assert.match(await page.locator('[data-test="match-auto-note"]').innerText(), new RegExp(orig.case_no))
    await settle(page)
    await screenshot(page, 'rules-intake-art19')
    await assertAxe(page, 'intake with a repeat of a matter in handling')

    // Registered as the repeat it is (the clerk answers the 重复信访 box).
    const reg = await submitIntake(page, { repeatChoice: '关联为重复件登记' })
    state.repeat = reg
    const banner = page.locator('[data-test="case-open-repeat"]')
    await banner.waitFor()
    const b = await banner.innerText()
    for (const s of [orig.case_no, '签收', '地区住房和城乡建设局', signed.due_date, '请告知信访人原事项的办理进度', '第十九条']) {
      assert.ok(b.includes(s), `the banner shows ${s}: ${b}`)
    }
    assert.equal(await page.locator('[data-test="repeat-of-link"]').getAttribute('href'), `/cases/${orig.id}`)
    const codes = await actionCodes(page)
    assert.ok(!codes.includes('accept') && !codes.includes('onspot'), `no 受理 for a repeat of a matter in handling: ${codes}`)
    assert.ok(codes.includes('decline'), `不予受理 offered: ${codes}`)
    await screenshot(page, 'rules-detail-open-repeat')
    await assertAxe(page, 'detail of a repeat of a matter in handling')

    // 不予受理 needs no reason: the notice says why, with the original's number.
    const dlg = await openAction(page, 'decline')
    assert.match(await dlg.locator('[data-test="act-rule-note"]').innerText(), /第十九条/)
    assert.equal(await dlg.locator('[data-test="act-reason"]').count(), 0)
    await assertAxe(page, 'the 不予受理 dialog', '[data-test="action-dialog"]')
    await submitAction(page, dlg, 'rules-decline-open-repeat')
    assert.equal(await caseStatus(page), '不予受理')
    await page.locator('[data-test="case-result"] .el-collapse-item__header', { hasText: '告知书' }).click()
    const n = page.locator('[data-test="case-notice"]')
    await n.waitFor()
    const noticeText = await n.innerText()
    assert.ok(noticeText.includes(orig.case_no) && noticeText.includes('第十九条'), noticeText)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('confirming a new matter registers it as 初信初访', async () => {
  assert.ok(state.petitioner, 'the first test made the petitioner')
  const p = state.petitioner
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await page.goto(`${server.url}/cases/new`)
    await settle(page)
    await fillIntake(page, {
      category: '城乡建设', title: '小区路灯不亮的问题', content: '小区路灯坏了很久，晚上出行很不方便，请求维修。',
      petitioner: { name: p.name, phone: p.phone, id_number: p.id_number }
    })
    await page.locator('[data-test="match-auto-note"]').waitFor()
    await page.locator('[data-test="match-new"]').click()
    await page.locator('[data-test="match-new-confirmed"]').waitFor()
    assert.equal(await page.locator('[data-test="match-auto-note"]').count(), 0, 'no automatic link after 确认为新事项')
    assert.equal(await page.locator('[data-test="match-art19"]').count(), 0)
    await screenshot(page, 'rules-intake-new-matter')
    // No 重复信访 box: the clerk has decided.
    const reg = await submitIntake(page)
    await page.locator('[data-test="case-head"] [data-test="flag-first"]').waitFor()
    assert.equal(await page.locator('[data-test="case-head"] [data-test="flag-duplicate"]').count(), 0)
    assert.equal(await page.locator('[data-test="case-open-repeat"]').count(), 0)
    const det = await w.clerk('GET', `/cases/${reg.id}`)
    assert.equal(det.body.first_time, true, 'first_time stored')
    assert.equal(det.body.duplicate_of, null)
    assert.match(await page.locator('[data-test="case-timeline"]').innerText(), /确认为新事项\s*是/)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('a repeat of a matter closed by 复核 is accepted only with the new facts and reasons (第三十六条)', async () => {
  const p = person('王复核')
  const orig = await w.create({ kind: 'appeal', petitioners: [p], ...PENSION })
  await w.drive(orig.id, 'closed', 'appeal')
  let det = await w.act(w.clerk, orig.id, 'review_request', { reason: '对答复不服' })
  const rev = det.links.find((l) => l.kind === 'review').case_id
  await w.drive(rev, 'closed', 'appeal')
  det = await w.act(w.clerk, rev, 'recheck_request', { reason: '对复查意见不服' })
  const rechk = det.links.find((l) => l.kind === 'review' && l.case_id !== orig.id).case_id
  await w.drive(rechk, 'closed', 'appeal')
  const again = await w.create({
    kind: 'appeal', petitioners: [p], category: '07', title: '养老金还是没有恢复',
    content: '退休养老金停发的问题，我还是不服，要求恢复发放。'
  })
  assert.equal(again.matter_final, true, 'the server flags the final matter')
  state.final = { id: again.id, code: again.query_code, phone: p.phone }

  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await openCase(page, server.url, again.id)
    const banner = page.locator('[data-test="case-matter-final"]')
    await banner.waitFor()
    assert.match(await banner.innerText(), /复核终结[\s\S]*不再受理[\s\S]*第三十六条/)
    // 受理 asks for the new facts and reasons; submitting without them is refused on the page.
    const dlg = await openAction(page, 'accept')
    assert.match(await dlg.locator('.el-form-item', { has: page.locator('[data-test="act-reason"]') }).innerText(), /新的事实和理由/)
    assert.match(await dlg.locator('[data-test="act-rule-note"]').innerText(), /复核终结/)
    await dlg.locator('[data-test="act-submit"]').click()
    await dlg.locator('.el-form-item__error', { hasText: '请填写新的事实和理由' }).waitFor()
    await screenshot(page, 'rules-accept-final')
    await assertAxe(page, 'the 受理 dialog of a final matter', '[data-test="action-dialog"]')
    await dlg.getByRole('button', { name: '取消' }).click()
    await dlg.waitFor({ state: 'hidden' })
    // Declined without a reason: the notice says 不再受理.
    const dec = await openAction(page, 'decline')
    assert.equal(await dec.locator('[data-test="act-reason"]').count(), 0)
    await submitAction(page, dec)
    assert.equal(await caseStatus(page), '不予受理')
    const after1 = await w.clerk('GET', `/cases/${again.id}`)
    assert.match(after1.body.notice_text, /不再受理/)
    await assertAxe(page, 'detail of a declined final matter')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('首办负责制: the 交办 of a repeat of an ended case defaults to the first handling unit and handler', async () => {
  const p = person('赵首办')
  const orig = await w.create({ petitioners: [p], ...STREETLIGHT })
  await w.drive(orig.id, 'closed')
  const again = await w.create({ petitioners: [p], category: '11', title: '路灯又坏了', content: '小区路灯修好后又坏了，晚上还是一片漆黑。' })
  assert.equal(again.duplicate_of, orig.id)
  assert.ok(again.routing_hint, 'the server gives the routing hint')
  await w.act(w.clerk, again.id, 'accept')
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await openCase(page, server.url, again.id)
    assert.match(await page.locator('[data-test="case-routing-hint"]').innerText(), new RegExp(`首办负责制[\\s\\S]*${orig.case_no}[\\s\\S]*地区住房和城乡建设局`))
    const dlg = await openAction(page, 'assign')
    await dlg.locator('[data-test="act-routing-hint"]').waitFor()
    assert.match(await dlg.locator('.el-form-item', { hasText: '承办单位' }).first().innerText(), /地区住房和城乡建设局/)
    assert.match(await dlg.locator('.el-form-item', { hasText: '承办人' }).last().innerText(), /地区住建局承办人/)
    await typeDate(page, dlg.locator('.el-form-item', { hasText: '办理期限' }).locator('input').first(), chinaDay(20))
    await submitAction(page, dlg, 'rules-assign-routing-hint')
    assert.equal(await caseStatus(page), '交办')
    assert.match(await page.locator('[data-test="case-head"]').innerText(), /地区住房和城乡建设局/)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('a 涉法涉诉 is forwarded to a 政法机关 chosen from the units', async () => {
  const c = await w.create({ kind: 'legal', title: '对法院判决不服', content: '对县法院的民事判决不服，要求重新审理。' })
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await openCase(page, server.url, c.id)
    const dlg = await openAction(page, 'forward')
    assert.equal(await dlg.locator('[data-test="act-forward-to"]').count(), 0, 'no free text for a 涉法涉诉')
    assert.match(await dlg.locator('[data-test="act-forward-hint"]').innerText(), /政法机关/)
    const organs = await optionTexts(page, 'act-forward-unit', dlg)
    assert.ok(organs.some((t) => t.startsWith('东山县人民法院')), `政法机关 offered: ${organs}`)
    assert.ok(!organs.some((t) => /住房|纪委/.test(t)), `only 政法机关: ${organs}`)
    await choose(page, 'act-forward-unit', '东山县人民法院', dlg)
    await assertAxe(page, 'the 转送 dialog', '[data-test="action-dialog"]')
    await submitAction(page, dlg, 'rules-forward-legal')
    assert.equal(await caseStatus(page), '转送')
    assert.equal((await page.locator('[data-test="case-forward-to"]').innerText()).trim(), '东山县人民法院')
    const det = await w.clerk('GET', `/cases/${c.id}`)
    assert.equal(det.body.forward_unit_name, '东山县人民法院')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('a 检举控告 is assigned only to a 纪检监察机关', async () => {
  await w.disciplineHandler()
  const c = await w.create({ kind: 'report', title: '检举某局干部收受好处', content: '检举地区某局干部在项目审批中收受好处费。' })
  await w.act(w.clerk, c.id, 'accept')
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await openCase(page, server.url, c.id)
    const dlg = await openAction(page, 'assign')
    assert.match(await dlg.locator('[data-test="act-unit-hint"]').innerText(), /纪检监察机关/)
    const units = await optionTexts(page, 'act-unit', dlg)
    assert.deepEqual(units, ['宁川地区纪委监委'], 'only the 纪检监察 unit with a handler')
    await choose(page, 'act-unit', '宁川地区纪委监委', dlg)
    await choose(page, 'act-handler', '纪委监委承办人', dlg)
    await typeDate(page, dlg.locator('.el-form-item', { hasText: '办理期限' }).locator('input').first(), chinaDay(20))
    await submitAction(page, dlg)
    assert.equal(await caseStatus(page), '交办')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('更正性质 through its dialog: the new kind and the reason, both kinds on the timeline', async () => {
  const c = await w.create({ kind: 'suggestion', title: '要求补发拖欠工资', content: '公司拖欠三个月工资，要求补发。' })
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'clerk_dongshan')
    await openCase(page, server.url, c.id)
    const dlg = await openAction(page, 'reclassify')
    const kinds = await optionTexts(page, 'act-kind', dlg)
    assert.deepEqual(kinds.sort(), ['检举控告', '涉法涉诉', '申诉求决'].sort(), 'the other kinds')
    await dlg.locator('[data-test="act-submit"]').click()
    await dlg.locator('.el-form-item__error', { hasText: '请选择更正后的性质' }).waitFor()
    await choose(page, 'act-kind', '申诉求决', dlg)
    await dlg.locator('[data-test="act-reason"] textarea, textarea[data-test="act-reason"]').first().fill('经核实，信访人要求补发工资，属于申诉求决')
    await assertAxe(page, 'the 更正性质 dialog', '[data-test="action-dialog"]')
    await submitAction(page, dlg, 'rules-reclassify-dialog')
    assert.match(await page.locator('[data-test="case-info"]').innerText(), /信访性质\s*申诉求决/)
    const ev = page.locator('[data-test="timeline-item"]').filter({ has: page.locator('[data-test="timeline-label"]', { hasText: /^更正性质$/ }) })
    const t = await ev.innerText()
    assert.match(t, /原性质\s*建议意见/)
    assert.match(t, /更正为\s*申诉求决/)
    assert.match(t, /更正理由\s*经核实/)
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the leader\'s 我的待办 holds 待督办 for a first petition (三个第一)', async () => {
  const c = await w.create({ title: '村口桥梁护栏损坏', content: '村口桥梁护栏损坏多日，存在安全隐患，请求修复。' })
  assert.equal(c.first_time, true)
  await w.drive(c.id, 'assigned')
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, 'leader')
    const wb = page.locator('[data-test="workbench"]')
    await wb.waitFor()
    await settle(page)
    const counter = wb.locator('[data-test="todo-count-supervise"]')
    assert.match(await counter.innerText(), /待督办/)
    assert.ok(Number(await counter.locator('.num').innerText()) >= 1)
    const row = wb.locator('[data-test="todo-table"] .el-table__body tr', { hasText: c.case_no })
    await row.waitFor()
    const text = await row.innerText()
    assert.match(text, /待督办/)
    assert.match(text, /初信初访督办时限/)
    await row.locator('[data-test="flag-first"]').waitFor()
    assert.match(await row.locator('[data-test="todo-first-hint"]').innerText(), /三个第一/)
    assert.match(await row.getAttribute('class'), /row-first/)
    await counter.click()
    await settle(page)
    const tasks = await wb.locator('[data-test="todo-table"] .el-table__body tr td:first-child').allInnerTexts()
    assert.ok(tasks.length >= 1 && tasks.every((t) => t.trim() === '待督办'), `only 待督办: ${tasks}`)
    await screenshot(page, 'rules-workbench-supervise')
    await assertAxe(page, 'the leader\'s 工作台')

    await row.locator('[data-test="todo-case"]').click()
    await page.waitForURL(`${server.url}/cases/${c.id}`)
    await page.locator('[data-test="case-head"]').waitFor()
    await settle(page)
    const dlg = await openAction(page, 'supervise')
    await dlg.locator('[data-test="act-reason"] textarea, textarea[data-test="act-reason"]').first().fill('初信初访，请第一时间办理')
    await submitAction(page, dlg)
    const det = await w.leader('GET', `/cases/${c.id}`)
    assert.equal(det.body.deadlines.find((d) => d.step === 'first_supervise').done, true, '督办 meets 初信初访督办时限')
    await page.goto(`${server.url}/`)
    await wb.waitFor()
    await settle(page)
    assert.equal(await wb.locator('[data-test="todo-table"] .el-table__body tr', { hasText: c.case_no }).count(), 0, 'the task is done')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

// The citizen's look-up on a phone: an approved extension (延期办理 with the reason and the new
// time limit) and a 不再受理 decline read well at 375 px; a repeat declined under 第十九条 shows
// the original's progress (合并办理).
test('the public look-up shows 延期办理 and the 不再受理 notice at 375 px', async () => {
  const p = person('钱延期')
  const c = await w.create({ petitioners: [p], title: '排水管道堵塞', content: '小区排水管道堵塞，雨天积水严重，请求疏通。' })
  await w.drive(c.id, 'signed')
  await w.act(w.handler, c.id, 'extend_request', { reason: '需要协调市政部门联合施工', extend_days: 10 })
  const ext = await w.act(w.leader, c.id, 'extend_approve')
  assert.equal(ext.ext, 'approved')

  const { context, page, problems } = await openPage(browser, { width: 375, height: 740 })
  const look = async (code, phone) => {
    await page.goto(`${server.url}/public/#/lookup?code=${code}`)
    await page.locator('[data-test="lookup-page"]').waitFor()
    await page.locator('[data-test="lookup-last4"] input, input[data-test="lookup-last4"]').first().fill(phone.slice(-4))
    await page.locator('[data-test="lookup-submit"]').click()
    await page.locator('[data-test="lookup-result"]').waitFor()
    await settle(page)
  }
  const noScroll = async (where) => {
    const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }))
    assert.ok(sw <= cw, `${where}: ${sw}px wide in ${cw}px`)
  }
  try {
    await look(c.query_code, p.phone)
    const e = page.locator('[data-test="lookup-event-extend_approve"]')
    await e.waitFor()
    const t = await e.innerText()
    assert.match(t, /延期办理/)
    assert.ok(t.includes('需要协调市政部门联合施工'), t)
    assert.ok(t.includes(ext.due_date.slice(0, 4)), `the new time limit: ${t}`)
    await noScroll('extension')
    await e.scrollIntoViewIfNeeded()
    await screenshot(page, 'rules-public-extension-375')
    await assertAxe(page, 'the look-up of an extended case')

    assert.ok(state.final, 'the 第三十六条 test ran')
    await look(state.final.code, state.final.phone)
    const d = page.locator('[data-test="lookup-event-decline"]')
    await d.waitFor()
    assert.match(await d.innerText(), /不再受理/)
    assert.equal((await page.locator('[data-test="lookup-status"]').innerText()).trim(), '不予受理')
    const box = await d.locator('.tl-box').boundingBox()
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375, 'the notice fits the screen')
    await noScroll('不再受理')
    await d.scrollIntoViewIfNeeded()
    await screenshot(page, 'rules-public-final-decline-375')
    await assertAxe(page, 'the look-up of a 不再受理 decline')

    assert.ok(state.repeat, 'the 第十九条 test ran')
    await look(state.repeat.queryCode, state.petitioner.phone)
    await page.locator('[data-test="lookup-merged"]').waitFor()
    await noScroll('合并办理')
    await screenshot(page, 'rules-public-merged-375')
    assertClean(problems)
  } finally {
    await context.close()
  }
})
