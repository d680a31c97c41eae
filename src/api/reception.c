/* /api/v1/reception/plans: the reception-day (接访日) rotation planner. propose runs the pure
 * planner (src/domain/rotation.h) over the working days of the period; validate checks an edited
 * plan against the same hard constraints. Nothing is stored yet. */
#include "api.h"
#include "../domain/calendar.h"
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

/* 1 when s is a real date written exactly YYYY-MM-DD. */
static int canonical_day(const char *s, cal_day *day)
{
    char back[11];
    if (!s || strlen(s) != 10 || day_parse(s, 10, day)) return 0;
    day_format(*day, back);
    return !strcmp(back, s);
}

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
            if (!canonical_day(json_string_value(x), &d))
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
static int load_counties(struct req *r, struct plan_ctx *c)
{
    int64_t ids[ROT_MAX_COUNTIES];
    int n = 0;
    json_t *given = json_object_get(r->json, "county_ids"), *x;
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
        if (!canonical_day(json_string_value(json_object_get(o, "date")), &d))
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
static int read_input(struct req *r, struct plan_ctx *c, int with_plan)
{
    if (!json_is_object(r->json)) return req_fail(r, SX_EBADJSON, NULL, "请求内容必须是 JSON 对象");
    json_t *plain = json_copy(r->json);
    if (!plain) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    json_object_del(plain, "leaders");
    if (with_plan) json_object_del(plain, "plan");
    struct verr e;
    int rc = jv_check(plain, plan_spec, NELEM(plan_spec), &e);
    json_decref(plain);
    if (rc) return req_fail(r, rc, e.field, arena_strdup(&r->arena, e.msg));

    if (!canonical_day(jv_str(r->json, "period_start", ""), &c->start))
        return req_fail(r, SX_EVALIDATION, "period_start", "开始日期无效，应为YYYY-MM-DD格式的有效日期");
    if (!canonical_day(jv_str(r->json, "period_end", ""), &c->end))
        return req_fail(r, SX_EVALIDATION, "period_end", "结束日期无效，应为YYYY-MM-DD格式的有效日期");
    if (c->end < c->start) return req_fail(r, SX_EVALIDATION, "period_end", "结束日期不能早于开始日期");
    if (c->end - c->start + 1 > ROT_MAX_DATES)
        return bad(r, "period_end", "排班周期最长%lld天（一个季度）", ROT_MAX_DATES);

    json_t *leaders = json_object_get(r->json, "leaders");
    if (!json_is_array(leaders) || json_array_size(leaders) < 1 || json_array_size(leaders) > ROT_MAX_LEADERS)
        return bad(r, "leaders", "领导列表 leaders 应为1到%lld位领导的数组", ROT_MAX_LEADERS);
    c->in.leaders = c->leaders;
    c->in.n_leaders = (int)json_array_size(leaders);
    for (int i = 0; i < c->in.n_leaders; i++)
        if ((rc = read_leader(r, c, i, json_array_get(leaders, (size_t)i)))) return rc;
    if ((rc = load_leaders(r, c)) || (rc = load_counties(r, c))) return rc;
    c->in.counties = c->counties;
    c->in.visits_each = (int)jv_int(r->json, "visits_per_county", 1);

    if ((rc = st_calendar_load(req_db(r), &c->cal))) return api_rc(r, rc);
    c->in.dates = c->dates;
    c->in.n_dates = 0;
    for (cal_day d = c->start; d <= c->end; d++)
        if (calendar_is_workday(&c->cal, d)) c->dates[c->in.n_dates++] = ymd_of(d);
    c->missing = calendar_check_range(&c->cal, c->start, c->end, c->warn, sizeof c->warn);
    if (with_plan) return read_visits(r, c, json_object_get(r->json, "plan"));
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
    int rc = read_input(r, c, 0);
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

static int validate(struct req *r)
{
    struct plan_ctx *c = calloc(1, sizeof *c);
    if (!c) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    int rc = read_input(r, c, 1);
    if (rc) goto out;
    struct rot_error e;
    if (rotation_validate(&c->in, c->visits, c->n_visits, &c->u.viol, &e)) {
        rc = plan_error(r, c, &e);
        goto out;
    }
    json_t *list = json_array();
    for (int i = 0; i < c->u.viol.n; i++) {
        const struct rot_violation *v = &c->u.viol.v[i];
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
    json_t *o = json_pack("{s:b,s:o,s:i}", "ok", c->u.viol.total == 0, "violations", list, "total",
                          c->u.viol.total);
    json_object_set_new(o, "warning", c->missing ? json_string(c->warn) : json_null());
    rc = reply_json(r, 200, o);
out:
    free(c);
    return rc;
}

const struct route reception_routes[] = {
    {M_POST, "/api/v1/reception/plans/propose", P_RECEPTION_PLAN, propose, 0, "生成接访日轮值方案"},
    {M_POST, "/api/v1/reception/plans/validate", P_RECEPTION_PLAN, validate, 0, "检查接访日轮值方案"},
    ROUTES_END,
};
