/* /api/v1/units: the unit tree (government, departments, offices, townships). */
#include "api.h"
#include "../domain/tree.h"

static const struct jv_field unit_spec[] = {
    {"code", "单位代码", JV_STR, 0, 0, 20},
    {"name", "单位名称", JV_STR, 1, 1, 60},
    {"kind", "单位类型", JV_STR, 1, 1, 20},
    {"org_type", "机构类别", JV_STR, 0, 0, 20},
    {"parent_id", "上级单位", JV_INT, 0, 1, INT32_MAX},
    {"region_id", "所属区划", JV_INT, 1, 1, INT32_MAX},
    {"sort", "排序", JV_INT, 0, 0, 99999},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

static const char *const kinds[] = {"government", "department", "office", "township"};

static int kind_ok(const char *k)
{
    for (size_t i = 0; i < NELEM(kinds); i++)
        if (!strcmp(k, kinds[i])) return 1;
    return 0;
}

static int read_in(struct req *r, struct unit_in *in)
{
    int rc = req_check_body(r, unit_spec, NELEM(unit_spec));
    if (rc) return rc;
    in->code = jv_str(r->json, "code", NULL);
    if (in->code && !*in->code) in->code = NULL;
    in->name = jv_str(r->json, "name", "");
    in->kind = jv_str(r->json, "kind", "");
    in->org_type = jv_str(r->json, "org_type", "");
    if (!case_org_type_valid(in->org_type))
        return req_fail(r, SX_EVALIDATION, "org_type",
                        "机构类别只能为空、politics_law（政法机关）或 discipline（纪检监察机关）");
    in->parent_id = jv_int(r->json, "parent_id", 0);
    in->region_id = jv_int(r->json, "region_id", 0);
    in->sort = jv_int(r->json, "sort", 0);
    if (!kind_ok(in->kind))
        return req_fail(r, SX_EVALIDATION, "kind", "单位类型必须是政府、部门、处室或乡镇之一"
                                                   "（government/department/office/township）");
    return SX_OK;
}

static const char *ref_message(const char *what)
{
    if (!what) return "该单位仍被其他数据引用，不能删除";
    if (!strcmp(what, "children")) return "该单位下还有下级单位，不能删除";
    if (!strcmp(what, "users")) return "该单位下还有用户账号，不能删除";
    if (!strcmp(what, "cadres")) return "该单位下还有干部，不能删除";
    return "该单位仍在角色的数据范围中使用，不能删除";
}

static int fail_field(struct req *r, int rc, const char *field)
{
    if (rc == SX_EVALIDATION && field && !strcmp(field, "parent_id"))
        return req_fail(r, rc, field, "上级单位不存在");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "region_id"))
        return req_fail(r, rc, field, "所属区划不存在");
    if (rc == SX_EVALIDATION && !field) return req_fail(r, rc, "parent_id", "单位层级过深");
    if (rc == SX_EDUPLICATE) return req_fail(r, rc, "code", "单位代码已存在");
    if (rc == SX_ECYCLE) return req_fail(r, rc, "parent_id", "不能把单位移到它自己或它的下级单位之下");
    return req_fail(r, rc, field, NULL);
}

static int list(struct req *r)
{
    struct db *db = req_db(r);
    json_t *items = NULL;
    int rc;
    const char *tree = req_query(r, "tree");
    if (tree && strcmp(tree, "0") != 0) {
        if ((rc = st_unit_all(db, &items))) return api_rc(r, rc);
        return reply_json(r, 200, json_pack("{s:o}", "items", tree_build(items)));
    }
    struct paging pg;
    struct unit_filter f = {-1, 0, NULL, NULL};
    if ((rc = req_paging(r, &pg)) || (rc = req_query_int(r, "parent_id", -1, 0, INT32_MAX, &f.parent_id)) ||
        (rc = req_query_int(r, "region_id", 0, 1, INT32_MAX, &f.region_id)))
        return rc;
    f.kind = req_query(r, "kind");
    if (f.kind && !*f.kind) f.kind = NULL;
    f.org_type = req_query(r, "org_type");
    if (f.org_type && !case_org_type_valid(f.org_type))
        return req_fail(r, SX_EBADQUERY, "org_type", "org_type 只能是 politics_law 或 discipline");
    if (f.kind && !kind_ok(f.kind))
        return req_fail(r, SX_EBADQUERY, "kind", "单位类型必须是 government、department、office 或 township");
    int64_t total;
    if ((rc = st_unit_list(db, &f, &pg, &items, &total)))
        return api_rc(r, rc);
    return api_reply_page(r, items, total, &pg);
}

static int get(struct req *r)
{
    int64_t id;
    json_t *o;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    if ((rc = st_unit_get(req_db(r), id, &o))) return api_rc(r, rc);
    return api_reply_record(r, 200, o);
}

static int create(struct req *r)
{
    struct unit_in in;
    int rc = read_in(r, &in);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL;
    if ((rc = st_unit_create(req_db(r), &a, &in, &o, &field))) return fail_field(r, rc, field);
    return api_reply_record(r, 201, o);
}

static int update(struct req *r)
{
    int64_t id, version;
    int from_header;
    struct unit_in in;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = read_in(r, &in)) || (rc = req_expected_version(r, &version, &from_header))) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL;
    rc = st_unit_update(req_db(r), &a, id, version, &in, &o, &field);
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
    const char *what = NULL;
    rc = st_unit_delete(req_db(r), &a, id, &what);
    if (rc == SX_EREFERENCED) return req_fail(r, rc, NULL, ref_message(what));
    if (rc) return req_fail(r, rc, NULL, NULL);
    return reply_empty(r, 204);
}

const struct route unit_routes[] = {
    {M_GET, "/api/v1/units", P_UNIT_READ, list, 0, "单位列表"},
    {M_POST, "/api/v1/units", P_UNIT_WRITE, create, 0, "新增单位"},
    {M_GET, "/api/v1/units/{id}", P_UNIT_READ, get, 0, "单位详情"},
    {M_PUT, "/api/v1/units/{id}", P_UNIT_WRITE, update, 0, "修改单位"},
    {M_DELETE, "/api/v1/units/{id}", P_UNIT_WRITE, del, 0, "删除单位"},
    ROUTES_END,
};
