/* The write path (app/app.c): one transaction per use case, bounded retries when the database
 * gives a transaction up, refusals that change nothing but may leave a failure record, and the
 * compare-and-set gateways (store_bump_version, st_setting_replace) it relies on. On a
 * temporary SQLite database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/app.h"
#include "store/st_holiday.h"
#include "store/store.h"
#include "util/err.h"

static char dir[64], path[128];
static const struct audit_ctx actor = {.user_id = 0, .username = "unit-test", .ip = "local"};

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sixia-test-app-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    if (store_open(path)) return -1;
    int v = 0;
    if (store_migrate(store_db(), &v) || v < 1) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close();
    char p[160];
    const char *suffix[] = {"", "-wal", "-shm", ".key", ".audit"};
    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static int64_t count(const char *sql)
{
    int64_t n = -1;
    struct db_stmt *s = db_prepare(store_db(), sql);
    assert_non_null(s);
    assert_int_equal(db_int(s, &n), SX_OK);
    return n;
}

static const struct holiday_in day_in = {"holiday", "测试"};

/* Writes a row and an audit record, then reports the database gave up until attempt `until`. */
struct flaky {
    int calls, until;
};
static int flaky_fn(struct app_ctx *c, void *arg)
{
    struct flaky *f = arg;
    assert_int_equal(c->attempt, f->calls);
    f->calls++;
    int rc = st_holiday_insert(c->db, "2099-01-05", &day_in, "2026-01-01T00:00:00Z");
    if (rc) return rc;
    if ((rc = app_audit(c, "test.flaky", "holiday", "2099-01-05", NULL))) return rc;
    return c->attempt < f->until ? SX_ERETRY : SX_OK;
}

static void retries_until_committed(void **state)
{
    (void)state;
    struct flaky f = {0, 2};
    struct app_err e;
    assert_int_equal(app_write(store_db(), &actor, flaky_fn, &f, &e), SX_OK);
    app_err_clear(&e);
    assert_int_equal(f.calls, 3);
    /* the two attempts given up left nothing: one row, one record */
    assert_int_equal(count("SELECT COUNT(*) FROM holidays WHERE day = '2099-01-05'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'test.flaky'"), 1);
}

static void gives_up_after_bounded_attempts(void **state)
{
    (void)state;
    struct flaky f = {0, 1000};
    struct app_err e;
    assert_int_equal(app_write(store_db(), &actor, flaky_fn, &f, &e), SX_ERETRY);
    assert_int_equal(e.code, SX_ERETRY);
    app_err_clear(&e);
    assert_int_equal(f.calls, APP_MAX_ATTEMPTS);
    assert_int_equal(count("SELECT COUNT(*) FROM holidays WHERE day = '2099-01-05'"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'test.flaky'"), 0);
}

static int refuse_fn(struct app_ctx *c, void *arg)
{
    (void)arg;
    int rc = st_holiday_insert(c->db, "2099-01-06", &day_in, "2026-01-01T00:00:00Z");
    if (rc) return rc;
    if ((rc = app_audit(c, "test.refused", "holiday", "2099-01-06", NULL))) return rc;
    assert_int_equal(app_audit_failure(c, "test.refused", "holiday", "2099-01-06", "why"), SX_OK);
    app_fail_extra(c, "allowed", json_pack("[s]", "accept"));
    return app_fail(c, SX_EVALIDATION, "name", "名称不能为空");
}

static void refusal_changes_nothing_but_is_recorded(void **state)
{
    (void)state;
    struct app_err e;
    assert_int_equal(app_write(store_db(), &actor, refuse_fn, NULL, &e), SX_EVALIDATION);
    assert_int_equal(e.code, SX_EVALIDATION);
    assert_string_equal(e.field, "name");
    assert_string_equal(e.msg, "名称不能为空");
    assert_non_null(e.extra);
    assert_string_equal(json_string_value(json_array_get(json_object_get(e.extra, "allowed"), 0)), "accept");
    app_err_clear(&e);
    assert_null(e.extra);
    assert_int_equal(count("SELECT COUNT(*) FROM holidays WHERE day = '2099-01-06'"), 0);
    /* the success record went with the rollback; the failure record was written on its own */
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'test.refused' AND result = 'success'"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'test.refused' AND result = 'failure'"
                           " AND details = 'why' AND username = 'unit-test'"),
                     1);
}

static int mismatch_fn(struct app_ctx *c, void *arg)
{
    (void)arg;
    app_fail(c, SX_EVALIDATION, "day", "日期无效");
    return SX_EINTERNAL; /* what is returned is the answer */
}

static int first_reason_fn(struct app_ctx *c, void *arg)
{
    (void)arg;
    app_fail(c, SX_ECONFLICT, "a", "第一个原因");
    return app_fail(c, SX_ECONFLICT, "b", "第二个原因");
}

static void error_record_follows_the_code(void **state)
{
    (void)state;
    struct app_err e;
    assert_int_equal(app_write(store_db(), &actor, mismatch_fn, NULL, &e), SX_EINTERNAL);
    assert_int_equal(e.code, SX_EINTERNAL);
    assert_string_equal(e.msg, "");
    assert_string_equal(e.field, "");
    app_err_clear(&e);
    assert_int_equal(app_write(store_db(), &actor, first_reason_fn, NULL, &e), SX_ECONFLICT);
    assert_string_equal(e.field, "a");
    assert_string_equal(e.msg, "第一个原因");
    app_err_clear(&e);
    /* no error record wanted */
    assert_int_equal(app_write(store_db(), &actor, first_reason_fn, NULL, NULL), SX_ECONFLICT);
}

static int bump_fn(struct app_ctx *c, void *arg)
{
    const int64_t *version = arg;
    return store_bump_version_key(c->db, "holidays", "day", "2099-01-07", *version, "2026-01-02T00:00:00Z");
}

static void version_checked_inside_the_update(void **state)
{
    (void)state;
    struct db *db = store_db();
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(st_holiday_insert(db, "2099-01-07", &day_in, "2026-01-01T00:00:00Z"), SX_OK);
    assert_int_equal(db_commit(db), SX_OK);
    int64_t v = 1;
    assert_int_equal(app_write(db, &actor, bump_fn, &v, NULL), SX_OK);
    assert_int_equal(count("SELECT version FROM holidays WHERE day = '2099-01-07'"), 2);
    /* the second writer with the same version loses, and changes nothing */
    assert_int_equal(app_write(db, &actor, bump_fn, &v, NULL), SX_EVERSION);
    assert_int_equal(count("SELECT version FROM holidays WHERE day = '2099-01-07'"), 2);
    v = 2;
    assert_int_equal(app_write(db, &actor, bump_fn, &v, NULL), SX_OK);
    assert_int_equal(count("SELECT version FROM holidays WHERE day = '2099-01-07'"), 3);
    /* an unknown key is not a conflict */
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(store_bump_version_key(db, "holidays", "day", "2099-01-08", 1, "x"), SX_ENOTFOUND);
    assert_int_equal(store_bump_version(db, "regions", 987654, 1, "x"), SX_ENOTFOUND);
    /* the holiday update gateway goes through it */
    assert_int_equal(st_holiday_update(db, "2099-01-07", 1, &day_in, "x"), SX_EVERSION);
    assert_int_equal(st_holiday_update(db, "2099-01-07", 3, &day_in, "x"), SX_OK);
    assert_int_equal(st_holiday_update(db, "2099-01-09", 1, &day_in, "x"), SX_ENOTFOUND);
    db_rollback(db);
}

static void setting_compare_and_set(void **state)
{
    (void)state;
    struct db *db = store_db();
    char buf[32];
    assert_int_equal(db_begin_write(db), SX_OK);
    /* absent: only the writer expecting absence wins */
    assert_int_equal(st_setting_replace(db, "test.k", "1", "2"), SX_EVERSION);
    assert_int_equal(st_setting_replace(db, "test.k", NULL, "1"), SX_OK);
    assert_int_equal(st_setting_replace(db, "test.k", NULL, "1"), SX_EVERSION);
    assert_int_equal(st_setting_replace(db, "test.k", "0", "2"), SX_EVERSION);
    assert_int_equal(st_setting_get(db, "test.k", buf, sizeof buf), SX_OK);
    assert_string_equal(buf, "1");
    assert_int_equal(st_setting_replace(db, "test.k", "1", "2"), SX_OK);
    assert_int_equal(st_setting_get(db, "test.k", buf, sizeof buf), SX_OK);
    assert_string_equal(buf, "2");
    db_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(retries_until_committed, setup, teardown),
        cmocka_unit_test_setup_teardown(gives_up_after_bounded_attempts, setup, teardown),
        cmocka_unit_test_setup_teardown(refusal_changes_nothing_but_is_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(error_record_follows_the_code, setup, teardown),
        cmocka_unit_test_setup_teardown(version_checked_inside_the_update, setup, teardown),
        cmocka_unit_test_setup_teardown(setting_compare_and_set, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
