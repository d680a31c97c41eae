/* The case module's deadlines: the next deadline and the 三个第一 target of an open case, stored
 * on its row after every action (app_case_store_due) and recomputed by the deadline registry
 * when the calendar or the deadline settings change. */
#include "cases.h"
#include "../util/err.h"
#include <stdio.h>
#include <stdlib.h>

/* The stored form of one case's deadlines, from its row. */
static int store(struct app_ctx *c, const struct case_settings *set, const struct calendar *cal,
                 const struct case_facts *r)
{
    struct case_due d = case_next_due(set, cal, r), t = case_target_of(set, cal, r);
    char day[11], tday[11];
    case_day_str(d.day, day);
    case_day_str(t.day, tday);
    return st_case_set_due(c->db, r->id, d.day ? deadline_step_code(d.step) : "", day,
                           t.day ? deadline_step_code(t.step) : "", tday);
}

/* The settings and calendar of this attempt; NULL when out of memory (app_fail'ed). */
static int rules(struct app_ctx *c, const struct case_settings **set, const struct calendar **cal)
{
    *set = app_case_settings(c);
    *cal = *set ? app_calendar(c) : NULL;
    if (!*cal) return c->err && c->err->code ? c->err->code : SX_EINTERNAL;
    return SX_OK;
}

int app_case_store_due(struct app_ctx *c, int64_t id)
{
    const struct case_settings *set;
    const struct calendar *cal;
    int rc = rules(c, &set, &cal);
    if (rc) return rc;
    struct case_facts r;
    if ((rc = st_case_row(c->db, NULL, id, &r))) return rc;
    return store(c, set, cal, &r);
}

static int recompute(struct app_ctx *c, int64_t *cursor, int limit, int *more)
{
    *more = 0;
    const struct case_settings *set;
    const struct calendar *cal;
    int rc = rules(c, &set, &cal);
    if (rc) return rc;
    if (limit <= 0) limit = 1;
    /* Read the batch first: the updates must not run while the select is stepping. */
    struct case_facts *rows = malloc((size_t)limit * sizeof *rows);
    if (!rows) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    int n = 0;
    rc = st_case_open_rows(c->db, *cursor, limit, rows, &n);
    for (int k = 0; k < n && !rc; k++) rc = store(c, set, cal, &rows[k]);
    if (!rc && n) *cursor = rows[n - 1].id;
    *more = !rc && n == limit;
    free(rows);
    return rc;
}

const struct app_deadlines case_deadlines = {"case", recompute};
