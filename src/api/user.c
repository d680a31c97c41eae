/* /api/v1/users: accounts, their status and password resets, and role assignment (三员分立).
 * The acting user's data scope limits which accounts they see and change. */
#include "api.h"
#include "../domain/password.h"
#include <sodium.h>

static const struct scope scope_all = {.all = 1};

static int fail_field(struct req *r, int rc, const char *field)
{
    if (rc == SX_EDUPLICATE) return req_fail(r, rc, "username", "用户名已存在");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "unit_id")) return req_fail(r, rc, field, "所属单位不存在");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "cadre_id")) return req_fail(r, rc, field, "关联干部不存在");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "role_ids")) return req_fail(r, rc, field, "所选角色不存在");
    if (rc == SX_EREFERENCED) return req_fail(r, rc, field, "关联的单位或干部不存在");
    return req_fail(r, rc, field, NULL);
}

/* The account as the acting user may see it; 404 outside their data scope. */
static int load_visible(struct req *r, int64_t id, json_t **o)
{
    int rc = st_user_get(req_db(r), &r->who.scope, id, o);
    return rc ? api_rc(r, rc) : SX_OK;
}

static int reply_user(struct req *r, int status, int64_t id)
{
    json_t *o;
    int rc = st_user_get(req_db(r), &scope_all, id, &o);
    if (rc) return api_rc(r, rc);
    return api_reply_record(r, status, o);
}

static int list(struct req *r)
{
    struct paging pg;
    struct user_filter f = {0};
    int rc;
    if ((rc = req_paging(r, &pg)) || (rc = req_query_int(r, "unit_id", 0, 1, INT32_MAX, &f.unit_id)) ||
        (rc = req_query_int(r, "role_id", 0, 1, INT32_MAX, &f.role_id)))
        return rc;
    f.status = req_query(r, "status");
    if (f.status && !*f.status) f.status = NULL;
    if (f.status && strcmp(f.status, "active") && strcmp(f.status, "disabled"))
        return req_fail(r, SX_EBADQUERY, "status", "状态只能是 active 或 disabled");
    json_t *items;
    int64_t total;
    if ((rc = st_user_list(req_db(r), &r->who.scope, &f, &pg, &items, &total)))
        return api_rc(r, rc);
    return api_reply_page(r, items, total, &pg);
}

static int get(struct req *r)
{
    int64_t id;
    json_t *o;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = load_visible(r, id, &o))) return rc;
    return api_reply_record(r, 200, o);
}

/* Weak password → 422 naming field; otherwise hashes pw into hash. */
static int check_and_hash(struct req *r, const char *pw, const char *username, char hash[PASSWORD_HASH_BYTES])
{
    struct security_policy pol;
    int rc = st_policy_get(req_db(r), &pol);
    if (rc) return api_rc(r, rc);
    const char *why = NULL;
    if (password_check(pw, pol.password_min_length, username, &why))
        return req_fail(r, SX_EWEAKPASSWORD, "password",
                        arena_printf(&r->arena, "%s（至少%lld位，且包含大写字母、小写字母、数字、特殊字符中的三类）",
                                     why ? why : "密码强度不足", (long long)pol.password_min_length));
    if ((rc = password_hash(pw, hash))) return req_fail(r, rc, NULL, NULL);
    return SX_OK;
}

static int create(struct req *r)
{
    static const struct jv_field spec[] = {
        {"username", "用户名", JV_STR, 1, 3, 32},
        {"display_name", "姓名", JV_STR, 1, 1, 30},
        {"unit_id", "所属单位", JV_INT, 1, 1, INT32_MAX},
        {"cadre_id", "关联干部", JV_INT, 0, 1, INT32_MAX},
        {"password", "密码", JV_STR, 1, 1, PASSWORD_MAX_BYTES},
    };
    int rc = req_check_body(r, spec, NELEM(spec));
    if (rc) return rc;
    struct user_in in = {.username = jv_str(r->json, "username", ""),
                         .display_name = jv_str(r->json, "display_name", ""),
                         .unit_id = jv_int(r->json, "unit_id", 0),
                         .cadre_id = jv_int(r->json, "cadre_id", 0),
                         .has_display_name = 1, .has_unit = 1, .has_cadre = 1};
    const char *ok = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
    if (strspn(in.username, ok) != strlen(in.username))
        return req_fail(r, SX_EVALIDATION, "username", "用户名只能包含字母、数字、下划线、点和连字符");
    char hash[PASSWORD_HASH_BYTES];
    if ((rc = check_and_hash(r, jv_str(r->json, "password", ""), in.username, hash))) return rc;
    in.password_hash = hash;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    int64_t id;
    const char *field = NULL;
    rc = st_user_create(req_db(r), &a, &in, &id, &field);
    sodium_memzero(hash, sizeof hash);
    if (rc) return fail_field(r, rc, field);
    return reply_user(r, 201, id);
}

/* 三员分立: the system administrator manages accounts, but not the accounts of the security
 * or audit administrators (nor may they manage each other's): an administrator account can
 * only be changed by an actor of the same class (or from the command line). */
static int check_admin_target(struct req *r, int64_t id)
{
    uint64_t mask;
    struct scope sc;
    int rc = st_principal_load(req_db(r), id, 0, 0, "", &mask, &sc);
    if (rc) return api_rc(r, rc);
    int target = perm_classes(mask), mine = perm_classes(r->who.perms);
    if (target && (target & ~mine))
        return req_fail(r, SX_ESOD, NULL, "三员分立：不能停用、修改或重置其他类别管理员的账号");
    return SX_OK;
}

static int update(struct req *r)
{
    static const struct jv_field spec[] = {
        {"display_name", "姓名", JV_STR, 0, 1, 30},
        {"unit_id", "所属单位", JV_INT, 0, 1, INT32_MAX},
        {"cadre_id", "关联干部", JV_INT, 0, 1, INT32_MAX},
        {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
    };
    int64_t id, version;
    int from_header;
    json_t *o;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = req_check_body(r, spec, NELEM(spec))) || (rc = req_expected_version(r, &version, &from_header)) ||
        (rc = load_visible(r, id, &o)))
        return rc;
    json_decref(o);
    if ((rc = check_admin_target(r, id))) return rc;
    /* Absent fields stay; cadre_id null unlinks the cadre. */
    struct user_in in = {.display_name = jv_str(r->json, "display_name", NULL),
                         .unit_id = jv_int(r->json, "unit_id", 0),
                         .cadre_id = jv_int(r->json, "cadre_id", 0),
                         .has_display_name = jv_has(r->json, "display_name"),
                         .has_unit = jv_has(r->json, "unit_id"),
                         .has_cadre = json_object_get(r->json, "cadre_id") != NULL};
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    const char *field = NULL;
    rc = st_user_update(req_db(r), &a, id, version, &in, &field);
    if (rc == SX_EVERSION) return req_version_mismatch(r, from_header);
    if (rc) return fail_field(r, rc, field);
    return reply_user(r, 200, id);
}

static int user_op(struct req *r, enum user_op op)
{
    int64_t id;
    json_t *o;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = load_visible(r, id, &o))) return rc;
    json_decref(o);
    if (op == USER_DISABLE && id == r->who.user_id) return req_fail(r, SX_ECONFLICT, NULL, "不能停用自己的账号");
    if ((rc = check_admin_target(r, id))) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if ((rc = st_user_op(req_db(r), &a, id, op))) return api_rc(r, rc);
    return reply_user(r, 200, id);
}

static int disable(struct req *r) { return user_op(r, USER_DISABLE); }
static int enable(struct req *r) { return user_op(r, USER_ENABLE); }
static int unlock(struct req *r) { return user_op(r, USER_UNLOCK); }

static int reset_password(struct req *r)
{
    static const struct jv_field spec[] = {{"password", "新密码", JV_STR, 1, 1, PASSWORD_MAX_BYTES}};
    int64_t id;
    json_t *o;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = req_check_body(r, spec, NELEM(spec))) || (rc = load_visible(r, id, &o))) return rc;
    const char *username = arena_strdup(&r->arena, jv_str(o, "username", ""));
    json_decref(o);
    if (id == r->who.user_id) return req_fail(r, SX_ECONFLICT, NULL, "请通过“修改密码”修改自己的密码");
    if ((rc = check_admin_target(r, id))) return rc;
    char hash[PASSWORD_HASH_BYTES];
    if ((rc = check_and_hash(r, jv_str(r->json, "password", ""), username, hash))) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    rc = st_user_reset_password(req_db(r), &a, id, hash);
    sodium_memzero(hash, sizeof hash);
    if (rc) return api_rc(r, rc);
    return reply_empty(r, 204);
}

static int set_roles(struct req *r)
{
    static const struct jv_field spec[] = {
        {"role_ids", "角色", JV_INT_ARRAY, 1, 0, 50},
        {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
    };
    int64_t id, version;
    int from_header;
    json_t *o;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = req_check_body(r, spec, NELEM(spec))) || (rc = req_expected_version(r, &version, &from_header)) ||
        (rc = load_visible(r, id, &o)))
        return rc;
    json_decref(o);
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if (id == r->who.user_id) {
        st_audit(req_db(r), &a, "user.grant", "user", api_id_text(r, id), 0, "不能为自己分配角色");
        return req_fail(r, SX_ESOD, "role_ids", "违反三员分立：不能为自己分配角色");
    }
    json_t *arr = json_object_get(r->json, "role_ids");
    size_t n = json_array_size(arr);
    int64_t *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++) ids[i] = json_integer_value(json_array_get(arr, i));
    const char *field = NULL;
    rc = st_user_set_roles(req_db(r), &a, id, version, ids, n, &field);
    if (rc == SX_EVERSION) return req_version_mismatch(r, from_header);
    if (rc == SX_ESOD) {
        st_audit(req_db(r), &a, "user.grant", "user", api_id_text(r, id), 0, "违反三员分立，拒绝分配");
        return req_fail(r, rc, "role_ids", NULL);
    }
    if (rc) return fail_field(r, rc, field);
    return reply_user(r, 200, id);
}

const struct route user_routes[] = {
    {M_GET, "/api/v1/users", P_USER_READ, list, 0, "用户列表"},
    {M_POST, "/api/v1/users", P_USER_WRITE, create, 0, "新增用户"},
    {M_GET, "/api/v1/users/{id}", P_USER_READ, get, 0, "用户详情"},
    {M_PUT, "/api/v1/users/{id}", P_USER_WRITE, update, 0, "修改用户"},
    {M_POST, "/api/v1/users/{id}/disable", P_USER_WRITE, disable, 0, "停用用户"},
    {M_POST, "/api/v1/users/{id}/enable", P_USER_WRITE, enable, 0, "启用用户"},
    {M_POST, "/api/v1/users/{id}/unlock", P_USER_WRITE, unlock, 0, "解锁用户"},
    {M_POST, "/api/v1/users/{id}/reset-password", P_USER_WRITE, reset_password, 0, "重置用户密码"},
    {M_PUT, "/api/v1/users/{id}/roles", P_USER_GRANT, set_roles, 0, "分配用户角色"},
    ROUTES_END,
};
