/* Configuration keys, values and precedence (util/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/config.h"

static void defaults(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_string_equal(c.db, "sixia.db");
    assert_string_equal(c.timezone, "Asia/Shanghai");
    assert_int_equal(c.body_limit, 1 << 20);
    assert_true(c.workers >= 1);
    assert_int_equal(c.login_rate, 30);
    assert_true(c.hash_concurrency >= 1);
    assert_int_equal(c.hash_wait_ms, 2000);
    assert_int_equal(c.header_timeout, 15);
    assert_int_equal(c.body_timeout, 60);
    assert_int_equal(c.max_conns_per_ip, 32);
}

static void set_keys(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    assert_int_equal(config_set(&c, "listen", "0.0.0.0:9000"), 0);
    assert_string_equal(c.listen, "0.0.0.0:9000");
    /* flag spelling and file spelling are the same key */
    assert_int_equal(config_set(&c, "body-limit", "2048"), 0);
    assert_int_equal(c.body_limit, 2048);
    assert_int_equal(config_set(&c, "body_limit", "4096"), 0);
    assert_int_equal(c.body_limit, 4096);
    assert_int_equal(config_set(&c, "trust-proxy", "1"), 0);
    assert_int_equal(c.trust_proxy, 1);
    assert_int_equal(config_set(&c, "workers", "8"), 0);
    assert_int_equal(c.workers, 8);
    assert_int_equal(config_set(&c, "hash-concurrency", "3"), 0);
    assert_int_equal(c.hash_concurrency, 3);
    assert_int_equal(config_set(&c, "hash_wait_ms", "0"), 0);
    assert_int_equal(c.hash_wait_ms, 0);
    assert_int_equal(config_set(&c, "header-timeout", "10"), 0);
    assert_int_equal(c.header_timeout, 10);
    assert_int_equal(config_set(&c, "body_timeout", "120"), 0);
    assert_int_equal(c.body_timeout, 120);
    assert_int_equal(config_set(&c, "max-conns-per-ip", "0"), 0);
    assert_int_equal(c.max_conns_per_ip, 0);
    assert_int_equal(config_set(&c, "nosuch", "1"), -1);
}

static void bad_values(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    assert_int_equal(config_set(&c, "workers", "0"), -2);
    assert_int_equal(config_set(&c, "workers", "257"), -2);
    assert_int_equal(config_set(&c, "workers", "4x"), -2);
    assert_int_equal(config_set(&c, "workers", ""), -2);
    assert_int_equal(config_set(&c, "body_limit", "10"), -2);
    assert_int_equal(config_set(&c, "trust_proxy", "2"), -2);
    assert_int_equal(config_set(&c, "login_rate", "-1"), -2);
    assert_int_equal(config_set(&c, "hash_concurrency", "0"), -2);
    assert_int_equal(config_set(&c, "hash_wait_ms", "60001"), -2);
    assert_int_equal(config_set(&c, "header_timeout", "0"), -2);
    assert_int_equal(config_set(&c, "body_timeout", "3601"), -2);
    assert_int_equal(config_set(&c, "max_conns_per_ip", "-1"), -2);
    char big[1024];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(config_set(&c, "db", big), -2);
    assert_string_equal(c.db, "sixia.db"); /* unchanged */
    config_defaults(&c);
    assert_int_equal(c.workers > 0, 1);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/sixia-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void file_and_precedence(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    char *path = write_tmp("# comment\n\n  db = /tmp/x.db  \nworkers=3\nlisten = 127.0.0.1:18401\n");
    assert_int_equal(config_file(&c, path), 0);
    assert_string_equal(c.db, "/tmp/x.db");
    assert_int_equal(c.workers, 3);
    /* environment overrides the file */
    setenv("SIXIA_WORKERS", "5", 1);
    setenv("SIXIA_DB", "/tmp/env.db", 1);
    config_env(&c);
    assert_int_equal(c.workers, 5);
    assert_string_equal(c.db, "/tmp/env.db");
    assert_string_equal(c.listen, "127.0.0.1:18401"); /* untouched by env */
    /* a flag (config_set) overrides both */
    assert_int_equal(config_set(&c, "workers", "7"), 0);
    assert_int_equal(c.workers, 7);
    /* a bad environment value is ignored */
    setenv("SIXIA_WORKERS", "many", 1);
    config_env(&c);
    assert_int_equal(c.workers, 7);
    unsetenv("SIXIA_WORKERS");
    unsetenv("SIXIA_DB");
    unlink(path);
}

static void bad_files(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    char *path = write_tmp("workers = 2\nno equals sign\n");
    assert_int_equal(config_file(&c, path), -1);
    unlink(path);
    path = write_tmp("colour = blue\n");
    assert_int_equal(config_file(&c, path), -1);
    unlink(path);
    path = write_tmp("workers = lots\n");
    assert_int_equal(config_file(&c, path), -1);
    unlink(path);
    assert_int_equal(config_file(&c, "/nonexistent/sixia.conf"), -1);
}

static char *write_tmp_n(const char *text, size_t n)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/sixia-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

/* A line is one line however long: the end of a long comment is not a setting (read in 1,023-
 * byte pieces, a comment of exactly that length made the rest of its line a line of its own). */
static void long_lines(void **state)
{
    (void)state;
    struct config c;
    char *text = malloc(8192);
    assert_non_null(text);
    static const size_t prefix[] = {1, 1022, 1023, 1024, 2046, 4092, 6000};
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++) {
        text[0] = '#';
        memset(text + 1, 'x', prefix[i] - 1);
        snprintf(text + prefix[i], 100, "listen = 0.0.0.0:9999\nworkers = 3\n");
        char *path = write_tmp(text);
        config_defaults(&c);
        assert_int_equal(config_file(&c, path), 0);
        assert_string_equal(c.listen, "127.0.0.1:8080");
        assert_int_equal(c.workers, 3); /* the next line still counts */
        unlink(path);
    }
    /* a long value is read whole, and refused when too long for its setting */
    snprintf(text, 8192, "db = /tmp/");
    memset(text + 10, 'd', 2000);
    snprintf(text + 2010, 100, "\n");
    char *path = write_tmp(text);
    config_defaults(&c);
    assert_int_equal(config_file(&c, path), -1);
    assert_string_equal(c.db, "sixia.db");
    unlink(path);
    free(text);
}

static void nul_and_huge_files(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    static const char with_nul[] = "# comment\0listen = 0.0.0.0:9999\nworkers = 2\n";
    char *path = write_tmp_n(with_nul, sizeof with_nul - 1);
    assert_int_equal(config_file(&c, path), -1);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    unlink(path);
    size_t n = (1 << 20) + 100;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++) big[i] = i % 80 == 79 ? '\n' : '#';
    path = write_tmp_n(big, n);
    assert_int_equal(config_file(&c, path), -1);
    unlink(path);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults), cmocka_unit_test(set_keys), cmocka_unit_test(bad_values),
        cmocka_unit_test(file_and_precedence), cmocka_unit_test(bad_files), cmocka_unit_test(long_lines),
        cmocka_unit_test(nul_and_huge_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
