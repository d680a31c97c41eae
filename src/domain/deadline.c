#include "deadline.h"
#include "../util/err.h"
#include <string.h>

static const struct {
    const char *code, *label;
    struct deadline_limit def;
} steps[DL_STEP_COUNT] = {
    [DL_ACCEPT_DECISION] = {"accept_decision", "登记后转送或交办", {15, 0}},
    [DL_NOTICE] = {"notice", "书面告知受理与否", {15, 0}},
    [DL_UNIT_NOTICE] = {"unit_notice", "承办单位告知信访人", {15, 0}},
    [DL_OBJECTION] = {"objection", "退回异议", {5, 1}},
    [DL_CLOSE] = {"close", "办结", {60, 0}},
    [DL_REVIEW_REQUEST] = {"review_request", "申请复查", {30, 0}},
    [DL_REVIEW_ANSWER] = {"review_answer", "复查答复", {30, 0}},
    [DL_RECHECK_REQUEST] = {"recheck_request", "申请复核", {30, 0}},
    [DL_RECHECK_ANSWER] = {"recheck_answer", "复核答复", {30, 0}},
    [DL_FIRST_ASSIGN] = {"first_assign", "初信初访交办", {2, 1}},
    [DL_FIRST_SUPERVISE] = {"first_supervise", "初信初访督办", {5, 1}},
    [DL_FIRST_CALLBACK] = {"first_callback", "初信初访回访", {3, 1}},
};

void deadline_settings_default(struct deadline_settings *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < DL_STEP_COUNT; i++) s->step[i] = steps[i].def;
    s->max_extension_days = 30;
    s->max_extensions = 1;
    s->warn_days = 3;
}

int deadline_settings_check(const struct deadline_settings *s, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    for (int i = 0; i < DL_STEP_COUNT; i++) {
        if (s->step[i].days < 1 || s->step[i].days > CAL_MAX_STEP_DAYS) {
            *why = "期限天数应在1到3660之间";
            return SX_EVALIDATION;
        }
        if (s->step[i].working != 0 && s->step[i].working != 1) {
            *why = "期限计算方式无效";
            return SX_EVALIDATION;
        }
    }
    if (s->max_extension_days < 0 || s->max_extension_days > CAL_MAX_STEP_DAYS) {
        *why = "延期天数上限无效";
        return SX_EVALIDATION;
    }
    if (s->max_extensions < 0 || s->max_extensions > 100) {
        *why = "延期次数上限无效";
        return SX_EVALIDATION;
    }
    if (s->warn_days < 0 || s->warn_days > 365) {
        *why = "临期提醒天数应在0到365之间";
        return SX_EVALIDATION;
    }
    return SX_OK;
}

const char *deadline_step_code(enum deadline_step step)
{
    return (unsigned)step < DL_STEP_COUNT ? steps[step].code : "";
}

const char *deadline_step_label(enum deadline_step step)
{
    return (unsigned)step < DL_STEP_COUNT ? steps[step].label : "";
}

const char *deadline_due_label(enum deadline_step step)
{
    static const char *const due[DL_STEP_COUNT] = {
        [DL_ACCEPT_DECISION] = "受理期限",     [DL_NOTICE] = "告知期限",
        [DL_UNIT_NOTICE] = "承办告知期限",     [DL_OBJECTION] = "异议期限",
        [DL_CLOSE] = "办结期限",               [DL_REVIEW_REQUEST] = "复查申请期限",
        [DL_REVIEW_ANSWER] = "复查答复期限",   [DL_RECHECK_REQUEST] = "复核申请期限",
        [DL_RECHECK_ANSWER] = "复核答复期限",   [DL_FIRST_ASSIGN] = "初信初访交办时限",
        [DL_FIRST_SUPERVISE] = "初信初访督办时限", [DL_FIRST_CALLBACK] = "初信初访回访时限",
    };
    return (unsigned)step < DL_STEP_COUNT ? due[step] : "";
}

int deadline_step_from_code(const char *code, enum deadline_step *step)
{
    for (int i = 0; code && i < DL_STEP_COUNT; i++)
        if (!strcmp(code, steps[i].code)) {
            *step = (enum deadline_step)i;
            return SX_OK;
        }
    return SX_EVALIDATION;
}

static int day_in_range(cal_day d)
{
    return d >= day_from_ymd(CAL_YEAR_MIN, 1, 1) && d <= day_from_ymd(CAL_YEAR_MAX, 12, 31);
}

int deadline_calendar_days(const struct calendar *cal, cal_day start, int days, cal_day *out)
{
    if (days < 1 || days > CAL_MAX_STEP_DAYS || !day_in_range(start)) return SX_EVALIDATION;
    cal_day due = calendar_next_workday(cal, start + days);
    if (!day_in_range(due)) return SX_EVALIDATION;
    *out = due;
    return SX_OK;
}

int deadline_working_days(const struct calendar *cal, cal_day start, int days, cal_day *out)
{
    if (days < 1) return SX_EVALIDATION;
    return calendar_add_workdays(cal, start, days, out);
}

int deadline_for(const struct deadline_settings *s, enum deadline_step step, const struct calendar *cal,
                 cal_day start, cal_day *out)
{
    if ((unsigned)step >= DL_STEP_COUNT) return SX_EVALIDATION;
    const struct deadline_limit *l = &s->step[step];
    return l->working ? deadline_working_days(cal, start, l->days, out)
                      : deadline_calendar_days(cal, start, l->days, out);
}

int deadline_extend(const struct deadline_settings *s, const struct calendar *cal, cal_day due, int extension_days,
                    int prior_extensions, cal_day *out, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    if (prior_extensions >= s->max_extensions) {
        *why = s->max_extensions == 1 ? "该事项已延期过一次，不能再次延期" : "延期次数已达上限";
        return SX_EVALIDATION;
    }
    if (extension_days < 1) {
        *why = "延期天数至少为1天";
        return SX_EVALIDATION;
    }
    if (extension_days > s->max_extension_days) {
        *why = s->max_extension_days == 30 ? "延期不得超过30日" : "延期天数超过上限";
        return SX_EVALIDATION;
    }
    if (deadline_calendar_days(cal, due, extension_days, out)) {
        *why = "日期超出范围";
        return SX_EVALIDATION;
    }
    return SX_OK;
}

enum deadline_state deadline_state(cal_day due, cal_day today, int warn_days)
{
    if (warn_days < 0) warn_days = 0;
    if (today > due) return DL_OVERDUE;
    if ((int64_t)today >= (int64_t)due - warn_days) return DL_DUE_SOON;
    return DL_NORMAL;
}

const char *deadline_state_code(enum deadline_state st)
{
    switch (st) {
    case DL_NORMAL: return "normal";
    case DL_DUE_SOON: return "due_soon";
    case DL_OVERDUE: return "overdue";
    }
    return "";
}

const char *deadline_state_label(enum deadline_state st)
{
    switch (st) {
    case DL_NORMAL: return "正常";
    case DL_DUE_SOON: return "临期";
    case DL_OVERDUE: return "逾期";
    }
    return "";
}

const char *deadline_state_label_of(const char *code)
{
    for (int st = DL_NORMAL; code && st <= DL_OVERDUE; st++)
        if (!strcmp(code, deadline_state_code((enum deadline_state)st)))
            return deadline_state_label((enum deadline_state)st);
    return "";
}

const char *deadline_due_label_of(const char *code)
{
    enum deadline_step step;
    return code && *code && !deadline_step_from_code(code, &step) ? deadline_due_label(step) : "";
}
