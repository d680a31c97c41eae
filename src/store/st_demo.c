/* Bulk loading (demo data and CSV import) and the command-line account tools. */
#include "store.h"
#include <sodium.h>
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int st_load_is_empty(struct db *db, int *empty)
{
    struct db_stmt *s = db_prepare(db, "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM units)"
                                       " + (SELECT COUNT(*) FROM regions)");
    if (!s) return SX_EINTERNAL;
    int64_t n;
    int rc = db_int(s, &n);
    if (rc) return rc;
    *empty = n == 0;
    return SX_OK;
}

int st_load_region_by_code(struct db *db, const char *code, int64_t *id, int64_t *level)
{
    struct db_stmt *s = db_prepare(db, "SELECT id, level FROM regions WHERE code = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_int(s, 0);
        if (level) *level = db_col_int(s, 1);
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_load_unit_by_code(struct db *db, const char *code, int64_t *id)
{
    struct db_stmt *s = db_prepare(db, "SELECT id FROM units WHERE code = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code);
    return db_int(s, id);
}

int st_load_dict_label(struct db *db, const char *type, const char *label)
{
    struct db_stmt *s = db_prepare(db, "SELECT id FROM dict_items WHERE type = ? AND label = ? AND enabled = 1");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, type);
    db_bind_text(s, 2, label);
    int64_t id;
    return db_int(s, &id);
}

int st_load_region(struct db *db, const char *code, const char *name, int64_t level, int64_t parent_id,
                   int64_t *id)
{
    int rc;
    if (parent_id > 0) {
        struct db_stmt *s = db_prepare(db, "SELECT level FROM regions WHERE id = ?");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, parent_id);
        int64_t pl;
        if ((rc = db_int(s, &pl))) return rc;
        if (pl != level - 1) return SX_EVALIDATION;
    } else if (level != 1) {
        return SX_EVALIDATION;
    }
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO regions (code, name, level, parent_id, path, created_at, updated_at)"
                                       " VALUES (?, ?, ?, ?, '', ?, ?)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, name);
    db_bind_int(s, 3, level);
    if (parent_id > 0) db_bind_int(s, 4, parent_id);
    else db_bind_null(s, 4);
    db_bind_text(s, 5, now);
    db_bind_text(s, 6, now);
    if ((rc = db_run(s))) return rc;
    *id = db_last_id(db);
    return st_tree_set_path(db, TREE_REGIONS, *id, parent_id);
}

int st_load_unit(struct db *db, const char *code, const char *name, const char *kind, int64_t parent_id,
                 int64_t region_id, int64_t *id)
{
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO units (code, name, kind, parent_id, region_id, path, created_at,"
                                       " updated_at) VALUES (?, ?, ?, ?, ?, '', ?, ?)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code && *code ? code : NULL);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, kind);
    if (parent_id > 0) db_bind_int(s, 4, parent_id);
    else db_bind_null(s, 4);
    db_bind_int(s, 5, region_id);
    db_bind_text(s, 6, now);
    db_bind_text(s, 7, now);
    int rc = db_run(s);
    if (rc) return rc;
    *id = db_last_id(db);
    return st_tree_set_path(db, TREE_UNITS, *id, parent_id);
}

int st_load_unit_org_type(struct db *db, int64_t id, const char *org_type)
{
    struct db_stmt *s = db_prepare(db, "UPDATE units SET org_type = ? WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, org_type);
    db_bind_int(s, 2, id);
    return db_run(s);
}

int st_load_cadre(struct db *db, const char *name, int64_t unit_id, const char *title, int is_leader,
                  const char *const *tags, size_t ntags, int64_t *id)
{
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO cadres (name, unit_id, title, is_leader, created_at, updated_at)"
                                       " VALUES (?, ?, ?, ?, ?, ?)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, name);
    db_bind_int(s, 2, unit_id);
    db_bind_text(s, 3, title ? title : "");
    db_bind_int(s, 4, is_leader ? 1 : 0);
    db_bind_text(s, 5, now);
    db_bind_text(s, 6, now);
    int rc = db_run(s);
    if (rc) return rc;
    *id = db_last_id(db);
    for (size_t i = 0; i < ntags; i++) {
        s = db_prepare(db, "INSERT INTO cadre_tags (cadre_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, *id);
        db_bind_text(s, 2, tags[i]);
        if ((rc = db_run(s))) return rc;
    }
    return SX_OK;
}

/* ---- sixia user ---- */

int st_cli_unit_exists(struct db *db, int64_t unit_id)
{
    struct db_stmt *s = db_prepare(db, "SELECT id FROM units WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, unit_id);
    int64_t id;
    return db_int(s, &id);
}

int st_cli_role_perms(struct db *db, const char *code, uint64_t *perms)
{
    *perms = 0;
    struct db_stmt *s = db_prepare(db, "SELECT id FROM roles WHERE code = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code);
    int64_t id;
    int rc = db_int(s, &id);
    if (rc) return rc;
    s = db_prepare(db, "SELECT perm FROM role_perms WHERE role_id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    while ((rc = db_step(s)) == DB_ROW) {
        int p = perm_from_code(db_col_text(s, 0));
        if (p >= 0) *perms |= perm_bit(p);
    }
    db_reset(s);
    return rc == DB_DONE ? SX_OK : rc;
}

int st_cli_user_add(struct db *db, const struct audit_ctx *a, const char *username, const char *display_name,
                    int64_t unit_id, const char *password_hash, int must_change, const char *const *roles,
                    int64_t *id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = st_user_insert(db, username, display_name, unit_id, password_hash, must_change, roles, id))) goto fail;
    json_t *d = json_pack("{s:s,s:s,s:I,s:[],s:b}", "username", username, "display_name", display_name, "unit_id",
                          (json_int_t)unit_id, "roles", "must_change_password", must_change);
    for (const char *const *r = roles; r && *r; r++) json_array_append_new(json_object_get(d, "roles"), json_string(*r));
    char *txt = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)*id);
    rc = st_audit_append(db, a, "user.create", "user", oid, 1, txt ? txt : "");
    free(txt);
    if (rc) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_cli_user_list(struct db *db, json_t **out)
{
    struct db_stmt *s = db_prepare(
        db, "SELECT u.id, u.username, u.display_name, un.name AS unit_name, u.status,"
            " u.must_change_password AS must_change_password__b, u.locked_until,"
            " (SELECT json_group_array(r.code) FROM (SELECT r.code FROM user_roles ur JOIN roles r"
            "  ON r.id = ur.role_id WHERE ur.user_id = u.id ORDER BY r.id) r) AS roles__j"
            " FROM users u JOIN units un ON un.id = u.unit_id ORDER BY u.id");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, out);
}

int st_demo_reception_day(struct db *db, const char *plan_name, const char *day, int64_t county_id,
                          int64_t unit_id, const char *place, int64_t *day_id)
{
    char now[32], uid[64];
    time_iso_now(now);
    int rc = db_begin_write(db);
    if (rc) return rc;
    int64_t leader = 0, plan = 0;
    struct db_stmt *s = db_prepare(db, "SELECT id FROM cadres WHERE is_leader = 1 ORDER BY id LIMIT 1");
    if (!s || (rc = db_int(s, &leader))) goto fail;
    s = db_prepare(db, "INSERT INTO reception_plans (name, period_start, period_end, status, published_at,"
                       " created_at, updated_at) VALUES (?1, ?2, ?2, 'published', ?3, ?3, ?3)");
    if (!s) goto fail;
    db_bind_text(s, 1, plan_name);
    db_bind_text(s, 2, day);
    db_bind_text(s, 3, now);
    if ((rc = db_run(s))) goto fail;
    plan = db_last_id(db);
    unsigned char rnd[12];
    randombytes_buf(rnd, sizeof rnd);
    char hex[25];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(uid, sizeof uid, "%s@sixia", hex);
    s = db_prepare(db, "INSERT INTO reception_days (plan_id, day, county_id, leader_id, place, published, uid,"
                       " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?7)");
    if (!s) goto fail;
    db_bind_int(s, 1, plan);
    db_bind_text(s, 2, day);
    db_bind_int(s, 3, county_id);
    db_bind_int(s, 4, leader);
    db_bind_text(s, 5, place);
    db_bind_text(s, 6, uid);
    db_bind_text(s, 7, now);
    if ((rc = db_run(s))) goto fail;
    *day_id = db_last_id(db);
    s = db_prepare(db, "INSERT INTO reception_day_units (day_id, unit_id) VALUES (?, ?)");
    if (!s) goto fail;
    db_bind_int(s, 1, *day_id);
    db_bind_int(s, 2, unit_id);
    if ((rc = db_run(s))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc ? rc : SX_EINTERNAL;
}

int st_demo_user_id(struct db *db, const char *username, int64_t *id, int64_t *unit_id)
{
    struct db_stmt *s = db_prepare(db, "SELECT id, unit_id FROM users WHERE username = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, username);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_int(s, 0);
        *unit_id = db_col_int(s, 1);
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}
