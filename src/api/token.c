/* /api/v1/tokens: API tokens for integrations. The secret is shown once; only its hash is kept.
 * A token is its own integration account (集成账号) in one unit, acting through one role that
 * carries neither administrator permissions (三员分立) nor personal-data ones (case:pii,
 * case:report): it is never a way to act as a person. Every token expires. */
#include "api.h"
#include <sodium.h>

static int fail_field(struct req *r, int rc, const char *field)
{
    if (rc == SX_ESOD) return req_fail(r, rc, "role_id", "违反三员分立：集成令牌不能授予管理员权限");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "role_id"))
        return req_fail(r, SX_EVALIDATION, field,
                        "集成令牌的角色不能包含“查看完整身份证号和电话”或“查看和办理检举控告”权限，请选择或新建不含这两项权限的角色");
    if (rc == SX_ENOTFOUND && field && !strcmp(field, "unit_id")) return req_fail(r, SX_EVALIDATION, field, "所属单位不存在");
    if (rc == SX_ENOTFOUND && field && !strcmp(field, "role_id")) return req_fail(r, SX_EVALIDATION, field, "角色不存在");
    if (rc == SX_EDUPLICATE) return req_fail(r, rc, "name", "该令牌名称已被使用（已吊销令牌的名称也不能再用）");
    if (rc == SX_ECONFLICT) return req_fail(r, rc, NULL, "该令牌已吊销");
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

/* expires_days: absent → the policy's maximum; more than it → 422. */
static int expiry_days(struct req *r, int64_t *days)
{
    struct security_policy pol;
    int rc = st_policy_get(req_db(r), &pol);
    if (rc) return api_rc(r, rc);
    *days = jv_int(r->json, "expires_days", pol.token_max_days);
    if (*days > pol.token_max_days)
        return req_fail(r, SX_EVALIDATION, "expires_days",
                        arena_printf(&r->arena, "有效天数不能超过安全策略规定的最长%lld天", (long long)pol.token_max_days));
    return SX_OK;
}

static int create(struct req *r)
{
    static const struct jv_field spec[] = {
        {"name", "令牌名称", JV_STR, 1, 1, 40},
        {"unit_id", "所属单位", JV_INT, 1, 1, INT32_MAX},
        {"role_id", "角色", JV_INT, 1, 1, INT32_MAX},
        {"expires_days", "有效天数", JV_INT, 0, 1, 3650},
    };
    int64_t days;
    int rc = req_check_body(r, spec, NELEM(spec));
    if (rc || (rc = expiry_days(r, &days))) return rc;
    char secret[68], hash[65], prefix[9];
    memcpy(secret, "sx_", 3);
    auth_random_hex(secret + 3);
    auth_hash_secret(secret, hash);
    snprintf(prefix, sizeof prefix, "%.8s", secret);
    struct token_in in = {.name = jv_str(r->json, "name", ""), .hash = hash, .prefix = prefix,
                          .unit_id = jv_int(r->json, "unit_id", 0), .role_id = jv_int(r->json, "role_id", 0),
                          .expires_days = days};
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
