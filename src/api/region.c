/* /api/v1/regions: the administrative region tree. */
#include "api.h"
#include "../domain/tree.h"

static const struct jv_field region_spec[] = {
    {"code", "区划代码", JV_STR, 1, 1, 20},
    {"name", "名称", JV_STR, 1, 1, 50},
    {"level", "层级", JV_INT, 1, 1, 4},
    {"parent_id", "上级区划", JV_INT, 0, 1, INT32_MAX},
    {"sort", "排序", JV_INT, 0, 0, 99999},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

static int read_in(struct req *r, struct region_in *in)
{
    int rc = req_check_body(r, region_spec, NELEM(region_spec));
    if (rc) return rc;
    in->code = jv_str(r->json, "code", "");
    in->name = jv_str(r->json, "name", "");
    in->level = jv_int(r->json, "level", 0);
    in->parent_id = jv_int(r->json, "parent_id", 0);
    in->sort = jv_int(r->json, "sort", 0);
    if (strspn(in->code, "0123456789") != strlen(in->code))
        return req_fail(r, SX_EVALIDATION, "code", "区划代码只能由数字组成");
    return SX_OK;
}

static int fail_field(struct req *r, int rc, const char *field)
{
    if (rc == SX_EVALIDATION && field && !strcmp(field, "parent_id"))
        return req_fail(r, rc, field, "上级区划不存在，或层级与上级不衔接（地区→县→乡镇→村/社区）");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "level"))
        return req_fail(r, rc, field, "该区划有下级，层级不能改变");
    if (rc == SX_EDUPLICATE) return req_fail(r, rc, "code", "区划代码已存在");
    if (rc == SX_EREFERENCED) return req_fail(r, rc, NULL, "该区划下还有下级区划或单位，不能删除");
    return req_fail(r, rc, field, NULL);
}

static int list(struct req *r)
{
    struct db *db = req_db(r);
    json_t *items = NULL;
    int rc;
    const char *tree = req_query(r, "tree");
    if (tree && strcmp(tree, "0") != 0) {
        if ((rc = st_region_all(db, &items))) return api_rc(r, rc);
        return reply_json(r, 200, json_pack("{s:o}", "items", tree_build(items)));
    }
    struct paging pg;
    struct region_filter f = {-1, 0};
    if ((rc = req_paging(r, &pg)) || (rc = req_query_int(r, "parent_id", -1, 0, INT32_MAX, &f.parent_id)) ||
        (rc = req_query_int(r, "level", 0, 1, 4, &f.level)))
        return rc;
    int64_t total;
    if ((rc = st_region_list(db, &f, &pg, &items, &total)))
        return api_rc(r, rc);
    return api_reply_page(r, items, total, &pg);
}

static int get(struct req *r)
{
    int64_t id;
    json_t *o;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    if ((rc = st_region_get(req_db(r), id, &o))) return api_rc(r, rc);
    return api_reply_record(r, 200, o);
}

static int create(struct req *r)
{
    struct region_in in;
    int rc = read_in(r, &in);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL;
    if ((rc = st_region_create(req_db(r), &a, &in, &o, &field))) return fail_field(r, rc, field);
    return api_reply_record(r, 201, o);
}

static int update(struct req *r)
{
    int64_t id, version;
    int from_header;
    struct region_in in;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = read_in(r, &in)) || (rc = req_expected_version(r, &version, &from_header))) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL;
    rc = st_region_update(req_db(r), &a, id, version, &in, &o, &field);
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
    if ((rc = st_region_delete(req_db(r), &a, id))) return fail_field(r, rc, NULL);
    return reply_empty(r, 204);
}

const struct route region_routes[] = {
    {M_GET, "/api/v1/regions", P_REGION_READ, list, 0, "行政区划列表"},
    {M_POST, "/api/v1/regions", P_REGION_WRITE, create, 0, "新增行政区划"},
    {M_GET, "/api/v1/regions/{id}", P_REGION_READ, get, 0, "行政区划详情"},
    {M_PUT, "/api/v1/regions/{id}", P_REGION_WRITE, update, 0, "修改行政区划"},
    {M_DELETE, "/api/v1/regions/{id}", P_REGION_WRITE, del, 0, "删除行政区划"},
    ROUTES_END,
};
