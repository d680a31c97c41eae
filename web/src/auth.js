// Session state of the signed-in user: profile, permissions, CSRF token.
import { reactive } from 'vue'
import { api, setCsrfToken } from './api'

export const auth = reactive({
  user: null,
  loaded: false,
  timezone: ''
})

export function hasPerm(code) {
  if (!auth.user || !auth.user.permissions) return false
  if (!code) return true
  const codes = Array.isArray(code) ? code : [code]
  return codes.some((c) => auth.user.permissions.includes(c))
}

export function needsPasswordChange() {
  return !!(auth.user && (auth.user.must_change_password || auth.user.password_expired))
}

export function setSession(data) {
  auth.user = data ? data.user : null
  if (data && data.timezone) auth.timezone = data.timezone
  setCsrfToken(data ? data.csrf_token : '')
  auth.loaded = true
}

export function clearSession() {
  auth.user = null
  setCsrfToken('')
  auth.loaded = true
}

// Loads /auth/me; resolves to true when signed in.
export async function loadMe() {
  try {
    const data = await api.get('/auth/me', undefined, { silent: true, noAuthRedirect: true })
    setSession(data)
    return true
  } catch (_) {
    clearSession()
    return false
  }
}

export async function login(username, password) {
  const data = await api.post('/auth/login', { username, password }, { silent: true, noAuthRedirect: true })
  setSession(data)
  // /auth/me carries the full permission list; the login answer may be shorter.
  if (!data.user || !data.user.permissions) await loadMe()
  return auth.user
}

export async function logout() {
  try {
    await api.post('/auth/logout', undefined, { silent: true, noAuthRedirect: true })
  } catch (_) { /* the session may already be gone */ }
  clearSession()
}

// The deployment time zone shown for every time stamp (GET /health -> timezone).
export async function loadTimezone() {
  if (auth.timezone) return
  try {
    const h = await api.get('/health', undefined, { silent: true, noAuthRedirect: true })
    if (h && h.timezone) auth.timezone = h.timezone
  } catch (_) { /* keep the browser's zone */ }
}
