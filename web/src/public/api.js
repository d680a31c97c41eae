// The public page's calls to /api/v1/public (no account, no cookies needed).
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.status = status
    this.code = code
    this.field = field || null
  }
}

const FALLBACK = {
  404: '未找到相关信息',
  413: '提交的内容过长',
  422: '填写的内容不符合要求',
  429: '操作过于频繁，请稍后再试'
}

export async function call(method, path, body) {
  const opts = { method, headers: { Accept: 'application/json' }, credentials: 'omit' }
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json'
    opts.body = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(`/api/v1/public${path}`, opts)
  } catch (_) {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试')
  }
  let data = null
  try { data = await res.json() } catch (_) { data = null }
  if (!res.ok) {
    const e = (data && data.error) || {}
    const msg = e.message || FALLBACK[res.status] || (res.status >= 500 ? '服务暂时不可用，请稍后再试' : `请求失败（${res.status}）`)
    throw new ApiError(res.status, e.code || '', msg, e.field)
  }
  return data
}

export const get = (path) => call('GET', path)
export const post = (path, body) => call('POST', path, body)

// "2026-11-29T02:05:00Z" → "2026-11-29 10:05" in China time.
const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false
})
export function formatTime(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`
}
