/* SQLite driver: WAL, foreign keys on, busy timeout, one connection per thread with its
 * prepared statements cached. Writers in this process are serialised by one mutex and take
 * the database write lock up front (BEGIN IMMEDIATE), so concurrent writers queue instead
 * of failing with SQLITE_BUSY; other processes (the CLI) wait on the busy timeout. */
#include "db.h"
#include "../util/err.h"
#include "../util/fileu.h"
#include "../util/log.h"
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CACHE_SLOTS 1024

struct sq_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
    struct sqlite_db *owner;
    char *sql;
    int uncached;
};

struct sqlite_db {
    struct db base;
    sqlite3 *h;
    int holds_write;
    int read_depth; /* nesting of read transactions; 0 when none is open */
    /* A reading request's snapshot may be kept open after the request (held) and reused by the
     * next one on this connection: no read-lock traffic per request. It is dropped when this
     * process commits anything (write generation), before a write, and by store_janitor()
     * once older than SNAPSHOT_MAX_MS, so other processes' commits are seen that soon and WAL
     * checkpoints are never held up longer. mu guards the connection against the janitor. */
    pthread_mutex_t mu;
    int held;
    int64_t snap_started_ms;
    uint64_t snap_gen;
    /* Size and modification time of the WAL file when the snapshot began: every commit, from
     * any process, appends to it, so a change means the snapshot may be behind. */
    int64_t snap_wal_size, snap_wal_mtime_ns;
    char *wal_path;
    struct sq_stmt *cache[CACHE_SLOTS];
};

static pthread_mutex_t write_mutex = PTHREAD_MUTEX_INITIALIZER;

static int map_rc(sqlite3 *h, int rc)
{
    switch (rc) {
    case SQLITE_OK:
    case SQLITE_DONE:
        return DB_DONE;
    case SQLITE_ROW:
        return DB_ROW;
    }
    int ext = sqlite3_extended_errcode(h);
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return SX_EDUPLICATE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return SX_EREFERENCED;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
        return SX_EVALIDATION;
    }
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
        log_error("sqlite busy: %s", sqlite3_errmsg(h));
        return SX_EUNAVAILABLE;
    }
    log_error("sqlite error %d: %s", ext, sqlite3_errmsg(h));
    return SX_EINTERNAL;
}

/* Process-wide SQLite settings, once, before the first connection: each connection is used
 * by one thread only (no per-connection mutexes), and no global allocation statistics
 * (their global mutex is taken on every malloc and serialises all worker threads). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

static int s_open(const char *dsn, struct db **out)
{
    pthread_once(&sqlite_once, sqlite_setup);
    struct sqlite_db *d = calloc(1, sizeof *d);
    if (!d) return SX_EINTERNAL;
    d->base.drv = &db_sqlite_driver;
    pthread_mutex_init(&d->mu, NULL);
    /* SQLite creates a database with mode 0644 (less the umask) and gives its WAL and SHM files
     * the database's mode: creating the file first, 0600, keeps all three private. An existing
     * file keeps the mode it has. */
    if (*dsn && strcmp(dsn, ":memory:") != 0) file_create_private(dsn);
    int rc = sqlite3_open_v2(dsn, &d->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        log_error("cannot open database %s: %s", dsn, d->h ? sqlite3_errmsg(d->h) : "out of memory");
        sqlite3_close(d->h);
        free(d);
        return SX_EINTERNAL;
    }
    sqlite3_extended_result_codes(d->h, 1);
    sqlite3_busy_timeout(d->h, 10000);
    /* FULL: a commit is on disk before the client hears about it (survives kill -9 and power loss). */
    const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
    char *msg = NULL;
    if (sqlite3_exec(d->h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("cannot configure database %s: %s", dsn, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(d->h);
        free(d);
        return SX_EINTERNAL;
    }
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(d->h, "main"));
    d->wal_path = wal && *wal ? strdup(wal) : NULL;
    *out = &d->base;
    return SX_OK;
}

static void free_stmt(struct sq_stmt *s)
{
    sqlite3_finalize(s->st);
    free(s->sql);
    free(s);
}

static void s_close(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (d->cache[i]) free_stmt(d->cache[i]);
    if (d->holds_write) {
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
        pthread_mutex_unlock(&write_mutex);
    }
    sqlite3_close(d->h);
    pthread_mutex_destroy(&d->mu);
    free(d->wal_path);
    free(d);
}

static int s_exec(struct db *db, const char *sql)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int r = map_rc(d->h, rc);
        sqlite3_free(msg);
        return r;
    }
    return SX_OK;
}

static unsigned hash_sql(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static struct db_stmt *s_prepare(struct db *db, const char *sql)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    unsigned h = hash_sql(sql);
    unsigned slot = h % CACHE_SLOTS;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        struct sq_stmt *c = d->cache[(slot + i) % CACHE_SLOTS];
        if (!c) break;
        if (strcmp(c->sql, sql) == 0) {
            sqlite3_reset(c->st);
            sqlite3_clear_bindings(c->st);
            return &c->base;
        }
    }
    struct sq_stmt *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
        log_error("cannot prepare SQL: %s -- %s", sqlite3_errmsg(d->h), sql);
        free(s);
        return NULL;
    }
    s->base.drv = &db_sqlite_driver;
    s->owner = d;
    s->sql = strdup(sql);
    if (!s->sql) abort();
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        unsigned k = (slot + i) % CACHE_SLOTS;
        if (!d->cache[k]) {
            d->cache[k] = s;
            return &s->base;
        }
    }
    s->uncached = 1; /* cache full: finalized by reset */
    return &s->base;
}

#define SQ(x) ((struct sq_stmt *)(x))
static void s_bind_int(struct db_stmt *s, int i, int64_t v) { sqlite3_bind_int64(SQ(s)->st, i, v); }
static void s_bind_text(struct db_stmt *s, int i, const char *v)
{
    if (v) sqlite3_bind_text(SQ(s)->st, i, v, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(SQ(s)->st, i);
}
static void s_bind_null(struct db_stmt *s, int i) { sqlite3_bind_null(SQ(s)->st, i); }
static void s_bind_blob(struct db_stmt *s, int i, const void *v, size_t n)
{
    sqlite3_bind_blob64(SQ(s)->st, i, v ? v : "", (sqlite3_uint64)n, SQLITE_TRANSIENT);
}
static const void *s_col_blob(struct db_stmt *s, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(SQ(s)->st, i);
    *n = (size_t)sqlite3_column_bytes(SQ(s)->st, i);
    return p;
}
static int s_step(struct db_stmt *s) { return map_rc(SQ(s)->owner->h, sqlite3_step(SQ(s)->st)); }
static int s_col_count(struct db_stmt *s) { return sqlite3_column_count(SQ(s)->st); }
static const char *s_col_name(struct db_stmt *s, int i) { return sqlite3_column_name(SQ(s)->st, i); }
static int s_col_is_null(struct db_stmt *s, int i) { return sqlite3_column_type(SQ(s)->st, i) == SQLITE_NULL; }
static int s_col_is_int(struct db_stmt *s, int i) { return sqlite3_column_type(SQ(s)->st, i) == SQLITE_INTEGER; }
static int64_t s_col_int(struct db_stmt *s, int i) { return sqlite3_column_int64(SQ(s)->st, i); }
static const char *s_col_text(struct db_stmt *s, int i) { return (const char *)sqlite3_column_text(SQ(s)->st, i); }
static void s_reset(struct db_stmt *s)
{
    if (SQ(s)->uncached) {
        free_stmt(SQ(s));
        return;
    }
    sqlite3_reset(SQ(s)->st);
    sqlite3_clear_bindings(SQ(s)->st);
}
static int64_t s_last_id(struct db *db) { return sqlite3_last_insert_rowid(((struct sqlite_db *)db)->h); }
static int64_t s_changes(struct db *db) { return sqlite3_changes64(((struct sqlite_db *)db)->h); }

/* BEGIN/COMMIT of read transactions run on every reading request: prepared once, not parsed
 * each time as sqlite3_exec would. */
static int run_cached(struct db *db, const char *sql)
{
    struct db_stmt *s = s_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    int rc = map_rc(((struct sqlite_db *)db)->h, sqlite3_step(SQ(s)->st));
    s_reset(s);
    return rc == DB_DONE ? SX_OK : rc;
}

static int s_begin_write(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    if (d->read_depth || d->held) {
        /* Leave the read snapshot: BEGIN IMMEDIATE cannot start inside it, and the write must
         * see the latest data anyway. Enclosing read "commits" become no-ops. */
        run_cached(db, "COMMIT");
        d->read_depth = 0;
        d->held = 0;
    }
    pthread_mutex_lock(&write_mutex);
    int rc = s_exec(db, "BEGIN IMMEDIATE");
    if (rc) {
        pthread_mutex_unlock(&write_mutex);
        return rc;
    }
    d->holds_write = 1;
    return SX_OK;
}

static int s_begin_read(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    if (d->holds_write) return SX_OK; /* the write transaction already gives a consistent view */
    if (d->read_depth++) return SX_OK;
    int rc = run_cached(db, "BEGIN");
    if (rc) d->read_depth = 0;
    return rc;
}

static void release_write(struct sqlite_db *d)
{
    if (d->holds_write) {
        d->holds_write = 0;
        pthread_mutex_unlock(&write_mutex);
        db_note_write_commit();
    }
}

static int s_commit(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    if (!d->holds_write) {
        if (d->read_depth && --d->read_depth == 0) run_cached(db, "COMMIT");
        return SX_OK;
    }
    int rc = s_exec(db, "COMMIT");
    if (rc) sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    release_write(d);
    return rc;
}

static void s_rollback(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    if (!d->holds_write) {
        if (d->read_depth && --d->read_depth == 0) run_cached(db, "COMMIT");
        return;
    }
    if (!sqlite3_get_autocommit(d->h)) sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    release_write(d);
}

static int s_backup(struct db *db, const char *path)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    sqlite3 *out = NULL;
    /* A new file, 0600 like the database (and never an existing one). */
    int rc = file_create_private(path);
    if (rc) {
        log_error("cannot create backup %s: %s", path, rc == SX_EDUPLICATE ? "file exists" : strerror(errno));
        return SX_EINTERNAL;
    }
    rc = sqlite3_open_v2(path, &out, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        log_error("cannot create backup %s: %s", path, out ? sqlite3_errmsg(out) : "?");
        sqlite3_close(out);
        return SX_EINTERNAL;
    }
    sqlite3_backup *b = sqlite3_backup_init(out, "main", d->h, "main");
    if (!b) {
        log_error("backup failed: %s", sqlite3_errmsg(out));
        sqlite3_close(out);
        return SX_EINTERNAL;
    }
    /* One step copies every page under one read transaction: a consistent snapshot even
     * while the server keeps writing. */
    do {
        rc = sqlite3_backup_step(b, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    int ok = rc == SQLITE_DONE;
    if (!ok) log_error("backup failed: %s", sqlite3_errmsg(out));
    sqlite3_close(out);
    return ok ? SX_OK : SX_EINTERNAL;
}

static int s_integrity(struct db *db, char *msg, size_t len)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    int bad = 0;
    snprintf(msg, len, "ok");
    if (sqlite3_prepare_v2(d->h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *r = (const char *)sqlite3_column_text(st, 0);
            if (!r || strcmp(r, "ok") != 0) {
                snprintf(msg, len, "integrity_check: %s", r ? r : "?");
                bad = 1;
            }
        }
    } else {
        snprintf(msg, len, "integrity_check: %s", sqlite3_errmsg(d->h));
        bad = 1;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!bad && sqlite3_prepare_v2(d->h, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(msg, len, "foreign_key_check: table %s row %lld",
                     (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1));
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    return bad ? SX_EINTERNAL : SX_OK;
}

static int s_trigger_sql(struct db *db, const char *name, char *out, size_t n)
{
    struct db_stmt *s = s_prepare(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?");
    if (!s) return SX_EINTERNAL;
    s_bind_text(s, 1, name);
    int rc = s_step(s);
    if (rc == DB_ROW) {
        const char *t = s_col_text(s, 0);
        snprintf(out, n, "%s", t ? t : "");
    }
    s_reset(s);
    return rc == DB_ROW ? SX_OK : rc == DB_DONE ? SX_ENOTFOUND : rc;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define SNAPSHOT_MAX_MS 20

/* WAL file identity for change detection; 0/0 when it does not exist (yet). */
static void wal_stamp(struct sqlite_db *d, int64_t *size, int64_t *mtime_ns)
{
    struct stat st;
    *size = *mtime_ns = 0;
    if (d->wal_path && stat(d->wal_path, &st) == 0) {
        *size = (int64_t)st.st_size;
        *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    }
}

static void drop_held(struct sqlite_db *d)
{
    if (d->held) {
        run_cached(&d->base, "COMMIT");
        d->held = 0;
        d->read_depth = 0;
    }
}

static int s_request_begin(struct db *db, int reading)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    pthread_mutex_lock(&d->mu);
    if (d->held) {
        int64_t size, mtime;
        if (reading && d->snap_gen == db_write_generation() && now_ms() - d->snap_started_ms < SNAPSHOT_MAX_MS) {
            wal_stamp(d, &size, &mtime);
            if (size == d->snap_wal_size && mtime == d->snap_wal_mtime_ns) {
                d->held = 0;
                d->read_depth = 1; /* the open transaction is this request's snapshot */
                return SX_OK;
            }
        }
        drop_held(d);
    }
    if (!reading) return SX_OK;
    /* Stamped before the snapshot starts: a commit in between only causes an early refresh. */
    d->snap_gen = db_write_generation();
    d->snap_started_ms = now_ms();
    wal_stamp(d, &d->snap_wal_size, &d->snap_wal_mtime_ns);
    return s_begin_read(db);
}

static void s_request_end(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    /* Still inside the request's own read transaction (nothing wrote): keep it for the next. */
    if (d->read_depth == 1 && !d->holds_write) {
        d->held = 1;
        d->read_depth = 0;
    } else if (d->read_depth) {
        d->read_depth = 1;
        s_commit(db);
    }
    pthread_mutex_unlock(&d->mu);
}

static void s_release_idle(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    if (pthread_mutex_trylock(&d->mu) != 0) return; /* busy serving: it refreshes itself */
    if (d->held && now_ms() - d->snap_started_ms >= SNAPSHOT_MAX_MS) drop_held(d);
    pthread_mutex_unlock(&d->mu);
}

static const char *s_errmsg(struct db *db) { return sqlite3_errmsg(((struct sqlite_db *)db)->h); }

static int64_t s_data_version(struct db *db)
{
    struct db_stmt *s = s_prepare(db, "PRAGMA data_version");
    if (!s) return -1;
    int64_t v = sqlite3_step(SQ(s)->st) == SQLITE_ROW ? sqlite3_column_int64(SQ(s)->st, 0) : -1;
    s_reset(s);
    return v;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .open = s_open,
    .close = s_close,
    .exec = s_exec,
    .prepare = s_prepare,
    .bind_int = s_bind_int,
    .bind_text = s_bind_text,
    .bind_null = s_bind_null,
    .bind_blob = s_bind_blob,
    .step = s_step,
    .col_count = s_col_count,
    .col_name = s_col_name,
    .col_is_null = s_col_is_null,
    .col_is_int = s_col_is_int,
    .col_int = s_col_int,
    .col_text = s_col_text,
    .col_blob = s_col_blob,
    .reset = s_reset,
    .last_id = s_last_id,
    .changes = s_changes,
    .begin_write = s_begin_write,
    .begin_read = s_begin_read,
    .commit = s_commit,
    .rollback = s_rollback,
    .backup = s_backup,
    .integrity = s_integrity,
    .trigger_sql = s_trigger_sql,
    .errmsg = s_errmsg,
    .data_version = s_data_version,
    .request_begin = s_request_begin,
    .request_end = s_request_end,
    .release_idle = s_release_idle,
};
