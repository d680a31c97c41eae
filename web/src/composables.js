// Shared page logic: paginated lists, trees for selects, dictionary labels.
import { reactive, ref } from 'vue'
import { api } from './api'
import { pruneTree } from './format'

export const PAGE_SIZES = [10, 20, 50, 100]

// A search form over a paginated table. `filters` is a reactive object; `extra` maps it to query params.
export function usePagedList(path, filters, extra) {
  const rows = ref([])
  const total = ref(0)
  const page = ref(1)
  const pageSize = ref(20)
  const loading = ref(false)
  const initial = { ...filters }

  async function load() {
    loading.value = true
    try {
      const q = extra ? extra({ ...filters }) : { ...filters }
      const data = await api.get(path, { ...q, page: page.value, page_size: pageSize.value })
      rows.value = (data && data.items) || []
      total.value = (data && data.total) || 0
    } catch (_) {
      rows.value = []
      total.value = 0
    } finally {
      loading.value = false
    }
  }
  function search() { page.value = 1; return load() }
  function reset() {
    for (const k of Object.keys(filters)) filters[k] = initial[k]
    return search()
  }
  function onSizeChange(s) { pageSize.value = s; page.value = 1; load() }
  function onPageChange(p) { page.value = p; load() }
  return { rows, total, page, pageSize, loading, load, search, reset, onSizeChange, onPageChange }
}

// Tree of regions or units for tree selects; errors are silent (the user may lack the permission).
export async function fetchTree(kind) {
  try {
    const data = await api.get(`/${kind}`, { tree: 1 }, { silent: true })
    return pruneTree((data && data.items) || [])
  } catch (_) {
    return []
  }
}

const dictCache = reactive({})
// Items of a dictionary type, cached for the page lifetime. Cadre tags hold the item label.
export async function fetchDict(type, force) {
  if (!force && dictCache[type]) return dictCache[type]
  try {
    const data = await api.get(`/dicts/${encodeURIComponent(type)}/items`, undefined, { silent: true })
    dictCache[type] = ((data && data.items) || []).slice().sort((a, b) => (a.sort || 0) - (b.sort || 0))
  } catch (_) {
    dictCache[type] = []
  }
  return dictCache[type]
}
export function invalidateDict(type) { delete dictCache[type] }

// Label of a dictionary code (falls back to the code itself).
export function dictLabel(items, code) {
  const f = (items || []).find((i) => i.code === code || i.label === code)
  return f ? f.label : code
}

