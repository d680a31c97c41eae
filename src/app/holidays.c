/* Use cases of the working-day calendar: adding, changing and removing a public holiday or a
 * make-up working day. Every change moves the running deadlines of every module (the
 * deadline registry), in the same transaction for the first rows. */
#include "holidays.h"
#include "../domain/calendar.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>

static json_t *details(const struct holiday_change *h)
{
    return json_pack("{s:s,s:s,s:s}", "day", h->day, "kind", h->in.kind, "name", h->in.name);
}

static int audit(struct app_ctx *c, const char *action, const struct holiday_change *h, int with_details)
{
    char *d = NULL;
    if (with_details) {
        json_t *o = details(h);
        d = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!d) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    }
    int rc = app_audit(c, action, "holiday", h->day, d);
    free(d);
    return rc;
}

int app_holiday_create(struct app_ctx *c, void *arg)
{
    const struct holiday_change *h = arg;
    int64_t count;
    int rc = st_holiday_count(c->db, &count);
    if (rc) return rc;
    /* st_calendar_load must be able to hold every row. */
    if (count >= CAL_MAX_ENTRIES)
        return app_failf(c, SX_EVALIDATION, "day", "工作日历条目过多（最多%d条），请先删除不再需要的年份",
                         CAL_MAX_ENTRIES);
    char now[32];
    time_iso_now(now);
    rc = st_holiday_insert(c->db, h->day, &h->in, now);
    if (rc == SX_EDUPLICATE) return app_fail(c, rc, "day", "该日期已在工作日历中");
    if (rc) return rc;
    app_mark(c, APP_MARK_DEADLINES);
    return audit(c, "holiday.create", h, 1);
}

int app_holiday_update(struct app_ctx *c, void *arg)
{
    const struct holiday_change *h = arg;
    char now[32];
    time_iso_now(now);
    int rc = st_holiday_update(c->db, h->day, h->version, &h->in, now);
    if (rc == SX_ENOTFOUND) return app_fail(c, rc, NULL, "工作日历中没有该日期");
    if (rc) return rc;
    app_mark(c, APP_MARK_DEADLINES);
    return audit(c, "holiday.update", h, 1);
}

int app_holiday_delete(struct app_ctx *c, void *arg)
{
    const struct holiday_change *h = arg;
    int rc = st_holiday_delete(c->db, h->day);
    if (rc == SX_ENOTFOUND) return app_fail(c, rc, NULL, "工作日历中没有该日期");
    if (rc) return rc;
    app_mark(c, APP_MARK_DEADLINES);
    return audit(c, "holiday.delete", h, 0);
}
