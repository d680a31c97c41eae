/* User accounts: list/detail under the data scope, create/update, status changes, password
 * resets and role assignment (三员分立 checked over the union of the roles). */
#include "store.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The latest end of the account's login locks (from any address; domain/lockout.h). */
#define USER_LOCK "(SELECT IFNULL(MAX(lf.locked_until), 0) FROM login_failures lf WHERE lf.subject = 'u:' || u.id)"
#define USER_COLS                                                                                 \
    "u.id, u.username, u.display_name, u.unit_id, un.name AS unit_name, u.cadre_id, u.status,"     \
    " (SELECT json_group_array(json_object('id', r.id, 'code', r.code, 'name', r.name))"            \
    "  FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id) AS roles__j,"  \
    " u.must_change_password AS must_change_password__b," USER_LOCK " > ?11 AS locked__b,"              \
    " " USER_LOCK " AS locked_until, u.last_login_at, u.version, u.created_at"
#define USER_FROM " FROM users u JOIN units un ON un.id = u.unit_id"
/* People only: an API token's integration account is managed through its token. */
#define USER_WHERE                                                                                \
    " WHERE " SCOPE_PRED("u.unit_id", "u.id") " AND u.kind = 'person' AND (?12 = 0 OR u.unit_id = ?12)" \
    " AND (?13 IS NULL OR u.status = ?13)"                                                        \
    " AND (?14 = 0 OR EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.role_id = ?14))" \
    " AND (?15 IS NULL OR " LIKE_CONTAINS("u.username", "?15") " OR " LIKE_CONTAINS("u.display_name", "?15") ")"

static const struct sort_col sorts[] = {
    {"id", "u.id"},           {"username", "u.username"},   {"display_name", "u.display_name"},
    {"unit_id", "u.unit_id"}, {"status", "u.status"},       {"last_login_at", "u.last_login_at"},
    {"created_at", "u.created_at"}, {NULL, NULL}};

static const char *oid_text(char *buf, size_t n, int64_t id)
{
    snprintf(buf, n, "%lld", (long long)id);
    return buf;
}

/* Audit details from a JSON object (consumed, NULL: none) plus the account's username. */
static int audit_json(struct db *db, const struct audit_ctx *a, const char *action, int64_t id, json_t *d)
{
    if (!d) d = json_object();
    if (!json_object_get(d, "username")) {
        struct db_stmt *s = db_prepare(db, "SELECT username FROM users WHERE id = ?");
        db_bind_int(s, 1, id);
        if (db_step(s) == DB_ROW) json_object_set_new(d, "username", json_string(db_col_text(s, 0)));
        db_reset(s);
    }
    char *txt = json_dumps(d, JSON_COMPACT);
    char oid[24];
    int rc = st_audit_append(db, a, action, "user", oid_text(oid, sizeof oid, id), 1, txt ? txt : "");
    free(txt);
    json_decref(d);
    return rc;
}

/* locked_until is stored as unix time: shown as ISO while the lock lasts, else null. */
static void user_times(json_t *o, int64_t now)
{
    json_t *v = json_object_get(o, "locked_until");
    int64_t t = json_is_integer(v) ? json_integer_value(v) : 0;
    if (t > now) {
        char iso[32];
        time_iso((time_t)t, iso);
        json_object_set_new(o, "locked_until", json_string(iso));
    } else {
        json_object_set_new(o, "locked_until", json_null());
    }
}

static void bind_filter(struct db_stmt *s, const struct user_filter *f,
                        const struct paging *pg, int64_t now)
{
    db_bind_int(s, 11, now);
    db_bind_int(s, 12, f->unit_id);
    db_bind_text(s, 13, f->status);
    db_bind_int(s, 14, f->role_id);
    db_bind_text(s, 15, pg->keyword);
}

int st_user_list(struct db *db, const struct scope *sc, const struct user_filter *f, const struct paging *pg,
                 json_t **items, int64_t *total)
{
    const char *order;
    int rc = store_order_by(sorts, pg, "u.id", &order);
    if (rc) return rc;
    int64_t now = (int64_t)time(NULL);
    /* ?11 (now) is only used by the columns; binding it unused is harmless. */
    struct db_stmt *s = store_prepare_scoped(db, "SELECT COUNT(*)" USER_FROM USER_WHERE, sc);
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, pg, now);
    if ((rc = db_int(s, total))) return rc;
    char sql[4096];
    store_sql_order(sql, sizeof sql, "SELECT " USER_COLS USER_FROM USER_WHERE, order, pg->desc,
                    ", u.id LIMIT ?16 OFFSET ?17");
    if (!(s = store_prepare_scoped(db, sql, sc))) return SX_EINTERNAL;
    bind_filter(s, f, pg, now);
    db_bind_int(s, 16, pg->page_size);
    db_bind_int(s, 17, (pg->page - 1) * pg->page_size);
    if ((rc = db_all_json(s, items))) return rc;
    size_t i;
    json_t *o;
    json_array_foreach(*items, i, o) user_times(o, now);
    return SX_OK;
}

int st_user_get(struct db *db, const struct scope *sc, int64_t id, json_t **out)
{
    struct db_stmt *s = store_prepare_scoped(db, "SELECT " USER_COLS USER_FROM " WHERE " SCOPE_PRED("u.unit_id", "u.id")
                                       " AND u.kind = 'person' AND u.id = ?12", sc);
    if (!s) return SX_EINTERNAL;
    int64_t now = (int64_t)time(NULL);
    db_bind_int(s, 11, now);
    db_bind_int(s, 12, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    if (!rc) user_times(*out, now);
    return rc;
}

static int exists(struct db *db, const char *sql, int64_t id)
{
    struct db_stmt *s = db_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int64_t n = 0;
    int rc = db_int(s, &n);
    return rc ? rc : (n ? SX_OK : SX_ENOTFOUND);
}

/* The unit must exist; a cadre, when given, too. */
static int check_refs(struct db *db, const struct user_in *in, const char **field)
{
    int rc;
    if (in->has_unit && (rc = exists(db, "SELECT COUNT(*) FROM units WHERE id = ?", in->unit_id))) {
        if (rc == SX_ENOTFOUND) *field = "unit_id", rc = SX_EVALIDATION;
        return rc;
    }
    if (in->has_cadre && in->cadre_id > 0 &&
        (rc = exists(db, "SELECT COUNT(*) FROM cadres WHERE id = ?", in->cadre_id))) {
        if (rc == SX_ENOTFOUND) *field = "cadre_id", rc = SX_EVALIDATION;
        return rc;
    }
    return SX_OK;
}

static void bind_opt_id(struct db_stmt *s, int idx, int64_t v)
{
    if (v > 0) db_bind_int(s, idx, v);
    else db_bind_null(s, idx);
}

int st_user_create(struct db *db, const struct audit_ctx *a, const struct user_in *in, int64_t *id,
                   const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = check_refs(db, in, field))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO users (username, display_name, unit_id, cadre_id, password_hash,"
                                       " password_changed_at, must_change_password, created_by, created_at, updated_at)"
                                       " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)");
    db_bind_text(s, 1, in->username);
    db_bind_text(s, 2, in->display_name);
    db_bind_int(s, 3, in->unit_id);
    bind_opt_id(s, 4, in->cadre_id);
    db_bind_text(s, 5, in->password_hash);
    db_bind_int(s, 6, (int64_t)time(NULL));
    bind_opt_id(s, 7, a->user_id);
    db_bind_text(s, 8, now);
    db_bind_text(s, 9, now);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "username";
        goto fail;
    }
    *id = db_last_id(db);
    json_t *d = json_pack("{s:s,s:s,s:I,s:o}", "username", in->username, "display_name", in->display_name,
                          "unit_id", (json_int_t)in->unit_id, "cadre_id",
                          in->cadre_id > 0 ? json_integer(in->cadre_id) : json_null());
    if ((rc = audit_json(db, a, "user.create", *id, d))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

static int check_version(struct db *db, int64_t id, int64_t version)
{
    struct db_stmt *s = db_prepare(db, "SELECT version FROM users WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int64_t cur;
    int rc = db_int(s, &cur);
    if (rc) return rc;
    return cur == version ? SX_OK : SX_EVERSION;
}

int st_user_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                   const struct user_in *in, const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = check_version(db, id, version)) || (rc = check_refs(db, in, field))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE users SET display_name = CASE WHEN ?1 THEN ?2 ELSE display_name END,"
                                       " unit_id = CASE WHEN ?3 THEN ?4 ELSE unit_id END,"
                                       " cadre_id = CASE WHEN ?5 THEN ?6 ELSE cadre_id END,"
                                       " version = version + 1, updated_at = ?7 WHERE id = ?8");
    db_bind_int(s, 1, in->has_display_name);
    db_bind_text(s, 2, in->display_name);
    db_bind_int(s, 3, in->has_unit);
    db_bind_int(s, 4, in->unit_id);
    db_bind_int(s, 5, in->has_cadre);
    bind_opt_id(s, 6, in->cadre_id);
    db_bind_text(s, 7, now);
    db_bind_int(s, 8, id);
    if ((rc = db_run(s))) goto fail;
    json_t *d = json_object();
    if (in->has_display_name) json_object_set_new(d, "display_name", json_string(in->display_name));
    if (in->has_unit) json_object_set_new(d, "unit_id", json_integer(in->unit_id));
    if (in->has_cadre) json_object_set_new(d, "cadre_id", in->cadre_id > 0 ? json_integer(in->cadre_id) : json_null());
    if ((rc = audit_json(db, a, "user.update", id, d))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

/* Ends the account's login locks and failure counts at every address. */
static int clear_locks(struct db *db, int64_t id)
{
    struct db_stmt *s = db_prepare(db, "DELETE FROM login_failures WHERE subject = 'u:' || ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    return db_run(s);
}

static const char *const op_sql[] = {
    [USER_DISABLE] = "UPDATE users SET status = 'disabled', version = version + 1, updated_at = ? WHERE id = ?",
    [USER_ENABLE] = "UPDATE users SET status = 'active', version = version + 1, updated_at = ? WHERE id = ?",
    [USER_UNLOCK] = "UPDATE users SET version = version + 1, updated_at = ? WHERE id = ?",
};
static const char *const op_action[] = {
    [USER_DISABLE] = "user.disable", [USER_ENABLE] = "user.enable", [USER_UNLOCK] = "user.unlock"};

int st_user_op(struct db *db, const struct audit_ctx *a, int64_t id, enum user_op op)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, op_sql[op]);
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, id);
    if ((rc = db_run(s))) goto fail;
    if (db_changes(db) == 0) {
        rc = SX_ENOTFOUND;
        goto fail;
    }
    /* A disabled account loses its sessions at once. */
    if (op == USER_DISABLE && (rc = st_sessions_delete_user(db, id))) goto fail;
    if (op == USER_UNLOCK && (rc = clear_locks(db, id))) goto fail;
    if ((rc = audit_json(db, a, op_action[op], id, NULL))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_user_reset_password(struct db *db, const struct audit_ctx *a, int64_t id, const char *hash)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE users SET password_hash = ?, password_changed_at = ?,"
                                       " must_change_password = 1, version = version + 1, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, hash);
    db_bind_int(s, 2, (int64_t)time(NULL));
    db_bind_text(s, 3, now);
    db_bind_int(s, 4, id);
    if ((rc = db_run(s))) goto fail;
    if (db_changes(db) == 0) {
        rc = SX_ENOTFOUND;
        goto fail;
    }
    if ((rc = st_sessions_delete_user(db, id)) || (rc = clear_locks(db, id))) goto fail;
    if ((rc = audit_json(db, a, "user.reset_password", id, json_pack("{s:b}", "must_change_password", 1))))
        goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

/* Union of the roles' permissions; codes of the roles into codes (JSON array). */
static int roles_mask(struct db *db, const int64_t *ids, size_t n, uint64_t *mask, json_t *codes,
                      const char **field)
{
    *mask = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t m;
        int rc = st_role_perms(db, ids[i], &m);
        if (rc == SX_ENOTFOUND) *field = "role_ids", rc = SX_EVALIDATION;
        if (rc) return rc;
        *mask |= m;
        struct db_stmt *s = db_prepare(db, "SELECT code FROM roles WHERE id = ?");
        db_bind_int(s, 1, ids[i]);
        if (db_step(s) == DB_ROW) json_array_append_new(codes, json_string(db_col_text(s, 0)));
        db_reset(s);
    }
    return SX_OK;
}

static int replace_roles(struct db *db, int64_t id, const int64_t *ids, size_t n)
{
    struct db_stmt *s = db_prepare(db, "DELETE FROM user_roles WHERE user_id = ?");
    db_bind_int(s, 1, id);
    int rc = db_run(s);
    for (size_t i = 0; !rc && i < n; i++) {
        s = db_prepare(db, "INSERT INTO user_roles (user_id, role_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, ids[i]);
        rc = db_run(s);
    }
    if (rc) return rc;
    char now[32];
    time_iso_now(now);
    s = db_prepare(db, "UPDATE users SET version = version + 1, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, id);
    return db_run(s);
}

int st_user_set_roles(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                      const int64_t *role_ids, size_t n, const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    json_t *codes = json_array();
    uint64_t mask;
    if ((rc = check_version(db, id, version)) || (rc = roles_mask(db, role_ids, n, &mask, codes, field)))
        goto fail;
    if (perm_violates_sod(mask)) {
        rc = SX_ESOD;
        goto fail;
    }
    if ((rc = replace_roles(db, id, role_ids, n))) goto fail;
    json_t *d = json_pack("{s:O}", "roles", codes);
    if ((rc = audit_json(db, a, "user.grant", id, d))) goto fail;
    json_decref(codes);
    return db_commit(db);
fail:
    json_decref(codes);
    db_rollback(db);
    return rc;
}
