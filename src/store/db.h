/* The database driver interface: the only thing the store's SQL code talks to. A driver
 * (SQLite now, PostgreSQL later) fills struct db_driver; store files use the db_* wrappers
 * below with portable SQL and '?' placeholders. Handlers never see this header. */
#ifndef SX_DB_H
#define SX_DB_H
#include <stdint.h>
#include <stddef.h>
#include <jansson.h>

struct db;
struct db_stmt;
struct db_driver;

enum { DB_ROW = 1, DB_DONE = 0 };

struct db_driver {
    const char *name;
    int (*open)(const char *dsn, struct db **out);
    void (*close)(struct db *db);
    int (*exec)(struct db *db, const char *sql);
    /* Prepared statements are cached per connection, keyed by the SQL text. */
    struct db_stmt *(*prepare)(struct db *db, const char *sql);
    void (*bind_int)(struct db_stmt *s, int idx, int64_t v);
    void (*bind_text)(struct db_stmt *s, int idx, const char *v);
    void (*bind_null)(struct db_stmt *s, int idx);
    /* Binary data (attachments): n bytes copied at bind time. */
    void (*bind_blob)(struct db_stmt *s, int idx, const void *v, size_t n);
    /* DB_ROW, DB_DONE or an sx_err code. */
    int (*step)(struct db_stmt *s);
    int (*col_count)(struct db_stmt *s);
    const char *(*col_name)(struct db_stmt *s, int i);
    int (*col_is_null)(struct db_stmt *s, int i);
    int (*col_is_int)(struct db_stmt *s, int i);
    int64_t (*col_int)(struct db_stmt *s, int i);
    const char *(*col_text)(struct db_stmt *s, int i);
    /* Binary column: pointer valid until the next step/reset, its length in *n. */
    const void *(*col_blob)(struct db_stmt *s, int i, size_t *n);
    void (*reset)(struct db_stmt *s);
    int64_t (*last_id)(struct db *db);
    int64_t (*changes)(struct db *db);
    /* A write transaction takes the write lock at once; it ends any read transaction first. */
    int (*begin_write)(struct db *db);
    /* Read transactions nest: only the outermost begin/commit pair touches the database, so a
     * request-wide snapshot (server.c) and a store function's own one combine. */
    int (*begin_read)(struct db *db);
    int (*commit)(struct db *db);
    void (*rollback)(struct db *db);
    int (*backup)(struct db *db, const char *path);
    /* Writes the first problem found into msg (or "ok"); returns 0 when healthy. */
    int (*integrity)(struct db *db, char *msg, size_t len);
    /* The CREATE TRIGGER text of trigger name into out: 0, SX_ENOTFOUND when there is none. */
    int (*trigger_sql)(struct db *db, const char *name, char *out, size_t n);
    const char *(*errmsg)(struct db *db);
    /* Changes whenever another connection (or process) has committed since the last call. */
    int64_t (*data_version)(struct db *db);
    /* Brackets one HTTP request on this connection (server.c). A reading request gets a
     * snapshot, possibly one kept from the previous reading request when nothing has been
     * committed since and it is young; request_end may keep it open. */
    int (*request_begin)(struct db *db, int reading);
    void (*request_end)(struct db *db);
    /* Called from another thread (store_janitor): drops a kept snapshot that got too old. */
    void (*release_idle)(struct db *db);
};

/* Every driver's connection and statement start with these. */
struct db {
    const struct db_driver *drv;
};
struct db_stmt {
    const struct db_driver *drv;
};

extern const struct db_driver db_sqlite_driver;

/* Open a connection for dsn (a file path for SQLite). */
int db_open(const char *dsn, struct db **out);

static inline void db_close(struct db *db) { if (db) db->drv->close(db); }
static inline int db_exec(struct db *db, const char *sql) { return db->drv->exec(db, sql); }
/* Returns NULL when the SQL does not compile (a programming error: logged). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
void db_bind_int(struct db_stmt *s, int idx, int64_t v);
void db_bind_text(struct db_stmt *s, int idx, const char *v); /* NULL binds NULL */
void db_bind_null(struct db_stmt *s, int idx);
void db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n);
int db_step(struct db_stmt *s);
void db_reset(struct db_stmt *s);
int64_t db_col_int(struct db_stmt *s, int i);
const char *db_col_text(struct db_stmt *s, int i);
const void *db_col_blob(struct db_stmt *s, int i, size_t *n);
int db_col_is_null(struct db_stmt *s, int i);
int64_t db_last_id(struct db *db);
int64_t db_changes(struct db *db);
int db_begin_write(struct db *db);
int db_begin_read(struct db *db);
int db_commit(struct db *db);
/* fn runs on the calling thread after every db_commit (committed: it succeeded) and every
 * db_rollback (committed 0), read transactions included: the audit log moves its checkpoint
 * file forward only once its records are durable (st_audit.c). One hook per process. */
void db_set_tx_end_hook(void (*fn)(int committed));
/* Counts commits made through this process; with db_data_version (commits by others) it tells
 * a cache whether anything at all may have changed. */
uint64_t db_write_generation(void);
/* Drivers call this after every commit (or failed commit) of a write transaction. */
void db_note_write_commit(void);
int64_t db_data_version(struct db *db);
static inline int db_request_begin(struct db *db, int reading) { return db->drv->request_begin(db, reading); }
static inline void db_request_end(struct db *db) { db->drv->request_end(db); }
void db_rollback(struct db *db);

/* The current row as a JSON object keyed by column name. A column alias ending in "__b"
 * becomes a boolean, one ending in "__j" is parsed as JSON text; the suffix is dropped. */
json_t *db_row_json(struct db_stmt *s);
/* Runs a bound statement and collects every row (db_row_json) into a new array. Resets s. */
int db_all_json(struct db_stmt *s, json_t **out);
/* Runs a bound statement expected to give at most one row; *out is NULL when none. */
int db_one_json(struct db_stmt *s, json_t **out);
/* Runs a bound statement that returns nothing (or ignores rows). Resets s. */
int db_run(struct db_stmt *s);
/* Runs a bound statement whose first column of the first row is an integer. */
int db_int(struct db_stmt *s, int64_t *out);
#endif
