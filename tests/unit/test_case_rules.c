/* The rules of a petition case that need no database (domain/case_rules.c): who may act, the
 * windows of 退回 and the review requests, the running deadlines, the inputs checked without a
 * look-up, the case number and the default decline reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "domain/case_rules.h"
#include "domain/perm.h"
#include "util/err.h"
#include "util/timeu.h"

static struct case_settings settings(void)
{
    struct case_settings s;
    memset(&s, 0, sizeof s);
    deadline_settings_default(&s.dl);
    s.ext_approval = EXTA_UNIT_OR_ABOVE;
    return s;
}

static cal_day day(const char *s)
{
    cal_day d = 0;
    assert_int_equal(day_parse(s, strlen(s), &d), 0);
    return d;
}

static uint64_t perms_of(const char *const *codes, int n)
{
    uint64_t p = 0;
    for (int i = 0; i < n; i++) {
        int b = perm_from_code(codes[i]);
        assert_true(b >= 0);
        p |= perm_bit(b);
    }
    return p;
}

/* A case assigned to unit 7 (path /1/7/) and handler 70 on 2026-03-02 (a Monday), China time. */
static struct case_facts assigned_case(void)
{
    struct case_facts r;
    memset(&r, 0, sizeof r);
    r.id = 1;
    r.version = 3;
    r.cs.status = CS_ASSIGNED;
    r.cs.kind = CK_SUGGESTION;
    r.handling_unit_id = 7;
    r.handler_id = 70;
    snprintf(r.handling_path, sizeof r.handling_path, "/1/7/");
    snprintf(r.received_at, sizeof r.received_at, "2026-02-26T01:00:00Z");
    snprintf(r.accepted_at, sizeof r.accepted_at, "2026-02-27T01:00:00Z");
    snprintf(r.assigned_at, sizeof r.assigned_at, "2026-03-02T02:00:00Z");
    snprintf(r.status, sizeof r.status, "assigned");
    snprintf(r.kind, sizeof r.kind, "suggestion");
    return r;
}

static int setup(void **state)
{
    (void)state;
    return tz_set("Asia/Shanghai");
}

static void local_day_is_the_china_day(void **state)
{
    (void)state;
    /* 17:00 UTC is 01:00 the next morning in China. */
    assert_int_equal(case_local_day("2026-12-04T17:00:00Z"), day("2026-12-05"));
    assert_int_equal(case_local_day("2026-12-04T15:59:59Z"), day("2026-12-04"));
    assert_int_equal(case_local_day(""), 0);
    assert_int_equal(case_local_day(NULL), 0);
    assert_int_equal(case_local_day("yesterday"), 0);
    char out[11];
    case_day_str(0, out);
    assert_string_equal(out, "");
    case_day_str(day("2026-01-09"), out);
    assert_string_equal(out, "2026-01-09");
}

static void permission_then_handling_side(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct case_facts r = assigned_case();
    const char *why = NULL;
    static const char *const sign[] = {"case:sign"};
    /* No permission: refused whoever asks. */
    struct case_actor nobody = {.user_id = 70, .unit_id = 7, .unit_path = "/1/7/", .perms = 0};
    assert_int_equal(case_may_act(&set, &nobody, &r, CA_SIGN, &why), SX_EFORBIDDEN);
    assert_string_equal(why, "您没有该操作的权限");
    /* The permission but another unit: 签收 is the handling unit's. */
    struct case_actor other = {.user_id = 80, .unit_id = 8, .unit_path = "/1/8/", .perms = perms_of(sign, 1)};
    assert_int_equal(case_may_act(&set, &other, &r, CA_SIGN, &why), SX_EFORBIDDEN);
    assert_string_equal(why, "只有承办单位可以进行该操作");
    /* The handling unit, or the handler alone (moved to another unit since). */
    struct case_actor unit = {.user_id = 71, .unit_id = 7, .unit_path = "/1/7/", .perms = perms_of(sign, 1)};
    assert_int_equal(case_may_act(&set, &unit, &r, CA_SIGN, &why), SX_OK);
    struct case_actor handler = {.user_id = 70, .unit_id = 9, .unit_path = "/1/9/", .perms = perms_of(sign, 1)};
    assert_int_equal(case_may_act(&set, &handler, &r, CA_SIGN, &why), SX_OK);
    assert_true(case_is_handling_side(&handler, &r));
    assert_false(case_is_handling_side(&other, &r));
}

static void extension_approver(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct case_facts r = assigned_case();
    const char *why = NULL;
    const char *code = case_action_perm(CA_EXTEND_APPROVE);
    assert_non_null(code);
    const char *const codes[] = {code};
    struct case_actor parent = {.user_id = 5, .unit_id = 1, .unit_path = "/1/", .perms = perms_of(codes, 1)};
    struct case_actor sibling = {.user_id = 6, .unit_id = 8, .unit_path = "/1/8/", .perms = perms_of(codes, 1)};
    /* The handling unit or above approves by default; a sibling unit never does. */
    assert_int_equal(case_may_act(&set, &parent, &r, CA_EXTEND_APPROVE, &why), SX_OK);
    assert_int_equal(case_may_act(&set, &sibling, &r, CA_EXTEND_APPROVE, &why), SX_EFORBIDDEN);
    assert_string_equal(why, "延期须由承办单位或其上级单位的负责人审批");
    set.ext_approval = EXTA_UNIT_ONLY;
    assert_int_equal(case_may_act(&set, &parent, &r, CA_EXTEND_REJECT, &why), SX_EFORBIDDEN);
    assert_string_equal(why, "延期须由承办单位负责人审批");
}

static void return_window(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct calendar cal;
    calendar_init(&cal);
    struct case_facts r = assigned_case();
    const char *why = NULL;
    /* 5 working days from Monday 2026-03-02: open through Monday 2026-03-09 (weekends only in
     * an empty calendar), closed on the Tuesday. */
    assert_int_equal(case_window_open(&set, &cal, &r, CA_RETURN, day("2026-03-09"), &why), SX_OK);
    assert_int_equal(case_window_open(&set, &cal, &r, CA_RETURN, day("2026-03-10"), &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "已超过退回异议期限"));
    /* The window follows the calendar: a holiday on Wednesday moves it a day. */
    assert_int_equal(calendar_add(&cal, day("2026-03-04"), CAL_HOLIDAY, "测试假日"), 0);
    assert_int_equal(case_window_open(&set, &cal, &r, CA_RETURN, day("2026-03-10"), &why), SX_OK);
    /* Actions without a window are always open. */
    assert_int_equal(case_window_open(&set, &cal, &r, CA_SIGN, day("2030-01-01"), &why), SX_OK);
}

static void review_window(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct calendar cal;
    calendar_init(&cal);
    struct case_facts r = assigned_case();
    const char *why = NULL;
    r.cs.status = CS_CLOSED;
    /* Not replied: no window at all. */
    assert_int_equal(case_window_open(&set, &cal, &r, CA_REVIEW_REQUEST, day("2026-03-03"), &why), SX_ECONFLICT);
    snprintf(r.replied_at, sizeof r.replied_at, "2026-03-10T03:00:00Z");
    enum deadline_step step;
    cal_day last = case_review_window(&set, &cal, &r, &step);
    assert_int_equal(step, DL_REVIEW_REQUEST);
    cal_day expect;
    assert_int_equal(deadline_for(&set.dl, DL_REVIEW_REQUEST, &cal, day("2026-03-10"), &expect), 0);
    assert_int_equal(last, expect);
    assert_true(last > day("2026-04-08")); /* 30 days at least */
    assert_int_equal(case_window_open(&set, &cal, &r, CA_REVIEW_REQUEST, last, &why), SX_OK);
    assert_int_equal(case_window_open(&set, &cal, &r, CA_REVIEW_REQUEST, last + 1, &why), SX_ECONFLICT);
    assert_string_equal(why, "已超过复查申请期限（收到答复之日起30日内）");
    /* A 复查 case's window is for 复核; a 复核 case has none. */
    r.cs.review_level = 1;
    case_review_window(&set, &cal, &r, &step);
    assert_int_equal(step, DL_RECHECK_REQUEST);
    r.cs.review_level = 2;
    assert_int_equal(case_review_window(&set, &cal, &r, &step), 0);
}

static void next_deadline_by_state(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct calendar cal;
    calendar_init(&cal);
    struct case_facts r = assigned_case();
    /* Assigned: the objection period from the assignment day. */
    struct case_due d = case_next_due(&set, &cal, &r);
    assert_int_equal(d.step, DL_OBJECTION);
    assert_int_equal(d.day, day("2026-03-09"));
    /* Registered: the acceptance decision from the day received. */
    r.cs.status = CS_REGISTERED;
    d = case_next_due(&set, &cal, &r);
    cal_day expect;
    assert_int_equal(deadline_for(&set.dl, DL_ACCEPT_DECISION, &cal, day("2026-02-26"), &expect), 0);
    assert_int_equal(d.step, DL_ACCEPT_DECISION);
    assert_int_equal(d.day, expect);
    /* Signed: the close deadline from acceptance, or the 交办 deadline when that is earlier. */
    r.cs.status = CS_SIGNED;
    assert_int_equal(deadline_for(&set.dl, DL_CLOSE, &cal, day("2026-02-27"), &expect), 0);
    d = case_next_due(&set, &cal, &r);
    assert_int_equal(d.step, DL_CLOSE);
    assert_int_equal(d.day, expect);
    snprintf(r.assign_deadline, sizeof r.assign_deadline, "2026-03-20");
    assert_int_equal(case_next_due(&set, &cal, &r).day, day("2026-03-20"));
    snprintf(r.assign_deadline, sizeof r.assign_deadline, "2027-12-31");
    assert_int_equal(case_next_due(&set, &cal, &r).day, expect);
    /* An approved extension moves the close deadline on. */
    r.assign_deadline[0] = 0;
    r.cs.ext = EXT_APPROVED;
    r.extension_days = 30;
    assert_true(case_next_due(&set, &cal, &r).day >= expect + 30);
    /* Ended: nothing runs. */
    r.cs.status = CS_CLOSED;
    assert_int_equal(case_next_due(&set, &cal, &r).day, 0);
}

static void first_petition_targets(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct calendar cal;
    calendar_init(&cal);
    struct case_facts r = assigned_case();
    r.cs.status = CS_REGISTERED;
    assert_int_equal(case_target_of(&set, &cal, &r).day, 0); /* not a first petition */
    r.first_time = 1;
    struct case_due t = case_target_of(&set, &cal, &r);
    assert_int_equal(t.step, DL_FIRST_ASSIGN);
    assert_true(t.day >= day("2026-02-26"));
    r.cs.status = CS_ASSIGNED;
    assert_int_equal(case_target_of(&set, &cal, &r).step, DL_FIRST_SUPERVISE);
    r.supervised = 1; /* met */
    assert_int_equal(case_target_of(&set, &cal, &r).day, 0);
    r.cs.review_level = 1; /* a review case is no first petition */
    r.cs.status = CS_REGISTERED;
    assert_int_equal(case_target_of(&set, &cal, &r).day, 0);
}

static void allowed_actions(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct calendar cal;
    calendar_init(&cal);
    struct case_facts r = assigned_case();
    enum case_action out[CA__COUNT];
    struct case_actor none = {.user_id = 70, .unit_id = 7, .unit_path = "/1/7/", .perms = 0};
    assert_int_equal(case_allowed(&set, &cal, &none, &r, day("2026-03-03"), out, CA__COUNT), 0);
    static const char *const handling[] = {"case:sign"};
    struct case_actor unit = {.user_id = 71, .unit_id = 7, .unit_path = "/1/7/", .perms = perms_of(handling, 1)};
    int n = case_allowed(&set, &cal, &unit, &r, day("2026-03-03"), out, CA__COUNT);
    int has_sign = 0;
    for (int i = 0; i < n; i++) has_sign |= out[i] == CA_SIGN;
    assert_true(has_sign);
    /* The same user in another unit sees no handling-side action. */
    unit.unit_id = 8;
    n = case_allowed(&set, &cal, &unit, &r, day("2026-03-03"), out, CA__COUNT);
    for (int i = 0; i < n; i++) assert_int_not_equal(out[i], CA_SIGN);
    json_t *j = case_allowed_json(&set, &cal, &none, &r, day("2026-03-03"), 1);
    assert_true(json_is_array(j));
    assert_int_equal(json_array_size(j), 0);
    json_decref(j);
}

static void inputs(void **state)
{
    (void)state;
    const char *why = NULL;
    cal_day today = day("2026-03-03");
    assert_int_equal(case_check_assign_deadline("2026-03-03", today, &why), SX_OK);
    assert_int_equal(case_check_assign_deadline("2026-03-02", today, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "办理期限"));
    assert_int_equal(case_check_assign_deadline("2026-3-9", today, &why), SX_EVALIDATION);
    assert_int_equal(case_check_assign_deadline("2026-02-30", today, &why), SX_EVALIDATION);
    assert_int_equal(case_check_assign_deadline(NULL, today, &why), SX_EVALIDATION);
    /* The field a refusal is about, from its reason. */
    assert_string_equal(case_input_field(CA_ASSIGN, "请选择承办单位"), "unit_id");
    assert_string_equal(case_input_field(CA_DECLINE, "不予受理须说明理由"), "reason");
    assert_null(case_input_field(CA_ACCEPT, NULL));
}

static void extensions(void **state)
{
    (void)state;
    struct case_settings set = settings();
    struct calendar cal;
    calendar_init(&cal);
    struct case_facts r = assigned_case();
    r.cs.status = CS_SIGNED;
    const char *code, *why = NULL;
    int64_t days;
    assert_int_equal(case_extension_after(&set, &cal, &r, CA_EXTEND_REQUEST, 15, &code, &days, &why), SX_OK);
    assert_string_equal(code, "pending");
    assert_int_equal(days, 15);
    assert_int_equal(case_extension_after(&set, &cal, &r, CA_EXTEND_REQUEST, 31, &code, &days, &why),
                     SX_EVALIDATION);
    assert_non_null(why);
    r.cs.ext = EXT_PENDING;
    r.extension_days = 15;
    assert_int_equal(case_extension_after(&set, &cal, &r, CA_EXTEND_APPROVE, 0, &code, &days, &why), SX_OK);
    assert_string_equal(code, "approved");
    assert_int_equal(days, 15);
    assert_int_equal(case_extension_after(&set, &cal, &r, CA_EXTEND_REJECT, 0, &code, &days, &why), SX_OK);
    assert_string_equal(code, "rejected");
    assert_int_equal(days, 0);
    /* Other actions keep what the case has. */
    assert_int_equal(case_extension_after(&set, &cal, &r, CA_CONTACT, 99, &code, &days, &why), SX_OK);
    assert_string_equal(code, "pending");
    assert_int_equal(days, 15);
}

static void numbers_and_texts(void **state)
{
    (void)state;
    char no[32];
    case_number_format(2026, 42, no);
    assert_string_equal(no, "XF-2026-00042");
    case_number_format(2027, 123456, no);
    assert_string_equal(no, "XF-2027-123456");
    struct case_facts r = assigned_case();
    char reason[160];
    case_default_decline_reason(&r, "XF-2026-00007", reason, sizeof reason);
    assert_string_equal(reason, "");
    r.cs.open_repeat = 1;
    case_default_decline_reason(&r, "XF-2026-00007", reason, sizeof reason);
    assert_string_equal(reason, "与正在办理期限内的信访事项XF-2026-00007为同一事项");
    r.cs.matter_final = 1;
    case_default_decline_reason(&r, "XF-2026-00007", reason, sizeof reason);
    assert_string_equal(reason, "同一事实和理由已经复查、复核终结（XF-2026-00007），不再受理");
    assert_string_equal(case_review_title_prefix(1), "【复查】");
    assert_string_equal(case_review_title_prefix(2), "【复核】");
    assert_string_equal(case_action_stamp(CA_ACCEPT), "accepted_at");
    assert_null(case_action_stamp(CA_CONTACT));
    assert_true(case_action_public(CA_EXTEND_APPROVE));
    assert_false(case_action_public(CA_EXTEND_REQUEST));
}

static void open_repeat_follows_the_original(void **state)
{
    (void)state;
    struct case_facts r = assigned_case();
    r.duplicate_of = 9;
    snprintf(r.dup_status, sizeof r.dup_status, "in_progress");
    case_facts_finish(&r);
    assert_true(r.cs.open_repeat);
    snprintf(r.dup_status, sizeof r.dup_status, "closed");
    case_facts_finish(&r);
    assert_false(r.cs.open_repeat);
    snprintf(r.dup_status, sizeof r.dup_status, "in_progress");
    r.cs.matter_final = 1;
    case_facts_finish(&r);
    assert_false(r.cs.open_repeat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(local_day_is_the_china_day),
        cmocka_unit_test(permission_then_handling_side),
        cmocka_unit_test(extension_approver),
        cmocka_unit_test(return_window),
        cmocka_unit_test(review_window),
        cmocka_unit_test(next_deadline_by_state),
        cmocka_unit_test(first_petition_targets),
        cmocka_unit_test(allowed_actions),
        cmocka_unit_test(inputs),
        cmocka_unit_test(extensions),
        cmocka_unit_test(numbers_and_texts),
        cmocka_unit_test(open_repeat_follows_the_original),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
