/* /api/v1/auth: login, logout, who am I, change password. */
#include "api.h"
#include "../domain/lockout.h"
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

/* The account with its roles and permissions. An API token (token_role_id > 0) acts through
 * its one role, which its integration account does not hold as a person holds roles. */
static json_t *me_json(struct req *r, int64_t user_id, int64_t token_role_id, uint64_t perms, int must_change,
                       int expired)
{
    struct db *db = req_db(r);
    json_t *u = NULL, *roles = NULL;
    if (st_user_brief(db, user_id, &u)) return NULL;
    if (token_role_id > 0 ? st_role_brief_json(db, token_role_id, &roles) : st_user_roles_json(db, user_id, &roles)) {
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

/* The one answer to an attempt refused by a lock, whatever the name: known and unknown names
 * lock alike, so the answer tells nothing about which names are accounts. */
static int refuse_locked(struct req *r, const struct login_locks *l)
{
    if (l->address_left > 0)
        return req_fail(r, SX_ERATE, NULL,
                        arena_printf(&r->arena, "此地址登录失败次数过多，已暂停登录，请%lld分钟后再试",
                                     (long long)lockout_minutes_left(l->address_left)));
    return req_fail(r, SX_ELOCKED, NULL,
                    arena_printf(&r->arena, "连续登录失败次数过多，该账号已被暂时锁定，请%lld分钟后再试",
                                 (long long)lockout_minutes_left(l->subject_left)));
}

/* Failures count against the account when the name is one, else against the typed name's
 * hash (never stored in clear), at the client's address bucket. */
static void login_subject_of(struct req *r, const char *username, int64_t user_id, struct login_subject *who)
{
    unsigned char h[32];
    char *hex = arena_alloc(&r->arena, 65), *addr = arena_alloc(&r->arena, 64);
    crypto_generichash(h, sizeof h, (const unsigned char *)username, strlen(username), NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof h);
    lockout_address(r->ip, addr, 64);
    who->user_id = user_id;
    who->name_hash = hex;
    who->address = addr;
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
    struct audit_ctx a = {.user_id = 0, .username = username, .ip = r->ip};
    struct login_row u;
    rc = st_login_lookup(db, username, &u);
    if (rc && rc != SX_ENOTFOUND) return api_rc(r, rc);
    int known = rc == SX_OK;
    struct login_subject who;
    login_subject_of(r, username, known ? u.id : 0, &who);
    a.user_id = who.user_id;
    const char *oid = known ? api_id_text(r, u.id) : "";
    int64_t now = (int64_t)time(NULL);
    struct login_locks locks;
    if ((rc = st_login_locks(db, &who, now, &locks))) return api_rc(r, rc);
    /* Refused before any password work, for known and unknown names alike. */
    if (locks.subject_left > 0 || locks.address_left > 0) {
        st_audit(db, &a, "auth.login_failed", "user", oid, 0,
                 locks.address_left > 0 ? "此地址登录受限期间尝试登录" : "锁定期间尝试登录");
        return refuse_locked(r, &locks);
    }
    /* An unknown name costs the same work as a real account. A busy answer (the Argon2id slots
     * are all taken) is not a failed attempt: 503, nothing counted. */
    if ((rc = password_match(known ? u.hash : NULL, pw)) == SX_EBUSY) return req_fail(r, rc, NULL, NULL);
    if (rc) {
        struct login_limits lim = {.threshold = pol.lockout_threshold,
                                   .address_threshold = pol.address_lockout_threshold,
                                   .window = pol.lockout_minutes * 60,
                                   .lock_seconds = pol.lockout_minutes * 60};
        rc = st_login_failed(db, &a, &who, &lim, now, known ? "密码错误" : "用户不存在", &locks);
        if (rc) return api_rc(r, rc);
        if (locks.subject_left > 0 || locks.address_left > 0) return refuse_locked(r, &locks);
        return req_fail(r, SX_ECREDS, NULL, NULL);
    }
    if (u.disabled) {
        st_audit(db, &a, "auth.login_failed", "user", oid, 0, "账号已停用");
        return req_fail(r, SX_EDISABLED, NULL, NULL);
    }
    char sid[65], sid_hash[65], csrf[65];
    auth_random_hex(sid);
    auth_random_hex(csrf);
    auth_hash_secret(sid, sid_hash);
    if ((rc = st_login_ok(db, &a, &who, sid_hash, csrf, r->ip))) return api_rc(r, rc);
    set_session_cookie(r, sid, -1);
    str_copy(r->who.username, sizeof r->who.username, u.username); /* for the access log */
    sodium_memzero(sid, sizeof sid);
    uint64_t perms;
    struct scope sc;
    if ((rc = st_principal_load(db, u.id, 0, u.unit_id, "", &perms, &sc))) return api_rc(r, rc);
    int expired = password_expired(u.password_changed_at, pol.password_max_age_days, now);
    json_t *me = me_json(r, u.id, 0, perms, u.must_change || expired, expired);
    if (!me) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    return reply_json(r, 200, json_pack("{s:o,s:s,s:b,s:b,s:I,s:I}", "user", me, "csrf_token", csrf,
                                        "must_change_password", u.must_change || expired, "password_expired",
                                        expired, "session_idle_minutes", (json_int_t)pol.session_idle_minutes,
                                        "session_max_hours", (json_int_t)pol.session_max_hours));
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
    json_t *u = me_json(r, r->who.user_id, r->who.token_id ? r->who.scope.token_role_id : 0, r->who.perms,
                        r->who.must_change, r->who.password_expired);
    if (!u) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    if (r->who.token_id) json_object_set_new(u, "token_id", json_integer(r->who.token_id));
    struct security_policy pol;
    st_policy_get(req_db(r), &pol);
    return reply_json(r, 200, json_pack("{s:o,s:s,s:I,s:I,s:s}", "user", u, "csrf_token", r->who.csrf,
                                        "session_idle_minutes", (json_int_t)pol.session_idle_minutes,
                                        "session_max_hours", (json_int_t)pol.session_max_hours,
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
