/* Statutory time limits (domain/deadline.c) over the shipped calendar data/holidays.csv
 * (2025 and 2026 as published by the State Council). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/calendar.h"
#include "domain/deadline.h"
#include "util/err.h"

static cal_day D(const char *s)
{
    cal_day d = 0;
    if (day_parse(s, strlen(s), &d) != SX_OK) fail_msg("bad test date %s", s);
    return d;
}

static int setup(void **state)
{
    FILE *f = fopen("data/holidays.csv", "rb");
    if (!f) return -1;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct calendar *c = malloc(sizeof *c);
    if (!c || n >= sizeof buf || calendar_parse(c, buf, n, NULL, 0) != SX_OK) {
        free(c);
        return -1;
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

#define CAL ((const struct calendar *)*state)

/* Asserts fn(cal, start, days) == expect, printing the dates on failure. */
static void check(int working, const struct calendar *cal, const char *start, int days, const char *expect)
{
    cal_day out = 0;
    int rc = working ? deadline_working_days(cal, D(start), days, &out)
                     : deadline_calendar_days(cal, D(start), days, &out);
    if (rc != SX_OK) fail_msg("%s + %d: error %d", start, days, rc);
    char got[11];
    day_format(out, got);
    if (strcmp(got, expect))
        fail_msg("%s + %d %s: got %s, expected %s", start, days, working ? "working days" : "days", got, expect);
}

static void calendar_days_plain(void **state)
{
    check(0, CAL, "2025-03-03", 1, "2025-03-04");  /* the start day is not counted */
    check(0, CAL, "2025-03-03", 15, "2025-03-18"); /* lands on a Tuesday: stays */
    check(0, CAL, "2025-03-07", 15, "2025-03-24"); /* lands on Saturday 03-22 → Monday */
    check(0, CAL, "2025-03-08", 15, "2025-03-24"); /* lands on Sunday 03-23 → Monday */
    check(0, CAL, "2025-03-06", 15, "2025-03-21"); /* lands on a Friday: stays */
}

static void calendar_days_holidays(void **state)
{
    check(0, CAL, "2025-09-16", 15, "2025-10-09"); /* 10-01, inside 国庆 → first working day after */
    check(0, CAL, "2025-09-22", 15, "2025-10-09"); /* 10-07 */
    check(0, CAL, "2025-01-13", 15, "2025-02-05"); /* 01-28, first day of 春节 2025 */
    check(0, CAL, "2026-02-01", 15, "2026-02-24"); /* 02-16, inside 春节 2026 */
    check(0, CAL, "2026-09-10", 15, "2026-09-28"); /* 09-25, 中秋 2026 */
    check(0, CAL, "2025-12-17", 15, "2026-01-04"); /* 2026-01-01 元旦 → 01-04, a make-up Sunday */
    /* lands on a make-up working day: stays */
    check(0, CAL, "2025-01-24", 15, "2025-02-08"); /* Saturday 02-08 is a working day */
    check(0, CAL, "2025-09-26", 15, "2025-10-11"); /* Saturday 10-11 */
    check(0, CAL, "2025-09-13", 15, "2025-09-28"); /* Sunday 09-28 */
}

static void working_days(void **state)
{
    check(1, CAL, "2025-03-03", 5, "2025-03-10"); /* Tue..Fri, Mon */
    check(1, CAL, "2025-03-07", 1, "2025-03-10"); /* Friday + 1 → Monday, the start day not counted */
    check(1, CAL, "2025-03-08", 1, "2025-03-10"); /* started on a Saturday */
    check(1, CAL, "2025-03-07", 5, "2025-03-14"); /* across one weekend */
    /* across 国庆 2025 and the make-up Saturday 10-11: 10-09, 10-10, 10-11, 10-13, 10-14 */
    check(1, CAL, "2025-09-30", 5, "2025-10-14");
    /* the make-up Sunday 09-28 counts: 09-25, 09-26, 09-28, 09-29, 09-30 (not 10-01) */
    check(1, CAL, "2025-09-24", 5, "2025-09-30");
    /* across 春节 2025 with the make-up Sunday 01-26 */
    check(1, CAL, "2025-01-24", 5, "2025-02-07");
    /* 春节 2026: 02-14 Saturday works, then 02-15..02-23 off */
    check(1, CAL, "2026-02-13", 5, "2026-02-27");
    check(1, CAL, "2026-09-18", 2, "2026-09-21"); /* 09-20 Sunday make-up counts */
}

static void closing_across_national_day(void **state)
{
    struct deadline_settings s;
    deadline_settings_default(&s);
    cal_day due;
    /* accepted 2025-08-02: day 60 is 10-01, inside 国庆/中秋 (10-01..10-08) → 10-09 */
    assert_int_equal(deadline_for(&s, DL_CLOSE, CAL, D("2025-08-02"), &due), SX_OK);
    assert_int_equal(due, D("2025-10-09"));
    assert_int_equal(deadline_for(&s, DL_CLOSE, CAL, D("2025-08-05"), &due), SX_OK); /* day 60: 10-04 */
    assert_int_equal(due, D("2025-10-09"));
    assert_int_equal(deadline_for(&s, DL_CLOSE, CAL, D("2025-08-01"), &due), SX_OK); /* day 60: 09-30 */
    assert_int_equal(due, D("2025-09-30"));
    /* the state of that case over the last days */
    assert_int_equal(deadline_state(due, D("2025-09-26"), s.warn_days), DL_NORMAL);
    assert_int_equal(deadline_state(due, D("2025-09-27"), s.warn_days), DL_DUE_SOON);
    assert_int_equal(deadline_state(due, D("2025-10-01"), s.warn_days), DL_OVERDUE);
}

static void steps_and_settings(void **state)
{
    struct deadline_settings s;
    deadline_settings_default(&s);
    assert_int_equal(deadline_settings_check(&s, NULL), SX_OK);
    assert_int_equal(s.step[DL_ACCEPT_DECISION].days, 15);
    assert_int_equal(s.step[DL_NOTICE].days, 15);
    assert_int_equal(s.step[DL_UNIT_NOTICE].days, 15);
    assert_int_equal(s.step[DL_OBJECTION].days, 5);
    assert_int_equal(s.step[DL_OBJECTION].working, 1);
    assert_int_equal(s.step[DL_CLOSE].days, 60);
    assert_int_equal(s.step[DL_CLOSE].working, 0);
    assert_int_equal(s.step[DL_REVIEW_REQUEST].days, 30);
    assert_int_equal(s.step[DL_REVIEW_ANSWER].days, 30);
    assert_int_equal(s.step[DL_RECHECK_REQUEST].days, 30);
    assert_int_equal(s.step[DL_RECHECK_ANSWER].days, 30);
    assert_int_equal(s.max_extension_days, 30);
    assert_int_equal(s.max_extensions, 1);
    assert_int_equal(s.warn_days, 3);
    for (int i = 0; i < DL_STEP_COUNT; i++) {
        enum deadline_step st;
        assert_int_equal(deadline_step_from_code(deadline_step_code((enum deadline_step)i), &st), SX_OK);
        assert_int_equal(st, i);
        assert_true(strlen(deadline_step_label((enum deadline_step)i)) > 0);
        /* working days: the objection period and the 三个第一 targets of first petitions */
        int working = i == DL_OBJECTION || i == DL_FIRST_ASSIGN || i == DL_FIRST_SUPERVISE || i == DL_FIRST_CALLBACK;
        assert_int_equal(s.step[i].working, working);
    }
    assert_int_equal(s.step[DL_FIRST_ASSIGN].days, 2);
    assert_int_equal(s.step[DL_FIRST_SUPERVISE].days, 5);
    assert_int_equal(s.step[DL_FIRST_CALLBACK].days, 3);
    assert_string_equal(deadline_due_label(DL_FIRST_SUPERVISE), "初信初访督办时限");
    /* a first petition received on Friday 2025-09-26 is to be assigned by Monday 09-29: Sunday
     * 09-28 is a 调休 working day, the first of the two */
    cal_day due0;
    assert_int_equal(deadline_for(&s, DL_FIRST_ASSIGN, CAL, D("2025-09-26"), &due0), SX_OK);
    assert_int_equal(due0, D("2025-09-29"));
    enum deadline_step st;
    assert_int_equal(deadline_step_from_code("nope", &st), SX_EVALIDATION);
    assert_int_equal(deadline_step_from_code(NULL, &st), SX_EVALIDATION);

    cal_day due;
    /* objection: 5 working days from the assignment */
    assert_int_equal(deadline_for(&s, DL_OBJECTION, CAL, D("2025-09-30"), &due), SX_OK);
    assert_int_equal(due, D("2025-10-14"));
    /* review request window: 30 days from the reply, 2026-03-01 is a Sunday */
    assert_int_equal(deadline_for(&s, DL_REVIEW_REQUEST, CAL, D("2026-01-30"), &due), SX_OK);
    assert_int_equal(due, D("2026-03-02"));
    assert_int_equal(deadline_for(&s, DL_RECHECK_ANSWER, CAL, D("2026-01-30"), &due), SX_OK);
    assert_int_equal(due, D("2026-03-02"));
    assert_int_equal(deadline_for(&s, DL_ACCEPT_DECISION, CAL, D("2025-03-07"), &due), SX_OK);
    assert_int_equal(due, D("2025-03-24"));

    /* settings are honoured: the objection limit in calendar days, and another length */
    s.step[DL_OBJECTION].working = 0;
    assert_int_equal(deadline_for(&s, DL_OBJECTION, CAL, D("2025-09-30"), &due), SX_OK);
    assert_int_equal(due, D("2025-10-09")); /* 10-05 is inside 国庆 */
    s.step[DL_CLOSE].days = 30;
    assert_int_equal(deadline_for(&s, DL_CLOSE, CAL, D("2025-03-03"), &due), SX_OK);
    assert_int_equal(due, D("2025-04-02"));

    /* invalid settings and arguments */
    s.step[DL_CLOSE].days = 0;
    assert_int_equal(deadline_settings_check(&s, NULL), SX_EVALIDATION);
    assert_int_equal(deadline_for(&s, DL_CLOSE, CAL, D("2025-03-03"), &due), SX_EVALIDATION);
    deadline_settings_default(&s);
    s.warn_days = -1;
    const char *why = NULL;
    assert_int_equal(deadline_settings_check(&s, &why), SX_EVALIDATION);
    assert_non_null(why);
    deadline_settings_default(&s);
    s.step[DL_NOTICE].working = 2;
    assert_int_equal(deadline_settings_check(&s, NULL), SX_EVALIDATION);
    assert_int_equal(deadline_for(&s, DL_STEP_COUNT, CAL, D("2025-03-03"), &due), SX_EVALIDATION);
    assert_int_equal(deadline_calendar_days(CAL, D("2025-03-03"), 0, &due), SX_EVALIDATION);
    assert_int_equal(deadline_working_days(CAL, D("2025-03-03"), 0, &due), SX_EVALIDATION);
    assert_int_equal(deadline_calendar_days(CAL, D("2025-03-03"), CAL_MAX_STEP_DAYS + 1, &due), SX_EVALIDATION);
    assert_int_equal(deadline_calendar_days(CAL, D("9999-12-30"), 5, &due), SX_EVALIDATION);
}

static void extension(void **state)
{
    struct deadline_settings s;
    deadline_settings_default(&s);
    cal_day out;
    const char *why = NULL;
    /* 10-09 + 30 = 11-08, a Saturday → Monday 11-10 */
    assert_int_equal(deadline_extend(&s, CAL, D("2025-10-09"), 30, 0, &out, &why), SX_OK);
    assert_int_equal(out, D("2025-11-10"));
    assert_int_equal(deadline_extend(&s, CAL, D("2025-10-09"), 5, 0, &out, NULL), SX_OK);
    assert_int_equal(out, D("2025-10-14"));
    /* more than 30 days */
    assert_int_equal(deadline_extend(&s, CAL, D("2025-10-09"), 31, 0, &out, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "30"));
    assert_int_equal(deadline_extend(&s, CAL, D("2025-10-09"), 0, 0, &out, &why), SX_EVALIDATION);
    /* only once */
    why = NULL;
    assert_int_equal(deadline_extend(&s, CAL, D("2025-10-09"), 10, 1, &out, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "延期"));
    /* settings: a longer extension allowed locally */
    s.max_extension_days = 45;
    s.max_extensions = 2;
    assert_int_equal(deadline_extend(&s, CAL, D("2025-10-09"), 31, 1, &out, &why), SX_OK);
    assert_int_equal(out, D("2025-11-10")); /* 11-09 is a Sunday */
}

static void state_boundaries(void **state)
{
    (void)state;
    cal_day due = D("2025-10-09");
    assert_int_equal(deadline_state(due, D("2025-10-05"), 3), DL_NORMAL);   /* 4 days before */
    assert_int_equal(deadline_state(due, D("2025-10-06"), 3), DL_DUE_SOON); /* exactly warn_days */
    assert_int_equal(deadline_state(due, D("2025-10-09"), 3), DL_DUE_SOON); /* the due day itself */
    assert_int_equal(deadline_state(due, D("2025-10-10"), 3), DL_OVERDUE);  /* the day after */
    assert_int_equal(deadline_state(due, D("2025-10-08"), 0), DL_NORMAL);
    assert_int_equal(deadline_state(due, D("2025-10-09"), 0), DL_DUE_SOON);
    assert_int_equal(deadline_state(due, D("2025-10-08"), -5), DL_NORMAL);
    assert_int_equal(deadline_state(due, D("2030-01-01"), 3), DL_OVERDUE);
    assert_string_equal(deadline_state_code(DL_NORMAL), "normal");
    assert_string_equal(deadline_state_code(DL_DUE_SOON), "due_soon");
    assert_string_equal(deadline_state_code(DL_OVERDUE), "overdue");
    assert_string_equal(deadline_state_label(DL_NORMAL), "正常");
    assert_string_equal(deadline_state_label(DL_DUE_SOON), "临期");
    assert_string_equal(deadline_state_label(DL_OVERDUE), "逾期");
}

static void uncovered_year_warning(void **state)
{
    struct deadline_settings s;
    deadline_settings_default(&s);
    cal_day start = D("2026-12-20"), due;
    /* computed by the weekend rule: 2027-01-03 is a Sunday → 01-04 … */
    assert_int_equal(deadline_for(&s, DL_ACCEPT_DECISION, CAL, start, &due), SX_OK);
    assert_int_equal(due, D("2027-01-04"));
    /* … and the caller is told that 2027 is not in the calendar */
    char warn[256];
    assert_int_equal(calendar_check_range(CAL, start, due, warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "2027"));
    /* a period fully inside the covered years gives no warning */
    assert_int_equal(deadline_for(&s, DL_CLOSE, CAL, D("2026-03-01"), &due), SX_OK);
    assert_int_equal(calendar_check_range(CAL, D("2026-03-01"), due, warn, sizeof warn), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_days_plain),
        cmocka_unit_test(calendar_days_holidays),
        cmocka_unit_test(working_days),
        cmocka_unit_test(closing_across_national_day),
        cmocka_unit_test(steps_and_settings),
        cmocka_unit_test(extension),
        cmocka_unit_test(state_boundaries),
        cmocka_unit_test(uncovered_year_warning),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
