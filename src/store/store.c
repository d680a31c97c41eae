/* Connections, transactions, scope binding and other pieces every store file uses. */
#include "store.h"
#include "../util/err.h"
#include "../util/log.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *db_path;
static _Thread_local struct db *thread_db;
/* Every connection opened, so store_close can close the ones of finished worker threads. */
static pthread_mutex_t conns_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db **conns;
static size_t nconns, capconns;

int store_open(const char *path)
{
    free(db_path);
    db_path = strdup(path);
    struct db *db = store_db();
    return db ? SX_OK : SX_EINTERNAL;
}

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

void store_thread_close(void)
{
    if (!thread_db) return;
    pthread_mutex_lock(&conns_mu);
    for (size_t i = 0; i < nconns; i++)
        if (conns[i] == thread_db) conns[i] = conns[--nconns];
    pthread_mutex_unlock(&conns_mu);
    db_close(thread_db);
    thread_db = NULL;
}

/* Call only when no other thread uses the store any more. */
void store_close(void)
{
    pthread_mutex_lock(&conns_mu);
    for (size_t i = 0; i < nconns; i++) db_close(conns[i]);
    free(conns);
    conns = NULL;
    nconns = capconns = 0;
    pthread_mutex_unlock(&conns_mu);
    thread_db = NULL;
    free(db_path);
    db_path = NULL;
}

int store_schema_version(struct db *db, int64_t *v)
{
    struct db_stmt *s = db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s) return SX_EINTERNAL;
    return db_int(s, v);
}

void store_scope_bind(struct db_stmt *s, const struct scope *sc)
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

void store_path_range(const char *path, char *lo, char *hi, size_t n)
{
    /* Paths end in '/'; every descendant's path starts with it, and '0' sorts right after '/'. */
    snprintf(lo, n, "%s", path);
    snprintf(hi, n, "%s", path);
    size_t len = strlen(hi);
    if (len && hi[len - 1] == '/') hi[len - 1] = '0';
}

int store_tx(struct db *db, int (*fn)(struct db *db, void *arg), void *arg)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    rc = fn(db, arg);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
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
