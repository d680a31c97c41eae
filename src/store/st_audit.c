/* The audit log: append-only, hash-chained (domain/audit_chain.c). */
#include "store.h"
#include "../domain/audit_chain.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The details of a record made through an API token, with the token's id (the username names
 * its integration account): a JSON object gains "token_id", other text a "token_id=N" part.
 * malloc'd; NULL when out of memory. */
static char *details_with_token(const char *details, int64_t token_id)
{
    json_t *o = details && *details ? json_loads(details, 0, NULL) : json_object();
    char *out = NULL;
    if (json_is_object(o)) {
        json_object_set_new(o, "token_id", json_integer(token_id));
        out = json_dumps(o, JSON_COMPACT);
    } else {
        size_t n = strlen(details) + 40;
        if ((out = malloc(n))) snprintf(out, n, "%s；token_id=%lld", details, (long long)token_id);
    }
    json_decref(o);
    return out;
}

static int append(struct db *db, const struct audit_ctx *a, const char *action, const char *object_type,
                  const char *object_id, int success, const char *details);

int st_audit_append(struct db *db, const struct audit_ctx *a, const char *action,
                    const char *object_type, const char *object_id, int success, const char *details)
{
    if (!a || a->token_id <= 0) return append(db, a, action, object_type, object_id, success, details);
    char *d = details_with_token(details, a->token_id);
    int rc = d ? append(db, a, action, object_type, object_id, success, d) : SX_EINTERNAL;
    free(d);
    return rc;
}

static int append(struct db *db, const struct audit_ctx *a, const char *action, const char *object_type,
                  const char *object_id, int success, const char *details)
{
    /* The caller holds the write lock, so reading the tail and appending cannot interleave. */
    struct db_stmt *s = db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!s) return SX_EINTERNAL;
    char prev[65] = AUDIT_GENESIS;
    int64_t id = 1;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        id = db_col_int(s, 0) + 1;
        snprintf(prev, sizeof prev, "%s", db_col_text(s, 1));
    }
    db_reset(s);
    if (rc != DB_ROW && rc != DB_DONE) return rc;
    char ts[32];
    time_iso_now(ts);
    struct audit_fields f = {
        .id = id,
        .ts = ts,
        .user_id = a ? a->user_id : 0,
        .username = a && a->username ? a->username : "",
        .ip = a && a->ip ? a->ip : "",
        .action = action,
        .object_type = object_type ? object_type : "",
        .object_id = object_id ? object_id : "",
        .result = success ? "success" : "failure",
        .details = details ? details : "",
    };
    char hash[65];
    audit_chain_hash(prev, &f, hash);
    s = db_prepare(db, "INSERT INTO audit_log (id, ts, user_id, username, ip, action, object_type,"
                       " object_id, result, details, prev_hash, hash)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, f.ts);
    if (f.user_id) db_bind_int(s, 3, f.user_id);
    else db_bind_null(s, 3);
    db_bind_text(s, 4, f.username);
    db_bind_text(s, 5, f.ip);
    db_bind_text(s, 6, f.action);
    db_bind_text(s, 7, f.object_type);
    db_bind_text(s, 8, f.object_id);
    db_bind_text(s, 9, f.result);
    db_bind_text(s, 10, f.details);
    db_bind_text(s, 11, prev);
    db_bind_text(s, 12, hash);
    if ((rc = db_run(s))) return rc;
    /* The head of the chain, kept apart, so cutting records off the end shows as well. */
    char head[96];
    snprintf(head, sizeof head, "%lld:%s", (long long)id, hash);
    return st_setting_set(db, "audit_head", head);
}

int st_audit(struct db *db, const struct audit_ctx *a, const char *action, const char *object_type,
             const char *object_id, int success, const char *details)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    rc = st_audit_append(db, a, action, object_type, object_id, success, details);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}

#define AUDIT_WHERE                                                                               \
    " WHERE (?1 IS NULL OR username = ?1) AND (?2 IS NULL OR action = ?2)"                        \
    " AND (?3 IS NULL OR result = ?3) AND (?4 IS NULL OR object_type = ?4)"                       \
    " AND (?5 IS NULL OR ts >= ?5) AND (?6 IS NULL OR ts < ?6)"                                   \
    " AND (?7 = 0 OR action IN ('auth.login', 'auth.logout', 'auth.login_failed'))"               \
    " AND (?8 IS NULL OR " LIKE_CONTAINS("details", "?8") " OR object_id = ?8)"

static void bind_filter(struct db_stmt *s, const struct audit_filter *f, const struct paging *pg)
{
    db_bind_text(s, 1, f->username);
    db_bind_text(s, 2, f->action);
    db_bind_text(s, 3, f->result);
    db_bind_text(s, 4, f->object_type);
    db_bind_text(s, 5, f->from);
    db_bind_text(s, 6, f->to);
    db_bind_int(s, 7, f->login_only);
    db_bind_text(s, 8, pg->keyword);
}

int st_audit_list(struct db *db, const struct audit_filter *f, const struct paging *pg, json_t **items,
                  int64_t *total)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM audit_log" AUDIT_WHERE);
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, pg);
    int rc = db_int(s, total);
    if (rc) return rc;
    s = db_prepare(db, "SELECT id, ts, user_id, username, ip, action, object_type, object_id, result,"
                       " details FROM audit_log" AUDIT_WHERE " ORDER BY id DESC LIMIT ?9 OFFSET ?10");
    if (!s) return SX_EINTERNAL;
    bind_filter(s, f, pg);
    db_bind_int(s, 9, pg->page_size);
    db_bind_int(s, 10, (pg->page - 1) * pg->page_size);
    return db_all_json(s, items);
}

int st_audit_verify(struct db *db, int64_t *bad_id, int64_t *count, char *msg, size_t n)
{
    *bad_id = 0;
    *count = 0;
    snprintf(msg, n, "ok");
    struct db_stmt *s = db_prepare(db, "SELECT id, ts, user_id, username, ip, action, object_type,"
                                       " object_id, result, details, prev_hash, hash"
                                       " FROM audit_log ORDER BY id");
    if (!s) return SX_EINTERNAL;
    char prev[65] = AUDIT_GENESIS;
    int64_t expect_id = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        struct audit_fields f = {
            .id = db_col_int(s, 0),
            .ts = db_col_text(s, 1),
            .user_id = db_col_is_null(s, 2) ? 0 : db_col_int(s, 2),
            .username = db_col_text(s, 3),
            .ip = db_col_text(s, 4),
            .action = db_col_text(s, 5),
            .object_type = db_col_text(s, 6),
            .object_id = db_col_text(s, 7),
            .result = db_col_text(s, 8),
            .details = db_col_text(s, 9),
        };
        const char *stored_prev = db_col_text(s, 10), *stored = db_col_text(s, 11);
        char h[65];
        audit_chain_hash(prev, &f, h);
        if (expect_id && f.id != expect_id + 1) {
            snprintf(msg, n, "审计记录 %lld 之前缺少记录（上一条为 %lld）", (long long)f.id, (long long)expect_id);
            *bad_id = f.id;
            break;
        }
        if (!stored_prev || strcmp(stored_prev, prev) != 0 || !stored || strcmp(stored, h) != 0) {
            snprintf(msg, n, "审计记录 %lld 的哈希链校验失败（记录被修改、删除或插入）", (long long)f.id);
            *bad_id = f.id;
            break;
        }
        memcpy(prev, stored, 65);
        expect_id = f.id;
        (*count)++;
    }
    db_reset(s);
    if (rc != DB_ROW && rc != DB_DONE) return rc;
    char head[96], mine[96];
    if (!*bad_id && st_setting_get(db, "audit_head", head, sizeof head) == SX_OK) {
        snprintf(mine, sizeof mine, "%lld:%s", (long long)expect_id, prev);
        if (strcmp(head, mine) != 0) {
            *bad_id = expect_id + 1;
            snprintf(msg, n, "审计日志末尾的记录被删除（应有记录 %s）", head);
        }
    }
    return SX_OK;
}
