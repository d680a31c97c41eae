/* /api/v1/cadres: cadres with expertise tags, their export to .xlsx and statistics. The data
 * scope of the caller applies to every read and write (rows outside it answer 404). */
#include "api.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define EXPORT_CAP 100000

static const struct jv_field cadre_spec[] = {
    {"name", "姓名", JV_STR, 1, 1, 30},
    {"unit_id", "所在单位", JV_INT, 1, 1, INT32_MAX},
    {"title", "职务", JV_STR, 0, 0, 60},
    {"is_leader", "是否领导", JV_BOOL, 0, 0, 0},
    {"tags", "专业特长", JV_STR_ARRAY, 0, 0, 20},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

static int read_in(struct req *r, struct cadre_in *in)
{
    int rc = req_check_body(r, cadre_spec, NELEM(cadre_spec));
    if (rc) return rc;
    in->name = jv_str(r->json, "name", "");
    in->unit_id = jv_int(r->json, "unit_id", 0);
    in->title = jv_str(r->json, "title", "");
    in->is_leader = jv_bool(r->json, "is_leader", 0);
    in->tags = json_object_get(r->json, "tags");
    if (!json_is_array(in->tags)) in->tags = NULL;
    return SX_OK;
}

static int read_filter(struct req *r, struct cadre_filter *f)
{
    f->is_leader = -1;
    int rc = req_query_int(r, "unit_id", 0, 1, INT32_MAX, &f->unit_id);
    if (rc) return rc;
    f->tag = req_query(r, "tag");
    if (f->tag && !*f->tag) f->tag = NULL;
    const char *l = req_query(r, "is_leader");
    if (!l || !*l) return SX_OK;
    if (!strcmp(l, "true") || !strcmp(l, "1")) f->is_leader = 1;
    else if (!strcmp(l, "false") || !strcmp(l, "0")) f->is_leader = 0;
    else return req_fail(r, SX_EBADQUERY, "is_leader", "is_leader 只能是 true 或 false");
    return SX_OK;
}

static int fail_field(struct req *r, int rc, const char *field, const char *bad_tag)
{
    if (rc == SX_EVALIDATION && field && !strcmp(field, "unit_id"))
        return req_fail(r, rc, field, "所在单位不存在，或不在您的数据范围内");
    if (rc == SX_EVALIDATION && field && !strcmp(field, "tags"))
        return req_fail(r, rc, field,
                        arena_printf(&r->arena, "专业特长“%s”不是字典中启用的选项", bad_tag ? bad_tag : ""));
    if (rc == SX_EREFERENCED) return req_fail(r, rc, NULL, "该干部已关联用户账号，不能删除");
    return req_fail(r, rc, field, NULL);
}

static int list(struct req *r)
{
    struct paging pg;
    struct cadre_filter f;
    int rc;
    if ((rc = req_paging(r, &pg)) || (rc = read_filter(r, &f))) return rc;
    char *page = NULL;
    if ((rc = st_cadre_list(req_db(r), &r->who.scope, &f, &pg, &page)))
        return api_rc(r, rc);
    return api_reply_text(r, 200, page, 0);
}

static int get(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    char *text;
    int64_t version;
    if ((rc = st_cadre_get_text(req_db(r), &r->who.scope, id, &text, &version))) return api_rc(r, rc);
    return api_reply_text(r, 200, text, version);
}

static int create(struct req *r)
{
    struct cadre_in in;
    int rc = read_in(r, &in);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL, *bad = NULL;
    if ((rc = st_cadre_create(req_db(r), &a, &r->who.scope, &in, &o, &field, &bad)))
        return fail_field(r, rc, field, bad);
    return api_reply_record(r, 201, o);
}

static int update(struct req *r)
{
    int64_t id, version;
    int from_header;
    struct cadre_in in;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = read_in(r, &in)) || (rc = req_expected_version(r, &version, &from_header))) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *o;
    const char *field = NULL, *bad = NULL;
    rc = st_cadre_update(req_db(r), &a, &r->who.scope, id, version, &in, &o, &field, &bad);
    if (rc == SX_EVERSION) return req_version_mismatch(r, from_header);
    if (rc) return fail_field(r, rc, field, bad);
    return api_reply_record(r, 200, o);
}

static int del(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if ((rc = st_cadre_delete(req_db(r), &a, &r->who.scope, id))) return fail_field(r, rc, NULL, NULL);
    return reply_empty(r, 204);
}

static int stats(struct req *r)
{
    json_t *o = NULL;
    int rc = st_cadre_stats(req_db(r), &r->who.scope, &o);
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, o);
}

/* ---- export ---- */
static const char *const export_header[] = {"序号", "姓名", "单位", "职务", "是否领导", "专业特长"};
static const double export_width[] = {8, 14, 30, 24, 10, 40};

struct sheet {
    lxw_worksheet *ws;
    lxw_row_t row;
};

static int write_row(const struct cadre_row *c, void *arg)
{
    struct sheet *sh = arg;
    lxw_row_t y = ++sh->row;
    worksheet_write_number(sh->ws, y, 0, (double)y, NULL);
    worksheet_write_string(sh->ws, y, 1, c->name, NULL);
    worksheet_write_string(sh->ws, y, 2, c->unit_name, NULL);
    worksheet_write_string(sh->ws, y, 3, c->title, NULL);
    worksheet_write_string(sh->ws, y, 4, c->is_leader ? "是" : "否", NULL);
    worksheet_write_string(sh->ws, y, 5, c->tags, NULL);
    return SX_OK;
}

/* Writes the workbook to path; *count rows. */
static int build_xlsx(struct req *r, const char *path, const struct cadre_filter *f, int64_t *count)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return SX_EINTERNAL;
    struct sheet sh = {workbook_add_worksheet(wb, "干部"), 0};
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (lxw_col_t i = 0; i < NELEM(export_header); i++) {
        worksheet_set_column(sh.ws, i, i, export_width[i], NULL);
        worksheet_write_string(sh.ws, 0, i, export_header[i], bold);
    }
    worksheet_freeze_panes(sh.ws, 1, 0);
    int rc = st_cadre_each(req_db(r), &r->who.scope, f, req_query(r, "keyword"), EXPORT_CAP, write_row, &sh, count);
    lxw_error e = workbook_close(wb);
    if (!rc && e != LXW_NO_ERROR) rc = SX_EINTERNAL;
    return rc;
}

/* Reads the whole file at fd into a malloc'd buffer. */
static int slurp(int fd, char **data, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) || st.st_size <= 0) return SX_EINTERNAL;
    *len = (size_t)st.st_size;
    *data = malloc(*len);
    if (!*data) return SX_EINTERNAL;
    size_t got = 0;
    while (got < *len) {
        ssize_t n = pread(fd, *data + got, *len - got, (off_t)got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            free(*data);
            *data = NULL;
            return SX_EINTERNAL;
        }
        got += (size_t)n;
    }
    return SX_OK;
}

static int export_audit(struct req *r, const struct cadre_filter *f, int64_t count)
{
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *d = json_pack("{s:I,s:I,s:s?,s:I,s:s?}", "rows", (json_int_t)count, "unit_id", (json_int_t)f->unit_id,
                          "tag", f->tag, "is_leader", (json_int_t)f->is_leader, "keyword", req_query(r, "keyword"));
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    int rc = st_audit(req_db(r), &a, "cadre.export", "cadre", "", 1, s ? s : "");
    free(s);
    return rc;
}

static int export_xlsx(struct req *r)
{
    struct cadre_filter f;
    int rc = read_filter(r, &f);
    if (rc) return rc;
    const char *kw = req_query(r, "keyword");
    if (kw && utf8_len(kw) > 100) return req_fail(r, SX_EBADQUERY, "keyword", "关键词不能超过100个字符");
    /* Never cut an export short without saying so. */
    int64_t total = 0;
    if ((rc = st_cadre_count(req_db(r), &r->who.scope, &f, kw, &total))) return api_rc(r, rc);
    if (total > EXPORT_CAP)
        return req_fail(r, SX_EVALIDATION, NULL,
                        arena_printf(&r->arena, "符合条件的干部有%lld名，超过单次导出上限%d名，请缩小筛选范围",
                                     (long long)total, EXPORT_CAP));
    char path[] = "/tmp/sixia-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    int64_t count = 0;
    char *data = NULL;
    size_t len = 0;
    rc = build_xlsx(r, path, &f, &count);
    if (!rc) rc = slurp(fd, &data, &len);
    close(fd);
    unlink(path);
    if (!rc && (rc = export_audit(r, &f, count))) free(data);
    if (rc) return req_fail(r, rc, NULL, NULL);
    req_add_header(r, "Content-Disposition",
                   "attachment; filename=\"cadres.xlsx\"; filename*=UTF-8''%E5%B9%B2%E9%83%A8.xlsx");
    return reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data, len);
}

const struct route cadre_routes[] = {
    {M_GET, "/api/v1/cadres", P_CADRE_READ, list, 0, "干部列表"},
    {M_POST, "/api/v1/cadres", P_CADRE_WRITE, create, 0, "新增干部"},
    {M_GET, "/api/v1/cadres/export", P_CADRE_EXPORT, export_xlsx, 0, "导出干部名册"},
    {M_GET, "/api/v1/cadres/stats", P_CADRE_READ, stats, 0, "干部统计"},
    {M_GET, "/api/v1/cadres/{id}", P_CADRE_READ, get, 0, "干部详情"},
    {M_PUT, "/api/v1/cadres/{id}", P_CADRE_WRITE, update, 0, "修改干部"},
    {M_DELETE, "/api/v1/cadres/{id}", P_CADRE_WRITE, del, 0, "删除干部"},
    ROUTES_END,
};
