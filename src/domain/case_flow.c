#include "case_flow.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <string.h>
#include <time.h>

#define B(s) (1u << (s))
#define NONTERMINAL                                                                                             \
    (B(CS_REGISTERED) | B(CS_ACCEPTED) | B(CS_ASSIGNED) | B(CS_SIGNED) | B(CS_IN_PROGRESS) | B(CS_REPLIED) |   \
     B(CS_CALLED_BACK))
/* From the reply on: 复查/复核 may be requested (the 30 days run from the reply). */
#define AFTER_REPLY (B(CS_REPLIED) | B(CS_CALLED_BACK) | B(CS_CLOSED))

struct code_label {
    const char *code, *label;
};

static const struct code_label status_names[CS__COUNT] = {
    [CS_REGISTERED] = {"registered", "登记"},   [CS_ACCEPTED] = {"accepted", "受理"},
    [CS_DECLINED] = {"declined", "不予受理"},   [CS_FORWARDED] = {"forwarded", "转送"},
    [CS_ASSIGNED] = {"assigned", "交办"},       [CS_SIGNED] = {"signed", "签收"},
    [CS_IN_PROGRESS] = {"in_progress", "办理中"}, [CS_REPLIED] = {"replied", "答复"},
    [CS_CALLED_BACK] = {"called_back", "回访"}, [CS_CLOSED] = {"closed", "办结"},
};

static const struct code_label kind_names[CK__COUNT] = {
    [CK_SUGGESTION] = {"suggestion", "建议意见"},
    [CK_REPORT] = {"report", "检举控告"},
    [CK_APPEAL] = {"appeal", "申诉求决"},
    [CK_LEGAL] = {"legal", "涉法涉诉"},
};

static const struct code_label channel_names[CH__COUNT] = {
    [CH_VISIT] = {"visit", "来访"},         [CH_LETTER] = {"letter", "来信"},
    [CH_PHONE] = {"phone", "电话"},         [CH_FAX] = {"fax", "传真"},
    [CH_ONLINE] = {"online", "网上信访"},   [CH_RECEPTION] = {"reception_day", "接访日"},
    [CH_DOWN_VISIT] = {"down_visit", "下访"}, [CH_ONSITE] = {"onsite", "现场办公"},
    [CH_OUTREACH] = {"outreach", "宣讲反馈"}, [CH_OPEN311] = {"open311", "Open311"},
};

/* Index 0 (NONE) has no code: "not given" is not a value a client sends. */
static const struct code_label outcome_names[CO__COUNT] = {
    [CO_NONE] = {NULL, NULL},
    [CO_SUPPORT] = {"support", "支持"},
    [CO_EXPLAIN] = {"explain", "解释说明"},
    [CO_NOT_SUPPORT] = {"not_support", "不予支持"},
};

static const struct code_label satisfaction_names[SAT__COUNT] = {
    [SAT_NONE] = {NULL, NULL},
    [SAT_SATISFIED] = {"satisfied", "满意"},
    [SAT_BASIC] = {"basically_satisfied", "基本满意"},
    [SAT_UNSATISFIED] = {"unsatisfied", "不满意"},
};

static const struct code_label ext_names[EXT__COUNT] = {
    [EXT_NONE] = {"none", "未申请"},
    [EXT_PENDING] = {"pending", "待审批"},
    [EXT_APPROVED] = {"approved", "已批准"},
    [EXT_REJECTED] = {"rejected", "未批准"},
};

const struct case_action_info case_action_table[CA__COUNT] = {
    [CA_ACCEPT] = {"accept", "受理", "case:accept", B(CS_REGISTERED), CS_ACCEPTED, 0,
                   "只有登记状态的事项可以受理"},
    [CA_DECLINE] = {"decline", "不予受理", "case:accept", B(CS_REGISTERED), CS_DECLINED, CIN_REASON,
                    "只有登记状态的事项可以不予受理"},
    [CA_FORWARD] = {"forward", "转送", "case:assign", B(CS_REGISTERED) | B(CS_ACCEPTED), CS_FORWARDED,
                    CIN_FORWARD_TO, "只有登记或受理状态的事项可以转送"},
    [CA_ASSIGN] = {"assign", "交办", "case:assign", B(CS_ACCEPTED), CS_ASSIGNED,
                   CIN_UNIT | CIN_HANDLER | CIN_DEADLINE, "只有已受理的事项可以交办"},
    [CA_SIGN] = {"sign", "签收", "case:sign", B(CS_ASSIGNED), CS_SIGNED, 0, "只有已交办的事项可以签收"},
    [CA_RETURN] = {"return", "退回", "case:sign", B(CS_ASSIGNED), CS_ACCEPTED, CIN_REASON,
                   "只有已交办且尚未签收的事项可以退回"},
    [CA_CONTACT] = {"contact", "联系群众", "case:handle", B(CS_SIGNED) | B(CS_IN_PROGRESS), CS_IN_PROGRESS,
                    CIN_CONTACT, "只有已签收或办理中的事项可以记录联系情况"},
    [CA_REPLY] = {"reply", "答复", "case:reply", B(CS_SIGNED) | B(CS_IN_PROGRESS), CS_REPLIED,
                  CIN_REPLY | CIN_OUTCOME, "只有已签收或办理中的事项可以答复"},
    [CA_CALLBACK] = {"callback", "回访", "case:callback", B(CS_REPLIED), CS_CALLED_BACK, CIN_CALLBACK,
                     "只有已答复的事项可以回访"},
    [CA_CLOSE] = {"close", "办结", "case:close", B(CS_CALLED_BACK), CS_CLOSED, 0, "只有已回访的事项可以办结"},
    [CA_EXTEND_REQUEST] = {"extend_request", "申请延期", "case:extend_request", B(CS_SIGNED) | B(CS_IN_PROGRESS),
                           -1, CIN_REASON | CIN_EXT_DAYS, "只有已签收或办理中的事项可以申请延期"},
    [CA_EXTEND_APPROVE] = {"extend_approve", "批准延期", "case:extend_approve", B(CS_SIGNED) | B(CS_IN_PROGRESS),
                           -1, 0, "只有已签收或办理中的事项可以审批延期"},
    [CA_EXTEND_REJECT] = {"extend_reject", "不批准延期", "case:extend_approve", B(CS_SIGNED) | B(CS_IN_PROGRESS),
                          -1, CIN_REASON, "只有已签收或办理中的事项可以审批延期"},
    [CA_SUPERVISE] = {"supervise", "督办", "case:supervise", NONTERMINAL, -1, CIN_REASON,
                      "已终结的事项不能督办"},
    [CA_TAKE_CHARGE] = {"take_charge", "包案", "case:supervise", NONTERMINAL, -1, 0, "已终结的事项不能包案"},
    [CA_REVIEW_REQUEST] = {"review_request", "申请复查", "case:review", AFTER_REPLY, -1, CIN_REASON,
                           "答复之后才能申请复查"},
    [CA_RECHECK_REQUEST] = {"recheck_request", "申请复核", "case:review", AFTER_REPLY, -1, CIN_REASON,
                            "复查答复之后才能申请复核"},
    [CA_ONSPOT] = {"onspot", "当场答复", "case:accept", B(CS_ACCEPTED), CS_REPLIED, CIN_REPLY | CIN_OUTCOME,
                   "只有已受理尚未交办的事项可以当场答复"},
    [CA_DOWN_VISIT] = {"down_visit", "下访", "case:supervise", NONTERMINAL, -1, CIN_CONTACT,
                       "已终结的事项不能记录下访"},
    [CA_RECLASSIFY] = {"reclassify", "更正性质", "case:intake", NONTERMINAL, -1, CIN_KIND | CIN_REASON,
                       "已终结的事项不能更正性质"},
};

/* Conditions beyond the status: kind and flags. 0 or SX_ECONFLICT with *why. */
static int flag_check(const struct case_state *cs, enum case_action a, const char **why)
{
    switch (a) {
    case CA_ACCEPT:
        if (cs->kind == CK_LEGAL) {
            *why = "涉法涉诉事项应转送政法机关依法处理，信访部门不予受理";
            return SX_ECONFLICT;
        }
        if (cs->open_repeat) {
            *why = "该事项与正在办理期限内的事项为同一事项，不再作为新事项受理（《信访工作条例》第十九条），"
                   "请告知信访人原事项的办理进度";
            return SX_ECONFLICT;
        }
        break;
    case CA_DECLINE:
        if (cs->kind == CK_LEGAL) {
            *why = "涉法涉诉事项应转送政法机关依法处理";
            return SX_ECONFLICT;
        }
        break;
    case CA_EXTEND_REQUEST:
        if (cs->ext != EXT_NONE) {
            *why = "每件事项只能申请一次延期";
            return SX_ECONFLICT;
        }
        break;
    case CA_EXTEND_APPROVE:
    case CA_EXTEND_REJECT:
        if (cs->ext != EXT_PENDING) {
            *why = "没有待审批的延期申请";
            return SX_ECONFLICT;
        }
        break;
    case CA_TAKE_CHARGE:
        if (cs->leader_in_charge) {
            *why = "该事项已有领导包案";
            return SX_ECONFLICT;
        }
        break;
    case CA_ONSPOT:
        if (cs->open_repeat) {
            *why = "该事项与正在办理期限内的事项为同一事项，不能作为新事项答复";
            return SX_ECONFLICT;
        }
        break;
    case CA_RECLASSIFY:
        if (cs->review_level) {
            *why = "复查、复核事项的性质随原事项，不能单独更正";
            return SX_ECONFLICT;
        }
        break;
    case CA_REVIEW_REQUEST:
    case CA_RECHECK_REQUEST:
        if (cs->review_level >= 2) {
            *why = "复核意见为最终意见，同一事项不再受理";
            return SX_ECONFLICT;
        }
        if (a == CA_REVIEW_REQUEST && cs->review_level == 1) {
            *why = "复查案件办结后只能申请复核";
            return SX_ECONFLICT;
        }
        if (a == CA_RECHECK_REQUEST && cs->review_level != 1) {
            *why = "复核只能针对复查意见提出，请先申请复查";
            return SX_ECONFLICT;
        }
        if (cs->review_requested) {
            *why = "该事项已提出过复查或复核申请";
            return SX_ECONFLICT;
        }
        break;
    default:
        break;
    }
    return SX_OK;
}

static int state_check(const struct case_state *cs, enum case_action a, const char **why)
{
    if ((unsigned)cs->status >= CS__COUNT) {
        *why = "案件状态无效";
        return SX_ECONFLICT;
    }
    if (!(case_action_table[a].from & B(cs->status))) {
        *why = case_action_table[a].why_state;
        return SX_ECONFLICT;
    }
    return flag_check(cs, a, why);
}

/* A text counts as given when it holds a non-blank character. */
static int given(const char *s)
{
    if (!s) return 0;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return 1;
    return 0;
}

unsigned case_action_needs(const struct case_state *cs, enum case_action a)
{
    if ((unsigned)a >= CA__COUNT) return 0;
    unsigned n = case_action_table[a].needs;
    if (!case_kind_needs_outcome(cs->kind)) n &= ~CIN_OUTCOME;
    /* A repeat of a matter in handling or closed by 复核 is declined for that very reason: the
     * notice says so, no further reason is needed. Accepting a repeat of a final matter needs
     * the new facts and reasons (2022 art. 36). */
    if (a == CA_DECLINE && (cs->matter_final || cs->open_repeat)) n &= ~CIN_REASON;
    if (a == CA_ACCEPT && cs->matter_final) n |= CIN_REASON;
    return n;
}

static int input_check(const struct case_state *cs, enum case_action a, const struct case_action_input *in,
                       const char **why)
{
    static const struct case_action_input none = CASE_INPUT_INIT;
    if (!in) in = &none;
    unsigned n = case_action_needs(cs, a) | (case_action_table[a].needs & CIN_OUTCOME);
#define FAIL(msg)                                                                                               \
    do {                                                                                                        \
        *why = (msg);                                                                                           \
        return SX_EVALIDATION;                                                                                  \
    } while (0)
    if ((n & CIN_REASON) && !given(in->reason)) {
        switch (a) {
        case CA_ACCEPT: FAIL("该事项已经复核终结，受理须说明新的事实和理由（《信访工作条例》第三十六条）");
        case CA_DECLINE: FAIL("不予受理须说明理由");
        case CA_RETURN: FAIL("退回须说明理由");
        case CA_EXTEND_REQUEST: FAIL("申请延期须说明理由");
        case CA_EXTEND_REJECT: FAIL("不批准延期须说明理由");
        case CA_SUPERVISE: FAIL("督办须填写督办意见");
        case CA_RECLASSIFY: FAIL("更正性质须说明理由");
        default: FAIL("须说明理由");
        }
    }
    if ((n & CIN_FORWARD_TO) && case_route_org_type(cs->kind, a) && in->forward_unit_id <= 0)
        FAIL(cs->kind == CK_LEGAL ? "涉法涉诉事项须转送政法机关，请从单位中选择接收机关"
                                  : "检举控告事项须转送纪检监察机关，请从单位中选择接收机关");
    if ((n & CIN_FORWARD_TO) && !given(in->forward_to) && in->forward_unit_id <= 0) FAIL("转送须指定接收机关");
    if ((n & CIN_UNIT) && in->unit_id <= 0) FAIL("交办须指定承办单位");
    if ((n & CIN_HANDLER) && in->handler_id <= 0) FAIL("交办须指定承办人");
    if (n & CIN_DEADLINE) {
        time_t t;
        if (!given(in->deadline)) FAIL("交办须指定办理期限");
        if (time_parse_iso(in->deadline, &t) != 0) FAIL("办理期限不是有效日期");
    }
    if ((n & CIN_CONTACT) && !given(in->contact_how)) FAIL("须填写联系方式（如电话、面谈）");
    if ((n & CIN_CONTACT) && !given(in->contact_with)) FAIL("须填写联系对象");
    if ((n & CIN_REPLY) && !given(in->reply_text)) FAIL("答复须填写答复内容");
    if (n & CIN_OUTCOME) {
        if ((unsigned)in->outcome >= CO__COUNT) FAIL("处理结果无效");
        if (cs->kind == CK_APPEAL && in->outcome == CO_NONE)
            FAIL("申诉求决类事项的答复须给出处理结果：支持、解释说明或不予支持");
    }
    if (n & CIN_CALLBACK) {
        if (in->resolved != 0 && in->resolved != 1) FAIL("回访须记录问题是否解决");
        if (in->satisfaction <= SAT_NONE || in->satisfaction >= SAT__COUNT)
            FAIL("回访须记录满意度：满意、基本满意或不满意");
    }
    if (n & CIN_KIND) {
        if (in->new_kind < 0 || in->new_kind >= CK__COUNT) FAIL("须选择更正后的事项性质");
        if ((enum case_kind)in->new_kind == cs->kind) FAIL("更正后的事项性质与原性质相同");
        /* 涉法涉诉 is forwarded, never handled here: only before it is assigned (诉访分离). */
        if (in->new_kind == CK_LEGAL && cs->status != CS_REGISTERED && cs->status != CS_ACCEPTED)
            FAIL("已交办的事项不能直接更正为涉法涉诉，请先由承办单位退回");
    }
    if (n & CIN_EXT_DAYS) {
        int max = in->extend_max_days > 0 ? in->extend_max_days : CASE_EXTEND_MAX_DAYS_DEFAULT;
        if (in->extend_days <= 0) FAIL("须填写延期天数");
        if (in->extend_days > max) FAIL("延期天数超过上限");
    }
#undef FAIL
    return SX_OK;
}

int case_flow_check(const struct case_state *cs, enum case_action a, const struct case_action_input *in,
                    const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    *why = NULL;
    if ((unsigned)a >= CA__COUNT) {
        *why = "未知的操作";
        return SX_EVALIDATION;
    }
    int rc = state_check(cs, a, why);
    if (rc) return rc;
    return input_check(cs, a, in, why);
}

enum case_status case_flow_next(const struct case_state *cs, enum case_action a)
{
    if ((unsigned)a >= CA__COUNT || case_action_table[a].to < 0) return cs->status;
    return (enum case_status)case_action_table[a].to;
}

int case_flow_apply(struct case_state *cs, enum case_action a, const struct case_action_input *in,
                    const char **why)
{
    int rc = case_flow_check(cs, a, in, why);
    if (rc) return rc;
    cs->status = case_flow_next(cs, a);
    switch (a) {
    case CA_EXTEND_REQUEST: cs->ext = EXT_PENDING; break;
    case CA_EXTEND_APPROVE: cs->ext = EXT_APPROVED; break;
    case CA_EXTEND_REJECT: cs->ext = EXT_REJECTED; break;
    case CA_TAKE_CHARGE: cs->leader_in_charge = 1; break;
    case CA_REVIEW_REQUEST:
    case CA_RECHECK_REQUEST: cs->review_requested = 1; break;
    case CA_RECLASSIFY: cs->kind = (enum case_kind)in->new_kind; break;
    default: break;
    }
    return SX_OK;
}

int case_flow_allowed(const struct case_state *cs, enum case_action out[], int max)
{
    int n = 0;
    for (int a = 0; a < CA__COUNT; a++) {
        const char *why;
        if (state_check(cs, (enum case_action)a, &why) != SX_OK) continue;
        if (out && n < max) out[n] = (enum case_action)a;
        n++;
    }
    return n;
}

int case_status_terminal(enum case_status s)
{
    return s == CS_DECLINED || s == CS_FORWARDED || s == CS_CLOSED;
}

int case_kind_restricted(enum case_kind k) { return k == CK_REPORT; }

const char *case_route_org_type(enum case_kind k, enum case_action a)
{
    if (k == CK_LEGAL && a == CA_FORWARD) return CASE_ORG_POLITICS_LAW;
    if (k == CK_REPORT && (a == CA_ASSIGN || a == CA_FORWARD)) return CASE_ORG_DISCIPLINE;
    return NULL;
}

const char *case_org_type_label(const char *code)
{
    if (code && !strcmp(code, CASE_ORG_POLITICS_LAW)) return "政法机关";
    if (code && !strcmp(code, CASE_ORG_DISCIPLINE)) return "纪检监察机关";
    return "";
}

int case_org_type_valid(const char *code)
{
    return code && (!*code || !strcmp(code, CASE_ORG_POLITICS_LAW) || !strcmp(code, CASE_ORG_DISCIPLINE));
}

static const struct code_label ext_approval_names[EXTA__COUNT] = {
    [EXTA_UNIT_OR_ABOVE] = {"unit_or_above", "承办单位或其上级单位的领导"},
    [EXTA_UNIT_ONLY] = {"unit_only", "仅承办单位的领导"},
    [EXTA_ANY] = {"any", "任何有审批延期权限的人员"},
};

int case_ext_approver_ok(enum case_ext_approval m, const char *approver_path, const char *handling_path)
{
    if (m == EXTA_ANY) return 1;
    if (!approver_path || !*approver_path || !handling_path || !*handling_path) return 0;
    if (m == EXTA_UNIT_ONLY) return strcmp(approver_path, handling_path) == 0;
    /* The materialised path of an ancestor is a prefix of its descendants' paths ("/1/" of "/1/4/"). */
    return m == EXTA_UNIT_OR_ABOVE && strncmp(handling_path, approver_path, strlen(approver_path)) == 0;
}
int case_kind_needs_outcome(enum case_kind k) { return k == CK_APPEAL; }

/* ---- codes and labels ---- */

static int names_find(const struct code_label *t, int n, const char *code)
{
    if (!code) return -1;
    for (int i = 0; i < n; i++)
        if (t[i].code && strcmp(t[i].code, code) == 0) return i;
    return -1;
}

#define NAMES(prefix, type, table, count)                                                                       \
    const char *prefix##_code(type v) { return (unsigned)v < (count) ? table[v].code : NULL; }                  \
    const char *prefix##_label(type v) { return (unsigned)v < (count) ? table[v].label : NULL; }                \
    int prefix##_from_code(const char *code) { return names_find(table, (count), code); }                      \
    const char *prefix##_label_of(const char *code)                                                             \
    {                                                                                                           \
        int i = names_find(table, (count), code);                                                               \
        return i < 0 || !table[i].label ? "" : table[i].label;                                                  \
    }

NAMES(case_status, enum case_status, status_names, CS__COUNT)
NAMES(case_kind, enum case_kind, kind_names, CK__COUNT)
NAMES(case_channel, enum case_channel, channel_names, CH__COUNT)
NAMES(case_outcome, enum case_outcome, outcome_names, CO__COUNT)
NAMES(case_satisfaction, enum case_satisfaction, satisfaction_names, SAT__COUNT)
NAMES(case_ext, enum case_ext, ext_names, EXT__COUNT)
NAMES(case_ext_approval, enum case_ext_approval, ext_approval_names, EXTA__COUNT)

const char *case_action_code(enum case_action a) { return (unsigned)a < CA__COUNT ? case_action_table[a].code : NULL; }
const char *case_action_label(enum case_action a)
{
    return (unsigned)a < CA__COUNT ? case_action_table[a].label : NULL;
}
const char *case_action_perm(enum case_action a) { return (unsigned)a < CA__COUNT ? case_action_table[a].perm : NULL; }
int case_action_from_code(const char *code)
{
    if (!code) return -1;
    for (int i = 0; i < CA__COUNT; i++)
        if (strcmp(case_action_table[i].code, code) == 0) return i;
    return -1;
}
