/* The reception-day (接访日) planner: lookups (leader cadres, counties), saved plans, publishing
 * into reception days with stable iCalendar UIDs, published days with their summary, the public
 * schedule and the feed rows. */
#include "store.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <sodium.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

/* ids as a JSON array text for json_each(?) (malloc'd; NULL on allocation failure). */
static char *ids_text(const int64_t *ids, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_integer(ids[i]));
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

int st_reception_leaders(struct db *db, const int64_t *ids, int n, json_t **out)
{
    *out = NULL;
    if (n < 0 || n > ST_RECEPTION_MAX_IDS || (n && !ids)) return SX_EINTERNAL;
    struct db_stmt *s = db_prepare(db, "SELECT c.id, c.name, c.unit_id, u.name AS unit_name,"
                                       " CASE WHEN c.is_leader THEN 1 ELSE 0 END AS is_leader__b"
                                       " FROM cadres c JOIN units u ON u.id = c.unit_id"
                                       " WHERE c.id IN (SELECT value FROM json_each(?1)) ORDER BY c.id");
    if (!s) return SX_EINTERNAL;
    char *t = ids_text(ids, n);
    if (!t) return SX_EINTERNAL;
    db_bind_text(s, 1, t);
    int rc = db_all_json(s, out);
    free(t);
    return rc;
}

int st_reception_counties(struct db *db, const int64_t *ids, int n, json_t **out)
{
    *out = NULL;
    if (n < 0 || n > ST_RECEPTION_MAX_IDS || (n && !ids)) return SX_EINTERNAL;
    struct db_stmt *s;
    if (n == 0) {
        s = db_prepare(db, "SELECT id, name, sort FROM regions WHERE level = 2 ORDER BY sort, id");
        if (!s) return SX_EINTERNAL;
        return db_all_json(s, out);
    }
    s = db_prepare(db, "SELECT id, name, sort FROM regions"
                       " WHERE level = 2 AND id IN (SELECT value FROM json_each(?1)) ORDER BY id");
    if (!s) return SX_EINTERNAL;
    char *t = ids_text(ids, n);
    if (!t) return SX_EINTERNAL;
    db_bind_text(s, 1, t);
    int rc = db_all_json(s, out);
    free(t);
    return rc;
}

/* ---- saved plans ---- */

int st_reception_units_missing(struct db *db, const int64_t *ids, int n, int64_t *missing)
{
    *missing = 0;
    if (n <= 0) return SX_OK;
    struct db_stmt *s = db_prepare(db, "SELECT value FROM json_each(?1)"
                                       " WHERE value NOT IN (SELECT id FROM units) ORDER BY key LIMIT 1");
    if (!s) return SX_EINTERNAL;
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_integer(ids[i]));
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    if (!t) return SX_EINTERNAL;
    db_bind_text(s, 1, t);
    int64_t v = 0;
    int rc = db_int(s, &v);
    free(t);
    if (rc == SX_ENOTFOUND) return SX_OK;
    if (!rc) *missing = v;
    return rc;
}

int st_reception_leader_clash(struct db *db, int64_t plan_id, json_t *visits, json_t **clash)
{
    *clash = NULL;
    struct db_stmt *s = db_prepare(
        db, "SELECT d.day, k.name AS leader_name, r.name AS county_name, p.name AS plan_name"
            " FROM json_each(?1) v JOIN reception_days d ON d.day = json_extract(v.value, '$.date')"
            " AND d.leader_id = json_extract(v.value, '$.leader_id')"
            " JOIN reception_plans p ON p.id = d.plan_id JOIN cadres k ON k.id = d.leader_id"
            " JOIN regions r ON r.id = d.county_id"
            " WHERE d.published = 1 AND d.plan_id <> ?2 ORDER BY d.day, d.id LIMIT 1");
    if (!s) return SX_EINTERNAL;
    char *t = json_dumps(visits, JSON_COMPACT);
    if (!t) return SX_EINTERNAL;
    db_bind_text(s, 1, t);
    db_bind_int(s, 2, plan_id);
    int rc = db_one_json(s, clash);
    free(t);
    return rc;
}

#define PLAN_COLS                                                                                          \
    "p.id, p.name, p.period_start, p.period_end, p.status, p.published_at,"                                \
    " COALESCE(json_array_length(p.input, '$.visits'), 0) AS days_count,"                                  \
    " CASE WHEN p.status = 'published' AND p.version > COALESCE(json_extract(p.input, '$.published_version'), p.version)" \
    " THEN 1 ELSE 0 END AS pending_changes__b,"                                                            \
    " p.version, p.created_at, p.updated_at"

int st_reception_plan_list(struct db *db, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT " PLAN_COLS " FROM reception_plans p"
                                       " ORDER BY p.period_start DESC, p.id DESC LIMIT 500");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, items);
}

/* Units of a day as [{id,name}] (SQL expression over a day aliased d). */
#define DAY_UNITS                                                                                          \
    "(SELECT json_group_array(json_object('id', u.id, 'name', u.name)) FROM"                              \
    " (SELECT u2.id, u2.name FROM reception_day_units du JOIN units u2 ON u2.id = du.unit_id"              \
    " WHERE du.day_id = d.id ORDER BY u2.id) u)"
#define ISO_WEEKDAY(col) "((CAST(strftime('%w', " col ") AS INTEGER) + 6) % 7 + 1)"

int st_reception_plan_get(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " PLAN_COLS ", json_extract(p.input, '$.input') AS input__j"
                                       " FROM reception_plans p WHERE p.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    if (rc) return rc;
    s = db_prepare(db,
                   "SELECT d.id AS day_id, v.date, " ISO_WEEKDAY("v.date") " AS weekday, v.county_id,"
                   " (SELECT name FROM regions WHERE id = v.county_id) AS county_name, v.leader_id,"
                   " (SELECT name FROM cadres WHERE id = v.leader_id) AS leader_name,"
                   " COALESCE(v.unit_ids, '[]') AS unit_ids__j,"
                   " (SELECT json_group_array(json_object('id', u.id, 'name', u.name)) FROM"
                   "  (SELECT u2.id, u2.name FROM json_each(COALESCE(v.unit_ids, '[]')) x"
                   "   JOIN units u2 ON u2.id = x.value ORDER BY x.key) u) AS units__j,"
                   " v.place, v.start_time, v.end_time, d.sequence, CASE WHEN d.published THEN 1 ELSE 0 END"
                   " AS published__b"
                   " FROM (SELECT CAST(e.key AS INTEGER) AS k, json_extract(e.value, '$.day_id') AS day_id,"
                   "  json_extract(e.value, '$.date') AS date, json_extract(e.value, '$.county_id') AS county_id,"
                   "  json_extract(e.value, '$.leader_id') AS leader_id, json_extract(e.value, '$.unit_ids') AS unit_ids,"
                   "  json_extract(e.value, '$.place') AS place, json_extract(e.value, '$.start_time') AS start_time,"
                   "  json_extract(e.value, '$.end_time') AS end_time"
                   "  FROM reception_plans p, json_each(p.input, '$.visits') e WHERE p.id = ?1) v"
                   " LEFT JOIN reception_days d ON d.id = v.day_id AND d.plan_id = ?1"
                   " ORDER BY v.date, v.k");
    if (!s) {
        json_decref(*out);
        *out = NULL;
        return SX_EINTERNAL;
    }
    db_bind_int(s, 1, id);
    json_t *visits;
    if ((rc = db_all_json(s, &visits))) {
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    json_object_set_new(*out, "visits", visits);
    return SX_OK;
}

/* The working copy document as text (malloc'd). */
static char *plan_doc(const struct reception_plan_in *in, json_t *published_version)
{
    json_t *doc = json_pack("{s:O,s:O}", "input", in->input, "visits", in->visits);
    if (!doc) return NULL;
    if (published_version) json_object_set(doc, "published_version", published_version);
    char *t = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return t;
}

static char *plan_details(int64_t id, const struct reception_plan_in *in)
{
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:i}", "id", (json_int_t)id, "name", in->name, "period_start",
                          in->period_start, "period_end", in->period_end, "visits", (int)json_array_size(in->visits));
    char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return t;
}

int st_reception_plan_create(struct db *db, const struct audit_ctx *a, const struct reception_plan_in *in,
                             json_t **out)
{
    *out = NULL;
    char *doc = plan_doc(in, NULL), *det = NULL;
    if (!doc) return SX_EINTERNAL;
    int rc = db_begin_write(db);
    if (rc) {
        free(doc);
        return rc;
    }
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO reception_plans (name, period_start, period_end, status, input,"
                                       " created_by, created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_text(s, 1, in->name);
    db_bind_text(s, 2, in->period_start);
    db_bind_text(s, 3, in->period_end);
    db_bind_text(s, 4, doc);
    if (a->user_id > 0) db_bind_int(s, 5, a->user_id);
    else db_bind_null(s, 5);
    db_bind_text(s, 6, now);
    db_bind_text(s, 7, now);
    if ((rc = db_run(s))) goto fail;
    int64_t id = db_last_id(db);
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    det = plan_details(id, in);
    if ((rc = st_audit_append(db, a, "reception.plan.create", "reception_plan", idt, 1, det ? det : ""))) goto fail;
    if ((rc = db_commit(db))) goto out;
    rc = st_reception_plan_get(db, id, out);
    goto out;
fail:
    db_rollback(db);
out:
    free(doc);
    free(det);
    return rc;
}

/* Inside a transaction: version, status and the working copy of plan id. */
static int plan_row(struct db *db, int64_t id, int64_t *version, char *status, size_t status_size, json_t **doc)
{
    struct db_stmt *s = db_prepare(db, "SELECT version, status, input FROM reception_plans WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_reset(s);
        return rc == DB_DONE ? SX_ENOTFOUND : rc;
    }
    *version = db_col_int(s, 0);
    snprintf(status, status_size, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
    const char *t = db_col_text(s, 2);
    *doc = json_loads(t ? t : "{}", 0, NULL);
    db_reset(s);
    if (!*doc || !json_is_object(*doc)) {
        json_decref(*doc);
        *doc = NULL;
        return SX_EINTERNAL;
    }
    return SX_OK;
}

int st_reception_plan_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                             const struct reception_plan_in *in, json_t **out)
{
    *out = NULL;
    json_t *old = NULL, *visits = json_deep_copy(in->visits), *days = NULL;
    char *doc = NULL, *det = NULL;
    if (!visits) return SX_EINTERNAL;
    int rc = db_begin_write(db);
    if (rc) {
        json_decref(visits);
        return rc;
    }
    int64_t cur;
    char status[16];
    if ((rc = plan_row(db, id, &cur, status, sizeof status, &old))) goto fail;
    if (cur != version) {
        rc = SX_EVERSION;
        goto fail;
    }
    /* Keep only day ids that belong to this plan. */
    struct db_stmt *s = db_prepare(db, "SELECT id FROM reception_days WHERE plan_id = ?");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_int(s, 1, id);
    if ((rc = db_all_json(s, &days))) goto fail;
    size_t i, k;
    json_t *v, *d;
    json_array_foreach(visits, i, v)
    {
        json_t *did = json_object_get(v, "day_id");
        if (!did) continue;
        int ok = 0;
        json_array_foreach(days, k, d) if (json_integer_value(json_object_get(d, "id")) == json_integer_value(did)) ok = 1;
        if (!ok) json_object_del(v, "day_id");
    }
    struct reception_plan_in copy = *in;
    copy.visits = visits;
    doc = plan_doc(&copy, json_object_get(old, "published_version"));
    if (!doc) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    char now[32];
    time_iso_now(now);
    s = db_prepare(db, "UPDATE reception_plans SET name = ?, period_start = ?, period_end = ?, input = ?,"
                       " version = version + 1, updated_at = ? WHERE id = ?");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_text(s, 1, in->name);
    db_bind_text(s, 2, in->period_start);
    db_bind_text(s, 3, in->period_end);
    db_bind_text(s, 4, doc);
    db_bind_text(s, 5, now);
    db_bind_int(s, 6, id);
    if ((rc = db_run(s))) goto fail;
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    det = plan_details(id, in);
    if ((rc = st_audit_append(db, a, "reception.plan.update", "reception_plan", idt, 1, det ? det : ""))) goto fail;
    if ((rc = db_commit(db))) goto out;
    rc = st_reception_plan_get(db, id, out);
    goto out;
fail:
    db_rollback(db);
out:
    json_decref(old);
    json_decref(visits);
    json_decref(days);
    free(doc);
    free(det);
    return rc;
}

int st_reception_plan_delete(struct db *db, const struct audit_ctx *a, int64_t id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    int64_t cur;
    char status[16];
    json_t *doc = NULL;
    if ((rc = plan_row(db, id, &cur, status, sizeof status, &doc))) goto fail;
    json_decref(doc);
    if (strcmp(status, "draft")) {
        rc = SX_ECONFLICT;
        goto fail;
    }
    struct db_stmt *s = db_prepare(db, "DELETE FROM reception_plans WHERE id = ?");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_int(s, 1, id);
    if ((rc = db_run(s))) goto fail;
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    if ((rc = st_audit_append(db, a, "reception.plan.delete", "reception_plan", idt, 1, ""))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

static int day_units_write(struct db *db, int64_t day_id, json_t *unit_ids, int replace)
{
    struct db_stmt *s;
    int rc;
    if (replace) {
        s = db_prepare(db, "DELETE FROM reception_day_units WHERE day_id = ?");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, day_id);
        if ((rc = db_run(s))) return rc;
    }
    size_t i;
    json_t *u;
    json_array_foreach(unit_ids, i, u)
    {
        s = db_prepare(db, "INSERT OR IGNORE INTO reception_day_units (day_id, unit_id) VALUES (?, ?)");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, day_id);
        db_bind_int(s, 2, json_integer_value(u));
        if ((rc = db_run(s))) return rc;
    }
    return SX_OK;
}

static const char *vstr(json_t *v, const char *k)
{
    const char *s = json_string_value(json_object_get(v, k));
    return s ? s : "";
}

/* 1 when the stored day row equals visit v (and is published). */
static int same_day(json_t *row, json_t *v)
{
    json_t *units = json_object_get(v, "unit_ids");
    json_t *empty = json_array();
    int same = !strcmp(vstr(row, "day"), vstr(v, "date")) &&
               json_integer_value(json_object_get(row, "county_id")) == json_integer_value(json_object_get(v, "county_id")) &&
               json_integer_value(json_object_get(row, "leader_id")) == json_integer_value(json_object_get(v, "leader_id")) &&
               !strcmp(vstr(row, "place"), vstr(v, "place")) && !strcmp(vstr(row, "start_time"), vstr(v, "start_time")) &&
               !strcmp(vstr(row, "end_time"), vstr(v, "end_time")) &&
               json_equal(json_object_get(row, "units"), units ? units : empty) &&
               json_is_true(json_object_get(row, "published"));
    json_decref(empty);
    return same;
}

/* A new iCalendar UID: 128 random bits in hex at the product's domain. */
static void new_uid(char out[64])
{
    unsigned char r[16];
    char hex[33];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    snprintf(out, 64, "%s@sixia", hex);
}

int st_reception_plan_publish(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                              json_t **out)
{
    *out = NULL;
    json_t *doc = NULL, *rows = NULL;
    char *text = NULL;
    int *claimed = NULL, *match = NULL;
    int rc = db_begin_write(db);
    if (rc) return rc;
    int64_t cur;
    char status[16];
    if ((rc = plan_row(db, id, &cur, status, sizeof status, &doc))) goto fail;
    if (version && cur != version) {
        rc = SX_EVERSION;
        goto fail;
    }
    json_t *visits = json_object_get(doc, "visits");
    if (!json_is_array(visits)) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    struct db_stmt *s = db_prepare(
        db, "SELECT d.id, d.day, d.county_id, d.leader_id, d.place, d.start_time, d.end_time,"
            " CASE WHEN d.published THEN 1 ELSE 0 END AS published__b,"
            " (SELECT json_group_array(unit_id) FROM (SELECT unit_id FROM reception_day_units"
            "  WHERE day_id = d.id ORDER BY unit_id)) AS units__j,"
            " CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.reception_day_id = d.id) THEN 1 ELSE 0 END AS used__b"
            " FROM reception_days d WHERE d.plan_id = ? ORDER BY d.id");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_int(s, 1, id);
    if ((rc = db_all_json(s, &rows))) goto fail;
    size_t nrows = json_array_size(rows), nv = json_array_size(visits);
    claimed = calloc(nrows + 1, sizeof *claimed);
    match = calloc(nv + 1, sizeof *match);
    if (!claimed || !match) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    /* Claim days: first by the visit's day id, then by date and county. */
    for (size_t i = 0; i < nv; i++) {
        match[i] = -1;
        json_t *did = json_object_get(json_array_get(visits, i), "day_id");
        if (!did) continue;
        for (size_t k = 0; k < nrows; k++)
            if (!claimed[k] && json_integer_value(json_object_get(json_array_get(rows, k), "id")) == json_integer_value(did)) {
                claimed[k] = 1;
                match[i] = (int)k;
                break;
            }
    }
    for (size_t i = 0; i < nv; i++) {
        if (match[i] >= 0) continue;
        json_t *v = json_array_get(visits, i);
        for (size_t k = 0; k < nrows; k++) {
            json_t *row = json_array_get(rows, k);
            if (!claimed[k] && !strcmp(vstr(row, "day"), vstr(v, "date")) &&
                json_integer_value(json_object_get(row, "county_id")) == json_integer_value(json_object_get(v, "county_id"))) {
                claimed[k] = 1;
                match[i] = (int)k;
                break;
            }
        }
    }
    char now[32];
    time_iso_now(now);
    int added = 0, changed = 0, removed = 0;
    for (size_t i = 0; i < nv; i++) {
        json_t *v = json_array_get(visits, i), *units = json_object_get(v, "unit_ids");
        int64_t day_id;
        if (match[i] >= 0) {
            json_t *row = json_array_get(rows, (size_t)match[i]);
            day_id = json_integer_value(json_object_get(row, "id"));
            if (!same_day(row, v)) {
                s = db_prepare(db, "UPDATE reception_days SET day = ?, county_id = ?, leader_id = ?, place = ?,"
                                   " start_time = ?, end_time = ?, published = 1, sequence = sequence + 1,"
                                   " updated_at = ? WHERE id = ?");
                if (!s) {
                    rc = SX_EINTERNAL;
                    goto fail;
                }
                db_bind_text(s, 1, vstr(v, "date"));
                db_bind_int(s, 2, json_integer_value(json_object_get(v, "county_id")));
                db_bind_int(s, 3, json_integer_value(json_object_get(v, "leader_id")));
                db_bind_text(s, 4, vstr(v, "place"));
                db_bind_text(s, 5, vstr(v, "start_time"));
                db_bind_text(s, 6, vstr(v, "end_time"));
                db_bind_text(s, 7, now);
                db_bind_int(s, 8, day_id);
                if ((rc = db_run(s)) || (rc = day_units_write(db, day_id, units, 1))) goto fail;
                changed++;
            }
        } else {
            char uid[64];
            new_uid(uid);
            s = db_prepare(db, "INSERT INTO reception_days (plan_id, day, county_id, leader_id, place, start_time,"
                               " end_time, published, uid, sequence, created_at, updated_at)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 0, ?, ?)");
            if (!s) {
                rc = SX_EINTERNAL;
                goto fail;
            }
            db_bind_int(s, 1, id);
            db_bind_text(s, 2, vstr(v, "date"));
            db_bind_int(s, 3, json_integer_value(json_object_get(v, "county_id")));
            db_bind_int(s, 4, json_integer_value(json_object_get(v, "leader_id")));
            db_bind_text(s, 5, vstr(v, "place"));
            db_bind_text(s, 6, vstr(v, "start_time"));
            db_bind_text(s, 7, vstr(v, "end_time"));
            db_bind_text(s, 8, uid);
            db_bind_text(s, 9, now);
            db_bind_text(s, 10, now);
            if ((rc = db_run(s))) goto fail;
            day_id = db_last_id(db);
            if ((rc = day_units_write(db, day_id, units, 0))) goto fail;
            added++;
        }
        json_object_set_new(v, "day_id", json_integer(day_id));
    }
    /* Days no longer in the plan: gone, or withdrawn from the schedule when cases refer to them. */
    for (size_t k = 0; k < nrows; k++) {
        if (claimed[k]) continue;
        json_t *row = json_array_get(rows, k);
        int used = json_is_true(json_object_get(row, "used"));
        if (used && !json_is_true(json_object_get(row, "published"))) continue;
        s = db_prepare(db, used ? "UPDATE reception_days SET published = 0, sequence = sequence + 1, updated_at = ?1"
                                  " WHERE id = ?2"
                                : "DELETE FROM reception_days WHERE id = ?2 AND ?1 IS NOT NULL");
        if (!s) {
            rc = SX_EINTERNAL;
            goto fail;
        }
        db_bind_text(s, 1, now);
        db_bind_int(s, 2, json_integer_value(json_object_get(row, "id")));
        if ((rc = db_run(s))) goto fail;
        removed++;
    }
    json_object_set_new(doc, "published_version", json_integer(cur + 1));
    text = json_dumps(doc, JSON_COMPACT);
    if (!text) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    s = db_prepare(db, "UPDATE reception_plans SET status = 'published', input = ?, published_at = ?, published_by = ?,"
                       " version = version + 1, updated_at = ? WHERE id = ?");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_text(s, 1, text);
    db_bind_text(s, 2, now);
    if (a->user_id > 0) db_bind_int(s, 3, a->user_id);
    else db_bind_null(s, 3);
    db_bind_text(s, 4, now);
    db_bind_int(s, 5, id);
    if ((rc = db_run(s))) goto fail;
    char idt[24], det[160];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    snprintf(det, sizeof det, "{\"days\":%zu,\"added\":%d,\"changed\":%d,\"removed\":%d,\"republish\":%s}", nv, added,
             changed, removed, strcmp(status, "published") ? "false" : "true");
    if ((rc = st_audit_append(db, a, "reception.plan.publish", "reception_plan", idt, 1, det))) goto fail;
    if ((rc = db_commit(db))) goto out;
    rc = st_reception_plan_get(db, id, out);
    goto out;
fail:
    db_rollback(db);
out:
    json_decref(doc);
    json_decref(rows);
    free(text);
    free(claimed);
    free(match);
    return rc;
}

/* ---- published days ---- */

#define DAY_SUMMARY                                                                                        \
    "json_object("                                                                                         \
    "'visitors', (SELECT COALESCE(SUM(c.head_count), 0) FROM cases c WHERE c.reception_day_id = d.id),"     \
    "'accepted', (SELECT COUNT(*) FROM cases c WHERE c.reception_day_id = d.id AND c.accepted_at IS NOT NULL)," \
    "'answered_on_spot', (SELECT COUNT(*) FROM cases c WHERE c.reception_day_id = d.id AND EXISTS"         \
    " (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'onspot')),"                      \
    "'assigned', (SELECT COUNT(*) FROM cases c WHERE c.reception_day_id = d.id AND EXISTS"                 \
    " (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'assign')))"

#define DAY_COLS                                                                                           \
    "d.id, d.plan_id, d.day, " ISO_WEEKDAY("d.day") " AS weekday, d.county_id, r.name AS county_name,"     \
    " d.leader_id, k.name AS leader_name, k.title AS leader_title, " DAY_UNITS " AS units__j,"             \
    " d.place, d.start_time, d.end_time, d.sequence, " DAY_SUMMARY " AS summary__j"
#define DAY_FROM " FROM reception_days d JOIN regions r ON r.id = d.county_id JOIN cadres k ON k.id = d.leader_id"
#define DAY_WHERE                                                                                          \
    " WHERE d.published = 1 AND (?1 IS NULL OR d.day >= ?1) AND (?2 IS NULL OR d.day <= ?2)"              \
    " AND (?3 = 0 OR d.county_id = ?3) AND (?4 = 0 OR d.leader_id = ?4)"

static void bind_day_filter(struct db_stmt *s, const struct reception_day_filter *f)
{
    db_bind_text(s, 1, f->from);
    db_bind_text(s, 2, f->to);
    db_bind_int(s, 3, f->county_id);
    db_bind_int(s, 4, f->leader_id);
}

int st_reception_day_list(struct db *db, const struct reception_day_filter *f, const struct paging *pg,
                          json_t **items, int64_t *total)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*)" DAY_FROM DAY_WHERE);
    if (!s) return SX_EINTERNAL;
    bind_day_filter(s, f);
    int rc = db_int(s, total);
    if (rc) return rc;
    s = db_prepare(db, "SELECT " DAY_COLS DAY_FROM DAY_WHERE " ORDER BY d.day, r.sort, r.id, d.id LIMIT ?5 OFFSET ?6");
    if (!s) return SX_EINTERNAL;
    bind_day_filter(s, f);
    db_bind_int(s, 5, pg->page_size);
    db_bind_int(s, 6, (pg->page - 1) * pg->page_size);
    return db_all_json(s, items);
}

int st_reception_day_get(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " DAY_COLS DAY_FROM " WHERE d.published = 1 AND d.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    return rc;
}

#define DAY_UNIT_NAMES                                                                                     \
    "(SELECT json_group_array(u.name) FROM (SELECT u2.name FROM reception_day_units du"                    \
    " JOIN units u2 ON u2.id = du.unit_id WHERE du.day_id = d.id ORDER BY u2.id) u)"

int st_reception_public_days(struct db *db, int64_t county_id, const char *from, json_t **items)
{
    struct db_stmt *s = db_prepare(
        db, "SELECT d.id, d.day, d.start_time, d.end_time, d.place, d.county_id, r.name AS county_name,"
            " k.name AS leader_name, k.title AS leader_title, " DAY_UNIT_NAMES " AS units__j,"
            " (SELECT COUNT(*) FROM cases c WHERE c.reception_day_id = d.id) AS matters_received" DAY_FROM
            " WHERE d.published = 1 AND d.day >= ?1 AND (?2 = 0 OR d.county_id = ?2)"
            " ORDER BY d.day, r.sort, r.id, d.id LIMIT 1000");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, from);
    db_bind_int(s, 2, county_id);
    return db_all_json(s, items);
}

int st_reception_feed(struct db *db, enum reception_feed kind, int64_t id, const char *from, json_t **items,
                      char *name, size_t name_size)
{
    *items = NULL;
    struct db_stmt *s = db_prepare(db, kind == RECEPTION_FEED_COUNTY
                                           ? "SELECT name FROM regions WHERE id = ? AND level = 2"
                                           : "SELECT name FROM cadres WHERE id = ? AND is_leader");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_reset(s);
        return rc == DB_DONE ? SX_ENOTFOUND : rc;
    }
    snprintf(name, name_size, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_reset(s);
    s = db_prepare(db, kind == RECEPTION_FEED_COUNTY
                           ? "SELECT d.uid, d.sequence, d.day, d.start_time, d.end_time, d.updated_at, d.place,"
                             " r.name AS county_name, k.name AS leader_name, k.title AS leader_title, " DAY_UNIT_NAMES
                             " AS units__j" DAY_FROM " WHERE d.published = 1 AND d.county_id = ?1 AND d.day >= ?2"
                             " ORDER BY d.day, d.id LIMIT 2000"
                           : "SELECT d.uid, d.sequence, d.day, d.start_time, d.end_time, d.updated_at, d.place,"
                             " r.name AS county_name, k.name AS leader_name, k.title AS leader_title, " DAY_UNIT_NAMES
                             " AS units__j" DAY_FROM " WHERE d.published = 1 AND d.leader_id = ?1 AND d.day >= ?2"
                             " ORDER BY d.day, d.id LIMIT 2000");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, from);
    return db_all_json(s, items);
}
