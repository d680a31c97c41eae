/* Request-body validation and UTF-8 checks (util/jsonv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "util/err.h"
#include "util/jsonv.h"

static const struct jv_field spec[] = {
    {"name", "名称", JV_STR, 1, 1, 5},
    {"note", "备注", JV_STR, 0, 0, 10},
    {"level", "层级", JV_INT, 1, 1, 4},
    {"active", "启用", JV_BOOL, 0, 0, 0},
    {"ids", "编号", JV_INT_ARRAY, 0, 0, 3},
    {"tags", "标签", JV_STR_ARRAY, 0, 1, 2},
};
#define NSPEC (sizeof spec / sizeof spec[0])

static int check(const char *text, const char **field)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    assert_non_null(j);
    struct verr e;
    int rc = jv_check(j, spec, NSPEC, &e);
    static char f[64];
    snprintf(f, sizeof f, "%s", e.field ? e.field : "");
    if (field) *field = f;
    if (rc) assert_true(e.msg[0] != 0);
    json_decref(j);
    return rc;
}

static void ok_bodies(void **state)
{
    (void)state;
    assert_int_equal(check("{\"name\":\"东山县\",\"level\":2}", NULL), 0);
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"note\":null,\"active\":true,\"ids\":[1,2,3],"
                           "\"tags\":[\"法律\"]}", NULL), 0);
}

static void unknown_field(void **state)
{
    (void)state;
    const char *f;
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"admin\":true}", &f), SX_EVALIDATION);
    assert_string_equal(f, "admin");
}

static void wrong_types(void **state)
{
    (void)state;
    const char *f;
    assert_int_equal(check("{\"name\":1,\"level\":1}", &f), SX_EVALIDATION);
    assert_string_equal(f, "name");
    assert_int_equal(check("{\"name\":\"a\",\"level\":\"1\"}", &f), SX_EVALIDATION);
    assert_string_equal(f, "level");
    assert_int_equal(check("{\"name\":\"a\",\"level\":1.5}", &f), SX_EVALIDATION);
    assert_string_equal(f, "level");
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"active\":1}", &f), SX_EVALIDATION);
    assert_string_equal(f, "active");
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"ids\":{}}", &f), SX_EVALIDATION);
    assert_string_equal(f, "ids");
    assert_int_equal(check("[1,2]", NULL), SX_EBADJSON);
    assert_int_equal(check("\"x\"", NULL), SX_EBADJSON);
}

static void required_and_null(void **state)
{
    (void)state;
    const char *f;
    assert_int_equal(check("{\"level\":1}", &f), SX_EVALIDATION);
    assert_string_equal(f, "name");
    assert_int_equal(check("{\"name\":null,\"level\":1}", &f), SX_EVALIDATION);
    assert_string_equal(f, "name");
    assert_int_equal(check("{\"name\":\"\",\"level\":1}", &f), SX_EVALIDATION);
    assert_string_equal(f, "name");
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"ids\":null}", NULL), 0);
}

static void string_length_in_characters(void **state)
{
    (void)state;
    const char *f;
    /* five Chinese characters are 15 bytes but within max 5 */
    assert_int_equal(check("{\"name\":\"宁川地区署\",\"level\":1}", NULL), 0);
    assert_int_equal(check("{\"name\":\"宁川地区公署\",\"level\":1}", &f), SX_EVALIDATION);
    assert_string_equal(f, "name");
    assert_int_equal(check("{\"name\":\"abcdef\",\"level\":1}", &f), SX_EVALIDATION);
    /* embedded NUL and control characters are refused */
    assert_int_equal(check("{\"name\":\"a\\u0000b\",\"level\":1}", &f), SX_EVALIDATION);
    assert_string_equal(f, "name");
    assert_int_equal(check("{\"name\":\"a\\u0007\",\"level\":1}", &f), SX_EVALIDATION);
}

static void ranges(void **state)
{
    (void)state;
    const char *f;
    assert_int_equal(check("{\"name\":\"a\",\"level\":0}", &f), SX_EVALIDATION);
    assert_string_equal(f, "level");
    assert_int_equal(check("{\"name\":\"a\",\"level\":5}", &f), SX_EVALIDATION);
    assert_int_equal(check("{\"name\":\"a\",\"level\":4}", NULL), 0);
    assert_int_equal(check("{\"name\":\"a\",\"level\":-9223372036854775808}", NULL), SX_EVALIDATION);
}

static void arrays(void **state)
{
    (void)state;
    const char *f;
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"ids\":[1,2,3,4]}", &f), SX_EVALIDATION);
    assert_string_equal(f, "ids");
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"ids\":[0]}", &f), SX_EVALIDATION);
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"ids\":[\"1\"]}", &f), SX_EVALIDATION);
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"ids\":[]}", NULL), 0);
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"tags\":[]}", &f), SX_EVALIDATION); /* min 1 */
    assert_string_equal(f, "tags");
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"tags\":[\"\"]}", &f), SX_EVALIDATION);
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"tags\":[1]}", &f), SX_EVALIDATION);
    assert_int_equal(check("{\"name\":\"a\",\"level\":1,\"tags\":[\"a\",\"b\",\"c\"]}", &f), SX_EVALIDATION);
}

static void accessors(void **state)
{
    (void)state;
    json_t *j = json_loads("{\"name\":\"x\",\"level\":3,\"active\":false,\"note\":null}", 0, NULL);
    assert_string_equal(jv_str(j, "name", "d"), "x");
    assert_string_equal(jv_str(j, "missing", "d"), "d");
    assert_int_equal(jv_int(j, "level", 0), 3);
    assert_int_equal(jv_int(j, "name", 9), 9);
    assert_int_equal(jv_bool(j, "active", 1), 0);
    assert_true(jv_has(j, "name"));
    assert_false(jv_has(j, "note"));
    json_decref(j);
}

static void utf8(void **state)
{
    (void)state;
#define V(s) utf8_valid(s, sizeof(s) - 1)
    assert_true(V("abc"));
    assert_true(V("宁川"));
    assert_true(V("\xF0\x9F\x98\x80")); /* U+1F600 */
    assert_true(V("\xEF\xBF\xBF"));     /* U+FFFF */
    assert_false(V("\xC0\xAF"));         /* overlong '/' */
    assert_false(V("\xE0\x80\xAF"));     /* overlong, 3 bytes */
    assert_false(V("\xF0\x80\x80\xAF")); /* overlong, 4 bytes */
    assert_false(V("\xED\xA0\x80"));     /* surrogate U+D800 */
    assert_false(V("\xED\xBF\xBF"));     /* surrogate U+DFFF */
    assert_false(V("\xF4\x90\x80\x80")); /* above U+10FFFF */
    assert_false(V("\xE5\xAE"));         /* truncated */
    assert_false(V("a\xE5"));
    assert_false(V("\x80"));             /* lone continuation */
    assert_false(V("a\0b"));             /* NUL */
    assert_false(V("\xFF"));
    assert_true(utf8_valid("", 0));
    assert_int_equal(utf8_len("宁川ab"), 4);
    assert_true(has_control("a\x01"));
    assert_true(has_control("a\x7f"));
    assert_false(has_control("a\tb\r\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ok_bodies), cmocka_unit_test(unknown_field), cmocka_unit_test(wrong_types),
        cmocka_unit_test(required_and_null), cmocka_unit_test(string_length_in_characters),
        cmocka_unit_test(ranges), cmocka_unit_test(arrays), cmocka_unit_test(accessors), cmocka_unit_test(utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
