/* The rules of a petition case that need no database: the facts of one case as the rules read
 * them, its running deadlines and review windows, who may take which action, the inputs checked
 * without looking anything up, the case number. The use cases (app/case_*.c) and the case
 * detail (st_cases.c) both call these; tests/unit/test_case_rules.c covers them. */
#ifndef SX_CASE_RULES_H
#define SX_CASE_RULES_H
#include "calendar.h"
#include "case_flow.h"
#include "deadline.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Settings of the case module (settings key "case.settings", JSON; defaults when absent). */
struct case_settings {
    struct deadline_settings dl;
    int repeat_window_days;  /* repeat detection looks this far back (default 365) */
    int similarity_percent;  /* matter score from which a case is suggested as a repeat (default 45) */
    enum case_ext_approval ext_approval; /* who approves an extension (default: the handling unit's
                                          * leaders or above) */
    int64_t version;
};

/* What actions and deadlines need to know about one case (read by st_case_row). */
struct case_facts {
    int64_t id, version, unit_id, handling_unit_id, handler_id, leader_in_charge, accused_unit_id,
        accused_user_id, parent_case_id, extension_days, region_id, county_id, duplicate_of;
    struct case_state cs;
    int first_time, supervised;
    char status[16], kind[16], title[512];
    char received_at[32], accepted_at[32], assigned_at[32], replied_at[32], assign_deadline[16];
    char handling_path[200]; /* materialised path of the handling unit, "" when none */
    char dup_status[16];     /* status of the case this one repeats, "" when none */
};
/* Derives cs.open_repeat from duplicate_of and dup_status once the row is read: a repeat of a
 * matter still in handling is not accepted again (2022 art. 19); once the original has ended it
 * may be (and goes to the first handling unit, 首办负责制). */
void case_facts_finish(struct case_facts *r);

/* The user taking an action, as the rules need them. */
struct case_actor {
    int64_t user_id, unit_id;
    const char *unit_path; /* materialised path of the actor's unit */
    uint64_t perms;        /* perm bits */
};

/* The local (deployment zone) day of a stored UTC ISO time; 0 when empty or malformed. */
cal_day case_local_day(const char *iso);
/* "YYYY-MM-DD" of d, or "" for 0. */
void case_day_str(cal_day d, char out[11]);

/* A running deadline: the step and its day (0: none running). */
struct case_due {
    enum deadline_step step;
    cal_day day;
};
/* The close (or review answer) deadline of a case in handling, with an approved extension and
 * the 交办 deadline (whichever is earlier). */
cal_day case_close_due(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r);
/* The next running deadline of a case in its current state (stored as due_step / due_date). */
struct case_due case_next_due(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r);
/* The 三个第一 target of a first petition (初信初访) at its stage — assigned, supervised and
 * called back at once — beside the statutory deadline (stored as target_step / target_due). */
struct case_due case_target_of(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r);
/* The last day the petitioner may ask for 复查 (original case) or 复核 (a 复查 case), counted from
 * the reply; 0 when not applicable. *step: which request. */
cal_day case_review_window(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r,
                           enum deadline_step *step);

/* 1 when the actor belongs to the handling side of the case (its unit or its handler). */
int case_is_handling_side(const struct case_actor *who, const struct case_facts *r);
/* 0 when who may take action a on r as far as permissions go; SX_EFORBIDDEN with *why. */
int case_may_act(const struct case_settings *set, const struct case_actor *who, const struct case_facts *r,
                 enum case_action a, const char **why);
/* 0 when a's window is open on `today` (退回 within the objection period, the review requests
 * within theirs); SX_ECONFLICT with *why otherwise. */
int case_window_open(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r,
                     enum case_action a, cal_day today, const char **why);
/* The actions who may take on r now (state, permissions and windows); returns how many. */
int case_allowed(const struct case_settings *set, const struct calendar *cal, const struct case_actor *who,
                 const struct case_facts *r, cal_day today, enum case_action out[], int max);
/* The same as the API shows them: [{code, label}] (with_needs: and "needs", the inputs each
 * action asks for). */
json_t *case_allowed_json(const struct case_settings *set, const struct calendar *cal, const struct case_actor *who,
                          const struct case_facts *r, cal_day today, int with_needs);
/* The input names of case_action_needs' bits, in bit order (for "needs" in the API). */
extern const char *const case_need_names[];
extern const int case_need_count;

/* The input a refusal of case_flow_check is about, from its reason (NULL when none). */
const char *case_input_field(enum case_action a, const char *why);
/* A 交办 deadline: a real day "YYYY-MM-DD" not before today. 0 or SX_EVALIDATION with *why. */
int case_check_assign_deadline(const char *deadline, cal_day today, const char **why);
/* The extension state and days an action leaves: 延期申请 pending with the days asked (checked
 * against the settings' maximum by deadline_extend, SX_EVALIDATION with *why), 批准 approved,
 * 不批准 rejected with none; other actions keep the case's. */
int case_extension_after(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r,
                         enum case_action a, int extend_days, const char **ext_code, int64_t *ext_days,
                         const char **why);
/* Whether the petitioner sees an action's timeline event on the public page. */
int case_action_public(enum case_action a);
/* The timestamp column an action sets ("accepted_at"…), NULL when none. */
const char *case_action_stamp(enum case_action a);

/* Whether the petitioner may rate the reply of a case in this status (replied or later). */
int case_status_rateable(const char *status);
/* The case number of the seq-th case registered in year: "XF-2026-00042". */
void case_number_format(int year, int64_t seq, char out[32]);
/* The decline reason the system gives a repeat when the clerk leaves it out: the same matter
 * closed by 复核 (art. 36) or still in handling (art. 19); "" when neither applies. */
void case_default_decline_reason(const struct case_facts *r, const char *dup_case_no, char *out, size_t n);
/* The title prefix of a 复查 (level 1) or 复核 (level 2) case. */
const char *case_review_title_prefix(int level);
#endif
