/* /api/v1/settings/security: the security policy (security administrator). */
#include "api.h"
#include "../app/settings.h"

static int get(struct req *r)
{
    json_t *o;
    int rc = st_settings_security_json(req_db(r), &o);
    if (rc) return api_rc(r, rc);
    return api_reply_record(r, 200, o);
}

/* The fields added after the first release may be left out: they keep their current value, so
 * a client that does not know them yet does not reset them. */
static int put(struct req *r)
{
    static const struct jv_field spec[] = {
        {"password_min_length", "密码最小长度", JV_INT, 1, 8, 64},
        {"password_max_age_days", "密码最长使用天数", JV_INT, 1, 0, 3650},
        {"lockout_threshold", "登录失败锁定次数", JV_INT, 1, 1, 100},
        {"lockout_minutes", "锁定时长（分钟）", JV_INT, 1, 1, 1440},
        {"session_idle_minutes", "空闲超时（分钟）", JV_INT, 1, 1, 1440},
        {"audit_retention_days", "审计日志保存天数", JV_INT, 1, 180, 36500},
        {"address_lockout_threshold", "同一地址登录失败限制次数", JV_INT, 0, 1, 10000},
        {"session_max_hours", "会话最长时长（小时）", JV_INT, 0, 1, 720},
        {"token_max_days", "API令牌最长有效天数", JV_INT, 0, 1, 3650},
        {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
    };
    int rc = req_check_body(r, spec, NELEM(spec));
    int64_t version;
    int from_header;
    if (rc || (rc = req_expected_version(r, &version, &from_header))) return rc;
    struct security_policy cur;
    if ((rc = st_policy_get(req_db(r), &cur))) return api_rc(r, rc);
    struct security_policy p = {
        .password_min_length = jv_int(r->json, "password_min_length", 8),
        .password_max_age_days = jv_int(r->json, "password_max_age_days", 90),
        .lockout_threshold = jv_int(r->json, "lockout_threshold", 5),
        .lockout_minutes = jv_int(r->json, "lockout_minutes", 10),
        .session_idle_minutes = jv_int(r->json, "session_idle_minutes", 30),
        .audit_retention_days = jv_int(r->json, "audit_retention_days", 180),
        .address_lockout_threshold = jv_int(r->json, "address_lockout_threshold", cur.address_lockout_threshold),
        .session_max_hours = jv_int(r->json, "session_max_hours", cur.session_max_hours),
        .token_max_days = jv_int(r->json, "token_max_days", cur.token_max_days),
    };
    struct security_change ch = {.p = p, .version = version};
    if ((rc = api_write(r, app_security_update, &ch, from_header))) return rc;
    json_t *o;
    if ((rc = st_settings_security_json(req_db(r), &o))) return api_rc(r, rc);
    return api_reply_record(r, 200, o);
}

const struct route settings_routes[] = {
    {M_GET, "/api/v1/settings/security", P_SECURITY_READ, get, 0, "安全策略"},
    {M_PUT, "/api/v1/settings/security", P_SECURITY_WRITE, put, 0, "修改安全策略"},
    ROUTES_END,
};
