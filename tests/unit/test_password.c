/* Password policy, hashing and expiry (domain/password.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>
#include "domain/password.h"
#include "util/err.h"

static void policy_length(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(password_check("Ab1@xyz", 8, NULL, &why), SX_EWEAKPASSWORD);
    assert_non_null(why);
    assert_int_equal(password_check("Ab1@wxyz", 8, NULL, &why), SX_OK);
    assert_int_equal(password_check("Ab1@wxyz", 12, NULL, &why), SX_EWEAKPASSWORD);
    /* at most PASSWORD_MAX_BYTES bytes */
    char long_pw[PASSWORD_MAX_BYTES + 2];
    memset(long_pw, 'a', sizeof long_pw - 1);
    long_pw[sizeof long_pw - 1] = 0;
    memcpy(long_pw, "A1@", 3);
    assert_int_equal(password_check(long_pw, 8, NULL, &why), SX_EWEAKPASSWORD);
    long_pw[PASSWORD_MAX_BYTES] = 0; /* exactly the maximum */
    assert_int_equal(password_check(long_pw, 8, NULL, &why), SX_OK);
}

static void policy_classes(void **state)
{
    (void)state;
    assert_int_equal(password_check("abcdefgh", 8, NULL, NULL), SX_EWEAKPASSWORD);
    assert_int_equal(password_check("abcd1234", 8, NULL, NULL), SX_EWEAKPASSWORD); /* two classes */
    assert_int_equal(password_check("abcD1234", 8, NULL, NULL), SX_OK);            /* three */
    assert_int_equal(password_check("abcd@234", 8, NULL, NULL), SX_OK);
    assert_int_equal(password_check("ABCD@EFG", 8, NULL, NULL), SX_EWEAKPASSWORD);
    assert_int_equal(password_check("ABCD@EF1", 8, NULL, NULL), SX_OK);
}

static void policy_username(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(password_check("xLeader@2026", 8, "leader", &why), SX_EWEAKPASSWORD);
    assert_non_null(strstr(why, "用户名"));
    assert_int_equal(password_check("LEADER@2026x", 8, "leader", NULL), SX_EWEAKPASSWORD); /* any case */
    assert_int_equal(password_check("Lead@2026xx", 8, "leader", NULL), SX_OK);
    /* names shorter than three characters are not searched */
    assert_int_equal(password_check("Ab@2026xyz", 8, "ab", NULL), SX_OK);
}

static void policy_utf8_length(void **state)
{
    (void)state;
    /* "密码Ab1@" is 6 characters but 10 bytes: too short for 8 characters. */
    assert_int_equal(password_check("密码Ab1@", 8, NULL, NULL), SX_EWEAKPASSWORD);
    assert_int_equal(password_check("密码Ab1@", 6, NULL, NULL), SX_OK);
    assert_int_equal(password_check("宁川地区Ab1@", 8, NULL, NULL), SX_OK);
    /* invalid UTF-8 is refused */
    assert_int_equal(password_check("Ab1@\xff\xfe\xfdxyz", 8, NULL, NULL), SX_EWEAKPASSWORD);
}

static void hash_verify(void **state)
{
    (void)state;
    char h1[PASSWORD_HASH_BYTES], h2[PASSWORD_HASH_BYTES];
    assert_int_equal(password_hash("Demo@2026", h1), SX_OK);
    assert_int_equal(password_hash("Demo@2026", h2), SX_OK);
    assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
    assert_string_not_equal(h1, h2); /* salted */
    assert_true(password_verify(h1, "Demo@2026"));
    assert_true(password_verify(h2, "Demo@2026"));
    assert_false(password_verify(h1, "Demo@2027"));
    assert_false(password_verify(h1, ""));
    assert_false(password_verify("not-a-hash", "Demo@2026"));
    assert_false(password_verify(NULL, "Demo@2026"));
}

static void expiry(void **state)
{
    (void)state;
    int64_t day = 86400, t0 = 1700000000;
    assert_false(password_expired(t0, 90, t0 + 90 * day));
    assert_true(password_expired(t0, 90, t0 + 90 * day + 1));
    assert_false(password_expired(t0, 0, t0 + 10000 * day)); /* 0: never */
    assert_false(password_expired(t0, 1, t0));
}

static void generate(void **state)
{
    (void)state;
    char a[17], b[17];
    password_generate(a);
    password_generate(b);
    assert_int_equal(strlen(a), 16);
    assert_string_not_equal(a, b);
    for (int i = 0; i < 50; i++) {
        password_generate(a);
        assert_int_equal(password_check(a, 16, "sysadmin", NULL), SX_OK);
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_length), cmocka_unit_test(policy_classes), cmocka_unit_test(policy_username),
        cmocka_unit_test(policy_utf8_length), cmocka_unit_test(hash_verify), cmocka_unit_test(expiry),
        cmocka_unit_test(generate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
