/* Units (government, departments, offices, townships): a tree beside the region tree. */
#include "store.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_COLS                                                                                 \
    "u.id, u.code, u.name, u.kind, u.org_type, u.parent_id, p.name AS parent_name, u.region_id,"  \
    " g.name AS region_name, u.path, u.sort, u.version, u.created_at, u.updated_at"
#define UNIT_FROM                                                                                 \
    " FROM units u LEFT JOIN units p ON p.id = u.parent_id LEFT JOIN regions g ON g.id = u.region_id"
#define UNIT_WHERE                                                                                \
    " WHERE (?1 < 0 OR (?1 = 0 AND u.parent_id IS NULL) OR u.parent_id = ?1)"                    \
    " AND (?2 = 0 OR u.region_id = ?2) AND (?3 IS NULL OR u.kind = ?3)"                          \
    " AND (?4 IS NULL OR " LIKE_CONTAINS("u.name", "?4") " OR " LIKE_PREFIX("u.code", "?4") ")"   \
    " AND (?5 IS NULL OR u.org_type = ?5)"

static const struct sort_col sorts[] = {{"code", "u.code"}, {"name", "u.name"}, {"kind", "u.kind"},
                                        {"sort", "u.sort"}, {"id", "u.id"},     {"region_id", "u.region_id"},
                                        {NULL, NULL}};

static void bind_filter(struct db_stmt *s, const struct unit_filter *f, const struct paging *pg)
{
    db_bind_int(s, 1, f->parent_id);
    db_bind_int(s, 2, f->region_id);
    db_bind_text(s, 3, f->kind);
    db_bind_text(s, 4, pg->keyword);
    db_bind_text(s, 5, f->org_type);
}

int st_unit_list(struct db *db, const struct unit_filter *f, const struct paging *pg, json_t **items,
                 int64_t *total)
{
    const char *order;
    int rc = store_order_by(sorts, pg, "u.path", &order);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units u" UNIT_WHERE);
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, pg);
    if ((rc = db_int(s, total))) return rc;
    char sql[2048];
    store_sql_order(sql, sizeof sql, "SELECT " UNIT_COLS UNIT_FROM UNIT_WHERE, order, pg->desc,
                    ", u.id LIMIT ?6 OFFSET ?7");
    s = db_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, pg);
    db_bind_int(s, 6, pg->page_size);
    db_bind_int(s, 7, (pg->page - 1) * pg->page_size);
    return db_all_json(s, items);
}

int st_unit_all(struct db *db, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT " UNIT_COLS UNIT_FROM " ORDER BY u.sort, u.id");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, items);
}

int st_unit_get(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    return rc;
}

int st_unit_count(struct db *db, int64_t *n)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units");
    if (!s) return SX_EINTERNAL;
    return db_int(s, n);
}

int st_unit_in_scope(struct db *db, const struct scope *sc, int64_t unit_id, int *ok)
{
    struct db_stmt *s = store_prepare_scoped(db, "SELECT COUNT(*) FROM units u WHERE (" SCOPE_PRED("u.id", "0")
                                       " OR (?5 = 1 AND u.id = ?8)) AND u.id = ?11", sc);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 11, unit_id);
    int64_t n = 0;
    int rc = db_int(s, &n);
    *ok = n > 0;
    return rc;
}

/* 1 when a row with this id exists (sql selects COUNT(*) by id). */
static int exists(struct db *db, const char *sql, int64_t id, int *yes)
{
    struct db_stmt *s = db_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int64_t n = 0;
    int rc = db_int(s, &n);
    *yes = n > 0;
    return rc;
}

static int check_refs(struct db *db, const struct unit_in *in, const char **field)
{
    int yes = 0, rc;
    if ((rc = exists(db, "SELECT COUNT(*) FROM regions WHERE id = ?", in->region_id, &yes))) return rc;
    if (!yes) {
        *field = "region_id";
        return SX_EVALIDATION;
    }
    if (in->parent_id <= 0) return SX_OK;
    if ((rc = exists(db, "SELECT COUNT(*) FROM units WHERE id = ?", in->parent_id, &yes))) return rc;
    if (!yes) {
        *field = "parent_id";
        return SX_EVALIDATION;
    }
    return SX_OK;
}

static void bind_in(struct db_stmt *s, const struct unit_in *in, const char *now)
{
    db_bind_text(s, 1, in->code);
    db_bind_text(s, 2, in->name);
    db_bind_text(s, 3, in->kind);
    if (in->parent_id > 0) db_bind_int(s, 4, in->parent_id);
    else db_bind_null(s, 4);
    db_bind_int(s, 5, in->region_id);
    db_bind_int(s, 6, in->sort);
    db_bind_text(s, 7, now);
    db_bind_text(s, 9, in->org_type ? in->org_type : "");
}

static int audit(struct db *db, const struct audit_ctx *a, const char *action, int64_t id, const struct unit_in *in)
{
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    char *d = NULL;
    if (in) {
        json_t *o = json_pack("{s:s?,s:s,s:s,s:s,s:I,s:I}", "code", in->code, "name", in->name, "kind", in->kind,
                              "org_type", in->org_type ? in->org_type : "", "parent_id", (json_int_t)in->parent_id,
                              "region_id", (json_int_t)in->region_id);
        d = json_dumps(o, JSON_COMPACT);
        json_decref(o);
    }
    int rc = st_audit_append(db, a, action, "unit", oid, 1, d ? d : "");
    free(d);
    return rc;
}

int st_unit_create(struct db *db, const struct audit_ctx *a, const struct unit_in *in, json_t **out,
                   const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = check_refs(db, in, field))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO units (code, name, kind, parent_id, region_id, path, sort,"
                                       " created_at, updated_at, org_type) VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7, ?7, ?9)");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    bind_in(s, in, now);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    int64_t id = db_last_id(db);
    if ((rc = st_tree_set_path(db, TREE_UNITS, id, in->parent_id))) goto fail;
    if ((rc = audit(db, a, "unit.create", id, in))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_unit_get(db, id, out);
fail:
    db_rollback(db);
    return rc;
}

int st_unit_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                   const struct unit_in *in, json_t **out, const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT version FROM units WHERE id = ?");
    int64_t cur;
    db_bind_int(s, 1, id);
    if ((rc = db_int(s, &cur))) goto fail;
    if (cur != version) {
        rc = SX_EVERSION;
        goto fail;
    }
    if ((rc = check_refs(db, in, field))) goto fail;
    if ((rc = st_tree_move(db, TREE_UNITS, id, in->parent_id))) goto fail;
    char now[32];
    time_iso_now(now);
    s = db_prepare(db, "UPDATE units SET code = ?1, name = ?2, kind = ?3, parent_id = ?4, region_id = ?5,"
                       " sort = ?6, version = version + 1, updated_at = ?7, org_type = ?9 WHERE id = ?8");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    bind_in(s, in, now);
    db_bind_int(s, 8, id);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    if ((rc = audit(db, a, "unit.update", id, in))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_unit_get(db, id, out);
fail:
    db_rollback(db);
    return rc;
}

/* What still points at a unit, checked in this order so the message names the first reason. */
static const struct {
    const char *what, *sql;
} refs[] = {
    {"children", "SELECT COUNT(*) FROM units WHERE parent_id = ?"},
    {"users", "SELECT COUNT(*) FROM users WHERE unit_id = ?"},
    {"cadres", "SELECT COUNT(*) FROM cadres WHERE unit_id = ?"},
    {"roles", "SELECT COUNT(*) FROM role_scope_units WHERE unit_id = ?"},
};

static int find_ref(struct db *db, int64_t id, const char **what)
{
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        int yes = 0;
        int rc = exists(db, refs[i].sql, id, &yes);
        if (rc) return rc;
        if (yes) {
            *what = refs[i].what;
            return SX_EREFERENCED;
        }
    }
    return SX_OK;
}

int st_unit_delete(struct db *db, const struct audit_ctx *a, int64_t id, const char **what)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    *what = NULL;
    if ((rc = find_ref(db, id, what))) goto fail;
    /* Foreign keys still guard tables added later: SX_EREFERENCED with *what NULL. */
    struct db_stmt *s = db_prepare(db, "DELETE FROM units WHERE id = ?");
    db_bind_int(s, 1, id);
    if ((rc = db_run(s))) goto fail;
    if (db_changes(db) == 0) {
        rc = SX_ENOTFOUND;
        goto fail;
    }
    if ((rc = audit(db, a, "unit.delete", id, NULL))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
