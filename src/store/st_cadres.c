/* Cadres (干部) with their expertise tags. Every statement carries the data-scope predicate. */
#include "store.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAGS_ORDERED "(SELECT tag FROM cadre_tags t WHERE t.cadre_id = c.id ORDER BY t.rowid)"
/* The one definition of a cadre's JSON form, written by SQLite. */
#define CADRE_JSON                                                                                \
    "json_object('id', c.id, 'name', c.name, 'unit_id', c.unit_id, 'unit_name', u.name, 'title', c.title," \
    " 'is_leader', json(CASE WHEN c.is_leader THEN 'true' ELSE 'false' END),"                      \
    " 'tags', (SELECT json_group_array(tag) FROM " TAGS_ORDERED "), 'version', c.version,"         \
    " 'created_at', c.created_at, 'updated_at', c.updated_at)"
#define CADRE_FROM " FROM cadres c JOIN units u ON u.id = c.unit_id"
#define CADRE_SCOPE " WHERE " SCOPE_PRED("c.unit_id", "c.created_by")
#define CADRE_WHERE                                                                               \
    CADRE_SCOPE " AND (?11 = 0 OR c.unit_id = ?11)"                                               \
    " AND (?12 IS NULL OR EXISTS (SELECT 1 FROM cadre_tags ft WHERE ft.cadre_id = c.id AND ft.tag = ?12))" \
    " AND (?13 < 0 OR c.is_leader = ?13)"                                                         \
    " AND (?14 IS NULL OR " LIKE_CONTAINS("c.name", "?14") " OR " LIKE_CONTAINS("c.title", "?14") ")"

static const struct sort_col sorts[] = {
    {"name", "c.name"},   {"unit_id", "c.unit_id"},       {"unit_name", "u.name"},         {"unit", "u.path"},
    {"title", "c.title"}, {"is_leader", "c.is_leader"},   {"id", "c.id"},                  {"created_at", "c.created_at"},
    {"updated_at", "c.updated_at"}, {NULL, NULL}};

static void bind_filter(struct db_stmt *s, const struct cadre_filter *f, const char *kw)
{
    db_bind_int(s, 11, f->unit_id);
    db_bind_text(s, 12, f->tag);
    db_bind_int(s, 13, f->is_leader);
    db_bind_text(s, 14, kw && *kw ? kw : NULL);
}

int st_cadre_count(struct db *db, const struct scope *sc, const struct cadre_filter *f, const char *keyword,
                   int64_t *total)
{
    struct db_stmt *s = store_prepare_scoped(db, "SELECT COUNT(*) FROM cadres c" CADRE_WHERE, sc);
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, keyword);
    return db_int(s, total);
}

/* First column of the single row as malloc'd text (SX_ENOTFOUND without a row); second
 * column into *second when not NULL. */
static int one_text(struct db_stmt *s, char **out, int64_t *second)
{
    int rc = db_step(s);
    *out = NULL;
    if (rc == DB_ROW) {
        const char *t = db_col_text(s, 0);
        *out = strdup(t ? t : "null");
        if (second) *second = db_col_int(s, 1);
    }
    db_reset(s);
    if (rc == DB_ROW) return *out ? SX_OK : SX_EINTERNAL;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_cadre_list(struct db *db, const struct scope *sc, const struct cadre_filter *f, const struct paging *pg,
                  char **out)
{
    const char *order;
    int rc = store_order_by(sorts, pg, "c.unit_id", &order);
    if (rc) return rc;
    int64_t total;
    if ((rc = st_cadre_count(db, sc, f, pg->keyword, &total))) return rc;
    /* The page is one JSON document from SQLite; json_group_array keeps the subquery's order. */
    char sql[4096];
    store_sql_order(sql, sizeof sql,
                    "SELECT json_object('items', (SELECT json_group_array(json(j)) FROM (SELECT " CADRE_JSON
                    " AS j" CADRE_FROM CADRE_WHERE,
                    order, pg->desc, ", c.id LIMIT ?15 OFFSET ?16)), 'total', ?17, 'page', ?18, 'page_size', ?15)");
    struct db_stmt *s = store_prepare_scoped(db, sql, sc);
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, pg->keyword);
    db_bind_int(s, 15, pg->page_size);
    db_bind_int(s, 16, (pg->page - 1) * pg->page_size);
    db_bind_int(s, 17, total);
    db_bind_int(s, 18, pg->page);
    return one_text(s, out, NULL);
}

int st_cadre_get_text(struct db *db, const struct scope *sc, int64_t id, char **out, int64_t *version)
{
    struct db_stmt *s =
        store_prepare_scoped(db, "SELECT " CADRE_JSON ", c.version" CADRE_FROM CADRE_SCOPE " AND c.id = ?11", sc);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 11, id);
    return one_text(s, out, version);
}

int st_cadre_get(struct db *db, const struct scope *sc, int64_t id, json_t **out)
{
    char *text;
    int64_t version;
    int rc = st_cadre_get_text(db, sc, id, &text, &version);
    if (rc) return rc;
    *out = json_loads(text, 0, NULL);
    free(text);
    return *out ? SX_OK : SX_EINTERNAL;
}

/* Current version and unit of a cadre inside the scope; SX_ENOTFOUND outside it. */
static int current(struct db *db, const struct scope *sc, int64_t id, int64_t *version, int64_t *unit_id)
{
    struct db_stmt *s = store_prepare_scoped(db, "SELECT c.version, c.unit_id FROM cadres c" CADRE_SCOPE " AND c.id = ?11", sc);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 11, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *version = db_col_int(s, 0);
        *unit_id = db_col_int(s, 1);
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

/* A tag must be an enabled expertise_tag label, or one the cadre already carries (an item
 * disabled later must not block editing the cadre's other fields). */
static int check_tags(struct db *db, int64_t cadre_id, json_t *tags, const char **bad)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
    {
        struct db_stmt *s = db_prepare(db, "SELECT (SELECT COUNT(*) FROM dict_items WHERE type = 'expertise_tag'"
                                           " AND label = ?1 AND enabled = 1) + (SELECT COUNT(*) FROM cadre_tags"
                                           " WHERE cadre_id = ?2 AND tag = ?1)");
        if (!s) return SX_EINTERNAL;
        db_bind_text(s, 1, json_string_value(t));
        db_bind_int(s, 2, cadre_id);
        int64_t n = 0;
        int rc = db_int(s, &n);
        if (rc) return rc;
        if (!n) {
            *bad = json_string_value(t);
            return SX_EVALIDATION;
        }
    }
    return SX_OK;
}

static int write_tags(struct db *db, int64_t cadre_id, json_t *tags)
{
    struct db_stmt *s = db_prepare(db, "DELETE FROM cadre_tags WHERE cadre_id = ?");
    db_bind_int(s, 1, cadre_id);
    int rc = db_run(s);
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
    {
        if (rc) return rc;
        s = db_prepare(db, "INSERT INTO cadre_tags (cadre_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING");
        db_bind_int(s, 1, cadre_id);
        db_bind_text(s, 2, json_string_value(t));
        rc = db_run(s);
    }
    return rc;
}

/* Unit in scope, then tags: the checks shared by create and update. */
static int check_in(struct db *db, const struct scope *sc, int64_t cadre_id, int64_t old_unit,
                    const struct cadre_in *in, const char **field, const char **bad_tag)
{
    int ok = 1, rc;
    if (in->unit_id != old_unit && (rc = st_unit_in_scope(db, sc, in->unit_id, &ok))) return rc;
    if (!ok) {
        *field = "unit_id";
        return SX_EVALIDATION;
    }
    if (in->tags && (rc = check_tags(db, cadre_id, in->tags, bad_tag))) {
        *field = "tags";
        return rc;
    }
    return SX_OK;
}

static int audit(struct db *db, const struct audit_ctx *a, const char *action, int64_t id, const struct cadre_in *in)
{
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    char *d = NULL;
    if (in) {
        json_t *o = json_pack("{s:s,s:I,s:s,s:b,s:O?}", "name", in->name, "unit_id", (json_int_t)in->unit_id,
                              "title", in->title, "is_leader", in->is_leader, "tags", in->tags);
        d = json_dumps(o, JSON_COMPACT);
        json_decref(o);
    }
    int rc = st_audit_append(db, a, action, "cadre", oid, 1, d ? d : "");
    free(d);
    return rc;
}

static void bind_in(struct db_stmt *s, const struct cadre_in *in, const char *now)
{
    db_bind_text(s, 1, in->name);
    db_bind_int(s, 2, in->unit_id);
    db_bind_text(s, 3, in->title);
    db_bind_int(s, 4, in->is_leader ? 1 : 0);
    db_bind_text(s, 5, now);
}

int st_cadre_create(struct db *db, const struct audit_ctx *a, const struct scope *sc, const struct cadre_in *in,
                    json_t **out, const char **field, const char **bad_tag)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = check_in(db, sc, 0, -1, in, field, bad_tag))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO cadres (name, unit_id, title, is_leader, created_by, created_at,"
                                       " updated_at) VALUES (?1, ?2, ?3, ?4, ?6, ?5, ?5)");
    bind_in(s, in, now);
    if (a->user_id > 0) db_bind_int(s, 6, a->user_id);
    else db_bind_null(s, 6);
    if ((rc = db_run(s))) goto fail;
    int64_t id = db_last_id(db);
    if (in->tags && (rc = write_tags(db, id, in->tags))) goto fail;
    if ((rc = audit(db, a, "cadre.create", id, in))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_cadre_get(db, sc, id, out);
fail:
    db_rollback(db);
    return rc;
}

int st_cadre_update(struct db *db, const struct audit_ctx *a, const struct scope *sc, int64_t id, int64_t version,
                    const struct cadre_in *in, json_t **out, const char **field, const char **bad_tag)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    int64_t cur, old_unit;
    if ((rc = current(db, sc, id, &cur, &old_unit))) goto fail;
    if (cur != version) {
        rc = SX_EVERSION;
        goto fail;
    }
    if ((rc = check_in(db, sc, id, old_unit, in, field, bad_tag))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE cadres SET name = ?1, unit_id = ?2, title = ?3, is_leader = ?4,"
                                       " version = version + 1, updated_at = ?5 WHERE id = ?6");
    bind_in(s, in, now);
    db_bind_int(s, 6, id);
    if ((rc = db_run(s))) goto fail;
    if (in->tags && (rc = write_tags(db, id, in->tags))) goto fail;
    if ((rc = audit(db, a, "cadre.update", id, in))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_cadre_get(db, sc, id, out);
fail:
    db_rollback(db);
    return rc;
}

int st_cadre_delete(struct db *db, const struct audit_ctx *a, const struct scope *sc, int64_t id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    int64_t cur, unit;
    if ((rc = current(db, sc, id, &cur, &unit))) goto fail;
    /* users.cadre_id refers to cadres: a linked account makes this SX_EREFERENCED. */
    struct db_stmt *s = db_prepare(db, "DELETE FROM cadres WHERE id = ?");
    db_bind_int(s, 1, id);
    if ((rc = db_run(s))) goto fail;
    if ((rc = audit(db, a, "cadre.delete", id, NULL))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_cadre_each(struct db *db, const struct scope *sc, const struct cadre_filter *f, const char *keyword,
                  int64_t cap, int (*fn)(const struct cadre_row *row, void *arg), void *arg, int64_t *count)
{
    struct db_stmt *s = store_prepare_scoped(db, "SELECT c.id, c.name, u.name, c.title, c.is_leader,"
                                       " COALESCE((SELECT group_concat(tag, '、') FROM " TAGS_ORDERED "), '')"
                                       CADRE_FROM CADRE_WHERE " ORDER BY u.path, c.id LIMIT ?15", sc);
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, keyword);
    db_bind_int(s, 15, cap);
    *count = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        struct cadre_row row = {db_col_int(s, 0), db_col_int(s, 4), db_col_text(s, 1),
                                db_col_text(s, 2), db_col_text(s, 3), db_col_text(s, 5)};
        if ((rc = fn(&row, arg))) break;
        ++*count;
    }
    db_reset(s);
    return rc == DB_DONE ? SX_OK : rc;
}

static int stats_parts(struct db *db, const struct scope *sc, json_t *out)
{
    struct db_stmt *s = store_prepare_scoped(db, "SELECT d.label AS tag, (SELECT COUNT(*) FROM cadre_tags t JOIN cadres c"
                                       " ON c.id = t.cadre_id" CADRE_SCOPE " AND t.tag = d.label) AS count"
                                       " FROM dict_items d WHERE d.type = 'expertise_tag' AND d.enabled = 1"
                                       " ORDER BY d.sort, d.id", sc);
    if (!s) return SX_EINTERNAL;
    json_t *arr = NULL;
    int rc = db_all_json(s, &arr);
    if (rc) return rc;
    json_object_set_new(out, "by_tag", arr);
    s = store_prepare_scoped(db, "SELECT c.unit_id, u.name AS unit_name, COUNT(*) AS count" CADRE_FROM CADRE_SCOPE
                       " GROUP BY c.unit_id, u.name, u.path ORDER BY count DESC, u.path LIMIT 20", sc);
    if (!s) return SX_EINTERNAL;
    if ((rc = db_all_json(s, &arr))) return rc;
    json_object_set_new(out, "by_unit", arr);
    return SX_OK;
}

int st_cadre_stats(struct db *db, const struct scope *sc, json_t **out)
{
    int rc = db_begin_read(db);
    if (rc) return rc;
    struct db_stmt *s = store_prepare_scoped(db, "SELECT COUNT(*) AS total, COALESCE(SUM(c.is_leader), 0) AS leaders"
                                       " FROM cadres c" CADRE_SCOPE, sc);
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    if ((rc = db_one_json(s, out))) goto fail;
    if ((rc = stats_parts(db, sc, *out))) {
        json_decref(*out);
        *out = NULL;
        goto fail;
    }
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
