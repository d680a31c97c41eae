/* Working-day calendar (domain/calendar.c): day arithmetic, CSV parsing, working days,
 * coverage warnings, and the shipped data/holidays.csv against the State Council notices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/calendar.h"
#include "util/err.h"

static cal_day D(const char *s)
{
    cal_day d = 0;
    if (day_parse(s, strlen(s), &d) != SX_OK) fail_msg("bad test date %s", s);
    return d;
}

static struct calendar *cal_new(void)
{
    struct calendar *c = malloc(sizeof *c);
    assert_non_null(c);
    calendar_init(c);
    return c;
}

/* Parses text, expecting failure with a message that contains both needles. */
static void parse_fails(const char *text, const char *needle1, const char *needle2)
{
    static struct calendar cal; /* static: fail_msg leaves the function */
    struct calendar *c = &cal;
    char err[256] = "";
    int rc = calendar_parse(c, text, strlen(text), err, sizeof err);
    if (rc == SX_OK) fail_msg("parsed but should fail: %s", text);
    if (needle1 && !strstr(err, needle1)) fail_msg("message \"%s\" lacks \"%s\"", err, needle1);
    if (needle2 && !strstr(err, needle2)) fail_msg("message \"%s\" lacks \"%s\"", err, needle2);
    assert_int_equal(c->n, 0); /* left empty */
}

static struct calendar *load_shipped(void)
{
    FILE *f = fopen("data/holidays.csv", "rb");
    if (!f) fail_msg("data/holidays.csv not found (run from the repository root)");
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n < sizeof buf);
    struct calendar *c = cal_new();
    char err[256] = "";
    int rc = calendar_parse(c, buf, n, err, sizeof err);
    if (rc) fail_msg("data/holidays.csv: %s", err);
    return c;
}

static void day_arithmetic(void **state)
{
    (void)state;
    assert_int_equal(day_from_ymd(1970, 1, 1), 0);
    assert_int_equal(day_from_ymd(2000, 3, 1) - day_from_ymd(2000, 2, 28), 2); /* 2000 is leap */
    assert_int_equal(day_from_ymd(1900, 3, 1) - day_from_ymd(1900, 2, 28), 1); /* 1900 is not */
    assert_int_equal(day_from_ymd(2026, 1, 1) - day_from_ymd(2025, 1, 1), 365);
    assert_int_equal(day_from_ymd(2025, 1, 1), 20089);
    /* round trip over several centuries, including negative day numbers */
    for (cal_day d = day_from_ymd(1900, 1, 1); d <= day_from_ymd(2400, 12, 31); d += 7) {
        struct ymd t = day_to_ymd(d);
        assert_true(ymd_valid(t.y, t.m, t.d));
        assert_int_equal(day_from_ymd(t.y, t.m, t.d), d);
    }
    assert_int_equal(day_weekday(D("1970-01-01")), 4);
    assert_int_equal(day_weekday(D("2025-10-01")), 3); /* Wednesday, as the notice says */
    assert_int_equal(day_weekday(D("2026-02-15")), 7); /* Sunday */
    assert_int_equal(day_weekday(D("1969-12-29")), 1); /* negative day number, Monday */
    assert_int_equal(day_year(D("2025-12-31")), 2025);
    assert_int_equal(day_year(D("2026-01-01")), 2026);
    char buf[11];
    day_format(D("2026-03-09"), buf);
    assert_string_equal(buf, "2026-03-09");
    assert_int_equal(days_in_month(2024, 2), 29);
    assert_int_equal(days_in_month(2025, 2), 28);
}

static void day_parse_strict(void **state)
{
    (void)state;
    cal_day d;
    assert_int_equal(day_parse("2025-01-05", 10, &d), SX_OK);
    assert_int_equal(day_parse("2025/1/5", 8, &d), SX_OK); /* as spreadsheets save it */
    assert_int_equal(d, day_from_ymd(2025, 1, 5));
    assert_int_equal(day_parse("2025-1-5", 8, &d), SX_OK);
    static const char *bad[] = {"",           "2025",        "2025-02-30", "2025-13-01", "2025-00-10",
                                "2025-01-00", "25-01-01",    "2025-01-1x", "2025-01/01", " 2025-01-01",
                                "20250101",   "2025-001-01", "0999-01-01", "2025-02-29"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (day_parse(bad[i], strlen(bad[i]), &d) == SX_OK) fail_msg("accepted %s", bad[i]);
    assert_int_equal(day_parse("2024-02-29", 10, &d), SX_OK);
    /* length is respected: the text after len is not read */
    assert_int_equal(day_parse("2025-01-05xyz", 10, &d), SX_OK);
}

static void parse_valid(void **state)
{
    (void)state;
    /* BOM, header, comments (also indented), CRLF, blank lines, quoted name, empty trailing
     * columns, 2-column row, all four kind words, out of order rows. */
    const char text[] = "\xEF\xBB\xBF"
                        "日期,类型,名称\r\n"
                        "# 来源：测试\r\n"
                        "\r\n"
                        "   # indented comment\n"
                        "2025-10-02,休息,国庆节\n"
                        "2025-10-01,假日,\"国庆节, 中秋节\"\n"
                        "2025-09-28,调休上班,国庆节,,\n"
                        "2025/10/11 , 上班 , 国庆节\n"
                        "2025-10-03,假日\n";
    struct calendar *c = cal_new();
    char err[256] = "x";
    assert_int_equal(calendar_parse(c, text, sizeof text - 1, err, sizeof err), SX_OK);
    assert_string_equal(err, "");
    assert_int_equal(c->n, 5);
    /* sorted */
    for (int i = 1; i < c->n; i++) assert_true(c->e[i - 1].day < c->e[i].day);
    const struct cal_entry *e = calendar_find(c, D("2025-10-01"));
    assert_non_null(e);
    assert_int_equal(e->kind, CAL_HOLIDAY);
    assert_string_equal(e->name, "国庆节, 中秋节");
    assert_int_equal(e->line, 6);
    e = calendar_find(c, D("2025-10-11"));
    assert_non_null(e);
    assert_int_equal(e->kind, CAL_WORKDAY);
    assert_string_equal(e->name, "国庆节");
    assert_int_equal(calendar_find(c, D("2025-10-02"))->kind, CAL_HOLIDAY);
    assert_string_equal(calendar_find(c, D("2025-10-03"))->name, "");
    assert_null(calendar_find(c, D("2025-10-04")));

    /* without BOM or header, LF only, no final newline */
    const char plain[] = "2025-01-01,假日,元旦";
    assert_int_equal(calendar_parse(c, plain, sizeof plain - 1, NULL, 0), SX_OK);
    assert_int_equal(c->n, 1);
    free(c);
}

static void parse_invalid(void **state)
{
    (void)state;
    /* bad dates, with the line number */
    parse_fails("日期,类型,名称\n2025-01-01,假日,元旦\n2025-02-30,假日,x\n", "第3行", "2025-02-30");
    parse_fails("# c\n\nabc,假日,x\n", "第3行", "日期");
    parse_fails("2025-1-1x,假日,x\n", "第1行", "日期");
    /* a long bad value is quoted shortened, on a character boundary */
    parse_fails("日期日期日期日期日期日期日期日期日期日期日期日期日期日期日期日期日期日期,假日\n", "第1行", "日期日期…”");
    /* bad kind */
    parse_fails("2025-01-01,假日,元旦\n2025-01-02,放假啦,x\n", "第2行", "类型");
    parse_fails("2025-01-01\n", "第1行", "类型");
    /* duplicate date, even when written differently; both lines named */
    parse_fails("2025-01-01,假日,元旦\n# c\n2025-01-02,假日,x\n2025/1/1,假日,元旦\n", "第4行", "第1行已有");
    parse_fails("2025-01-04,假日\n2025-01-04,调休上班,x\n", "重复", "2025-01-04");
    /* a make-up working day on a weekday (2025-01-02 is a Thursday) */
    parse_fails("2025-01-02,调休上班,x\n", "第1行", "周六或周日");
    /* too many columns, quotes */
    parse_fails("2025-01-01,假日,元旦,多余\n", "第1行", "列数");
    parse_fails("2025-01-01,假日,\"元旦\n", "第1行", "引号");
    parse_fails("2025-01-01,假日,元\"旦\n", "第1行", "引号");
    /* name too long */
    char longname[200];
    snprintf(longname, sizeof longname, "2025-01-01,假日,%s\n",
             "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十");
    parse_fails(longname, "第1行", "名称过长");
    /* not UTF-8 (GBK bytes of 假日) */
    parse_fails("2025-01-01,假日,元旦\n2025-01-02,\xBC\xD9\xC8\xD5,x\n", "第2行", "UTF-8");
    /* nothing in it */
    parse_fails("\xEF\xBB\xBF日期,类型,名称\n# only a comment\n", "没有任何日期", NULL);
    parse_fails("", "没有任何日期", NULL);
    /* the header is only accepted as the first row */
    parse_fails("2025-01-01,假日,元旦\n日期,类型,名称\n", "第2行", NULL);
}

static void parse_too_many(void **state)
{
    (void)state;
    size_t cap = (CAL_MAX_ENTRIES + 1) * 32;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t used = 0;
    cal_day d = D("2030-01-01");
    for (int i = 0; i <= CAL_MAX_ENTRIES; i++) {
        char b[11];
        day_format(d + i, b);
        used += (size_t)snprintf(text + used, cap - used, "%s,假日,x\n", b);
    }
    struct calendar *c = cal_new();
    char err[256];
    assert_int_equal(calendar_parse(c, text, used, err, sizeof err), SX_ETOOLARGE);
    assert_non_null(strstr(err, "第1025行"));
    /* exactly the maximum is fine */
    used = (size_t)(strrchr(text, '2') - text); /* cut the last row */
    while (used > 0 && text[used - 1] != '\n') used--;
    assert_int_equal(calendar_parse(c, text, used, err, sizeof err), SX_OK);
    assert_int_equal(c->n, CAL_MAX_ENTRIES);
    free(c);
    free(text);
}

static void workdays(void **state)
{
    (void)state;
    struct calendar *c = load_shipped();
    /* ordinary weekdays and weekends */
    assert_true(calendar_is_workday(c, D("2025-03-03")));  /* Monday */
    assert_true(calendar_is_workday(c, D("2025-03-07")));  /* Friday */
    assert_false(calendar_is_workday(c, D("2025-03-08"))); /* Saturday */
    assert_false(calendar_is_workday(c, D("2025-03-09"))); /* Sunday */
    /* holidays on weekdays */
    assert_false(calendar_is_workday(c, D("2025-01-01")));
    assert_false(calendar_is_workday(c, D("2025-10-08"))); /* Wednesday inside 国庆 */
    assert_false(calendar_is_workday(c, D("2026-02-23"))); /* Monday, last day of 春节 */
    /* make-up working days */
    assert_true(calendar_is_workday(c, D("2025-01-26"))); /* Sunday */
    assert_true(calendar_is_workday(c, D("2025-02-08"))); /* Saturday */
    assert_true(calendar_is_workday(c, D("2026-01-04"))); /* Sunday */
    assert_true(calendar_is_workday(c, D("2026-10-10"))); /* Saturday */
    /* the weekend next to a make-up day stays a rest day */
    assert_false(calendar_is_workday(c, D("2025-02-09")));
    /* after a holiday block */
    assert_true(calendar_is_workday(c, D("2025-10-09")));
    /* an empty calendar knows only weekends */
    struct calendar *e = cal_new();
    assert_true(calendar_is_workday(e, D("2025-01-01")));
    assert_false(calendar_is_workday(e, D("2025-02-08")));
    free(e);
    free(c);
}

static void add_workdays(void **state)
{
    (void)state;
    struct calendar *c = load_shipped();
    cal_day out;
    /* start day not counted, even when it is a working day */
    assert_int_equal(calendar_add_workdays(c, D("2025-03-03"), 1, &out), SX_OK);
    assert_int_equal(out, D("2025-03-04"));
    assert_int_equal(calendar_add_workdays(c, D("2025-03-03"), 0, &out), SX_OK);
    assert_int_equal(out, D("2025-03-03"));
    /* across a weekend */
    assert_int_equal(calendar_add_workdays(c, D("2025-03-07"), 1, &out), SX_OK);
    assert_int_equal(out, D("2025-03-10"));
    /* across 春节 2025 with the make-up Sunday 01-26 */
    assert_int_equal(calendar_add_workdays(c, D("2025-01-24"), 5, &out), SX_OK);
    assert_int_equal(out, D("2025-02-07"));
    assert_int_equal(calendar_add_workdays(c, D("2025-03-03"), -1, &out), SX_EVALIDATION);
    assert_int_equal(calendar_add_workdays(c, D("2025-03-03"), CAL_MAX_STEP_DAYS + 1, &out), SX_EVALIDATION);
    assert_int_equal(calendar_add_workdays(c, D("2025-03-03"), CAL_MAX_STEP_DAYS, &out), SX_OK);
    assert_int_equal(calendar_next_workday(c, D("2025-10-01")), D("2025-10-09"));
    assert_int_equal(calendar_next_workday(c, D("2025-10-09")), D("2025-10-09"));
    free(c);
}

static void add_entries(void **state)
{
    (void)state;
    struct calendar *c = cal_new();
    assert_int_equal(calendar_add(c, D("2027-01-01"), CAL_HOLIDAY, "元旦"), SX_OK);
    assert_int_equal(calendar_add(c, D("2026-12-31"), CAL_HOLIDAY, NULL), SX_OK);
    assert_int_equal(c->e[0].day, D("2026-12-31"));
    assert_int_equal(calendar_add(c, D("2027-01-01"), CAL_HOLIDAY, "x"), SX_EDUPLICATE);
    assert_int_equal(calendar_add(c, D("2027-01-04"), CAL_WORKDAY, "x"), SX_EVALIDATION); /* a Monday */
    assert_int_equal(calendar_add(c, D("2027-01-09"), CAL_WORKDAY, "x"), SX_OK);          /* a Saturday */
    assert_true(calendar_is_workday(c, D("2027-01-09")));
    assert_int_equal(c->n, 3);
    free(c);
}

static void coverage(void **state)
{
    (void)state;
    struct calendar *c = load_shipped();
    assert_true(calendar_covers(c, 2025));
    assert_true(calendar_covers(c, 2026));
    assert_false(calendar_covers(c, 2024));
    assert_false(calendar_covers(c, 2027));
    int years[4];
    assert_int_equal(calendar_years(c, years, 4), 2);
    assert_int_equal(years[0], 2025);
    assert_int_equal(years[1], 2026);

    char warn[512] = "x";
    assert_int_equal(calendar_check_range(c, D("2025-06-01"), D("2026-12-31"), warn, sizeof warn), 0);
    assert_string_equal(warn, "");
    assert_int_equal(calendar_check_range(c, D("2026-12-20"), D("2027-01-04"), warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "2027年"));
    assert_non_null(strstr(warn, "工作日历"));
    assert_null(strstr(warn, "2026"));
    /* reversed range, several missing years, NULL buffer */
    assert_int_equal(calendar_check_range(c, D("2028-01-01"), D("2024-05-01"), warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "2024、2027、2028年"));
    assert_int_equal(calendar_check_range(c, D("2024-01-01"), D("2024-01-02"), NULL, 0), 1);
    /* a very long range is summarised, not overflowed */
    assert_int_equal(calendar_check_range(c, D("2030-01-01"), D("2060-01-01"), warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "等"));
    /* extreme day numbers are handled (no overflow, no endless loop) */
    assert_int_equal(calendar_check_range(c, INT32_MIN, INT32_MAX, warn, sizeof warn), 1);
    char tiny[8];
    assert_int_equal(calendar_check_range(c, D("2030-01-01"), D("2030-01-01"), tiny, sizeof tiny), 1);
    /* an empty calendar covers nothing */
    struct calendar *e = cal_new();
    assert_false(calendar_covers(e, 2025));
    assert_int_equal(calendar_check_range(e, D("2025-01-01"), D("2025-01-01"), NULL, 0), 1);
    free(e);
    free(c);
}

/* The shipped file against the notices, date by date. */
static void expect_block(const struct calendar *c, const char *from, const char *to, const char *name)
{
    for (cal_day d = D(from); d <= D(to); d++) {
        const struct cal_entry *e = calendar_find(c, d);
        char b[11];
        day_format(d, b);
        if (!e || e->kind != CAL_HOLIDAY) fail_msg("%s should be a holiday (%s)", b, name);
        if (!strstr(e->name, name)) fail_msg("%s: name %s, expected %s", b, e->name, name);
    }
}

static void expect_workday(const struct calendar *c, const char *day)
{
    const struct cal_entry *e = calendar_find(c, D(day));
    if (!e || e->kind != CAL_WORKDAY) fail_msg("%s should be a make-up working day", day);
}

static void shipped_data(void **state)
{
    (void)state;
    struct calendar *c = load_shipped();
    /* 国务院办公厅关于2025年部分节假日安排的通知 */
    expect_block(c, "2025-01-01", "2025-01-01", "元旦");
    expect_block(c, "2025-01-28", "2025-02-04", "春节");
    expect_workday(c, "2025-01-26");
    expect_workday(c, "2025-02-08");
    expect_block(c, "2025-04-04", "2025-04-06", "清明");
    expect_block(c, "2025-05-01", "2025-05-05", "劳动节");
    expect_workday(c, "2025-04-27");
    expect_block(c, "2025-05-31", "2025-06-02", "端午");
    expect_block(c, "2025-10-01", "2025-10-08", "国庆");
    expect_workday(c, "2025-09-28");
    expect_workday(c, "2025-10-11");
    /* 国务院办公厅关于2026年部分节假日安排的通知 */
    expect_block(c, "2026-01-01", "2026-01-03", "元旦");
    expect_workday(c, "2026-01-04");
    expect_block(c, "2026-02-15", "2026-02-23", "春节");
    expect_workday(c, "2026-02-14");
    expect_workday(c, "2026-02-28");
    expect_block(c, "2026-04-04", "2026-04-06", "清明");
    expect_block(c, "2026-05-01", "2026-05-05", "劳动节");
    expect_workday(c, "2026-05-09");
    expect_block(c, "2026-06-19", "2026-06-21", "端午");
    expect_block(c, "2026-09-25", "2026-09-27", "中秋");
    expect_block(c, "2026-10-01", "2026-10-07", "国庆");
    expect_workday(c, "2026-09-20");
    expect_workday(c, "2026-10-10");
    /* and nothing else: 28 + 33 holidays, 5 + 6 make-up days */
    int hol = 0, work = 0;
    for (int i = 0; i < c->n; i++) *(c->e[i].kind == CAL_HOLIDAY ? &hol : &work) += 1;
    assert_int_equal(hol, 61);
    assert_int_equal(work, 11);
    /* the first working day after each block */
    assert_int_equal(calendar_next_workday(c, D("2025-10-01")), D("2025-10-09"));
    assert_int_equal(calendar_next_workday(c, D("2026-02-15")), D("2026-02-24"));
    assert_int_equal(calendar_next_workday(c, D("2026-10-01")), D("2026-10-08"));
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_arithmetic), cmocka_unit_test(day_parse_strict), cmocka_unit_test(parse_valid),
        cmocka_unit_test(parse_invalid),  cmocka_unit_test(parse_too_many),   cmocka_unit_test(workdays),
        cmocka_unit_test(add_workdays),   cmocka_unit_test(add_entries),      cmocka_unit_test(coverage),
        cmocka_unit_test(shipped_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
