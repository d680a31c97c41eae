// The citizens' page at /public/ on a 375 × 740 phone screen: submit a petition → receipt with
// the query code and a QR code → look up the progress → (the console moves the case to 答复
// through the API) → rate once → the rating shows. Also the 接访日安排 page. No console
// errors, no request leaves the machine, no horizontal scrolling.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, settle, screenshot, DEMO_PASSWORD } from './helper.mjs'

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

// A console session through the API (cookie + CSRF header), as the console itself uses it.
async function apiSession(username) {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD })
  })
  assert.equal(res.status, 200, `login ${username}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf, user } = await res.json()
  async function call(method, path, body) {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await r.text()
    assert.ok(r.ok, `${method} ${path} as ${username}: ${r.status} ${text}`)
    return text ? JSON.parse(text) : null
  }
  return { user, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) }
}

// clerk_dongshan accepts and assigns to 地区住建局 / handler; handler signs and replies.
async function moveToReplied(caseNo) {
  const clerk = await apiSession('clerk_dongshan')
  const handler = await apiSession('handler')
  const list = await clerk.get(`/api/v1/cases?keyword=${encodeURIComponent(caseNo)}`)
  const item = list.items.find((c) => c.case_no === caseNo)
  assert.ok(item, `case ${caseNo} visible to clerk_dongshan`)
  const units = await clerk.get(`/api/v1/units?keyword=${encodeURIComponent('地区住房和城乡建设局')}&page_size=50`)
  const unit = units.items.find((u) => u.name === '地区住房和城乡建设局')
  assert.ok(unit, '地区住房和城乡建设局 in /api/v1/units')
  let d = await clerk.post(`/api/v1/cases/${item.id}/actions/accept`, { version: item.version })
  const due = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10)
  d = await clerk.post(`/api/v1/cases/${item.id}/actions/assign`, {
    version: d.version, unit_id: unit.id, handler_id: handler.user.id, deadline: due, note: '请尽快核实（内部备注）'
  })
  d = await handler.post(`/api/v1/cases/${item.id}/actions/sign`, { version: d.version })
  d = await handler.post(`/api/v1/cases/${item.id}/actions/reply`, {
    version: d.version, reply_text: '经现场核实，楼道照明已于本周修复，并已安排物业定期巡查。'
  })
  assert.equal(d.status, 'replied')
}

// The input (or textarea) of an Element Plus input carrying data-test.
function field(page, testId) {
  return page.locator(`input[data-test="${testId}"], textarea[data-test="${testId}"], [data-test="${testId}"] input, [data-test="${testId}"] textarea`).first()
}

async function noHorizontalScroll(page, where) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }))
  assert.ok(sw <= cw, `${where}: page is ${sw}px wide in a ${cw}px window (horizontal scroll)`)
}

test('a citizen submits, looks up and rates at 375 px', async () => {
  const { context, page, problems } = await openPage(browser, { width: 375, height: 740 })
  try {
    await page.goto(`${server.url}/public/`)
    const form = page.locator('[data-test="submit-page"]')
    await form.waitFor()
    await settle(page)
    await noHorizontalScroll(page, 'submit page')
    await screenshot(page, 'public-home')

    // The client-side checks stop an empty form before anything is sent.
    await page.locator('[data-test="submit"]').click()
    await page.locator('[data-test="submit-error"]').waitFor()
    await form.locator('.el-form-item__error').nth(5).waitFor()
    const marked = await form.locator('.el-form-item__error').allInnerTexts()
    for (const m of ['请选择事项所在的县（市、区）', '请选择事项分类', '请填写标题', '请填写姓名', '请填写联系电话']) {
      assert.ok(marked.includes(m), `"${m}" shown: ${marked}`)
    }

    // the lists are labelled for assistive technology
    assert.match(await page.locator('label[for="pub-county"]').innerText(), /事项所在县/)
    assert.equal(await page.locator('select#pub-county').getAttribute('data-test'), 'county')
    await page.locator('[data-test="county"]').selectOption({ label: '东山县' })
    await page.locator('[data-test="town"] option', { hasText: '城关镇' }).waitFor({ state: 'attached' })
    await page.locator('[data-test="town"]').selectOption({ label: '城关镇' })
    await page.locator('[data-test="village"] option', { hasText: '上洋村' }).waitFor({ state: 'attached' })
    await page.locator('[data-test="village"]').selectOption({ label: '上洋村' })
    await page.locator('[data-test="category"]').selectOption({ label: '住房' })
    await form.locator('.el-radio', { hasText: '申诉求决' }).click()
    await form.locator('.el-radio', { hasText: '建议意见' }).click()
    await field(page, 'title').fill('三号楼楼道灯长期不亮')
    await field(page, 'content').fill('城关镇上洋村三号楼楼道灯坏了两个多月，老人晚上上下楼很危险，希望尽快修复。')
    await field(page, 'name').fill('测试群众')
    // A wrong phone is caught on the page.
    await field(page, 'phone').fill('12345')
    await field(page, 'phone').blur()
    await form.locator('.el-form-item__error', { hasText: '联系电话格式不正确' }).waitFor()
    await field(page, 'phone').fill('138 0000 1234')
    await field(page, 'phone').blur()
    // The honeypot is in the page but not visible to a person.
    const hp = page.locator('input[name="website"]')
    assert.equal(await hp.count(), 1)
    const hb = await hp.boundingBox()
    assert.ok(!hb || hb.x + hb.width <= 0, `honeypot out of sight: ${JSON.stringify(hb)}`)
    assert.equal(await hp.getAttribute('tabindex'), '-1')
    await screenshot(page, 'public-submit')

    await page.locator('[data-test="submit"]').click()
    const receipt = page.locator('[data-test="receipt-page"]')
    await receipt.waitFor()
    const code = (await page.locator('[data-test="receipt-code"]').innerText()).trim()
    assert.match(code, /^[2-9A-HJKMNP-Z]{4} [2-9A-HJKMNP-Z]{4} [2-9A-HJKMNP-Z]{3}$/, `query code shown spaced: ${code}`)
    const caseNo = (await page.locator('[data-test="receipt-case-no"]').innerText()).trim()
    assert.match(caseNo, /^XF-\d{4}-\d+$/)
    assert.match(await receipt.innerText(), /请妥善保存查询码/)
    const qr = page.locator('[data-test="receipt-qr"]')
    await qr.waitFor()
    const qrSize = await qr.evaluate((img) => img.complete && img.naturalWidth)
    assert.ok(qrSize > 0, 'QR code image rendered')
    const box = await qr.boundingBox()
    assert.ok(box.width >= 150 && box.x >= 0 && box.x + box.width <= 375, 'QR code fully on screen')
    assert.match(await receipt.innerText(), new RegExp(`/public/#/lookup\\?code=${code.replace(/ /g, '-')}`))
    await noHorizontalScroll(page, 'receipt')
    await screenshot(page, 'public-receipt')
    // The print stylesheet keeps the receipt and drops the navigation and buttons.
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.pub-nav').isVisible(), false, 'navigation hidden in print')
    assert.equal(await page.locator('[data-test="receipt-print"]').isVisible(), false, 'buttons hidden in print')
    assert.ok(await page.locator('[data-test="receipt-code"]').isVisible(), 'code printed')
    assert.ok(await qr.isVisible(), 'QR code printed')
    await screenshot(page, 'public-receipt-print')
    await page.emulateMedia({ media: 'screen' })

    // 查询进度: the code is carried over; the last four digits are asked for.
    await page.locator('[data-test="receipt-lookup"]').click()
    await page.locator('[data-test="lookup-page"]').waitFor()
    assert.equal(await field(page, 'lookup-code').inputValue(), code.replace(/ /g, '-'))
    await field(page, 'lookup-last4').fill('9999')
    await page.locator('[data-test="lookup-submit"]').click()
    await page.locator('[data-test="lookup-error"]', { hasText: '查询码或手机号后四位不正确' }).waitFor()
    await field(page, 'lookup-last4').fill('1234')
    await page.locator('[data-test="lookup-submit"]').click()
    const result = page.locator('[data-test="lookup-result"]')
    await result.waitFor()
    assert.equal((await page.locator('[data-test="lookup-status"]').innerText()).trim(), '登记')
    assert.match(await page.locator('[data-test="lookup-timeline"]').innerText(), /登记/)
    assert.match(await page.locator('[data-test="lookup-rating"]').innerText(), /收到答复后/)
    await noHorizontalScroll(page, 'lookup')
    await screenshot(page, 'public-lookup-registered')

    // The console handles the case up to 答复.
    await moveToReplied(caseNo)

    await page.locator('[data-test="lookup-submit"]').click()
    await page.locator('[data-test="lookup-reply"]').waitFor()
    assert.equal((await page.locator('[data-test="lookup-status"]').innerText()).trim(), '答复')
    assert.match(await page.locator('[data-test="lookup-reply"]').innerText(), /楼道照明已于本周修复/)
    const timeline = await page.locator('[data-test="lookup-timeline"]').innerText()
    for (const step of ['登记', '受理', '交办', '答复']) assert.match(timeline, new RegExp(step))
    assert.match(timeline, /已转交承办单位办理/)
    const all = await page.locator('main').innerText()
    for (const secret of ['内部备注', '地区住房和城乡建设局', '承办人', 'handler']) {
      assert.ok(!all.includes(secret), `public page shows "${secret}"`)
    }
    await page.locator('[data-test="lookup-result"]').scrollIntoViewIfNeeded()
    await screenshot(page, 'public-lookup-replied')
    const rating = page.locator('[data-test="lookup-rating"]')
    await rating.locator('.el-radio', { hasText: '基本满意' }).click()
    await page.locator('[data-test="rating-submit"]').click()
    await page.locator('[data-test="rating-done"]').waitFor()
    assert.match(await page.locator('[data-test="rating-done"]').innerText(), /您的评价：基本满意/)
    assert.equal(await page.locator('[data-test="rating-submit"]').count(), 0, 'no second rating')
    await noHorizontalScroll(page, 'lookup after rating')
    await page.locator('[data-test="lookup-rating"]').scrollIntoViewIfNeeded()
    await screenshot(page, 'public-rated')

    // A fresh look-up still shows the one rating.
    await page.locator('[data-test="lookup-submit"]').click()
    await page.locator('[data-test="rating-done"]').waitFor()
    // The one expected error: the wrong digits tried above answer 404.
    assertClean(problems, [/status of 404 .*\/api\/v1\/public\/lookup\]/])
  } finally {
    await context.close()
  }
})

// The planner publishes one reception day in 东山县 (next month) with an accompanying unit.
async function publishDongshanDay() {
  const planner = await apiSession('planner')
  const leaders = (await planner.get('/api/v1/cadres?is_leader=true&page_size=200')).items
  const counties = (await planner.get('/api/v1/regions?level=2&page_size=200')).items
  const dongshan = counties.find((c) => c.name === '东山县')
  const units = (await (await apiSession('sysadmin')).get(`/api/v1/units?keyword=${encodeURIComponent('地区住房和城乡建设局')}`)).items
  const day = (n) => new Date(Date.now() + n * 86400000 + 8 * 3600000).toISOString().slice(0, 10)
  const input = {
    period_start: day(1), period_end: day(30), visits_per_county: 1, county_ids: [dongshan.id],
    leaders: [{ cadre_id: leaders[0].id, unit_ids: [units[0].id] }]
  }
  const plan = (await planner.post('/api/v1/reception/plans/propose', input)).plan
  assert.ok(plan.length >= 1, 'a proposed visit')
  const visits = plan.map((v) => ({
    date: v.date, county_id: v.county_id, leader_id: v.leader_id, unit_ids: v.unit_ids || [],
    place: '东山县人民来访接待中心（城关镇人民路88号）', start_time: '09:00', end_time: '12:00'
  }))
  const saved = await planner.post('/api/v1/reception/plans', {
    name: '东山县接访日（浏览器测试）', period_start: input.period_start, period_end: input.period_end, input, visits
  })
  await planner.post(`/api/v1/reception/plans/${saved.id}/publish`, {})
  return { dongshan, leader: leaders[0], date: visits[0].date }
}

test('the reception-day page lists a county and links its calendar feed', async (t) => {
  // The schedule endpoint belongs to the reception-day module (src/api/reception.c).
  const probe = await fetch(`${server.url}/api/v1/public/reception-days?county_id=1`)
  if (probe.status === 404 && (await probe.json()).error.message === '接口不存在') {
    t.skip('GET /api/v1/public/reception-days is not in this build yet')
    return
  }
  const published = await publishDongshanDay()
  const { context, page, problems } = await openPage(browser, { width: 375, height: 740 })
  try {
    await page.goto(`${server.url}/public/#/reception`)
    await page.locator('[data-test="reception-page"]').waitFor()
    await page.locator('[data-test="reception-county"] option', { hasText: '东山县' }).waitFor({ state: 'attached' })
    await page.locator('[data-test="reception-county"]').selectOption({ label: '西洋县' })
    await page.locator('[data-test="reception-empty"]').waitFor()
    await page.locator('[data-test="reception-county"]').selectOption({ label: '东山县' })
    const days = page.locator('[data-test="reception-days"]')
    await days.locator('[data-test="reception-day"]').first().waitFor()
    const text = await days.innerText()
    assert.match(text, new RegExp(published.date))
    assert.match(text, /09:00–12:00/)
    assert.match(text, /东山县人民来访接待中心/)
    assert.ok(text.includes(published.leader.name), `leader ${published.leader.name} shown`)
    assert.match(text, /地区住房和城乡建设局/)
    const ical = await page.locator('[data-test="reception-ical"]').getAttribute('href')
    assert.equal(ical, `/api/v1/public/ical/county/${published.dongshan.id}`)
    const feed = await fetch(`${server.url}${ical}`)
    assert.equal(feed.status, 200)
    assert.match(feed.headers.get('content-type'), /text\/calendar/)
    await settle(page)
    await noHorizontalScroll(page, 'reception days')
    await screenshot(page, 'public-reception')
    assertClean(problems)
  } finally {
    await context.close()
  }
})
