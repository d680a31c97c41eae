/* /api/v1/auth: login, logout, who am I, change password. */
#include "api.h"
#include "../domain/password.h"
#include "../http/server.h"
#include "../util/str.h"
#include <sodium.h>
#include <time.h>

static void set_session_cookie(struct req *r, const char *value, int max_age)
{
    char c[256];
    snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", SESSION_COOKIE, value,
             r->https ? "; Secure" : "", max_age == 0 ? "; Max-Age=0" : "");
    req_add_header(r, "Set-Cookie", c);
}

static json_t *me_json(struct req *r, int64_t user_id, uint64_t perms, int must_change, int expired)
{
    struct db *db = req_db(r);
    json_t *u = NULL, *roles = NULL;
    if (st_user_brief(db, user_id, &u)) return NULL;
    if (st_user_roles_json(db, user_id, &roles)) {
        json_decref(u);
        return NULL;
    }
    json_t *p = json_array();
    for (int i = 0; i < P__COUNT; i++)
        if (perms & perm_bit(i)) json_array_append_new(p, json_string(perm_table[i].code));
    json_object_set_new(u, "roles", roles);
    json_object_set_new(u, "permissions", p);
    json_object_set_new(u, "must_change_password", json_boolean(must_change));
    json_object_set_new(u, "password_expired", json_boolean(expired));
    return u;
}

static int login(struct req *r)
{
    static const struct jv_field spec[] = {
        {"username", "用户名", JV_STR, 1, 1, 64},
        {"password", "密码", JV_STR, 1, 1, 128},
    };
    if (!ratelimit_allow("login", r->ip, server_login_rate())) return req_fail(r, SX_ERATE, NULL, "登录尝试过于频繁，请稍后再试");
    int rc = req_check_body(r, spec, NELEM(spec));
    if (rc) return rc;
    const char *username = jv_str(r->json, "username", ""), *pw = jv_str(r->json, "password", "");
    struct db *db = req_db(r);
    struct security_policy pol;
    if ((rc = st_policy_get(db, &pol))) return api_rc(r, rc);
    struct audit_ctx a = {0, username, r->ip};
    struct login_row u;
    rc = st_login_lookup(db, username, &u);
    if (rc && rc != SX_ENOTFOUND) return api_rc(r, rc);
    int64_t now = (int64_t)time(NULL);
    int locked = 0;
    if (rc == SX_ENOTFOUND) {
        if (password_match(NULL, pw) == SX_EBUSY) return req_fail(r, SX_EBUSY, NULL, NULL); /* same work as a real account */
        st_login_failed(db, &a, 0, 0, 0, &locked, "用户不存在");
        return req_fail(r, SX_ECREDS, NULL, NULL);
    }
    a.user_id = u.id;
    if (u.locked_until > now) {
        if (password_match(NULL, pw) == SX_EBUSY) return req_fail(r, SX_EBUSY, NULL, NULL);
        st_audit(db, &a, "auth.login_failed", "user", api_id_text(r, u.id), 0, "账号锁定期间尝试登录");
        int64_t mins = (u.locked_until - now + 59) / 60;
        return req_fail(r, SX_ELOCKED, NULL,
                        arena_printf(&r->arena, "连续登录失败次数过多，账号已锁定，请%lld分钟后再试", (long long)mins));
    }
    if ((rc = password_match(u.hash, pw)) == SX_EBUSY) return req_fail(r, rc, NULL, NULL); /* not a failed attempt */
    if (rc) {
        rc = st_login_failed(db, &a, u.id, pol.lockout_threshold, pol.lockout_minutes * 60, &locked, "密码错误");
        if (rc) return api_rc(r, rc);
        if (locked)
            return req_fail(r, SX_ELOCKED, NULL,
                            arena_printf(&r->arena, "连续登录失败次数过多，账号已锁定，请%lld分钟后再试",
                                         (long long)pol.lockout_minutes));
        return req_fail(r, SX_ECREDS, NULL, NULL);
    }
    if (u.disabled) {
        st_audit(db, &a, "auth.login_failed", "user", api_id_text(r, u.id), 0, "账号已停用");
        return req_fail(r, SX_EDISABLED, NULL, NULL);
    }
    char sid[65], sid_hash[65], csrf[65];
    auth_random_hex(sid);
    auth_random_hex(csrf);
    auth_hash_secret(sid, sid_hash);
    if ((rc = st_login_ok(db, &a, u.id, sid_hash, csrf, r->ip))) return api_rc(r, rc);
    set_session_cookie(r, sid, -1);
    str_copy(r->who.username, sizeof r->who.username, u.username); /* for the access log */
    sodium_memzero(sid, sizeof sid);
    uint64_t perms;
    struct scope sc;
    if ((rc = st_principal_load(db, u.id, 0, u.unit_id, "", &perms, &sc))) return api_rc(r, rc);
    int expired = password_expired(u.password_changed_at, pol.password_max_age_days, now);
    json_t *me = me_json(r, u.id, perms, u.must_change || expired, expired);
    if (!me) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    return reply_json(r, 200, json_pack("{s:o,s:s,s:b,s:b,s:I}", "user", me, "csrf_token", csrf,
                                        "must_change_password", u.must_change || expired, "password_expired",
                                        expired, "session_idle_minutes", (json_int_t)pol.session_idle_minutes));
}

static int logout(struct req *r)
{
    struct db *db = req_db(r);
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if (r->who.session_hash[0]) st_session_delete(db, r->who.session_hash);
    st_audit(db, &a, "auth.logout", "user", api_id_text(r, r->who.user_id), 1, "");
    set_session_cookie(r, "", 0);
    return reply_empty(r, 204);
}

static int me(struct req *r)
{
    json_t *u = me_json(r, r->who.user_id, r->who.perms, r->who.must_change, r->who.password_expired);
    if (!u) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    struct security_policy pol;
    st_policy_get(req_db(r), &pol);
    return reply_json(r, 200, json_pack("{s:o,s:s,s:I,s:s}", "user", u, "csrf_token", r->who.csrf,
                                        "session_idle_minutes", (json_int_t)pol.session_idle_minutes,
                                        "timezone", tz_name()));
}

static int change_password(struct req *r)
{
    static const struct jv_field spec[] = {
        {"old_password", "原密码", JV_STR, 1, 1, 128},
        {"new_password", "新密码", JV_STR, 1, 1, 128},
    };
    int rc = req_check_body(r, spec, NELEM(spec));
    if (rc) return rc;
    if (r->who.token_id) return req_fail(r, SX_EFORBIDDEN, NULL, "API 令牌不能修改密码");
    struct db *db = req_db(r);
    const char *oldpw = jv_str(r->json, "old_password", ""), *newpw = jv_str(r->json, "new_password", "");
    struct login_row u;
    if ((rc = st_login_lookup(db, r->who.username, &u))) return api_rc(r, rc);
    if ((rc = password_match(u.hash, oldpw)) == SX_EBUSY) return req_fail(r, rc, NULL, NULL);
    if (rc) return req_fail(r, SX_EVALIDATION, "old_password", "原密码不正确");
    struct security_policy pol;
    if ((rc = st_policy_get(db, &pol))) return api_rc(r, rc);
    const char *why = NULL;
    if (password_check(newpw, pol.password_min_length, r->who.username, &why))
        return req_fail(r, SX_EWEAKPASSWORD, "new_password",
                        arena_printf(&r->arena, "%s（至少%lld位，且包含大写字母、小写字母、数字、特殊字符中的三类）", why,
                                     (long long)pol.password_min_length));
    if (strcmp(oldpw, newpw) == 0) return req_fail(r, SX_EVALIDATION, "new_password", "新密码不能与原密码相同");
    char hash[PASSWORD_HASH_BYTES];
    if ((rc = password_hash(newpw, hash))) return req_fail(r, rc, NULL, NULL);
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if ((rc = st_password_set(db, &a, r->who.user_id, hash, 0, "auth.password_change", r->who.session_hash))) return api_rc(r, rc);
    return reply_empty(r, 204);
}

const struct route auth_routes[] = {
    {M_POST, "/api/v1/auth/login", P_PUBLIC, login, 0, "登录"},
    {M_POST, "/api/v1/auth/logout", P_AUTHENTICATED, logout, RF_PWCHANGE_OK, "退出登录"},
    {M_GET, "/api/v1/auth/me", P_AUTHENTICATED, me, RF_PWCHANGE_OK, "当前用户"},
    {M_POST, "/api/v1/auth/password", P_AUTHENTICATED, change_password, RF_PWCHANGE_OK, "修改密码"},
    ROUTES_END,
};
