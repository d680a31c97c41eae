/* Logins, sessions, API tokens and the permissions/scope of a principal. */
#include "store.h"
#include "../domain/lockout.h"
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
    struct db_stmt *s = db_prepare(db, "SELECT id, unit_id, password_changed_at, must_change_password,"
                                       " status = 'disabled', username, password_hash"
                                       " FROM users WHERE username = ? AND kind = 'person'");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, username);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        o->id = db_col_int(s, 0);
        o->unit_id = db_col_int(s, 1);
        o->password_changed_at = db_col_int(s, 2);
        o->must_change = (int)db_col_int(s, 3);
        o->disabled = (int)db_col_int(s, 4);
        copy(o->username, sizeof o->username, db_col_text(s, 5));
        copy(o->hash, sizeof o->hash, db_col_text(s, 6));
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

/* The login_failures subject of who: "u:<id>" for an account, "n:<hash>" for a name. */
static const char *subject_key(const struct login_subject *who, char *buf, size_t n)
{
    if (who->user_id > 0) snprintf(buf, n, "u:%lld", (long long)who->user_id);
    else snprintf(buf, n, "n:%s", who->name_hash ? who->name_hash : "");
    return buf;
}

#define ADDRESS_SUBJECT "*"

/* The counter of (subject, address); zero when there is none. */
static int counter_get(struct db *db, const char *subject, const char *address, struct lockout_counter *c)
{
    memset(c, 0, sizeof *c);
    struct db_stmt *s = db_prepare(db, "SELECT count, window_start, locked_until FROM login_failures"
                                       " WHERE subject = ? AND address = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, subject);
    db_bind_text(s, 2, address);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        c->count = db_col_int(s, 0);
        c->window_start = db_col_int(s, 1);
        c->locked_until = db_col_int(s, 2);
    }
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

static int counter_put(struct db *db, const char *subject, const char *address, const struct lockout_counter *c)
{
    struct db_stmt *s = db_prepare(db, "INSERT INTO login_failures (subject, address, count, window_start, locked_until)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (subject, address) DO UPDATE SET"
                                       " count = ?3, window_start = ?4, locked_until = ?5");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, subject);
    db_bind_text(s, 2, address);
    db_bind_int(s, 3, c->count);
    db_bind_int(s, 4, c->window_start);
    db_bind_int(s, 5, c->locked_until);
    return db_run(s);
}

int st_login_locks(struct db *db, const struct login_subject *who, int64_t now, struct login_locks *out)
{
    char key[160];
    struct lockout_counter c, ac;
    int rc = counter_get(db, subject_key(who, key, sizeof key), who->address, &c);
    if (!rc) rc = counter_get(db, ADDRESS_SUBJECT, who->address, &ac);
    if (rc) return rc;
    out->subject_left = lockout_remaining(&c, now);
    out->address_left = lockout_remaining(&ac, now);
    return SX_OK;
}

int st_login_failed(struct db *db, const struct audit_ctx *a, const struct login_subject *who,
                    const struct login_limits *lim, int64_t now, const char *details, struct login_locks *out)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char key[160];
    subject_key(who, key, sizeof key);
    struct lockout_counter c, ac;
    if ((rc = counter_get(db, key, who->address, &c)) || (rc = counter_get(db, ADDRESS_SUBJECT, who->address, &ac)))
        goto fail;
    int locked = lockout_record_failure(&c, now, lim->threshold, lim->window, lim->lock_seconds);
    int throttled = lockout_record_failure(&ac, now, lim->address_threshold, lim->window, lim->lock_seconds);
    if ((rc = counter_put(db, key, who->address, &c)) || (rc = counter_put(db, ADDRESS_SUBJECT, who->address, &ac)))
        goto fail;
    /* Counters are only worth keeping while their window or lock lasts (a window is at most a
     * day); anyone's stale ones go here rather than by a timer. */
    struct db_stmt *s = db_prepare(db, "DELETE FROM login_failures WHERE window_start < ? AND locked_until <= ?");
    db_bind_int(s, 1, now - 86400);
    db_bind_int(s, 2, now);
    if ((rc = db_run(s))) goto fail;
    const char *why = locked && throttled ? "密码错误次数过多，该账号在此地址被锁定；此地址登录失败过多，已限制登录"
                      : locked            ? "密码错误次数过多，该账号在此地址被锁定"
                      : throttled         ? "此地址登录失败过多，已限制其登录任何账号"
                                          : details;
    char oid[24] = "";
    if (who->user_id) snprintf(oid, sizeof oid, "%lld", (long long)who->user_id);
    if ((rc = st_audit_append(db, a, "auth.login_failed", "user", oid, 0, why))) goto fail;
    if ((rc = db_commit(db))) return rc;
    out->subject_left = lockout_remaining(&c, now);
    out->address_left = lockout_remaining(&ac, now);
    return SX_OK;
fail:
    db_rollback(db);
    return rc;
}

int st_login_ok(struct db *db, const struct audit_ctx *a, const struct login_subject *who,
                const char *session_hash, const char *csrf, const char *ip)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char now[32], key[160];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE users SET last_login_at = ? WHERE id = ?");
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, who->user_id);
    if ((rc = db_run(s))) goto fail;
    /* A success clears this account's count at this address only: a lock another address
     * earned stays, and so does the address's own count (one valid account must not wipe the
     * record of its guesses at others). */
    s = db_prepare(db, "DELETE FROM login_failures WHERE subject = ? AND address = ?");
    db_bind_text(s, 1, subject_key(who, key, sizeof key));
    db_bind_text(s, 2, who->address);
    if ((rc = db_run(s))) goto fail;
    s = db_prepare(db, "INSERT INTO sessions (id_hash, user_id, csrf, ip, created_at, last_seen)"
                       " VALUES (?, ?, ?, ?, ?, ?)");
    int64_t t = (int64_t)time(NULL);
    db_bind_text(s, 1, session_hash);
    db_bind_int(s, 2, who->user_id);
    db_bind_text(s, 3, csrf);
    db_bind_text(s, 4, ip);
    db_bind_int(s, 5, t);
    db_bind_int(s, 6, t);
    if ((rc = db_run(s))) goto fail;
    /* Expired sessions of anyone are swept here rather than by a timer: idle for a week, or
     * older than the longest absolute lifetime the policy allows (720 hours). */
    s = db_prepare(db, "DELETE FROM sessions WHERE last_seen < ? OR created_at < ?");
    db_bind_int(s, 1, t - 7 * 86400);
    db_bind_int(s, 2, t - 720 * 3600);
    if ((rc = db_run(s))) goto fail;
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)who->user_id);
    if ((rc = st_audit_append(db, a, "auth.login", "user", oid, 1, ""))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_session_get(struct db *db, const char *hash, struct session_row *o)
{
    struct db_stmt *s = db_prepare(db, "SELECT s.user_id, u.unit_id, s.last_seen, u.password_changed_at,"
                                       " u.must_change_password, u.status = 'disabled', u.username, s.csrf, un.path,"
                                       " s.created_at"
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
        o->created_at = db_col_int(s, 9);
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
                                       " COALESCE(t.last_used_at, '') >= ?, u.kind = 'integration'"
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
        o->integration = (int)db_col_int(s, 10);
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

int st_role_brief_json(struct db *db, int64_t role_id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT id, code, name FROM roles WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, role_id);
    return db_all_json(s, out);
}

int st_user_brief(struct db *db, int64_t user_id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT u.id, u.username, u.display_name, u.unit_id, un.name AS unit_name,"
                                       " un.region_id, u.cadre_id, u.kind, u.must_change_password AS must_change_password__b,"
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
                                       " must_change_password = ?,"
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
    /* A new password also ends the account's login locks, as an administrator's unlock does. */
    s = db_prepare(db, "DELETE FROM login_failures WHERE subject = 'u:' || ?");
    db_bind_int(s, 1, user_id);
    if ((rc = db_run(s))) goto fail;
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
