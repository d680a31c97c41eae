/* The petition-case workflow (信访事项办理流程) as an explicit, table-driven state machine.
 * Pure logic: no I/O. Rules: DOMAIN.md §1, issue 3.
 *
 * Main line:  登记 → 受理 | 不予受理(终) | 转送(终)
 *             受理 → 交办 | 转送(终)
 *             交办 → 签收 | 退回(→ 受理, re-dispatch)
 *             签收 → 办理中 (contact records) → 答复 → 回访 → 办结(终)
 *             (签收 may reply directly; 办理中 may record more contacts)
 * Sub-events that keep the state: 延期 request/approve/reject (from 签收/办理中, once per case),
 * 督办 and 包案 (any non-terminal state), 更正性质 (correct the kind, any non-terminal state),
 * 复查/复核 requests (from the reply on: 答复, 回访 or 办结 — the petitioner's 30 days run from
 * the reply, so waiting for the call-back and closure must not eat them; they open a linked new
 * review case — the request windows are the deadline module's job).
 *
 * Repeats: a case registered as the repeat of a matter still in handling (open_repeat, 2022 art.
 * 19) cannot be accepted as a new case, only declined with the original's progress; a repeat of a
 * matter closed by 复核 (matter_final, art. 36) is declined with the 不再受理 notice unless the
 * clerk accepts it giving the new facts and reasons (accept then needs a reason). */
#ifndef SX_CASE_FLOW_H
#define SX_CASE_FLOW_H
#include <stdint.h>

enum case_status {
    CS_REGISTERED,  /* 登记 */
    CS_ACCEPTED,    /* 受理 */
    CS_DECLINED,    /* 不予受理 (terminal) */
    CS_FORWARDED,   /* 转送 (terminal for us) */
    CS_ASSIGNED,    /* 交办 */
    CS_SIGNED,      /* 签收 */
    CS_IN_PROGRESS, /* 办理中 */
    CS_REPLIED,     /* 答复 */
    CS_CALLED_BACK, /* 回访 */
    CS_CLOSED,      /* 办结 (terminal; only review requests remain) */
    CS__COUNT
};

enum case_action {
    CA_ACCEPT,          /* 受理 */
    CA_DECLINE,         /* 不予受理 */
    CA_FORWARD,         /* 转送 */
    CA_ASSIGN,          /* 交办 */
    CA_SIGN,            /* 签收 */
    CA_RETURN,          /* 退回 (objection to a wrong assignment) */
    CA_CONTACT,         /* 联系群众 (contact record; → 办理中) */
    CA_REPLY,           /* 答复 */
    CA_CALLBACK,        /* 回访 */
    CA_CLOSE,           /* 办结 */
    CA_EXTEND_REQUEST,  /* 申请延期 */
    CA_EXTEND_APPROVE,  /* 批准延期 */
    CA_EXTEND_REJECT,   /* 不批准延期 */
    CA_SUPERVISE,       /* 督办 */
    CA_TAKE_CHARGE,     /* 包案 */
    CA_REVIEW_REQUEST,  /* 复查申请 */
    CA_RECHECK_REQUEST, /* 复核申请 */
    CA_ONSPOT,          /* 当场答复 (a reception-day leader answers at once: 受理 → 答复) */
    CA_DOWN_VISIT,      /* 下访 (a leader visits the petitioner; a timeline record) */
    CA_RECLASSIFY,      /* 更正性质 (the clerk corrects the kind after intake, with a reason) */
    CA__COUNT
};

enum case_kind {
    CK_SUGGESTION, /* 建议意见 */
    CK_REPORT,     /* 检举控告: per-case visibility restriction */
    CK_APPEAL,     /* 申诉求决: the reply needs an outcome */
    CK_LEGAL,      /* 涉法涉诉: not accepted by the petition office, forwarded to 政法 organs */
    CK__COUNT
};

enum case_channel {
    CH_VISIT,      /* 来访 */
    CH_LETTER,     /* 来信 */
    CH_PHONE,      /* 电话 */
    CH_FAX,        /* 传真 */
    CH_ONLINE,     /* 网上信访 */
    CH_RECEPTION,  /* 接访日 */
    CH_DOWN_VISIT, /* 下访 */
    CH_ONSITE,     /* 现场办公 */
    CH_OUTREACH,   /* 宣讲反馈 */
    CH_OPEN311,    /* Open311 */
    CH__COUNT
};

/* Outcome of a 申诉求决 reply (处理意见书). CO_NONE: not given. */
enum case_outcome { CO_NONE, CO_SUPPORT, CO_EXPLAIN, CO_NOT_SUPPORT, CO__COUNT };
/* Call-back satisfaction. SAT_NONE: not given. */
enum case_satisfaction { SAT_NONE, SAT_SATISFIED, SAT_BASIC, SAT_UNSATISFIED, SAT__COUNT };
/* Extension (延期) sub-state: at most one request per case. */
enum case_ext { EXT_NONE, EXT_PENDING, EXT_APPROVED, EXT_REJECTED, EXT__COUNT };

/* Default upper bound of an extension (2022 art. 34); a setting, passed in the input. */
#define CASE_EXTEND_MAX_DAYS_DEFAULT 30

/* What the state machine needs to know about a case. Zero-initialised = a new, original case. */
struct case_state {
    enum case_status status;
    enum case_kind kind;
    enum case_ext ext;
    int review_level;     /* 0 original case, 1 a 复查 case, 2 a 复核 case */
    int review_requested; /* a 复查/复核 case was already opened from this case */
    int leader_in_charge; /* 包案 taken */
    int matter_final;     /* the same matter already went through 复核: 不再受理 (2022 art. 36) */
    int open_repeat;      /* a repeat of a matter still within its time limits (2022 art. 19) */
};

/* Inputs of an action; unused fields are ignored. NULL/0 = not given. */
struct case_action_input {
    const char *reason;          /* 不予受理, 退回, 延期 request/reject, 督办 comment, 复查/复核 */
    const char *forward_to;      /* 转送: the receiving body (free text) */
    int64_t forward_unit_id;     /* 转送: the receiving body from the unit master data */
    int64_t unit_id;             /* 交办: handling unit */
    int64_t handler_id;          /* 交办: responsible person (user id) */
    const char *deadline;        /* 交办: "YYYY-MM-DD" */
    const char *contact_how;     /* 联系群众: how (电话, 面谈, …) */
    const char *contact_with;    /* 联系群众: with whom */
    const char *reply_text;      /* 答复 */
    enum case_outcome outcome;   /* 答复 of 申诉求决 */
    int resolved;                /* 回访: 1 yes, 0 no, -1 not given (use CASE_INPUT_INIT) */
    enum case_satisfaction satisfaction; /* 回访 */
    int extend_days;             /* 延期 request: days asked for */
    int extend_max_days;         /* 延期 bound; 0 → CASE_EXTEND_MAX_DAYS_DEFAULT */
    int new_kind;                /* 更正性质: the corrected kind (enum case_kind), -1 not given */
};
#define CASE_INPUT_INIT {.resolved = -1, .new_kind = -1}

/* Static description of an action (the table is the single source of the rules). */
struct case_action_info {
    const char *code;  /* stable ASCII, e.g. "accept" */
    const char *label; /* Chinese, e.g. "受理" */
    const char *perm;  /* permission class needed, e.g. "case:accept" */
    unsigned from;     /* bit (1u << status) for every state the action is allowed from */
    int to;            /* next status, or -1 when the status does not change */
    unsigned needs;    /* CIN_* bits of required inputs */
    const char *why_state; /* Chinese reason when the status does not allow it */
};
enum {
    CIN_REASON = 1u << 0,
    CIN_FORWARD_TO = 1u << 1,
    CIN_UNIT = 1u << 2,
    CIN_HANDLER = 1u << 3,
    CIN_DEADLINE = 1u << 4,
    CIN_CONTACT = 1u << 5,
    CIN_REPLY = 1u << 6,
    CIN_OUTCOME = 1u << 7, /* only for 申诉求决 */
    CIN_CALLBACK = 1u << 8,
    CIN_EXT_DAYS = 1u << 9,
    CIN_KIND = 1u << 10,
};
extern const struct case_action_info case_action_table[CA__COUNT];

/* 0 when action a may be taken on cs with inputs in (NULL: none given). Otherwise
 * SX_ECONFLICT (not allowed in this state / with these flags) or SX_EVALIDATION (a required
 * input is missing or invalid), with a Chinese reason in *why (why may be NULL). Unknown
 * action: SX_EVALIDATION. The state condition is checked before the inputs. */
int case_flow_check(const struct case_state *cs, enum case_action a, const struct case_action_input *in,
                    const char **why);
/* The CIN_* inputs action a needs on cs: the table's, adjusted for the case (a 申诉求决 reply
 * needs an outcome, no other; accepting a repeat of a 复核-final matter needs a reason; declining
 * a repeat of a matter in handling or closed by 复核 does not). */
unsigned case_action_needs(const struct case_state *cs, enum case_action a);
/* Status after action a (the same status for sub-events). Does not check; call check first. */
enum case_status case_flow_next(const struct case_state *cs, enum case_action a);
/* check, then update cs (status and flags: ext, review_requested, leader_in_charge).
 * Returns the check's result; cs is unchanged on error. */
int case_flow_apply(struct case_state *cs, enum case_action a, const struct case_action_input *in,
                    const char **why);
/* Writes the actions allowed in cs (state and flag conditions, inputs not considered) into out
 * in enum order, at most max; returns the number of allowed actions (may exceed max). */
int case_flow_allowed(const struct case_state *cs, enum case_action out[], int max);
/* 1 for 不予受理, 转送, 办结. */
int case_status_terminal(enum case_status s);

/* 检举控告: the case carries the visibility restriction (content never shown to the accused). */
int case_kind_restricted(enum case_kind k);

/* Organ types of the unit master data that a kind must be routed to (units.org_type):
 * 涉法涉诉 is 转送 to a 政法 organ (诉访分离, 2022 art. 22, 28); 检举控告 is 交办 or 转送 to a
 * 纪检监察 organ (art. 30). */
#define CASE_ORG_POLITICS_LAW "politics_law" /* 政法机关: 法院、检察院、公安、司法行政 */
#define CASE_ORG_DISCIPLINE "discipline"     /* 纪检监察机关 */
/* The org_type the receiving unit of action a (交办 or 转送) must have for kind k, or NULL when
 * any unit will do. */
const char *case_route_org_type(enum case_kind k, enum case_action a);
/* Chinese name of an org type code ("" for none or unknown): 政法机关, 纪检监察机关. */
const char *case_org_type_label(const char *code);
/* 1 when code is "", CASE_ORG_POLITICS_LAW or CASE_ORG_DISCIPLINE. */
int case_org_type_valid(const char *code);

/* Who may approve an extension (延期) besides holding case:extend_approve (2022 art. 34: the
 * head of the handling organ). */
enum case_ext_approval {
    EXTA_UNIT_OR_ABOVE, /* a leader of the handling unit or of a unit above it (default) */
    EXTA_UNIT_ONLY,     /* only a leader of the handling unit itself */
    EXTA_ANY,           /* any holder of the permission */
    EXTA__COUNT
};
const char *case_ext_approval_code(enum case_ext_approval m); /* "unit_or_above", "unit_only", "any" */
const char *case_ext_approval_label(enum case_ext_approval m);
int case_ext_approval_from_code(const char *code); /* -1 for an unknown code */
const char *case_ext_approval_label_of(const char *code);
/* 1 when an approver whose unit has materialised path approver_path ("/1/4/") may approve an
 * extension of a case handled by the unit with handling_path under mode m. */
int case_ext_approver_ok(enum case_ext_approval m, const char *approver_path, const char *handling_path);
/* 申诉求决: the reply needs an outcome. */
int case_kind_needs_outcome(enum case_kind k);

/* Codes and labels. *_code/_label return NULL for an out-of-range value; *_from_code returns
 * -1 for an unknown or NULL code; *_label_of gives the label of a code, "" for an unknown,
 * empty or NULL one (outcome and satisfaction: also for "not given"). */
const char *case_status_label_of(const char *code);
const char *case_kind_label_of(const char *code);
const char *case_channel_label_of(const char *code);
const char *case_outcome_label_of(const char *code);
const char *case_satisfaction_label_of(const char *code);
const char *case_ext_label_of(const char *code);
const char *case_status_code(enum case_status s);
const char *case_status_label(enum case_status s);
int case_status_from_code(const char *code);
const char *case_action_code(enum case_action a);
const char *case_action_label(enum case_action a);
const char *case_action_perm(enum case_action a);
int case_action_from_code(const char *code);
const char *case_kind_code(enum case_kind k);
const char *case_kind_label(enum case_kind k);
int case_kind_from_code(const char *code);
const char *case_channel_code(enum case_channel c);
const char *case_channel_label(enum case_channel c);
int case_channel_from_code(const char *code);
const char *case_outcome_code(enum case_outcome o);
const char *case_outcome_label(enum case_outcome o);
int case_outcome_from_code(const char *code);
const char *case_satisfaction_code(enum case_satisfaction s);
const char *case_satisfaction_label(enum case_satisfaction s);
int case_satisfaction_from_code(const char *code);
const char *case_ext_code(enum case_ext e);
const char *case_ext_label(enum case_ext e);
int case_ext_from_code(const char *code);
#endif
