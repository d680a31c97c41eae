/* /api/v1/roles and /api/v1/permissions: roles with their permissions and data scope.
 * 三员分立: no role mixes two administrator classes, and no change may give a user two. */
#include "api.h"

static const struct jv_field create_spec[] = {
    {"code", "角色编码", JV_STR, 1, 2, 32},
    {"name", "角色名称", JV_STR, 1, 1, 30},
    {"permissions", "权限", JV_STR_ARRAY, 0, 0, P__COUNT},
    {"data_scope", "数据范围", JV_INT, 1, 1, 5},
    {"scope_unit_ids", "自定义数据范围单位", JV_INT_ARRAY, 0, 0, 1000},
};
static const struct jv_field update_spec[] = {
    {"code", "角色编码", JV_STR, 0, 2, 32},
    {"name", "角色名称", JV_STR, 0, 1, 30},
    {"permissions", "权限", JV_STR_ARRAY, 0, 0, P__COUNT},
    {"data_scope", "数据范围", JV_INT, 0, 1, 5},
    {"scope_unit_ids", "自定义数据范围单位", JV_INT_ARRAY, 0, 0, 1000},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

static int read_perms(struct req *r, struct role_in *in)
{
    json_t *arr = json_object_get(r->json, "permissions");
    in->has_perms = json_is_array(arr);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        int p = perm_from_code(json_string_value(v));
        if (p < 0)
            return req_fail(r, SX_EVALIDATION, "permissions",
                            arena_printf(&r->arena, "权限“%s”不存在", json_string_value(v)));
        in->perms |= perm_bit(p);
    }
    return SX_OK;
}

static int read_in(struct req *r, const struct jv_field *spec, size_t n, struct role_in *in)
{
    int rc = req_check_body(r, spec, n);
    if (rc) return rc;
    memset(in, 0, sizeof *in);
    in->has_code = jv_has(r->json, "code");
    in->code = jv_str(r->json, "code", NULL);
    in->name = jv_str(r->json, "name", NULL);
    in->has_scope = jv_has(r->json, "data_scope");
    in->data_scope = jv_int(r->json, "data_scope", DS_SELF);
    if (in->code && strspn(in->code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(in->code))
        return req_fail(r, SX_EVALIDATION, "code", "角色编码只能由小写字母、数字和下划线组成");
    json_t *units = json_object_get(r->json, "scope_unit_ids");
    in->has_scope_units = json_is_array(units);
    in->nscope = json_array_size(units);
    int64_t *ids = arena_alloc(&r->arena, (in->nscope ? in->nscope : 1) * sizeof *ids);
    for (size_t i = 0; i < in->nscope; i++) ids[i] = json_integer_value(json_array_get(units, i));
    in->scope_units = ids;
    return read_perms(r, in);
}

static int fail_field(struct req *r, int rc, const char *field)
{
    if (rc == SX_EDUPLICATE) return req_fail(r, rc, "code", "角色编码已存在");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "scope_unit_ids"))
        return req_fail(r, rc, field, "自定义数据范围中的单位不存在");
    if (rc == SX_ESOD && field && !strcmp(field, "holders"))
        return req_fail(r, rc, "permissions", "违反三员分立：修改后已分配该角色的用户将兼任两类管理员");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "tokens_personal"))
        return req_fail(r, rc, "permissions",
                        "该角色绑定了API令牌，集成令牌不能查看完整身份证号和电话或检举控告，请先吊销相关令牌");
    if (rc == SX_ESOD && field && !strcmp(field, "tokens"))
        return req_fail(r, rc, "permissions", "违反三员分立：该角色绑定了API令牌，集成令牌不能授予管理员权限");
    if (rc == SX_ESOD)
        return req_fail(r, rc, "permissions", "违反三员分立：一个角色不能同时包含两类管理员的权限");
    if (rc == SX_ECONFLICT && field && !strcmp(field, "code"))
        return req_fail(r, rc, field, "内置角色的编码不能修改");
    if (rc == SX_ECONFLICT && field)
        return req_fail(r, rc, field, "三员管理员角色的权限和数据范围由系统固定，只能修改名称");
    if (rc == SX_ECONFLICT) return req_fail(r, rc, NULL, "内置角色不能删除");
    if (rc == SX_EREFERENCED) return req_fail(r, rc, NULL, "该角色仍分配给用户或被API令牌引用，不能删除");
    return req_fail(r, rc, field, NULL);
}

/* token_allowed: whether an API token may act through the role (perm_token_role_check), so a
 * client can offer only those. */
static void mark_token_allowed(json_t *role)
{
    uint64_t mask = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(role, "permissions"), i, v)
    {
        int p = perm_from_code(json_string_value(v));
        if (p >= 0) mask |= perm_bit(p);
    }
    json_object_set_new(role, "token_allowed", json_boolean(perm_token_role_check(mask) == TOKEN_ROLE_OK));
}

static int reply_role(struct req *r, int status, int64_t id)
{
    json_t *o;
    int rc = st_role_get(req_db(r), id, &o);
    if (rc) return api_rc(r, rc);
    mark_token_allowed(o);
    return api_reply_record(r, status, o);
}

static int list(struct req *r)
{
    struct paging pg;
    int rc = req_paging(r, &pg);
    if (rc) return rc;
    json_t *items;
    int64_t total;
    if ((rc = st_role_list(req_db(r), &pg, &items, &total)))
        return api_rc(r, rc);
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) mark_token_allowed(o);
    return api_reply_page(r, items, total, &pg);
}

static int get(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    return reply_role(r, 200, id);
}

static int create(struct req *r)
{
    struct role_in in;
    int rc = read_in(r, create_spec, NELEM(create_spec), &in);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    int64_t id;
    const char *field = NULL;
    if ((rc = st_role_create(req_db(r), &a, &in, &id, &field))) {
        if (rc == SX_ESOD) st_audit(req_db(r), &a, "role.create", "role", in.code, 0, "违反三员分立，拒绝保存");
        return fail_field(r, rc, field);
    }
    return reply_role(r, 201, id);
}

static int update(struct req *r)
{
    int64_t id, version;
    int from_header;
    struct role_in in;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = read_in(r, update_spec, NELEM(update_spec), &in)) ||
        (rc = req_expected_version(r, &version, &from_header)))
        return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    const char *field = NULL;
    rc = st_role_update(req_db(r), &a, id, version, &in, &field);
    if (rc == SX_EVERSION) return req_version_mismatch(r, from_header);
    if (rc == SX_ESOD) st_audit(req_db(r), &a, "role.update", "role", api_id_text(r, id), 0, "违反三员分立，拒绝保存");
    if (rc) return fail_field(r, rc, field);
    return reply_role(r, 200, id);
}

static int del(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if ((rc = st_role_delete(req_db(r), &a, id))) return fail_field(r, rc, NULL);
    return reply_empty(r, 204);
}

static int permissions(struct req *r)
{
    json_t *items = json_array();
    for (int i = 0; i < P__COUNT; i++) {
        const char *ac = admin_class_code(perm_table[i].admin_class);
        json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s?}", "code", perm_table[i].code, "name",
                                               perm_table[i].name, "group", perm_table[i].group, "admin_class", ac));
    }
    return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

const struct route role_routes[] = {
    {M_GET, "/api/v1/permissions", P_ROLE_READ, permissions, 0, "权限清单"},
    {M_GET, "/api/v1/roles", P_ROLE_READ, list, 0, "角色列表"},
    {M_POST, "/api/v1/roles", P_ROLE_WRITE, create, 0, "新增角色"},
    {M_GET, "/api/v1/roles/{id}", P_ROLE_READ, get, 0, "角色详情"},
    {M_PUT, "/api/v1/roles/{id}", P_ROLE_WRITE, update, 0, "修改角色"},
    {M_DELETE, "/api/v1/roles/{id}", P_ROLE_WRITE, del, 0, "删除角色"},
    ROUTES_END,
};
