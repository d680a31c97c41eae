/* Store interface: the reception-day (接访日) planner's lookups, saved plans and published days
 * (see store.h for conventions). The planning itself is pure (src/domain/rotation.h).
 *
 * A plan keeps its working copy in reception_plans.input as
 *   {"input": <the propose body>, "visits": [{day_id?, date, county_id, leader_id, unit_ids,
 *    place, start_time, end_time}], "published_version": N}
 * Saving changes only that copy; publishing materialises it into reception_days (+ units):
 * a visit keeps its day (and iCalendar UID) when it carries that day's id or, failing that,
 * matches an unclaimed day of the plan on the same date and county; a day whose details changed
 * gets SEQUENCE + 1; days no longer in the plan are deleted, or unpublished (SEQUENCE + 1) when
 * cases refer to them. */
#ifndef SX_ST_RECEPTION_H
#define SX_ST_RECEPTION_H
#include "store.h"

#define ST_RECEPTION_MAX_IDS 64 /* ids per lookup */

/* The cadres among ids (n ≤ ST_RECEPTION_MAX_IDS) as [{id,name,unit_id,unit_name,is_leader}]
 * ordered by id; ids that do not exist are simply absent. */
int st_reception_leaders(struct db *db, const int64_t *ids, int n, json_t **out);
/* The county-level regions (level 2) among ids as [{id,name,sort}] ordered by id (ids that do
 * not exist or are not counties are absent); n == 0: every county, ordered by sort then id. */
int st_reception_counties(struct db *db, const int64_t *ids, int n, json_t **out);

/* Each id of ids that is not a unit: *missing = the first (0 when all exist). */
int st_reception_units_missing(struct db *db, const int64_t *ids, int n, int64_t *missing);

/* The first published day of another plan (plan_id 0: any plan) that books a leader of visits
 * ([{date, leader_id}]) on the same date: *clash = {day, leader_name, county_name, plan_name},
 * NULL when none. */
int st_reception_leader_clash(struct db *db, int64_t plan_id, json_t *visits, json_t **clash);

/* Plans [{id,name,period_start,period_end,status,days_count,published_at,pending_changes,
 * version,created_at,updated_at}] newest period first. */
int st_reception_plan_list(struct db *db, json_t **items);
/* The plan with input and visits [{day_id,date,weekday,county_id,county_name,leader_id,
 * leader_name,unit_ids,units:[{id,name}],place,start_time,end_time,sequence}]. */
int st_reception_plan_get(struct db *db, int64_t id, json_t **out);
struct reception_plan_in {
    const char *name, *period_start, *period_end;
    json_t *input;  /* the propose body (checked by the caller) */
    json_t *visits; /* checked visits [{day_id?,date,county_id,leader_id,unit_ids,place,start_time,end_time}] */
};
int st_reception_plan_create(struct db *db, const struct audit_ctx *a, const struct reception_plan_in *in,
                             json_t **out);
/* SX_EVERSION on a stale version. day_id values that are not days of this plan are dropped. */
int st_reception_plan_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                             const struct reception_plan_in *in, json_t **out);
/* SX_ECONFLICT when the plan is published. */
int st_reception_plan_delete(struct db *db, const struct audit_ctx *a, int64_t id);
/* Publishes the working copy (see above); version 0: no check. The caller validated it. */
int st_reception_plan_publish(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                              json_t **out);

struct reception_day_filter {
    const char *from, *to; /* "YYYY-MM-DD" or NULL */
    int64_t county_id, leader_id; /* 0: any */
};
/* Published days [{id,plan_id,day,weekday,county_id,county_name,leader_id,leader_name,
 * leader_title,units:[{id,name}],place,start_time,end_time,sequence,summary:{visitors,accepted,
 * answered_on_spot,assigned}}] by day. */
int st_reception_day_list(struct db *db, const struct reception_day_filter *f, const struct paging *pg,
                          json_t **items, int64_t *total);
/* One published day as in the list. SX_ENOTFOUND for an unknown or unpublished day. */
int st_reception_day_get(struct db *db, int64_t id, json_t **out);
/* The public schedule: published days from `from` on, county_id 0 = every county:
 * [{id,day,start_time,end_time,place,county_id,county_name,leader_name,leader_title,
 *   units:[name],matters_received}]. */
int st_reception_public_days(struct db *db, int64_t county_id, const char *from, json_t **items);
enum reception_feed { RECEPTION_FEED_COUNTY, RECEPTION_FEED_LEADER };
#define RECEPTION_FEED_MAX 2000
/* Published days of a county / a leader (cadre) from `from` on, at most RECEPTION_FEED_MAX:
 * [{uid,sequence,day,start_time,end_time,updated_at,place,county_name,leader_name,leader_title,
 *   units:[name]}]; *name = the county's / leader's name. SX_ENOTFOUND when there is no such
 * county / leader cadre. */
int st_reception_feed(struct db *db, enum reception_feed kind, int64_t id, const char *from, json_t **items,
                      char *name, size_t name_size);
#endif
