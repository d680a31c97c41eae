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
  'token.create': '新建API令牌', 'token.revoke': '吊销API令牌',
  'case.create': '登记信访事项', 'case.pii_view': '查看信访人完整信息', 'case.export': '导出信访事项',
  'case.accept': '受理信访事项', 'case.decline': '不予受理', 'case.forward': '转送信访事项', 'case.assign': '交办信访事项',
  'case.sign': '签收信访事项', 'case.return': '退回信访事项', 'case.contact': '联系群众', 'case.reply': '答复信访事项',
  'case.callback': '回访', 'case.close': '办结信访事项', 'case.extend_request': '申请延期', 'case.extend_approve': '批准延期',
  'case.extend_reject': '不批准延期', 'case.supervise': '督办', 'case.take_charge': '包案', 'case.review_request': '申请复查',
  'case.recheck_request': '申请复核', 'case.onspot': '当场答复', 'case.down_visit': '下访', 'case.attach': '上传信访附件',
  'case.reclassify': '更正信访事项性质', 'case.link': '关联信访事项', 'case.query_code': '重新发放查询码', 'case.settings.update': '修改信访办理设置',
  'reception.plan.create': '新建接访日方案', 'reception.plan.update': '修改接访日方案',
  'reception.plan.delete': '删除接访日方案', 'reception.plan.publish': '发布接访日方案'
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

// ---- petition cases (codes and labels as in docs/CASES.md; the server sends labels too) ----
const opts = (o) => Object.entries(o).map(([value, label]) => ({ value, label }))

export const CASE_STATUS = {
  registered: '登记', accepted: '受理', declined: '不予受理', forwarded: '转送', assigned: '交办',
  signed: '签收', in_progress: '办理中', replied: '答复', called_back: '回访', closed: '办结'
}
export const CASE_KIND = { suggestion: '建议意见', report: '检举控告', appeal: '申诉求决', legal: '涉法涉诉' }
export const CASE_CHANNEL = {
  visit: '来访', letter: '来信', phone: '电话', fax: '传真', online: '网上信访', reception_day: '接访日',
  down_visit: '下访', onsite: '现场办公', outreach: '宣讲反馈', open311: 'Open311'
}
export const CASE_URGENCY = { normal: '一般', urgent: '紧急', very_urgent: '特急' }
export const CASE_OUTCOME = { support: '支持', explain: '解释说明', not_support: '不予支持' }
export const CASE_SATISFACTION = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' }
export const CASE_EXT = { none: '未申请', pending: '待审批', approved: '已批准', rejected: '未批准' }
export const DEADLINE_STATE = { normal: '正常', due_soon: '临期', overdue: '逾期' }
export const CASE_ACTION = {
  register: '登记', accept: '受理', decline: '不予受理', forward: '转送', assign: '交办', sign: '签收', return: '退回',
  contact: '联系群众', reply: '答复', callback: '回访', close: '办结', extend_request: '申请延期',
  extend_approve: '批准延期', extend_reject: '不批准延期', supervise: '督办', take_charge: '包案',
  review_request: '申请复查', recheck_request: '申请复核', onspot: '当场答复', down_visit: '下访', reclassify: '更正性质'
}
export const TODO_TASK = {
  accept: '待受理', assign: '待交办', sign: '待签收', reply: '待答复', callback: '待回访', close: '待办结', approve: '待审批延期',
  supervise: '待督办'
}
// 机构类别 of a unit: 涉法涉诉 go to 政法机关, 检举控告 to 纪检监察机关 (2022 art. 22, 28, 30).
export const ORG_TYPE = { '': '普通单位', politics_law: '政法机关', discipline: '纪检监察机关' }
export const ORG_TYPES = Object.entries(ORG_TYPE).map(([value, label]) => ({ value, label }))
// Who approves an extension (信访办理设置 extension_approval).
export const EXTENSION_APPROVAL = {
  unit_or_above: '承办单位或其上级单位的领导', unit_only: '仅承办单位的领导', any: '任何有审批延期权限的人员'
}
// 三个第一 targets of a first petition (practice, not statutory limits).
export const FIRST_STEPS = new Set(['first_assign', 'first_supervise', 'first_callback'])
export const LINK_KIND = { related: '相关件', duplicate: '重复件', review: '复查复核' }

export const CASE_STATUSES = opts(CASE_STATUS)
export const CASE_KINDS = opts(CASE_KIND)
export const CASE_CHANNELS = opts(CASE_CHANNEL)
export const CASE_URGENCIES = opts(CASE_URGENCY)
export const CASE_OUTCOMES = opts(CASE_OUTCOME)
export const CASE_SATISFACTIONS = opts(CASE_SATISFACTION)
export const DEADLINE_STATES = opts(DEADLINE_STATE)

// A label from a table, falling back to the code.
export function caseLabel(table, code) {
  if (code === null || code === undefined || code === '') return ''
  return table[code] || String(code)
}

// 正常 green, 临期 orange, 逾期 red.
export function deadlineTagType(state) {
  return state === 'overdue' ? 'danger' : state === 'due_soon' ? 'warning' : state === 'normal' ? 'success' : 'info'
}
export function statusTagType(status) {
  switch (status) {
    case 'registered': return 'info'
    case 'declined': case 'forwarded': return 'info'
    case 'closed': return 'success'
    case 'replied': case 'called_back': return 'primary'
    default: return 'warning'
  }
}
export function urgencyTagType(u) {
  return u === 'very_urgent' ? 'danger' : u === 'urgent' ? 'warning' : 'info'
}
