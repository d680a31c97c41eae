// Chinese names for audit action codes and object types (codes come from the server).
const OBJECTS = {
  user: '用户', users: '用户', role: '角色', roles: '角色', unit: '单位', units: '单位',
  region: '行政区划', regions: '行政区划', cadre: '干部', cadres: '干部', dict: '字典', dict_item: '字典项',
  'dict-item': '字典项', dicts: '字典', token: 'API令牌', tokens: 'API令牌', settings: '安全策略',
  security: '安全策略', setting: '设置', auth: '认证', session: '会话', password: '密码', audit: '审计日志',
  permission: '权限', loginlog: '登录日志', system: '系统', database: '数据库', case: '信访事项', petition: '信访事项'
}
const VERBS = {
  create: '新增', add: '新增', update: '修改', edit: '修改', delete: '删除', remove: '删除',
  login: '登录', logout: '退出登录', login_failed: '登录失败', disable: '停用', enable: '启用', unlock: '解锁',
  lock: '锁定', locked: '锁定', reset_password: '重置密码', 'reset-password': '重置密码', password: '修改密码',
  change_password: '修改密码', grant: '分配角色', roles: '分配角色', set_roles: '分配角色', export: '导出',
  import: '导入', revoke: '吊销', read: '查看', view: '查看', denied: '拒绝访问', forbidden: '拒绝访问',
  init: '初始化', demo: '演示数据'
}

// Exact action codes the server writes, with their Chinese names (also the audit filter's options).
export const ACTIONS = {
  'auth.login': '登录', 'auth.logout': '退出登录', 'auth.login_failed': '登录失败',
  'auth.password_change': '修改密码', 'settings.security.update': '修改安全策略',
  'region.create': '新增行政区划', 'region.update': '修改行政区划', 'region.delete': '删除行政区划',
  'unit.create': '新增单位', 'unit.update': '修改单位', 'unit.delete': '删除单位',
  'cadre.create': '新增干部', 'cadre.update': '修改干部', 'cadre.delete': '删除干部', 'cadre.export': '导出干部',
  'dict_item.create': '新增字典项', 'dict_item.update': '修改字典项', 'dict_item.delete': '删除字典项',
  'system.init': '初始化系统', 'system.demo': '载入演示数据',
  'user.create': '新增用户', 'user.update': '修改用户', 'user.disable': '停用用户', 'user.enable': '启用用户',
  'user.unlock': '解锁用户', 'user.reset_password': '重置密码', 'user.grant': '分配角色',
  'role.create': '新增角色', 'role.update': '修改角色', 'role.delete': '删除角色',
  'token.create': '新建API令牌', 'token.revoke': '吊销API令牌'
}

export function objectLabel(code) {
  if (!code) return ''
  return OBJECTS[code] || code
}

// "user.create" / "user:create" / "create_user" -> 新增用户 (falls back to the code).
export function actionLabel(code) {
  if (!code) return ''
  if (ACTIONS[code]) return ACTIONS[code]
  if (VERBS[code]) return VERBS[code]
  const parts = String(code).split(/[.:/]/)
  if (parts.length >= 2) {
    const obj = OBJECTS[parts[0]]
    const verb = VERBS[parts.slice(1).join('_')] || VERBS[parts[parts.length - 1]]
    if (obj && verb) return `${verb}${obj}`
    if (verb && parts[0] === 'auth') return verb
  }
  return code
}

export const LOGIN_EVENTS = {
  login: '登录成功', login_ok: '登录成功', success: '登录成功', logout: '退出登录',
  login_failed: '登录失败', failed: '登录失败', failure: '登录失败', locked: '账号锁定',
  account_locked: '账号锁定', disabled: '账号停用', account_disabled: '账号停用',
  invalid_credentials: '用户名或密码错误', expired: '会话过期', session_expired: '会话过期'
}
export function loginEventLabel(code) {
  if (!code) return ''
  return LOGIN_EVENTS[code] || actionLabel(code)
}
