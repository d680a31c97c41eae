/* API tokens for integrations. Each acts as its own integration account (users.kind =
 * 'integration', username "token:<name>"), created with it, in one unit and through one role that
 * carries neither administrator permissions (三员分立) nor personal-data ones: a token is never a
 * way to act as a person. Only the BLAKE2b hash of the secret is stored. */
#include "store.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN_COLS                                                                                \
    "t.id, t.name, t.user_id, u.username, u.display_name, u.kind = 'integration' AS integration__b,"   \
    " u.status AS account_status, u.unit_id, un.name AS unit_name, t.role_id, r.name AS role_name,"  \
    " r.data_scope, t.prefix, t.created_at, t.created_by, cb.username AS created_by_username,"       \
    " t.expires_at, t.revoked_at, t.last_used_at"
#define TOKEN_FROM                                                                                \
    " FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN units un ON un.id = u.unit_id"        \
    " JOIN roles r ON r.id = t.role_id LEFT JOIN users cb ON cb.id = t.created_by"
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

/* The unit must exist; the role too, and carry no permission a token may not have. */
static int check_binding(struct db *db, const struct token_in *in, const char **field)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, in->unit_id);
    int64_t n = 0;
    int rc = db_int(s, &n);
    if (rc) return rc;
    if (!n) return *field = "unit_id", SX_ENOTFOUND;
    uint64_t mask;
    rc = st_role_perms(db, in->role_id, &mask);
    if (rc == SX_ENOTFOUND) return *field = "role_id", SX_ENOTFOUND;
    if (rc) return rc;
    switch (perm_token_role_check(mask)) {
    case TOKEN_ROLE_ADMIN: return *field = "role_id", SX_ESOD;
    case TOKEN_ROLE_PERSONAL: return *field = "role_id", SX_EVALIDATION;
    case TOKEN_ROLE_OK: break;
    }
    return SX_OK;
}

/* The integration account: no usable password ("!" is no Argon2id hash, and login looks up
 * people only), no roles of its own (the token names its role). */
static int insert_account(struct db *db, const struct audit_ctx *a, const struct token_in *in, const char *now,
                          int64_t *user_id, const char **field)
{
    struct db_stmt *s = db_prepare(db, "INSERT INTO users (username, display_name, unit_id, password_hash,"
                                       " password_changed_at, must_change_password, kind, created_by, created_at,"
                                       " updated_at) VALUES ('token:' || ?1, '集成令牌：' || ?1, ?2, '!', ?3, 0,"
                                       " 'integration', ?4, ?5, ?5)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, in->name);
    db_bind_int(s, 2, in->unit_id);
    db_bind_int(s, 3, (int64_t)time(NULL));
    if (a->user_id > 0) db_bind_int(s, 4, a->user_id);
    else db_bind_null(s, 4);
    db_bind_text(s, 5, now);
    int rc = db_run(s);
    if (rc == SX_EDUPLICATE) *field = "name";
    if (!rc) *user_id = db_last_id(db);
    return rc;
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
    char now[32];
    time_iso_now(now);
    int64_t user_id = 0, expires_at = (int64_t)time(NULL) + in->expires_days * 86400;
    if ((rc = check_binding(db, in, field)) || (rc = insert_account(db, a, in, now, &user_id, field))) goto fail;
    struct db_stmt *s = db_prepare(db, "INSERT INTO api_tokens (name, user_id, role_id, token_hash, prefix,"
                                       " created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    db_bind_text(s, 1, in->name);
    db_bind_int(s, 2, user_id);
    db_bind_int(s, 3, in->role_id);
    db_bind_text(s, 4, in->hash);
    db_bind_text(s, 5, in->prefix);
    if (a->user_id > 0) db_bind_int(s, 6, a->user_id);
    else db_bind_null(s, 6);
    db_bind_text(s, 7, now);
    db_bind_int(s, 8, expires_at);
    if ((rc = db_run(s))) goto fail;
    *id = db_last_id(db);
    char exp[32];
    time_iso((time_t)expires_at, exp);
    json_t *d = json_pack("{s:s,s:I,s:s+,s:I,s:I,s:s,s:I,s:s}", "name", in->name, "account_id", (json_int_t)user_id,
                          "username", "token:", in->name, "unit_id", (json_int_t)in->unit_id, "role_id",
                          (json_int_t)in->role_id, "prefix", in->prefix, "expires_days", (json_int_t)in->expires_days,
                          "expires_at", exp);
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
    struct db_stmt *s = db_prepare(db, "SELECT revoked_at IS NOT NULL, name, user_id FROM api_tokens WHERE id = ?");
    db_bind_int(s, 1, id);
    int64_t revoked = 0, user_id = 0;
    char name[200] = "";
    if ((rc = db_step(s)) == DB_ROW) {
        revoked = db_col_int(s, 0);
        snprintf(name, sizeof name, "%s", db_col_text(s, 1));
        user_id = db_col_int(s, 2);
    }
    db_reset(s);
    rc = rc == DB_ROW ? (revoked ? SX_ECONFLICT : SX_OK) : rc == DB_DONE ? SX_ENOTFOUND : rc;
    if (rc) goto fail;
    char now[32];
    time_iso_now(now);
    s = db_prepare(db, "UPDATE api_tokens SET revoked_at = ?, version = version + 1 WHERE id = ?");
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, id);
    if ((rc = db_run(s))) goto fail;
    /* The account exists for the token alone: it ends with it. */
    s = db_prepare(db, "UPDATE users SET status = 'disabled', version = version + 1, updated_at = ?"
                       " WHERE id = ? AND kind = 'integration'");
    db_bind_text(s, 1, now);
    db_bind_int(s, 2, user_id);
    if ((rc = db_run(s)) ||
        (rc = audit_token(db, a, "token.revoke", id,
                          json_pack("{s:s,s:I}", "name", name, "account_id", (json_int_t)user_id))))
        goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
