/* The citizen's query code (domain/query_code.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "domain/query_code.h"

#define N_CODES 1000

static void assert_format(const char *c)
{
    assert_int_equal(strlen(c), QUERY_CODE_LEN);
    for (int i = 0; i < QUERY_CODE_LEN; i++) {
        if (i == 4 || i == 9) {
            assert_int_equal(c[i], '-'); /* XXXX-XXXX-XXX */
            continue;
        }
        if (!strchr(QUERY_CODE_ALPHABET, c[i]) || !c[i]) fail_msg("symbol %c in %s", c[i], c);
        assert_null(strchr("0O1IL", c[i]));
    }
}

static void alphabet(void **state)
{
    (void)state;
    const char *a = QUERY_CODE_ALPHABET;
    assert_int_equal(strlen(a), 31);
    for (const char *p = "0O1IL"; *p; p++) assert_null(strchr(a, *p));
    for (size_t i = 0; a[i]; i++) {
        assert_true((a[i] >= '2' && a[i] <= '9') || (a[i] >= 'A' && a[i] <= 'Z'));
        assert_ptr_equal(strchr(a, a[i]), a + i); /* no duplicates */
    }
}

static void format(void **state)
{
    (void)state;
    char c[QUERY_CODE_BUF];
    for (int i = 0; i < 200; i++) {
        query_code_generate(c);
        assert_format(c);
    }
}

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static void distinct_and_round_trip(void **state)
{
    (void)state;
    static char codes[N_CODES][QUERY_CODE_BUF];
    for (int i = 0; i < N_CODES; i++) {
        query_code_generate(codes[i]);
        char norm[QUERY_CODE_BUF];
        assert_int_equal(query_code_normalize(codes[i], norm), 0);
        assert_string_equal(norm, codes[i]);
    }
    qsort(codes, N_CODES, sizeof codes[0], cmp);
    for (int i = 1; i < N_CODES; i++) assert_string_not_equal(codes[i - 1], codes[i]);
    /* every symbol shows up somewhere: the generator uses the whole alphabet */
    int used[256] = {0};
    for (int i = 0; i < N_CODES; i++)
        for (const char *p = codes[i]; *p; p++) used[(unsigned char)*p] = 1;
    for (const char *p = QUERY_CODE_ALPHABET; *p; p++) assert_true(used[(unsigned char)*p]);
}

static void normalize_accepts(void **state)
{
    (void)state;
    char out[QUERY_CODE_BUF];
    const char *ok[] = {"ABCD-EFGH-JKM", "abcd-efgh-jkm", "ABCDEFGHJKM", "abcd efgh jkm", " AbCd-EfGh - JkM ",
                        "A-B-C-D-E-F-G-H-J-K-M", "abcd\tefgh\tjkm"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (query_code_normalize(ok[i], out) != 0) fail_msg("refused %s", ok[i]);
        assert_string_equal(out, "ABCD-EFGH-JKM");
    }
    assert_int_equal(query_code_normalize("2345-6789-XYZ", out), 0);
    assert_string_equal(out, "2345-6789-XYZ");
}

static void normalize_rejects(void **state)
{
    (void)state;
    char out[QUERY_CODE_BUF];
    const char *bad[] = {
        "ABCD-EFGH-JK0", "ABCD-EFGH-JKO", "ABCD-EFGH-JKo", /* 0 and O are not guessed */
        "ABCD-EFGH-JK1", "ABCD-EFGH-JKI", "ABCD-EFGH-JKi", "ABCD-EFGH-JKL", "ABCD-EFGH-JKl",
        "ABCD-EFGH-JK",  "ABCD-EFGH-JKMN",                  /* length */
        "",              "----",          "ABCD_EFGH_JKM", "ABCD.EFGH.JKM", "ABCD-EFGH-JK\xc3\xa9",
        "查询码ABCDEFGH",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(out, "junk");
        if (query_code_normalize(bad[i], out) != -1) fail_msg("accepted %s", bad[i]);
        assert_string_equal(out, "");
    }
    assert_int_equal(query_code_normalize(NULL, out), -1);
}

static void entropy(void **state)
{
    (void)state;
    int bits = query_code_entropy_bits();
    assert_true(bits >= 50);
    assert_int_equal(bits, 54); /* floor(11 × log2 31) = floor(54.49) */
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alphabet),          cmocka_unit_test(format),          cmocka_unit_test(distinct_and_round_trip),
        cmocka_unit_test(normalize_accepts), cmocka_unit_test(normalize_rejects), cmocka_unit_test(entropy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
