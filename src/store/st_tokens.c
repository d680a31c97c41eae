/* API tokens for integrations: bound to one user and one of that user's roles, never to an
 * administrator role (三员分立). Only the sha256 of the secret is stored. */
#include "store.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN_COLS                                                                                \
    "t.id, t.name, t.user_id, u.username, t.role_id, r.name AS role_name, t.prefix, t.created_at,"  \
    " t.expires_at, t.revoked_at, t.last_used_at"
#define TOKEN_FROM " FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = t.role_id"
#define TOKEN_WHERE " WHERE (?1 IS NULL OR " LIKE_CONTAINS("t.name", "?1") " OR " LIKE_CONTAINS("u.username", "?1") ")"

static const struct sort_col sorts[] = {{"id", "t.id"},
                                        {"name", "t.name"},
                                        {"created_at", "t.created_at"},
                                        {"expires_at", "t.expires_at"},
                                        {"last_used_at", "t.last_used_at"},
                                        {NULL, NULL}};

/* expires_at is stored as unix time; shown as ISO (null: never). */
static void token_times(json_t *o)
{
    json_t *v = json_object_get(o, "expires_at");
    if (!json_is_integer(v)) return;
    char iso[32];
    time_iso((time_t)json_integer_value(v), iso);
    json_object_set_new(o, "expires_at", json_string(iso));
}

int st_token_list(struct db *db, const struct paging *pg, json_t **items, int64_t *total)
{
    const char *order;
    int rc = store_order_by(sorts, pg, "t.id", &order);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*)" TOKEN_FROM TOKEN_WHERE);
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, pg->keyword);
    if ((rc = db_int(s, total))) return rc;
    char sql[2048];
    /* Newest first unless asked otherwise. */
    store_sql_order(sql, sizeof sql, "SELECT " TOKEN_COLS TOKEN_FROM TOKEN_WHERE, order, pg->sort ? pg->desc : 1,
                    ", t.id LIMIT ?2 OFFSET ?3");
    if (!(s = db_prepare(db, sql))) return SX_EINTERNAL;
    db_bind_text(s, 1, pg->keyword);
    db_bind_int(s, 2, pg->page_size);
    db_bind_int(s, 3, (pg->page - 1) * pg->page_size);
    if ((rc = db_all_json(s, items))) return rc;
    size_t i;
    json_t *o;
    json_array_foreach(*items, i, o) token_times(o);
    return SX_OK;
}

int st_token_get_json(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " TOKEN_COLS TOKEN_FROM " WHERE t.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    if (!rc) token_times(*out);
    return rc;
}

/* The user must exist and be active, hold the role, and the role must carry no administrator
 * permission. */
static int check_binding(struct db *db, const struct token_in *in, const char **field)
{
    struct db_stmt *s = db_prepare(db, "SELECT status = 'disabled' FROM users WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, in->user_id);
    int64_t disabled;
    int rc = db_int(s, &disabled);
    if (rc == SX_ENOTFOUND) return *field = "user_id", SX_EVALIDATION;
    if (rc) return rc;
    if (disabled) return *field = "user_id", SX_ECONFLICT;
    uint64_t mask;
    rc = st_role_perms(db, in->role_id, &mask);
    if (rc == SX_ENOTFOUND) return *field = "role_id", SX_EVALIDATION;
    if (rc) return rc;
    s = db_prepare(db, "SELECT COUNT(*) FROM user_roles WHERE user_id = ? AND role_id = ?");
    db_bind_int(s, 1, in->user_id);
    db_bind_int(s, 2, in->role_id);
    int64_t held = 0;
    if ((rc = db_int(s, &held))) return rc;
    if (!held) return *field = "role_id", SX_EVALIDATION;
    if (perm_classes(mask)) return *field = "role_id", SX_ESOD;
    return SX_OK;
}

static int audit_token(struct db *db, const struct audit_ctx *a, const char *action, int64_t id, json_t *d)
{
    char *txt = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    int rc = st_audit_append(db, a, action, "token", oid, 1, txt ? txt : "");
    free(txt);
    return rc;
}

int st_token_create(struct db *db, const struct audit_ctx *a, const struct token_in *in, int64_t *id,
                    const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = check_binding(db, in, field))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO api_tokens (name, user_id, role_id, token_hash, prefix,"
                                       " created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    db_bind_text(s, 1, in->name);
    db_bind_int(s, 2, in->user_id);
    db_bind_int(s, 3, in->role_id);
    db_bind_text(s, 4, in->hash);
    db_bind_text(s, 5, in->prefix);
    if (a->user_id > 0) db_bind_int(s, 6, a->user_id);
    else db_bind_null(s, 6);
    db_bind_text(s, 7, now);
    if (in->expires_days > 0) db_bind_int(s, 8, (int64_t)time(NULL) + in->expires_days * 86400);
    else db_bind_null(s, 8);
    if ((rc = db_run(s))) goto fail;
    *id = db_last_id(db);
    json_t *d = json_pack("{s:s,s:I,s:I,s:s,s:I}", "name", in->name, "user_id", (json_int_t)in->user_id, "role_id",
                          (json_int_t)in->role_id, "prefix", in->prefix, "expires_days",
                          (json_int_t)in->expires_days);
    if ((rc = audit_token(db, a, "token.create", *id, d))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_token_revoke(struct db *db, const struct audit_ctx *a, int64_t id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT revoked_at IS NOT NULL, name FROM api_tokens WHERE id = ?");
    db_bind_int(s, 1, id);
    int64_t revoked = 0;
    char name[200] = "";
    if ((rc = db_step(s)) == DB_ROW) {
        revoked = db_col_int(s, 0);
        snprintf(name, sizeof name, "%s", db_col_text(s, 1));
    }
    db_reset(s);
    rc = rc == DB_ROW ? (revoked ? SX_ECONFLICT : SX_OK) : rc == DB_DONE ? SX_ENOTFOUND : rc;
    if (rc) goto fail;
    char now[32];
    time_iso_now(now);
    s = db_prepare(db, "UPDATE api_tokens SET revoked_at = ?, version = version + 1 WHERE id = ?");
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, id);
    if ((rc = db_run(s)) || (rc = audit_token(db, a, "token.revoke", id, json_pack("{s:s}", "name", name))))
        goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
