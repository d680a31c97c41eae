// A tiny hash router (#/submit, #/receipt, #/lookup?code=…, #/reception) and the receipt of the
// last submission, kept only in memory: the query code is never written to browser storage.
import { reactive } from 'vue'

function parse() {
  const h = window.location.hash.replace(/^#/, '') || '/'
  const [path, qs] = h.split('?')
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(qs || '')) }
}

export const route = reactive(parse())
window.addEventListener('hashchange', () => {
  Object.assign(route, parse())
  window.scrollTo(0, 0)
})

export function go(path, query) {
  const qs = query ? `?${new URLSearchParams(query).toString()}` : ''
  window.location.hash = `#${path}${qs}`
}

export const receipt = reactive({ case_no: '', query_code: '', received_at: '', lookup_url: '' })
