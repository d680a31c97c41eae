/* The rules of a petition case that need no database (case_rules.h). */
#include "case_rules.h"
#include "perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

void case_facts_finish(struct case_facts *r)
{
    int ds = case_status_from_code(r->dup_status);
    r->cs.open_repeat = r->duplicate_of && ds >= 0 && !case_status_terminal((enum case_status)ds) &&
                        !r->cs.matter_final;
    r->cs.leader_in_charge = r->leader_in_charge != 0;
}

cal_day case_local_day(const char *iso)
{
    time_t t;
    if (!iso || !*iso || time_parse_iso(iso, &t)) return 0;
    char d[16];
    time_local_date(t, d);
    cal_day day;
    return day_parse(d, 10, &day) ? 0 : day;
}

void case_day_str(cal_day d, char out[11])
{
    if (d) day_format(d, out);
    else out[0] = 0;
}

/* ---------------------------------------------------------------- deadlines */

cal_day case_close_due(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r)
{
    enum deadline_step step = r->cs.review_level == 1 ? DL_REVIEW_ANSWER
                              : r->cs.review_level == 2 ? DL_RECHECK_ANSWER
                                                        : DL_CLOSE;
    cal_day start = r->cs.review_level ? case_local_day(r->received_at) : case_local_day(r->accepted_at);
    if (!start) start = case_local_day(r->received_at);
    cal_day due = 0;
    if (!start || deadline_for(&set->dl, step, cal, start, &due)) return 0;
    if (r->cs.ext == EXT_APPROVED && r->extension_days > 0) {
        cal_day ext;
        if (!deadline_extend(&set->dl, cal, due, (int)r->extension_days, 0, &ext, NULL)) due = ext;
    }
    if (r->assign_deadline[0]) {
        cal_day ad, ext;
        if (!day_parse(r->assign_deadline, strlen(r->assign_deadline), &ad)) {
            /* The 交办 deadline is extended like the statutory one: counted on from it and moved
             * off a rest day (it used to be plain addition, ending on a Saturday). */
            if (r->cs.ext == EXT_APPROVED && r->extension_days > 0 &&
                !deadline_extend(&set->dl, cal, ad, (int)r->extension_days, 0, &ext, NULL))
                ad = ext;
            if (ad < due) due = ad;
        }
    }
    return due;
}

/* A 三个第一 target of a first petition: step from start; day 0 when not applicable. */
static struct case_due first_target(const struct case_settings *set, const struct calendar *cal,
                                    const struct case_facts *r, enum deadline_step step, const char *start_iso)
{
    struct case_due d = {step, 0};
    if (!r->first_time || r->cs.review_level) return d;
    cal_day start = case_local_day(start_iso);
    if (!start || deadline_for(&set->dl, step, cal, start, &d.day)) d.day = 0;
    return d;
}

struct case_due case_next_due(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r)
{
    struct case_due d = {DL_ACCEPT_DECISION, 0};
    switch (r->cs.status) {
    case CS_REGISTERED:
    case CS_ACCEPTED:
        if (r->cs.review_level) {
            d.step = r->cs.review_level == 1 ? DL_REVIEW_ANSWER : DL_RECHECK_ANSWER;
            d.day = case_close_due(set, cal, r);
        } else {
            d.step = DL_ACCEPT_DECISION;
            if (deadline_for(&set->dl, DL_ACCEPT_DECISION, cal, case_local_day(r->received_at), &d.day)) d.day = 0;
        }
        break;
    case CS_ASSIGNED:
        d.step = DL_OBJECTION;
        if (deadline_for(&set->dl, DL_OBJECTION, cal, case_local_day(r->assigned_at), &d.day)) d.day = 0;
        break;
    case CS_SIGNED:
    case CS_IN_PROGRESS:
    case CS_REPLIED:
    case CS_CALLED_BACK:
        d.step = r->cs.review_level == 1 ? DL_REVIEW_ANSWER : r->cs.review_level == 2 ? DL_RECHECK_ANSWER : DL_CLOSE;
        d.day = case_close_due(set, cal, r);
        break;
    default:
        break;
    }
    return d;
}

struct case_due case_target_of(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r)
{
    switch (r->cs.status) {
    case CS_REGISTERED:
    case CS_ACCEPTED: return first_target(set, cal, r, DL_FIRST_ASSIGN, r->received_at);
    case CS_ASSIGNED:
    case CS_SIGNED:
    case CS_IN_PROGRESS:
        if (!r->supervised) return first_target(set, cal, r, DL_FIRST_SUPERVISE, r->assigned_at);
        break;
    case CS_REPLIED: return first_target(set, cal, r, DL_FIRST_CALLBACK, r->replied_at);
    default: break;
    }
    return (struct case_due){DL_FIRST_ASSIGN, 0};
}

cal_day case_review_window(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r,
                           enum deadline_step *step)
{
    if (r->cs.review_level >= 2) return 0;
    cal_day start = case_local_day(r->replied_at);
    if (!start) return 0;
    *step = r->cs.review_level == 0 ? DL_REVIEW_REQUEST : DL_RECHECK_REQUEST;
    cal_day due;
    return deadline_for(&set->dl, *step, cal, start, &due) ? 0 : due;
}

/* ---------------------------------------------------------------- who may act */

const char *const case_need_names[] = {"reason",  "forward_to", "unit_id",  "handler_id",  "deadline", "contact",
                                       "reply_text", "outcome", "callback", "extend_days", "kind"};
const int case_need_count = (int)(sizeof case_need_names / sizeof case_need_names[0]);

int case_is_handling_side(const struct case_actor *who, const struct case_facts *r)
{
    return (r->handling_unit_id && r->handling_unit_id == who->unit_id) ||
           (r->handler_id && r->handler_id == who->user_id);
}

/* 签收, 退回, 联系, 答复, 延期申请: only the handling side. */
static int handling_side_action(enum case_action a)
{
    return a == CA_SIGN || a == CA_RETURN || a == CA_CONTACT || a == CA_REPLY || a == CA_EXTEND_REQUEST;
}

int case_may_act(const struct case_settings *set, const struct case_actor *who, const struct case_facts *r,
                 enum case_action a, const char **why)
{
    int p = perm_from_code(case_action_perm(a));
    if (p < 0 || !(who->perms & perm_bit(p))) {
        *why = "您没有该操作的权限";
        return SX_EFORBIDDEN;
    }
    if (handling_side_action(a) && !case_is_handling_side(who, r)) {
        *why = "只有承办单位可以进行该操作";
        return SX_EFORBIDDEN;
    }
    /* 延期 is approved by the head of the handling organ (2022 art. 34), not by any holder of
     * the permission. */
    if ((a == CA_EXTEND_APPROVE || a == CA_EXTEND_REJECT) &&
        !case_ext_approver_ok(set->ext_approval, who->unit_path ? who->unit_path : "", r->handling_path)) {
        *why = set->ext_approval == EXTA_UNIT_ONLY ? "延期须由承办单位负责人审批"
                                                   : "延期须由承办单位或其上级单位的负责人审批";
        return SX_EFORBIDDEN;
    }
    return SX_OK;
}

int case_window_open(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r,
                     enum case_action a, cal_day today, const char **why)
{
    if (a == CA_RETURN) {
        /* 退回: the unit objects within the objection period after the assignment (art. 23). */
        cal_day due;
        if (!deadline_for(&set->dl, DL_OBJECTION, cal, case_local_day(r->assigned_at), &due) && today > due) {
            *why = "已超过退回异议期限（交办之日起5个工作日内），请按程序办理";
            return SX_ECONFLICT;
        }
        return SX_OK;
    }
    if (a != CA_REVIEW_REQUEST && a != CA_RECHECK_REQUEST) return SX_OK;
    enum deadline_step step;
    cal_day due = case_review_window(set, cal, r, &step);
    if (!due || today > due) {
        *why = a == CA_REVIEW_REQUEST ? "已超过复查申请期限（收到答复之日起30日内）"
                                      : "已超过复核申请期限（收到复查意见之日起30日内）";
        return SX_ECONFLICT;
    }
    return SX_OK;
}

int case_allowed(const struct case_settings *set, const struct calendar *cal, const struct case_actor *who,
                 const struct case_facts *r, cal_day today, enum case_action out[], int max)
{
    enum case_action acts[CA__COUNT];
    int n = case_flow_allowed(&r->cs, acts, CA__COUNT), k = 0;
    for (int i = 0; i < n && i < CA__COUNT && k < max; i++) {
        const char *why;
        if (case_may_act(set, who, r, acts[i], &why) || case_window_open(set, cal, r, acts[i], today, &why)) continue;
        out[k++] = acts[i];
    }
    return k;
}

/* ---------------------------------------------------------------- inputs */

const char *case_input_field(enum case_action a, const char *why)
{
    unsigned needs = case_action_table[a].needs;
    if (!why) return NULL;
    if (a == CA_RECLASSIFY) return strstr(why, "须说明理由") ? "reason" : "kind";
    if (strstr(why, "理由") || strstr(why, "督办意见")) return "reason";
    if (strstr(why, "从单位中选择接收机关")) return "forward_unit_id";
    if (strstr(why, "接收机关")) return "forward_to";
    if (strstr(why, "事项性质")) return "kind";
    if (strstr(why, "承办单位")) return "unit_id";
    if (strstr(why, "承办人")) return "handler_id";
    if (strstr(why, "期限")) return "deadline";
    if (strstr(why, "联系方式")) return "contact_how";
    if (strstr(why, "联系对象")) return "contact_with";
    if (strstr(why, "答复内容")) return "reply_text";
    if (strstr(why, "处理结果")) return "outcome";
    if (strstr(why, "是否解决")) return "resolved";
    if (strstr(why, "满意度")) return "satisfaction";
    if (strstr(why, "延期")) return (needs & CIN_EXT_DAYS) ? "extend_days" : NULL;
    return NULL;
}


int case_check_assign_deadline(const char *deadline, cal_day today, const char **why)
{
    cal_day dl;
    if (!deadline || strlen(deadline) != 10 || day_parse(deadline, 10, &dl) || dl < today) {
        *why = "办理期限应为今天或以后的日期（YYYY-MM-DD）";
        return SX_EVALIDATION;
    }
    return SX_OK;
}

int case_extension_after(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r,
                         enum case_action a, int extend_days, const char **ext_code, int64_t *ext_days,
                         const char **why)
{
    *ext_code = case_ext_code(r->cs.ext);
    *ext_days = r->extension_days;
    if (a == CA_EXTEND_REQUEST) {
        cal_day due = case_close_due(set, cal, r), out_day;
        if (due && deadline_extend(&set->dl, cal, due, extend_days, 0, &out_day, why)) return SX_EVALIDATION;
        *ext_code = "pending";
        *ext_days = extend_days;
    } else if (a == CA_EXTEND_APPROVE) {
        *ext_code = "approved";
    } else if (a == CA_EXTEND_REJECT) {
        *ext_code = "rejected";
        *ext_days = 0;
    }
    return SX_OK;
}

int case_action_public(enum case_action a)
{
    switch (a) {
    case CA_ACCEPT:
    case CA_DECLINE:
    case CA_FORWARD:
    case CA_ASSIGN:
    case CA_REPLY:
    case CA_ONSPOT:
    case CA_CALLBACK:
    case CA_CLOSE:
    case CA_EXTEND_APPROVE: return 1; /* the petitioner is told of an extension and why (art. 34) */
    default: return 0;
    }
}

const char *case_action_stamp(enum case_action a)
{
    switch (a) {
    case CA_ACCEPT: return "accepted_at";
    case CA_ASSIGN: return "assigned_at";
    case CA_SIGN: return "signed_at";
    case CA_REPLY:
    case CA_ONSPOT: return "replied_at";
    case CA_CALLBACK: return "called_back_at";
    case CA_CLOSE: return "closed_at";
    default: return NULL;
    }
}

void case_number_format(int year, int64_t seq, char out[32])
{
    snprintf(out, 32, "XF-%d-%05lld", year, (long long)seq);
}

void case_default_decline_reason(const struct case_facts *r, const char *dup_case_no, char *out, size_t n)
{
    if (!n) return;
    out[0] = 0;
    if (r->cs.matter_final) snprintf(out, n, "同一事实和理由已经复查、复核终结（%s），不再受理", dup_case_no);
    else if (r->cs.open_repeat) snprintf(out, n, "与正在办理期限内的信访事项%s为同一事项", dup_case_no);
}

const char *case_review_title_prefix(int level) { return level == 1 ? "【复查】" : "【复核】"; }

json_t *case_allowed_json(const struct case_settings *set, const struct calendar *cal, const struct case_actor *who,
                          const struct case_facts *r, cal_day today, int with_needs)
{
    enum case_action acts[CA__COUNT];
    int n = case_allowed(set, cal, who, r, today, acts, CA__COUNT);
    json_t *out = json_array();
    for (int i = 0; out && i < n; i++) {
        json_t *o = json_pack("{s:s,s:s}", "code", case_action_code(acts[i]), "label", case_action_label(acts[i]));
        if (o && with_needs) {
            json_t *needs = json_array();
            unsigned bits = case_action_needs(&r->cs, acts[i]);
            for (int b = 0; b < case_need_count; b++)
                if (bits & (1u << b)) json_array_append_new(needs, json_string(case_need_names[b]));
            json_object_set_new(o, "needs", needs);
        }
        json_array_append_new(out, o);
    }
    return out;
}

int case_status_rateable(const char *status)
{
    return status && (!strcmp(status, "replied") || !strcmp(status, "called_back") || !strcmp(status, "closed"));
}
