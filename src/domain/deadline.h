/* Statutory time limits of petition handling (信访工作条例 2022) and how a period is counted
 * (民法典 art. 201, 203). Pure: no I/O.
 *
 * Counting: the day on which a period starts is not counted — counting begins the next day.
 *  - calendar-day limits: due = start + days; when that day is a rest day (a weekend that is not
 *    a make-up working day, or a holiday), the period ends on the first working day after it;
 *  - working-day limits: due = the days-th working day after start (make-up days count).
 * The limits are settings (struct deadline_settings) with the defaults of DOMAIN.md §1.
 * Callers show calendar_check_range(cal, start, due, ...) as a warning when the period touches
 * a year the calendar does not cover (the result then only knows about weekends). */
#ifndef SX_DEADLINE_H
#define SX_DEADLINE_H
#include "calendar.h"
#include <stddef.h>

enum deadline_step {
    DL_ACCEPT_DECISION, /* register, then forward (转送) or assign (交办): 15 days, art. 22 */
    DL_NOTICE,          /* written notice of acceptance / non-acceptance: 15 days, art. 23 */
    DL_UNIT_NOTICE,     /* receiving unit notifies the petitioner after 转送/交办: 15 days, art. 23 */
    DL_OBJECTION,       /* unit objects to a wrong assignment: 5 working days, art. 23 */
    DL_CLOSE,           /* handle and close (办结), from acceptance: 60 days, art. 34 */
    DL_REVIEW_REQUEST,  /* petitioner may request 复查 after the reply: 30 days, art. 35 */
    DL_REVIEW_ANSWER,   /* reviewer answers the 复查: 30 days, art. 35 */
    DL_RECHECK_REQUEST, /* petitioner may request 复核 after the 复查 answer: 30 days, art. 36 */
    DL_RECHECK_ANSWER,  /* 复核 answered: 30 days, art. 36 */
    /* 三个第一 for 初信初访 (practice: assign, supervise and call back at once); targets shorter
     * than the statutory limits, shown and counted only for first petitions. */
    DL_FIRST_ASSIGN,    /* 交办 of a first petition, from the received day: 2 working days */
    DL_FIRST_SUPERVISE, /* 督办 of a first petition, from the 交办 day: 5 working days */
    DL_FIRST_CALLBACK,  /* 回访 of a first petition, from the reply: 3 working days */
    DL_STEP_COUNT
};

struct deadline_limit {
    int days;    /* 1 .. CAL_MAX_STEP_DAYS */
    int working; /* 1: counted in working days, 0: calendar days */
};

struct deadline_settings {
    struct deadline_limit step[DL_STEP_COUNT];
    int max_extension_days; /* 延期 at most this many calendar days (30, art. 34) */
    int max_extensions;     /* … this many times (1) */
    int warn_days;          /* 临期 when the due day is at most this many days away (3, practice) */
};

/* The defaults of DOMAIN.md §1. */
void deadline_settings_default(struct deadline_settings *s);
/* 0 when every value is in range; otherwise SX_EVALIDATION with a Chinese reason in why. */
int deadline_settings_check(const struct deadline_settings *s, const char **why);

/* Machine code ("accept_decision", "notice", "unit_notice", "objection", "close",
 * "review_request", "review_answer", "recheck_request", "recheck_answer", "first_assign",
 * "first_supervise", "first_callback") and Chinese label. */
const char *deadline_step_code(enum deadline_step step);
const char *deadline_step_label(enum deadline_step step);
/* The step's deadline as a case shows it: 受理期限, 告知期限, 承办告知期限, 异议期限, 办结期限,
 * 复查申请期限, 复查答复期限, 复核申请期限, 复核答复期限 ("" out of range). */
const char *deadline_due_label(enum deadline_step step);
/* deadline_due_label of a step code; "" for "", NULL or an unknown code. */
const char *deadline_due_label_of(const char *code);
/* 0 and the step for a code, SX_EVALIDATION for an unknown one. */
int deadline_step_from_code(const char *code, enum deadline_step *step);

/* due = start + days calendar days, moved to the first working day when it is a rest day.
 * 0 (SX_OK) or SX_EVALIDATION (days < 1 or > CAL_MAX_STEP_DAYS, start out of range). */
int deadline_calendar_days(const struct calendar *cal, cal_day start, int days, cal_day *out);
/* due = the days-th working day after start. 0 or SX_EVALIDATION as above. */
int deadline_working_days(const struct calendar *cal, cal_day start, int days, cal_day *out);
/* The due day of a step that starts on start, by the settings. 0 or SX_EVALIDATION. */
int deadline_for(const struct deadline_settings *s, enum deadline_step step, const struct calendar *cal,
                 cal_day start, cal_day *out);
/* The closing deadline extended (延期) by extension_days calendar days counted from the current
 * due day (which is not counted: the extension continues the period where it ended), moved off a
 * rest day like any calendar-day period — also when due is an earlier limit such as the 交办
 * deadline.
 * prior_extensions: how many extensions the case already had. SX_EVALIDATION with a Chinese
 * reason in why (may be NULL) when extension_days < 1 or > max_extension_days, or when
 * prior_extensions >= max_extensions. */
int deadline_extend(const struct deadline_settings *s, const struct calendar *cal, cal_day due, int extension_days,
                    int prior_extensions, cal_day *out, const char **why);

enum deadline_state { DL_NORMAL, DL_DUE_SOON, DL_OVERDUE };
/* overdue when today > due; due_soon when today >= due - warn_days (calendar days, so the due
 * day itself is due_soon even with warn_days 0); otherwise normal. warn_days < 0 counts as 0. */
enum deadline_state deadline_state(cal_day due, cal_day today, int warn_days);
/* "normal" / "due_soon" / "overdue" and 正常 / 临期 / 逾期. */
const char *deadline_state_code(enum deadline_state st);
const char *deadline_state_label(enum deadline_state st);
/* The label of a state code ("normal", "due_soon", "overdue"); "" for "", NULL or unknown. */
const char *deadline_state_label_of(const char *code);
#endif
