// Every page, opened by an account allowed to see it: no console error, no request off the
// machine, no untranslated component text, no serious or critical axe-core (WCAG 2.1 AA)
// violation; a screenshot of each lands in tests/browser/out/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openPage, assertClean, loginHome, permissions, settle, screenshot, assertAxe, DEMO_ACCOUNTS } from './helper.mjs'

const PAGES = [
  { path: '/', name: 'home', title: '首页', perm: null },
  { path: '/base/regions', name: 'regions', title: '行政区划', perm: 'region:read' },
  { path: '/base/units', name: 'units', title: '单位管理', perm: 'unit:read' },
  { path: '/base/cadres', name: 'cadres', title: '干部管理', perm: 'cadre:read' },
  { path: '/base/dicts', name: 'dicts', title: '数据字典', perm: 'dict:read' },
  { path: '/base/holidays', name: 'holidays-list', title: '节假日安排', perm: 'dict:read' },
  { path: '/cases/new', name: 'case-intake', title: '信访登记', perm: 'case:intake' },
  { path: '/cases', name: 'cases', title: '信访事项', perm: 'case:read' },
  { path: '/reception/planner', name: 'reception-planner', title: '轮值排班', perm: 'reception:plan' },
  { path: '/reception/days', name: 'reception-days', title: '接访日安排', perm: 'reception:read' },
  { path: '/system/users', name: 'users', title: '用户管理', perm: 'user:read' },
  { path: '/system/roles', name: 'roles', title: '角色管理', perm: 'role:read' },
  { path: '/system/tokens', name: 'tokens', title: 'API令牌', perm: 'token:manage' },
  { path: '/system/security', name: 'security', title: '安全策略', perm: 'security:read' },
  { path: '/system/audit', name: 'audit', title: '审计日志', perm: 'audit:read' },
  { path: '/system/login-log', name: 'login-log', title: '登录日志', perm: 'loginlog:read' },
  { path: '/system/case-settings', name: 'case-settings', title: '信访办理设置', perm: 'case:settings' },
  { path: '/profile', name: 'profile', title: '个人中心', perm: null }
]
// Words Element Plus shows when its Chinese locale is missing.
const ENGLISH = /\b(No Data|Total \d|Go to|Confirm|Cancel|Select|per page|Loading)\b/

let server
let browser
let perms = {}

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('login page at 1280×800 and 1024×768', async () => {
  for (const [w, h] of [[1280, 800], [1024, 768]]) {
    const { context, page, problems } = await openPage(browser, { width: w, height: h })
    try {
      await page.goto(`${server.url}/login`)
      await page.locator('[data-test="login-submit"]').waitFor()
      await settle(page)
      await screenshot(page, `login-${w}x${h}`)
      assertClean(problems)
    } finally {
      await context.close()
    }
  }
})

test('each account sees only the menu items of its permissions', async () => {
  for (const acct of DEMO_ACCOUNTS) {
    const { context, page, problems } = await openPage(browser)
    try {
      await loginHome(page, server.url, acct.username)
      perms[acct.username] = await permissions(page)
      for (const p of PAGES.filter((x) => x.perm)) {
        const n = await page.locator('.side-menu .el-menu-item', { hasText: p.title }).count()
        assert.equal(n > 0, perms[acct.username].includes(p.perm), `${acct.username}: menu ${p.title}`)
      }
      await settle(page)
      await screenshot(page, `home-${acct.username}`)
      assertClean(problems)
    } finally {
      await context.close()
    }
  }
})

test('every page opens for an account allowed to see it', async () => {
  for (const p of PAGES) {
    const acct = DEMO_ACCOUNTS.find((a) => !p.perm || (perms[a.username] || []).includes(p.perm))
    assert.ok(acct, `some demo account may open ${p.path}`)
    const { context, page, problems } = await openPage(browser)
    try {
      await loginHome(page, server.url, acct.username)
      await page.goto(`${server.url}${p.path}`)
      await settle(page)
      assert.equal(new URL(page.url()).pathname, p.path, `${acct.username} stays on ${p.path}`)
      const crumbs = await page.locator('.crumbs').innerText()
      assert.ok(crumbs.includes(p.title), `breadcrumb shows ${p.title}: ${crumbs}`)
      const text = await page.locator('body').innerText()
      assert.doesNotMatch(text, ENGLISH, `${p.path} shows untranslated text`)
      await screenshot(page, `page-${p.name}`)
      await assertAxe(page, `${p.path} as ${acct.username}`)
      assertClean(problems)
    } finally {
      await context.close()
    }
  }
})

test('a list page at 1024×768 keeps the table inside the window', async () => {
  const acct = DEMO_ACCOUNTS.find((a) => (perms[a.username] || []).includes('cadre:read')) || DEMO_ACCOUNTS[0]
  const { context, page, problems } = await openPage(browser, { width: 1024, height: 768 })
  try {
    await loginHome(page, server.url, acct.username)
    const listPath = (perms[acct.username] || []).includes('cadre:read') ? '/base/cadres' : '/system/users'
    await page.goto(`${server.url}${listPath}`)
    await settle(page)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`)
    const asideWidth = await page.locator('.aside').evaluate((el) => el.getBoundingClientRect().width)
    assert.ok(asideWidth <= 64, `side menu collapses at 1024 px (width ${asideWidth})`)
    await screenshot(page, 'list-1024x768')
    assertClean(problems)
  } finally {
    await context.close()
  }
})

test('the cadre export downloads an .xlsx', async () => {
  const acct = DEMO_ACCOUNTS.find((a) => (perms[a.username] || []).includes('cadre:export'))
  if (!acct) return
  const { context, page, problems } = await openPage(browser)
  try {
    await loginHome(page, server.url, acct.username)
    await page.goto(`${server.url}/base/cadres`)
    await settle(page)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-test="export-cadres"]').click()
    ])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    assertClean(problems)
  } finally {
    await context.close()
  }
})
