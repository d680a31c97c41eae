/* /api/v1/cases (repeat matching, attachments, export), /api/v1/todo, /api/v1/settings/cases. */
#include "api.h"
#include "../app/cases.h"
#include "../app/settings.h"
#include "../domain/calendar.h"
#include "../domain/mime.h"
#include "../domain/person_id.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define EXPORT_CAP 100000
#define ATTACH_NAME_MAX 100

/* ---- POST /api/v1/cases/match ---- */

static const struct jv_field match_spec[] = {
    {"region_id", "问题属地", JV_INT, 0, 1, INT32_MAX},
    {"category", "事项分类", JV_STR, 0, 0, 32},
    {"kind", "事项性质", JV_STR, 0, 0, 20},
    {"title", "标题", JV_STR, 0, 0, 100},
    {"content", "内容", JV_TEXT, 0, 0, 5000},
    {"exclude_id", "排除的事项", JV_INT, 0, 1, INT64_MAX},
};

/* The petitioners' ID numbers and phones. Values that are not (yet) valid — the form calls this
 * while the clerk types — are left out rather than refused; wrong types and shapes are 422. */
static int match_petitioners(struct req *r, json_t *pets, const char **ids, int *ni, const char **phones, int *np)
{
    *ni = *np = 0;
    if (!pets || json_is_null(pets)) return SX_OK;
    if (!json_is_array(pets) || json_array_size(pets) > CASE_MAX_PETITIONERS)
        return req_fail(r, SX_EVALIDATION, "petitioners",
                        arena_printf(&r->arena, "信访人应为最多%d人的数组", CASE_MAX_PETITIONERS));
    char today[16];
    time_local_date(time(NULL), today);
    size_t i;
    json_t *p;
    json_array_foreach(pets, i, p)
    {
        const char *field = arena_printf(&r->arena, "petitioners[%zu]", i);
        if (!json_is_object(p)) return req_fail(r, SX_EVALIDATION, field, "信访人应为对象 {id_number, phone}");
        const char *k;
        json_t *x;
        json_object_foreach(p, k, x)
        {
            const char *f = arena_printf(&r->arena, "petitioners[%zu].%.40s", i, k);
            if (strcmp(k, "id_number") && strcmp(k, "phone"))
                return req_fail(r, SX_EVALIDATION, f, "不支持的字段");
            if (json_is_null(x)) continue;
            if (!json_is_string(x) || json_string_length(x) > 40)
                return req_fail(r, SX_EVALIDATION, f, !strcmp(k, "phone") ? "电话应为不超过40个字符的文本"
                                                                           : "身份证号应为不超过40个字符的文本");
            const char *s = json_string_value(x);
            if (!strcmp(k, "id_number")) {
                char *id = arena_alloc(&r->arena, PERSON_ID_BUF + 8);
                if (!person_id_normalize(s, id, PERSON_ID_BUF + 8) && !person_id_check(id, today, NULL))
                    ids[(*ni)++] = id;
            } else {
                char *ph = arena_alloc(&r->arena, PHONE_BUF);
                if (phone_normalize(s, ph, PHONE_BUF, NULL) != PHONE_INVALID) phones[(*np)++] = ph;
            }
        }
    }
    return SX_OK;
}

static int match(struct req *r)
{
    if (!json_is_object(r->json)) return req_fail(r, SX_EBADJSON, NULL, "请求内容必须是 JSON 对象");
    json_t *plain = json_copy(r->json);
    json_object_del(plain, "petitioners");
    struct verr e;
    int rc = jv_check(plain, match_spec, NELEM(match_spec), &e);
    json_decref(plain);
    if (rc)
        return req_fail(r, rc, e.field ? arena_strdup(&r->arena, e.field) : NULL, arena_strdup(&r->arena, e.msg));
    const char *ids[CASE_MAX_PETITIONERS], *phones[CASE_MAX_PETITIONERS];
    int ni, np;
    if ((rc = match_petitioners(r, json_object_get(r->json, "petitioners"), ids, &ni, phones, &np))) return rc;
    struct case_match_in in = {
        .region_id = jv_int(r->json, "region_id", 0),
        .category = jv_str(r->json, "category", ""),
        .kind = jv_str(r->json, "kind", ""),
        .title = jv_str(r->json, "title", ""),
        .content = jv_str(r->json, "content", ""),
        .id_numbers = ids,
        .n_ids = ni,
        .phones = phones,
        .n_phones = np,
        .exclude_id = jv_int(r->json, "exclude_id", 0),
    };
    struct case_viewer v;
    if ((rc = case_viewer_of(r, &v))) return rc;
    json_t *out;
    if ((rc = st_case_match(req_db(r), &v, &in, &out))) return api_rc(r, rc);
    return reply_json(r, 200, out);
}

/* ---- attachments ---- */

/* A file name as given by ?name=: 1..100 characters of one line, no path. */
static int check_name(struct req *r, const char *name)
{
    if (!name || !*name) return req_fail(r, SX_EVALIDATION, "name", "请提供附件文件名（name 参数）");
    if (utf8_len(name) > ATTACH_NAME_MAX)
        return req_fail(r, SX_EVALIDATION, "name",
                        arena_printf(&r->arena, "附件文件名不能超过%d个字符", ATTACH_NAME_MAX));
    if (has_control_ex(name, 0) || strpbrk(name, "/\\") || !strcmp(name, ".") || !strcmp(name, ".."))
        return req_fail(r, SX_EVALIDATION, "name", "附件文件名不能包含路径分隔符或控制字符");
    return SX_OK;
}

static int attach(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    const char *name = req_query(r, "name");
    if ((rc = check_name(r, name))) return rc;
    if (r->body_len == 0) return req_fail(r, SX_EVALIDATION, "body", "附件内容为空");
    struct case_viewer v;
    if ((rc = case_viewer_of(r, &v))) return rc;
    /* mime NULL: the use case answers SX_EMEDIA, after the visibility check (an invisible case
     * is 404 whatever is sent). */
    struct case_attach x = {.v = &v, .case_id = id, .name = name, .mime = mime_detect(r->body, r->body_len),
                            .data = r->body, .len = r->body_len};
    if ((rc = api_write(r, app_case_attach, &x, 0))) {
        json_decref(x.out);
        return rc;
    }
    json_t *out = x.out;
    return reply_json(r, 201, out);
}

/* Content-Disposition with an ASCII fallback and the UTF-8 name per RFC 5987/6266. */
static const char *disposition(struct req *r, const char *name)
{
    size_t n = strlen(name);
    char *ascii = arena_alloc(&r->arena, n + 1), *enc = arena_alloc(&r->arena, 3 * n + 1);
    size_t ai = 0, ei = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned c = *p;
        if (c >= 0x80) {
            /* one '_' per non-ASCII character (continuation bytes dropped) */
            if ((c & 0xC0) != 0x80) ascii[ai++] = '_';
        } else ascii[ai++] = (c == '"' || c == '\\' || c < 0x20 || c == 0x7f || c == '%' || c == ';') ? '_' : (char)c;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", (int)c))
            enc[ei++] = (char)c;
        else {
            static const char hex[] = "0123456789ABCDEF";
            enc[ei++] = '%';
            enc[ei++] = hex[c >> 4];
            enc[ei++] = hex[c & 15];
        }
    }
    ascii[ai] = 0;
    enc[ei] = 0;
    return arena_printf(&r->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

static int download(struct req *r)
{
    int64_t id, aid;
    int rc = req_param_id(r, 0, &id);
    if (rc || (rc = req_param_id(r, 1, &aid))) return rc;
    struct case_viewer v;
    if ((rc = case_viewer_of(r, &v))) return rc;
    json_t *meta;
    void *data;
    size_t len;
    if ((rc = st_case_attachment(req_db(r), &v, id, aid, &meta, &data, &len))) return api_rc(r, rc);
    const char *mime = arena_strdup(&r->arena, json_string_value(json_object_get(meta, "mime")));
    const char *name = json_string_value(json_object_get(meta, "name"));
    req_add_header(r, "Content-Disposition", disposition(r, name ? name : "attachment"));
    req_add_header(r, "Cache-Control", "private, no-store");
    json_decref(meta);
    return reply_bytes(r, 200, mime, data, len);
}

/* ---- GET /api/v1/todo ---- */

static int todo(struct req *r)
{
    static const char *const tasks[] = {"accept", "assign", "sign", "reply", "callback", "close", "approve", "supervise", NULL};
    static const char *const states[] = {"normal", "due_soon", "overdue", NULL};
    const char *task = req_query(r, "task"), *state = req_query(r, "deadline_state");
    if (task && !*task) task = NULL;
    if (state && !*state) state = NULL;
    int ok = !task;
    for (int i = 0; task && tasks[i]; i++) ok |= !strcmp(task, tasks[i]);
    if (!ok) return req_fail(r, SX_EBADQUERY, "task", "待办类型无效");
    ok = !state;
    for (int i = 0; state && states[i]; i++) ok |= !strcmp(state, states[i]);
    if (!ok) return req_fail(r, SX_EBADQUERY, "deadline_state", "期限状态无效，应为 normal、due_soon 或 overdue");
    int64_t page, size;
    int rc;
    if ((rc = req_query_int(r, "page", 1, 1, 100000, &page)) ||
        (rc = req_query_int(r, "page_size", CASE_TODO_MAX, 1, CASE_TODO_MAX, &size)))
        return rc;
    struct case_viewer v;
    if ((rc = case_viewer_of(r, &v))) return rc;
    json_t *items, *counts;
    int64_t total;
    if ((rc = st_case_todo(req_db(r), &v, task, state, size, (page - 1) * size, &items, &total, &counts)))
        return api_rc(r, rc);
    return reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:o}", "items", items, "total", (json_int_t)total, "page",
                                        (json_int_t)page, "page_size", (json_int_t)size, "counts", counts));
}

/* ---- GET /api/v1/cases/export ---- */

/* The list's filters, sort and keyword (docs/CASES.md, GET /api/v1/cases). */
static int read_filter(struct req *r, struct case_filter *f, struct paging *pg)
{
    int rc;
    if ((rc = req_paging(r, pg)) || (rc = case_read_filter(r, f))) return rc;
    const char *order = req_query(r, "order");
    if (order && !strcmp(order, "desc")) pg->desc = 1;
    else if (order && !strcmp(order, "asc")) pg->desc = 0;
    else if (order && *order) return req_fail(r, SX_EBADQUERY, "order", "order 只能是 asc 或 desc");
    return SX_OK;
}

static const char *const export_header[] = {"信访编号", "登记时间", "渠道", "类别",     "性质",     "问题属地", "标题",
                                            "信访人",   "联系电话", "状态", "承办单位", "办理期限", "期限状态"};
static const double export_width[] = {16, 18, 10, 10, 10, 16, 40, 20, 26, 10, 28, 12, 10};

struct sheet {
    lxw_worksheet *ws;
    lxw_row_t row;
    char buf[4096];
};

static const char *str_of(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The petitioners' member k joined with "、" into buf. */
static const char *join_petitioners(json_t *item, const char *k, char *buf, size_t n)
{
    size_t len = 0, i;
    json_t *p;
    buf[0] = 0;
    json_array_foreach(json_object_get(item, "petitioners"), i, p)
    {
        const char *s = str_of(p, k);
        if (!*s) continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? "、" : "", s);
        if (w < 0 || (size_t)w >= n - len) {
            buf[len] = 0;
            break;
        }
        len += (size_t)w;
    }
    return buf;
}

static int write_row(json_t *it, void *arg)
{
    struct sheet *sh = arg;
    lxw_row_t y = ++sh->row;
    char when[32] = "";
    time_t t;
    if (!time_parse_iso(str_of(it, "received_at"), &t)) {
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    }
    const char *cols[] = {str_of(it, "case_no"),        when,
                          str_of(it, "channel_label"),  str_of(it, "category_label"),
                          str_of(it, "kind_label"),     str_of(it, "region_name"),
                          str_of(it, "title"),          NULL,
                          NULL,                         str_of(it, "status_label"),
                          str_of(it, "handling_unit_name"), str_of(it, "due_date"),
                          str_of(it, "deadline_state_label")};
    for (lxw_col_t c = 0; c < NELEM(cols); c++) {
        if (c == 7 || c == 8) continue;
        if (worksheet_write_string(sh->ws, y, c, cols[c], NULL) != LXW_NO_ERROR) return SX_EINTERNAL;
    }
    worksheet_write_string(sh->ws, y, 7, join_petitioners(it, "name", sh->buf, sizeof sh->buf), NULL);
    worksheet_write_string(sh->ws, y, 8, join_petitioners(it, "phone_masked", sh->buf, sizeof sh->buf), NULL);
    return SX_OK;
}

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

static int export_xlsx(struct req *r)
{
    struct case_filter f;
    struct paging pg;
    int rc = read_filter(r, &f, &pg);
    struct case_viewer v;
    if (rc || (rc = case_viewer_of(r, &v))) return rc;
    char path[] = "/tmp/sixia-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    lxw_workbook *wb = workbook_new(path);
    struct sheet *sh = calloc(1, sizeof *sh);
    int64_t count = 0;
    char *data = NULL;
    size_t len = 0;
    if (!wb || !sh) {
        rc = SX_EINTERNAL;
    } else {
        sh->ws = workbook_add_worksheet(wb, "信访事项");
        lxw_format *bold = workbook_add_format(wb);
        format_set_bold(bold);
        for (lxw_col_t i = 0; i < NELEM(export_header); i++) {
            worksheet_set_column(sh->ws, i, i, export_width[i], NULL);
            worksheet_write_string(sh->ws, 0, i, export_header[i], bold);
        }
        worksheet_freeze_panes(sh->ws, 1, 0);
        rc = st_case_export_each(req_db(r), &v, &f, &pg, EXPORT_CAP, write_row, sh, &count);
    }
    if (wb && workbook_close(wb) != LXW_NO_ERROR && !rc) rc = SX_EINTERNAL;
    free(sh);
    if (!rc) rc = slurp(fd, &data, &len);
    close(fd);
    unlink(path);
    if (rc == SX_ETOOLARGE)
        return req_fail(r, SX_EVALIDATION, NULL,
                        arena_printf(&r->arena, "符合条件的信访事项超过单次导出上限%d件，请缩小筛选范围", EXPORT_CAP));
    if (rc) return api_rc(r, rc);
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    json_t *d = json_pack("{s:I,s:s?,s:s?,s:s?,s:I,s:I,s:s?,s:s?,s:s?}", "rows", (json_int_t)count, "status",
                          f.status, "kind", f.kind, "category", f.category, "county_id", (json_int_t)f.county_id,
                          "region_id", (json_int_t)f.region_id, "from", f.from, "to", f.to, "keyword", pg.keyword);
    char *dt = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    rc = st_audit(req_db(r), &a, "case.export", "case", "", 1, dt ? dt : "");
    free(dt);
    if (rc) {
        free(data);
        return api_rc(r, rc);
    }
    req_add_header(r, "Content-Disposition", "attachment; filename=\"cases.xlsx\"; "
                                             "filename*=UTF-8''%E4%BF%A1%E8%AE%BF%E4%BA%8B%E9%A1%B9.xlsx");
    return reply_bytes(r, 200, MIME_XLSX, data, len);
}

/* ---- /api/v1/settings/cases ---- */

static int settings_get(struct req *r)
{
    struct case_settings s;
    int rc = st_case_settings_get(req_db(r), &s);
    if (rc) return api_rc(r, rc);
    return api_reply_record(r, 200, st_case_settings_json(&s));
}

/* "steps": {<step code>: {days 1..365, working bool}}; steps not given keep their value. */
static int read_steps(struct req *r, json_t *steps, struct case_settings *s)
{
    if (!steps || json_is_null(steps)) return SX_OK;
    if (!json_is_object(steps))
        return req_fail(r, SX_EVALIDATION, "steps", "办理期限设置应为对象 {步骤: {days, working}}");
    const char *k;
    json_t *o;
    json_object_foreach(steps, k, o)
    {
        enum deadline_step st;
        const char *field = arena_printf(&r->arena, "steps.%s", k);
        if (deadline_step_from_code(k, &st)) return req_fail(r, SX_EVALIDATION, field, "没有这个办理期限步骤");
        if (!json_is_object(o)) return req_fail(r, SX_EVALIDATION, field, "期限设置应为对象 {days, working}");
        const char *mk;
        json_t *x;
        json_object_foreach(o, mk, x)
        {
            if (strcmp(mk, "days") && strcmp(mk, "working") && strcmp(mk, "label"))
                return req_fail(r, SX_EVALIDATION, arena_printf(&r->arena, "%s.%s", field, mk), "不支持的字段");
        }
        json_t *days = json_object_get(o, "days"), *working = json_object_get(o, "working");
        const char *label = deadline_step_label(st);
        if (days && !json_is_null(days)) {
            if (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > 365)
                return req_fail(r, SX_EVALIDATION, arena_printf(&r->arena, "%s.days", field),
                                arena_printf(&r->arena, "%s的天数应为1到365之间的整数", label));
            s->dl.step[st].days = (int)json_integer_value(days);
        }
        if (working && !json_is_null(working)) {
            if (!json_is_boolean(working))
                return req_fail(r, SX_EVALIDATION, arena_printf(&r->arena, "%s.working", field),
                                arena_printf(&r->arena, "%s的计算方式（working）应为 true 或 false", label));
            s->dl.step[st].working = json_is_true(working);
        }
    }
    return SX_OK;
}

static int settings_put(struct req *r)
{
    static const struct jv_field spec[] = {
        {"max_extension_days", "最长延期天数", JV_INT, 0, 1, 90},
        {"warn_days", "临期提醒天数", JV_INT, 0, 0, 30},
        {"repeat_window_days", "重复件查找范围（天）", JV_INT, 0, 1, 3650},
        {"similarity_percent", "重复件提示阈值", JV_INT, 0, 20, 100},
        {"extension_approval", "延期审批人", JV_STR, 0, 1, 20},
        {"version", "版本号", JV_INT, 0, 0, INT64_MAX}, /* 0: never saved (the defaults) */
    };
    if (!json_is_object(r->json)) return req_fail(r, SX_EBADJSON, NULL, "请求内容必须是 JSON 对象");
    json_t *plain = json_copy(r->json);
    json_object_del(plain, "steps");
    json_object_del(plain, "extension_approval_label"); /* echoed back by forms: read-only */
    struct verr e;
    int rc = jv_check(plain, spec, NELEM(spec), &e);
    json_decref(plain);
    if (rc)
        return req_fail(r, rc, e.field ? arena_strdup(&r->arena, e.field) : NULL, arena_strdup(&r->arena, e.msg));
    int64_t version;
    int from_header;
    if ((rc = req_expected_version(r, &version, &from_header))) return rc;
    struct case_settings s;
    if ((rc = st_case_settings_get(req_db(r), &s))) return api_rc(r, rc);
    if ((rc = read_steps(r, json_object_get(r->json, "steps"), &s))) return rc;
    s.dl.max_extension_days = (int)jv_int(r->json, "max_extension_days", s.dl.max_extension_days);
    s.dl.warn_days = (int)jv_int(r->json, "warn_days", s.dl.warn_days);
    s.repeat_window_days = (int)jv_int(r->json, "repeat_window_days", s.repeat_window_days);
    s.similarity_percent = (int)jv_int(r->json, "similarity_percent", s.similarity_percent);
    const char *ea = jv_str(r->json, "extension_approval", NULL);
    if (ea) {
        int m = case_ext_approval_from_code(ea);
        if (m < 0)
            return req_fail(r, SX_EVALIDATION, "extension_approval",
                            "延期审批人应为 unit_or_above（承办单位或其上级单位的领导）、unit_only 或 any");
        s.ext_approval = (enum case_ext_approval)m;
    }
    const char *why = NULL;
    if (deadline_settings_check(&s.dl, &why)) return req_fail(r, SX_EVALIDATION, "steps", why);
    struct case_settings_change ch = {.s = s, .version = version};
    if ((rc = api_write(r, app_case_settings_update, &ch, from_header))) return rc;
    return settings_get(r);
}

const struct route case_extra_routes[] = {
    {M_POST, "/api/v1/cases/match", P_CASE_INTAKE, match, 0, "查找重复信访事项"},
    {M_GET, "/api/v1/cases/export", P_CASE_EXPORT, export_xlsx, 0, "导出信访事项"},
    {M_POST, "/api/v1/cases/{id}/attachments", P_CASE_READ, attach, RF_UPLOAD, "上传信访事项附件"},
    {M_GET, "/api/v1/cases/{id}/attachments/{aid}", P_CASE_READ, download, 0, "下载信访事项附件"},
    {M_GET, "/api/v1/todo", P_AUTHENTICATED, todo, 0, "我的待办"},
    {M_GET, "/api/v1/settings/cases", P_AUTHENTICATED, settings_get, 0, "信访办理设置"},
    {M_PUT, "/api/v1/settings/cases", P_CASE_SETTINGS, settings_put, 0, "修改信访办理设置"},
    ROUTES_END,
};
