/* /api/v1/cases: petition case intake, list, detail, workflow actions, links, query codes and
 * the audited personal-data view. Contract: docs/CASES.md. The rules live in the domain
 * (case_flow.c, deadline.c, person_id.c); the store applies them (st_cases.c). */
#include "api.h"
#include "../app/cases.h"
#include "../domain/person_id.h"
#include "../util/jsonv.h"
#include <sodium.h>
#include <stdlib.h>

int case_viewer_of(struct req *r, struct case_viewer *v)
{
    int rc = st_case_viewer(req_db(r), &r->who.scope, r->who.user_id, r->who.unit_id, r->who.perms, v);
    return rc ? req_fail(r, rc, NULL, NULL) : SX_OK;
}

/* ---------------------------------------------------------------- filters */

static int one_of(const char *s, const char *const *codes)
{
    for (; *codes; codes++)
        if (!strcmp(s, *codes)) return 1;
    return 0;
}

static int query_bool(struct req *r, const char *name, int *out)
{
    const char *v = req_query(r, name);
    *out = -1;
    if (!v || !*v) return SX_OK;
    if (!strcmp(v, "true") || !strcmp(v, "1")) *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "0")) *out = 0;
    else return req_fail(r, SX_EBADQUERY, name, arena_printf(&r->arena, "%s 只能是 true 或 false", name));
    return SX_OK;
}

/* A query code value that must be one of the codes a lookup function knows. */
static int query_code_of(struct req *r, const char *name, int (*lookup)(const char *), const char **out)
{
    const char *v = req_query(r, name);
    *out = NULL;
    if (!v || !*v) return SX_OK;
    if (lookup(v) < 0) return req_fail(r, SX_EBADQUERY, name, arena_printf(&r->arena, "%s 的取值无效", name));
    *out = v;
    return SX_OK;
}

static int urgency_from_code(const char *c)
{
    static const char *const u[] = {"normal", "urgent", "very_urgent", NULL};
    return one_of(c, u) ? 0 : -1;
}

static int dstate_from_code(const char *c)
{
    static const char *const u[] = {"normal", "due_soon", "overdue", NULL};
    return one_of(c, u) ? 0 : -1;
}

static int day_ok(const char *c)
{
    cal_day d;
    return c && strlen(c) == 10 && !day_parse(c, 10, &d) ? 0 : -1;
}

static int category_ok(const char *c) { return strlen(c) <= 32 && !has_control(c) ? 0 : -1; }

int case_read_filter(struct req *r, struct case_filter *f)
{
    memset(f, 0, sizeof *f);
    int rc;
    if ((rc = query_code_of(r, "status", case_status_from_code, &f->status)) ||
        (rc = query_code_of(r, "channel", case_channel_from_code, &f->channel)) ||
        (rc = query_code_of(r, "kind", case_kind_from_code, &f->kind)) ||
        (rc = query_code_of(r, "category", category_ok, &f->category)) ||
        (rc = query_code_of(r, "urgency", urgency_from_code, &f->urgency)) ||
        (rc = query_code_of(r, "deadline_state", dstate_from_code, &f->deadline_state)) ||
        (rc = query_code_of(r, "from", day_ok, &f->from)) || (rc = query_code_of(r, "to", day_ok, &f->to)))
        return rc;
    if ((rc = req_query_int(r, "county_id", 0, 1, INT32_MAX, &f->county_id)) ||
        (rc = req_query_int(r, "region_id", 0, 1, INT32_MAX, &f->region_id)) ||
        (rc = req_query_int(r, "unit_id", 0, 1, INT32_MAX, &f->unit_id)) ||
        (rc = req_query_int(r, "reception_day_id", 0, 1, INT32_MAX, &f->reception_day_id)))
        return rc;
    if ((rc = query_bool(r, "supervised", &f->supervised)) || (rc = query_bool(r, "first_time", &f->first_time)))
        return rc;
    return SX_OK;
}

static int list(struct req *r)
{
    struct paging pg;
    struct case_filter f;
    struct case_viewer v;
    int rc;
    if ((rc = req_paging(r, &pg)) || (rc = case_read_filter(r, &f)) || (rc = case_viewer_of(r, &v))) return rc;
    const char *order = req_query(r, "order");
    if (order && !strcmp(order, "desc")) pg.desc = 1;
    else if (order && !strcmp(order, "asc")) pg.desc = 0;
    else if (order && *order) return req_fail(r, SX_EBADQUERY, "order", "order 只能是 asc 或 desc");
    json_t *items;
    int64_t total;
    if ((rc = st_case_list(req_db(r), &v, &f, &pg, &items, &total))) return api_rc(r, rc);
    return api_reply_page(r, items, total, &pg);
}

/* ---------------------------------------------------------------- intake */

static const struct jv_field case_spec[] = {
    {"channel", "信访渠道", JV_STR, 1, 1, 20},
    {"kind", "事项性质", JV_STR, 1, 1, 20},
    {"category", "事项分类", JV_STR, 1, 1, 32},
    {"region_id", "问题属地", JV_INT, 1, 1, INT32_MAX},
    {"title", "标题", JV_STR, 1, 1, 100},
    {"content", "信访内容", JV_TEXT, 1, 1, 5000},
    {"received_at", "登记时间", JV_STR, 0, 10, 25},
    {"urgency", "紧急程度", JV_STR, 0, 1, 20},
    {"head_count", "来访人数", JV_INT, 0, 1, 10000},
    {"accused_unit_id", "被检举控告单位", JV_INT, 0, 1, INT32_MAX},
    {"accused_user_id", "被检举控告人", JV_INT, 0, 1, INT32_MAX},
    {"reception_day_id", "接访日", JV_INT, 0, 1, INT32_MAX},
    {"duplicate_of", "重复件所属事项", JV_INT, 0, 1, INT32_MAX},
    {"new_matter", "确认为新事项", JV_BOOL, 0, 0, 0},
    {"related_case_ids", "关联事项", JV_INT_ARRAY, 0, 0, CASE_MAX_RELATED},
};

/* Parses an intake time: "YYYY-MM-DD" (that local day, noon), "YYYY-MM-DDTHH:MM:SS" followed by
 * "Z", "+HH:MM"/"-HH:MM" or nothing (local time). 0 and the time, or -1. */
static int parse_received(const char *s, time_t *out)
{
    int y, mo, d, h = 12, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);
    if (len == 10) {
        if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return -1;
    } else {
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19) return -1;
    }
    if (!ymd_valid(y, mo, d) || h > 23 || mi > 59 || se > 59 || h < 0 || mi < 0 || se < 0) return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    const char *z = s + n;
    if (!*z) {
        tm.tm_isdst = -1;
        *out = mktime(&tm);
        return *out == (time_t)-1 ? -1 : 0;
    }
    time_t t = timegm(&tm);
    if (!strcmp(z, "Z")) {
        *out = t;
        return 0;
    }
    int oh, om;
    if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && sscanf(z + 1, "%2d:%2d", &oh, &om) == 2 && z[3] == ':' &&
        oh <= 14 && om <= 59) {
        long off = (oh * 60L + om) * 60L;
        *out = z[0] == '+' ? t - off : t + off;
        return 0;
    }
    return -1;
}

/* 1 when s holds no visible character (spaces, tabs, line breaks, the ideographic space). */
static int blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
        else if (!strncmp(s, "\xe3\x80\x80", 3)) s += 3; /* U+3000 */
        else return 0;
    }
    return 1;
}

static int bad_pet(struct req *r, int i, const char *sub, const char *msg)
{
    return req_fail(r, SX_EVALIDATION, arena_printf(&r->arena, "petitioners[%d]%s%s", i, *sub ? "." : "", sub),
                    arena_printf(&r->arena, "第%d位信访人：%s", i + 1, msg));
}

/* A string member of a petitioner object: absent/null → "", wrong type or too long → error. */
static int pet_str(struct req *r, int i, json_t *o, const char *key, size_t max, int required, const char **out)
{
    json_t *x = json_object_get(o, key);
    *out = "";
    if (!x || json_is_null(x)) {
        if (required) return bad_pet(r, i, key, "姓名不能为空");
        return SX_OK;
    }
    if (!json_is_string(x)) return bad_pet(r, i, key, "应为文本");
    const char *s = json_string_value(x);
    if (has_control_ex(s, 0)) return bad_pet(r, i, key, "不能包含控制字符");
    if (utf8_len(s) > max) return bad_pet(r, i, key, arena_printf(&r->arena, "不能超过%zu个字符", max));
    if (required && blank(s)) return bad_pet(r, i, key, "姓名不能为空");
    *out = s;
    return SX_OK;
}

/* Reads and validates "petitioners" into pets (CASE_MAX_PETITIONERS). Normalised ID numbers and
 * phones are written into the request arena. */
int case_read_petitioners(struct req *r, json_t *arr, struct case_petitioner_in *pets, int *n, int max_reps)
{
    *n = 0;
    if (!json_is_array(arr) || json_array_size(arr) < 1)
        return req_fail(r, SX_EVALIDATION, "petitioners", "至少登记一位信访人");
    if (json_array_size(arr) > CASE_MAX_PETITIONERS)
        return req_fail(r, SX_EVALIDATION, "petitioners", "信访人最多50位（集体访请登记代表人并填写来访人数）");
    char today[16];
    time_local_date(time(NULL), today);
    int reps = 0, contact = 0;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        int k = (int)i;
        if (!json_is_object(o)) return bad_pet(r, k, "", "应为对象 {name, id_number, phone, address, is_representative}");
        const char *key;
        json_t *x;
        json_object_foreach(o, key, x)
        {
            if (strcmp(key, "name") && strcmp(key, "id_number") && strcmp(key, "phone") && strcmp(key, "address") &&
                strcmp(key, "is_representative"))
                return bad_pet(r, k, key, arena_printf(&r->arena, "不支持的字段“%s”", key));
        }
        struct case_petitioner_in *p = &pets[k];
        memset(p, 0, sizeof *p);
        const char *idn, *ph;
        int rc;
        if ((rc = pet_str(r, k, o, "name", 30, 1, &p->name)) || (rc = pet_str(r, k, o, "id_number", 30, 0, &idn)) ||
            (rc = pet_str(r, k, o, "phone", 30, 0, &ph)) || (rc = pet_str(r, k, o, "address", 200, 0, &p->address)))
            return rc;
        if (*idn) {
            char *norm = arena_alloc(&r->arena, PERSON_ID_BUF);
            const char *why = "身份证号码无效";
            if (person_id_normalize(idn, norm, PERSON_ID_BUF) || person_id_check(norm, today, &why))
                return bad_pet(r, k, "id_number", why);
            p->id_number = norm;
        } else {
            p->id_number = "";
        }
        if (*ph) {
            char *norm = arena_alloc(&r->arena, PHONE_BUF);
            const char *why = "电话号码无效";
            if (!phone_normalize(ph, norm, PHONE_BUF, &why)) return bad_pet(r, k, "phone", why);
            p->phone = norm;
        } else {
            p->phone = "";
        }
        if (*p->id_number || *p->phone) contact = 1;
        json_t *rep = json_object_get(o, "is_representative");
        if (rep && !json_is_null(rep) && !json_is_boolean(rep)) return bad_pet(r, k, "is_representative", "应为 true 或 false");
        p->is_representative = json_is_true(rep);
        reps += p->is_representative;
        *n = k + 1;
    }
    if (!contact) return req_fail(r, SX_EVALIDATION, "petitioners", "至少一位信访人须登记身份证号码或联系电话");
    if (reps > max_reps)
        return req_fail(r, SX_EVALIDATION, "petitioners",
                        arena_printf(&r->arena, "集体访代表人不得超过%d人（《信访工作条例》第二十条）", max_reps));
    return SX_OK;
}

static int create(struct req *r)
{
    json_t *plain = json_deep_copy(r->json);
    json_t *pets_json = json_incref(json_object_get(r->json, "petitioners"));
    json_object_del(plain, "petitioners");
    struct verr e;
    int rc = jv_check(plain, case_spec, NELEM(case_spec), &e);
    json_decref(plain);
    if (rc) {
        json_decref(pets_json);
        return req_fail(r, rc, e.field, arena_strdup(&r->arena, e.msg));
    }
    struct case_in in = {0};
    in.channel = jv_str(r->json, "channel", "");
    in.kind = jv_str(r->json, "kind", "");
    in.category = jv_str(r->json, "category", "");
    in.title = jv_str(r->json, "title", "");
    in.content = jv_str(r->json, "content", "");
    in.urgency = jv_str(r->json, "urgency", "normal");
    in.region_id = jv_int(r->json, "region_id", 0);
    in.head_count = jv_int(r->json, "head_count", 0);
    in.accused_unit_id = jv_int(r->json, "accused_unit_id", 0);
    in.accused_user_id = jv_int(r->json, "accused_user_id", 0);
    in.reception_day_id = jv_int(r->json, "reception_day_id", 0);
    in.duplicate_of = jv_int(r->json, "duplicate_of", 0);
    in.new_matter = jv_bool(r->json, "new_matter", 0);
    if (in.duplicate_of && in.new_matter)
        return req_fail(r, SX_EVALIDATION, "new_matter", "已关联为重复件的事项不能同时确认为新事项");
    in.source = r->who.token_id ? "api" : "console";
    struct case_petitioner_in pets[CASE_MAX_PETITIONERS];
    int npet = 0;
    rc = case_read_petitioners(r, pets_json, pets, &npet, CASE_MAX_REPRESENTATIVES);
    json_decref(pets_json);
    if (rc) return rc;
    in.pet = pets;
    in.n_pet = npet;
    if (blank(in.title)) return req_fail(r, SX_EVALIDATION, "title", "标题不能为空");
    if (blank(in.content)) return req_fail(r, SX_EVALIDATION, "content", "信访内容不能为空");
    if (case_channel_from_code(in.channel) < 0) return req_fail(r, SX_EVALIDATION, "channel", "信访渠道无效");
    if (case_kind_from_code(in.kind) < 0)
        return req_fail(r, SX_EVALIDATION, "kind", "事项性质无效，应为 suggestion、report、appeal 或 legal");
    if (urgency_from_code(in.urgency) < 0) return req_fail(r, SX_EVALIDATION, "urgency", "紧急程度无效");
    if (in.head_count && in.head_count < npet)
        return req_fail(r, SX_EVALIDATION, "head_count", "来访人数不能少于登记的信访人数");
    if ((in.accused_unit_id || in.accused_user_id) && strcmp(in.kind, "report"))
        return req_fail(r, SX_EVALIDATION, "accused_unit_id", "只有检举控告类事项可以填写被检举控告对象");
    time_t now = time(NULL), t = now;
    const char *ra = jv_str(r->json, "received_at", NULL);
    if (ra && parse_received(ra, &t))
        return req_fail(r, SX_EVALIDATION, "received_at", "登记时间格式无效，应为 YYYY-MM-DD 或 ISO 8601 时间");
    if (t > now + 300) return req_fail(r, SX_EVALIDATION, "received_at", "登记时间不能晚于当前时间");
    if (t < now - 366L * 86400) return req_fail(r, SX_EVALIDATION, "received_at", "登记时间不能早于一年以前");
    char iso[32];
    time_iso(t, iso);
    in.received_at = iso;
    json_t *rel = json_object_get(r->json, "related_case_ids");
    int64_t related[CASE_MAX_RELATED];
    size_t i;
    json_t *x;
    json_array_foreach(rel, i, x) related[in.n_related++] = json_integer_value(x);
    in.related_ids = related;
    struct case_viewer v;
    if ((rc = case_viewer_of(r, &v))) return rc;
    struct case_create cc = {.v = &v, .in = &in};
    struct db *db = req_db(r);
    rc = api_write(r, app_case_create, &cc, 0);
    if (rc) {
        sodium_memzero(cc.query_code, sizeof cc.query_code);
        return rc;
    }
    int64_t id = cc.id;
    char *code = cc.query_code;
    json_t *o = NULL;
    if ((rc = st_case_get(db, &v, id, &o))) {
        /* Registered, but the creator cannot see it (e.g. a 检举控告 without case:report). */
        o = json_pack("{s:I}", "id", (json_int_t)id);
    }
    json_object_set_new(o, "query_code", json_string(code));
    sodium_memzero(cc.query_code, sizeof cc.query_code);
    return api_reply_record(r, 201, o);
}

/* ---------------------------------------------------------------- detail, pii */

static int get(struct req *r)
{
    int64_t id;
    struct case_viewer v;
    int rc;
    if ((rc = req_param_id(r, 0, &id)) || (rc = case_viewer_of(r, &v))) return rc;
    json_t *o;
    if ((rc = st_case_get(req_db(r), &v, id, &o))) return api_rc(r, rc);
    return api_reply_record(r, 200, o);
}

static int pii(struct req *r)
{
    int64_t id;
    struct case_viewer v;
    int rc;
    if ((rc = req_param_id(r, 0, &id)) || (rc = case_viewer_of(r, &v))) return rc;
    struct case_pii_view pv = {.v = &v, .id = id};
    rc = api_write(r, app_case_pii_view, &pv, 0);
    if (rc) {
        json_decref(pv.out);
        return rc;
    }
    return reply_json(r, 200, pv.out);
}

/* ---------------------------------------------------------------- actions */

static const struct jv_field act_spec[] = {
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
    {"note", "备注", JV_TEXT, 0, 0, 2000},
    {"reason", "理由", JV_TEXT, 0, 0, 2000},
    {"forward_to", "接收机关", JV_STR, 0, 0, 100},
    {"forward_unit_id", "接收机关", JV_INT, 0, 1, INT32_MAX},
    {"kind", "事项性质", JV_STR, 0, 0, 20},
    {"unit_id", "承办单位", JV_INT, 0, 1, INT32_MAX},
    {"handler_id", "承办人", JV_INT, 0, 1, INT32_MAX},
    {"deadline", "办理期限", JV_STR, 0, 0, 10},
    {"contact_how", "联系方式", JV_STR, 0, 0, 50},
    {"contact_with", "联系对象", JV_STR, 0, 0, 100},
    {"contact_at", "联系时间", JV_STR, 0, 0, 25},
    {"reply_text", "答复内容", JV_TEXT, 0, 0, 5000},
    {"outcome", "处理结果", JV_STR, 0, 0, 20},
    {"resolved", "是否解决", JV_BOOL, 0, 0, 0},
    {"satisfaction", "满意度", JV_STR, 0, 0, 30},
    {"callback_how", "回访方式", JV_STR, 0, 0, 50},
    {"extend_days", "延期天数", JV_INT, 0, 1, 365},
    {"attachment_ids", "附件", JV_INT_ARRAY, 0, 0, CASE_MAX_ATTACHMENTS},
};


static int act(struct req *r)
{
    int64_t id;
    int rc;
    if ((rc = req_param_id(r, 0, &id))) return rc;
    int ai = case_action_from_code(r->params[1]);
    if (ai < 0) return req_fail(r, SX_ENOTFOUND, NULL, "没有这个办理操作");
    if ((rc = req_check_body(r, act_spec, NELEM(act_spec)))) return rc;
    /* 包案 makes the actor the leader personally in charge: an integration account is no person. */
    if (ai == CA_TAKE_CHARGE && r->who.token_id)
        return req_fail(r, SX_EFORBIDDEN, NULL, "集成账号不能包案：包案须由领导本人负责");
    struct case_act_in x;
    memset(&x, 0, sizeof x);
    struct case_action_input in = CASE_INPUT_INIT;
    x.action = (enum case_action)ai;
    in.reason = jv_str(r->json, "reason", NULL);
    in.forward_to = jv_str(r->json, "forward_to", NULL);
    in.forward_unit_id = jv_int(r->json, "forward_unit_id", 0);
    const char *kind = jv_str(r->json, "kind", NULL);
    if (kind && *kind) {
        int k = case_kind_from_code(kind);
        if (k < 0) return req_fail(r, SX_EVALIDATION, "kind", "事项性质无效，应为 suggestion、report、appeal 或 legal");
        in.new_kind = k;
    }
    in.unit_id = jv_int(r->json, "unit_id", 0);
    in.handler_id = jv_int(r->json, "handler_id", 0);
    in.deadline = jv_str(r->json, "deadline", NULL);
    in.contact_how = jv_str(r->json, "contact_how", NULL);
    in.contact_with = jv_str(r->json, "contact_with", NULL);
    in.reply_text = jv_str(r->json, "reply_text", NULL);
    in.extend_days = (int)jv_int(r->json, "extend_days", 0);
    const char *oc = jv_str(r->json, "outcome", NULL);
    if (oc && *oc) {
        int o = case_outcome_from_code(oc);
        if (o <= 0) return req_fail(r, SX_EVALIDATION, "outcome", "处理结果无效，应为 support、explain 或 not_support");
        in.outcome = (enum case_outcome)o;
    }
    const char *sat = jv_str(r->json, "satisfaction", NULL);
    if (sat && *sat) {
        int sv = case_satisfaction_from_code(sat);
        if (sv <= 0)
            return req_fail(r, SX_EVALIDATION, "satisfaction",
                            "满意度无效，应为 satisfied、basically_satisfied 或 unsatisfied");
        in.satisfaction = (enum case_satisfaction)sv;
    }
    if (jv_has(r->json, "resolved")) in.resolved = jv_bool(r->json, "resolved", 0);
    x.in = in;
    x.note = jv_str(r->json, "note", "");
    x.callback_how = jv_str(r->json, "callback_how", NULL);
    const char *cat = jv_str(r->json, "contact_at", NULL);
    if (cat && *cat) {
        time_t t;
        if (parse_received(cat, &t)) return req_fail(r, SX_EVALIDATION, "contact_at", "联系时间格式无效");
        char *iso = arena_alloc(&r->arena, 32);
        time_iso(t, iso);
        x.contact_at = iso;
    }
    int64_t att[CASE_MAX_ATTACHMENTS];
    json_t *ids = json_object_get(r->json, "attachment_ids");
    size_t i;
    json_t *e;
    json_array_foreach(ids, i, e) att[x.n_attachments++] = json_integer_value(e);
    x.attachment_ids = att;
    /* Every workflow action names the version it was decided on, like every other update
     * (If-Match or "version"): 428 without it. */
    int from_header;
    if ((rc = req_expected_version(r, &x.expected_version, &from_header))) return rc;
    struct case_viewer v;
    if ((rc = case_viewer_of(r, &v))) return rc;
    struct case_act act = {.v = &v, .id = id, .x = &x};
    struct app_err ae;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    rc = app_write(req_db(r), &a, app_case_act, &act, &ae);
    if (rc == SX_EVERSION)
        rc = from_header ? req_version_mismatch(r, 1) : req_fail(r, rc, "version", "该事项已被他人更新，请刷新后重试");
    else if (rc)
        rc = api_app_fail(r, &ae);
    app_err_clear(&ae);
    if (rc) return rc;
    json_t *o = NULL;
    rc = st_case_get(req_db(r), &v, id, &o);
    if (rc == SX_ENOTFOUND) {
        /* Done, but the actor no longer sees the case (退回: it left the unit's hands). */
        o = json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)id, "status", case_status_code(act.next),
                      "status_label", case_status_label(act.next), "visible", 0);
        rc = o ? SX_OK : SX_EINTERNAL;
    }
    if (rc) return api_rc(r, rc);
    return api_reply_record(r, 200, o);
}

/* ---------------------------------------------------------------- links, query code */

static const struct jv_field link_spec[] = {
    {"case_id", "关联事项", JV_INT, 1, 1, INT32_MAX},
    {"note", "备注", JV_TEXT, 0, 0, 500},
};

static int link(struct req *r)
{
    int64_t id;
    struct case_viewer v;
    int rc;
    if ((rc = req_param_id(r, 0, &id)) || (rc = req_check_body(r, link_spec, NELEM(link_spec))) ||
        (rc = case_viewer_of(r, &v)))
        return rc;
    struct db *db = req_db(r);
    struct case_link cl = {.v = &v, .id = id, .other = jv_int(r->json, "case_id", 0), .note = jv_str(r->json, "note", "")};
    if ((rc = api_write(r, app_case_link, &cl, 0))) return rc;
    json_t *o;
    if ((rc = st_case_get(db, &v, id, &o))) return api_rc(r, rc);
    return api_reply_record(r, 200, o);
}

static int new_code(struct req *r)
{
    int64_t id;
    struct case_viewer v;
    int rc;
    if ((rc = req_param_id(r, 0, &id)) || (rc = case_viewer_of(r, &v))) return rc;
    struct case_query_code q = {.v = &v, .id = id};
    if ((rc = api_write(r, app_case_new_query_code, &q, 0))) return rc;
    json_t *o = json_pack("{s:s}", "query_code", q.query_code);
    sodium_memzero(q.query_code, sizeof q.query_code);
    return reply_json(r, 200, o);
}

static int handlers(struct req *r)
{
    json_t *items;
    int rc = st_case_handlers(req_db(r), &items);
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int organs(struct req *r)
{
    const char *t = req_query(r, "org_type");
    if (t && !case_org_type_valid(t))
        return req_fail(r, SX_EBADQUERY, "org_type", "org_type 只能是 politics_law 或 discipline");
    json_t *items;
    int rc = st_case_organs(req_db(r), t, &items);
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

const struct route case_routes[] = {
    {M_GET, "/api/v1/cases/handlers", P_CASE_ASSIGN, handlers, 0, "可交办的承办单位和承办人"},
    {M_GET, "/api/v1/cases/organs", P_CASE_ASSIGN, organs, 0, "政法机关和纪检监察机关（转送、交办对象）"},
    {M_GET, "/api/v1/cases", P_CASE_READ, list, 0, "信访事项列表"},
    {M_POST, "/api/v1/cases", P_CASE_INTAKE, create, 0, "登记信访事项"},
    {M_GET, "/api/v1/cases/{id}", P_CASE_READ, get, 0, "信访事项详情"},
    {M_GET, "/api/v1/cases/{id}/pii", P_CASE_PII, pii, 0, "查看信访人完整身份信息（记入审计）"},
    {M_POST, "/api/v1/cases/{id}/actions/{action}", P_CASE_READ, act, 0, "办理操作（受理、交办、签收、答复等）"},
    {M_POST, "/api/v1/cases/{id}/links", P_CASE_INTAKE, link, 0, "关联信访事项"},
    {M_POST, "/api/v1/cases/{id}/query-code", P_CASE_INTAKE, new_code, 0, "重新发放查询码"},
    ROUTES_END,
};
