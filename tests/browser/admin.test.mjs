// Dialogs of the administrators' pages: each one opens, saves through the real API and
// shows the server's answer. Screenshots of the dialogs land in tests/browser/out/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, settle, screenshot, pick, noPopper } from './helper.mjs'

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

async function signedIn(username, fn) {
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, username)
    await fn(page, problems)
  } finally {
    await context.close()
  }
}

const success = (page, text) => page.locator('.el-message--success', text ? { hasText: text } : {}).first().waitFor()

test('secadmin edits a business role: permissions grouped, data scope saved', async () => {
  await signedIn('secadmin', async (page, problems) => {
    await page.goto(`${server.url}/system/roles`)
    await settle(page)
    const row = page.locator('[data-test="role-table"] .el-table__row', { hasText: '承办人' })
    await row.getByRole('button', { name: '修改' }).click()
    const drawer = page.locator('.el-drawer', { hasText: '修改角色' })
    await drawer.waitFor()
    await drawer.getByText('基础数据', { exact: true }).first().waitFor()
    await settle(page)
    await screenshot(page, 'dialog-role-edit')
    // 本单位 -> 本单位及以下
    await pick(page, drawer, '数据范围', '本单位及以下')
    await drawer.getByRole('button', { name: '确定' }).click()
    await success(page, '修改成功')
    await page.locator('[data-test="role-table"] .el-table__row', { hasText: '承办人' }).getByText('本单位及以下').waitFor()
    assertClean(problems)
  })
})

test('secadmin opens 分配角色 for a user and creates an API token (its own integration account) shown once', async () => {
  await signedIn('secadmin', async (page, problems) => {
    await page.goto(`${server.url}/system/users`)
    await settle(page)
    const row = page.locator('[data-test="user-table"] .el-table__row', { hasText: 'handler' })
    await row.getByRole('button', { name: '分配角色' }).click()
    const dlg = page.locator('.el-dialog', { hasText: '分配角色' })
    await dlg.waitFor()
    await dlg.locator('.el-checkbox').first().waitFor()
    await screenshot(page, 'dialog-user-roles')
    await dlg.getByRole('button', { name: '确定' }).click()
    await success(page, '角色分配成功')

    await page.goto(`${server.url}/system/tokens`)
    await settle(page)
    await page.locator('[data-test="add-token"]').click()
    const tdlg = page.locator('.el-dialog', { hasText: '新建API令牌' })
    await tdlg.waitFor()
    // No person to bind to any more: a unit and a role for the token's own account.
    assert.equal(await tdlg.locator('.el-form-item', { hasText: '绑定用户' }).count(), 0)
    await tdlg.locator('.el-form-item', { hasText: '令牌名称' }).locator('input').fill('12345热线对接')
    await tdlg.locator('[data-test="token-account"]', { hasText: 'token:12345热线对接' }).waitFor()
    // The unit tree filters as one types; the unit sits below the root.
    await noPopper(page)
    await tdlg.locator('.el-form-item', { hasText: '所属单位' }).locator('.el-select__wrapper').first().click()
    await page.keyboard.type('住房和城乡建设局')
    await page.locator('.el-select__popper:visible .el-tree-node__content', { hasText: '地区住房和城乡建设局' }).first().click()
    await noPopper(page)
    // Only roles a token may use are offered: not the administrators', not those with personal data.
    await noPopper(page)
    await tdlg.locator('.el-form-item', { hasText: '角色' }).locator('.el-select__wrapper').first().click()
    const popper = page.locator('.el-select__popper:visible').last()
    await popper.locator('.el-select-dropdown__item', { hasText: '承办人' }).first().waitFor()
    const offered = await popper.locator('.el-select-dropdown__item').allInnerTexts()
    for (const name of ['领导', '信访登记员', '系统管理员', '安全管理员', '审计管理员']) {
      assert.ok(!offered.some((t) => t.startsWith(name)), `${name} must not be offered: ${offered}`)
    }
    await screenshot(page, 'dialog-token-create')
    await popper.locator('.el-select-dropdown__item', { hasText: '承办人' }).first().click()
    await noPopper(page)
    const days = tdlg.locator('.el-form-item', { hasText: '有效天数' })
    assert.equal(await days.locator('input').inputValue(), '90', 'the policy maximum is the default')
    await days.getByText('最长90天').waitFor()
    await screenshot(page, 'dialog-token-filled')
    await tdlg.getByRole('button', { name: '确定' }).click()
    const secret = page.locator('.el-dialog', { hasText: '令牌已创建' })
    await secret.waitFor()
    const value = await secret.locator('textarea').inputValue()
    assert.ok(value.length >= 20, 'the secret is shown')
    await screenshot(page, 'dialog-token-secret')
    await secret.getByRole('button', { name: '我已保存' }).click()
    const tokenRow = page.locator('[data-test="token-table"] .el-table__row', { hasText: '12345热线对接' })
    await tokenRow.waitFor()
    const text = await tokenRow.innerText()
    assert.match(text, /token:12345热线对接/)
    assert.match(text, /地区住房和城乡建设局/)
    assert.match(text, /承办人/)
    await settle(page)
    await screenshot(page, 'token-list')
    // The account it made is nobody's: the token says who it is.
    const me = await page.evaluate(async (s) => (await (await fetch('/api/v1/auth/me', { headers: { Authorization: `Bearer ${s}` } })).json()).user, value)
    assert.equal(me.username, 'token:12345热线对接')
    assert.equal(me.kind, 'integration')
    assertClean(problems)
  })
})

test('sysadmin adds a cadre with expertise tags, then finds it by tag', async () => {
  await signedIn('sysadmin', async (page, problems) => {
    await page.goto(`${server.url}/base/cadres`)
    await settle(page)
    await page.getByRole('button', { name: '新增' }).first().click()
    const dlg = page.locator('.el-dialog', { hasText: '新增干部' })
    await dlg.waitFor()
    await dlg.locator('.el-form-item', { hasText: '姓名' }).locator('input').fill('测试干部')
    await pick(page, dlg, '所在单位', null)
    await dlg.locator('.el-form-item', { hasText: '职务' }).locator('input').fill('科员')
    await pick(page, dlg, '专业特长', '文化旅游')
    await screenshot(page, 'dialog-cadre-add')
    await dlg.getByRole('button', { name: '确定' }).click()
    await success(page, '新增成功')

    await page.locator('.search-form .el-form-item', { hasText: '关键字' }).locator('input').fill('测试干部')
    await page.getByRole('button', { name: '搜索' }).click()
    const row = page.locator('[data-test="cadre-table"] .el-table__row', { hasText: '测试干部' })
    await row.waitFor()
    assert.match(await row.innerText(), /文化旅游/)
    assertClean(problems)
  })
})

test('secadmin saves the security policy, with the session and token lifetimes', async () => {
  await signedIn('secadmin', async (page, problems) => {
    await page.goto(`${server.url}/system/security`)
    await settle(page)
    const hours = page.locator('[data-test="session-max-hours"] input')
    assert.equal(await hours.inputValue(), '12')
    assert.equal(await page.locator('[data-test="token-max-days"] input').inputValue(), '90')
    await hours.fill('8')
    await page.locator('[data-test="token-max-days"] input').fill('30')
    await page.locator('.el-form-item', { hasText: '同一地址失败限制' }).locator('input').fill('25')
    await screenshot(page, 'security-policy')
    await page.getByRole('button', { name: '保存' }).click()
    await success(page, '安全策略已保存')
    const saved = await page.evaluate(async () => (await fetch('/api/v1/settings/security')).json())
    assert.equal(saved.session_max_hours, 8)
    assert.equal(saved.token_max_days, 30)
    assert.equal(saved.address_lockout_threshold, 25)
    await page.reload()
    await settle(page)
    assert.equal(await page.locator('[data-test="session-max-hours"] input').inputValue(), '8')
    // Put the policy back for the other tests of this file.
    await page.locator('[data-test="session-max-hours"] input').fill('12')
    await page.locator('[data-test="token-max-days"] input').fill('90')
    await page.locator('.el-form-item', { hasText: '同一地址失败限制' }).locator('input').fill('20')
    await page.getByRole('button', { name: '保存' }).click()
    await success(page, '安全策略已保存')
    assertClean(problems)
  })
})

test('a stale version is refused with a Chinese conflict message', async () => {
  await signedIn('sysadmin', async (page, problems) => {
    await page.goto(`${server.url}/base/units`)
    await settle(page)
    const first = page.locator('[data-test="unit-table"] .el-table__row').first()
    await first.getByRole('button', { name: '修改' }).click()
    const dlg = page.locator('.el-dialog', { hasText: '修改单位' })
    await dlg.waitFor()
    // Someone else saves the same unit meanwhile.
    await page.evaluate(async () => {
      const list = await (await fetch('/api/v1/units?tree=1')).json()
      const u = list.items[0]
      const rec = await (await fetch(`/api/v1/units/${u.id}`)).json()
      const me = await (await fetch('/api/v1/auth/me')).json()
      const body = { name: rec.name, kind: rec.kind, region_id: rec.region_id, code: rec.code || '', sort: rec.sort || 0, version: rec.version }
      if (rec.parent_id) body.parent_id = rec.parent_id
      const r = await fetch(`/api/v1/units/${u.id}`, {
        method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: JSON.stringify(body)
      })
      if (!r.ok) throw new Error(`concurrent save failed: ${r.status} ${await r.text()}`)
    })
    await page.locator('[data-test="unit-save"]').click()
    await page.locator('.el-message--error', { hasText: '数据已被他人修改，请刷新后重试' }).waitFor()
    assertClean(problems, [/status of 409/])
  })
})
