/* Password policy, hashing and expiry (domain/password.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
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
    assert_int_equal(password_match(h1, "Demo@2026"), SX_OK);
    assert_int_equal(password_match(h2, "Demo@2026"), SX_OK);
    assert_int_equal(password_match(h1, "Demo@2027"), SX_ECREDS);
    assert_int_equal(password_match(h1, ""), SX_ECREDS);
    assert_int_equal(password_match("not-a-hash", "Demo@2026"), SX_ECREDS);
    assert_int_equal(password_match(NULL, "Demo@2026"), SX_ECREDS);
    assert_int_equal(password_match(NULL, "dummy-Password-1"), SX_ECREDS); /* not even the dummy's own */
}

/* ---- the hashing gate ---- */
static atomic_int peak_running, stop_sampling;

static void *sampler(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_sampling)) {
        int n = password_gate_running();
        if (n > atomic_load(&peak_running)) atomic_store(&peak_running, n);
        usleep(500);
    }
    return NULL;
}

static void *hash_one(void *arg)
{
    char h[PASSWORD_HASH_BYTES];
    *(int *)arg = password_hash("Gate@2026x", h);
    return NULL;
}

static void gate_bounds_running(void **state)
{
    (void)state;
    password_gate_set(2, 60000); /* long wait: every one gets its turn */
    atomic_store(&peak_running, 0);
    atomic_store(&stop_sampling, 0);
    pthread_t s, t[6];
    int rc[6];
    pthread_create(&s, NULL, sampler, NULL);
    for (int i = 0; i < 6; i++) pthread_create(&t[i], NULL, hash_one, &rc[i]);
    for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
    atomic_store(&stop_sampling, 1);
    pthread_join(s, NULL);
    for (int i = 0; i < 6; i++) assert_int_equal(rc[i], SX_OK);
    assert_true(atomic_load(&peak_running) >= 1);
    assert_true(atomic_load(&peak_running) <= 2);
    assert_int_equal(password_gate_running(), 0);
    password_gate_set(0, 0);
}

static void gate_busy_after_wait(void **state)
{
    (void)state;
    char h[PASSWORD_HASH_BYTES];
    assert_int_equal(password_hash("Gate@2026x", h), SX_OK);
    password_gate_set(1, 0);
    pthread_t t;
    int rc = -1;
    pthread_create(&t, NULL, hash_one, &rc);
    while (password_gate_running() == 0) usleep(100);
    /* the one slot is taken: no waiting allowed → busy at once, nothing checked */
    assert_int_equal(password_match(h, "Gate@2026x"), SX_EBUSY);
    assert_int_equal(password_hash("Gate@2026x", h), SX_EBUSY);
    /* a wait longer than one hash gets the slot when the holder leaves */
    password_gate_set(1, 60000);
    assert_int_equal(password_match(h, "Gate@2026x"), SX_OK);
    pthread_join(t, NULL);
    assert_int_equal(rc, SX_OK);
    /* a short wait that runs out reports busy after about that long */
    password_gate_set(1, 30);
    rc = -1;
    pthread_create(&t, NULL, hash_one, &rc);
    while (password_gate_running() == 0) usleep(100);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int busy = password_match(h, "Gate@2026x");
    clock_gettime(CLOCK_MONOTONIC, &b);
    pthread_join(t, NULL);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    /* busy after ≥ 30 ms, or the holder finished first and the check ran */
    assert_true((busy == SX_EBUSY && ms >= 29) || busy == SX_OK);
    password_gate_set(0, 0);
    assert_int_equal(password_gate_running(), 0);
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
        cmocka_unit_test(generate), cmocka_unit_test(gate_bounds_running), cmocka_unit_test(gate_busy_after_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
