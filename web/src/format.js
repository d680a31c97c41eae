// Display helpers: times in the deployment time zone, labels for enumerations.
import { auth } from './auth'

const fmtCache = new Map()
function formatter(tz) {
  const key = tz || ''
  if (!fmtCache.has(key)) {
    const opts = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }
    let f
    try { f = new Intl.DateTimeFormat('sv-SE', tz ? { ...opts, timeZone: tz } : opts) } catch (_) { f = new Intl.DateTimeFormat('sv-SE', opts) }
    fmtCache.set(key, f)
  }
  return fmtCache.get(key)
}

// Accepts ISO strings and epoch numbers (seconds or milliseconds).
export function toDate(v) {
  if (v === null || v === undefined || v === '' || v === 0) return null
  const d = typeof v === 'number' ? new Date(v < 1e12 ? v * 1000 : v) : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

export function fmtTime(v) {
  if (!v) return ''
  const d = toDate(v) || new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  return formatter(auth.timezone).format(d)
}

// Today in the deployment time zone (China time by default) as "YYYY-MM-DD": the day the
// server counts deadlines from, whatever zone the browser is in.
export function todayDay() {
  return formatter(auth.timezone).format(new Date()).slice(0, 10)
}

// "YYYY-MM-DD" plus n days (calendar arithmetic, no time zone involved).
export function addDays(day, n) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '')
  if (!m) return ''
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + n)).toISOString().slice(0, 10)
}

// The calendar day a date picker shows for a Date (its local y-m-d) as "YYYY-MM-DD".
export function pickerDay(d) {
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

// Date picker value (local Date) -> UTC ISO string without milliseconds.
export function toIso(d) {
  if (!d) return ''
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export const REGION_LEVELS = [
  { value: 1, label: '地区' },
  { value: 2, label: '县' },
  { value: 3, label: '乡镇' },
  { value: 4, label: '村(社区)' }
]
export function regionLevelLabel(v) {
  const f = REGION_LEVELS.find((x) => x.value === Number(v))
  return f ? f.label : String(v ?? '')
}

export const UNIT_KINDS = [
  { value: 'government', label: '政府' },
  { value: 'department', label: '部门' },
  { value: 'office', label: '处室' },
  { value: 'township', label: '乡镇' }
]
export function unitKindLabel(v) {
  const f = UNIT_KINDS.find((x) => x.value === v)
  return f ? f.label : String(v ?? '')
}

export const DATA_SCOPES = [
  { value: 1, label: '全部数据' },
  { value: 2, label: '自定义' },
  { value: 3, label: '本单位' },
  { value: 4, label: '本单位及以下' },
  { value: 5, label: '仅本人' }
]
export function dataScopeLabel(v) {
  const f = DATA_SCOPES.find((x) => x.value === Number(v))
  return f ? f.label : String(v ?? '')
}

export const ADMIN_CLASSES = { sys: '系统管理员', system: '系统管理员', sec: '安全管理员', security: '安全管理员', audit: '审计管理员' }
export function adminClassLabel(v) {
  if (!v) return ''
  return ADMIN_CLASSES[v] || String(v)
}

export const USER_STATUSES = [
  { value: 'active', label: '正常' },
  { value: 'disabled', label: '停用' }
]
export function userStatusLabel(v) {
  const f = USER_STATUSES.find((x) => x.value === v)
  if (f) return f.label
  if (v === 1 || v === '1') return '正常'
  if (v === 0 || v === '0') return '停用'
  return String(v ?? '')
}

export function resultLabel(v) {
  if (v === true || v === 'success' || v === 'ok' || v === 1) return '成功'
  if (v === false || v === 'failure' || v === 'fail' || v === 'failed' || v === 'denied' || v === 0) return '失败'
  return String(v ?? '')
}
export function resultOk(v) {
  return v === true || v === 'success' || v === 'ok' || v === 1
}

// Walks a tree, returning a flat list.
export function flattenTree(nodes, out = []) {
  for (const n of nodes || []) {
    out.push(n)
    if (n.children && n.children.length) flattenTree(n.children, out)
  }
  return out
}

// Tree nodes with empty children arrays removed, so tables and selects show no empty arrows.
export function pruneTree(nodes) {
  return (nodes || []).map((n) => {
    const c = n.children && n.children.length ? pruneTree(n.children) : undefined
    const copy = { ...n }
    if (c) copy.children = c
    else delete copy.children
    return copy
  })
}
