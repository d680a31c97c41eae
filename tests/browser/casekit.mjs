// Set-up of petition cases through the API for the browser tests (what tests/api/casehelp.py does
// for the API tier): the demo accounts as API clients, fake but valid petitioners, intake and the
// workflow steps each by the role that takes it, with the case's version on every action.
import assert from 'node:assert/strict'
import { apiClient } from './helper.mjs'

// GB 11643 check character.
export function fakeId(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(body17[i]) * w[i]
  return body17 + '10X98765432'[s % 11]
}

let seq = Math.floor(Math.random() * 5000)
export function person(name = '测试群众') {
  const n = ++seq
  const body = `359901${1960 + (n % 40)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`
  return { name, phone: `1397${String(Date.now() % 1000).padStart(3, '0')}${String(n % 10000).padStart(4, '0')}`, id_number: fakeId(body) }
}

// Today in China time (the deployment zone), as the server counts days.
export function chinaDay(offsetDays = 0) {
  return new Date(Date.now() + 8 * 3600000 + offsetDays * 86400000).toISOString().slice(0, 10)
}

export async function world(base) {
  const w = {
    clerk: await apiClient(base, 'clerk_dongshan'),
    handler: await apiClient(base, 'handler'),
    leader: await apiClient(base, 'leader'),
    admin: await apiClient(base, 'sysadmin')
  }
  const users = await w.admin('GET', '/users?page_size=200')
  assert.equal(users.status, 200)
  w.uid = Object.fromEntries(users.body.items.map((u) => [u.username, u.id]))
  const handlers = await w.clerk('GET', '/cases/handlers')
  w.zjj = handlers.body.items.find((u) => u.unit_name === '地区住房和城乡建设局').unit_id
  const counties = await w.admin('GET', '/regions?level=2&page_size=200')
  w.dongshan = counties.body.items.find((r) => r.name === '东山县').id
  const towns = await w.admin('GET', `/regions?parent_id=${w.dongshan}&page_size=200`)
  w.town = towns.body.items[0].id

  // An account with the 承办人 role in 宁川地区纪委监委, so that organ can take a 交办 (it then shows
  // in GET /cases/handlers); created by the system administrator, the role granted by the
  // security administrator.
  w.disciplineHandler = async () => {
    const units = await w.admin('GET', `/units?org_type=discipline&page_size=200`)
    const unit = units.body.items.find((u) => u.name === '宁川地区纪委监委')
    const r = await w.admin('POST', '/users', { username: `jw_handler_${seq}`, display_name: '纪委监委承办人', unit_id: unit.id, password: 'Init#2026abc' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    const sec = await apiClient(base, 'secadmin')
    const roles = await sec('GET', '/roles?page_size=100')
    const handlerRole = roles.body.items.find((x) => x.code === 'handler').id
    const g = await sec('PUT', `/users/${r.body.id}/roles`, { role_ids: [handlerRole], version: r.body.version })
    assert.equal(g.status, 200, JSON.stringify(g.body))
    return { unit, userId: r.body.id }
  }

  let n = 0
  w.create = async (over = {}) => {
    n++
    const body = {
      channel: 'visit', kind: 'suggestion', category: '05', region_id: w.town,
      title: `测试信访事项${n}`, content: `群众反映小区道路破损需要修缮（测试${n}）。`,
      petitioners: [{ ...person('张测试'), address: '东山县城关镇测试路1号', is_representative: false }],
      ...over
    }
    const r = await w.clerk('POST', '/cases', body)
    assert.equal(r.status, 201, JSON.stringify(r.body))
    return r.body
  }
  // One workflow action with the current version; returns the detail.
  w.act = async (client, id, action, body = {}, expect = 200) => {
    const cur = await client('GET', `/cases/${id}`)
    const r = await client('POST', `/cases/${id}/actions/${action}`, { version: cur.body.version, ...body })
    assert.equal(r.status, expect, `${action} #${id}: ${JSON.stringify(r.body)}`)
    return r.body
  }
  const LINE = [
    ['accepted', 'clerk', 'accept'], ['assigned', 'clerk', 'assign'], ['signed', 'handler', 'sign'],
    ['replied', 'handler', 'reply'], ['called_back', 'clerk', 'callback'], ['closed', 'clerk', 'close']
  ]
  const stepBody = (action, kind) => {
    if (action === 'assign') return { unit_id: w.zjj, handler_id: w.uid.handler, deadline: chinaDay(30) }
    if (action === 'reply') return { reply_text: '经核实，已安排处理。', ...(kind === 'appeal' ? { outcome: 'support' } : {}) }
    if (action === 'callback') return { resolved: true, satisfaction: 'satisfied', callback_how: '电话回访' }
    return {}
  }
  // Moves a registered case along the main line to `target` (a status).
  w.drive = async (id, target, kind = 'suggestion') => {
    let det = null
    for (const [status, who, action] of LINE) {
      det = await w.act(w[who], id, action, stepBody(action, kind))
      assert.equal(det.status, status)
      if (status === target) return det
    }
    throw new Error(`no status ${target}`)
  }
  return w
}

// ---- page helpers for the case pages ----
import { noPopper, input, settle, screenshot } from './helper.mjs'

async function popperGone(page, sel) {
  await page.waitForFunction((s) => ![...document.querySelectorAll(s)]
    .some((el) => el.offsetParent !== null && getComputedStyle(el).display !== 'none'), sel, { timeout: 3000 }).catch(() => {})
}

// Opens the select with data-test `testId` (inside `scope`, default the page) and clicks the option `text`.
export async function choose(page, testId, text, scope = page) {
  await noPopper(page)
  await scope.locator(`[data-test="${testId}"]`).locator('xpath=ancestor-or-self::*[contains(@class,"el-select")][1]')
    .locator('.el-select__wrapper').first().click()
  const popper = page.locator('.el-select__popper:visible').last()
  await popper.locator('.el-select-dropdown__item').filter({ hasText: text }).first().click()
  try { await popper.waitFor({ state: 'hidden', timeout: 1500 }) } catch (_) { await page.keyboard.press('Escape') }
  await noPopper(page)
}

// The option texts of the select with data-test `testId` (opened and closed again).
export async function optionTexts(page, testId, scope = page) {
  await noPopper(page)
  await scope.locator(`[data-test="${testId}"]`).locator('xpath=ancestor-or-self::*[contains(@class,"el-select")][1]')
    .locator('.el-select__wrapper').first().click()
  const popper = page.locator('.el-select__popper:visible').last()
  await popper.waitFor()
  await page.waitForTimeout(200)
  const texts = (await popper.locator('.el-select-dropdown__item').allInnerTexts()).map((t) => t.trim())
  await page.keyboard.press('Escape')
  await noPopper(page)
  return texts
}

export async function typeDate(page, locator, value) {
  await locator.click()
  await locator.fill(value)
  await locator.press('Enter')
  await popperGone(page, '.el-picker__popper')
}

// County → first town of the intake form's region cascader.
export async function pickRegion(page, county) {
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

export async function fillPetitioner(page, i, p) {
  const row = page.locator('[data-test="pet-row"]').nth(i)
  const box = (t) => row.locator(`[data-test="${t}"] input, input[data-test="${t}"]`).first()
  await box('pet-name').fill(p.name)
  if (p.id_number) await box('pet-id').fill(p.id_number)
  if (p.phone) await box('pet-phone').fill(p.phone)
  await box('pet-address').focus()
  return row
}

// Fills the intake form: category label, county, title, content, one petitioner.
export async function fillIntake(page, { category, county = '东山县', title, content, petitioner }) {
  await choose(page, 'intake-category', category)
  await pickRegion(page, county)
  await input(page, 'intake-title').fill(title)
  await page.locator('[data-test="intake-content"] textarea, textarea[data-test="intake-content"]').first().fill(content)
  await fillPetitioner(page, 0, petitioner)
}

// Submits the intake form (answering the 重复信访 box with `repeatChoice` when it asks) and goes
// to the new case's detail; returns {id, caseNo, queryCode}.
export async function submitIntake(page, { repeatChoice } = {}) {
  await page.locator('[data-test="intake-submit"]').click()
  const dlg = page.locator('[data-test="intake-result"]').filter({ visible: true })
  if (repeatChoice) {
    const box = page.locator('.el-message-box')
    await box.waitFor()
    await box.getByRole('button', { name: repeatChoice }).click()
  }
  await dlg.locator('[data-test="receipt-query-code"]').waitFor({ timeout: 20000 })
  const caseNo = (await dlg.locator('[data-test="receipt-case-no"]').innerText()).trim()
  const queryCode = (await dlg.locator('[data-test="receipt-query-code"]').innerText()).trim()
  await dlg.locator('[data-test="receipt-detail"]').click()
  await page.waitForURL(/\/cases\/\d+$/)
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  await page.locator('[data-test="case-head"]').waitFor()
  await settle(page)
  return { id, caseNo, queryCode }
}

export async function openCase(page, base, id) {
  await page.goto(`${base}/cases/${id}`)
  await page.locator('[data-test="case-head"]').waitFor()
  await settle(page)
}

export async function actionCodes(page) {
  return page.locator('[data-test="case-actions"] button[data-test^="act-"]').evaluateAll(
    (els) => els.map((e) => e.getAttribute('data-test').slice(4)))
}

// Opens the dialog of an action; returns its locator.
export async function openAction(page, code) {
  await page.locator(`[data-test="act-${code}"]`).click()
  const dlg = page.locator('[data-test="action-dialog"]').filter({ visible: true }).last()
  await dlg.waitFor()
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: 3000 }).catch(() => {})
  return dlg
}

// Submits an open action dialog and waits for the success message and the dialog to close.
export async function submitAction(page, dlg, shot) {
  if (shot) await screenshot(page, shot)
  await dlg.locator('[data-test="act-submit"]').click()
  await page.locator('.el-message--success').last().waitFor()
  await dlg.waitFor({ state: 'hidden' })
  await settle(page)
}

export async function caseStatus(page) {
  return (await page.locator('[data-test="case-status"]').innerText()).trim()
}
