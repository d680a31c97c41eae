/* The audit log: append-only, hash-chained and keyed (domain/audit_chain.h says why each piece
 * is there). What is kept where:
 *   - records and their hashes: audit_log; the head ("id:hash:mac"): settings.audit_head, both
 *     written in the caller's write transaction;
 *   - the switch point from unkeyed to keyed records: settings.audit_keyed_from (migration 6);
 *   - the keys: derived from the key file "<db>.key" (pii_key_derive), never in the database;
 *   - the checkpoint "<db>.audit": the newest committed end, keyed, moved forward after every
 *     commit that appended records (on_tx_end), replaced atomically (fileu.h). */
#include "store.h"
#include "st_audit_sql.h"
#include "../domain/audit_chain.h"
#include "../util/err.h"
#include "../util/fileu.h"
#include "../util/log.h"
#include "../util/pii.h"
#include "../util/timeu.h"
#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KDF_CONTEXT "sixiaAUD"
enum { SUBKEY_RECORD = 1, SUBKEY_ANCHOR = 2 };

static struct audit_keys keys;
static int have_keys;
static char cp_path[4096];

/* What this process knows of the checkpoint file, guarded by anchor_mu. A process never moves
 * the file backwards, and stops moving it at all (frozen) once it finds the file or the log not
 * as they should be: the file then stays as evidence for `sixia check`. */
static pthread_mutex_t anchor_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    int loaded;   /* the file was read (or found absent) since st_audit_open */
    int frozen;
    int writing;  /* one thread writes the file at a time; others leave their end in want */
    int absent;   /* the file was absent when loaded */
    int64_t keyed_from;
    struct audit_anchor known; /* the newest anchor known to be in the file (id 0: none) */
    struct audit_anchor want;  /* the newest committed end */
} anchor;

/* The end appended by this thread's open write transaction (id 0: none), for the database of
 * store_open number gen: a transaction left open when the store was closed never counts. */
static _Thread_local struct {
    int64_t id;
    unsigned gen;
    char hash[AUDIT_HEX];
} pending;
static _Atomic unsigned open_gen;

void st_audit_checkpoint_path(const char *db_path, char *out, size_t n) { snprintf(out, n, "%s.audit", db_path); }

static void freeze(const char *why)
{
    if (!anchor.frozen) log_error("audit checkpoint %s: %s; it is kept as it is (see sixia check)", cp_path, why);
    anchor.frozen = 1;
}

static int keyed_from_get(struct db *db, int64_t *out)
{
    char buf[32];
    *out = 0;
    int rc = st_setting_get(db, "audit_keyed_from", buf, sizeof buf);
    if (rc == SX_ENOTFOUND) return SX_OK;
    if (rc) return rc;
    *out = strtoll(buf, NULL, 10);
    return SX_OK;
}

int st_audit_checkpoint_read(const char *path, struct audit_anchor *a, enum audit_checkpoint_state *state)
{
    char text[AUDIT_CHECKPOINT_MAX];
    int rc = file_read_small(path, text, sizeof text);
    *state = AUDIT_CP_BAD;
    if (rc == SX_ENOTFOUND) *state = AUDIT_CP_ABSENT;
    else if (rc == SX_OK && have_keys && audit_checkpoint_parse(&keys, text, a) == 0) *state = AUDIT_CP_OK;
    else if (rc == SX_EINTERNAL) return rc;
    return SX_OK;
}

int st_audit_checkpoint_write(const char *path, const struct audit_anchor *a)
{
    if (!have_keys) return SX_EINTERNAL;
    char text[AUDIT_CHECKPOINT_MAX];
    audit_checkpoint_format(&keys, a, text, sizeof text);
    return file_replace(path, text, strlen(text));
}

/* Once per process, under anchor_mu, inside the first write transaction that appends. */
static int anchor_load(struct db *db)
{
    int64_t db_kf;
    int rc = keyed_from_get(db, &db_kf);
    if (rc) return rc;
    struct audit_anchor a;
    enum audit_checkpoint_state st;
    if ((rc = st_audit_checkpoint_read(cp_path, &a, &st))) return rc;
    anchor.loaded = 1;
    anchor.keyed_from = db_kf;
    anchor.absent = st == AUDIT_CP_ABSENT;
    if (st == AUDIT_CP_BAD) freeze("damaged, or not made with this key file");
    else if (st == AUDIT_CP_OK && a.keyed_from != db_kf) freeze("its switch point is not the database's");
    else if (st == AUDIT_CP_OK) anchor.known = a;
    if (!db_kf) freeze("the database has no audit_keyed_from (not migrated?)");
    return SX_OK;
}

/* The log must still hold the record the checkpoint names: when it does not, records were
 * removed or rewritten behind sixia's back since. Runs under the write lock, before appending
 * after tail; one primary-key look-up when another process (or nobody) appended last. */
static int anchor_check(struct db *db, int64_t tail_id, const char *tail_hash)
{
    pthread_mutex_lock(&anchor_mu);
    int rc = anchor.loaded ? SX_OK : anchor_load(db);
    struct audit_anchor k = anchor.known;
    if (!rc && anchor.absent && tail_id >= anchor.keyed_from && !anchor.frozen) {
        /* A keyed log without its checkpoint (copied without it, or removed): a new one starts
         * here, and nothing vouches for the end of the log before. */
        log_error("audit checkpoint %s is missing; a new one starts at record %" PRId64, cp_path, tail_id + 1);
        anchor.absent = 0;
    }
    if (rc || anchor.frozen || !k.id || (tail_id == k.id && strcmp(tail_hash, k.hash) == 0)) goto out;
    if (tail_id < k.id) {
        freeze("the log ends before the record it names (records were removed)");
        goto out;
    }
    struct db_stmt *s = db_prepare(db, "SELECT hash FROM audit_log WHERE id = ?");
    if (!s) {
        rc = SX_EINTERNAL;
        goto out;
    }
    db_bind_int(s, 1, k.id);
    int step = db_step(s);
    int same = step == DB_ROW && db_col_text(s, 0) && strcmp(db_col_text(s, 0), k.hash) == 0;
    db_reset(s);
    if (step != DB_ROW && step != DB_DONE) rc = step;
    else if (!same) freeze("the record it names was removed or rewritten");
out:
    pthread_mutex_unlock(&anchor_mu);
    return rc;
}

enum advance { ADV_WROTE, ADV_NEWER, ADV_BAD, ADV_IOERR };

/* Writes w unless the file already holds a newer end (another process's): *newer gets it. */
static enum advance checkpoint_advance(const struct audit_anchor *w, struct audit_anchor *newer)
{
    struct audit_anchor cur;
    enum audit_checkpoint_state st;
    if (st_audit_checkpoint_read(cp_path, &cur, &st)) return ADV_IOERR;
    if (st == AUDIT_CP_BAD) return ADV_BAD;
    if (st == AUDIT_CP_OK && cur.keyed_from != w->keyed_from) return ADV_BAD;
    if (st == AUDIT_CP_OK && cur.id >= w->id) {
        *newer = cur;
        return ADV_NEWER;
    }
    if (st == AUDIT_CP_ABSENT && anchor.known.id) log_error("audit checkpoint %s was removed; written again", cp_path);
    return st_audit_checkpoint_write(cp_path, w) ? ADV_IOERR : ADV_WROTE;
}

/* Moves the checkpoint file to the newest committed end, one thread at a time: a thread that
 * finds another one writing leaves its end to it. */
void st_audit_flush(void)
{
    pthread_mutex_lock(&anchor_mu);
    if (anchor.writing) goto out;
    anchor.writing = 1;
    while (!anchor.frozen && anchor.want.id > anchor.known.id) {
        struct audit_anchor w = anchor.want, newer;
        pthread_mutex_unlock(&anchor_mu);
        enum advance r = checkpoint_advance(&w, &newer);
        pthread_mutex_lock(&anchor_mu);
        if (r == ADV_WROTE) anchor.known = w;
        else if (r == ADV_NEWER) anchor.known = newer;
        else if (r == ADV_BAD) freeze("damaged, or changed by someone else");
        else break; /* I/O error (logged): the next commit tries again */
    }
    anchor.writing = 0;
out:
    pthread_mutex_unlock(&anchor_mu);
}

/* Set while the server's janitor thread runs: it writes the checkpoint within a tick of a
 * commit, so requests do not wait for the file's fsync and a burst of commits costs one write.
 * Without it (command-line tools) the committing thread writes the file itself. */
static _Atomic int deferred;

void st_audit_defer_checkpoints(int on)
{
    deferred = on;
    if (!on) st_audit_flush();
}

/* After each transaction on this thread (db_set_tx_end_hook): a committed append becomes the
 * end the checkpoint is to name. */
static void on_tx_end(int committed)
{
    if (!pending.id) return;
    struct audit_anchor a = {.id = pending.id};
    memcpy(a.hash, pending.hash, AUDIT_HEX);
    pending.id = 0;
    if (!committed || pending.gen != open_gen) return;
    pthread_mutex_lock(&anchor_mu);
    if (!anchor.frozen && a.id > anchor.want.id) {
        a.keyed_from = anchor.keyed_from;
        anchor.want = a;
    }
    pthread_mutex_unlock(&anchor_mu);
    if (!deferred) st_audit_flush();
}

int st_audit_open(const char *db_path)
{
    if (pii_key_derive(keys.record, sizeof keys.record, SUBKEY_RECORD, KDF_CONTEXT) ||
        pii_key_derive(keys.anchor, sizeof keys.anchor, SUBKEY_ANCHOR, KDF_CONTEXT))
        return SX_EINTERNAL;
    have_keys = 1;
    open_gen++;
    st_audit_checkpoint_path(db_path, cp_path, sizeof cp_path);
    pthread_mutex_lock(&anchor_mu);
    memset(&anchor, 0, sizeof anchor);
    pthread_mutex_unlock(&anchor_mu);
    db_set_tx_end_hook(on_tx_end);
    return SX_OK;
}

void st_audit_close(void)
{
    db_set_tx_end_hook(NULL);
    sodium_memzero(&keys, sizeof keys);
    have_keys = 0;
    pthread_mutex_lock(&anchor_mu);
    memset(&anchor, 0, sizeof anchor);
    pthread_mutex_unlock(&anchor_mu);
}

/* The current end of the log: id 0 and AUDIT_GENESIS when empty. */
static int tail_get(struct db *db, int64_t *id, char hash[AUDIT_HEX])
{
    struct db_stmt *s = db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!s) return SX_EINTERNAL;
    *id = 0;
    memcpy(hash, AUDIT_GENESIS, AUDIT_HEX);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_int(s, 0);
        snprintf(hash, AUDIT_HEX, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
    }
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

int st_audit_after_switch(struct db *db, int fresh)
{
    struct audit_anchor a;
    int rc = keyed_from_get(db, &a.keyed_from);
    if (!rc) rc = tail_get(db, &a.id, a.hash);
    if (rc) return rc;
    pthread_mutex_lock(&anchor_mu);
    int exists = access(cp_path, F_OK) == 0;
    if (!fresh && exists) {
        /* An old database that already has a checkpoint: migration 6 was undone behind
         * sixia's back. The file is evidence, not something to replace. */
        freeze("exists although the database was just switched to the keyed chain");
    } else {
        if (exists) log_info("new database: replacing the audit checkpoint %s of an earlier one", cp_path);
        rc = st_audit_checkpoint_write(cp_path, &a);
        anchor.loaded = 1;
        anchor.keyed_from = a.keyed_from;
        if (!rc) anchor.known = a;
    }
    pthread_mutex_unlock(&anchor_mu);
    return rc;
}

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
    assert(have_keys); /* store_open derives the keys */
    /* The caller holds the write lock, so reading the tail and appending cannot interleave. */
    char prev[AUDIT_HEX];
    int64_t id;
    int rc = tail_get(db, &id, prev);
    if (!rc) rc = anchor_check(db, id, prev);
    if (rc) return rc;
    id++;
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
    char hash[AUDIT_HEX];
    audit_chain_mac(&keys, prev, &f, hash);
    struct db_stmt *s = db_prepare(db, "INSERT INTO audit_log (id, ts, user_id, username, ip, action, object_type,"
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
    /* The head of the chain, kept apart and keyed, so cutting records off the end shows too. */
    char head[AUDIT_HEAD_MAX];
    audit_head_format(&keys, id, hash, head, sizeof head);
    if ((rc = st_setting_set(db, "audit_head", head))) return rc;
    pending.id = id;
    pending.gen = open_gen;
    memcpy(pending.hash, hash, AUDIT_HEX);
    return SX_OK;
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

/* Feeds every record, the switch point and the head to the verifier. Inside the caller's read
 * transaction, so that records and head are one snapshot. */
static int verify_rows(struct db *db, enum audit_checkpoint_state cps, const struct audit_anchor *cp,
                       struct audit_verifier *v)
{
    int64_t kf;
    int rc = keyed_from_get(db, &kf);
    if (rc) return rc;
    audit_verify_begin(v, &keys, kf, cps, cp);
    struct db_stmt *s = db_prepare(db, "SELECT id, ts, user_id, username, ip, action, object_type,"
                                       " object_id, result, details, prev_hash, hash"
                                       " FROM audit_log ORDER BY id");
    if (!s) return SX_EINTERNAL;
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
        if (audit_verify_record(v, &f, db_col_text(s, 10), db_col_text(s, 11))) break;
    }
    db_reset(s);
    if (rc != DB_ROW && rc != DB_DONE) return rc;
    char head[AUDIT_HEAD_MAX];
    rc = st_setting_get(db, "audit_head", head, sizeof head);
    if (rc && rc != SX_ENOTFOUND) return rc;
    audit_verify_end(v, rc == SX_OK ? head : NULL);
    return SX_OK;
}

int st_audit_verify(struct db *db, enum audit_checkpoint_state cps, const struct audit_anchor *cp,
                    struct audit_verifier *v)
{
    if (!have_keys) return SX_EINTERNAL;
    int rc = db_begin_read(db);
    if (rc) return rc;
    rc = verify_rows(db, cps, cp, v);
    db_commit(db);
    return rc;
}

/* The append-only triggers as migrations 1 and 6 create them (sqlite_master keeps the text of
 * the CREATE statement): one that is absent or reads differently no longer protects. */
static const struct {
    const char *name, *sql;
    int keyed; /* created by migration 6 */
} triggers[] = {
    {"audit_log_no_update", "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
                            " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END", 0},
    {"audit_log_no_delete", "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
                            " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END", 0},
    {"audit_keyed_from_no_update", AUDIT_KEYED_FROM_NO_UPDATE, 1},
    {"audit_keyed_from_no_delete", AUDIT_KEYED_FROM_NO_DELETE, 1},
};

int st_audit_triggers(struct db *db, int keyed, struct audit_trigger *out, size_t n, size_t *count)
{
    *count = 0;
    for (size_t i = 0; i < sizeof triggers / sizeof triggers[0] && *count < n; i++) {
        if (triggers[i].keyed && !keyed) continue;
        char sql[512];
        int rc = db->drv->trigger_sql(db, triggers[i].name, sql, sizeof sql);
        if (rc && rc != SX_ENOTFOUND) return rc;
        out[*count].name = triggers[i].name;
        out[*count].state = rc == SX_ENOTFOUND ? AUDIT_TRIGGER_MISSING
                            : strcmp(sql, triggers[i].sql) != 0 ? AUDIT_TRIGGER_ALTERED
                                                                : AUDIT_TRIGGER_OK;
        (*count)++;
    }
    return SX_OK;
}
