// Thin fetch wrapper for the sixia JSON API (/api/v1).
// Keeps the CSRF token, shows the server's Chinese error message, and sends
// the user back to the login page when the session is gone.
import { ElMessage } from 'element-plus'

const BASE = '/api/v1'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const CONFLICT_MSG = '数据已被他人修改，请刷新后重试'

let csrfToken = ''
let onUnauthorized = null
let onPasswordChangeRequired = null

export function setCsrfToken(token) { csrfToken = token || '' }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn }
export function setPasswordChangeHandler(fn) { onPasswordChangeRequired = fn }

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.status = status
    this.code = code
    this.field = field || null
  }
}

// Builds a query string, dropping empty values.
export function buildQuery(query) {
  if (!query) return ''
  const sp = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, String(x)))
    else sp.append(k, String(v))
  }
  const s = sp.toString()
  return s ? `?${s}` : ''
}

function fallbackMessage(status) {
  switch (status) {
    case 400: return '请求格式错误'
    case 401: return '登录已失效，请重新登录'
    case 403: return '没有权限执行此操作'
    case 404: return '数据不存在或已被删除'
    case 409: return '数据冲突，请检查后重试'
    case 412: return CONFLICT_MSG
    case 413: return '提交的数据过大'
    case 422: return '提交的数据不符合要求'
    case 429: return '操作过于频繁，请稍后再试'
    default: return status >= 500 ? '服务器内部错误，请稍后再试' : `请求失败（${status}）`
  }
}

async function parseError(res) {
  let code = ''
  let message = ''
  let field = null
  try {
    const data = await res.json()
    if (data && data.error) {
      code = data.error.code || ''
      message = data.error.message || ''
      field = data.error.field || null
    }
  } catch (_) { /* not JSON */ }
  if (res.status === 412 || code === 'version_conflict') message = CONFLICT_MSG
  if (!message) message = fallbackMessage(res.status)
  return new ApiError(res.status, code, message, field)
}

/**
 * request(method, path, opts) -> parsed JSON (or null for 204).
 * opts: query (object), body (object), silent (no ElMessage), raw (return the Response),
 *       noAuthRedirect (do not jump to /login on 401, used by login and the initial /auth/me).
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin' }
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(opts.body)
  }
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(BASE + path + buildQuery(opts.query), init)
  } catch (e) {
    const err = new ApiError(0, 'network', '无法连接服务器，请检查网络')
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  }
  if (!res.ok) {
    const err = await parseError(res)
    if (res.status === 401 && !opts.noAuthRedirect) {
      csrfToken = ''
      if (onUnauthorized) onUnauthorized(err)
      if (!opts.silent) ElMessage.warning(err.message)
      throw err
    }
    if (err.code === 'password_change_required' && onPasswordChangeRequired) {
      onPasswordChangeRequired()
    }
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  }
  if (opts.raw) return res
  if (res.status === 204) return null
  const text = await res.text()
  return text ? JSON.parse(text) : null
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  del: (path, opts = {}) => request('DELETE', path, opts)
}

function filenameFrom(res, fallback) {
  const cd = res.headers.get('Content-Disposition') || ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)
  if (star) { try { return decodeURIComponent(star[1]) } catch (_) { /* ignore */ } }
  const plain = /filename="?([^";]+)"?/i.exec(cd)
  return plain ? plain[1] : fallback
}

// Downloads a file (e.g. an .xlsx export) from a GET endpoint.
export async function download(path, query, fallbackName) {
  const res = await request('GET', path, { query, raw: true })
  const blob = await res.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filenameFrom(res, fallbackName)
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

// Sends a file's raw bytes as the request body (attachment uploads); returns the parsed JSON.
export async function upload(path, query, file, opts = {}) {
  const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' }
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(BASE + path + buildQuery(query), { method: 'POST', headers, body: file, credentials: 'same-origin' })
  } catch (e) {
    const err = new ApiError(0, 'network', '无法连接服务器，请检查网络')
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  }
  if (!res.ok) {
    const err = await parseError(res)
    if (res.status === 401 && onUnauthorized) onUnauthorized(err)
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  }
  const text = await res.text()
  return text ? JSON.parse(text) : null
}
