/* Reception-day rotation planner (domain/rotation.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "domain/rotation.h"

/* Working days (Monday to Friday) from 2024-07-01 (a Monday), at most n of them. */
static int weekdays(int32_t *out, int n)
{
    static const int mdays[] = {31, 31, 30, 31, 30, 31};
    int k = 0, dow = 0, month = 7, day = 1;
    while (k < n && month <= 12) {
        if (dow < 5) out[k++] = 2024 * 10000 + month * 100 + day;
        dow = (dow + 1) % 7;
        if (++day > mdays[month - 7]) {
            day = 1;
            month++;
        }
    }
    return k;
}

static int date_idx(const struct rot_input *in, int32_t d)
{
    for (int i = 0; i < in->n_dates; i++)
        if (in->dates[i] == d) return i;
    return -1;
}
static int leader_idx(const struct rot_input *in, int64_t id)
{
    for (int i = 0; i < in->n_leaders; i++)
        if (in->leaders[i].id == id) return i;
    return -1;
}
static int county_idx(const struct rot_input *in, int64_t id)
{
    for (int i = 0; i < in->n_counties; i++)
        if (in->counties[i].id == id) return i;
    return -1;
}
static int need_of(const struct rot_input *in, int c)
{
    return in->counties[c].visits ? in->counties[c].visits : in->visits_each;
}

/* Every hard constraint, checked here independently of rotation_validate. */
static void assert_hard(const struct rot_input *in, const struct rot_plan *pl)
{
    int count[ROT_MAX_COUNTIES] = {0};
    for (int i = 0; i < pl->n; i++) {
        const struct rot_visit *v = &pl->v[i];
        int d = date_idx(in, v->date), l = leader_idx(in, v->leader_id),
            c = county_idx(in, v->county_id);
        assert_true(d >= 0);
        assert_true(l >= 0);
        assert_true(c >= 0);
        count[c]++;
        for (int u = 0; u < in->leaders[l].n_unavailable; u++)
            assert_int_not_equal(in->leaders[l].unavailable[u], v->date);
        assert_ptr_equal(v->units, in->leaders[l].units);
        assert_int_equal(v->n_units, in->leaders[l].n_units);
        for (int j = 0; j < i; j++) {
            if (pl->v[j].date != v->date) continue;
            assert_true(pl->v[j].leader_id != v->leader_id); /* one place per leader per day */
            assert_true(pl->v[j].county_id != v->county_id); /* one visit per county per day */
        }
        if (i > 0) assert_true(pl->v[i - 1].date <= v->date); /* sorted by date */
    }
    for (int c = 0; c < in->n_counties; c++) assert_int_equal(count[c], need_of(in, c));
}

static void loads(const struct rot_input *in, const struct rot_plan *pl, int *lo, int *hi)
{
    int load[ROT_MAX_LEADERS] = {0};
    for (int i = 0; i < pl->n; i++) load[leader_idx(in, pl->v[i].leader_id)]++;
    *lo = *hi = load[0];
    for (int l = 1; l < in->n_leaders; l++) {
        if (load[l] < *lo) *lo = load[l];
        if (load[l] > *hi) *hi = load[l];
    }
}

/* Times a leader's consecutive visits go to the same county. */
static int leader_repeats(const struct rot_input *in, const struct rot_plan *pl)
{
    int r = 0;
    for (int l = 0; l < in->n_leaders; l++) {
        int64_t last = -1;
        for (int i = 0; i < pl->n; i++) {
            if (pl->v[i].leader_id != in->leaders[l].id) continue;
            if (pl->v[i].county_id == last) r++;
            last = pl->v[i].county_id;
        }
    }
    return r;
}

/* Times a county's consecutive visits are by the same leader. */
static int county_repeats(const struct rot_input *in, const struct rot_plan *pl)
{
    int r = 0;
    for (int c = 0; c < in->n_counties; c++) {
        int64_t last = -1;
        for (int i = 0; i < pl->n; i++) {
            if (pl->v[i].county_id != in->counties[c].id) continue;
            if (pl->v[i].leader_id == last) r++;
            last = pl->v[i].leader_id;
        }
    }
    return r;
}

/* Smallest distance (in candidate dates) between two visits of one county. */
static int min_gap(const struct rot_input *in, const struct rot_plan *pl)
{
    int gap = 1 << 30;
    for (int c = 0; c < in->n_counties; c++) {
        int last = -1;
        for (int i = 0; i < pl->n; i++) {
            if (pl->v[i].county_id != in->counties[c].id) continue;
            int d = date_idx(in, pl->v[i].date);
            if (last >= 0 && d - last < gap) gap = d - last;
            last = d;
        }
    }
    return gap;
}

static struct rot_plan *new_plan(void)
{
    struct rot_plan *p = calloc(1, sizeof *p);
    assert_non_null(p);
    return p;
}

/* 9 counties, 4 leaders (with accompanying units), July 2024. */
static int32_t july[31];
static const int64_t units1[] = {501, 502}, units3[] = {503};
static struct rot_leader leaders4[4];
static struct rot_county counties9[9];
static struct rot_input month_input(void)
{
    struct rot_input in = {0};
    int n = weekdays(july, 23);
    assert_int_equal(n, 23);
    assert_int_equal(july[22], 20240731);
    for (int l = 0; l < 4; l++) {
        struct rot_leader z = {0};
        leaders4[l] = z;
        leaders4[l].id = l + 1;
    }
    leaders4[0].units = units1;
    leaders4[0].n_units = 2;
    leaders4[2].units = units3;
    leaders4[2].n_units = 1;
    for (int c = 0; c < 9; c++) {
        counties9[c].id = 101 + c;
        counties9[c].visits = 0;
    }
    in.leaders = leaders4;
    in.n_leaders = 4;
    in.counties = counties9;
    in.n_counties = 9;
    in.dates = july;
    in.n_dates = n;
    in.visits_each = 2;
    return in;
}

static void month_plan(void **state)
{
    (void)state;
    struct rot_input in = month_input();
    struct rot_plan *pl = new_plan();
    struct rot_error err;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_OK);
    assert_int_equal(err.code, ROT_OK);
    assert_int_equal(pl->n, 18);
    assert_hard(&in, pl);
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    assert_int_equal(leader_repeats(&in, pl), 0);
    assert_int_equal(county_repeats(&in, pl), 0);
    /* ideal spacing is 23 / 2 = 11.5 working days */
    assert_true(min_gap(&in, pl) >= 9);
    /* the plan passes validation */
    struct rot_violations *vs = calloc(1, sizeof *vs);
    assert_int_equal(rotation_validate(&in, pl->v, pl->n, vs, NULL), ROT_OK);
    assert_int_equal(vs->total, 0);
    free(vs);
    free(pl);
}

static void per_county_counts(void **state)
{
    (void)state;
    struct rot_input in = month_input();
    counties9[0].visits = 4;
    counties9[1].visits = 1;
    counties9[8].visits = 3;
    struct rot_plan *pl = new_plan();
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_int_equal(pl->n, 4 + 1 + 3 + 6 * 2);
    assert_hard(&in, pl);
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    assert_int_equal(leader_repeats(&in, pl), 0);
    assert_true(min_gap(&in, pl) >= 4); /* 4 visits in 23 days: ideal 5.75 */
    free(pl);
}

static void deterministic(void **state)
{
    (void)state;
    struct rot_input in = month_input();
    counties9[3].visits = 3;
    struct rot_plan *a = new_plan(), *b = new_plan();
    memset(b, 0xAB, sizeof *b); /* garbage in the output must not matter */
    assert_int_equal(rotation_plan(&in, a, NULL), ROT_OK);
    assert_int_equal(rotation_plan(&in, b, NULL), ROT_OK);
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->v, b->v, (size_t)a->n * sizeof a->v[0]);
    free(a);
    free(b);
}

static void unavailable_respected(void **state)
{
    (void)state;
    int32_t dates[10];
    assert_int_equal(weekdays(dates, 10), 10);
    /* leader 1 is away the first week, leader 2 the second, leader 3 every Monday and Friday */
    int32_t away1[5], away2[5], away3[] = {dates[0], dates[4], dates[5], dates[9]};
    memcpy(away1, dates, sizeof away1);
    memcpy(away2, dates + 5, sizeof away2);
    struct rot_leader leaders[] = {
        {.id = 11, .unavailable = away1, .n_unavailable = 5},
        {.id = 12, .unavailable = away2, .n_unavailable = 5},
        {.id = 13, .unavailable = away3, .n_unavailable = 4},
    };
    struct rot_county counties[] = {{.id = 1}, {.id = 2}, {.id = 3}, {.id = 4}, {.id = 5}};
    struct rot_input in = {leaders, 3, counties, 5, dates, 10, 2};
    struct rot_plan *pl = new_plan();
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_int_equal(pl->n, 10);
    assert_hard(&in, pl); /* includes: nobody on an unavailable date */
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    /* the first Monday only leader 12 is free, the last Friday only leader 11 */
    for (int i = 0; i < pl->n; i++) {
        if (pl->v[i].date == dates[0]) assert_int_equal(pl->v[i].leader_id, 12);
        if (pl->v[i].date == dates[9]) assert_int_equal(pl->v[i].leader_id, 11);
    }
    free(pl);
}

static void infeasible_capacity(void **state)
{
    (void)state;
    int32_t dates[3];
    weekdays(dates, 3);
    struct rot_leader leaders[] = {{.id = 1}, {.id = 2}};
    struct rot_county counties[] = {{.id = 1}, {.id = 2}, {.id = 3}};
    struct rot_input in = {leaders, 2, counties, 3, dates, 3, 3};
    struct rot_plan *pl = new_plan();
    struct rot_error err;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_CAPACITY);
    assert_int_equal(err.code, ROT_E_CAPACITY);
    assert_int_equal(err.need, 9);
    assert_int_equal(err.have, 6);
    assert_string_equal(err.msg, "本期共需9次接访，但领导可出行的人次合计只有6");
    assert_string_equal(rotation_code_name(err.code), "capacity");
    assert_int_equal(pl->n, 0);
    free(pl);
}

static void infeasible_county_dates(void **state)
{
    (void)state;
    int32_t dates[2];
    weekdays(dates, 2);
    struct rot_leader leaders[] = {{.id = 1}, {.id = 2}, {.id = 3}};
    struct rot_county counties[] = {{.id = 4, .visits = 1}, {.id = 5, .visits = 3}};
    struct rot_input in = {leaders, 3, counties, 2, dates, 2, 1};
    struct rot_plan *pl = new_plan();
    struct rot_error err;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_COUNTY_DATES);
    assert_int_equal(err.county_id, 5);
    assert_int_equal(err.need, 3);
    assert_int_equal(err.have, 2);
    assert_string_equal(err.msg, "县#5需要3次接访，但本期只有2个可用日期");
    char buf[ROT_MSG_MAX];
    rotation_error_text(&err, "东山县", NULL, buf, sizeof buf);
    assert_string_equal(buf, "东山县需要3次接访，但本期只有2个可用日期");
    free(pl);
}

static void infeasible_no_leader(void **state)
{
    (void)state;
    int32_t dates[2];
    weekdays(dates, 2);
    int32_t away[] = {dates[0], 20240101 /* outside the period: ignored */};
    struct rot_leader leaders[] = {
        {.id = 1, .unavailable = away, .n_unavailable = 2},
        {.id = 2, .unavailable = away, .n_unavailable = 1},
    };
    struct rot_county counties[] = {{.id = 7}};
    struct rot_input in = {leaders, 2, counties, 1, dates, 2, 2};
    struct rot_plan *pl = new_plan();
    struct rot_error err;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_COUNTY_NO_LEADER);
    assert_int_equal(err.county_id, 7);
    assert_int_equal(err.date, 20240701);
    assert_int_equal(err.need, 2);
    assert_int_equal(err.have, 1);
    assert_string_equal(err.msg, "县#7需要2次接访，但本期只有1个日期有领导可以出行（2024-07-01等"
                                 "日期全部领导都不能出行）");
    /* all leaders away on both dates: same reason, 0 dates */
    int32_t away_all[] = {dates[0], dates[1]};
    leaders[0].unavailable = leaders[1].unavailable = away_all;
    leaders[0].n_unavailable = leaders[1].n_unavailable = 2;
    in.visits_each = 1;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_COUNTY_NO_LEADER);
    assert_int_equal(err.have, 0);
    /* with one date free again and one visit, it plans */
    leaders[1].n_unavailable = 1;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_OK);
    assert_int_equal(pl->n, 1);
    assert_int_equal(pl->v[0].leader_id, 2);
    assert_int_equal(pl->v[0].date, dates[1]);
    free(pl);
}

static void infeasible_crowded(void **state)
{
    (void)state;
    /* 4 leaders on the first date, only leader 1 on the other two: capacity 6 = need 6, but the
     * three counties can be visited at most 3 + 1 + 1 = 5 times (one visit per county per day) */
    int32_t dates[3];
    weekdays(dates, 3);
    int32_t away[] = {dates[1], dates[2]};
    struct rot_leader leaders[] = {
        {.id = 1},
        {.id = 2, .unavailable = away, .n_unavailable = 2},
        {.id = 3, .unavailable = away, .n_unavailable = 2},
        {.id = 4, .unavailable = away, .n_unavailable = 2},
    };
    struct rot_county counties[] = {{.id = 1}, {.id = 2}, {.id = 3}};
    struct rot_input in = {leaders, 4, counties, 3, dates, 3, 2};
    struct rot_plan *pl = new_plan();
    struct rot_error err;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_CROWDED);
    assert_int_equal(err.need, 6);
    assert_int_equal(err.have, 5);
    assert_int_equal(err.county_id, 3);
    assert_non_null(strstr(err.msg, "本期最多只能安排5次"));
    /* one visit less and it fits */
    counties[2].visits = 1;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_OK);
    assert_hard(&in, pl);
    free(pl);
}

static void bad_input(void **state)
{
    (void)state;
    int32_t dates[93];
    struct rot_leader leaders[31];
    memset(leaders, 0, sizeof leaders);
    for (int l = 0; l < 31; l++) leaders[l].id = l + 1;
    struct rot_county counties[] = {{.id = 1}, {.id = 2}, {.id = 1}};
    struct rot_input in = {leaders, 31, counties, 2, dates, 5, 1};
    weekdays(dates, 93);
    struct rot_plan *pl = new_plan();
    struct rot_error err;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_TOO_MANY);
    assert_int_equal(err.what, ROT_W_LEADERS);
    assert_string_equal(err.msg, "领导人数31超过上限30");
    in.n_leaders = 3;
    in.n_dates = 93;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_TOO_MANY);
    assert_int_equal(err.what, ROT_W_DATES);
    in.n_dates = 5;
    in.n_counties = 3;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_INPUT);
    assert_int_equal(err.what, ROT_W_DUP_COUNTY);
    assert_int_equal(err.county_id, 1);
    in.n_counties = 2;
    int32_t swap = dates[1];
    dates[1] = dates[2];
    dates[2] = swap;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_INPUT);
    assert_int_equal(err.what, ROT_W_DATE_ORDER);
    dates[2] = dates[1];
    dates[1] = swap;
    dates[0] = 20241341;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_INPUT);
    assert_int_equal(err.what, ROT_W_BAD_DATE);
    weekdays(dates, 5);
    in.visits_each = -1;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_E_INPUT);
    assert_int_equal(err.what, ROT_W_BAD_VISITS);
    in.visits_each = 1;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_OK);
    assert_int_equal(rotation_plan(NULL, pl, &err), ROT_E_INPUT);
    /* nothing to plan is fine */
    in.n_counties = 0;
    assert_int_equal(rotation_plan(&in, pl, &err), ROT_OK);
    assert_int_equal(pl->n, 0);
    free(pl);
}

static int has(const struct rot_violations *vs, int kind, int64_t county, int64_t leader,
               int32_t date)
{
    for (int i = 0; i < vs->n; i++)
        if (vs->v[i].kind == kind && vs->v[i].county_id == county && vs->v[i].leader_id == leader &&
            vs->v[i].date == date)
            return i + 1;
    return 0;
}

static void validate_edits(void **state)
{
    (void)state;
    int32_t d[3];
    weekdays(d, 3);
    int32_t away2[] = {d[1]};
    struct rot_leader leaders[] = {{.id = 1}, {.id = 2, .unavailable = away2, .n_unavailable = 1}};
    struct rot_county counties[] = {{.id = 10}, {.id = 20}, {.id = 30}};
    struct rot_input in = {leaders, 2, counties, 3, d, 3, 1};
    struct rot_violations *vs = calloc(1, sizeof *vs);
    struct rot_error err;

    struct rot_visit good[] = {{d[0], 10, 1, NULL, 0}, {d[0], 20, 2, NULL, 0}, {d[1], 30, 1, NULL, 0}};
    assert_int_equal(rotation_validate(&in, good, 3, vs, &err), ROT_OK);
    assert_int_equal(vs->total, 0);

    struct rot_visit bad[] = {
        {d[0], 10, 1, NULL, 0}, /* leader 1 twice on d0 */
        {d[0], 20, 1, NULL, 0},
        {d[1], 10, 2, NULL, 0}, /* leader 2 is away on d1; county 10 now has 2 visits */
        {d[2], 20, 2, NULL, 0}, /* county 20 twice on d2, and 3 visits in all */
        {d[2], 20, 1, NULL, 0},
        /* county 30 has no visit */
    };
    assert_int_equal(rotation_validate(&in, bad, 5, vs, &err), ROT_OK);
    int i;
    assert_true((i = has(vs, ROT_V_LEADER_DOUBLE, 20, 1, d[0])));
    assert_int_equal(vs->v[i - 1].have, 2);
    assert_int_equal(vs->v[i - 1].index, 1);
    assert_string_equal(vs->v[i - 1].msg, "领导#1在2024-07-01被安排了2处接访，同一天只能去一处");
    assert_true((i = has(vs, ROT_V_LEADER_UNAVAILABLE, 10, 2, d[1])));
    assert_string_equal(vs->v[i - 1].msg, "领导#2在2024-07-02不能出行，但被安排到县#10");
    char buf[ROT_MSG_MAX];
    rotation_violation_text(&vs->v[i - 1], "东山县", "张三", buf, sizeof buf);
    assert_string_equal(buf, "张三在2024-07-02不能出行，但被安排到东山县");
    assert_true((i = has(vs, ROT_V_COUNTY_SAME_DAY, 20, 1, d[2])));
    assert_int_equal(vs->v[i - 1].have, 2);
    assert_true((i = has(vs, ROT_V_COUNTY_COUNT, 30, 0, 0)));
    assert_int_equal(vs->v[i - 1].need, 1);
    assert_int_equal(vs->v[i - 1].have, 0);
    assert_string_equal(vs->v[i - 1].msg, "县#30需要1次接访，计划中有0次");
    assert_true(has(vs, ROT_V_COUNTY_COUNT, 10, 0, 0));
    assert_true(has(vs, ROT_V_COUNTY_COUNT, 20, 0, 0));
    assert_int_equal(vs->total, 6);
    assert_int_equal(vs->n, 6);

    /* unknown ids and a date outside the period */
    struct rot_visit odd[] = {{d[0], 10, 9, NULL, 0}, {d[1], 99, 1, NULL, 0}, {20240706, 30, 2, NULL, 0}};
    assert_int_equal(rotation_validate(&in, odd, 3, vs, &err), ROT_OK);
    assert_true(has(vs, ROT_V_UNKNOWN_LEADER, 10, 9, d[0]));
    assert_true(has(vs, ROT_V_UNKNOWN_COUNTY, 99, 1, d[1]));
    assert_true((i = has(vs, ROT_V_DATE_OUTSIDE, 30, 2, 20240706)));
    assert_string_equal(vs->v[i - 1].msg, "第3条安排的日期2024-07-06不在本期可选日期中");
    /* 10 has its visit (leader unknown), 20 none, 30's is outside the period */
    assert_true(has(vs, ROT_V_COUNTY_COUNT, 20, 0, 0));
    assert_true(has(vs, ROT_V_COUNTY_COUNT, 30, 0, 0));
    assert_false(has(vs, ROT_V_COUNTY_COUNT, 10, 0, 0));
    assert_int_equal(vs->total, 5);

    /* malformed input is an error, not a violation */
    assert_int_equal(rotation_validate(&in, NULL, 2, vs, &err), ROT_E_INPUT);
    free(vs);
}

/* Many violations: all counted, the first ROT_MAX_VIOLATIONS stored. */
static void validate_overflow(void **state)
{
    (void)state;
    int32_t d[1];
    weekdays(d, 1);
    struct rot_leader leaders[] = {{.id = 1}};
    struct rot_county counties[] = {{.id = 1}};
    struct rot_input in = {leaders, 1, counties, 1, d, 1, 1};
    static struct rot_visit many[100];
    for (int i = 0; i < 100; i++) {
        struct rot_visit v = {20240706, 1, 1, NULL, 0};
        many[i] = v;
    }
    struct rot_violations *vs = calloc(1, sizeof *vs);
    assert_int_equal(rotation_validate(&in, many, 100, vs, NULL), ROT_OK);
    assert_int_equal(vs->total, 101); /* 100 outside dates + the missing visit */
    assert_int_equal(vs->n, ROT_MAX_VIOLATIONS);
    free(vs);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void quarter_fast(void **state)
{
    (void)state;
    int32_t dates[92];
    int n = weekdays(dates, 60);
    assert_int_equal(n, 60);
    struct rot_leader leaders[6];
    memset(leaders, 0, sizeof leaders);
    int32_t away[6][6];
    for (int l = 0; l < 6; l++) {
        leaders[l].id = 100 + l;
        for (int k = 0; k < 6; k++) away[l][k] = dates[(l * 7 + k * 11) % 60];
        leaders[l].unavailable = away[l];
        leaders[l].n_unavailable = 6;
    }
    struct rot_county counties[9];
    for (int c = 0; c < 9; c++) {
        counties[c].id = 1000 + c;
        counties[c].visits = 0;
    }
    struct rot_input in = {leaders, 6, counties, 9, dates, n, 3};
    struct rot_plan *pl = new_plan();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    double ms = ms_since(&t0);
    assert_true(ms < 100.0);
    assert_int_equal(pl->n, 27);
    assert_hard(&in, pl);
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    assert_int_equal(leader_repeats(&in, pl), 0);
    assert_int_equal(county_repeats(&in, pl), 0);
    assert_true(min_gap(&in, pl) >= 15); /* ideal 20 */
    free(pl);
}

/* The largest input: 30 leaders, 20 counties, 92 dates, heavy demand with scattered absences. */
static void max_size(void **state)
{
    (void)state;
    int32_t dates[92];
    int n = weekdays(dates, 92);
    assert_int_equal(n, 92);
    static struct rot_leader leaders[30];
    static int32_t away[30][30];
    for (int l = 0; l < 30; l++) {
        for (int k = 0; k < 30; k++) away[l][k] = dates[(l * 13 + k * 3) % 92];
        struct rot_leader z = {.id = 7000 + l, .unavailable = away[l], .n_unavailable = 30};
        leaders[l] = z;
    }
    struct rot_county counties[20];
    for (int c = 0; c < 20; c++) {
        counties[c].id = 300 + c;
        counties[c].visits = 20 + c * 3; /* up to 77 of 92 dates */
    }
    struct rot_input in = {leaders, 30, counties, 20, dates, n, 0};
    struct rot_plan *pl = new_plan();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    double ms = ms_since(&t0);
    print_message("max size: %d visits in %.1f ms (ASan build)\n", pl->n, ms);
    assert_true(ms < 1000.0); /* sanitizer build; the release build is far faster */
    assert_hard(&in, pl);
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    struct rot_violations *vs = calloc(1, sizeof *vs);
    assert_int_equal(rotation_validate(&in, pl->v, pl->n, vs, NULL), ROT_OK);
    assert_int_equal(vs->total, 0);
    free(vs);
    free(pl);
}

/* A tight period where every leader-day is needed: the repair path must find the plan. */
static void tight_fit(void **state)
{
    (void)state;
    int32_t dates[5];
    weekdays(dates, 5);
    int32_t a1[] = {dates[0], dates[1]}, a2[] = {dates[3], dates[4]}, a3[] = {dates[2]};
    struct rot_leader leaders[] = {
        {.id = 1, .unavailable = a1, .n_unavailable = 2},
        {.id = 2, .unavailable = a2, .n_unavailable = 2},
        {.id = 3, .unavailable = a3, .n_unavailable = 1},
    };
    /* capacity per day: 2, 2, 2, 2, 2 = 10 = 5 + 3 + 2 */
    struct rot_county counties[] = {{.id = 1, .visits = 5}, {.id = 2, .visits = 3}, {.id = 3, .visits = 2}};
    struct rot_input in = {leaders, 3, counties, 3, dates, 5, 0};
    struct rot_plan *pl = new_plan();
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_int_equal(pl->n, 10);
    assert_hard(&in, pl);
    /* county 1 lands first on the only single-leader date county 2 also needs: the planner must
     * move it (the repair step) */
    int32_t b2[] = {dates[0], dates[2]};
    struct rot_leader two[] = {{.id = 1}, {.id = 2, .unavailable = b2, .n_unavailable = 2}};
    struct rot_county ab[] = {{.id = 1, .visits = 1}, {.id = 2, .visits = 3}};
    struct rot_input in2 = {two, 2, ab, 2, dates, 3, 0};
    assert_int_equal(rotation_plan(&in2, pl, NULL), ROT_OK);
    assert_int_equal(pl->n, 4);
    assert_hard(&in2, pl);
    free(pl);
}

/* Few counties, many visits: a plain round robin would send each leader to the same county every
 * time; the planner must rotate them. */
static void rotates(void **state)
{
    (void)state;
    int32_t dates[23];
    weekdays(dates, 23);
    struct rot_leader leaders[] = {{.id = 1}, {.id = 2}, {.id = 3}};
    struct rot_county counties[] = {{.id = 1}, {.id = 2}, {.id = 3}};
    struct rot_input in = {leaders, 3, counties, 3, dates, 23, 8};
    struct rot_plan *pl = new_plan();
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_int_equal(pl->n, 24);
    assert_hard(&in, pl);
    assert_int_equal(leader_repeats(&in, pl), 0);
    assert_int_equal(county_repeats(&in, pl), 0);
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    /* two counties visited on alternate days by two leaders: each leader must alternate too */
    in.n_leaders = 2;
    in.n_counties = 2;
    in.n_dates = 12;
    in.visits_each = 6;
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_hard(&in, pl);
    assert_int_equal(leader_repeats(&in, pl), 0);
    assert_int_equal(county_repeats(&in, pl), 0);
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    /* 3 x 4 visits in 10 days: balancing needs two moves at once (one alone adds a repeat) */
    in.n_leaders = 3;
    in.n_counties = 3;
    in.n_dates = 10;
    in.visits_each = 4;
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_hard(&in, pl);
    assert_int_equal(leader_repeats(&in, pl), 0);
    loads(&in, pl, &lo, &hi);
    assert_int_equal(lo, 4);
    assert_int_equal(hi, 4);
    /* six leaders, three counties, five visits each in ten days */
    struct rot_leader six[6];
    memset(six, 0, sizeof six);
    for (int l = 0; l < 6; l++) six[l].id = l + 1;
    in.leaders = six;
    in.n_leaders = 6;
    in.visits_each = 5;
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_hard(&in, pl);
    assert_int_equal(leader_repeats(&in, pl), 0);
    loads(&in, pl, &lo, &hi);
    assert_true(hi - lo <= 1);
    in.leaders = leaders;
    in.n_leaders = 3;
    in.n_dates = 23;
    /* a single county: leaders cannot avoid it, but the county still sees them in turn */
    in.n_counties = 1;
    in.visits_each = 6;
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_int_equal(county_repeats(&in, pl), 0);
    free(pl);
}

/* A leader free only in the first days: the others must not take the early visits from him. */
static void balances_early_leader(void **state)
{
    (void)state;
    int32_t dates[12];
    weekdays(dates, 12);
    int32_t away[7];
    memcpy(away, dates + 5, sizeof away);
    struct rot_leader leaders[] = {{.id = 1}, {.id = 2}, {.id = 3, .unavailable = away, .n_unavailable = 7}};
    struct rot_county counties[] = {{.id = 1}, {.id = 2}, {.id = 3}, {.id = 4}};
    struct rot_input in = {leaders, 3, counties, 4, dates, 12, 3};
    struct rot_plan *pl = new_plan();
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_hard(&in, pl);
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_int_equal(lo, 4);
    assert_int_equal(hi, 4);
    assert_int_equal(leader_repeats(&in, pl), 0);
    assert_int_equal(county_repeats(&in, pl), 0);
    free(pl);
}

/* Leader 2 is away the first two days. A single move would give one of them a repeat; the planner
 * must trade visits so that loads are 3 / 3 with no leader's repeat. */
static void balances_with_exchange(void **state)
{
    (void)state;
    int32_t dates[6];
    weekdays(dates, 6);
    int32_t away[] = {dates[0], dates[1]};
    struct rot_leader leaders[] = {{.id = 1}, {.id = 2, .unavailable = away, .n_unavailable = 2}};
    struct rot_county counties[] = {{.id = 1}, {.id = 2}};
    struct rot_input in = {leaders, 2, counties, 2, dates, 6, 3};
    struct rot_plan *pl = new_plan();
    assert_int_equal(rotation_plan(&in, pl, NULL), ROT_OK);
    assert_hard(&in, pl);
    assert_int_equal(leader_repeats(&in, pl), 0);
    int lo, hi;
    loads(&in, pl, &lo, &hi);
    assert_int_equal(lo, 3);
    assert_int_equal(hi, 3);
    free(pl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(month_plan),
        cmocka_unit_test(per_county_counts),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(unavailable_respected),
        cmocka_unit_test(infeasible_capacity),
        cmocka_unit_test(infeasible_county_dates),
        cmocka_unit_test(infeasible_no_leader),
        cmocka_unit_test(infeasible_crowded),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(validate_edits),
        cmocka_unit_test(validate_overflow),
        cmocka_unit_test(quarter_fast),
        cmocka_unit_test(max_size),
        cmocka_unit_test(tight_fit),
        cmocka_unit_test(rotates),
        cmocka_unit_test(balances_early_leader),
        cmocka_unit_test(balances_with_exchange),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
