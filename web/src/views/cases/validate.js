// Client-side checks of petitioners' ID numbers (GB 11643, MOD 11-2 check character) and
// phone numbers, mirroring src/domain/person_id.c so the clerk sees a mistake while typing.
// The server checks again; these only give an early Chinese message.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

// The check character of the first 17 digits, or '' when they are not 17 digits.
export function idCheckChar(id17) {
  if (!/^\d{17}/.test(id17 || '')) return ''
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(id17[i]) * WEIGHTS[i]
  return CHECK[sum % 11]
}

function daysInMonth(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

export function normalizeId(id) {
  return String(id || '').trim().replace(/x$/, 'X')
}

// '' when valid, else a Chinese reason.
export function idNumberError(raw, today = new Date()) {
  const id = normalizeId(raw)
  if (id.length !== 18) return '身份证号码应为18位'
  if (!/^\d{17}$/.test(id.slice(0, 17))) return '身份证号码前17位应为数字'
  if (!/[\dX]/.test(id[17])) return '身份证号码最后一位应为数字或X'
  if (id[0] === '0') return '身份证号码的地址码无效'
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return '身份证号码中的出生日期无效'
  const t = today.getFullYear() * 10000 + (today.getMonth() + 1) * 100 + today.getDate()
  if (y * 10000 + m * 100 + d > t) return '身份证号码中的出生日期晚于今天'
  if (idCheckChar(id) !== id[17]) return '身份证号码校验位不正确'
  return ''
}

const mobileOk = (d) => /^1[3-9]\d{9}$/.test(d)
function fixedOk(d) {
  let area = 0
  if (d.startsWith('0')) {
    if (d.length < 2 || d[1] === '0') return false
    area = d[1] === '1' || d[1] === '2' ? 3 : 4
  }
  const local = d.length - area
  return local >= 7 && local <= 8 && d[area] !== '0' && d[area] !== '1'
}

// '' when the phone is a valid mainland mobile or fixed-line number, else a Chinese reason.
export function phoneError(raw) {
  let s = String(raw || '').trim()
  if (!s) return '电话号码不能为空'
  if (s.length > 64) return '电话号码过长'
  let ext = ''
  const m = /(转|#|ext)(.*)$/i.exec(s)
  if (m) {
    ext = m[2].replace(/[\s\-.:]/g, '')
    if (!/^\d{1,6}$/.test(ext)) return '分机号应为1至6位数字'
    s = s.slice(0, m.index)
  }
  let intl = false
  if (s.startsWith('+86')) { s = s.slice(3); intl = true } else if (s.startsWith('0086')) { s = s.slice(4); intl = true }
  if (/[^\d\s\-()]/.test(s)) return '电话号码含有无效字符'
  if ((s.match(/\(/g) || []).length !== (s.match(/\)/g) || []).length) return '电话号码的括号不匹配'
  const groups = s.split(/[-)]/).map((g) => g.replace(/[\s(]/g, '')).filter((g) => g)
  let digits = groups.join('')
  if (intl && !mobileOk(digits)) {
    if (digits.startsWith('0')) return '电话号码格式不正确'
    digits = '0' + digits
  }
  if (!ext && mobileOk(digits)) return ''
  if (fixedOk(digits)) return ''
  if (!ext && groups.length >= 2) {
    const last = groups[groups.length - 1]
    if (last.length <= 6 && fixedOk(digits.slice(0, digits.length - last.length))) return ''
  }
  return digits.length === 11 && digits[0] === '1' ? '手机号码应为以13至19开头的11位数字' : '电话号码格式不正确'
}
