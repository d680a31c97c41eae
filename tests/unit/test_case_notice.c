/* The notices a petitioner receives (domain/case_notice.c): wording, and no doubled punctuation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "domain/case_notice.h"

static void has(const char *text, const char *part)
{
    if (!strstr(text, part)) fail_msg("“%s” lacks “%s”", text, part);
}

static void no_doubled_stops(void **state)
{
    (void)state;
    static const char *const reasons[] = {"不属于信访事项受理范围", "不属于信访事项受理范围。", "已通过诉讼解决。。 ",
                                          "理由！", "", NULL};
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        char *t = case_notice_decline("路灯不亮", reasons[i]);
        assert_non_null(t);
        assert_null(strstr(t, "。。"));
        assert_null(strstr(t, "！。"));
        has(t, "第二十二条");
        has(t, "“路灯不亮”");
        free(t);
        t = case_notice_extension("路灯不亮", "2027-01-11", reasons[i]);
        assert_non_null(t);
        assert_null(strstr(t, "。，"));
        assert_null(strstr(t, "。。"));
        has(t, "2027-01-11");
        has(t, "第三十四条");
        free(t);
    }
    char *t = case_notice_trim_stop("理由。 。\n");
    assert_string_equal(t, "理由");
    free(t);
    t = case_notice_trim_stop(NULL);
    assert_string_equal(t, "");
    free(t);
}

static void repeat_notices(void **state)
{
    (void)state;
    char *t = case_notice_final("养老金停发", "XF-2026-00012");
    has(t, "XF-2026-00012");
    has(t, "不再受理");
    has(t, "第三十六条");
    free(t);
    t = case_notice_final("养老金停发", "");
    assert_null(strstr(t, "与信访事项为同一事项"));
    has(t, "不再受理");
    free(t);
    t = case_notice_repeat_open("路灯不亮", "XF-2026-00007", "签收", "2027-01-20");
    has(t, "XF-2026-00007");
    has(t, "签收");
    has(t, "2027-01-20");
    has(t, "第十九条");
    free(t);
    t = case_notice_repeat_open("路灯不亮", "XF-2026-00007", "登记", "");
    assert_null(strstr(t, "办理期限至）"));
    assert_null(strstr(t, "，）"));
    free(t);
    t = case_notice_accept("路灯不亮", "2026-12-05");
    has(t, "2026-12-05");
    has(t, "依法受理");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_doubled_stops),
        cmocka_unit_test(repeat_notices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
