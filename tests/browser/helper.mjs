// Shared helpers for the browser tests: start the real sixia server on a free loopback port,
// launch Debian's Chromium through playwright-core, sign in, and watch every page for
// console errors and requests to any host other than the loopback one.
import { spawn, execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'

const here = path.dirname(fileURLToPath(import.meta.url))
export const ROOT = path.resolve(here, '..', '..')
export const OUT_DIR = path.join(here, 'out')
export const SIXIA_BIN = process.env.SIXIA_BIN ? path.resolve(process.env.SIXIA_BIN) : path.join(ROOT, 'build', 'sixia')
export const DEMO_PASSWORD = 'Demo@2026'
export const DEMO_ACCOUNTS = [
  { username: 'sysadmin', role: '系统管理员' },
  { username: 'secadmin', role: '安全管理员' },
  { username: 'auditadmin', role: '审计管理员' },
  { username: 'clerk_dongshan', role: '信访登记员' },
  { username: 'handler', role: '承办人' },
  { username: 'leader', role: '领导' },
  { username: 'planner', role: '组织部规划督查' }
]

const requireWeb = createRequire(path.join(ROOT, 'web', 'package.json'))
const { chromium } = requireWeb('playwright-core')
const AXE_SOURCE = fs.readFileSync(requireWeb.resolve('axe-core/axe.min.js'), 'utf8')

fs.mkdirSync(OUT_DIR, { recursive: true })

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// Runs the sixia CLI; rejects with its output when it exits non-zero.
export function cli(args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(SIXIA_BIN, args, { timeout: opts.timeout || 60000, env: process.env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sixia ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`))
      else resolve({ stdout, stderr })
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Starts a server on a fresh database. opts.init: 'demo' (default) or 'init' (opts.initArgs: more
 * arguments, e.g. ['--with-cases']);
 * opts.prepare(db) runs CLI steps before `serve`; opts.env adds variables to the server's environment
 * (e.g. { SIXIA_TEST_TODAY: '2026-11-15' }: the test build takes "today" from it). Returns
 * { url, db, dir, stop }.
 */
export async function startServer(opts = {}) {
  assert.ok(fs.existsSync(SIXIA_BIN), `server binary not found: ${SIXIA_BIN} (build it, or set SIXIA_BIN)`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sixia-browser-'))
  const db = path.join(dir, 't.db')
  await cli([opts.init || 'demo', ...(opts.initArgs || []), '--db', db])
  if (opts.prepare) await opts.prepare(db)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // With SIXIA_TEST_LOG_DIR (tests/run_all.sh sets it) the server log outlives the temporary
  // directory, so sanitizer reports in it are found after the run.
  const logDir = process.env.SIXIA_TEST_LOG_DIR
  if (logDir) fs.mkdirSync(logDir, { recursive: true })
  const logPath = logDir ? path.join(logDir, `browser-server-${port}.log`) : path.join(dir, 'server.log')
  const log = fs.openSync(logPath, 'a')
  const env = opts.env ? { ...process.env, ...opts.env } : process.env
  const child = spawn(SIXIA_BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', log, log], env })
  let exited = null
  child.on('exit', (code, sig) => { exited = { code, sig } })
  const deadline = Date.now() + 20000
  for (;;) {
    if (exited) throw new Error(`sixia serve exited early (${JSON.stringify(exited)}):\n${fs.readFileSync(logPath, 'utf8').slice(-4000)}`)
    try {
      const res = await fetch(`${url}/api/v1/health`)
      if (res.ok) break
    } catch (_) { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`sixia serve did not answer /api/v1/health within 20 s:\n${fs.readFileSync(logPath, 'utf8').slice(-4000)}`)
    }
    await sleep(100)
  }
  async function stop() {
    if (!exited) {
      child.kill('SIGTERM')
      for (let i = 0; i < 50 && !exited; i++) await sleep(100)
      if (!exited) child.kill('SIGKILL')
    }
    fs.closeSync(log)
    if (!process.env.SIXIA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true })
    // A clean shutdown exits 0; a sanitizer report (leak at exit, say) makes it non-zero.
    assert.deepEqual(exited, { code: 0, sig: null }, `sixia serve did not stop cleanly; log: ${logPath}`)
  }
  return { url, db, dir, port, stop, logPath }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/**
 * Opens a page in a new context and records problems: console errors, page errors and any
 * request to a host other than loopback (data: and blob: URLs are local).
 */
export async function openPage(browser, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', acceptDownloads: true })
  const page = await context.newPage()
  const problems = { console: [], pageErrors: [], outside: [] }
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const loc = msg.location() && msg.location().url
    problems.console.push(`${msg.text()}${loc ? ` [${loc}]` : ''} @ ${page.url()}`)
  })
  page.on('pageerror', (err) => problems.pageErrors.push(`${err.message} @ ${page.url()}`))
  page.on('request', (req) => {
    const u = new URL(req.url())
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return
    if (!LOOPBACK.has(u.hostname)) problems.outside.push(req.url())
  })
  page.setDefaultTimeout(15000)
  return { context, page, problems }
}

// Asserts the page stayed clean; `allow` lists console messages (regexes) a test expects.
export function assertClean(problems, allow = []) {
  const consoleErrors = problems.console.filter((m) => !allow.some((re) => re.test(m)))
  assert.deepEqual(problems.outside, [], 'requests to a non-loopback host')
  assert.deepEqual(problems.pageErrors, [], 'uncaught page errors')
  assert.deepEqual(consoleErrors, [], 'console errors')
}

export function input(page, testId) {
  return page.locator(`input[data-test="${testId}"], [data-test="${testId}"] input`).first()
}

export async function login(page, base, username, password = DEMO_PASSWORD) {
  await page.goto(`${base}/login`)
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.locator('[data-test="login-submit"]').click()
}

// Signs in and waits for the home page (the header shows the user menu).
export async function loginHome(page, base, username, password = DEMO_PASSWORD) {
  await login(page, base, username, password)
  await page.waitForURL(`${base}/`)
  await page.locator('[data-test="user-menu"]').waitFor()
}

export async function logout(page, base) {
  await page.locator('.logout-btn').click()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await page.waitForURL(`${base}/login`)
}

// Permission codes of the signed-in user, read through the page's own session.
export async function permissions(page) {
  return page.evaluate(async () => {
    const r = await fetch('/api/v1/auth/me', { credentials: 'same-origin' })
    const j = await r.json()
    return j.user.permissions
  })
}

// Waits until the network is quiet and loading masks are gone, so a screenshot shows data.
export async function settle(page) {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'), null, { timeout: 10000 }).catch(() => {})
  await page.waitForTimeout(300)
}

export async function screenshot(page, name) {
  const file = path.join(OUT_DIR, `${name}.png`)
  // Let dialog and drawer transitions finish first.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: 3000 }).catch(() => {})
  await page.waitForTimeout(150)
  await page.screenshot({ path: file, fullPage: false })
  return file
}

// Waits until no select dropdown is showing (Element Plus fades them out).
export async function noPopper(page) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.el-select__popper, .el-popper.el-select__popper')]
    .some((el) => el.offsetParent !== null && getComputedStyle(el).display !== 'none'))
}

/**
 * Opens the select of the form item labelled `label` inside `scope` and clicks the option with
 * `text` (or the first option when text is null); waits for the dropdown to close.
 */
export async function pick(page, scope, label, text, { close = true } = {}) {
  await noPopper(page)
  await scope.locator('.el-form-item', { hasText: label }).locator('.el-select__wrapper').first().click()
  const popper = page.locator('.el-select__popper:visible').last()
  const option = text
    ? popper.locator('.el-select-dropdown__item, .el-tree-node__content').filter({ hasText: text }).first()
    : popper.locator('.el-tree-node__content, .el-select-dropdown__item').first()
  await option.click()
  if (close) {
    // A single select closes by itself; a multiple one stays open until Escape.
    try { await popper.waitFor({ state: 'hidden', timeout: 1500 }) } catch (_) { await page.keyboard.press('Escape') }
    await noPopper(page)
  }
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now and returns the serious and
 * critical violations as readable lines ("rule: help — target"); `scope` limits it to a selector.
 */
export async function axeSerious(page, scope) {
  // Judge the page at rest: no element under the mouse in its hover colours.
  await page.mouse.move(0, 0)
  // Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays in force.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(async (sel) => {
    const ctx = sel ? { include: [sel] } : document
    const r = await window.axe.run(ctx, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(' ')} ${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)}`))
  }, scope || null)
  return result
}

export async function assertAxe(page, what, scope) {
  const v = await axeSerious(page, scope)
  assert.deepEqual(v, [], `${what}: axe-core serious/critical violations`)
}

/** A signed-in API client (Node fetch) for set-up the pages do not cover: (method, path, body) → {status, body}. */
export async function apiClient(base, username, password = DEMO_PASSWORD) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password })
  })
  assert.equal(r.status, 200, `login ${username}`)
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const { csrf_token: csrf } = await r.json()
  return async (method, p, body) => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined
    })
    const text = await res.text()
    let parsed = null
    try { parsed = text ? JSON.parse(text) : null } catch (_) { parsed = text }
    return { status: res.status, body: parsed }
  }
}
