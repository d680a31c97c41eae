/* Driver-independent wrappers and row-to-JSON conversion. */
#include "db.h"
#include "../util/err.h"
#include "../util/log.h"
#include <string.h>

int db_open(const char *dsn, struct db **out)
{
    /* Only SQLite for now; a "postgresql://" DSN will pick the PostgreSQL driver. */
    return db_sqlite_driver.open(dsn, out);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
    return db->drv->prepare(db, sql);
}

static const struct db_driver *drv_of(struct db_stmt *s) { return s->drv; }

void db_bind_int(struct db_stmt *s, int idx, int64_t v) { drv_of(s)->bind_int(s, idx, v); }
void db_bind_text(struct db_stmt *s, int idx, const char *v) { drv_of(s)->bind_text(s, idx, v); }
void db_bind_null(struct db_stmt *s, int idx) { drv_of(s)->bind_null(s, idx); }
void db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n) { drv_of(s)->bind_blob(s, idx, v, n); }
int db_step(struct db_stmt *s) { return drv_of(s)->step(s); }
void db_reset(struct db_stmt *s) { drv_of(s)->reset(s); }
int64_t db_col_int(struct db_stmt *s, int i) { return drv_of(s)->col_int(s, i); }
const char *db_col_text(struct db_stmt *s, int i) { return drv_of(s)->col_text(s, i); }
const void *db_col_blob(struct db_stmt *s, int i, size_t *n) { return drv_of(s)->col_blob(s, i, n); }
int db_col_is_null(struct db_stmt *s, int i) { return drv_of(s)->col_is_null(s, i); }
int64_t db_last_id(struct db *db) { return db->drv->last_id(db); }
int64_t db_changes(struct db *db) { return db->drv->changes(db); }
int db_begin_write(struct db *db) { return db->drv->begin_write(db); }
int db_begin_read(struct db *db) { return db->drv->begin_read(db); }
static _Atomic uint64_t write_gen;

static void (*tx_end_hook)(int committed);

void db_set_tx_end_hook(void (*fn)(int committed)) { tx_end_hook = fn; }

int db_commit(struct db *db)
{
    int rc = db->drv->commit(db);
    if (tx_end_hook) tx_end_hook(rc == SX_OK);
    return rc;
}

void db_note_write_commit(void) { write_gen++; }

uint64_t db_write_generation(void) { return write_gen; }
int64_t db_data_version(struct db *db) { return db->drv->data_version(db); }
void db_rollback(struct db *db)
{
    db->drv->rollback(db);
    if (tx_end_hook) tx_end_hook(0);
}

static int has_suffix(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

json_t *db_row_json(struct db_stmt *s)
{
    const struct db_driver *d = drv_of(s);
    json_t *o = json_object();
    int n = d->col_count(s);
    for (int i = 0; i < n; i++) {
        const char *name = d->col_name(s, i);
        size_t len = strlen(name);
        char key[64];
        json_t *v;
        if (has_suffix(name, len, "__b")) {
            len -= 3;
            v = d->col_is_null(s, i) ? json_null() : json_boolean(d->col_int(s, i) != 0);
        } else if (has_suffix(name, len, "__j")) {
            len -= 3;
            const char *t = d->col_text(s, i);
            v = t ? json_loads(t, JSON_DECODE_ANY, NULL) : NULL;
            if (!v) v = json_null();
        } else if (d->col_is_null(s, i)) {
            v = json_null();
        } else if (d->col_is_int(s, i)) {
            v = json_integer(d->col_int(s, i));
        } else {
            v = json_string(d->col_text(s, i));
            if (!v) v = json_null(); /* not UTF-8: never stored by us, but never crash either */
        }
        if (len >= sizeof key) len = sizeof key - 1;
        memcpy(key, name, len);
        key[len] = 0;
        json_object_set_new(o, key, v);
    }
    return o;
}

int db_all_json(struct db_stmt *s, json_t **out)
{
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) json_array_append_new(arr, db_row_json(s));
    db_reset(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        *out = NULL;
        return rc;
    }
    *out = arr;
    return SX_OK;
}

int db_one_json(struct db_stmt *s, json_t **out)
{
    int rc = db_step(s);
    *out = NULL;
    if (rc == DB_ROW) *out = db_row_json(s);
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

int db_run(struct db_stmt *s)
{
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
    }
    db_reset(s);
    return rc == DB_DONE ? SX_OK : rc;
}

int db_int(struct db_stmt *s, int64_t *out)
{
    int rc = db_step(s);
    *out = 0;
    if (rc == DB_ROW) *out = db_col_int(s, 0);
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}
