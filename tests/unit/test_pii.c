/* Personal data at rest (util/pii.c): sealing round trips, tampering and foreign keys are
 * detected, hashes are keyed and domain-separated, the key file is created 0600 and reloaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/pii.h"

static const unsigned char key_a[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const unsigned char key_b[32] = {32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
                                        16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

static void seal_round_trip(void **state)
{
    (void)state;
    pii_key_set(key_a);
    char sealed[512], plain[300];
    const char *id = "11010119800101123X";
    assert_int_equal(pii_seal(id, sealed, sizeof sealed), 0);
    assert_true(strncmp(sealed, "v1:", 3) == 0);
    assert_null(strstr(sealed, "1101011980")); /* the value is not visible in the sealed text */
    assert_int_equal(pii_open(sealed, plain, sizeof plain), 0);
    assert_string_equal(plain, id);
    /* A fresh nonce each time: the same value seals differently. */
    char again[512];
    assert_int_equal(pii_seal(id, again, sizeof again), 0);
    assert_string_not_equal(sealed, again);
    /* Empty stays empty. */
    assert_int_equal(pii_seal("", sealed, sizeof sealed), 0);
    assert_string_equal(sealed, "");
    assert_int_equal(pii_open("", plain, sizeof plain), 0);
    assert_string_equal(plain, "");
}

static void seal_rejects(void **state)
{
    (void)state;
    pii_key_set(key_a);
    char sealed[512], plain[300], small[8];
    assert_int_equal(pii_seal("13800000001", sealed, sizeof sealed), 0);
    /* Output buffers too small fail cleanly. */
    assert_int_equal(pii_seal("13800000001", small, sizeof small), -1);
    assert_int_equal(pii_open(sealed, small, sizeof small), -1);
    /* Tampered text. */
    char bad[512];
    snprintf(bad, sizeof bad, "%s", sealed);
    size_t n = strlen(bad);
    bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(pii_open(bad, plain, sizeof plain), -1);
    assert_string_equal(plain, "");
    /* Malformed. */
    assert_int_equal(pii_open("v2:abc", plain, sizeof plain), -1);
    assert_int_equal(pii_open("v1:!!!", plain, sizeof plain), -1);
    assert_int_equal(pii_open("v1:", plain, sizeof plain), -1);
    /* Too long to seal. */
    char longv[400];
    memset(longv, '1', sizeof longv - 1);
    longv[sizeof longv - 1] = 0;
    assert_int_equal(pii_seal(longv, sealed, sizeof sealed), -1);
    /* Another key cannot open it. */
    assert_int_equal(pii_seal("13800000001", sealed, sizeof sealed), 0);
    pii_key_set(key_b);
    assert_int_equal(pii_open(sealed, plain, sizeof plain), -1);
}

static void hash_keyed(void **state)
{
    (void)state;
    char h1[PII_HASH_BUF], h2[PII_HASH_BUF], h3[PII_HASH_BUF], h4[PII_HASH_BUF];
    pii_key_set(key_a);
    pii_hash("phone", "13800000001", h1);
    pii_hash("phone", "13800000001", h2);
    pii_hash("id", "13800000001", h3);
    assert_int_equal(strlen(h1), 64);
    assert_string_equal(h1, h2);      /* deterministic */
    assert_string_not_equal(h1, h3);  /* domain-separated */
    pii_hash("phone", "13800000002", h3);
    assert_string_not_equal(h1, h3);
    pii_key_set(key_b);
    pii_hash("phone", "13800000001", h4);
    assert_string_not_equal(h1, h4);  /* keyed: another key, another hash */
    /* Not a plain hash of the value. */
    unsigned char plain[32];
    char hex[65];
    crypto_generichash(plain, sizeof plain, (const unsigned char *)"13800000001", 11, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, plain, sizeof plain);
    assert_string_not_equal(h4, hex);
}

static void key_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/sixia-pii-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/db.key", dir);
    assert_int_equal(pii_key_load(path), 0); /* created */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char sealed[512], plain[64], h1[PII_HASH_BUF], h2[PII_HASH_BUF];
    assert_int_equal(pii_seal("13912345678", sealed, sizeof sealed), 0);
    pii_hash("phone", "13912345678", h1);
    pii_key_set(key_b);                     /* forget it */
    assert_int_equal(pii_key_load(path), 0); /* reload the same key */
    assert_int_equal(pii_open(sealed, plain, sizeof plain), 0);
    assert_string_equal(plain, "13912345678");
    pii_hash("phone", "13912345678", h2);
    assert_string_equal(h1, h2);
    /* A backup's key file holds the same key; an existing file is never overwritten. */
    char copy[256];
    snprintf(copy, sizeof copy, "%s/copy.key", dir);
    assert_int_equal(pii_key_save(copy), 0);
    FILE *a = fopen(path, "r"), *b = fopen(copy, "r");
    char la[80] = "", lb[80] = "";
    assert_non_null(fgets(la, sizeof la, a));
    assert_non_null(fgets(lb, sizeof lb, b));
    fclose(a);
    fclose(b);
    assert_string_equal(la, lb);
    assert_int_not_equal(pii_key_save(copy), 0);
    /* A damaged key file is refused. */
    FILE *f = fopen(path, "w");
    fputs("short\n", f);
    fclose(f);
    assert_int_not_equal(pii_key_load(path), 0);
    unlink(path);
    unlink(copy);
    rmdir(dir);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seal_round_trip),
        cmocka_unit_test(seal_rejects),
        cmocka_unit_test(hash_keyed),
        cmocka_unit_test(key_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
