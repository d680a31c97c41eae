/* Permissions and 三员分立 (domain/perm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "domain/perm.h"

static void from_code(void **state)
{
    (void)state;
    assert_int_equal(perm_from_code("cadre:read"), P_CADRE_READ);
    assert_int_equal(perm_from_code("audit:read"), P_AUDIT_READ);
    assert_int_equal(perm_from_code("nope:read"), -1);
    assert_int_equal(perm_from_code("cadre:rea"), -1);
    assert_int_equal(perm_from_code(""), -1);
    assert_int_equal(perm_from_code(NULL), -1);
    /* every code round-trips and codes are unique */
    for (int i = 0; i < P__COUNT; i++) {
        assert_non_null(perm_table[i].code);
        assert_int_equal(perm_from_code(perm_table[i].code), i);
    }
}

static void classes(void **state)
{
    (void)state;
    assert_int_equal(perm_classes(0), AC_NONE);
    assert_int_equal(perm_classes(perm_bit(P_CADRE_READ) | perm_bit(P_REGION_WRITE)), AC_NONE);
    assert_int_equal(perm_classes(perm_bit(P_USER_WRITE)), AC_SYS);
    assert_int_equal(perm_classes(perm_bit(P_ROLE_WRITE)), AC_SEC);
    assert_int_equal(perm_classes(perm_bit(P_AUDIT_READ)), AC_AUDIT);
    assert_int_equal(perm_classes(perm_bit(P_USER_WRITE) | perm_bit(P_AUDIT_READ)), AC_SYS | AC_AUDIT);
    assert_string_equal(admin_class_code(AC_SYS), "sys");
    assert_string_equal(admin_class_code(AC_SEC), "sec");
    assert_string_equal(admin_class_code(AC_AUDIT), "audit");
    assert_null(admin_class_code(AC_NONE));
    assert_int_equal(admin_class_from_code("sec"), AC_SEC);
    assert_int_equal(admin_class_from_code("x"), AC_NONE);
    assert_int_equal(admin_class_from_code(NULL), AC_NONE);
}

/* One permission of each administrator class. */
static uint64_t one_of(int ac)
{
    for (int i = 0; i < P__COUNT; i++)
        if (perm_table[i].admin_class == ac) return perm_bit(i);
    fail_msg("no permission of class %d", ac);
    return 0;
}

static void sod_pairs(void **state)
{
    (void)state;
    uint64_t sys = one_of(AC_SYS), sec = one_of(AC_SEC), aud = one_of(AC_AUDIT), plain = perm_bit(P_CADRE_READ);
    assert_false(perm_violates_sod(0));
    assert_false(perm_violates_sod(plain));
    assert_false(perm_violates_sod(sys | plain));
    assert_false(perm_violates_sod(sec | plain));
    assert_false(perm_violates_sod(aud | plain));
    assert_true(perm_violates_sod(sys | sec));
    assert_true(perm_violates_sod(sys | aud));
    assert_true(perm_violates_sod(sec | aud));
    assert_true(perm_violates_sod(sys | sec | aud));
    /* every pair of permissions of different classes */
    for (int i = 0; i < P__COUNT; i++)
        for (int j = 0; j < P__COUNT; j++) {
            int a = perm_table[i].admin_class, b = perm_table[j].admin_class;
            int expect = a && b && a != b;
            assert_int_equal(perm_violates_sod(perm_bit(i) | perm_bit(j)), expect);
        }
}

static const struct builtin_role *role(const char *code)
{
    for (int i = 0; i < builtin_role_count; i++)
        if (!strcmp(builtin_roles[i].code, code)) return &builtin_roles[i];
    fail_msg("no built-in role %s", code);
    return NULL;
}

static void builtin_admins(void **state)
{
    (void)state;
    const struct builtin_role *sys = role("sysadmin"), *sec = role("secadmin"), *aud = role("auditadmin");
    assert_int_equal(sys->admin_class, AC_SYS);
    assert_int_equal(sec->admin_class, AC_SEC);
    assert_int_equal(aud->admin_class, AC_AUDIT);
    /* none mixes classes, and each holds only its own class */
    assert_int_equal(perm_classes(sys->perms), AC_SYS);
    assert_int_equal(perm_classes(sec->perms), AC_SEC);
    assert_int_equal(perm_classes(aud->perms), AC_AUDIT);
    /* the class-bound permissions are disjoint between the three */
    uint64_t cls[3] = {0};
    const struct builtin_role *r3[3] = {sys, sec, aud};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < P__COUNT; i++)
            if ((r3[k]->perms & perm_bit(i)) && perm_table[i].admin_class) cls[k] |= perm_bit(i);
    assert_int_equal(cls[0] & cls[1], 0);
    assert_int_equal(cls[0] & cls[2], 0);
    assert_int_equal(cls[1] & cls[2], 0);
    /* the auditor cannot manage users or roles, the others cannot read the audit log */
    assert_false(aud->perms & perm_bit(P_USER_WRITE));
    assert_false(sys->perms & perm_bit(P_AUDIT_READ));
    assert_false(sec->perms & perm_bit(P_AUDIT_READ));
    assert_false(sys->perms & perm_bit(P_ROLE_WRITE));
    /* no built-in role at all violates 三员分立, business roles hold no admin class */
    for (int i = 0; i < builtin_role_count; i++) {
        assert_false(perm_violates_sod(builtin_roles[i].perms));
        if (!builtin_roles[i].admin_class) assert_int_equal(perm_classes(builtin_roles[i].perms), AC_NONE);
        assert_true(builtin_roles[i].data_scope >= DS_ALL && builtin_roles[i].data_scope <= DS_SELF);
    }
}

/* API tokens act as integration accounts: no administrator class, no personal data. */
static const struct builtin_role *builtin(const char *code)
{
    for (int i = 0; i < builtin_role_count; i++)
        if (strcmp(builtin_roles[i].code, code) == 0) return &builtin_roles[i];
    fail_msg("no built-in role %s", code);
    return NULL;
}

static void token_roles(void **state)
{
    (void)state;
    assert_int_equal(perm_token_role_check(0), TOKEN_ROLE_OK);
    assert_int_equal(perm_token_role_check(perm_bit(P_CASE_READ) | perm_bit(P_CASE_INTAKE)), TOKEN_ROLE_OK);
    assert_int_equal(perm_token_role_check(perm_bit(P_CASE_READ) | perm_bit(P_CASE_PII)), TOKEN_ROLE_PERSONAL);
    assert_int_equal(perm_token_role_check(perm_bit(P_CASE_REPORT)), TOKEN_ROLE_PERSONAL);
    assert_int_equal(perm_token_role_check(perm_bit(P_TOKEN_MANAGE)), TOKEN_ROLE_ADMIN);
    /* an administrator permission is named first even beside personal-data ones */
    assert_int_equal(perm_token_role_check(perm_bit(P_AUDIT_READ) | perm_bit(P_CASE_PII)), TOKEN_ROLE_ADMIN);
    assert_int_equal(perm_token_role_check(one_of(AC_SYS)), TOKEN_ROLE_ADMIN);
    assert_int_equal(perm_token_role_check(one_of(AC_SEC)), TOKEN_ROLE_ADMIN);
    assert_int_equal(perm_token_role_check(one_of(AC_AUDIT)), TOKEN_ROLE_ADMIN);
    /* the built-in roles: the three administrators, and the two that see personal data, are out */
    assert_int_equal(perm_token_role_check(builtin("sysadmin")->perms), TOKEN_ROLE_ADMIN);
    assert_int_equal(perm_token_role_check(builtin("secadmin")->perms), TOKEN_ROLE_ADMIN);
    assert_int_equal(perm_token_role_check(builtin("auditadmin")->perms), TOKEN_ROLE_ADMIN);
    assert_int_equal(perm_token_role_check(builtin("clerk")->perms), TOKEN_ROLE_PERSONAL);
    assert_int_equal(perm_token_role_check(builtin("leader")->perms), TOKEN_ROLE_PERSONAL);
    assert_int_equal(perm_token_role_check(builtin("handler")->perms), TOKEN_ROLE_OK);
    assert_int_equal(perm_token_role_check(builtin("planner")->perms), TOKEN_ROLE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(from_code), cmocka_unit_test(classes), cmocka_unit_test(sod_pairs),
        cmocka_unit_test(builtin_admins), cmocka_unit_test(token_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
