/* The SQLite store: migrations, bootstrap, regions, tree moves, the audit chain and the data
 * scope predicate, on temporary database files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"

static char dir[64], path[128];
static const struct audit_ctx actor = {.user_id = 0, .username = "unit-test", .ip = "local"};

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sixia-test-store-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    if (store_open(path)) return -1;
    struct db *db = store_db();
    int v = 0;
    if (store_migrate(db, &v) || v < 1) return -1;
    if (db_begin_write(db) || st_bootstrap(db) || db_commit(db)) return -1;
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

static int64_t region(const char *code, const char *name, int64_t level, int64_t parent)
{
    struct region_in in = {code, name, level, parent, 0};
    json_t *out = NULL;
    const char *field = NULL;
    int rc = st_region_create(store_db(), &actor, &in, &out, &field);
    assert_int_equal(rc, SX_OK);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return id;
}

static void migrate_and_bootstrap(void **state)
{
    (void)state;
    struct db *db = store_db();
    int64_t v = 0, n = 0;
    assert_int_equal(store_schema_version(db, &v), SX_OK);
    assert_true(v >= 1);
    /* migrating and bootstrapping again change nothing */
    int iv;
    assert_int_equal(store_migrate(db, &iv), SX_OK);
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(st_bootstrap(db), SX_OK);
    assert_int_equal(db_commit(db), SX_OK);
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM roles WHERE builtin = 1 AND code IN"
                                       " ('sysadmin','secadmin','auditadmin','clerk','handler','leader','planner')");
    assert_int_equal(db_int(s, &n), SX_OK);
    assert_int_equal(n, 7);
    s = db_prepare(db, "SELECT COUNT(*) FROM dict_items WHERE type = 'expertise_tag'");
    assert_int_equal(db_int(s, &n), SX_OK);
    assert_int_equal(n, 10);
    int empty = 0;
    assert_int_equal(st_load_is_empty(db, &empty), SX_OK);
    assert_true(empty);
}

static void regions_and_cycle(void **state)
{
    (void)state;
    struct db *db = store_db();
    int64_t pref = region("359900", "宁川地区", 1, 0);
    int64_t county = region("359901", "东山县", 2, pref);
    int64_t town = region("359901101", "城关镇", 3, county);
    /* level must follow the parent's */
    struct region_in bad = {"359901102", "错层", 4, county, 0};
    json_t *out = NULL;
    const char *field = NULL;
    assert_int_equal(st_region_create(db, &actor, &bad, &out, &field), SX_EVALIDATION);
    assert_string_equal(field, "parent_id");
    /* duplicate code */
    struct region_in dup = {"359901", "重复", 2, pref, 0};
    field = NULL;
    assert_int_equal(st_region_create(db, &actor, &dup, &out, &field), SX_EDUPLICATE);
    /* paths */
    assert_int_equal(st_region_get(db, town, &out), SX_OK);
    char want[64];
    snprintf(want, sizeof want, "/%lld/%lld/%lld/", (long long)pref, (long long)county, (long long)town);
    assert_string_equal(json_string_value(json_object_get(out, "path")), want);
    json_decref(out);
    /* moving a node under its own descendant, or under itself, is a cycle */
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(st_tree_move(db, TREE_REGIONS, pref, town), SX_ECYCLE);
    assert_int_equal(st_tree_move(db, TREE_REGIONS, county, county), SX_ECYCLE);
    assert_int_equal(st_tree_move(db, TREE_REGIONS, county, town), SX_ECYCLE);
    db_rollback(db);
    int empty = 1;
    assert_int_equal(st_load_is_empty(db, &empty), SX_OK);
    assert_false(empty);
}

/* Verifies the log against its checkpoint file, as `sixia check` does. */
static int verify_now(struct audit_verifier *v)
{
    char cpp[160];
    struct audit_anchor cp;
    enum audit_checkpoint_state cps;
    st_audit_checkpoint_path(path, cpp, sizeof cpp);
    assert_int_equal(st_audit_checkpoint_read(cpp, &cp, &cps), SX_OK);
    assert_int_equal(st_audit_verify(store_db(), cps, &cp, v), SX_OK);
    return v->nfound;
}

static int64_t checkpoint_id(void)
{
    char cpp[160];
    struct audit_anchor cp;
    enum audit_checkpoint_state cps;
    st_audit_checkpoint_path(path, cpp, sizeof cpp);
    assert_int_equal(st_audit_checkpoint_read(cpp, &cp, &cps), SX_OK);
    assert_int_equal(cps, AUDIT_CP_OK);
    return cp.id;
}

static void audit_chain_tamper(void **state)
{
    (void)state;
    struct db *db = store_db();
    region("359900", "宁川地区", 1, 0);
    region("359901", "东山县", 2, 1);
    region("359902", "西洋县", 2, 1);
    struct audit_verifier v;
    assert_int_equal(verify_now(&v), 0);
    assert_int_equal(v.count, 3);
    assert_int_equal(v.unkeyed, 0); /* a new database is keyed from its first record */
    /* the database itself refuses updates */
    log_set_quiet(1);
    assert_int_not_equal(db_exec(db, "UPDATE audit_log SET details = 'x' WHERE id = 2"), SX_OK);
    log_set_quiet(0);
    /* someone bypassing sixia drops the trigger and edits record 2 */
    assert_int_equal(db_exec(db, "DROP TRIGGER audit_log_no_update;"
                                 " UPDATE audit_log SET details = '{\"code\":\"000000\"}' WHERE id = 2"),
                     SX_OK);
    assert_int_equal(verify_now(&v), 1);
    assert_int_equal(v.found[0].what, AUDIT_BROKEN);
    assert_int_equal(v.found[0].id, 2);
    struct audit_trigger t[8];
    size_t n = 0;
    assert_int_equal(st_audit_triggers(db, 1, t, 8, &n), SX_OK);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].name, "audit_log_no_update");
    assert_int_equal(t[0].state, AUDIT_TRIGGER_MISSING);
    for (size_t i = 1; i < n; i++) assert_int_equal(t[i].state, AUDIT_TRIGGER_OK);
}

static void audit_tail_deleted(void **state)
{
    (void)state;
    struct db *db = store_db();
    region("359900", "宁川地区", 1, 0);
    region("359901", "东山县", 2, 1);
    assert_int_equal(checkpoint_id(), 2);
    assert_int_equal(db_exec(db, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2"), SX_OK);
    struct audit_verifier v;
    assert_true(verify_now(&v) >= 1);
    assert_int_equal(v.found[0].what, AUDIT_CUT);
    assert_int_equal(v.found[0].id, 2);
    /* the next append finds the record the checkpoint names gone: the checkpoint stays as
     * evidence instead of following the shortened log */
    log_set_quiet(1);
    region("359902", "西洋县", 2, 1);
    log_set_quiet(0);
    assert_int_equal(checkpoint_id(), 2);
    assert_true(verify_now(&v) >= 1);
    assert_int_equal(v.found[0].what, AUDIT_CHECKPOINT_MISMATCH);
}

static void audit_checkpoint_follows_commits(void **state)
{
    (void)state;
    struct db *db = store_db();
    region("359900", "宁川地区", 1, 0);
    int64_t before = checkpoint_id();
    /* a rolled-back append does not move it */
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(st_audit_append(db, &actor, "test.rolled_back", "", "", 1, ""), SX_OK);
    db_rollback(db);
    assert_int_equal(checkpoint_id(), before);
    /* a committed one does, as does a transaction with several */
    assert_int_equal(st_audit(db, &actor, "test.one", "", "", 1, ""), SX_OK);
    assert_int_equal(checkpoint_id(), before + 1);
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(st_audit_append(db, &actor, "test.two", "", "", 1, ""), SX_OK);
    assert_int_equal(st_audit_append(db, &actor, "test.three", "", "", 1, ""), SX_OK);
    assert_int_equal(db_commit(db), SX_OK);
    assert_int_equal(checkpoint_id(), before + 3);
    /* deferred to the janitor thread: written within a tick, and on stopping it */
    store_janitor_start();
    assert_int_equal(st_audit(db, &actor, "test.four", "", "", 1, ""), SX_OK);
    store_janitor_stop();
    assert_int_equal(checkpoint_id(), before + 4);
    struct audit_verifier v;
    assert_int_equal(verify_now(&v), 0);
    assert_int_equal(v.count, before + 4);
}

/* Cadre names visible under a scope, joined with ','. */
/* Details of the last audit record into out. */
static void last_details(char *out, size_t n)
{
    struct db_stmt *s = db_prepare(store_db(), "SELECT details FROM audit_log ORDER BY id DESC LIMIT 1");
    assert_int_equal(db_step(s), DB_ROW);
    snprintf(out, n, "%s", db_col_text(s, 0));
    db_reset(s);
}

/* A record made through an API token carries the token's id in its details, whatever their
 * form, and the chain still verifies. */
static void audit_names_token(void **state)
{
    (void)state;
    struct db *db = store_db();
    const struct audit_ctx tok = {.user_id = 0, .username = "token:对接", .ip = "local", .token_id = 7};
    char d[256];
    assert_int_equal(st_audit(db, &tok, "x.plain", "x", "1", 1, "纯文本说明"), SX_OK);
    last_details(d, sizeof d);
    assert_string_equal(d, "纯文本说明；token_id=7");
    assert_int_equal(st_audit(db, &tok, "x.json", "x", "1", 1, "{\"a\":1}"), SX_OK);
    last_details(d, sizeof d);
    assert_string_equal(d, "{\"a\":1,\"token_id\":7}");
    assert_int_equal(st_audit(db, &tok, "x.empty", "x", "1", 1, ""), SX_OK);
    last_details(d, sizeof d);
    assert_string_equal(d, "{\"token_id\":7}");
    assert_int_equal(st_audit(db, &tok, "x.null", "x", "1", 1, NULL), SX_OK);
    last_details(d, sizeof d);
    assert_string_equal(d, "{\"token_id\":7}");
    assert_int_equal(st_audit(db, &tok, "x.array", "x", "1", 1, "[1]"), SX_OK);
    last_details(d, sizeof d);
    assert_string_equal(d, "[1]；token_id=7");
    /* without a token nothing is added */
    assert_int_equal(st_audit(db, &actor, "x.person", "x", "1", 1, "说明"), SX_OK);
    last_details(d, sizeof d);
    assert_string_equal(d, "说明");
    struct audit_verifier v;
    assert_int_equal(verify_now(&v), 0); /* the chain still verifies */
}

static void visible(const struct scope *sc, char *out, size_t n)
{
    struct db_stmt *s = store_prepare_scoped(store_db(), "SELECT c.name FROM cadres c WHERE "
                                             SCOPE_PRED("c.unit_id", "c.created_by") " ORDER BY c.name", sc);
    assert_non_null(s);
    out[0] = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", l ? "," : "", db_col_text(s, 0));
    }
    db_reset(s);
    assert_int_equal(rc, DB_DONE);
}

static void unit_path(int64_t id, char *out, size_t n)
{
    struct db_stmt *s = db_prepare(store_db(), "SELECT path FROM units WHERE id = ?");
    db_bind_int(s, 1, id);
    assert_int_equal(db_step(s), DB_ROW);
    snprintf(out, n, "%s", db_col_text(s, 0));
    db_reset(s);
}

static void scope_predicate(void **state)
{
    (void)state;
    struct db *db = store_db();
    int64_t r = region("359900", "宁川地区", 1, 0);
    int64_t a, a1, a11, b, b1, id;
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(st_load_unit(db, "A", "甲县政府", "government", 0, r, &a), SX_OK);
    assert_int_equal(st_load_unit(db, "A1", "甲县信访局", "department", a, r, &a1), SX_OK);
    assert_int_equal(st_load_unit(db, "A11", "甲县接访科", "office", a1, r, &a11), SX_OK);
    assert_int_equal(st_load_unit(db, "B", "乙县政府", "government", 0, r, &b), SX_OK);
    assert_int_equal(st_load_unit(db, "B1", "乙县信访局", "department", b, r, &b1), SX_OK);
    const char *tags[] = {"法律"};
    assert_int_equal(st_load_cadre(db, "a", a, "县长", 1, tags, 1, &id), SX_OK);
    assert_int_equal(st_load_cadre(db, "a1", a1, "局长", 0, NULL, 0, &id), SX_OK);
    assert_int_equal(st_load_cadre(db, "a11", a11, "科长", 0, NULL, 0, &id), SX_OK);
    assert_int_equal(st_load_cadre(db, "b", b, "县长", 1, NULL, 0, &id), SX_OK);
    assert_int_equal(st_load_cadre(db, "b1", b1, "局长", 0, NULL, 0, &id), SX_OK);
    assert_int_equal(db_commit(db), SX_OK);

    char got[256], p[200];
    struct scope sc;
    /* own unit and below, from A1: A1 and A11, never B's rows nor the parent A */
    memset(&sc, 0, sizeof sc);
    sc.below = 1;
    sc.unit_id = a1;
    unit_path(a1, p, sizeof p);
    store_path_range(p, sc.below_lo, sc.below_hi, sizeof sc.below_lo);
    visible(&sc, got, sizeof got);
    assert_string_equal(got, "a1,a11");
    /* from A: the whole of A's tree */
    sc.unit_id = a;
    unit_path(a, p, sizeof p);
    store_path_range(p, sc.below_lo, sc.below_hi, sizeof sc.below_lo);
    visible(&sc, got, sizeof got);
    assert_string_equal(got, "a,a1,a11");
    /* own unit only */
    memset(&sc, 0, sizeof sc);
    sc.own = 1;
    sc.unit_id = b;
    visible(&sc, got, sizeof got);
    assert_string_equal(got, "b");
    /* all */
    memset(&sc, 0, sizeof sc);
    sc.all = 1;
    visible(&sc, got, sizeof got);
    assert_string_equal(got, "a,a1,a11,b,b1");
    /* only self: nothing was created by user 42 */
    memset(&sc, 0, sizeof sc);
    sc.self = 1;
    sc.user_id = 42;
    visible(&sc, got, sizeof got);
    assert_string_equal(got, "");
    /* no scope flag at all: nothing */
    memset(&sc, 0, sizeof sc);
    visible(&sc, got, sizeof got);
    assert_string_equal(got, "");
    /* several roles combine with OR: own unit B, and A1 with everything below it */
    memset(&sc, 0, sizeof sc);
    sc.own = 1;
    sc.below = 1;
    sc.unit_id = b;
    unit_path(a1, p, sizeof p);
    store_path_range(p, sc.below_lo, sc.below_hi, sizeof sc.below_lo);
    visible(&sc, got, sizeof got);
    assert_string_equal(got, "a1,a11,b");
}

static void bulk_load_checks(void **state)
{
    (void)state;
    struct db *db = store_db();
    int64_t r, c, id, lvl;
    assert_int_equal(db_begin_write(db), SX_OK);
    assert_int_equal(st_load_region(db, "359900", "宁川地区", 1, 0, &r), SX_OK);
    assert_int_equal(st_load_region(db, "359901", "东山县", 2, r, &c), SX_OK);
    assert_int_equal(st_load_region(db, "359902", "错层", 3, r, &id), SX_EVALIDATION);
    assert_int_equal(st_load_region(db, "359903", "无上级", 2, 0, &id), SX_EVALIDATION);
    log_set_quiet(1);
    assert_int_equal(st_load_region(db, "359901", "重复", 2, r, &id), SX_EDUPLICATE);
    log_set_quiet(0);
    assert_int_equal(st_load_region_by_code(db, "359901", &id, &lvl), SX_OK);
    assert_int_equal(id, c);
    assert_int_equal(lvl, 2);
    assert_int_equal(st_load_region_by_code(db, "000000", &id, NULL), SX_ENOTFOUND);
    assert_int_equal(st_load_dict_label(db, "expertise_tag", "经济发展"), SX_OK);
    assert_int_equal(st_load_dict_label(db, "expertise_tag", "火箭科学"), SX_ENOTFOUND);
    uint64_t perms;
    assert_int_equal(st_cli_role_perms(db, "auditadmin", &perms), SX_OK);
    assert_true(perms != 0);
    assert_int_equal(st_cli_role_perms(db, "nosuch", &perms), SX_ENOTFOUND);
    db_rollback(db);
    assert_int_equal(st_load_region_by_code(db, "359900", &id, NULL), SX_ENOTFOUND); /* rolled back */
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(migrate_and_bootstrap, setup, teardown),
        cmocka_unit_test_setup_teardown(regions_and_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_chain_tamper, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_tail_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_names_token, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_checkpoint_follows_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(scope_predicate, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_load_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
