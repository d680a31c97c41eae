/* The case module's part of the deadline registry: open cases' stored next deadline and
 * 三个第一 target follow the calendar and the deadline settings. */
#include "app.h"
#include "../store/st_case.h"
#include "../util/err.h"

static int recompute(struct app_ctx *c, int64_t *cursor, int limit, int *more)
{
    const struct case_settings *set = app_case_settings(c);
    const struct calendar *cal = set ? app_calendar(c) : NULL;
    if (!cal) return c->err && c->err->code ? c->err->code : SX_EINTERNAL;
    return st_case_due_batch(c->db, set, cal, cursor, limit, more);
}

const struct app_deadlines case_deadlines = {"case", recompute};
