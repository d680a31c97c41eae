/* /api/v1/tokens: API tokens for integrations. The secret is shown once; only its sha256 is
 * kept. A token acts through one non-administrator role of its user (三员分立). */
#include "api.h"
#include <sodium.h>

static int fail_field(struct req *r, int rc, const char *field)
{
    if (rc == SX_ESOD) return req_fail(r, rc, "role_id", "违反三员分立：集成令牌不能授予管理员权限");
    if (rc == SX_ECONFLICT && field) return req_fail(r, rc, field, "该用户已停用，不能创建令牌");
    if (rc == SX_ECONFLICT) return req_fail(r, rc, NULL, "该令牌已吊销");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "user_id")) return req_fail(r, rc, field, "用户不存在");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "role_id"))
        return req_fail(r, rc, field, "角色不存在，或该用户不具有此角色");
    return req_fail(r, rc, field, NULL);
}

static int list(struct req *r)
{
    struct paging pg;
    int rc = req_paging(r, &pg);
    if (rc) return rc;
    json_t *items;
    int64_t total;
    if ((rc = st_token_list(req_db(r), &pg, &items, &total)))
        return api_rc(r, rc);
    return api_reply_page(r, items, total, &pg);
}

static int create(struct req *r)
{
    static const struct jv_field spec[] = {
        {"name", "令牌名称", JV_STR, 1, 1, 40},
        {"user_id", "绑定用户", JV_INT, 1, 1, INT32_MAX},
        {"role_id", "绑定角色", JV_INT, 1, 1, INT32_MAX},
        {"expires_days", "有效天数", JV_INT, 0, 1, 3650},
    };
    int rc = req_check_body(r, spec, NELEM(spec));
    if (rc) return rc;
    char secret[68], hash[65], prefix[9];
    memcpy(secret, "sx_", 3);
    auth_random_hex(secret + 3);
    auth_hash_secret(secret, hash);
    snprintf(prefix, sizeof prefix, "%.8s", secret);
    struct token_in in = {.name = jv_str(r->json, "name", ""), .hash = hash, .prefix = prefix,
                          .user_id = jv_int(r->json, "user_id", 0), .role_id = jv_int(r->json, "role_id", 0),
                          .expires_days = jv_int(r->json, "expires_days", 0)};
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    int64_t id;
    const char *field = NULL;
    json_t *tok = NULL;
    rc = st_token_create(req_db(r), &a, &in, &id, &field);
    if (!rc) rc = st_token_get_json(req_db(r), id, &tok);
    if (rc) {
        sodium_memzero(secret, sizeof secret);
        return fail_field(r, rc, field);
    }
    json_t *out = json_pack("{s:o,s:s}", "token", tok, "secret", secret);
    sodium_memzero(secret, sizeof secret);
    return reply_json(r, 201, out);
}

static int revoke(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if ((rc = st_token_revoke(req_db(r), &a, id))) return fail_field(r, rc, NULL);
    return reply_empty(r, 204);
}

const struct route token_routes[] = {
    {M_GET, "/api/v1/tokens", P_TOKEN_MANAGE, list, 0, "API令牌列表"},
    {M_POST, "/api/v1/tokens", P_TOKEN_MANAGE, create, 0, "创建API令牌"},
    {M_DELETE, "/api/v1/tokens/{id}", P_TOKEN_MANAGE, revoke, 0, "吊销API令牌"},
    ROUTES_END,
};
