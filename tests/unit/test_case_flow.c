/* The petition-case state machine (domain/case_flow.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "domain/case_flow.h"
#include "util/err.h"

/* Every input filled with a valid value. */
static struct case_action_input full_input(void)
{
    struct case_action_input in = CASE_INPUT_INIT;
    in.reason = "理由";
    in.forward_to = "市公安局";
    in.forward_unit_id = 11;
    in.unit_id = 5;
    in.handler_id = 7;
    in.deadline = "2026-05-01";
    in.contact_how = "电话";
    in.contact_with = "信访人本人";
    in.reply_text = "答复内容";
    in.outcome = CO_SUPPORT;
    in.resolved = 1;
    in.satisfaction = SAT_SATISFIED;
    in.extend_days = 15;
    in.new_kind = CK_APPEAL;
    return in;
}

/* The expected machine, written out independently of the library's table: for a plain case
 * (建议意见, no flags), each state's allowed actions and where they lead (-1: stays). */
struct expect {
    enum case_status from;
    enum case_action a;
    int to;
};
static const struct expect expected[] = {
    {CS_REGISTERED, CA_ACCEPT, CS_ACCEPTED},
    {CS_REGISTERED, CA_DECLINE, CS_DECLINED},
    {CS_REGISTERED, CA_FORWARD, CS_FORWARDED},
    {CS_REGISTERED, CA_SUPERVISE, -1},
    {CS_REGISTERED, CA_TAKE_CHARGE, -1},
    {CS_REGISTERED, CA_DOWN_VISIT, -1},
    {CS_REGISTERED, CA_RECLASSIFY, -1},
    {CS_ACCEPTED, CA_FORWARD, CS_FORWARDED},
    {CS_ACCEPTED, CA_ASSIGN, CS_ASSIGNED},
    {CS_ACCEPTED, CA_ONSPOT, CS_REPLIED},
    {CS_ACCEPTED, CA_SUPERVISE, -1},
    {CS_ACCEPTED, CA_TAKE_CHARGE, -1},
    {CS_ACCEPTED, CA_DOWN_VISIT, -1},
    {CS_ACCEPTED, CA_RECLASSIFY, -1},
    {CS_ASSIGNED, CA_SIGN, CS_SIGNED},
    {CS_ASSIGNED, CA_RETURN, CS_ACCEPTED},
    {CS_ASSIGNED, CA_SUPERVISE, -1},
    {CS_ASSIGNED, CA_TAKE_CHARGE, -1},
    {CS_ASSIGNED, CA_DOWN_VISIT, -1},
    {CS_ASSIGNED, CA_RECLASSIFY, -1},
    {CS_SIGNED, CA_CONTACT, CS_IN_PROGRESS},
    {CS_SIGNED, CA_REPLY, CS_REPLIED},
    {CS_SIGNED, CA_EXTEND_REQUEST, -1},
    {CS_SIGNED, CA_SUPERVISE, -1},
    {CS_SIGNED, CA_TAKE_CHARGE, -1},
    {CS_SIGNED, CA_DOWN_VISIT, -1},
    {CS_SIGNED, CA_RECLASSIFY, -1},
    {CS_IN_PROGRESS, CA_CONTACT, CS_IN_PROGRESS},
    {CS_IN_PROGRESS, CA_REPLY, CS_REPLIED},
    {CS_IN_PROGRESS, CA_EXTEND_REQUEST, -1},
    {CS_IN_PROGRESS, CA_SUPERVISE, -1},
    {CS_IN_PROGRESS, CA_TAKE_CHARGE, -1},
    {CS_IN_PROGRESS, CA_DOWN_VISIT, -1},
    {CS_IN_PROGRESS, CA_RECLASSIFY, -1},
    {CS_REPLIED, CA_CALLBACK, CS_CALLED_BACK},
    {CS_REPLIED, CA_REVIEW_REQUEST, -1}, /* the 30 days run from the reply */
    {CS_REPLIED, CA_SUPERVISE, -1},
    {CS_REPLIED, CA_TAKE_CHARGE, -1},
    {CS_REPLIED, CA_DOWN_VISIT, -1},
    {CS_REPLIED, CA_RECLASSIFY, -1},
    {CS_CALLED_BACK, CA_CLOSE, CS_CLOSED},
    {CS_CALLED_BACK, CA_REVIEW_REQUEST, -1},
    {CS_CALLED_BACK, CA_SUPERVISE, -1},
    {CS_CALLED_BACK, CA_TAKE_CHARGE, -1},
    {CS_CALLED_BACK, CA_DOWN_VISIT, -1},
    {CS_CALLED_BACK, CA_RECLASSIFY, -1},
    {CS_CLOSED, CA_REVIEW_REQUEST, -1},
    /* CS_DECLINED and CS_FORWARDED: nothing */
};

static const struct expect *find_expected(enum case_status s, enum case_action a)
{
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (expected[i].from == s && expected[i].a == a) return &expected[i];
    return NULL;
}

static int contains(const enum case_action *v, int n, enum case_action a)
{
    for (int i = 0; i < n; i++)
        if (v[i] == a) return 1;
    return 0;
}

/* Every (state, action) pair: allowed ones succeed and lead where expected, the others are 409. */
static void transitions_table(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    int allowed_seen = 0;
    for (int s = 0; s < CS__COUNT; s++) {
        for (int a = 0; a < CA__COUNT; a++) {
            struct case_state cs = {.status = (enum case_status)s, .kind = CK_SUGGESTION};
            const struct expect *e = find_expected(cs.status, (enum case_action)a);
            const char *why = "unset";
            int rc = case_flow_check(&cs, (enum case_action)a, &in, &why);
            if (e) {
                if (rc != SX_OK) fail_msg("%s/%s refused: %s", case_status_code(cs.status),
                                          case_action_code((enum case_action)a), why);
                assert_null(why);
                int want = e->to < 0 ? s : e->to;
                assert_int_equal(case_flow_next(&cs, (enum case_action)a), want);
                assert_int_equal(case_flow_apply(&cs, (enum case_action)a, &in, NULL), SX_OK);
                assert_int_equal(cs.status, want);
                allowed_seen++;
            } else {
                if (rc != SX_ECONFLICT) fail_msg("%s/%s gave %d, expected conflict", case_status_code(cs.status),
                                                 case_action_code((enum case_action)a), rc);
                assert_non_null(why);
                assert_true(strlen(why) > 0);
                struct case_state before = cs;
                assert_int_equal(case_flow_apply(&cs, (enum case_action)a, &in, NULL), SX_ECONFLICT);
                assert_memory_equal(&before, &cs, sizeof cs); /* unchanged */
            }
        }
    }
    assert_int_equal(allowed_seen, (int)(sizeof expected / sizeof expected[0]));
}

/* The allowed list equals what check accepts, over every combination of state, kind and flags. */
static void allowed_equals_check(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    int combos = 0;
    for (int s = 0; s < CS__COUNT; s++)
        for (int k = 0; k < CK__COUNT; k++)
            for (int x = 0; x < EXT__COUNT; x++)
                for (int lvl = 0; lvl <= 2; lvl++)
                    for (int flags = 0; flags < 16; flags++) {
                        struct case_state cs = {.status = (enum case_status)s,
                                                .kind = (enum case_kind)k,
                                                .ext = (enum case_ext)x,
                                                .review_level = lvl,
                                                .review_requested = flags & 1,
                                                .leader_in_charge = (flags >> 1) & 1,
                                                .matter_final = (flags >> 2) & 1,
                                                .open_repeat = (flags >> 3) & 1};
                        /* a correction to a kind that is always possible */
                        in.new_kind = k == CK_SUGGESTION ? CK_APPEAL : CK_SUGGESTION;
                        enum case_action out[CA__COUNT];
                        int n = case_flow_allowed(&cs, out, CA__COUNT);
                        assert_in_range(n, 0, CA__COUNT);
                        for (int i = 1; i < n; i++) assert_true(out[i - 1] < out[i]); /* enum order */
                        for (int a = 0; a < CA__COUNT; a++) {
                            int ok = case_flow_check(&cs, (enum case_action)a, &in, NULL) == SX_OK;
                            int not_conflict = case_flow_check(&cs, (enum case_action)a, NULL, NULL) != SX_ECONFLICT;
                            assert_int_equal(ok, contains(out, n, (enum case_action)a));
                            assert_int_equal(not_conflict, ok);
                        }
                        if (case_status_terminal(cs.status) && cs.status != CS_CLOSED) assert_int_equal(n, 0);
                        combos++;
                    }
    assert_int_equal(combos, CS__COUNT * CK__COUNT * EXT__COUNT * 3 * 16);
}

static void allowed_max(void **state)
{
    (void)state;
    struct case_state cs = {.status = CS_REGISTERED};
    enum case_action out[2] = {CA__COUNT, CA__COUNT};
    assert_int_equal(case_flow_allowed(&cs, out, 2), 7); /* count beyond max */
    assert_int_equal(out[0], CA_ACCEPT);
    assert_int_equal(out[1], CA_DECLINE);
    assert_int_equal(case_flow_allowed(&cs, NULL, 0), 7);
    cs.status = CS_DECLINED;
    assert_int_equal(case_flow_allowed(&cs, out, 2), 0);
}

static void legal_not_accepted(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    struct case_state cs = {.status = CS_REGISTERED, .kind = CK_LEGAL};
    const char *why = NULL;
    assert_int_equal(case_flow_check(&cs, CA_ACCEPT, &in, &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "政法"));
    assert_int_equal(case_flow_check(&cs, CA_DECLINE, &in, &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "转送"));
    enum case_action out[CA__COUNT];
    int n = case_flow_allowed(&cs, out, CA__COUNT);
    assert_false(contains(out, n, CA_ACCEPT));
    assert_true(contains(out, n, CA_FORWARD));
    assert_int_equal(case_flow_apply(&cs, CA_FORWARD, &in, NULL), SX_OK);
    assert_int_equal(cs.status, CS_FORWARDED);
    assert_true(case_status_terminal(cs.status));
    /* every other kind can be accepted */
    for (int k = 0; k < CK__COUNT; k++) {
        struct case_state c2 = {.status = CS_REGISTERED, .kind = (enum case_kind)k};
        assert_int_equal(case_flow_check(&c2, CA_ACCEPT, &in, NULL) == SX_OK, k != CK_LEGAL);
    }
}

static void appeal_reply_needs_outcome(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    in.outcome = CO_NONE;
    const char *why = NULL;
    for (int s = CS_SIGNED; s <= CS_IN_PROGRESS; s++) {
        struct case_state cs = {.status = (enum case_status)s, .kind = CK_APPEAL};
        assert_int_equal(case_flow_check(&cs, CA_REPLY, &in, &why), SX_EVALIDATION);
        assert_non_null(strstr(why, "不予支持"));
        for (int o = CO_SUPPORT; o < CO__COUNT; o++) {
            in.outcome = (enum case_outcome)o;
            assert_int_equal(case_flow_check(&cs, CA_REPLY, &in, NULL), SX_OK);
        }
        in.outcome = (enum case_outcome)99;
        assert_int_equal(case_flow_check(&cs, CA_REPLY, &in, NULL), SX_EVALIDATION);
        in.outcome = CO_NONE;
    }
    /* other kinds: the outcome is optional */
    struct case_state cs = {.status = CS_SIGNED, .kind = CK_SUGGESTION};
    assert_int_equal(case_flow_check(&cs, CA_REPLY, &in, NULL), SX_OK);
    cs.kind = CK_REPORT;
    assert_int_equal(case_flow_check(&cs, CA_REPLY, &in, NULL), SX_OK);
    /* the reply text is always required */
    in.reply_text = "  ";
    assert_int_equal(case_flow_check(&cs, CA_REPLY, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "答复"));
    assert_true(case_kind_needs_outcome(CK_APPEAL));
    assert_false(case_kind_needs_outcome(CK_SUGGESTION));
}

static void extension_once(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    struct case_state cs = {.status = CS_SIGNED};
    const char *why = NULL;
    /* nothing to approve yet */
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_APPROVE, &in, &why), SX_ECONFLICT);
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REJECT, &in, NULL), SX_ECONFLICT);
    assert_int_equal(case_flow_apply(&cs, CA_EXTEND_REQUEST, &in, NULL), SX_OK);
    assert_int_equal(cs.ext, EXT_PENDING);
    assert_int_equal(cs.status, CS_SIGNED); /* a sub-event, not a state */
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "一次"));
    /* work goes on while the request is pending */
    assert_int_equal(case_flow_apply(&cs, CA_CONTACT, &in, NULL), SX_OK);
    assert_int_equal(cs.status, CS_IN_PROGRESS);
    assert_int_equal(case_flow_apply(&cs, CA_EXTEND_APPROVE, &in, NULL), SX_OK);
    assert_int_equal(cs.ext, EXT_APPROVED);
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, NULL), SX_ECONFLICT);
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_APPROVE, &in, NULL), SX_ECONFLICT);
    /* a rejected request also used the one chance */
    struct case_state c2 = {.status = CS_IN_PROGRESS};
    assert_int_equal(case_flow_apply(&c2, CA_EXTEND_REQUEST, &in, NULL), SX_OK);
    struct case_action_input no_reason = CASE_INPUT_INIT;
    assert_int_equal(case_flow_check(&c2, CA_EXTEND_REJECT, &no_reason, NULL), SX_EVALIDATION);
    assert_int_equal(case_flow_check(&c2, CA_EXTEND_APPROVE, &no_reason, NULL), SX_OK);
    assert_int_equal(case_flow_apply(&c2, CA_EXTEND_REJECT, &in, NULL), SX_OK);
    assert_int_equal(c2.ext, EXT_REJECTED);
    assert_int_equal(case_flow_check(&c2, CA_EXTEND_REQUEST, &in, NULL), SX_ECONFLICT);
    /* not before signing, not after replying */
    struct case_state c3 = {.status = CS_ASSIGNED};
    assert_int_equal(case_flow_check(&c3, CA_EXTEND_REQUEST, &in, NULL), SX_ECONFLICT);
    c3.status = CS_REPLIED;
    assert_int_equal(case_flow_check(&c3, CA_EXTEND_REQUEST, &in, NULL), SX_ECONFLICT);
}

static void extension_days(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    struct case_state cs = {.status = CS_SIGNED};
    const char *why = NULL;
    in.extend_days = 30;
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, NULL), SX_OK);
    in.extend_days = 31;
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "上限"));
    in.extend_max_days = 45; /* a deployment setting */
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, NULL), SX_OK);
    in.extend_days = 0;
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, NULL), SX_EVALIDATION);
    in.extend_days = -3;
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, NULL), SX_EVALIDATION);
    in.extend_days = 10;
    in.reason = NULL;
    assert_int_equal(case_flow_check(&cs, CA_EXTEND_REQUEST, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "理由"));
}

/* Required inputs: each missing one gives 422 with a reason, in a state that allows the action. */
static void missing_inputs(void **state)
{
    (void)state;
    struct {
        enum case_status s;
        enum case_action a;
        const char *why_has;
    } rows[] = {
        {CS_REGISTERED, CA_DECLINE, "理由"},
        {CS_REGISTERED, CA_FORWARD, "接收机关"},
        {CS_ACCEPTED, CA_ASSIGN, "承办单位"},
        {CS_ASSIGNED, CA_RETURN, "理由"},
        {CS_SIGNED, CA_CONTACT, "联系"},
        {CS_SIGNED, CA_REPLY, "答复"},
        {CS_REPLIED, CA_CALLBACK, "解决"},
        {CS_REGISTERED, CA_SUPERVISE, "督办意见"},
        {CS_CLOSED, CA_REVIEW_REQUEST, "理由"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct case_state cs = {.status = rows[i].s};
        struct case_action_input empty = CASE_INPUT_INIT;
        const char *why = NULL;
        assert_int_equal(case_flow_check(&cs, rows[i].a, &empty, &why), SX_EVALIDATION);
        if (!strstr(why, rows[i].why_has)) fail_msg("%s: %s", case_action_code(rows[i].a), why);
        assert_int_equal(case_flow_check(&cs, rows[i].a, NULL, NULL), SX_EVALIDATION);
        struct case_state before = cs;
        assert_int_equal(case_flow_apply(&cs, rows[i].a, NULL, NULL), SX_EVALIDATION);
        assert_memory_equal(&before, &cs, sizeof cs);
    }
    /* actions that need nothing */
    struct case_state cs = {.status = CS_REGISTERED};
    assert_int_equal(case_flow_check(&cs, CA_ACCEPT, NULL, NULL), SX_OK);
    assert_int_equal(case_flow_check(&cs, CA_TAKE_CHARGE, NULL, NULL), SX_OK);
    cs.status = CS_ASSIGNED;
    assert_int_equal(case_flow_check(&cs, CA_SIGN, NULL, NULL), SX_OK);
    cs.status = CS_CALLED_BACK;
    assert_int_equal(case_flow_check(&cs, CA_CLOSE, NULL, NULL), SX_OK);
}

static void assign_inputs(void **state)
{
    (void)state;
    struct case_state cs = {.status = CS_ACCEPTED};
    struct case_action_input in = full_input();
    const char *why = NULL;
    assert_int_equal(case_flow_check(&cs, CA_ASSIGN, &in, NULL), SX_OK);
    in.handler_id = 0;
    assert_int_equal(case_flow_check(&cs, CA_ASSIGN, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "承办人"));
    in = full_input();
    in.deadline = NULL;
    assert_int_equal(case_flow_check(&cs, CA_ASSIGN, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "期限"));
    in.deadline = "2026-02-30";
    assert_int_equal(case_flow_check(&cs, CA_ASSIGN, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "日期"));
    in.deadline = "明天";
    assert_int_equal(case_flow_check(&cs, CA_ASSIGN, &in, NULL), SX_EVALIDATION);
    in = full_input();
    in.unit_id = -1;
    assert_int_equal(case_flow_check(&cs, CA_ASSIGN, &in, NULL), SX_EVALIDATION);
    /* 转送 needs the receiving body; blanks do not count */
    cs.status = CS_ACCEPTED;
    in = full_input();
    in.forward_to = " \t";
    in.forward_unit_id = 0;
    assert_int_equal(case_flow_check(&cs, CA_FORWARD, &in, NULL), SX_EVALIDATION);
    in.forward_unit_id = 3; /* or an organ of the unit master data */
    assert_int_equal(case_flow_check(&cs, CA_FORWARD, &in, NULL), SX_OK);
}

static void callback_inputs(void **state)
{
    (void)state;
    struct case_state cs = {.status = CS_REPLIED};
    struct case_action_input in = full_input();
    const char *why = NULL;
    in.resolved = 0;
    in.satisfaction = SAT_UNSATISFIED;
    assert_int_equal(case_flow_check(&cs, CA_CALLBACK, &in, NULL), SX_OK);
    in.resolved = -1;
    assert_int_equal(case_flow_check(&cs, CA_CALLBACK, &in, &why), SX_EVALIDATION);
    in.resolved = 2;
    assert_int_equal(case_flow_check(&cs, CA_CALLBACK, &in, NULL), SX_EVALIDATION);
    in.resolved = 1;
    in.satisfaction = SAT_NONE;
    assert_int_equal(case_flow_check(&cs, CA_CALLBACK, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "满意"));
    in.satisfaction = SAT__COUNT;
    assert_int_equal(case_flow_check(&cs, CA_CALLBACK, &in, NULL), SX_EVALIDATION);
    in.satisfaction = SAT_BASIC;
    assert_int_equal(case_flow_check(&cs, CA_CALLBACK, &in, NULL), SX_OK);
}

static void return_and_reassign(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    struct case_state cs = {.status = CS_ACCEPTED};
    assert_int_equal(case_flow_apply(&cs, CA_ASSIGN, &in, NULL), SX_OK);
    assert_int_equal(case_flow_apply(&cs, CA_RETURN, &in, NULL), SX_OK);
    assert_int_equal(cs.status, CS_ACCEPTED); /* back for re-dispatch */
    assert_int_equal(case_flow_apply(&cs, CA_ASSIGN, &in, NULL), SX_OK);
    assert_int_equal(case_flow_apply(&cs, CA_SIGN, &in, NULL), SX_OK);
    const char *why = NULL;
    assert_int_equal(case_flow_check(&cs, CA_RETURN, &in, &why), SX_ECONFLICT); /* after 签收 */
    assert_non_null(strstr(why, "签收"));
}

static void reviews(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    const char *why = NULL;
    /* original case: 复查 yes, 复核 no */
    struct case_state cs = {.status = CS_CLOSED};
    assert_int_equal(case_flow_check(&cs, CA_RECHECK_REQUEST, &in, &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "复查"));
    assert_int_equal(case_flow_apply(&cs, CA_REVIEW_REQUEST, &in, NULL), SX_OK);
    assert_int_equal(cs.status, CS_CLOSED);
    assert_true(cs.review_requested);
    assert_int_equal(case_flow_check(&cs, CA_REVIEW_REQUEST, &in, NULL), SX_ECONFLICT); /* once */
    /* a 复查 case: 复核 yes, 复查 no */
    struct case_state rc1 = {.status = CS_CLOSED, .review_level = 1};
    assert_int_equal(case_flow_check(&rc1, CA_REVIEW_REQUEST, &in, NULL), SX_ECONFLICT);
    assert_int_equal(case_flow_apply(&rc1, CA_RECHECK_REQUEST, &in, NULL), SX_OK);
    assert_int_equal(case_flow_check(&rc1, CA_RECHECK_REQUEST, &in, NULL), SX_ECONFLICT);
    /* a 复核 case: nothing further */
    struct case_state rc2 = {.status = CS_CLOSED, .review_level = 2};
    assert_int_equal(case_flow_check(&rc2, CA_REVIEW_REQUEST, &in, &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "不再受理"));
    assert_int_equal(case_flow_check(&rc2, CA_RECHECK_REQUEST, &in, &why), SX_ECONFLICT);
    assert_int_equal(case_flow_allowed(&rc2, NULL, 0), 0);
    /* from the reply on (the 30 days run from it), not before */
    struct case_state open = {.status = CS_IN_PROGRESS};
    assert_int_equal(case_flow_check(&open, CA_REVIEW_REQUEST, &in, &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "答复"));
    for (int s = CS_REPLIED; s <= CS_CLOSED; s++) {
        struct case_state after = {.status = (enum case_status)s};
        assert_int_equal(case_flow_apply(&after, CA_REVIEW_REQUEST, &in, NULL), SX_OK);
        assert_int_equal(after.status, s); /* the original runs its course */
    }
    /* the same matter after 复核: accepted only with the new facts and reasons; declined without one */
    struct case_state again = {.status = CS_REGISTERED, .matter_final = 1};
    struct case_action_input no_reason = CASE_INPUT_INIT;
    assert_int_equal(case_flow_check(&again, CA_ACCEPT, &no_reason, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "新的事实和理由"));
    assert_int_equal(case_flow_check(&again, CA_ACCEPT, &in, NULL), SX_OK);
    assert_int_equal(case_flow_check(&again, CA_DECLINE, &no_reason, NULL), SX_OK);
    assert_true(case_action_needs(&again, CA_ACCEPT) & CIN_REASON);
    assert_false(case_action_needs(&again, CA_DECLINE) & CIN_REASON);
}

/* 2022 art. 19: a repeat of a matter still in its time limits is not accepted as a new case. */
static void open_repeat_not_accepted(void **state)
{
    (void)state;
    struct case_action_input in = full_input(), none = CASE_INPUT_INIT;
    struct case_state cs = {.status = CS_REGISTERED, .open_repeat = 1};
    const char *why = NULL;
    assert_int_equal(case_flow_check(&cs, CA_ACCEPT, &in, &why), SX_ECONFLICT);
    assert_non_null(strstr(why, "第十九条"));
    assert_int_equal(case_flow_check(&cs, CA_DECLINE, &none, NULL), SX_OK); /* the notice says why */
    assert_false(case_action_needs(&cs, CA_DECLINE) & CIN_REASON);
    assert_int_equal(case_flow_check(&cs, CA_FORWARD, &in, NULL), SX_OK);
    cs.status = CS_ACCEPTED;
    assert_int_equal(case_flow_check(&cs, CA_ONSPOT, &in, NULL), SX_ECONFLICT);
    /* an ordinary case still needs its reason to decline */
    struct case_state plain = {.status = CS_REGISTERED};
    assert_int_equal(case_flow_check(&plain, CA_DECLINE, &none, NULL), SX_EVALIDATION);
}

/* 更正性质: a reason and a different kind; 涉法涉诉 only before assignment; never a review case. */
static void reclassify_rules(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    const char *why = NULL;
    struct case_state cs = {.status = CS_REGISTERED, .kind = CK_SUGGESTION};
    in.new_kind = CK_SUGGESTION;
    assert_int_equal(case_flow_check(&cs, CA_RECLASSIFY, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "相同"));
    in.new_kind = -1;
    assert_int_equal(case_flow_check(&cs, CA_RECLASSIFY, &in, NULL), SX_EVALIDATION);
    in.new_kind = CK__COUNT;
    assert_int_equal(case_flow_check(&cs, CA_RECLASSIFY, &in, NULL), SX_EVALIDATION);
    in.new_kind = CK_LEGAL;
    in.reason = NULL;
    assert_int_equal(case_flow_check(&cs, CA_RECLASSIFY, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "理由"));
    in.reason = "登记时选错";
    assert_int_equal(case_flow_apply(&cs, CA_RECLASSIFY, &in, NULL), SX_OK);
    assert_int_equal(cs.kind, CK_LEGAL);
    assert_int_equal(cs.status, CS_REGISTERED);
    struct case_state assigned = {.status = CS_ASSIGNED, .kind = CK_APPEAL};
    assert_int_equal(case_flow_check(&assigned, CA_RECLASSIFY, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "退回"));
    in.new_kind = CK_REPORT;
    assert_int_equal(case_flow_check(&assigned, CA_RECLASSIFY, &in, NULL), SX_OK); /* the store checks the unit */
    struct case_state review = {.status = CS_REGISTERED, .review_level = 1};
    assert_int_equal(case_flow_check(&review, CA_RECLASSIFY, &in, NULL), SX_ECONFLICT);
    struct case_state closed = {.status = CS_CLOSED};
    assert_int_equal(case_flow_check(&closed, CA_RECLASSIFY, &in, NULL), SX_ECONFLICT);
}

/* Routing by kind and who approves an extension. */
static void routing_and_approvers(void **state)
{
    (void)state;
    assert_string_equal(case_route_org_type(CK_LEGAL, CA_FORWARD), CASE_ORG_POLITICS_LAW);
    assert_string_equal(case_route_org_type(CK_REPORT, CA_ASSIGN), CASE_ORG_DISCIPLINE);
    assert_string_equal(case_route_org_type(CK_REPORT, CA_FORWARD), CASE_ORG_DISCIPLINE);
    assert_null(case_route_org_type(CK_SUGGESTION, CA_ASSIGN));
    assert_null(case_route_org_type(CK_APPEAL, CA_FORWARD));
    assert_null(case_route_org_type(CK_LEGAL, CA_ASSIGN));
    assert_string_equal(case_org_type_label(CASE_ORG_DISCIPLINE), "纪检监察机关");
    assert_true(case_org_type_valid("") && case_org_type_valid("politics_law") && !case_org_type_valid("court"));
    /* a forward of these kinds names the organ from the master data, not free text */
    struct case_action_input in = full_input();
    in.forward_unit_id = 0;
    const char *why = NULL;
    struct case_state legal = {.status = CS_REGISTERED, .kind = CK_LEGAL};
    assert_int_equal(case_flow_check(&legal, CA_FORWARD, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "政法机关"));
    struct case_state report = {.status = CS_ACCEPTED, .kind = CK_REPORT};
    assert_int_equal(case_flow_check(&report, CA_FORWARD, &in, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "纪检监察"));
    struct case_state plain = {.status = CS_ACCEPTED};
    assert_int_equal(case_flow_check(&plain, CA_FORWARD, &in, NULL), SX_OK);
    /* extensions: the head of the handling unit, or above, as configured */
    assert_true(case_ext_approver_ok(EXTA_UNIT_OR_ABOVE, "/1/", "/1/4/"));
    assert_true(case_ext_approver_ok(EXTA_UNIT_OR_ABOVE, "/1/4/", "/1/4/"));
    assert_false(case_ext_approver_ok(EXTA_UNIT_OR_ABOVE, "/1/5/", "/1/4/"));
    assert_false(case_ext_approver_ok(EXTA_UNIT_OR_ABOVE, "/1/4/", "/1/"));
    assert_false(case_ext_approver_ok(EXTA_UNIT_OR_ABOVE, "/1/4/", "/1/44/")); /* a prefix of digits is no parent */
    assert_false(case_ext_approver_ok(EXTA_UNIT_ONLY, "/1/", "/1/4/"));
    assert_true(case_ext_approver_ok(EXTA_UNIT_ONLY, "/1/4/", "/1/4/"));
    assert_true(case_ext_approver_ok(EXTA_ANY, "/9/", "/1/4/"));
    assert_false(case_ext_approver_ok(EXTA_UNIT_OR_ABOVE, "/1/", ""));
    assert_int_equal(case_ext_approval_from_code("unit_only"), EXTA_UNIT_ONLY);
    assert_int_equal(case_ext_approval_from_code("boss"), -1);
}

static void supervise_and_take_charge(void **state)
{
    (void)state;
    struct case_action_input in = full_input();
    for (int s = 0; s < CS__COUNT; s++) {
        struct case_state cs = {.status = (enum case_status)s};
        int open = !case_status_terminal(cs.status);
        assert_int_equal(case_flow_check(&cs, CA_SUPERVISE, &in, NULL) == SX_OK, open);
        assert_int_equal(case_flow_check(&cs, CA_TAKE_CHARGE, &in, NULL) == SX_OK, open);
        if (!open) continue;
        /* 督办 may repeat; 包案 once */
        assert_int_equal(case_flow_apply(&cs, CA_SUPERVISE, &in, NULL), SX_OK);
        assert_int_equal(case_flow_apply(&cs, CA_SUPERVISE, &in, NULL), SX_OK);
        assert_int_equal(cs.status, s);
        assert_int_equal(case_flow_apply(&cs, CA_TAKE_CHARGE, &in, NULL), SX_OK);
        assert_true(cs.leader_in_charge);
        assert_int_equal(cs.status, s);
        const char *why = NULL;
        assert_int_equal(case_flow_check(&cs, CA_TAKE_CHARGE, &in, &why), SX_ECONFLICT);
        assert_non_null(strstr(why, "包案"));
    }
}

/* The whole life of a case for each kind. */
static void lifecycle_each_kind(void **state)
{
    (void)state;
    static const enum case_action path[] = {CA_ACCEPT, CA_ASSIGN,   CA_SIGN,    CA_CONTACT,
                                            CA_REPLY,  CA_CALLBACK, CA_CLOSE};
    static const enum case_status after[] = {CS_ACCEPTED, CS_ASSIGNED,    CS_SIGNED, CS_IN_PROGRESS,
                                             CS_REPLIED,  CS_CALLED_BACK, CS_CLOSED};
    struct case_action_input in = full_input();
    for (int k = 0; k < CK__COUNT; k++) {
        struct case_state cs = {.status = CS_REGISTERED, .kind = (enum case_kind)k};
        if (k == CK_LEGAL) {
            assert_int_equal(case_flow_apply(&cs, CA_FORWARD, &in, NULL), SX_OK);
            assert_int_equal(cs.status, CS_FORWARDED);
            continue;
        }
        for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
            const char *why = NULL;
            int rc = case_flow_apply(&cs, path[i], &in, &why);
            if (rc) fail_msg("%s step %s: %s", case_kind_code(cs.kind), case_action_code(path[i]), why);
            assert_int_equal(cs.status, after[i]);
        }
        assert_true(case_status_terminal(cs.status));
    }
}

static void unknown_action(void **state)
{
    (void)state;
    struct case_state cs = {.status = CS_REGISTERED};
    const char *why = NULL;
    assert_int_equal(case_flow_check(&cs, (enum case_action)CA__COUNT, NULL, &why), SX_EVALIDATION);
    assert_non_null(why);
    assert_int_equal(case_flow_check(&cs, (enum case_action)-1, NULL, NULL), SX_EVALIDATION);
    assert_int_equal(case_flow_next(&cs, (enum case_action)CA__COUNT), CS_REGISTERED);
    cs.status = (enum case_status)CS__COUNT;
    assert_int_equal(case_flow_check(&cs, CA_ACCEPT, NULL, NULL), SX_ECONFLICT);
    assert_int_equal(case_flow_allowed(&cs, NULL, 0), 0);
}

static void check_names(int count, const char *(*code)(int), const char *(*label)(int), int (*from)(const char *),
                        int first)
{
    for (int i = first; i < count; i++) {
        assert_non_null(code(i));
        assert_non_null(label(i));
        assert_true(strlen(label(i)) > 0);
        assert_int_equal(from(code(i)), i);
        for (const char *p = code(i); *p; p++) assert_true((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9'));
    }
    assert_null(code(count));
    assert_null(label(count));
    assert_null(code(-1));
    assert_int_equal(from("nope"), -1);
    assert_int_equal(from(""), -1);
    assert_int_equal(from(NULL), -1);
}

/* Adapters: the enum-typed functions as int-typed ones. */
#define ADAPT(p, T)                                                                                             \
    static const char *p##_c(int v) { return p##_code((T)v); }                                                  \
    static const char *p##_l(int v) { return p##_label((T)v); }
ADAPT(case_status, enum case_status)
ADAPT(case_action, enum case_action)
ADAPT(case_kind, enum case_kind)
ADAPT(case_channel, enum case_channel)
ADAPT(case_outcome, enum case_outcome)
ADAPT(case_satisfaction, enum case_satisfaction)
ADAPT(case_ext, enum case_ext)

static void codes_and_labels(void **state)
{
    (void)state;
    check_names(CS__COUNT, case_status_c, case_status_l, case_status_from_code, 0);
    check_names(CA__COUNT, case_action_c, case_action_l, case_action_from_code, 0);
    check_names(CK__COUNT, case_kind_c, case_kind_l, case_kind_from_code, 0);
    check_names(CH__COUNT, case_channel_c, case_channel_l, case_channel_from_code, 0);
    check_names(CO__COUNT, case_outcome_c, case_outcome_l, case_outcome_from_code, 1);
    check_names(SAT__COUNT, case_satisfaction_c, case_satisfaction_l, case_satisfaction_from_code, 1);
    check_names(EXT__COUNT, case_ext_c, case_ext_l, case_ext_from_code, 0);
    assert_null(case_outcome_code(CO_NONE));
    assert_null(case_satisfaction_code(SAT_NONE));
    assert_string_equal(case_status_label(CS_REGISTERED), "登记");
    assert_string_equal(case_status_label(CS_DECLINED), "不予受理");
    assert_string_equal(case_status_label(CS_IN_PROGRESS), "办理中");
    assert_string_equal(case_status_label(CS_CLOSED), "办结");
    assert_string_equal(case_action_label(CA_RETURN), "退回");
    assert_string_equal(case_action_label(CA_TAKE_CHARGE), "包案");
    assert_string_equal(case_action_label(CA_SUPERVISE), "督办");
    assert_string_equal(case_kind_label(CK_LEGAL), "涉法涉诉");
    assert_int_equal(case_kind_from_code("appeal"), CK_APPEAL);
    assert_string_equal(case_outcome_label(CO_EXPLAIN), "解释说明");
    assert_string_equal(case_outcome_label(CO_NOT_SUPPORT), "不予支持");
    assert_string_equal(case_satisfaction_label(SAT_BASIC), "基本满意");
    assert_string_equal(case_channel_label(CH_RECEPTION), "接访日");
    /* codes are unique within each enum (from_code round-trips), permissions are case:* */
    for (int a = 0; a < CA__COUNT; a++) {
        assert_non_null(case_action_perm((enum case_action)a));
        assert_int_equal(strncmp(case_action_perm((enum case_action)a), "case:", 5), 0);
        assert_non_null(case_action_table[a].why_state);
    }
    assert_null(case_action_perm((enum case_action)CA__COUNT));
    assert_string_equal(case_action_perm(CA_ACCEPT), "case:accept");
    assert_string_equal(case_action_perm(CA_ASSIGN), "case:assign");
    assert_string_equal(case_action_perm(CA_SIGN), "case:sign");
    assert_string_equal(case_action_perm(CA_CONTACT), "case:handle");
    assert_string_equal(case_action_perm(CA_REPLY), "case:reply");
    assert_string_equal(case_action_perm(CA_CALLBACK), "case:callback");
    assert_string_equal(case_action_perm(CA_CLOSE), "case:close");
    assert_string_equal(case_action_perm(CA_EXTEND_REQUEST), "case:extend_request");
    assert_string_equal(case_action_perm(CA_EXTEND_APPROVE), "case:extend_approve");
    assert_string_equal(case_action_perm(CA_SUPERVISE), "case:supervise");
    assert_string_equal(case_action_perm(CA_REVIEW_REQUEST), "case:review");
}

static void kinds_and_terminals(void **state)
{
    (void)state;
    for (int k = 0; k < CK__COUNT; k++)
        assert_int_equal(case_kind_restricted((enum case_kind)k), k == CK_REPORT);
    int terminals = 0;
    for (int s = 0; s < CS__COUNT; s++) terminals += case_status_terminal((enum case_status)s);
    assert_int_equal(terminals, 3);
    assert_true(case_status_terminal(CS_DECLINED));
    assert_true(case_status_terminal(CS_FORWARDED));
    assert_true(case_status_terminal(CS_CLOSED));
    assert_false(case_status_terminal(CS_REPLIED));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transitions_table),     cmocka_unit_test(allowed_equals_check),
        cmocka_unit_test(allowed_max),           cmocka_unit_test(legal_not_accepted),
        cmocka_unit_test(appeal_reply_needs_outcome), cmocka_unit_test(extension_once),
        cmocka_unit_test(extension_days),        cmocka_unit_test(missing_inputs),
        cmocka_unit_test(assign_inputs),         cmocka_unit_test(callback_inputs),
        cmocka_unit_test(return_and_reassign),   cmocka_unit_test(reviews),
        cmocka_unit_test(open_repeat_not_accepted), cmocka_unit_test(reclassify_rules),
        cmocka_unit_test(routing_and_approvers),
        cmocka_unit_test(supervise_and_take_charge), cmocka_unit_test(lifecycle_each_kind),
        cmocka_unit_test(unknown_action),        cmocka_unit_test(codes_and_labels),
        cmocka_unit_test(kinds_and_terminals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
