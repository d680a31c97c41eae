#include "perm.h"
#include <string.h>

const struct perm_info perm_table[P__COUNT] = {
    [P_REGION_READ] = {"region:read", "查看行政区划", "基础数据", AC_NONE},
    [P_REGION_WRITE] = {"region:write", "维护行政区划", "基础数据", AC_NONE},
    [P_UNIT_READ] = {"unit:read", "查看单位", "基础数据", AC_NONE},
    [P_UNIT_WRITE] = {"unit:write", "维护单位", "基础数据", AC_NONE},
    [P_CADRE_READ] = {"cadre:read", "查看干部", "基础数据", AC_NONE},
    [P_CADRE_WRITE] = {"cadre:write", "维护干部", "基础数据", AC_NONE},
    [P_CADRE_EXPORT] = {"cadre:export", "导出干部", "基础数据", AC_NONE},
    [P_DICT_READ] = {"dict:read", "查看数据字典", "基础数据", AC_NONE},
    [P_DICT_WRITE] = {"dict:write", "维护数据字典", "基础数据", AC_NONE},
    [P_USER_READ] = {"user:read", "查看用户", "系统管理", AC_NONE},
    [P_USER_WRITE] = {"user:write", "维护用户账号", "系统管理", AC_SYS},
    [P_USER_GRANT] = {"user:grant", "为用户分配角色", "系统管理", AC_SEC},
    [P_ROLE_READ] = {"role:read", "查看角色", "系统管理", AC_SEC},
    [P_ROLE_WRITE] = {"role:write", "维护角色与权限", "系统管理", AC_SEC},
    [P_TOKEN_MANAGE] = {"token:manage", "管理API令牌", "系统管理", AC_SEC},
    [P_SECURITY_READ] = {"security:read", "查看安全策略", "系统管理", AC_SEC},
    [P_SECURITY_WRITE] = {"security:write", "修改安全策略", "系统管理", AC_SEC},
    [P_AUDIT_READ] = {"audit:read", "查看审计日志", "安全审计", AC_AUDIT},
    [P_LOGINLOG_READ] = {"loginlog:read", "查看登录日志", "安全审计", AC_AUDIT},
    [P_RECEPTION_PLAN] = {"reception:plan", "编排和发布接访日", "接访日", AC_NONE},
    [P_CASE_READ] = {"case:read", "查看信访事项", "信访", AC_NONE},
    [P_CASE_INTAKE] = {"case:intake", "登记信访事项", "信访", AC_NONE},
    [P_CASE_ACCEPT] = {"case:accept", "受理或不予受理", "信访", AC_NONE},
    [P_CASE_ASSIGN] = {"case:assign", "交办和转送", "信访", AC_NONE},
    [P_CASE_SIGN] = {"case:sign", "签收或退回", "信访", AC_NONE},
    [P_CASE_HANDLE] = {"case:handle", "办理（联系群众）", "信访", AC_NONE},
    [P_CASE_REPLY] = {"case:reply", "答复", "信访", AC_NONE},
    [P_CASE_CALLBACK] = {"case:callback", "回访", "信访", AC_NONE},
    [P_CASE_CLOSE] = {"case:close", "办结", "信访", AC_NONE},
    [P_CASE_EXTEND_REQUEST] = {"case:extend_request", "申请延期", "信访", AC_NONE},
    [P_CASE_EXTEND_APPROVE] = {"case:extend_approve", "审批延期", "信访", AC_NONE},
    [P_CASE_SUPERVISE] = {"case:supervise", "督办、包案和下访", "信访", AC_NONE},
    [P_CASE_REVIEW] = {"case:review", "登记复查复核申请", "信访", AC_NONE},
    [P_CASE_PII] = {"case:pii", "查看完整身份证号和电话", "信访", AC_NONE},
    [P_CASE_REPORT] = {"case:report", "查看和办理检举控告", "信访", AC_NONE},
    [P_CASE_EXPORT] = {"case:export", "导出信访事项", "信访", AC_NONE},
    [P_CASE_SETTINGS] = {"case:settings", "设置办理时限和重复件规则", "信访", AC_NONE},
    [P_RECEPTION_READ] = {"reception:read", "查看接访日", "接访日", AC_NONE},
};

int perm_from_code(const char *code)
{
    if (!code) return -1;
    for (int i = 0; i < P__COUNT; i++)
        if (strcmp(perm_table[i].code, code) == 0) return i;
    return -1;
}

int perm_classes(uint64_t mask)
{
    int c = 0;
    for (int i = 0; i < P__COUNT; i++)
        if (mask & perm_bit(i)) c |= perm_table[i].admin_class;
    return c;
}

int perm_violates_sod(uint64_t mask)
{
    int c = perm_classes(mask);
    return c != 0 && (c & (c - 1)) != 0; /* more than one bit set */
}

enum token_role_check perm_token_role_check(uint64_t mask)
{
    if (perm_classes(mask)) return TOKEN_ROLE_ADMIN;
    if (mask & PERM_TOKEN_PERSONAL) return TOKEN_ROLE_PERSONAL;
    return TOKEN_ROLE_OK;
}

const char *admin_class_code(int ac)
{
    switch (ac) {
    case AC_SYS: return "sys";
    case AC_SEC: return "sec";
    case AC_AUDIT: return "audit";
    }
    return NULL;
}

int admin_class_from_code(const char *code)
{
    if (!code) return AC_NONE;
    if (strcmp(code, "sys") == 0) return AC_SYS;
    if (strcmp(code, "sec") == 0) return AC_SEC;
    if (strcmp(code, "audit") == 0) return AC_AUDIT;
    return AC_NONE;
}

#define B(p) ((uint64_t)1 << (p))
#define READ_MASTER (B(P_REGION_READ) | B(P_UNIT_READ) | B(P_CADRE_READ) | B(P_DICT_READ))

const struct builtin_role builtin_roles[] = {
    /* The three administrators: disjoint classes, none can do the others' work. */
    {"sysadmin", "系统管理员", AC_SYS, DS_ALL,
     READ_MASTER | B(P_REGION_WRITE) | B(P_UNIT_WRITE) | B(P_CADRE_WRITE) | B(P_CADRE_EXPORT) |
         B(P_DICT_WRITE) | B(P_USER_READ) | B(P_USER_WRITE) | B(P_CASE_SETTINGS)},
    {"secadmin", "安全管理员", AC_SEC, DS_ALL,
     B(P_UNIT_READ) | B(P_USER_READ) | B(P_USER_GRANT) | B(P_ROLE_READ) | B(P_ROLE_WRITE) |
         B(P_TOKEN_MANAGE) | B(P_SECURITY_READ) | B(P_SECURITY_WRITE)},
    {"auditadmin", "审计管理员", AC_AUDIT, DS_ALL, B(P_AUDIT_READ) | B(P_LOGINLOG_READ)},
    /* Business roles (demo and a sensible starting set). */
    /* County petition bureau: registers, accepts, dispatches, calls back and closes. */
    {"clerk", "信访登记员", AC_NONE, DS_UNIT_AND_BELOW,
     READ_MASTER | B(P_USER_READ) | B(P_CASE_READ) | B(P_CASE_INTAKE) | B(P_CASE_ACCEPT) | B(P_CASE_ASSIGN) |
         B(P_CASE_CALLBACK) | B(P_CASE_CLOSE) | B(P_CASE_REVIEW) | B(P_CASE_PII) | B(P_CASE_REPORT) |
         B(P_CASE_EXPORT) | B(P_RECEPTION_READ)},
    /* Handling unit: signs for, contacts the petitioner, replies, asks for an extension. */
    {"handler", "承办人", AC_NONE, DS_OWN_UNIT,
     READ_MASTER | B(P_USER_READ) | B(P_CASE_READ) | B(P_CASE_SIGN) | B(P_CASE_HANDLE) | B(P_CASE_REPLY) |
         B(P_CASE_EXTEND_REQUEST)},
    {"leader", "领导", AC_NONE, DS_ALL,
     READ_MASTER | B(P_CADRE_EXPORT) | B(P_USER_READ) | B(P_CASE_READ) | B(P_CASE_EXTEND_APPROVE) |
         B(P_CASE_SUPERVISE) | B(P_CASE_PII) | B(P_CASE_REPORT) | B(P_CASE_EXPORT) | B(P_RECEPTION_READ)},
    {"planner", "组织部规划督查", AC_NONE, DS_ALL,
     READ_MASTER | B(P_CADRE_WRITE) | B(P_CADRE_EXPORT) | B(P_RECEPTION_PLAN) | B(P_RECEPTION_READ) |
         B(P_CASE_READ)},
};
const int builtin_role_count = sizeof builtin_roles / sizeof builtin_roles[0];
