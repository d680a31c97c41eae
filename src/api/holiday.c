/* /api/v1/holidays: the working-day calendar (public holidays and 调休上班 days), and
 * /api/v1/deadlines/preview: a statutory deadline computed with it. */
#include "api.h"
#include "../app/holidays.h"
#include "../domain/deadline.h"
#include <stdlib.h>

static const struct jv_field holiday_spec[] = {
    {"day", "日期", JV_STR, 1, 1, 10},
    {"kind", "类型", JV_STR, 1, 1, 16},
    {"name", "名称", JV_STR, 0, 0, 30},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};
/* PUT names the day in the path. */
static const struct jv_field holiday_put_spec[] = {
    {"kind", "类型", JV_STR, 1, 1, 16},
    {"name", "名称", JV_STR, 0, 0, 30},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

/* kind and name of the body, checked against day (the calendar.c rules). */
static int read_in(struct req *r, cal_day day, struct holiday_in *in)
{
    in->kind = jv_str(r->json, "kind", "");
    in->name = jv_str(r->json, "name", "");
    if (strcmp(in->kind, "holiday") && strcmp(in->kind, "workday"))
        return req_fail(r, SX_EVALIDATION, "kind", "类型无效，应为 holiday（假日）或 workday（调休上班）");
    if (!strcmp(in->kind, "workday") && day_weekday(day) <= 5)
        return req_fail(r, SX_EVALIDATION, "day", "调休上班日应为周六或周日（周一至周五本来就是工作日）");
    return SX_OK;
}

/* Runs the use case and answers with the day as it is now (204 for a delete). */
static int write_and_reply(struct req *r, app_fn fn, struct holiday_change *h, int status, int from_header)
{
    int rc = api_write(r, fn, h, from_header);
    if (rc) return rc;
    if (status == 204) return reply_empty(r, 204);
    json_t *o;
    if ((rc = st_holiday_get(req_db(r), h->day, &o))) return api_rc(r, rc);
    return api_reply_record(r, status, o);
}

static int list(struct req *r)
{
    int64_t year;
    int rc = req_query_int(r, "year", 0, CAL_YEAR_MIN, CAL_YEAR_MAX, &year);
    if (rc) return rc;
    json_t *items = NULL, *years = NULL;
    struct db *db = req_db(r);
    if ((rc = st_holiday_list(db, year, &items))) return api_rc(r, rc);
    if ((rc = st_holiday_years(db, &years))) {
        json_decref(items);
        return api_rc(r, rc);
    }
    return reply_json(r, 200, json_pack("{s:o,s:o}", "items", items, "years", years));
}

static int create(struct req *r)
{
    int rc = req_check_body(r, holiday_spec, NELEM(holiday_spec));
    if (rc) return rc;
    const char *day = jv_str(r->json, "day", "");
    cal_day d;
    if (!day_parse_exact(day, &d)) return req_fail(r, SX_EVALIDATION, "day", "日期无效，应为YYYY-MM-DD格式的有效日期");
    struct holiday_change h = {.day = day};
    if ((rc = read_in(r, d, &h.in))) return rc;
    return write_and_reply(r, app_holiday_create, &h, 201, 0);
}

/* The {day} path parameter; 404 when it is not a real YYYY-MM-DD date. */
static int param_day(struct req *r, cal_day *d)
{
    if (!day_parse_exact(r->params[0], d)) return req_fail(r, SX_ENOTFOUND, NULL, "工作日历中没有该日期");
    return SX_OK;
}

static int update(struct req *r)
{
    cal_day d;
    int64_t version;
    int from_header;
    struct holiday_change h = {.day = r->params[0]};
    int rc = param_day(r, &d);
    if (rc || (rc = req_check_body(r, holiday_put_spec, NELEM(holiday_put_spec))) || (rc = read_in(r, d, &h.in)) ||
        (rc = req_expected_version(r, &version, &from_header)))
        return rc;
    h.version = version;
    return write_and_reply(r, app_holiday_update, &h, 200, from_header);
}

static int del(struct req *r)
{
    cal_day d;
    int rc = param_day(r, &d);
    if (rc) return rc;
    struct holiday_change h = {.day = r->params[0]};
    return write_and_reply(r, app_holiday_delete, &h, 204, 0);
}

static int preview(struct req *r)
{
    const char *step_code = req_query(r, "step"), *start_text = req_query(r, "start");
    enum deadline_step step;
    cal_day start, due;
    if (!step_code || deadline_step_from_code(step_code, &step))
        return req_fail(r, SX_EBADQUERY, "step",
                        "环节无效，应为 accept_decision、notice、unit_notice、objection、close、review_request、"
                        "review_answer、recheck_request、recheck_answer、first_assign、first_supervise 或 first_callback");
    if (!day_parse_exact(start_text, &start))
        return req_fail(r, SX_EBADQUERY, "start", "起算日期无效，应为YYYY-MM-DD格式的有效日期");
    struct calendar *cal = malloc(sizeof *cal);
    if (!cal) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    int rc = st_calendar_load(req_db(r), cal);
    if (rc) {
        free(cal);
        return api_rc(r, rc);
    }
    /* The limits in force (信访办理设置), the same ones cases are computed with. */
    struct case_settings cs;
    if ((rc = st_case_settings_get(req_db(r), &cs))) {
        free(cal);
        return api_rc(r, rc);
    }
    struct deadline_settings ds = cs.dl;
    if (deadline_for(&ds, step, cal, start, &due)) {
        free(cal);
        return req_fail(r, SX_EBADQUERY, "start", "起算日期超出可计算的范围");
    }
    char warn[512], s_start[11], s_due[11];
    int missing = calendar_check_range(cal, start, due, warn, sizeof warn);
    free(cal);
    day_format(start, s_start);
    day_format(due, s_due);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:i}", "step", deadline_step_code(step), "step_label",
                          deadline_step_label(step), "start", s_start, "due", s_due, "working",
                          ds.step[step].working, "days", ds.step[step].days);
    json_object_set_new(o, "warning", missing ? json_string(warn) : json_null());
    return reply_json(r, 200, o);
}

/* Whether the holiday calendar covers this year and the next, as the administrator's home page and
 * every deadline warning need it. From 1 November (China time) the next year's arrangement is
 * due: the State Council publishes it in the last weeks of the year. */
static int coverage(struct req *r)
{
    struct calendar *cal = malloc(sizeof *cal);
    if (!cal) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    int rc = st_calendar_load(req_db(r), cal);
    if (rc) {
        free(cal);
        return api_rc(r, rc);
    }
    cal_day today = st_case_today();
    struct ymd t = day_to_ymd(today);
    int years[64], n = calendar_years(cal, years, 64);
    int cur = calendar_covers(cal, t.y), next = calendar_covers(cal, t.y + 1);
    free(cal);
    json_t *ys = json_array();
    for (int i = 0; i < n && i < 64; i++) json_array_append_new(ys, json_integer(years[i]));
    char day[11];
    day_format(today, day);
    int ask = t.m >= 11 && !next;
    const char *msg = !cur ? arena_printf(&r->arena, "工作日历缺少%d年的节假日安排，本年度的期限仅按周末推算，请尽快录入", t.y)
                      : ask ? arena_printf(&r->arena,
                                           "请录入%d年的节假日安排（国务院办公厅关于%d年部分节假日安排的通知）："
                                           "年底前受理的事项，期限已落入%d年",
                                           t.y + 1, t.y + 1, t.y + 1)
                            : NULL;
    return reply_json(r, 200, json_pack("{s:o,s:s,s:i,s:b,s:i,s:b,s:b,s:s?}", "years", ys, "today", day,
                                        "current_year", t.y, "current_covered", cur, "next_year", t.y + 1,
                                        "next_covered", next, "ask_next_year", ask || !cur, "message", msg));
}

const struct route holiday_routes[] = {
    {M_GET, "/api/v1/holidays/coverage", P_AUTHENTICATED, coverage, 0, "工作日历年度覆盖情况"},
    {M_GET, "/api/v1/holidays", P_DICT_READ, list, 0, "工作日历（节假日与调休上班日）"},
    {M_POST, "/api/v1/holidays", P_DICT_WRITE, create, 0, "新增节假日或调休上班日"},
    {M_PUT, "/api/v1/holidays/{day}", P_DICT_WRITE, update, 0, "修改节假日或调休上班日"},
    {M_DELETE, "/api/v1/holidays/{day}", P_DICT_WRITE, del, 0, "删除节假日或调休上班日"},
    {M_GET, "/api/v1/deadlines/preview", P_AUTHENTICATED, preview, 0, "法定期限试算"},
    ROUTES_END,
};
