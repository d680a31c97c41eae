/* Connections, transactions, scope binding and other pieces every store file uses. */
#include "store.h"
#include "../util/pii.h"
#include "../util/err.h"
#include "../util/log.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *db_path;
static _Thread_local struct db *thread_db;
/* Every connection opened, so store_close can close the ones of finished worker threads. */
static pthread_mutex_t conns_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db **conns;
static size_t nconns, capconns;

static int open_with(const char *path, int (*load_key)(const char *key_path))
{
    char kp[4096];
    pii_key_path(path, kp, sizeof kp);
    int rc = load_key(kp);
    if (rc) return rc == SX_ENOTFOUND ? rc : SX_EINTERNAL;
    if (st_audit_open(path)) return SX_EINTERNAL;
    free(db_path);
    db_path = strdup(path);
    struct db *db = store_db();
    return db ? SX_OK : SX_EINTERNAL;
}

int store_open(const char *path) { return open_with(path, pii_key_load); }
int store_open_existing_key(const char *path) { return open_with(path, pii_key_load_existing); }

const char *store_path(void) { return db_path; }

struct db *store_db(void)
{
    if (thread_db) return thread_db;
    if (!db_path) return NULL;
    struct db *db = NULL;
    if (db_open(db_path, &db)) return NULL;
    pthread_mutex_lock(&conns_mu);
    if (nconns == capconns) {
        capconns = capconns ? capconns * 2 : 16;
        conns = realloc(conns, capconns * sizeof *conns);
        if (!conns) abort();
    }
    conns[nconns++] = db;
    pthread_mutex_unlock(&conns_mu);
    thread_db = db;
    return db;
}

/* ---- the janitor: drops read snapshots kept by idle worker connections, and moves the audit
 * checkpoint file forward (st_audit_flush) ---- */
static pthread_t janitor;
static _Atomic int janitor_running;

static void *janitor_main(void *arg)
{
    (void)arg;
    struct timespec tick = {0, 10 * 1000 * 1000};
    while (janitor_running) {
        nanosleep(&tick, NULL);
        pthread_mutex_lock(&conns_mu);
        for (size_t i = 0; i < nconns; i++) conns[i]->drv->release_idle(conns[i]);
        pthread_mutex_unlock(&conns_mu);
        st_audit_flush();
    }
    return NULL;
}

void store_janitor_start(void)
{
    if (janitor_running) return;
    janitor_running = 1;
    if (pthread_create(&janitor, NULL, janitor_main, NULL) != 0) janitor_running = 0;
    else st_audit_defer_checkpoints(1);
}

void store_janitor_stop(void)
{
    if (!janitor_running) return;
    janitor_running = 0;
    pthread_join(janitor, NULL);
    st_audit_defer_checkpoints(0); /* and writes what is still to be written */
}

/* Call only when no other thread uses the store any more. */
void store_close(void)
{
    store_janitor_stop();
    pthread_mutex_lock(&conns_mu);
    for (size_t i = 0; i < nconns; i++) db_close(conns[i]);
    free(conns);
    conns = NULL;
    nconns = capconns = 0;
    pthread_mutex_unlock(&conns_mu);
    thread_db = NULL;
    free(db_path);
    db_path = NULL;
    st_audit_close();
}

int store_schema_version(struct db *db, int64_t *v)
{
    struct db_stmt *s = db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s) return SX_EINTERNAL;
    return db_int(s, v);
}

static void scope_bind(struct db_stmt *s, const struct scope *sc)
{
    db_bind_int(s, 1, sc->all);
    db_bind_int(s, 2, sc->custom);
    db_bind_int(s, 3, sc->own);
    db_bind_int(s, 4, sc->below);
    db_bind_int(s, 5, sc->self);
    db_bind_int(s, 6, sc->user_id);
    db_bind_int(s, 7, sc->token_role_id);
    db_bind_int(s, 8, sc->unit_id);
    db_bind_text(s, 9, sc->below_lo);
    db_bind_text(s, 10, sc->below_hi);
}

/* Appends text to buf (capacity n, current length *len); 0 on overflow. */
static int append(char *buf, size_t n, size_t *len, const char *text, size_t tlen)
{
    if (*len + tlen >= n) return 0;
    memcpy(buf + *len, text, tlen);
    *len += tlen;
    buf[*len] = 0;
    return 1;
}

/* Writes the predicate for one marker "U O" (the text between "{{scope " and "}}"). */
static int expand_one(char *buf, size_t n, size_t *len, const struct scope *sc, const char *u, size_t ulen,
                      const char *o, size_t olen)
{
    const struct {
        int want, on_owner;
        const char *tail;
    } branch[] = {
        {sc->custom, 0,
         " IN (SELECT rs.unit_id FROM role_scope_units rs WHERE (?7 = 0 AND rs.role_id IN"
         " (SELECT ur.role_id FROM user_roles ur JOIN roles sr ON sr.id = ur.role_id"
         " WHERE ur.user_id = ?6 AND sr.data_scope = 2)) OR rs.role_id = ?7)"},
        {sc->own, 0, " = ?8"},
        {sc->below, 0, " IN (SELECT su.id FROM units su WHERE su.path >= ?9 AND su.path < ?10)"},
        {sc->self, 1, " = ?6"},
    };
    if (sc->all) return append(buf, n, len, "(?1 = 1)", 8);
    int ok = append(buf, n, len, "(", 1), any = 0;
    for (size_t i = 0; i < sizeof branch / sizeof branch[0]; i++) {
        if (!branch[i].want) continue;
        if (any) ok = ok && append(buf, n, len, " OR ", 4);
        ok = ok && (branch[i].on_owner ? append(buf, n, len, o, olen) : append(buf, n, len, u, ulen));
        ok = ok && append(buf, n, len, branch[i].tail, strlen(branch[i].tail));
        any = 1;
    }
    if (!any) ok = ok && append(buf, n, len, "0 = 1", 5); /* no scope at all sees nothing */
    return ok && append(buf, n, len, ")", 1);
}

struct db_stmt *store_prepare_scoped(struct db *db, const char *sql, const struct scope *sc)
{
    char buf[8192];
    size_t len = 0;
    buf[0] = 0;
    const char *p = sql;
    for (;;) {
        const char *m = strstr(p, "{{scope ");
        if (!m) {
            if (!append(buf, sizeof buf, &len, p, strlen(p))) goto too_long;
            break;
        }
        if (!append(buf, sizeof buf, &len, p, (size_t)(m - p))) goto too_long;
        const char *u = m + 8, *sp = strchr(u, ' '), *end = strstr(u, "}}");
        if (!sp || !end || sp > end) {
            log_error("malformed scope marker in SQL: %s", sql);
            return NULL;
        }
        if (!expand_one(buf, sizeof buf, &len, sc, u, (size_t)(sp - u), sp + 1, (size_t)(end - sp - 1)))
            goto too_long;
        p = end + 2;
    }
    struct db_stmt *s = db_prepare(db, buf);
    if (s) scope_bind(s, sc);
    return s;
too_long:
    log_error("scoped SQL too long: %s", sql);
    return NULL;
}

void store_path_range(const char *path, char *lo, char *hi, size_t n)
{
    /* Paths end in '/'; every descendant's path starts with it, and '0' sorts right after '/'. */
    snprintf(lo, n, "%s", path);
    snprintf(hi, n, "%s", path);
    size_t len = strlen(hi);
    if (len && hi[len - 1] == '/') hi[len - 1] = '0';
}

/* After an UPDATE … AND version = ? that changed nothing: which of the two answers it is. */
static int version_miss(struct db *db, const char *table, const char *key_col, int64_t id, const char *key)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ?", table, key_col);
    struct db_stmt *s = db_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    if (key) db_bind_text(s, 1, key);
    else db_bind_int(s, 1, id);
    int rc = db_step(s);
    db_reset(s);
    if (rc == DB_ROW) return SX_EVERSION;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

static int bump(struct db *db, const char *table, const char *key_col, int64_t id, const char *key, int64_t version,
                const char *now)
{
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE %s SET version = version + 1, updated_at = ? WHERE %s = ? AND version = ?",
             table, key_col);
    struct db_stmt *s = db_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, now);
    if (key) db_bind_text(s, 2, key);
    else db_bind_int(s, 2, id);
    db_bind_int(s, 3, version);
    int rc = db_run(s);
    if (rc) return rc;
    return db_changes(db) == 1 ? SX_OK : version_miss(db, table, key_col, id, key);
}

int store_bump_version(struct db *db, const char *table, int64_t id, int64_t version, const char *now)
{
    return bump(db, table, "id", id, NULL, version, now);
}

int store_bump_version_key(struct db *db, const char *table, const char *key_col, const char *key,
                           int64_t version, const char *now)
{
    return bump(db, table, key_col, 0, key, version, now);
}

int store_order_by(const struct sort_col *cols, const struct paging *pg, const char *dflt,
                   const char **out)
{
    *out = dflt;
    if (!pg || !pg->sort) return SX_OK;
    for (const struct sort_col *c = cols; c->field; c++) {
        if (strcmp(c->field, pg->sort) == 0) {
            *out = c->sql;
            return SX_OK;
        }
    }
    return SX_EBADQUERY;
}

void store_sql_order(char *buf, size_t n, const char *head, const char *order, int desc, const char *tail)
{
    snprintf(buf, n, "%s ORDER BY %s %s%s", head, order, desc ? "DESC" : "ASC", tail);
}
