/* The citizens' public page: county/region/category lookups for the submission form, and a
 * case as its petitioner may see it (query code + last four phone digits), with the one-time
 * satisfaction rating. Only public information leaves this file: no notes, no unit or person
 * names, no other petitioners, no internal events (督办, 延期, 联系, 签收, 退回 …). */
#include "store.h"
#include "../domain/calendar.h"
#include "../domain/case_notice.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- lookups for the form ---- */

int st_public_counties(struct db *db, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT id, name FROM regions WHERE level = 2 ORDER BY sort, code");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, items);
}

int st_public_regions(struct db *db, int64_t parent_id, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT r.id, r.name, r.level FROM regions r JOIN regions p ON p.id = r.parent_id"
                                       " WHERE r.parent_id = ? AND p.level >= 2 ORDER BY r.sort, r.code");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, parent_id);
    return db_all_json(s, items);
}

int st_public_categories(struct db *db, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT code, label FROM dict_items WHERE type = 'petition_category'"
                                       " AND enabled = 1 ORDER BY sort, code");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, items);
}

int st_public_category_ok(struct db *db, const char *code)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM dict_items WHERE type = 'petition_category'"
                                       " AND enabled = 1 AND code = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code);
    int64_t n = 0;
    int rc = db_int(s, &n);
    if (rc) return rc;
    return n ? SX_OK : SX_ENOTFOUND;
}

int st_public_region_unit(struct db *db, int64_t region_id, int64_t *county_id, int64_t *unit_id)
{
    /* The county is the level-2 region whose path is a prefix of the region's own path. */
    struct db_stmt *s = db_prepare(db, "SELECT c.id FROM regions r JOIN regions c ON c.level = 2"
                                       " AND substr(r.path, 1, length(c.path)) = c.path"
                                       " WHERE r.id = ? AND r.level >= 2");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, region_id);
    int rc = db_int(s, county_id);
    if (rc) return rc; /* SX_ENOTFOUND: no such region, or above county level */
    s = db_prepare(db, "SELECT id FROM units WHERE kind = 'government' AND region_id = ? ORDER BY path LIMIT 1");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, *county_id);
    rc = db_int(s, unit_id);
    if (rc != SX_ENOTFOUND) return rc;
    s = db_prepare(db, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY sort, id LIMIT 1");
    if (!s) return SX_EINTERNAL;
    return db_int(s, unit_id);
}

int st_public_case_no(struct db *db, int64_t case_id, char *out, size_t n)
{
    struct db_stmt *s = db_prepare(db, "SELECT case_no FROM cases WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, case_id);
    int rc = db_step(s);
    if (rc == DB_ROW) snprintf(out, n, "%s", db_col_text(s, 0));
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_public_plausible_case_no(struct db *db, char *out, size_t n)
{
    int year = day_year(st_case_today());
    struct db_stmt *s = db_prepare(db, "SELECT IFNULL((SELECT last FROM case_seq WHERE year = ?), 0)");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, year);
    int64_t last = 0;
    int rc = db_int(s, &last);
    if (rc) return rc;
    snprintf(out, n, "XF-%d-%05lld", year, (long long)(last + 1 + randombytes_uniform(2)));
    return SX_OK;
}

/* ---- the case as its petitioner sees it ---- */

/* The case whose query code hash and one of whose petitioners' last-four hash match. */
static int find_case(struct db *db, const char *code_hash, const char *last4_hash, int64_t *id)
{
    if (!code_hash || !*code_hash || !last4_hash || !*last4_hash) return SX_ENOTFOUND;
    struct db_stmt *s = db_prepare(db, "SELECT c.id FROM cases c WHERE c.query_hash = ?1 AND EXISTS"
                                       " (SELECT 1 FROM case_petitioners p WHERE p.case_id = c.id"
                                       " AND p.phone_last4_hash = ?2)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code_hash);
    db_bind_text(s, 2, last4_hash);
    return db_int(s, id);
}

/* A case recorded as 重复 of an earlier one shows the earlier case's progress (合并办理) while it
 * is not handled as a matter of its own: registered, or declined as the repeat of a matter in
 * handling. One accepted anew (the earlier matter had ended), or declined because the matter was
 * closed by 复核 (its 不再受理 notice is the petitioner's answer), shows its own steps. Follows
 * duplicate_of a few steps at most, so a bad chain cannot loop. */
static int effective_case(struct db *db, int64_t id, int64_t *eff)
{
    *eff = id;
    for (int i = 0; i < 8; i++) {
        struct db_stmt *s = db_prepare(db, "SELECT COALESCE(duplicate_of, 0) FROM cases WHERE id = ?"
                                           " AND status IN ('registered', 'declined') AND matter_final = 0");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, *eff);
        int64_t next = 0;
        int rc = db_int(s, &next);
        if (rc == SX_ENOTFOUND) break; /* handled as a matter of its own */
        if (rc) return rc;
        if (next <= 0 || next == id) break;
        *eff = next;
    }
    return SX_OK;
}


/* A malloc'd notice as a JSON string (NULL when out of memory). */
static json_t *notice_json(char *t)
{
    json_t *j = t ? json_string(t) : NULL;
    free(t);
    return j;
}

/* A formatted text of any length as a JSON string (NULL when out of memory). */
__attribute__((format(printf, 1, 2))) static json_t *text_of(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = NULL;
    int n = vasprintf(&t, fmt, ap);
    va_end(ap);
    json_t *j = n < 0 ? NULL : json_stringn(t, (size_t)n);
    free(t);
    return j;
}

#define EV_DATA(key) "CASE WHEN json_valid(e.data) THEN json_extract(e.data, '$." key "') END"

/* Which events add_events takes: a merged case shows its own registration and rating, and the
 * original's progress in between. */
enum { EV_REGISTER = 1, EV_PROGRESS = 2, EV_RATE = 4 };

/* Appends the public timeline entries of case id (of the kinds in what) to tl. */
static int add_events(struct db *db, int64_t id, unsigned what, const char *case_no, const char *title, json_t *tl)
{
    struct db_stmt *s = db_prepare(
        db, "SELECT e.action, e.at,"
            " COALESCE(" EV_DATA("reason") ", c.decline_reason, ''),"
            " COALESCE(" EV_DATA("forward_to") ", c.forward_to, ''),"
            " COALESCE(" EV_DATA("reply_text") ", c.reply_text, ''),"
            " COALESCE(" EV_DATA("outcome") ", c.outcome, ''),"
            " COALESCE(" EV_DATA("satisfaction") ", ''),"
            " COALESCE(" EV_DATA("notice") ", '')"
            " FROM case_events e JOIN cases c ON c.id = e.case_id"
            " WHERE e.case_id = ? AND e.action IN ('register','accept','decline','forward','assign','reply','onspot',"
            "'callback','close','rate','extend_approve') ORDER BY e.at, e.id");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc, prev_assign = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *action = db_col_text(s, 0), *at = db_col_text(s, 1);
        const char *label = NULL, *outcome = NULL;
        json_t *text = NULL;
        unsigned kind = !strcmp(action, "register") ? EV_REGISTER : !strcmp(action, "rate") ? EV_RATE : EV_PROGRESS;
        if (!(what & kind)) continue;
        int is_assign = !strcmp(action, "assign");
        if (is_assign && prev_assign) continue; /* re-dispatch after 退回: one entry is enough */
        prev_assign = is_assign;
        if (!strcmp(action, "register")) {
            label = "登记";
            text = text_of("已收到您反映的事项，登记编号 %s。", case_no);
        } else if (!strcmp(action, "accept")) {
            /* The 告知书 wording of the console (st_cases.c notice_text). */
            label = "受理";
            char day[16] = "";
            time_t t;
            if (!time_parse_iso(at, &t)) time_local_date(t, day);
            text = notice_json(case_notice_accept(title, day));
        } else if (!strcmp(action, "decline")) {
            /* The notice as written when it was declined (a repeat's says why), else composed. */
            label = "不予受理";
            const char *kept = db_col_text(s, 7);
            text = *kept ? json_string(kept) : notice_json(case_notice_decline(title, db_col_text(s, 2)));
        } else if (!strcmp(action, "extend_approve")) {
            /* 延期: the petitioner is told the new time limit and why (2022 art. 34). */
            label = "延期办理";
            text = json_string(db_col_text(s, 7));
        } else if (!strcmp(action, "forward")) {
            label = "转送";
            const char *to = db_col_text(s, 3);
            text = text_of("您反映的事项已转送%s依法处理。", *to ? to : "有权处理的机关");
        } else if (is_assign) {
            label = "交办";
            text = json_string("已转交承办单位办理。");
        } else if (!strcmp(action, "reply") || !strcmp(action, "onspot")) {
            label = "答复";
            text = json_string(db_col_text(s, 4));
            int o = case_outcome_from_code(db_col_text(s, 5));
            outcome = o > 0 ? case_outcome_label((enum case_outcome)o) : NULL;
        } else if (!strcmp(action, "callback")) {
            label = "回访";
            text = json_string("承办单位已就答复情况进行回访。");
        } else if (!strcmp(action, "close")) {
            label = "办结";
            text = json_string("您反映的事项已办结。");
        } else {
            label = "评价";
            int sat = case_satisfaction_from_code(db_col_text(s, 6));
            text = text_of("您对答复的评价：%s。", sat > 0 ? case_satisfaction_label((enum case_satisfaction)sat) : "已评价");
        }
        json_t *o = json_pack("{s:s,s:s,s:s,s:o*}", "at", at, "action", action, "label", label, "text", text);
        if (!o) {
            rc = SX_EINTERNAL;
            break;
        }
        if (outcome) json_object_set_new(o, "outcome_label", json_string(outcome));
        json_array_append_new(tl, o);
    }
    db_reset(s);
    return rc == DB_DONE ? SX_OK : rc;
}

/* The public view of case id (the petitioner's own case, showing eff's progress). */
static int public_view(struct db *db, int64_t id, int64_t eff, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT case_no, title, kind, received_at, public_rating,"
                                       " COALESCE(public_rated_at, '') FROM cases WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_reset(s);
        return rc == DB_DONE ? SX_ENOTFOUND : rc;
    }
    char case_no[40], title[512];
    snprintf(case_no, sizeof case_no, "%s", db_col_text(s, 0));
    snprintf(title, sizeof title, "%s", db_col_text(s, 1));
    int kind = case_kind_from_code(db_col_text(s, 2));
    int rating = case_satisfaction_from_code(db_col_text(s, 4));
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "case_no", case_no, "title", db_col_text(s, 1),
                          "kind", db_col_text(s, 2), "kind_label",
                          kind >= 0 ? case_kind_label((enum case_kind)kind) : "", "received_at", db_col_text(s, 3),
                          "rating", rating > 0 ? db_col_text(s, 4) : "", "rating_label",
                          rating > 0 ? case_satisfaction_label((enum case_satisfaction)rating) : "", "rated_at",
                          db_col_text(s, 5));
    db_reset(s);
    if (!o) return SX_EINTERNAL;

    s = db_prepare(db, "SELECT status, due_step, due_date, reply_text, outcome FROM cases WHERE id = ?");
    if (!s) goto fail_internal;
    db_bind_int(s, 1, eff);
    if ((rc = db_step(s)) != DB_ROW) {
        db_reset(s);
        json_decref(o);
        return rc == DB_DONE ? SX_ENOTFOUND : rc;
    }
    char status[24], due[16];
    snprintf(status, sizeof status, "%s", db_col_text(s, 0));
    snprintf(due, sizeof due, "%s", db_col_text(s, 2));
    enum deadline_step step;
    const char *step_label = "";
    if (*db_col_text(s, 1) && deadline_step_from_code(db_col_text(s, 1), &step) == SX_OK)
        step_label = deadline_step_label(step);
    int outcome = case_outcome_from_code(db_col_text(s, 4));
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "status_label", json_string(case_status_label_of(status)));
    json_object_set_new(o, "reply_text", json_string(db_col_text(s, 3)));
    json_object_set_new(o, "outcome_label",
                        json_string(outcome > 0 ? case_outcome_label((enum case_outcome)outcome) : ""));
    db_reset(s);

    /* The next deadline and its state (正常/临期/逾期) against today in the deployment zone. */
    const char *state = "", *state_label = "";
    cal_day due_day, today = st_case_today();
    if (*due && day_parse(due, strlen(due), &due_day) == 0 && today) {
        struct case_settings cs;
        if (st_case_settings_get(db, &cs) != SX_OK) st_case_settings_default(&cs);
        enum deadline_state st = deadline_state(due_day, today, cs.dl.warn_days);
        state = deadline_state_code(st);
        state_label = deadline_state_label(st);
    } else {
        due[0] = 0;
        step_label = "";
    }
    json_object_set_new(o, "due_date", json_string(due));
    json_object_set_new(o, "due_step_label", json_string(step_label));
    json_object_set_new(o, "deadline_state", json_string(state));
    json_object_set_new(o, "deadline_state_label", json_string(state_label));
    json_object_set_new(o, "merged", json_boolean(eff != id));
    json_object_set_new(o, "can_rate", json_boolean(rating <= 0 && case_status_rateable(status)));

    json_t *tl = json_array();
    json_object_set_new(o, "timeline", tl);
    if (eff == id) {
        rc = add_events(db, id, EV_REGISTER | EV_PROGRESS | EV_RATE, case_no, title, tl);
    } else {
        const char *received = json_string_value(json_object_get(o, "received_at"));
        if (!(rc = add_events(db, id, EV_REGISTER, case_no, title, tl))) {
            json_array_append_new(tl, json_pack("{s:s,s:s,s:s,s:s}", "at", received, "action", "merge", "label",
                                                "合并办理", "text",
                                                "您反映的事项与已登记的同一事项合并办理，以下为该事项的办理进度。"));
            if (!(rc = add_events(db, eff, EV_PROGRESS, case_no, title, tl))) rc = add_events(db, id, EV_RATE, case_no, title, tl);
        }
    }
    if (rc) goto fail;
    *out = o;
    return SX_OK;
fail_internal:
    rc = SX_EINTERNAL;
fail:
    json_decref(o);
    return rc;
}

int st_case_public_lookup(struct db *db, const char *code_hash, const char *last4_hash, json_t **out)
{
    int64_t id, eff;
    int rc = find_case(db, code_hash, last4_hash, &id);
    if (rc) return rc;
    if ((rc = effective_case(db, id, &eff))) return rc;
    return public_view(db, id, eff, out);
}

int st_case_public_find(struct db *db, const char *code_hash, const char *last4_hash, int64_t *id, int64_t *eff)
{
    int rc = find_case(db, code_hash, last4_hash, id);
    return rc ? rc : effective_case(db, *id, eff);
}
