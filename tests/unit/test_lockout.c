/* Login-failure counters (domain/lockout.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "domain/lockout.h"

#define T0 1700000000

static void locks_at_threshold(void **state)
{
    (void)state;
    struct lockout_counter c = {0};
    for (int i = 0; i < 4; i++) assert_false(lockout_record_failure(&c, T0 + i, 5, 600, 600));
    assert_int_equal(c.count, 4);
    assert_int_equal(lockout_remaining(&c, T0 + 4), 0);
    assert_true(lockout_record_failure(&c, T0 + 4, 5, 600, 600));
    assert_int_equal(lockout_remaining(&c, T0 + 4), 600);
    assert_int_equal(lockout_remaining(&c, T0 + 603), 1);
    assert_int_equal(lockout_remaining(&c, T0 + 604), 0);
    /* the lock starts a new count */
    assert_int_equal(c.count, 0);
    assert_false(lockout_record_failure(&c, T0 + 700, 5, 600, 600));
    assert_int_equal(c.count, 1);
}

static void window_restarts(void **state)
{
    (void)state;
    struct lockout_counter c = {0};
    for (int i = 0; i < 4; i++) assert_false(lockout_record_failure(&c, T0 + i, 5, 600, 600));
    /* the fifth failure comes after the window: a new count, no lock */
    assert_false(lockout_record_failure(&c, T0 + 600, 5, 600, 600));
    assert_int_equal(c.count, 1);
    assert_int_equal(c.window_start, T0 + 600);
    /* a clock that went back starts a new window too */
    assert_false(lockout_record_failure(&c, T0 + 10, 5, 600, 600));
    assert_int_equal(c.count, 1);
    assert_int_equal(c.window_start, T0 + 10);
}

static void threshold_one_and_zero(void **state)
{
    (void)state;
    struct lockout_counter c = {0};
    assert_true(lockout_record_failure(&c, T0, 1, 60, 120));
    assert_int_equal(lockout_remaining(&c, T0), 120);
    struct lockout_counter d = {0};
    for (int i = 0; i < 100; i++) assert_false(lockout_record_failure(&d, T0 + i, 0, 600, 600));
    assert_int_equal(lockout_remaining(&d, T0 + 100), 0);
}

static void minutes_left(void **state)
{
    (void)state;
    assert_int_equal(lockout_minutes_left(0), 1);
    assert_int_equal(lockout_minutes_left(1), 1);
    assert_int_equal(lockout_minutes_left(60), 1);
    assert_int_equal(lockout_minutes_left(61), 2);
    assert_int_equal(lockout_minutes_left(600), 10);
}

static void addr(const char *ip, const char *want)
{
    char out[64];
    lockout_address(ip, out, sizeof out);
    assert_string_equal(out, want);
}

static void addresses(void **state)
{
    (void)state;
    addr("203.0.113.7", "203.0.113.7");
    addr("127.0.0.1", "127.0.0.1");
    addr("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64");
    addr("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64");
    addr("::1", "::/64");
    addr("::ffff:198.51.100.9", "198.51.100.9");
    addr("not-an-address", "not-an-address");
    addr("", "");
    addr(NULL, "");
    char small[8];
    lockout_address("2001:db8:1:2::9", small, sizeof small);
    assert_int_equal(strlen(small), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locks_at_threshold), cmocka_unit_test(window_restarts),
        cmocka_unit_test(threshold_one_and_zero), cmocka_unit_test(minutes_left), cmocka_unit_test(addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
