/* The workflow actions of a petition case (app_case_act, cases.h): the order of the checks, the
 * look-ups the inputs need, and what an action writes. The state machine is case_flow.c's, the
 * permissions, windows and deadlines case_rules.c's. */
#include "cases.h"
#include "../domain/case_notice.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t who_id(const struct app_ctx *c) { return c->who && c->who->user_id > 0 ? c->who->user_id : 0; }

/* A 复查/复核 request opens a linked new case copying the matter and its petitioners. */
static int open_review_case(struct app_ctx *c, const struct case_facts *orig, const char *reason, int level,
                            int64_t *new_id)
{
    char now[32], case_no[32], code[QUERY_CODE_BUF];
    time_iso_now(now);
    int year = day_year(st_case_today());
    int64_t seq = 0, nid = 0;
    int rc = st_case_next_seq(c->db, year, &seq);
    if (rc) return rc;
    case_number_format(year, seq, case_no);
    if ((rc = st_case_review_insert(c->db, orig->id, case_no, year, seq, case_review_title_prefix(level), reason, level,
                                    who_id(c), now, &nid)))
        return rc;
    if ((rc = app_case_query_code(c, nid, code)) || (rc = st_case_petitioners_copy(c->db, orig->id, nid)) ||
        (rc = st_case_link_add(c->db, nid, orig->id, "review", who_id(c))))
        return rc;
    char d[96];
    snprintf(d, sizeof d, "{\"review_level\":%d,\"parent_case_id\":%lld}", level, (long long)orig->id);
    if ((rc = app_case_event(c, nid, "register", "", "registered", reason, d, 1, NULL))) return rc;
    if ((rc = app_case_store_due(c, nid))) return rc;
    *new_id = nid;
    return SX_OK;
}

/* The organ type a case of its kind must be routed to by action a (交办 / 转送): 0 when unit_id
 * has it or none is needed; SX_EVALIDATION with the reason on field otherwise. */
static int check_org_type(struct app_ctx *c, enum case_kind kind, enum case_action a, int64_t unit_id,
                          const char *field)
{
    const char *need = case_route_org_type(kind, a);
    if (!need) return SX_OK;
    int yes = 0, rc = st_case_unit_has_org_type(c->db, unit_id, need, &yes);
    if (rc || yes) return rc;
    return app_fail(c, SX_EVALIDATION, field,
                    kind == CK_LEGAL ? "涉法涉诉事项须转送政法机关（法院、检察院、公安机关、司法行政机关）依法处理"
                                     : "检举控告事项须交由纪检监察机关办理");
}

/* The 交办 inputs beyond presence: unit and handler exist, the handler works in that unit, the
 * deadline is a real day not in the past, and a 检举控告 never goes to the accused. */
static int check_assign(struct app_ctx *c, const struct case_facts *r, const struct case_action_input *in)
{
    char name[256], path[200];
    int rc = st_case_unit_brief(c->db, in->unit_id, name, path);
    if (rc == SX_ENOTFOUND) return app_fail(c, SX_EVALIDATION, "unit_id", "承办单位不存在");
    if (rc || (rc = check_org_type(c, r->cs.kind, CA_ASSIGN, in->unit_id, "unit_id"))) return rc;
    int64_t hunit = 0;
    rc = st_case_user_unit(c->db, in->handler_id, &hunit);
    if (rc && rc != SX_ENOTFOUND) return rc;
    if (rc || hunit != in->unit_id)
        return app_fail(c, SX_EVALIDATION, "handler_id", "承办人不存在、已停用或不属于该承办单位");
    const char *why;
    if (case_check_assign_deadline(in->deadline, st_case_today(), &why))
        return app_fail(c, SX_EVALIDATION, "deadline", why);
    if (r->accused_unit_id) {
        int within = 0;
        if ((rc = st_case_path_within(c->db, path, r->accused_unit_id, &within))) return rc;
        if (within) return app_fail(c, SX_EVALIDATION, "unit_id", "检举控告事项不得交由被检举控告的单位办理");
    }
    if (r->accused_user_id && r->accused_user_id == in->handler_id)
        return app_fail(c, SX_EVALIDATION, "handler_id", "检举控告事项不得交由被检举控告人办理");
    return SX_OK;
}

/* 转送 to a unit of the master data: it exists, has the organ type the kind needs (涉法涉诉 →
 * 政法机关, 检举控告 → 纪检监察机关) and is not the accused; its name into name[] (forward_to when
 * none was typed). */
static int check_forward(struct app_ctx *c, const struct case_facts *r, const struct case_action_input *in,
                         char name[256])
{
    name[0] = 0;
    if (in->forward_unit_id <= 0) return SX_OK;
    char path[200];
    int rc = st_case_unit_brief(c->db, in->forward_unit_id, name, path);
    if (rc == SX_ENOTFOUND) return app_fail(c, SX_EVALIDATION, "forward_unit_id", "接收机关不存在");
    if (rc || (rc = check_org_type(c, r->cs.kind, CA_FORWARD, in->forward_unit_id, "forward_unit_id"))) return rc;
    if (r->accused_unit_id) {
        int within = 0;
        if ((rc = st_case_path_within(c->db, path, r->accused_unit_id, &within))) return rc;
        if (within) return app_fail(c, SX_EVALIDATION, "forward_unit_id", "检举控告事项不得转送被检举控告的单位");
    }
    return SX_OK;
}

/* 更正性质: the corrected kind must fit where the case already is — a 检举控告 must be in the
 * hands of a 纪检监察 organ and never of the accused. */
static int check_reclassify(struct app_ctx *c, const struct case_facts *r, const struct case_action_input *in)
{
    if (in->new_kind != CK_REPORT || !r->handling_unit_id) return SX_OK;
    const char *need = case_route_org_type(CK_REPORT, CA_ASSIGN);
    if (!need) return SX_OK;
    int yes = 0, rc = st_case_unit_has_org_type(c->db, r->handling_unit_id, need, &yes);
    if (rc || yes) return rc;
    return app_fail(c, SX_EVALIDATION, "kind", "检举控告事项须由纪检监察机关办理：请先由承办单位退回，再交纪检监察机关");
}

/* Inputs the system supplies when the clerk leaves them out: 首办负责制 (a repeat's 交办 goes to
 * the first case's handling unit and handler), and the reason of declining a repeat (the same
 * matter in handling, art. 19; or closed by 复核, art. 36). */
static int act_defaults(struct app_ctx *c, const struct case_facts *r, enum case_action a,
                        struct case_action_input *in, char *reason, size_t n)
{
    if (a == CA_ASSIGN && in->unit_id <= 0 && r->duplicate_of) {
        json_t *hint = NULL;
        int rc = st_case_routing_hint(c->db, r, &hint);
        if (rc) return rc;
        if (hint) {
            in->unit_id = json_integer_value(json_object_get(hint, "unit_id"));
            if (in->handler_id <= 0) in->handler_id = json_integer_value(json_object_get(hint, "handler_id"));
            json_decref(hint);
        }
    }
    if (a == CA_DECLINE && (!in->reason || !*in->reason) && (r->cs.matter_final || r->cs.open_repeat)) {
        char no[32], st[16], due[16];
        int rc = st_case_brief(c->db, r->duplicate_of, no, st, due);
        if (rc) return rc;
        case_default_decline_reason(r, no, reason, n);
        in->reason = reason;
    }
    return SX_OK;
}

/* Action inputs worth keeping on the timeline, as a JSON object (into *out, the caller's). */
static int event_data(struct app_ctx *c, const struct case_act_in *x, const struct case_action_input *in, json_t **out)
{
    json_t *d = *out = json_object();
    if (!d) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    if (in->reason && *in->reason) json_object_set_new(d, "reason", json_string(in->reason));
    switch (x->action) {
    case CA_FORWARD:
        json_object_set_new(d, "forward_to", json_string(in->forward_to ? in->forward_to : ""));
        if (in->forward_unit_id > 0) json_object_set_new(d, "forward_unit_id", json_integer(in->forward_unit_id));
        break;
    case CA_ASSIGN: {
        json_object_set_new(d, "unit_id", json_integer(in->unit_id));
        json_object_set_new(d, "handler_id", json_integer(in->handler_id));
        json_object_set_new(d, "deadline", json_string(in->deadline));
        char uname[256], hname[128];
        int rc = st_case_names(c->db, in->unit_id, in->handler_id, uname, hname);
        if (rc) return rc;
        json_object_set_new(d, "unit_name", json_string(uname));
        json_object_set_new(d, "handler_name", json_string(hname));
        break;
    }
    case CA_CONTACT:
    case CA_DOWN_VISIT:
        json_object_set_new(d, "contact_how", json_string(in->contact_how));
        json_object_set_new(d, "contact_with", json_string(in->contact_with));
        if (x->contact_at && *x->contact_at) json_object_set_new(d, "contact_at", json_string(x->contact_at));
        break;
    case CA_REPLY:
    case CA_ONSPOT:
        json_object_set_new(d, "reply_text", json_string(in->reply_text));
        if (in->outcome != CO_NONE) {
            json_object_set_new(d, "outcome", json_string(case_outcome_code(in->outcome)));
            json_object_set_new(d, "outcome_label", json_string(case_outcome_label(in->outcome)));
        }
        break;
    case CA_CALLBACK:
        json_object_set_new(d, "resolved", json_boolean(in->resolved == 1));
        json_object_set_new(d, "satisfaction", json_string(case_satisfaction_code(in->satisfaction)));
        json_object_set_new(d, "satisfaction_label", json_string(case_satisfaction_label(in->satisfaction)));
        if (x->callback_how && *x->callback_how) json_object_set_new(d, "callback_how", json_string(x->callback_how));
        break;
    case CA_EXTEND_REQUEST: json_object_set_new(d, "extend_days", json_integer(in->extend_days)); break;
    default: break;
    }
    return SX_OK;
}

/* What the timeline keeps beyond the inputs: the notice a decline or an extension gives the
 * petitioner, the extended deadline, the kinds of a correction. */
static int event_extras(struct app_ctx *c, const struct case_settings *set, const struct calendar *cal,
                        const struct case_facts *r, enum case_action a, const struct case_action_input *in, json_t *d)
{
    char *notice = NULL;
    if (a == CA_DECLINE) {
        char no[32], st[16], due[16];
        int rc = r->duplicate_of ? st_case_brief(c->db, r->duplicate_of, no, st, due) : SX_OK;
        if (rc) return rc;
        if (r->cs.matter_final) notice = case_notice_final(r->title, no);
        else if (r->cs.open_repeat) notice = case_notice_repeat_open(r->title, no, case_status_label_of(st), due);
        else notice = case_notice_decline(r->title, in->reason);
        if (!notice) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    } else if (a == CA_EXTEND_APPROVE) {
        struct case_facts ext = *r;
        ext.cs.ext = EXT_APPROVED;
        char day[11], *reason = NULL;
        case_day_str(case_close_due(set, cal, &ext), day);
        int rc = st_case_ext_reason(c->db, r->id, &reason);
        if (rc) return rc == SX_ENOTFOUND ? app_fail(c, SX_EINTERNAL, NULL, NULL) : rc;
        json_object_set_new(d, "extend_days", json_integer(r->extension_days));
        json_object_set_new(d, "due_date", json_string(day));
        json_object_set_new(d, "request_reason", json_string(reason));
        notice = case_notice_extension(r->title, day, reason);
        free(reason);
        if (!notice) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    } else if (a == CA_RECLASSIFY) {
        const char *to = case_kind_code((enum case_kind)in->new_kind);
        json_object_set_new(d, "from_kind", json_string(r->kind));
        json_object_set_new(d, "from_kind_label", json_string(case_kind_label_of(r->kind)));
        json_object_set_new(d, "to_kind", json_string(to));
        json_object_set_new(d, "to_kind_label", json_string(case_kind_label_of(to)));
    } else if (a == CA_ACCEPT && r->cs.matter_final) {
        json_object_set_new(d, "accepted_despite_final", json_true());
    }
    if (notice) json_object_set_new(d, "notice", json_string(notice));
    free(notice);
    return SX_OK;
}

/* The state and the window first: SX_ECONFLICT with the actions allowed now. */
static int check_state(struct app_ctx *c, const struct case_settings *set, const struct calendar *cal,
                       const struct case_viewer *v, const struct case_facts *r, enum case_action a)
{
    const char *why = NULL;
    int rc = case_flow_check(&r->cs, a, NULL, &why);
    if (rc == SX_EVALIDATION) rc = SX_OK; /* inputs are checked later, after the state */
    if (!rc) rc = case_window_open(set, cal, r, a, st_case_today(), &why);
    if (rc == SX_ECONFLICT) {
        struct case_actor who = case_actor_of(v);
        app_fail(c, rc, NULL, why);
        app_fail_extra(c, "allowed", case_allowed_json(set, cal, &who, r, st_case_today(), 0));
    }
    return rc;
}

/* The row change of the action. */
static int update_row(struct app_ctx *c, const struct case_viewer *v, const struct case_facts *r,
                      const struct case_act_in *x, const struct case_action_input *in, enum case_status next,
                      const char *ext_code, int64_t ext_days)
{
    char now[32];
    time_iso_now(now);
    struct case_update u = {
        .id = r->id, .version = r->version, .status = case_status_code(next), .action = case_action_code(x->action),
        .stamp_col = case_action_stamp(x->action), .now = now, .unit_id = in->unit_id, .handler_id = in->handler_id,
        .forward_unit_id = in->forward_unit_id, .leader_id = v->user_id, .deadline = in->deadline,
        .forward_to = in->forward_to, .reason = in->reason, .reply_text = in->reply_text,
        .outcome = in->outcome != CO_NONE ? case_outcome_code(in->outcome) : "",
        .satisfaction = in->satisfaction != SAT_NONE ? case_satisfaction_code(in->satisfaction) : "",
        .ext_code = ext_code, .kind = in->new_kind >= 0 ? case_kind_code((enum case_kind)in->new_kind) : r->kind,
        .resolved = in->resolved, .ext_days = ext_days};
    int rc = st_case_update(c->db, &u);
    if (rc) return rc;
    /* A closed 复核 case makes the matter final for the whole chain (2022 art. 36). */
    if (x->action == CA_CLOSE && r->cs.review_level == 2) return st_case_finalise_matter(c->db, r->id, r->parent_case_id);
    return SX_OK;
}

/* The timeline event of the action with the attachments bound to it; the audit record. */
static int record(struct app_ctx *c, const struct case_settings *set, const struct calendar *cal,
                  const struct case_facts *r, const struct case_act_in *x, const struct case_action_input *in,
                  enum case_status next, int64_t review_id)
{
    json_t *dj = NULL;
    int rc = event_data(c, x, in, &dj);
    if (!rc && review_id) json_object_set_new(dj, "review_case_id", json_integer(review_id));
    if (!rc) rc = event_extras(c, set, cal, r, x->action, in, dj);
    char *data = rc ? NULL : json_dumps(dj, JSON_COMPACT);
    json_decref(dj);
    if (rc) return rc;
    if (!data) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    int64_t event_id = 0;
    rc = app_case_event(c, r->id, case_action_code(x->action), case_status_code(r->cs.status), case_status_code(next),
                        x->note, data, case_action_public(x->action), &event_id);
    for (int i = 0; !rc && i < x->n_attachments; i++) {
        rc = st_case_attachment_bind(c->db, r->id, event_id, x->attachment_ids[i]);
        if (rc == SX_ENOTFOUND)
            rc = app_fail(c, SX_EVALIDATION, "attachment_ids", "附件不存在、不属于本事项或已关联到其他记录");
    }
    if (!rc) {
        char action[48];
        snprintf(action, sizeof action, "case.%s", case_action_code(x->action));
        rc = app_audit_id(c, action, "case", r->id, data);
    }
    free(data);
    return rc;
}

int app_case_act(struct app_ctx *c, void *arg)
{
    struct case_act *act = arg;
    const struct case_viewer *v = act->v;
    const struct case_act_in *x = act->x;
    if ((unsigned)x->action >= CA__COUNT) return app_fail(c, SX_EVALIDATION, NULL, NULL);
    struct case_facts r;
    int rc = st_case_row(c->db, v, act->id, &r);
    if (rc) return rc;
    if (x->expected_version && x->expected_version != r.version) return SX_EVERSION;
    const struct case_settings *set = app_case_settings(c);
    const struct calendar *cal = set ? app_calendar(c) : NULL;
    if (!cal) return SX_EINTERNAL;
    /* The permission first (403), then the state (409 with what is allowed), then the inputs
     * (422) and whether the actor is on the handling side (403). */
    struct case_actor who = case_actor_of(v);
    const char *why = NULL;
    int p = perm_from_code(case_action_perm(x->action));
    if (p < 0 || !(v->perms & perm_bit(p))) return app_fail(c, SX_EFORBIDDEN, NULL, "您没有该操作的权限");
    if ((rc = check_state(c, set, cal, v, &r, x->action))) return rc;
    struct case_action_input in = x->in;
    in.extend_max_days = set->dl.max_extension_days;
    char forward_name[256], reason_buf[160];
    if ((rc = act_defaults(c, &r, x->action, &in, reason_buf, sizeof reason_buf))) return rc;
    if ((rc = case_flow_check(&r.cs, x->action, &in, &why)))
        return app_fail(c, rc, rc == SX_EVALIDATION ? case_input_field(x->action, why) : NULL, why);
    if ((rc = case_may_act(set, &who, &r, x->action, &why))) return app_fail(c, rc, NULL, why);
    if (x->action == CA_ASSIGN && (rc = check_assign(c, &r, &in))) return rc;
    if (x->action == CA_FORWARD) {
        if ((rc = check_forward(c, &r, &in, forward_name))) return rc;
        if (forward_name[0] && (!in.forward_to || !*in.forward_to)) in.forward_to = forward_name;
    }
    if (x->action == CA_RECLASSIFY && (rc = check_reclassify(c, &r, &in))) return rc;
    const char *ext_code;
    int64_t ext_days;
    if ((rc = case_extension_after(set, cal, &r, x->action, in.extend_days, &ext_code, &ext_days, &why)))
        return app_fail(c, rc, "extend_days", why);
    enum case_status next = case_flow_next(&r.cs, x->action);
    if ((rc = update_row(c, v, &r, x, &in, next, ext_code, ext_days))) return rc;
    int64_t review_id = 0;
    if ((x->action == CA_REVIEW_REQUEST || x->action == CA_RECHECK_REQUEST) &&
        (rc = open_review_case(c, &r, in.reason, x->action == CA_REVIEW_REQUEST ? 1 : 2, &review_id)))
        return rc;
    if ((rc = record(c, set, cal, &r, x, &in, next, review_id))) return rc;
    if ((rc = app_case_store_due(c, act->id))) return rc;
    act->next = next;
    return SX_OK;
}
