/* Store interface: the working-day calendar (see store.h for conventions). Days are
 * "YYYY-MM-DD" text; kind is "holiday" (public holiday, a rest day) or "workday" (调休上班, a
 * Saturday or Sunday that is worked). Callers validate entries (calendar.h rules) first. */
#ifndef SX_ST_HOLIDAY_H
#define SX_ST_HOLIDAY_H
#include "store.h"
#include "../domain/calendar.h"

struct holiday_in {
    const char *kind, *name;
};
/* The shipped data/holidays.csv (NUL-terminated), embedded in the binary. */
const char *holidays_shipped_csv(void);
/* Inside a write transaction: when the holidays table is empty, fills it from the shipped CSV. */
int st_holidays_seed(struct db *db);
/* [{day,kind,name,weekday,version}] ordered by day; year 0: every year. */
int st_holiday_list(struct db *db, int64_t year, json_t **items);
/* Covered years ascending, as a JSON array of integers. */
int st_holiday_years(struct db *db, json_t **years);
int st_holiday_get(struct db *db, const char *day, json_t **out);
/* Gateways of the write path (app/holidays.c); the caller's transaction. */
int st_holiday_count(struct db *db, int64_t *count);
/* SX_EDUPLICATE when the day is listed already. */
int st_holiday_insert(struct db *db, const char *day, const struct holiday_in *in, const char *now);
/* SX_EVERSION on a stale version, SX_ENOTFOUND when the day is not listed. */
int st_holiday_update(struct db *db, const char *day, int64_t version, const struct holiday_in *in, const char *now);
int st_holiday_delete(struct db *db, const char *day);
/* Fills cal from the table (calendar_add per row). */
int st_calendar_load(struct db *db, struct calendar *cal);
#endif
