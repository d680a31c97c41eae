// The side menu: groups of pages, each shown only with its permission.
export const MENU = [
  { path: '/', title: '首页', icon: 'HomeFilled' },
  {
    title: '基础数据', icon: 'Grid', key: 'base',
    children: [
      { path: '/base/regions', title: '行政区划', icon: 'Location', perm: 'region:read' },
      { path: '/base/units', title: '单位管理', icon: 'OfficeBuilding', perm: 'unit:read' },
      { path: '/base/cadres', title: '干部管理', icon: 'Avatar', perm: 'cadre:read' },
      { path: '/base/dicts', title: '数据字典', icon: 'Collection', perm: 'dict:read' },
      { path: '/base/holidays', title: '节假日安排', icon: 'Calendar', perm: 'dict:read' }
    ]
  },
  {
    title: '接访日', icon: 'Reading', key: 'reception',
    children: [
      { path: '/reception/planner', title: '轮值排班', icon: 'Timer', perm: 'reception:plan' },
      { path: '/reception/days', title: '接访日安排', icon: 'Calendar', perm: 'reception:read' }
    ]
  },
  {
    title: '系统管理', icon: 'Setting', key: 'system',
    children: [
      { path: '/system/users', title: '用户管理', icon: 'User', perm: 'user:read' },
      { path: '/system/roles', title: '角色管理', icon: 'UserFilled', perm: 'role:read' },
      { path: '/system/tokens', title: 'API令牌', icon: 'Key', perm: 'token:manage' },
      { path: '/system/security', title: '安全策略', icon: 'Lock', perm: 'security:read' },
      { path: '/system/case-settings', title: '信访办理设置', icon: 'Management', perm: 'case:settings' },
      { path: '/system/audit', title: '审计日志', icon: 'Document', perm: 'audit:read' },
      { path: '/system/login-log', title: '登录日志', icon: 'Tickets', perm: 'loginlog:read' }
    ]
  }
]
