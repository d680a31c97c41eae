/* Materialised-path trees shared by regions and units. The table name comes from a fixed
 * enum, never from input. */
#include "store.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

static const char *const sql_path[] = {"SELECT path FROM regions WHERE id = ?", "SELECT path FROM units WHERE id = ?"};
static const char *const sql_set[] = {"UPDATE regions SET path = ? WHERE id = ?", "UPDATE units SET path = ? WHERE id = ?"};
static const char *const sql_sub[] = {
    "UPDATE regions SET path = ? || substr(path, ?) WHERE path >= ? AND path < ?",
    "UPDATE units SET path = ? || substr(path, ?) WHERE path >= ? AND path < ?"};

static int get_path(struct db *db, enum tree_table t, int64_t id, char *out, size_t n)
{
    struct db_stmt *s = db_prepare(db, sql_path[t]);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) snprintf(out, n, "%s", db_col_text(s, 0));
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_tree_set_path(struct db *db, enum tree_table t, int64_t id, int64_t parent_id)
{
    char parent[200] = "/", path[220];
    if (parent_id > 0) {
        int rc = get_path(db, t, parent_id, parent, sizeof parent);
        if (rc) return rc;
    }
    snprintf(path, sizeof path, "%s%lld/", parent, (long long)id);
    if (strlen(path) >= 200) return SX_EVALIDATION; /* deeper than any real hierarchy */
    struct db_stmt *s = db_prepare(db, sql_set[t]);
    db_bind_text(s, 1, path);
    db_bind_int(s, 2, id);
    return db_run(s);
}

int st_tree_move(struct db *db, enum tree_table t, int64_t id, int64_t parent_id)
{
    char old[200], parent[200] = "/", neu[220], lo[200], hi[200];
    int rc = get_path(db, t, id, old, sizeof old);
    if (rc) return rc;
    if (parent_id > 0) {
        if ((rc = get_path(db, t, parent_id, parent, sizeof parent))) return rc;
        if (strncmp(parent, old, strlen(old)) == 0) return SX_ECYCLE;
    }
    snprintf(neu, sizeof neu, "%s%lld/", parent, (long long)id);
    if (strcmp(neu, old) == 0) return SX_OK;
    if (strlen(neu) >= 200) return SX_EVALIDATION;
    store_path_range(old, lo, hi, sizeof lo);
    struct db_stmt *s = db_prepare(db, sql_sub[t]);
    db_bind_text(s, 1, neu);
    db_bind_int(s, 2, (int64_t)strlen(old) + 1);
    db_bind_text(s, 3, lo);
    db_bind_text(s, 4, hi);
    return db_run(s);
}
