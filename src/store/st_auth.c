/* Logins, sessions, API tokens and the permissions/scope of a principal. */
#include "store.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/str.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

#define copy str_copy

int st_login_lookup(struct db *db, const char *username, struct login_row *o)
{
    struct db_stmt *s = db_prepare(db, "SELECT id, unit_id, failed_count, locked_until, password_changed_at,"
                                       " must_change_password, status = 'disabled', username, password_hash"
                                       " FROM users WHERE username = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, username);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        o->id = db_col_int(s, 0);
        o->unit_id = db_col_int(s, 1);
        o->failed_count = db_col_int(s, 2);
        o->locked_until = db_col_int(s, 3);
        o->password_changed_at = db_col_int(s, 4);
        o->must_change = (int)db_col_int(s, 5);
        o->disabled = (int)db_col_int(s, 6);
        copy(o->username, sizeof o->username, db_col_text(s, 7));
        copy(o->hash, sizeof o->hash, db_col_text(s, 8));
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_login_failed(struct db *db, const struct audit_ctx *a, int64_t user_id, int64_t threshold,
                    int64_t lock_seconds, int *locked, const char *details)
{
    *locked = 0;
    int rc = db_begin_write(db);
    if (rc) return rc;
    if (user_id) {
        struct db_stmt *s = db_prepare(db, "UPDATE users SET failed_count = failed_count + 1 WHERE id = ?"
                                           " RETURNING failed_count");
        int64_t n = 0;
        db_bind_int(s, 1, user_id);
        if ((rc = db_int(s, &n))) goto fail;
        if (threshold > 0 && n >= threshold) {
            s = db_prepare(db, "UPDATE users SET failed_count = 0, locked_until = ? WHERE id = ?");
            db_bind_int(s, 1, (int64_t)time(NULL) + lock_seconds);
            db_bind_int(s, 2, user_id);
            if ((rc = db_run(s))) goto fail;
            *locked = 1;
        }
    }
    char oid[24] = "";
    if (user_id) snprintf(oid, sizeof oid, "%lld", (long long)user_id);
    if ((rc = st_audit_append(db, a, "auth.login_failed", "user", oid, 0,
                              *locked ? "密码错误次数过多，账号已锁定" : details)))
        goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_login_ok(struct db *db, const struct audit_ctx *a, int64_t user_id, const char *session_hash,
                const char *csrf, const char *ip)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE users SET failed_count = 0, locked_until = 0, last_login_at = ?"
                                       " WHERE id = ?");
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, user_id);
    if ((rc = db_run(s))) goto fail;
    s = db_prepare(db, "INSERT INTO sessions (id_hash, user_id, csrf, ip, created_at, last_seen)"
                       " VALUES (?, ?, ?, ?, ?, ?)");
    int64_t t = (int64_t)time(NULL);
    db_bind_text(s, 1, session_hash);
    db_bind_int(s, 2, user_id);
    db_bind_text(s, 3, csrf);
    db_bind_text(s, 4, ip);
    db_bind_int(s, 5, t);
    db_bind_int(s, 6, t);
    if ((rc = db_run(s))) goto fail;
    /* Expired sessions of anyone are swept here rather than by a timer. */
    s = db_prepare(db, "DELETE FROM sessions WHERE last_seen < ?");
    db_bind_int(s, 1, t - 7 * 86400);
    if ((rc = db_run(s))) goto fail;
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)user_id);
    if ((rc = st_audit_append(db, a, "auth.login", "user", oid, 1, ""))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_session_get(struct db *db, const char *hash, struct session_row *o)
{
    struct db_stmt *s = db_prepare(db, "SELECT s.user_id, u.unit_id, s.last_seen, u.password_changed_at,"
                                       " u.must_change_password, u.status = 'disabled', u.username, s.csrf, un.path"
                                       " FROM sessions s JOIN users u ON u.id = s.user_id"
                                       " JOIN units un ON un.id = u.unit_id WHERE s.id_hash = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, hash);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        o->user_id = db_col_int(s, 0);
        o->unit_id = db_col_int(s, 1);
        o->last_seen = db_col_int(s, 2);
        o->password_changed_at = db_col_int(s, 3);
        o->must_change = (int)db_col_int(s, 4);
        o->disabled = (int)db_col_int(s, 5);
        copy(o->username, sizeof o->username, db_col_text(s, 6));
        copy(o->csrf, sizeof o->csrf, db_col_text(s, 7));
        copy(o->unit_path, sizeof o->unit_path, db_col_text(s, 8));
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

static int run_write(struct db *db, struct db_stmt *s)
{
    int rc = db_run(s);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}

int st_session_touch(struct db *db, const char *hash, int64_t now)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "UPDATE sessions SET last_seen = ? WHERE id_hash = ?");
    db_bind_int(s, 1, now);
    db_bind_text(s, 2, hash);
    return run_write(db, s);
}

int st_session_delete(struct db *db, const char *hash)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE id_hash = ?");
    db_bind_text(s, 1, hash);
    return run_write(db, s);
}

int st_sessions_delete_user(struct db *db, int64_t user_id)
{
    struct db_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE user_id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, user_id);
    return db_run(s);
}

int st_token_get(struct db *db, const char *hash, struct token_row *o)
{
    struct db_stmt *s = db_prepare(db, "SELECT t.id, t.user_id, t.role_id, u.unit_id, COALESCE(t.expires_at, 0),"
                                       " t.revoked_at IS NOT NULL, u.status = 'disabled', u.username, un.path,"
                                       " COALESCE(t.last_used_at, '') >= ?"
                                       " FROM api_tokens t JOIN users u ON u.id = t.user_id"
                                       " JOIN units un ON un.id = u.unit_id WHERE t.token_hash = ?");
    if (!s) return SX_EINTERNAL;
    char minute_ago[32];
    time_iso(time(NULL) - 60, minute_ago);
    db_bind_text(s, 1, minute_ago);
    db_bind_text(s, 2, hash);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        o->id = db_col_int(s, 0);
        o->user_id = db_col_int(s, 1);
        o->role_id = db_col_int(s, 2);
        o->unit_id = db_col_int(s, 3);
        o->expires_at = db_col_int(s, 4);
        o->revoked = (int)db_col_int(s, 5);
        o->disabled = (int)db_col_int(s, 6);
        copy(o->username, sizeof o->username, db_col_text(s, 7));
        copy(o->unit_path, sizeof o->unit_path, db_col_text(s, 8));
        o->used_recently = (int)db_col_int(s, 9);
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_token_touch(struct db *db, int64_t token_id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, token_id);
    return run_write(db, s);
}

int st_principal_load(struct db *db, int64_t user_id, int64_t role_id, int64_t unit_id,
                      const char *unit_path, uint64_t *perms, struct scope *sc)
{
    memset(sc, 0, sizeof *sc);
    *perms = 0;
    sc->user_id = user_id;
    sc->unit_id = unit_id;
    sc->token_role_id = role_id;
    store_path_range(unit_path ? unit_path : "", sc->below_lo, sc->below_hi, sizeof sc->below_lo);
    struct db_stmt *s;
    if (role_id > 0) {
        s = db_prepare(db, "SELECT r.data_scope, rp.perm FROM roles r LEFT JOIN role_perms rp ON rp.role_id = r.id"
                           " WHERE r.id = ?");
        db_bind_int(s, 1, role_id);
    } else {
        s = db_prepare(db, "SELECT r.data_scope, rp.perm FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
                           " LEFT JOIN role_perms rp ON rp.role_id = r.id WHERE ur.user_id = ?");
        db_bind_int(s, 1, user_id);
    }
    if (!s) return SX_EINTERNAL;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        switch (db_col_int(s, 0)) {
        case DS_ALL: sc->all = 1; break;
        case DS_CUSTOM: sc->custom = 1; break;
        case DS_OWN_UNIT: sc->own = 1; break;
        case DS_UNIT_AND_BELOW: sc->below = 1; break;
        default: sc->self = 1; break;
        }
        int p = db_col_is_null(s, 1) ? -1 : perm_from_code(db_col_text(s, 1));
        if (p >= 0) *perms |= perm_bit(p);
    }
    db_reset(s);
    if (rc != DB_DONE) return rc;
    /* Without any role a user still sees their own rows only. */
    if (!sc->all && !sc->custom && !sc->own && !sc->below) sc->self = 1;
    return SX_OK;
}

int st_user_roles_json(struct db *db, int64_t user_id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT r.id, r.code, r.name FROM user_roles ur JOIN roles r"
                                       " ON r.id = ur.role_id WHERE ur.user_id = ? ORDER BY r.id");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, user_id);
    return db_all_json(s, out);
}

int st_user_brief(struct db *db, int64_t user_id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT u.id, u.username, u.display_name, u.unit_id, un.name AS unit_name,"
                                       " un.region_id, u.cadre_id, u.must_change_password AS must_change_password__b,"
                                       " u.last_login_at FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, user_id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    return rc;
}

int st_password_set(struct db *db, const struct audit_ctx *a, int64_t user_id, const char *hash,
                    int must_change, const char *action, const char *keep_session)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "UPDATE users SET password_hash = ?, password_changed_at = ?,"
                                       " must_change_password = ?, failed_count = 0, locked_until = 0,"
                                       " version = version + 1, updated_at = ? WHERE id = ?");
    char now[32];
    time_iso_now(now);
    db_bind_text(s, 1, hash);
    db_bind_int(s, 2, (int64_t)time(NULL));
    db_bind_int(s, 3, must_change);
    db_bind_text(s, 4, now);
    db_bind_int(s, 5, user_id);
    if ((rc = db_run(s))) goto fail;
    if (db_changes(db) == 0) {
        rc = SX_ENOTFOUND;
        goto fail;
    }
    /* A new password ends every other session of the account. */
    s = db_prepare(db, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?");
    db_bind_int(s, 1, user_id);
    db_bind_text(s, 2, keep_session ? keep_session : "");
    if ((rc = db_run(s))) goto fail;
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)user_id);
    if ((rc = st_audit_append(db, a, action, "user", oid, 1, ""))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
