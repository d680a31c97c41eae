/* /api/v1/reception: the reception-day (接访日) rotation planner, saved plans and published days.
 * propose runs the pure planner (src/domain/rotation.h) over the working days of the period;
 * validate checks an edited plan against the same hard constraints; plans are saved as drafts
 * (checked the same way), published into reception days with stable iCalendar UIDs, and shown
 * with their summary. /api/v1/public/reception-days and /api/v1/public/ical/… serve the
 * published schedule without an account. */
#include "api.h"
#include "../domain/calendar.h"
#include "../domain/ical.h"
#include "../domain/rotation.h"
#include <stdlib.h>

/* Plain fields of both bodies; "leaders" (array of objects) and "plan" are checked by hand. */
static const struct jv_field plan_spec[] = {
    {"period_start", "开始日期", JV_STR, 1, 1, 10},
    {"period_end", "结束日期", JV_STR, 1, 1, 10},
    {"visits_per_county", "每县接访次数", JV_INT, 1, 1, 5},
    {"county_ids", "县", JV_INT_ARRAY, 0, 0, ROT_MAX_COUNTIES},
};

struct plan_ctx {
    cal_day start, end;
    struct rot_input in;
    struct rot_leader leaders[ROT_MAX_LEADERS];
    int32_t unavailable[ROT_MAX_LEADERS][ROT_MAX_UNAVAILABLE];
    int64_t units[ROT_MAX_LEADERS][ROT_MAX_UNITS];
    const char *leader_name[ROT_MAX_LEADERS];
    struct rot_county counties[ROT_MAX_COUNTIES];
    const char *county_name[ROT_MAX_COUNTIES];
    int32_t dates[ROT_MAX_DATES];
    int missing; /* the calendar does not cover every year of the period */
    char warn[512];
    struct calendar cal;
    struct rot_visit visits[ROT_MAX_VISITS]; /* validate: the edited plan */
    int n_visits;
    union {
        struct rot_plan plan;
        struct rot_violations viol;
    } u;
};

static int32_t ymd_of(cal_day d)
{
    struct ymd x = day_to_ymd(d);
    return (int32_t)(x.y * 10000 + x.m * 100 + x.d);
}

static cal_day day_of(int32_t ymd)
{
    return day_from_ymd(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static const char *leader_name_of(const struct plan_ctx *c, int64_t id)
{
    for (int i = 0; i < c->in.n_leaders; i++)
        if (c->leaders[i].id == id) return c->leader_name[i];
    return NULL;
}

static const char *county_name_of(const struct plan_ctx *c, int64_t id)
{
    for (int i = 0; i < c->in.n_counties; i++)
        if (c->counties[i].id == id) return c->county_name[i];
    return NULL;
}

static int bad(struct req *r, const char *field, const char *fmt, long long a)
{
    return req_fail(r, SX_EVALIDATION, field, arena_printf(&r->arena, fmt, a));
}

/* One element of "leaders" into c->leaders[i]. */
static int read_leader(struct req *r, struct plan_ctx *c, int i, json_t *o)
{
    if (!json_is_object(o)) return bad(r, "leaders", "第%lld位领导应为对象 {cadre_id, unavailable, unit_ids}", i + 1);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strcmp(key, "cadre_id") && strcmp(key, "unavailable") && strcmp(key, "unit_ids"))
            return req_fail(r, SX_EVALIDATION, "leaders",
                            arena_printf(&r->arena, "第%d位领导含有不支持的字段“%s”", i + 1, key));
    }
    json_t *id = json_object_get(o, "cadre_id");
    if (!json_is_integer(id) || json_integer_value(id) < 1)
        return bad(r, "leaders", "第%lld位领导的 cadre_id 必须是正整数", i + 1);
    struct rot_leader *l = &c->leaders[i];
    l->id = json_integer_value(id);
    for (int k = 0; k < i; k++)
        if (c->leaders[k].id == l->id) return bad(r, "leaders", "干部#%lld重复出现在领导列表中", (long long)l->id);
    json_t *un = json_object_get(o, "unavailable");
    l->unavailable = c->unavailable[i];
    l->n_unavailable = 0;
    if (un && !json_is_null(un)) {
        if (!json_is_array(un) || json_array_size(un) > ROT_MAX_UNAVAILABLE)
            return bad(r, "leaders", "第%lld位领导的不可用日期应为最多366个日期的数组", i + 1);
        size_t k;
        json_t *x;
        json_array_foreach(un, k, x)
        {
            cal_day d;
            if (!day_parse_exact(json_string_value(x), &d))
                return bad(r, "leaders", "第%lld位领导的不可用日期无效，应为YYYY-MM-DD格式的有效日期", i + 1);
            c->unavailable[i][l->n_unavailable++] = ymd_of(d);
        }
    }
    json_t *units = json_object_get(o, "unit_ids");
    l->units = c->units[i];
    l->n_units = 0;
    if (units && !json_is_null(units)) {
        if (!json_is_array(units) || json_array_size(units) > ROT_MAX_UNITS)
            return bad(r, "leaders", "第%lld位领导的陪同单位应为最多32个单位编号的数组", i + 1);
        size_t k;
        json_t *x;
        json_array_foreach(units, k, x)
        {
            if (!json_is_integer(x) || json_integer_value(x) < 1)
                return bad(r, "leaders", "第%lld位领导的陪同单位编号必须是正整数", i + 1);
            c->units[i][l->n_units++] = json_integer_value(x);
        }
    }
    return SX_OK;
}

/* Leaders must exist and be leader cadres; their names come from the store. */
static int load_leaders(struct req *r, struct plan_ctx *c)
{
    int64_t ids[ROT_MAX_LEADERS];
    for (int i = 0; i < c->in.n_leaders; i++) ids[i] = c->leaders[i].id;
    json_t *rows;
    int rc = st_reception_leaders(req_db(r), ids, c->in.n_leaders, &rows);
    if (rc) return api_rc(r, rc);
    for (int i = 0; i < c->in.n_leaders; i++) {
        json_t *found = NULL, *row;
        size_t k;
        json_array_foreach(rows, k, row) if (json_integer_value(json_object_get(row, "id")) == ids[i]) found = row;
        if (!found) {
            json_decref(rows);
            return bad(r, "leaders", "干部#%lld不存在", (long long)ids[i]);
        }
        const char *name = json_string_value(json_object_get(found, "name"));
        if (!json_is_true(json_object_get(found, "is_leader"))) {
            rc = req_fail(r, SX_EVALIDATION, "leaders",
                          arena_printf(&r->arena, "%s（干部#%lld）不是领导干部，不能安排接访", name ? name : "",
                                       (long long)ids[i]));
            json_decref(rows);
            return rc;
        }
        c->leader_name[i] = arena_strdup(&r->arena, name ? name : "");
    }
    json_decref(rows);
    return SX_OK;
}

/* The counties of the body (or every county) with names. */
static int load_counties(struct req *r, struct plan_ctx *c, json_t *body)
{
    int64_t ids[ROT_MAX_COUNTIES];
    int n = 0;
    json_t *given = json_object_get(body, "county_ids"), *x;
    size_t k;
    if (json_is_array(given)) json_array_foreach(given, k, x)
        {
            int64_t id = json_integer_value(x);
            for (int j = 0; j < n; j++)
                if (ids[j] == id) return bad(r, "county_ids", "县#%lld重复出现", (long long)id);
            ids[n++] = id;
        }
    json_t *rows;
    int rc = st_reception_counties(req_db(r), ids, n, &rows);
    if (rc) return api_rc(r, rc);
    if (n == 0) {
        size_t total = json_array_size(rows);
        if (total == 0 || total > ROT_MAX_COUNTIES) {
            json_decref(rows);
            return bad(r, "county_ids",
                       total ? "县级地区超过%lld个，请在 county_ids 中指定本期安排的县" : "没有县级地区可安排%.0lld",
                       ROT_MAX_COUNTIES);
        }
        json_t *row;
        json_array_foreach(rows, k, row)
        {
            ids[n++] = json_integer_value(json_object_get(row, "id"));
        }
    }
    for (int i = 0; i < n; i++) {
        json_t *found = NULL, *row;
        json_array_foreach(rows, k, row) if (json_integer_value(json_object_get(row, "id")) == ids[i]) found = row;
        if (!found) {
            json_decref(rows);
            return bad(r, "county_ids", "地区#%lld不存在或不是县级地区", (long long)ids[i]);
        }
        const char *name = json_string_value(json_object_get(found, "name"));
        c->counties[i].id = ids[i];
        c->counties[i].visits = 0;
        c->county_name[i] = arena_strdup(&r->arena, name ? name : "");
    }
    c->in.n_counties = n;
    json_decref(rows);
    return SX_OK;
}

/* The body's plan (validate) into c->visits. */
static int read_visits(struct req *r, struct plan_ctx *c, json_t *plan)
{
    if (!plan || json_is_null(plan)) return req_fail(r, SX_EVALIDATION, "plan", "请提供要检查的接访安排 plan");
    if (!json_is_array(plan) || json_array_size(plan) > ROT_MAX_VISITS)
        return bad(r, "plan", "接访安排应为最多%lld条的数组", ROT_MAX_VISITS);
    size_t i;
    json_t *o;
    json_array_foreach(plan, i, o)
    {
        int n = (int)i + 1;
        if (!json_is_object(o)) return bad(r, "plan", "第%lld条接访安排应为对象 {date, county_id, leader_id}", n);
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v)
        {
            static const char *const ok[] = {"date", "county_id", "leader_id", "weekday",
                                             "county_name", "leader_name", "unit_ids"};
            size_t j = 0;
            while (j < NELEM(ok) && strcmp(key, ok[j])) j++;
            if (j == NELEM(ok))
                return req_fail(r, SX_EVALIDATION, "plan",
                                arena_printf(&r->arena, "第%d条接访安排含有不支持的字段“%s”", n, key));
        }
        cal_day d;
        if (!day_parse_exact(json_string_value(json_object_get(o, "date")), &d))
            return bad(r, "plan", "第%lld条接访安排的日期无效，应为YYYY-MM-DD格式的有效日期", n);
        json_t *cid = json_object_get(o, "county_id"), *lid = json_object_get(o, "leader_id");
        if (!json_is_integer(cid) || json_integer_value(cid) < 1 || !json_is_integer(lid) ||
            json_integer_value(lid) < 1)
            return bad(r, "plan", "第%lld条接访安排的 county_id 和 leader_id 必须是正整数", n);
        struct rot_visit *vis = &c->visits[c->n_visits++];
        vis->date = ymd_of(d);
        vis->county_id = json_integer_value(cid);
        vis->leader_id = json_integer_value(lid);
        vis->units = NULL;
        vis->n_units = 0;
        for (int k = 0; k < c->in.n_leaders; k++)
            if (c->leaders[k].id == vis->leader_id) {
                vis->units = c->leaders[k].units;
                vis->n_units = c->leaders[k].n_units;
            }
    }
    return SX_OK;
}

/* Checks and loads everything both operations share; with_plan: the body also has "plan". */
static int read_input(struct req *r, struct plan_ctx *c, json_t *body, int with_plan)
{
    if (!json_is_object(body)) return req_fail(r, SX_EBADJSON, NULL, "请求内容必须是 JSON 对象");
    json_t *plain = json_copy(body);
    if (!plain) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    json_object_del(plain, "leaders");
    if (with_plan) json_object_del(plain, "plan");
    struct verr e;
    int rc = jv_check(plain, plan_spec, NELEM(plan_spec), &e);
    json_decref(plain);
    if (rc) return req_fail(r, rc, e.field, arena_strdup(&r->arena, e.msg));

    if (!day_parse_exact(jv_str(body, "period_start", ""), &c->start))
        return req_fail(r, SX_EVALIDATION, "period_start", "开始日期无效，应为YYYY-MM-DD格式的有效日期");
    if (!day_parse_exact(jv_str(body, "period_end", ""), &c->end))
        return req_fail(r, SX_EVALIDATION, "period_end", "结束日期无效，应为YYYY-MM-DD格式的有效日期");
    if (c->end < c->start) return req_fail(r, SX_EVALIDATION, "period_end", "结束日期不能早于开始日期");
    if (c->end - c->start + 1 > ROT_MAX_DATES)
        return bad(r, "period_end", "排班周期最长%lld天（一个季度）", ROT_MAX_DATES);

    json_t *leaders = json_object_get(body, "leaders");
    if (!json_is_array(leaders) || json_array_size(leaders) < 1 || json_array_size(leaders) > ROT_MAX_LEADERS)
        return bad(r, "leaders", "领导列表 leaders 应为1到%lld位领导的数组", ROT_MAX_LEADERS);
    c->in.leaders = c->leaders;
    c->in.n_leaders = (int)json_array_size(leaders);
    for (int i = 0; i < c->in.n_leaders; i++)
        if ((rc = read_leader(r, c, i, json_array_get(leaders, (size_t)i)))) return rc;
    if ((rc = load_leaders(r, c)) || (rc = load_counties(r, c, body))) return rc;
    c->in.counties = c->counties;
    c->in.visits_each = (int)jv_int(body, "visits_per_county", 1);

    if ((rc = st_calendar_load(req_db(r), &c->cal))) return api_rc(r, rc);
    c->in.dates = c->dates;
    c->in.n_dates = 0;
    for (cal_day d = c->start; d <= c->end; d++)
        if (calendar_is_workday(&c->cal, d)) c->dates[c->in.n_dates++] = ymd_of(d);
    c->missing = calendar_check_range(&c->cal, c->start, c->end, c->warn, sizeof c->warn);
    if (with_plan) return read_visits(r, c, json_object_get(body, "plan"));
    return SX_OK;
}

/* ROT_E_* into a 422 on "plan" with names (500 for a planner bug). */
static int plan_error(struct req *r, const struct plan_ctx *c, const struct rot_error *e)
{
    if (e->code == ROT_E_INTERNAL) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    char buf[ROT_MSG_MAX * 2];
    rotation_error_text(e, county_name_of(c, e->county_id), leader_name_of(c, e->leader_id), buf, sizeof buf);
    return req_fail(r, SX_EVALIDATION, "plan", arena_strdup(&r->arena, buf));
}

static json_t *ids_json(const int64_t *ids, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_integer(ids[i]));
    return a;
}

static int propose(struct req *r)
{
    struct plan_ctx *c = calloc(1, sizeof *c);
    if (!c) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    int rc = read_input(r, c, r->json, 0);
    if (rc) goto out;
    struct rot_error e;
    if (rotation_plan(&c->in, &c->u.plan, &e)) {
        rc = plan_error(r, c, &e);
        goto out;
    }
    json_t *plan = json_array(), *per_leader = json_array(), *per_county = json_array();
    int lcount[ROT_MAX_LEADERS] = {0}, ccount[ROT_MAX_COUNTIES] = {0};
    for (int i = 0; i < c->u.plan.n; i++) {
        const struct rot_visit *v = &c->u.plan.v[i];
        char date[16];
        rotation_date_text(v->date, date, sizeof date);
        const char *cn = county_name_of(c, v->county_id), *ln = leader_name_of(c, v->leader_id);
        json_array_append_new(plan, json_pack("{s:s,s:i,s:I,s:s,s:I,s:s,s:o}", "date", date, "weekday",
                                              day_weekday(day_of(v->date)), "county_id", (json_int_t)v->county_id,
                                              "county_name", cn ? cn : "", "leader_id", (json_int_t)v->leader_id,
                                              "leader_name", ln ? ln : "", "unit_ids", ids_json(v->units, v->n_units)));
        for (int k = 0; k < c->in.n_leaders; k++)
            if (c->leaders[k].id == v->leader_id) lcount[k]++;
        for (int k = 0; k < c->in.n_counties; k++)
            if (c->counties[k].id == v->county_id) ccount[k]++;
    }
    for (int k = 0; k < c->in.n_leaders; k++)
        json_array_append_new(per_leader, json_pack("{s:I,s:s,s:i}", "leader_id", (json_int_t)c->leaders[k].id,
                                                    "leader_name", c->leader_name[k], "count", lcount[k]));
    for (int k = 0; k < c->in.n_counties; k++)
        json_array_append_new(per_county, json_pack("{s:I,s:s,s:i}", "county_id", (json_int_t)c->counties[k].id,
                                                    "county_name", c->county_name[k], "count", ccount[k]));
    json_t *o = json_pack("{s:o,s:o,s:o}", "plan", plan, "per_leader", per_leader, "per_county", per_county);
    json_object_set_new(o, "warning", c->missing ? json_string(c->warn) : json_null());
    rc = reply_json(r, 200, o);
out:
    free(c);
    return rc;
}

/* The violations found by rotation_validate as [{kind,message,index,date,county_id,leader_id}];
 * skip_count leaves out county visit counts (a saved plan may add or drop a visit). */
static json_t *violations_json(const struct plan_ctx *c, int skip_count)
{
    json_t *list = json_array();
    for (int i = 0; i < c->u.viol.n; i++) {
        const struct rot_violation *v = &c->u.viol.v[i];
        if (skip_count && v->kind == ROT_V_COUNTY_COUNT) continue;
        char buf[ROT_MSG_MAX * 2], date[16] = "";
        rotation_violation_text(v, county_name_of(c, v->county_id), leader_name_of(c, v->leader_id), buf,
                                sizeof buf);
        if (v->date) rotation_date_text(v->date, date, sizeof date);
        json_t *item = json_pack("{s:s,s:s,s:i}", "kind", rotation_violation_name(v->kind), "message", buf,
                                 "index", v->index);
        json_object_set_new(item, "date", v->date ? json_string(date) : json_null());
        json_object_set_new(item, "county_id", v->county_id ? json_integer(v->county_id) : json_null());
        json_object_set_new(item, "leader_id", v->leader_id ? json_integer(v->leader_id) : json_null());
        json_array_append_new(list, item);
    }
    return list;
}

static int validate(struct req *r)
{
    struct plan_ctx *c = calloc(1, sizeof *c);
    if (!c) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    int rc = read_input(r, c, r->json, 1);
    if (rc) goto out;
    struct rot_error e;
    if (rotation_validate(&c->in, c->visits, c->n_visits, &c->u.viol, &e)) {
        rc = plan_error(r, c, &e);
        goto out;
    }
    json_t *list = violations_json(c, 0);
    json_t *o = json_pack("{s:b,s:o,s:i}", "ok", c->u.viol.total == 0, "violations", list, "total",
                          c->u.viol.total);
    json_object_set_new(o, "warning", c->missing ? json_string(c->warn) : json_null());
    rc = reply_json(r, 200, o);
out:
    free(c);
    return rc;
}

/* ---- saved plans ---- */

#define PLAN_MAX_PLACE 100 /* characters */

static const struct jv_field save_spec[] = {
    {"name", "方案名称", JV_STR, 1, 1, 60},
    {"period_start", "开始日期", JV_STR, 1, 1, 10},
    {"period_end", "结束日期", JV_STR, 1, 1, 10},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

/* 1 when s is "HH:MM" (00:00 … 23:59). */
static int hhmm(const char *s)
{
    return s && strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
           s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' && (s[0] < '2' || s[1] <= '3');
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Checks the visits of a plan (body "visits", or the stored detail's) into canonical visits
 * [{day_id?, date, county_id, leader_id, unit_ids (sorted, unique), place, start_time, end_time}]
 * and the planner's "plan" [{date, county_id, leader_id}]. A visit without unit_ids takes its
 * leader's accompanying units from the input. */
static int read_plan_visits(struct req *r, json_t *visits, json_t *input, json_t **canon, json_t **plan)
{
    *canon = *plan = NULL;
    if (!json_is_array(visits) || json_array_size(visits) < 1 || json_array_size(visits) > ROT_MAX_VISITS)
        return bad(r, "visits", "接访安排 visits 应为1到%lld条的数组", ROT_MAX_VISITS);
    json_t *out = json_array(), *pl = json_array();
    int rc = SX_OK;
    size_t i;
    json_t *o;
    json_array_foreach(visits, i, o)
    {
        long long n = (long long)i + 1;
        if (!json_is_object(o)) {
            rc = bad(r, "visits", "第%lld条接访安排应为对象", n);
            goto fail;
        }
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v)
        {
            static const char *const ok[] = {"date", "county_id", "leader_id", "unit_ids", "place", "start_time",
                                             "end_time", "day_id", "weekday", "county_name", "leader_name",
                                             "units", "sequence", "published"};
            size_t j = 0;
            while (j < NELEM(ok) && strcmp(key, ok[j])) j++;
            if (j == NELEM(ok)) {
                rc = req_fail(r, SX_EVALIDATION, "visits",
                              arena_printf(&r->arena, "第%lld条接访安排含有不支持的字段“%s”", n, key));
                goto fail;
            }
        }
        const char *date = json_string_value(json_object_get(o, "date"));
        cal_day d;
        if (!day_parse_exact(date, &d)) {
            rc = bad(r, "visits", "第%lld条接访安排的日期无效，应为YYYY-MM-DD格式的有效日期", n);
            goto fail;
        }
        json_t *cid = json_object_get(o, "county_id"), *lid = json_object_get(o, "leader_id");
        if (!json_is_integer(cid) || json_integer_value(cid) < 1 || !json_is_integer(lid) ||
            json_integer_value(lid) < 1) {
            rc = bad(r, "visits", "第%lld条接访安排的 county_id 和 leader_id 必须是正整数", n);
            goto fail;
        }
        json_t *did = json_object_get(o, "day_id");
        if (did && !json_is_null(did) && (!json_is_integer(did) || json_integer_value(did) < 1)) {
            rc = bad(r, "visits", "第%lld条接访安排的 day_id 必须是正整数", n);
            goto fail;
        }
        json_t *place = json_object_get(o, "place");
        const char *pl_text = "";
        if (place && !json_is_null(place)) {
            if (!json_is_string(place) || utf8_len(json_string_value(place)) > PLAN_MAX_PLACE ||
                has_control_ex(json_string_value(place), 0)) {
                rc = bad(r, "visits", "第%lld条接访安排的地点应为不超过100个字符的单行文字", n);
                goto fail;
            }
            pl_text = json_string_value(place);
        }
        json_t *st = json_object_get(o, "start_time"), *et = json_object_get(o, "end_time");
        const char *start = st && !json_is_null(st) ? json_string_value(st) : "09:00";
        const char *end = et && !json_is_null(et) ? json_string_value(et) : "12:00";
        if (!hhmm(start) || !hhmm(end)) {
            rc = bad(r, "visits", "第%lld条接访安排的时间无效，应为HH:MM格式（如 09:00）", n);
            goto fail;
        }
        if (strcmp(start, end) >= 0) {
            rc = bad(r, "visits", "第%lld条接访安排的结束时间应晚于开始时间", n);
            goto fail;
        }
        int64_t ids[ROT_MAX_UNITS];
        int nu = 0;
        json_t *units = json_object_get(o, "unit_ids");
        if (!units || json_is_null(units)) { /* the leader's accompanying units from the input */
            json_t *ls = json_object_get(input, "leaders"), *l;
            size_t k;
            json_array_foreach(ls, k, l) if (json_integer_value(json_object_get(l, "cadre_id")) == json_integer_value(lid))
                units = json_object_get(l, "unit_ids");
        }
        if (units && !json_is_null(units)) {
            if (!json_is_array(units) || json_array_size(units) > ROT_MAX_UNITS) {
                rc = bad(r, "visits", "第%lld条接访安排的陪同单位应为最多32个单位编号的数组", n);
                goto fail;
            }
            size_t k;
            json_t *x;
            json_array_foreach(units, k, x)
            {
                if (!json_is_integer(x) || json_integer_value(x) < 1) {
                    rc = bad(r, "visits", "第%lld条接访安排的陪同单位编号必须是正整数", n);
                    goto fail;
                }
                int dup = 0;
                for (int m = 0; m < nu; m++) dup |= ids[m] == json_integer_value(x);
                if (!dup) ids[nu++] = json_integer_value(x);
            }
            qsort(ids, (size_t)nu, sizeof ids[0], cmp_id);
            int64_t missing = 0;
            if ((rc = st_reception_units_missing(req_db(r), ids, nu, &missing))) {
                rc = api_rc(r, rc);
                goto fail;
            }
            if (missing) {
                rc = req_fail(r, SX_EVALIDATION, "visits",
                              arena_printf(&r->arena, "第%lld条接访安排的陪同单位#%lld不存在", n, (long long)missing));
                goto fail;
            }
        }
        json_t *c = json_pack("{s:s,s:I,s:I,s:o,s:s,s:s,s:s}", "date", date, "county_id",
                              (json_int_t)json_integer_value(cid), "leader_id", (json_int_t)json_integer_value(lid),
                              "unit_ids", ids_json(ids, nu), "place", pl_text, "start_time", start, "end_time", end);
        if (did && json_is_integer(did)) json_object_set_new(c, "day_id", json_integer(json_integer_value(did)));
        json_array_append_new(out, c);
        json_array_append_new(pl, json_pack("{s:s,s:I,s:I}", "date", date, "county_id",
                                            (json_int_t)json_integer_value(cid), "leader_id",
                                            (json_int_t)json_integer_value(lid)));
    }
    *canon = out;
    *plan = pl;
    return SX_OK;
fail:
    json_decref(out);
    json_decref(pl);
    return rc;
}

/* Checks input + visits of a plan over period start..end with the hard constraints of
 * /validate (a county's visit count aside), and no leader booked on the same day by another
 * published plan. On success *canon holds the canonical visits. */
static int check_plan(struct req *r, int64_t plan_id, json_t *input, json_t *visits, const char *start,
                      const char *end, json_t **canon)
{
    *canon = NULL;
    if (!json_is_object(input)) return req_fail(r, SX_EVALIDATION, "input", "请提供排班输入 input（生成方案时的参数）");
    json_t *plan;
    int rc = read_plan_visits(r, visits, input, canon, &plan);
    if (rc) return rc;
    json_t *body = json_deep_copy(input);
    json_object_set_new(body, "period_start", json_string(start));
    json_object_set_new(body, "period_end", json_string(end));
    json_object_set_new(body, "plan", plan);
    struct plan_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        json_decref(body);
        json_decref(*canon);
        *canon = NULL;
        return req_fail(r, SX_EINTERNAL, NULL, NULL);
    }
    rc = read_input(r, c, body, 1);
    if (rc && r->err_field && !strcmp(r->err_field, "plan")) r->err_field = "visits";
    else if (rc && r->err_field && strcmp(r->err_field, "period_start") && strcmp(r->err_field, "period_end"))
        r->err_field = arena_printf(&r->arena, "input.%s", r->err_field);
    struct rot_error e;
    if (!rc && rotation_validate(&c->in, c->visits, c->n_visits, &c->u.viol, &e)) rc = plan_error(r, c, &e);
    if (!rc) {
        json_t *list = violations_json(c, 1);
        if (json_array_size(list) || (c->u.viol.total > c->u.viol.n && c->u.viol.n == ROT_MAX_VIOLATIONS)) {
            json_t *first = json_array_get(list, 0);
            const char *msg = first ? json_string_value(json_object_get(first, "message")) : "接访安排违反排班规则";
            rc = req_fail(r, SX_EVALIDATION, "visits",
                          arena_printf(&r->arena, "接访安排不符合排班规则：%s%s", msg,
                                       json_array_size(list) > 1 ? arena_printf(&r->arena, "（共%zu项问题）", json_array_size(list)) : ""));
            json_decref(r->err_extra);
            r->err_extra = json_pack("{s:o}", "violations", list);
        } else {
            json_decref(list);
        }
    }
    if (!rc) {
        json_t *clash;
        if ((rc = st_reception_leader_clash(req_db(r), plan_id, *canon, &clash))) rc = api_rc(r, rc);
        else if (clash) {
            rc = req_fail(r, SX_EVALIDATION, "visits",
                          arena_printf(&r->arena, "%s在%s已有接访安排（已发布方案“%s”，%s），同一领导一天只能去一个地方",
                                       jv_str(clash, "leader_name", ""), jv_str(clash, "day", ""),
                                       jv_str(clash, "plan_name", ""), jv_str(clash, "county_name", "")));
            json_decref(clash);
        }
    }
    free(c);
    json_decref(body);
    if (rc) {
        json_decref(*canon);
        *canon = NULL;
    }
    return rc;
}

/* The body of POST/PUT into in (canonical visits in *canon, owned by the caller). */
static int read_plan_body(struct req *r, int64_t plan_id, struct reception_plan_in *in, json_t **canon)
{
    *canon = NULL;
    if (!json_is_object(r->json)) return req_fail(r, SX_EBADJSON, NULL, "请求内容必须是 JSON 对象");
    json_t *plain = json_copy(r->json);
    if (!plain) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    json_object_del(plain, "input");
    json_object_del(plain, "visits");
    struct verr e;
    int rc = jv_check(plain, save_spec, NELEM(save_spec), &e);
    json_decref(plain);
    if (rc) return req_fail(r, rc, e.field, arena_strdup(&r->arena, e.msg));
    in->name = jv_str(r->json, "name", "");
    in->period_start = jv_str(r->json, "period_start", "");
    in->period_end = jv_str(r->json, "period_end", "");
    cal_day a, b;
    if (!day_parse_exact(in->period_start, &a))
        return req_fail(r, SX_EVALIDATION, "period_start", "开始日期无效，应为YYYY-MM-DD格式的有效日期");
    if (!day_parse_exact(in->period_end, &b))
        return req_fail(r, SX_EVALIDATION, "period_end", "结束日期无效，应为YYYY-MM-DD格式的有效日期");
    in->input = json_object_get(r->json, "input");
    if ((rc = check_plan(r, plan_id, in->input, json_object_get(r->json, "visits"), in->period_start,
                         in->period_end, canon)))
        return rc;
    in->visits = *canon;
    return SX_OK;
}

static int plan_fail(struct req *r, int rc)
{
    if (rc == SX_ENOTFOUND) return req_fail(r, rc, NULL, "接访日方案不存在");
    if (rc == SX_ECONFLICT) return req_fail(r, rc, NULL, "已发布的方案不能删除");
    return api_rc(r, rc);
}

static int plan_list(struct req *r)
{
    json_t *items;
    int rc = st_reception_plan_list(req_db(r), &items);
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int plan_get(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    json_t *o;
    if ((rc = st_reception_plan_get(req_db(r), id, &o))) return plan_fail(r, rc);
    return api_reply_record(r, 200, o);
}

static int plan_create(struct req *r)
{
    struct reception_plan_in in;
    json_t *canon, *o;
    int rc = read_plan_body(r, 0, &in, &canon);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    rc = st_reception_plan_create(req_db(r), &a, &in, &o);
    json_decref(canon);
    if (rc) return plan_fail(r, rc);
    return api_reply_record(r, 201, o);
}

static int plan_update(struct req *r)
{
    int64_t id, version;
    int from_header;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    struct reception_plan_in in;
    json_t *canon, *o;
    if ((rc = read_plan_body(r, id, &in, &canon))) return rc;
    if ((rc = req_expected_version(r, &version, &from_header))) {
        json_decref(canon);
        return rc;
    }
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    rc = st_reception_plan_update(req_db(r), &a, id, version, &in, &o);
    json_decref(canon);
    if (rc == SX_EVERSION) return req_version_mismatch(r, from_header);
    if (rc) return plan_fail(r, rc);
    return api_reply_record(r, 200, o);
}

static int plan_delete(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    if ((rc = st_reception_plan_delete(req_db(r), &a, id))) return plan_fail(r, rc);
    return reply_empty(r, 204);
}

static const struct jv_field publish_spec[] = {
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

/* Publishes the saved plan after checking it again (leaders, counties and the calendar may have
 * changed since it was saved). The version is optional (If-Match or body). */
static int plan_publish(struct req *r)
{
    int64_t id, version = 0;
    int from_header = 0;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    if (r->json && (rc = req_check_body(r, publish_spec, NELEM(publish_spec)))) return rc;
    if ((req_header(r, "If-Match") || jv_has(r->json, "version")) &&
        (rc = req_expected_version(r, &version, &from_header)))
        return rc;
    struct db *db = req_db(r);
    json_t *plan, *canon, *o;
    if ((rc = st_reception_plan_get(db, id, &plan))) return plan_fail(r, rc);
    int64_t cur = json_integer_value(json_object_get(plan, "version"));
    if (version && version != cur) {
        json_decref(plan);
        return req_version_mismatch(r, from_header);
    }
    rc = check_plan(r, id, json_object_get(plan, "input"), json_object_get(plan, "visits"),
                    json_string_value(json_object_get(plan, "period_start")),
                    json_string_value(json_object_get(plan, "period_end")), &canon);
    json_decref(plan);
    if (rc) return rc;
    json_decref(canon);
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    rc = st_reception_plan_publish(db, &a, id, cur, &o);
    if (rc == SX_EVERSION) return req_version_mismatch(r, from_header);
    if (rc) return plan_fail(r, rc);
    return api_reply_record(r, 200, o);
}

/* ---- published days ---- */

static int query_day(struct req *r, const char *name, const char **out)
{
    const char *v = req_query(r, name);
    cal_day d;
    *out = NULL;
    if (!v || !*v) return SX_OK;
    if (!day_parse_exact(v, &d))
        return req_fail(r, SX_EBADQUERY, name, "日期无效，应为YYYY-MM-DD格式的有效日期");
    *out = v;
    return SX_OK;
}

static int day_list(struct req *r)
{
    struct reception_day_filter f = {0};
    struct paging pg;
    int rc;
    if ((rc = query_day(r, "from", &f.from)) || (rc = query_day(r, "to", &f.to)) ||
        (rc = req_query_int(r, "county_id", 0, 0, INT64_MAX, &f.county_id)) ||
        (rc = req_query_int(r, "leader_id", 0, 0, INT64_MAX, &f.leader_id)) || (rc = req_paging(r, &pg)))
        return rc;
    json_t *items;
    int64_t total;
    if ((rc = st_reception_day_list(req_db(r), &f, &pg, &items, &total))) return api_rc(r, rc);
    return api_reply_page(r, items, total, &pg);
}

#define DAY_MAX_CASES 200

static int day_get(struct req *r)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    struct db *db = req_db(r);
    json_t *o;
    if ((rc = st_reception_day_get(db, id, &o))) {
        if (rc == SX_ENOTFOUND) return req_fail(r, rc, NULL, "接访日不存在或尚未发布");
        return api_rc(r, rc);
    }
    /* The day's cases the caller may see (none without case:read). */
    json_t *cases = NULL;
    int64_t total = 0;
    if (r->who.perms & perm_bit(P_CASE_READ)) {
        struct case_viewer v;
        struct case_filter f;
        memset(&f, 0, sizeof f);
        f.supervised = f.first_time = -1;
        f.reception_day_id = id;
        struct paging pg = {.page = 1, .page_size = DAY_MAX_CASES, .sort = "received_at"};
        if ((rc = st_case_viewer(db, &r->who.scope, r->who.user_id, r->who.unit_id, r->who.perms, &v)) ||
            (rc = st_case_list(db, &v, &f, &pg, &cases, &total))) {
            json_decref(o);
            return api_rc(r, rc);
        }
    }
    json_object_set_new(o, "cases", cases ? cases : json_array());
    json_object_set_new(o, "cases_total", json_integer(total));
    return reply_json(r, 200, o);
}

/* ---- the public schedule and iCalendar feeds (no account) ---- */

/* Today minus back days in the deployment zone, "YYYY-MM-DD". */
static void local_day_minus(int back, char out[11])
{
    char today[11];
    cal_day d;
    time_local_date(time(NULL), today);
    if (day_parse(today, 10, &d)) {
        snprintf(out, 11, "%s", today);
        return;
    }
    day_format(d - back, out);
}

static int public_days(struct req *r)
{
    int64_t county_id;
    int rc = req_query_int(r, "county_id", 0, 0, INT64_MAX, &county_id);
    if (rc) return rc;
    char from[11];
    local_day_minus(30, from);
    json_t *items;
    if ((rc = st_reception_public_days(req_db(r), county_id, from, &items))) return api_rc(r, rc);
    return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Names of a feed row's units joined with "、" (arena). */
static const char *unit_names(struct req *r, json_t *row)
{
    json_t *units = json_object_get(row, "units"), *u;
    size_t i;
    const char *out = "";
    json_array_foreach(units, i, u)
    {
        const char *nm = json_string_value(u);
        out = arena_printf(&r->arena, "%s%s%s", out, i ? "、" : "", nm ? nm : "");
    }
    return out;
}

static int feed(struct req *r, enum reception_feed kind)
{
    int64_t id;
    int rc = req_param_id(r, 0, &id);
    if (rc) return rc;
    char from[11], name[256];
    local_day_minus(366, from);
    json_t *rows;
    if ((rc = st_reception_feed(req_db(r), kind, id, from, &rows, name, sizeof name))) {
        if (rc == SX_ENOTFOUND)
            return req_fail(r, rc, NULL, kind == RECEPTION_FEED_COUNTY ? "县不存在" : "领导不存在");
        return api_rc(r, rc);
    }
    struct ical_buf b = {0};
    ical_begin(&b, arena_printf(&r->arena, "接访日 · %s", name));
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *county = jv_str(row, "county_name", ""), *leader = jv_str(row, "leader_name", "");
        const char *title = jv_str(row, "leader_title", ""), *place = jv_str(row, "place", "");
        const char *units = unit_names(r, row);
        const char *desc = arena_printf(&r->arena, "带队领导：%s%s%s%s\n接访时间：%s—%s%s%s", leader, *title ? "（" : "",
                                        title, *title ? "）" : "", jv_str(row, "start_time", ""),
                                        jv_str(row, "end_time", ""), *units ? "\n陪同单位：" : "", units);
        struct ical_event e = {
            .uid = jv_str(row, "uid", ""),
            .dtstamp = jv_str(row, "updated_at", ""),
            .date = jv_str(row, "day", ""),
            .start_time = jv_str(row, "start_time", ""),
            .end_time = jv_str(row, "end_time", ""),
            .sequence = jv_int(row, "sequence", 0),
            .summary = arena_printf(&r->arena, "接访日：%s（%s）", county, leader),
            .location = *place ? place : arena_printf(&r->arena, "%s人民来访接待中心", county),
            .description = desc,
        };
        ical_event(&b, &e); /* stored rows are well formed; a bad one is left out */
    }
    json_decref(rows);
    if (ical_end(&b)) {
        ical_free(&b);
        return req_fail(r, SX_EINTERNAL, NULL, NULL);
    }
    req_add_header(r, "Content-Disposition",
                   arena_printf(&r->arena, "inline; filename=\"reception-%s-%lld.ics\"",
                                kind == RECEPTION_FEED_COUNTY ? "county" : "leader", (long long)id));
    req_add_header(r, "Cache-Control", "no-cache");
    return reply_bytes(r, 200, "text/calendar; charset=utf-8", b.p, b.len);
}

static int feed_county(struct req *r) { return feed(r, RECEPTION_FEED_COUNTY); }
static int feed_leader(struct req *r) { return feed(r, RECEPTION_FEED_LEADER); }

const struct route reception_routes[] = {
    {M_POST, "/api/v1/reception/plans/propose", P_RECEPTION_PLAN, propose, 0, "生成接访日轮值方案"},
    {M_POST, "/api/v1/reception/plans/validate", P_RECEPTION_PLAN, validate, 0, "检查接访日轮值方案"},
    {M_GET, "/api/v1/reception/plans", P_RECEPTION_READ, plan_list, 0, "接访日方案列表"},
    {M_POST, "/api/v1/reception/plans", P_RECEPTION_PLAN, plan_create, 0, "保存接访日方案（草稿）"},
    {M_GET, "/api/v1/reception/plans/{id}", P_RECEPTION_READ, plan_get, 0, "接访日方案详情"},
    {M_PUT, "/api/v1/reception/plans/{id}", P_RECEPTION_PLAN, plan_update, 0, "修改接访日方案"},
    {M_DELETE, "/api/v1/reception/plans/{id}", P_RECEPTION_PLAN, plan_delete, 0, "删除接访日方案（仅草稿）"},
    {M_POST, "/api/v1/reception/plans/{id}/publish", P_RECEPTION_PLAN, plan_publish, 0, "发布接访日方案"},
    {M_GET, "/api/v1/reception/days", P_RECEPTION_READ, day_list, 0, "已发布的接访日"},
    {M_GET, "/api/v1/reception/days/{id}", P_RECEPTION_READ, day_get, 0, "接访日详情与接待情况"},
    {M_GET, "/api/v1/public/reception-days", P_PUBLIC, public_days, 0, "公开的接访日安排"},
    {M_GET, "/api/v1/public/ical/county/{id}", P_PUBLIC, feed_county, 0, "县接访日日历（iCalendar）"},
    {M_GET, "/api/v1/public/ical/leader/{id}", P_PUBLIC, feed_leader, 0, "领导接访日日历（iCalendar）"},
    ROUTES_END,
};
