/* Working-day calendar (pure: no I/O). Dates are whole days counted from 1970-01-01 in the
 * proleptic Gregorian calendar; there is no time zone here (callers convert a local date string
 * with day_parse). Monday to Friday are working days and Saturday/Sunday rest days, except the
 * dates listed in the calendar: a public holiday (假日) is a rest day, a make-up working day
 * (调休上班) is a working day.
 *
 * Coverage: the calendar "covers" a year when it lists at least one date of that year (the
 * State Council publishes each year's arrangement as one notice). For a year that is not covered
 * the functions still answer with the weekend rule only, and calendar_check_range reports it so
 * the caller can show a warning — it must not be silently trusted.
 *
 * Data file (data/holidays.csv, UTF-8 with or without BOM):
 *     日期,类型,名称           header row (optional)
 *     # comment                 lines whose first non-blank character is '#'
 *     2025-10-01,假日,国庆节    类型: 假日 | 休息 (rest day), 上班 | 调休上班 (working day)
 * A date may also be written 2025/10/1 (as spreadsheet programs save it). */
#ifndef SX_CALENDAR_H
#define SX_CALENDAR_H
#include <stddef.h>
#include <stdint.h>

typedef int32_t cal_day; /* days since 1970-01-01; day 0 was a Thursday */

#define CAL_YEAR_MIN 1900
#define CAL_YEAR_MAX 9999
#define CAL_MAX_ENTRIES 1024  /* listed dates in one calendar (about 35 per year) */
#define CAL_NAME_BYTES 64     /* name including the NUL */
#define CAL_MAX_STEP_DAYS 3660 /* bound on day counts given to the arithmetic (10 years) */

struct ymd {
    int y, m, d;
};

/* ---- day arithmetic ---- */
/* 1 when y-m-d is a real date with CAL_YEAR_MIN <= y <= CAL_YEAR_MAX. */
int ymd_valid(int y, int m, int d);
int days_in_month(int y, int m);
/* y-m-d must be valid (ymd_valid). */
cal_day day_from_ymd(int y, int m, int d);
struct ymd day_to_ymd(cal_day day);
int day_year(cal_day day);
/* ISO weekday: 1 Monday … 7 Sunday. */
int day_weekday(cal_day day);
/* Parses "YYYY-MM-DD" (also "YYYY-M-D" and "YYYY/M/D") of exactly len bytes.
 * 0 (SX_OK) or SX_EVALIDATION for anything else, including impossible dates (2025-02-30). */
int day_parse(const char *s, size_t len, cal_day *out);
/* 1 when s is a real date written exactly "YYYY-MM-DD" (the day into *out), else 0. */
int day_parse_exact(const char *s, cal_day *out);
/* "YYYY-MM-DD" into buf (at least 11 bytes). */
void day_format(cal_day day, char buf[11]);

/* ---- calendar ---- */
enum cal_kind { CAL_HOLIDAY = 1, CAL_WORKDAY = 2 };

struct cal_entry {
    cal_day day;
    enum cal_kind kind;
    int line; /* source line in the CSV (0 when added by calendar_add) */
    char name[CAL_NAME_BYTES];
};

struct calendar {
    int n;                                 /* entries, sorted by day, no duplicates */
    struct cal_entry e[CAL_MAX_ENTRIES];
};

/* An empty calendar: weekends only, covers no year. */
void calendar_init(struct calendar *cal);
/* Parses CSV text (see above) into cal. 0 (SX_OK); otherwise SX_EVALIDATION (SX_ETOOLARGE when
 * more than CAL_MAX_ENTRIES dates) with a Chinese message naming the line in err (may be NULL),
 * and cal left empty. Errors: invalid UTF-8, bad date, bad kind, too many columns, name too
 * long, duplicate date, a 上班 date that is not a Saturday or Sunday, no dates at all. */
int calendar_parse(struct calendar *cal, const char *text, size_t len, char *err, size_t errn);
/* Adds one date keeping the order. SX_EDUPLICATE, SX_ETOOLARGE or SX_EVALIDATION (bad kind,
 * 上班 on a weekday, name too long). */
int calendar_add(struct calendar *cal, cal_day day, enum cal_kind kind, const char *name);
/* The entry listed for day, or NULL. */
const struct cal_entry *calendar_find(const struct calendar *cal, cal_day day);
/* 1 for a working day, 0 for a rest day. */
int calendar_is_workday(const struct calendar *cal, cal_day day);
/* 1 when the calendar lists at least one date of year. */
int calendar_covers(const struct calendar *cal, int year);
/* Covered years in ascending order into years (at most max); returns how many there are. */
int calendar_years(const struct calendar *cal, int *years, int max);
/* 0 when every year from the year of from to the year of to is covered. Otherwise 1, with a
 * Chinese warning naming the missing years in warn (may be NULL). from > to is allowed. */
int calendar_check_range(const struct calendar *cal, cal_day from, cal_day to, char *warn, size_t n);
/* The first working day on or after day. */
cal_day calendar_next_workday(const struct calendar *cal, cal_day day);
/* The n-th working day after date (date itself never counts; n = 0 gives date). 0 (SX_OK), or
 * SX_EVALIDATION when n < 0 or n > CAL_MAX_STEP_DAYS or the result leaves CAL_YEAR_MAX. */
int calendar_add_workdays(const struct calendar *cal, cal_day date, int n, cal_day *out);
#endif
