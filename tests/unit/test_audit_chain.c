/* The audit log's hash chain (domain/audit_chain.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>
#include "domain/audit_chain.h"

static struct audit_fields base(void)
{
    struct audit_fields f = {
        .id = 7,
        .ts = "2026-11-29T08:00:00Z",
        .username = "sysadmin",
        .ip = "127.0.0.1",
        .action = "user.create",
        .object_type = "user",
        .object_id = "12",
        .result = "success",
        .details = "{\"username\":\"张三\"}",
        .user_id = 1,
    };
    return f;
}

static void deterministic(void **state)
{
    (void)state;
    struct audit_fields f = base();
    char a[65], b[65];
    audit_chain_hash(AUDIT_GENESIS, &f, a);
    audit_chain_hash(AUDIT_GENESIS, &f, b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);
}

static void every_field_counts(void **state)
{
    (void)state;
    char ref[65], h[65];
    struct audit_fields f0 = base();
    audit_chain_hash(AUDIT_GENESIS, &f0, ref);
    for (int k = 0; k < 10; k++) {
        struct audit_fields f = base();
        switch (k) {
        case 0: f.id = 8; break;
        case 1: f.ts = "2026-11-29T08:00:01Z"; break;
        case 2: f.username = "secadmin"; break;
        case 3: f.ip = "127.0.0.2"; break;
        case 4: f.action = "user.update"; break;
        case 5: f.object_type = "role"; break;
        case 6: f.object_id = "13"; break;
        case 7: f.result = "failure"; break;
        case 8: f.details = "{\"username\":\"李四\"}"; break;
        case 9: f.user_id = 2; break;
        }
        audit_chain_hash(AUDIT_GENESIS, &f, h);
        if (strcmp(ref, h) == 0) fail_msg("changing field %d did not change the hash", k);
    }
}

static void prev_matters(void **state)
{
    (void)state;
    struct audit_fields f = base();
    char a[65], b[65], first[65];
    audit_chain_hash(AUDIT_GENESIS, &f, first);
    audit_chain_hash(AUDIT_GENESIS, &f, a);
    audit_chain_hash(first, &f, b);
    assert_string_not_equal(a, b);
}

static void length_prefix(void **state)
{
    (void)state;
    /* Plain concatenation would make ("a","bc") and ("ab","c") collide. */
    struct audit_fields x = base(), y = base();
    x.object_type = "a";
    x.object_id = "bc";
    y.object_type = "ab";
    y.object_id = "c";
    char a[65], b[65];
    audit_chain_hash(AUDIT_GENESIS, &x, a);
    audit_chain_hash(AUDIT_GENESIS, &y, b);
    assert_string_not_equal(a, b);
    /* NULL and "" are the same empty field */
    struct audit_fields n = base(), e = base();
    n.details = NULL;
    e.details = "";
    audit_chain_hash(AUDIT_GENESIS, &n, a);
    audit_chain_hash(AUDIT_GENESIS, &e, b);
    assert_string_equal(a, b);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic), cmocka_unit_test(every_field_counts), cmocka_unit_test(prev_matters),
        cmocka_unit_test(length_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
