/* The working-day calendar: public holidays and make-up working days (调休上班). */
#include "store.h"
#include "st_holiday.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOLIDAY_COLS "day, kind, name, version, created_at, updated_at"

/* Adds the ISO weekday (1 Monday … 7 Sunday) of "day" to each row. */
static void add_weekday(json_t *row)
{
    const char *d = json_string_value(json_object_get(row, "day"));
    cal_day day;
    if (d && !day_parse(d, strlen(d), &day))
        json_object_set_new(row, "weekday", json_integer(day_weekday(day)));
}

int st_holiday_list(struct db *db, int64_t year, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT " HOLIDAY_COLS " FROM holidays"
                                       " WHERE (?1 = 0 OR (day >= ?2 AND day < ?3)) ORDER BY day");
    if (!s) return SX_EINTERNAL;
    char lo[16], hi[16];
    snprintf(lo, sizeof lo, "%04d-01-01", (int)(year % 100000));
    snprintf(hi, sizeof hi, "%04d-01-01", (int)((year + 1) % 100000));
    db_bind_int(s, 1, year);
    db_bind_text(s, 2, lo);
    db_bind_text(s, 3, hi);
    int rc = db_all_json(s, items);
    if (rc) return rc;
    size_t i;
    json_t *row;
    json_array_foreach(*items, i, row) add_weekday(row);
    return SX_OK;
}

int st_holiday_years(struct db *db, json_t **years)
{
    struct db_stmt *s = db_prepare(db, "SELECT DISTINCT CAST(substr(day, 1, 4) AS INTEGER) AS year"
                                       " FROM holidays ORDER BY 1");
    if (!s) return SX_EINTERNAL;
    json_t *rows;
    int rc = db_all_json(s, &rows);
    if (rc) return rc;
    *years = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append(*years, json_object_get(row, "year"));
    json_decref(rows);
    return SX_OK;
}

int st_holiday_get(struct db *db, const char *day, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " HOLIDAY_COLS " FROM holidays WHERE day = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, day);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    if (!rc) add_weekday(*out);
    return rc;
}

int st_holiday_count(struct db *db, int64_t *count)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM holidays");
    if (!s) return SX_EINTERNAL;
    return db_int(s, count);
}

int st_holiday_insert(struct db *db, const char *day, const struct holiday_in *in, const char *now)
{
    struct db_stmt *s = db_prepare(db, "INSERT INTO holidays (day, kind, name, created_at, updated_at)"
                                       " VALUES (?, ?, ?, ?, ?)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, day);
    db_bind_text(s, 2, in->kind);
    db_bind_text(s, 3, in->name);
    db_bind_text(s, 4, now);
    db_bind_text(s, 5, now);
    return db_run(s);
}

int st_holiday_update(struct db *db, const char *day, int64_t version, const struct holiday_in *in, const char *now)
{
    int rc = store_bump_version_key(db, "holidays", "day", day, version, now);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "UPDATE holidays SET kind = ?, name = ? WHERE day = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, in->kind);
    db_bind_text(s, 2, in->name);
    db_bind_text(s, 3, day);
    return db_run(s);
}

int st_holiday_delete(struct db *db, const char *day)
{
    struct db_stmt *s = db_prepare(db, "DELETE FROM holidays WHERE day = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, day);
    int rc = db_run(s);
    if (!rc && db_changes(db) == 0) rc = SX_ENOTFOUND;
    return rc;
}

/* name cut at a UTF-8 character boundary to fit a calendar entry (names are for display only;
 * the table allows longer ones than struct cal_entry holds). */
static void fit_name(const char *name, char out[CAL_NAME_BYTES])
{
    size_t n = strlen(name);
    if (n >= CAL_NAME_BYTES) {
        n = CAL_NAME_BYTES - 1;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80) n--;
    }
    memcpy(out, name, n);
    out[n] = 0;
}

int st_calendar_load(struct db *db, struct calendar *cal)
{
    calendar_init(cal);
    struct db_stmt *s = db_prepare(db, "SELECT day, kind, name FROM holidays ORDER BY day");
    if (!s) return SX_EINTERNAL;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *d = db_col_text(s, 0), *k = db_col_text(s, 1), *nm = db_col_text(s, 2);
        cal_day day;
        char name[CAL_NAME_BYTES];
        if (!d || day_parse(d, strlen(d), &day)) continue; /* the API only stores valid days */
        fit_name(nm ? nm : "", name);
        int add = calendar_add(cal, day, k && !strcmp(k, "workday") ? CAL_WORKDAY : CAL_HOLIDAY, name);
        if (add && add != SX_EDUPLICATE) {
            db_reset(s);
            return add == SX_ETOOLARGE ? SX_ETOOLARGE : SX_EINTERNAL;
        }
    }
    db_reset(s);
    return rc == DB_DONE ? SX_OK : rc;
}

int st_holidays_seed(struct db *db)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM holidays");
    int64_t count;
    int rc = db_int(s, &count);
    if (rc || count > 0) return rc;
    struct calendar *cal = malloc(sizeof *cal);
    if (!cal) return SX_EINTERNAL;
    const char *csv = holidays_shipped_csv();
    char err[256];
    if ((rc = calendar_parse(cal, csv, strlen(csv), err, sizeof err))) {
        /* The shipped file is checked by the tests; a broken one must not stop the server. */
        log_error("shipped holiday calendar not loaded: %s", err);
        free(cal);
        return SX_OK;
    }
    char now[32];
    time_iso_now(now);
    for (int i = 0; i < cal->n && !rc; i++) {
        char day[11];
        day_format(cal->e[i].day, day);
        struct holiday_in in = {cal->e[i].kind == CAL_WORKDAY ? "workday" : "holiday", cal->e[i].name};
        rc = st_holiday_insert(db, day, &in, now);
    }
    free(cal);
    return rc;
}
