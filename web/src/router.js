import { createRouter, createWebHistory } from 'vue-router'
import { auth, hasPerm, loadMe, loadTimezone, needsPasswordChange, clearSession } from './auth'
import { setUnauthorizedHandler, setPasswordChangeHandler } from './api'
import Layout from './layout/Layout.vue'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true, title: '登录' } },
  { path: '/password', name: 'force-password', component: () => import('./views/ForcePassword.vue'), meta: { title: '修改密码', bare: true } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', name: 'home', component: () => import('./views/Home.vue'), meta: { title: '首页' } },
      { path: 'base/regions', name: 'regions', component: () => import('./views/base/Regions.vue'), meta: { title: '行政区划', group: '基础数据', perm: 'region:read' } },
      { path: 'base/units', name: 'units', component: () => import('./views/base/Units.vue'), meta: { title: '单位管理', group: '基础数据', perm: 'unit:read' } },
      { path: 'base/cadres', name: 'cadres', component: () => import('./views/base/Cadres.vue'), meta: { title: '干部管理', group: '基础数据', perm: 'cadre:read' } },
      { path: 'base/dicts', name: 'dicts', component: () => import('./views/base/Dicts.vue'), meta: { title: '数据字典', group: '基础数据', perm: 'dict:read' } },
      { path: 'base/holidays', name: 'holidays', component: () => import('./views/base/Holidays.vue'), meta: { title: '节假日安排', group: '基础数据', perm: 'dict:read' } },
      { path: 'reception/planner', name: 'reception-planner', component: () => import('./views/reception/Planner.vue'), meta: { title: '轮值排班', group: '接访日', perm: 'reception:plan' } },
      { path: 'reception/days', name: 'reception-days', component: () => import('./views/reception/Days.vue'), meta: { title: '接访日安排', group: '接访日', perm: 'reception:read' } },
      { path: 'reception/days/:id(\\d+)', name: 'reception-day', component: () => import('./views/reception/DayDetail.vue'), meta: { title: '接访日详情', group: '接访日', perm: 'reception:read' } },
      { path: 'system/users', name: 'users', component: () => import('./views/system/Users.vue'), meta: { title: '用户管理', group: '系统管理', perm: 'user:read' } },
      { path: 'system/roles', name: 'roles', component: () => import('./views/system/Roles.vue'), meta: { title: '角色管理', group: '系统管理', perm: 'role:read' } },
      { path: 'system/tokens', name: 'tokens', component: () => import('./views/system/Tokens.vue'), meta: { title: 'API令牌', group: '系统管理', perm: 'token:manage' } },
      { path: 'system/security', name: 'security', component: () => import('./views/system/Security.vue'), meta: { title: '安全策略', group: '系统管理', perm: 'security:read' } },
      { path: 'system/case-settings', name: 'case-settings', component: () => import('./views/system/CaseSettings.vue'), meta: { title: '信访办理设置', group: '系统管理', perm: 'case:settings' } },
      { path: 'system/audit', name: 'audit', component: () => import('./views/system/Audit.vue'), meta: { title: '审计日志', group: '系统管理', perm: 'audit:read' } },
      { path: 'system/login-log', name: 'login-log', component: () => import('./views/system/LoginLog.vue'), meta: { title: '登录日志', group: '系统管理', perm: 'loginlog:read' } },
      { path: 'profile', name: 'profile', component: () => import('./views/Profile.vue'), meta: { title: '个人中心' } },
      { path: '403', name: 'forbidden', component: () => import('./views/Forbidden.vue'), meta: { title: '无权访问' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFound.vue'), meta: { title: '页面不存在' } }
    ]
  }
]

const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach(async (to) => {
  // The login page asks nothing of the server, so a signed-out visit makes no failing request.
  if (to.meta.public) {
    if (to.name === 'login' && auth.user) return needsPasswordChange() ? { name: 'force-password' } : { path: '/' }
    loadTimezone()
    return true
  }
  if (!auth.loaded) await Promise.all([loadMe(), loadTimezone()])
  if (!auth.user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (needsPasswordChange()) return to.name === 'force-password' ? true : { name: 'force-password' }
  if (to.name === 'force-password') return { path: '/' }
  if (to.meta.perm && !hasPerm(to.meta.perm)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 四下基层工作平台` : '四下基层工作平台'
})

setUnauthorizedHandler(() => {
  clearSession()
  const cur = router.currentRoute.value
  if (cur.name !== 'login') router.replace({ name: 'login', query: cur.fullPath && cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} })
})
setPasswordChangeHandler(() => {
  if (auth.user) auth.user.must_change_password = true
  router.replace({ name: 'force-password' })
})

export default router
