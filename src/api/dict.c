/* /api/v1/dicts: dictionaries (option lists) and their items. */
#include "api.h"

static const struct jv_field item_spec[] = {
    {"code", "编码", JV_STR, 1, 1, 32},
    {"label", "名称", JV_STR, 1, 1, 40},
    {"sort", "排序", JV_INT, 0, 0, 99999},
    {"enabled", "是否启用", JV_BOOL, 0, 0, 0},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

static int read_in(struct req *r, struct dict_item_in *in)
{
    int rc = req_check_body(r, item_spec, NELEM(item_spec));
    if (rc) return rc;
    in->code = jv_str(r->json, "code", "");
    in->label = jv_str(r->json, "label", "");
    in->sort = jv_int(r->json, "sort", 0);
    in->enabled = jv_bool(r->json, "enabled", 1);
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    if (strspn(in->code, ok) != strlen(in->code))
        return req_fail(r, SX_EVALIDATION, "code", "编码只能由字母、数字、下划线和连字符组成");
    return SX_OK;
}

static int fail_field(struct req *r, int rc, const char *field)
{
    if (rc == SX_EDUPLICATE && field && !strcmp(field, "label"))
        return req_fail(r, rc, field, "该字典中已有同名选项");
    if (rc == SX_EDUPLICATE) return req_fail(r, rc, "code", "该字典中已有相同编码的选项");
    if (rc == SX_EREFERENCED)
        return req_fail(r, rc, NULL, "该专业特长仍有干部在使用，不能删除（可改为停用）");
    if (rc == SX_ENOTFOUND) return req_fail(r, rc, NULL, "字典或字典项不存在");
    return req_fail(r, rc, field, NULL);
}

static int types(struct req *r)
{
    json_t *items = NULL;
    int rc = st_dict_types(req_db(r), &items);
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int items(struct req *r)
{
    int64_t enabled;
    int rc = req_query_int(r, "enabled", -1, 0, 1, &enabled);
    if (rc) return rc;
    json_t *arr = NULL;
    if ((rc = st_dict_items(req_db(r), r->params[0], enabled, &arr))) return fail_field(r, rc, NULL);
    return reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

static int create(struct req *r)
{
    struct dict_item_in in;
    int rc = read_in(r, &in);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL;
    if ((rc = st_dict_item_create(req_db(r), &a, r->params[0], &in, &o, &field))) return fail_field(r, rc, field);
    return api_reply_record(r, 201, o);
}

static int update(struct req *r)
{
    int64_t id, version;
    int from_header;
    struct dict_item_in in;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = read_in(r, &in)) || (rc = req_expected_version(r, &version, &from_header))) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL;
    rc = st_dict_item_update(req_db(r), &a, id, version, &in, &o, &field);
    if (rc == SX_EVERSION) return req_version_mismatch(r, from_header);
    if (rc) return fail_field(r, rc, field);
    return api_reply_record(r, 200, o);
}

static int del(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if ((rc = st_dict_item_delete(req_db(r), &a, id))) return fail_field(r, rc, NULL);
    return reply_empty(r, 204);
}

const struct route dict_routes[] = {
    {M_GET, "/api/v1/dicts", P_DICT_READ, types, 0, "字典类型列表"},
    {M_GET, "/api/v1/dicts/{type}/items", P_DICT_READ, items, 0, "字典项列表"},
    {M_POST, "/api/v1/dicts/{type}/items", P_DICT_WRITE, create, 0, "新增字典项"},
    {M_PUT, "/api/v1/dict-items/{id}", P_DICT_WRITE, update, 0, "修改字典项"},
    {M_DELETE, "/api/v1/dict-items/{id}", P_DICT_WRITE, del, 0, "删除字典项"},
    ROUTES_END,
};
