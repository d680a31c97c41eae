/* Administrative regions: prefecture → county → township → village/community. */
#include "store.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <string.h>

#define REGION_COLS                                                                               \
    "r.id, r.code, r.name, r.level, r.parent_id, p.name AS parent_name, r.path, r.sort, r.version,"  \
    " r.created_at, r.updated_at"
#define REGION_FROM " FROM regions r LEFT JOIN regions p ON p.id = r.parent_id"
#define REGION_WHERE                                                                              \
    " WHERE (?1 < 0 OR (?1 = 0 AND r.parent_id IS NULL) OR r.parent_id = ?1) AND (?2 = 0 OR r.level = ?2)" \
    " AND (?3 IS NULL OR " LIKE_CONTAINS("r.name", "?3") " OR " LIKE_PREFIX("r.code", "?3") ")"

static const struct sort_col sorts[] = {
    {"code", "r.code"}, {"name", "r.name"}, {"level", "r.level"}, {"sort", "r.sort"}, {"id", "r.id"}, {NULL, NULL}};

int st_region_list(struct db *db, const struct region_filter *f, const struct paging *pg, json_t **items,
                   int64_t *total)
{
    const char *order;
    int rc = store_order_by(sorts, pg, "r.path", &order);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*)" REGION_FROM REGION_WHERE);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, f->parent_id);
    db_bind_int(s, 2, f->level);
    db_bind_text(s, 3, pg->keyword);
    if ((rc = db_int(s, total))) return rc;
    char sql[1024];
    store_sql_order(sql, sizeof sql, "SELECT " REGION_COLS REGION_FROM REGION_WHERE, order, pg->desc,
                    ", r.id LIMIT ?4 OFFSET ?5");
    s = db_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, f->parent_id);
    db_bind_int(s, 2, f->level);
    db_bind_text(s, 3, pg->keyword);
    db_bind_int(s, 4, pg->page_size);
    db_bind_int(s, 5, (pg->page - 1) * pg->page_size);
    return db_all_json(s, items);
}

int st_region_all(struct db *db, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT " REGION_COLS REGION_FROM " ORDER BY r.sort, r.code");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, items);
}

int st_region_get(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " REGION_COLS REGION_FROM " WHERE r.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    return rc;
}

/* The parent must exist and be exactly one level up; a level-1 region has no parent. */
static int check_parent(struct db *db, const struct region_in *in, const char **field)
{
    if (in->parent_id <= 0) {
        if (in->level != 1) {
            *field = "parent_id";
            return SX_EVALIDATION;
        }
        return SX_OK;
    }
    struct db_stmt *s = db_prepare(db, "SELECT level FROM regions WHERE id = ?");
    db_bind_int(s, 1, in->parent_id);
    int64_t lvl;
    int rc = db_int(s, &lvl);
    if (rc == SX_ENOTFOUND || (!rc && lvl != in->level - 1)) {
        *field = "parent_id";
        return SX_EVALIDATION;
    }
    return rc;
}

static char *details(const struct region_in *in, char *buf, size_t n)
{
    json_t *o = json_pack("{s:s,s:s,s:I,s:I}", "code", in->code, "name", in->name, "level", (json_int_t)in->level,
                          "parent_id", (json_int_t)in->parent_id);
    char *d = json_dumps(o, JSON_COMPACT);
    snprintf(buf, n, "%s", d ? d : "");
    free(d);
    json_decref(o);
    return buf;
}

int st_region_create(struct db *db, const struct audit_ctx *a, const struct region_in *in, json_t **out,
                     const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = check_parent(db, in, field))) goto fail;
    char now[32], d[512], oid[24];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO regions (code, name, level, parent_id, path, sort, created_at,"
                                       " updated_at) VALUES (?, ?, ?, ?, '', ?, ?, ?)");
    db_bind_text(s, 1, in->code);
    db_bind_text(s, 2, in->name);
    db_bind_int(s, 3, in->level);
    if (in->parent_id > 0) db_bind_int(s, 4, in->parent_id);
    else db_bind_null(s, 4);
    db_bind_int(s, 5, in->sort);
    db_bind_text(s, 6, now);
    db_bind_text(s, 7, now);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    int64_t id = db_last_id(db);
    if ((rc = st_tree_set_path(db, TREE_REGIONS, id, in->parent_id))) goto fail;
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    if ((rc = st_audit_append(db, a, "region.create", "region", oid, 1, details(in, d, sizeof d)))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_region_get(db, id, out);
fail:
    db_rollback(db);
    return rc;
}

int st_region_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                     const struct region_in *in, json_t **out, const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT version FROM regions WHERE id = ?");
    int64_t cur;
    db_bind_int(s, 1, id);
    if ((rc = db_int(s, &cur))) goto fail;
    if (cur != version) {
        rc = SX_EVERSION;
        goto fail;
    }
    if (in->parent_id == id) {
        rc = SX_ECYCLE;
        goto fail;
    }
    if ((rc = check_parent(db, in, field))) goto fail;
    /* A region's children must stay one level below it. */
    s = db_prepare(db, "SELECT COUNT(*) FROM regions WHERE parent_id = ? AND level <> ?");
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, in->level + 1);
    int64_t bad;
    if ((rc = db_int(s, &bad))) goto fail;
    if (bad) {
        *field = "level";
        rc = SX_EVALIDATION;
        goto fail;
    }
    if ((rc = st_tree_move(db, TREE_REGIONS, id, in->parent_id))) goto fail;
    char now[32], d[512], oid[24];
    time_iso_now(now);
    s = db_prepare(db, "UPDATE regions SET code = ?, name = ?, level = ?, parent_id = ?, sort = ?,"
                       " version = version + 1, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, in->code);
    db_bind_text(s, 2, in->name);
    db_bind_int(s, 3, in->level);
    if (in->parent_id > 0) db_bind_int(s, 4, in->parent_id);
    else db_bind_null(s, 4);
    db_bind_int(s, 5, in->sort);
    db_bind_text(s, 6, now);
    db_bind_int(s, 7, id);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    if ((rc = st_audit_append(db, a, "region.update", "region", oid, 1, details(in, d, sizeof d)))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_region_get(db, id, out);
fail:
    db_rollback(db);
    return rc;
}

int st_region_delete(struct db *db, const struct audit_ctx *a, int64_t id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    /* Children and units refer to a region through foreign keys: the delete fails with
     * SX_EREFERENCED while anything still points at it. */
    struct db_stmt *s = db_prepare(db, "DELETE FROM regions WHERE id = ?");
    db_bind_int(s, 1, id);
    if ((rc = db_run(s))) goto fail;
    if (db_changes(db) == 0) {
        rc = SX_ENOTFOUND;
        goto fail;
    }
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    if ((rc = st_audit_append(db, a, "region.delete", "region", oid, 1, ""))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
