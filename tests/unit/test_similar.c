/* Content similarity for repeat detection (domain/similar.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "domain/similar.h"

static void identical_and_disjoint(void **state)
{
    (void)state;
    const char *t = "村里的道路年久失修，雨天泥泞，群众出行困难，请求硬化道路。";
    assert_int_equal(similar_percent(t, t), 100);
    assert_int_equal(similar_percent("道路年久失修", "孩子上学太远"), 0);
    assert_int_equal(similar_percent("字", "字"), 100);
    assert_int_equal(similar_percent("字", "词"), 0);
}

static void punctuation_and_space_ignored(void **state)
{
    (void)state;
    assert_int_equal(similar_percent("道路年久失修，请求硬化。", "道路 年久失修 请求硬化"), 100);
    assert_int_equal(similar_percent("《通知》“拆迁”补偿！", "通知拆迁补偿"), 100);
    assert_int_equal(similar_percent("ABC １２３", "abc123"), 100); /* case and full-width folded */
    assert_int_equal(similar_percent("\t\r\n  ", "，。、；：？！"), 0); /* nothing significant */
    assert_int_equal(similar_percent("", ""), 0);
    assert_int_equal(similar_percent(NULL, "道路"), 0);
}

static void partial_overlap(void **state)
{
    (void)state;
    /* 9 characters → 8 bigrams each; 4 shared (东山/山县/县道/道路) → 2·4/16 = 50% */
    assert_int_equal(similar_percent("东山县道路失修严重", "东山县道路拓宽工程"), 50);
    int p = similar_percent("我村土地被征收后补偿款至今未发放到位，请求督促落实。",
                            "土地被征收后补偿款一直没有发放到位，请帮忙督促落实！");
    assert_true(p >= 60 && p < 100);
    int q = similar_percent("我村土地被征收后补偿款至今未发放到位", "学校食堂卫生状况差，学生多次腹泻");
    assert_true(q < 15);
    /* symmetric */
    assert_int_equal(similar_percent("土地补偿款未发放", "补偿款发放"), similar_percent("补偿款发放", "土地补偿款未发放"));
}

static void multiset_counts(void **state)
{
    (void)state;
    /* "哈哈哈" has bigrams {哈哈 ×2}, "哈哈" {哈哈 ×1}: 2·1/3 = 67 */
    assert_int_equal(similar_percent("哈哈哈", "哈哈"), 67);
    /* a near duplicate never rounds up to 100 */
    char a[4000] = "", b[4000] = "";
    for (int i = 0; i < 300; i++) strcat(a, "补偿");
    strcpy(b, a);
    strcat(b, "款");
    int p = similar_percent(a, b);
    assert_true(p == 99);
}

static void invalid_utf8_skipped(void **state)
{
    (void)state;
    assert_int_equal(similar_percent("道路\xff\xfe失修", "道路失修"), 100);
    assert_int_equal(similar_percent("道路\xe5\x85", "道路"), 100); /* truncated sequence at the end */
    assert_int_equal(similar_percent("\xc0\xaf\xed\xa0\x80", "/"), 0); /* overlong, surrogate */
}

static void prepared_reuse(void **state)
{
    (void)state;
    struct similar_text a, b, c;
    const char *x = "请求解决拖欠农民工工资问题";
    assert_int_equal(similar_prepare(x, strlen(x), &a), 0);
    assert_int_equal(a.chars, 13);
    assert_int_equal(a.n, 12);
    assert_int_equal(similar_prepare("拖欠农民工工资", strlen("拖欠农民工工资"), &b), 0);
    assert_int_equal(similar_prepare("", 0, &c), 0);
    assert_int_equal(c.n, 0);
    int p = similar_score(&a, &b);
    assert_int_equal(p, (200 * 6 + 9) / 18); /* 6 shared of 12 + 6 */
    assert_int_equal(similar_score(&a, &c), 0);
    similar_free(&a);
    similar_free(&b);
    similar_free(&c);
    /* only the first SIMILAR_MAX_CHARS characters count */
    size_t n = (SIMILAR_MAX_CHARS + 100) * 3;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i += 3) memcpy(big + i, "字", 3);
    big[n] = 0;
    assert_int_equal(similar_prepare(big, n, &a), 0);
    assert_int_equal(a.chars, SIMILAR_MAX_CHARS);
    similar_free(&a);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_and_disjoint), cmocka_unit_test(punctuation_and_space_ignored),
        cmocka_unit_test(partial_overlap),        cmocka_unit_test(multiset_counts),
        cmocka_unit_test(invalid_utf8_skipped),   cmocka_unit_test(prepared_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
