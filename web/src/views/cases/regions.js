// Region helpers for the case pages: counties, and a lazy county → town → village cascader.
import { api } from '../../api'

let countyCache = null
// Counties (level 2) as [{id, name}]; [] without the permission.
export async function fetchCounties() {
  if (countyCache) return countyCache
  try {
    const data = await api.get('/regions', { level: 2, page_size: 200, sort: 'sort' }, { silent: true })
    countyCache = (data && data.items) || []
  } catch (_) {
    return []
  }
  return countyCache
}

async function children(parentId) {
  try {
    const data = await api.get('/regions', { parent_id: parentId, page_size: 200, sort: 'sort' }, { silent: true })
    return (data && data.items) || []
  } catch (_) {
    return []
  }
}

// Props for <el-cascader>: any level may be chosen; villages (level 4) are leaves.
export const regionCascaderProps = {
  lazy: true,
  checkStrictly: true,
  value: 'id',
  label: 'name',
  async lazyLoad(node, resolve) {
    const items = node.level === 0 ? await fetchCounties() : await children(node.value)
    resolve(items.map((r) => ({ id: r.id, name: r.name, leaf: Number(r.level) >= 4 })))
  }
}
