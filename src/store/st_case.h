/* Store interface: petition cases (信访事项), their petitioners, timeline, attachments and links
 * (see store.h for conventions; contract of the API in docs/CASES.md).
 *
 * Who sees a case (CASE_VISIBLE): the data scope over the registering unit and creator, OR over
 * the handling unit and handler, OR the leader in charge (包案); a 检举控告 case only for holders
 * of case:report or its own handling unit/handler; and never for anyone in the accused unit (or
 * below it) or the accused person. Every read and write of a case goes through this predicate:
 * a case outside it answers SX_ENOTFOUND. */
#ifndef SX_ST_CASE_H
#define SX_ST_CASE_H
#include "store.h"
#include "../domain/case_flow.h"
#include "../domain/deadline.h"
#include "../domain/query_code.h"

/* The acting user as the case predicate needs it. */
struct case_viewer {
    const struct scope *scope;
    int64_t user_id, unit_id;
    char unit_path[200];
    uint64_t perms; /* perm bits (case:report, case:pii, action permissions) */
};
/* Fills v for a user (unit path looked up). */
int st_case_viewer(struct db *db, const struct scope *sc, int64_t user_id, int64_t unit_id, uint64_t perms,
                   struct case_viewer *v);

/* The visibility predicate over a case row aliased c. Uses ?1..?10 (scope) and ?11..?14
 * (viewer), so case statements number their own parameters from ?15. */
#define CASE_VISIBLE                                                                                            \
    "((" SCOPE_PRED("c.unit_id", "c.created_by") " OR " SCOPE_PRED("c.handling_unit_id", "c.handler_id")     \
    " OR c.leader_in_charge = ?13)"                                                                             \
    " AND (c.kind <> 'report' OR ?11 = 1 OR c.handler_id = ?13 OR c.handling_unit_id = ?14)"                  \
    " AND (c.accused_unit_id IS NULL OR NOT EXISTS (SELECT 1 FROM units au WHERE au.id = c.accused_unit_id"  \
    " AND substr(?12, 1, length(au.path)) = au.path))"                                                         \
    " AND (c.accused_user_id IS NULL OR c.accused_user_id <> ?13))"
/* Today (deployment zone) for deadline states and windows; the ASan test build lets API tests
 * move it with SIXIA_TEST_TODAY=YYYY-MM-DD (never read by the release build). */
cal_day st_case_today(void);
/* The deadline state of a case row c as SQL, given the parameters holding today and today plus
 * the warning days ("YYYY-MM-DD", bound with st_case_bind_today). */
#define CASE_DUE_STATE_OF(col, today, warn)                                                                    \
    "CASE WHEN " col " = '' THEN '' WHEN " col " < " today " THEN 'overdue' WHEN " col " <= " warn              \
    " THEN 'due_soon' ELSE 'normal' END"
#define CASE_DUE_STATE(today, warn) CASE_DUE_STATE_OF("c.due_date", today, warn)
struct case_settings;
/* Binds today at idx and today + warn days at idx + 1 for CASE_DUE_STATE. */
void st_case_bind_today(struct db_stmt *s, int idx, const struct case_settings *set);
/* store_prepare_scoped + the viewer parameters ?11..?14. */
struct db_stmt *st_case_prepare(struct db *db, const char *sql, const struct case_viewer *v);

/* Settings of the case module (settings key "case.settings", JSON; defaults when absent). */
struct case_settings {
    struct deadline_settings dl;
    int repeat_window_days;  /* repeat detection looks this far back (default 365) */
    int similarity_percent;  /* matter score from which a case is suggested as a repeat (default 45) */
    enum case_ext_approval ext_approval; /* who approves an extension (default: the handling unit's
                                          * leaders or above) */
    int64_t version;
};
void st_case_settings_default(struct case_settings *s);
int st_case_settings_get(struct db *db, struct case_settings *s);
/* The settings row the case settings live in, as JSON (st_case_settings_json); the use case
 * replaces it with st_setting_replace (app/settings.c). */
#define ST_CASE_SETTINGS_KEY "case.settings"
/* Inside a write transaction: recomputes the stored next deadline of every open case from the
 * current settings and calendar (migration step 4; the write path uses st_case_due_batch
 * through the deadline registry, app/deadlines.c). */
int st_case_recompute_due(struct db *db);
/* Recomputes the stored deadlines of at most limit open cases with id > *cursor, in id order;
 * *cursor moves to the last one read, *more is 1 when there may be more. */
struct calendar;
int st_case_due_batch(struct db *db, const struct case_settings *set, const struct calendar *cal, int64_t *cursor,
                      int limit, int *more);
/* The settings as JSON {steps:{code:{days,working,label}}, max_extension_days, warn_days,
 * repeat_window_days, similarity_percent, extension_approval, extension_approval_label, version}. */
json_t *st_case_settings_json(const struct case_settings *s);

#define CASE_MAX_PETITIONERS 50
#define CASE_MAX_REPRESENTATIVES 5
#define CASE_MAX_RELATED 20

struct case_petitioner_in {
    const char *name;
    const char *id_number; /* normalised and validated by the caller, or "" */
    const char *phone;     /* normalised and validated by the caller, or "" */
    const char *address;
    int is_representative;
};

struct case_in {
    const char *channel, *kind, *category, *title, *content;
    const char *received_at; /* ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" */
    const char *urgency;     /* normal | urgent | very_urgent */
    const char *source;      /* console | public | api */
    int64_t region_id, head_count;
    int64_t accused_unit_id, accused_user_id; /* 0: none */
    int64_t reception_day_id;                 /* 0: none */
    int64_t duplicate_of;                     /* 0: found by repeat detection; else linked as 重复 */
    int new_matter;                           /* 1: the clerk confirmed a new matter: no repeat link */
    const int64_t *related_ids;
    int n_related;
    const struct case_petitioner_in *pet;
    int n_pet;
    int64_t unit_id; /* registering unit; 0: the creator's unit (console) */
};

/* Registers a case: number XF-<year>-<seq>, a new query code (plain text written to
 * query_code, only its keyed hash stored), petitioners sealed and hashed, the repeat link and the
 * 初信初访 flag from repeat detection (st_case_repeat_analyse with the same viewer, unless the
 * clerk chose duplicate_of or new_matter), the first deadline, a "register" timeline event and the
 * audit record, in one transaction. v NULL: a public submission (no scope checks on region/unit;
 * repeat detection over every case but 检举控告). SX_EVALIDATION with *field for a region, unit,
 * reception day, category, duplicate_of or related id that does not exist or is outside the
 * viewer's scope. */
int st_case_create(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, const struct case_in *in,
                   char query_code[QUERY_CODE_BUF], int64_t *id, const char **field);

struct case_filter {
    const char *status, *channel, *kind, *category, *deadline_state, *urgency;
    int64_t county_id, region_id, unit_id, reception_day_id;
    int supervised, first_time; /* -1: any */
    const char *from, *to;      /* received_at day range "YYYY-MM-DD", inclusive */
};
/* List items (masked petitioners) as in docs/CASES.md; sort: received_at (default desc),
 * due_date, case_no, updated_at. */
int st_case_list(struct db *db, const struct case_viewer *v, const struct case_filter *f, const struct paging *pg,
                 json_t **items, int64_t *total);
/* The detail (masked) with timeline, attachments, links, deadlines and allowed_actions for v. */
int st_case_get(struct db *db, const struct case_viewer *v, int64_t id, json_t **out);
/* Full ID numbers and phones of the petitioners; writes the audit record "case.pii_view".
 * Caller checked case:pii. */
int st_case_pii(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id, json_t **out);
/* Applies a workflow action (state machine check, inputs, deadlines, event with note and data,
 * attachments bound to the event, audit record) in one transaction; expected_version 0: no
 * check. SX_ECONFLICT with *why and *allowed (new JSON array [{code,label}] of the actions
 * allowed now for v) when the state does not allow it; SX_EVALIDATION with *why and *field for
 * inputs; SX_EFORBIDDEN when v lacks the action's permission. On success *out is the detail. */
struct case_act_in {
    enum case_action action;
    struct case_action_input in;
    const char *note;
    const char *contact_at;   /* contact/down_visit: when (ISO) */
    const char *callback_how; /* 回访 how */
    const int64_t *attachment_ids;
    int n_attachments;
    int64_t expected_version;
};
int st_case_act(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id,
                const struct case_act_in *in, json_t **out, const char **why, const char **field,
                json_t **allowed);
/* Issues a new query code (the old one stops working); audited. */
int st_case_new_query_code(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id,
                           char query_code[QUERY_CODE_BUF]);
/* Links two visible cases as related (both directions); audited, a timeline event on each. */
int st_case_link(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id, int64_t other,
                 const char *note);

/* Units that can handle cases (an active user holding case:sign or case:reply) with those users:
 * [{unit_id, unit_name, path, org_type, users:[{id, display_name, username}]}] — the 交办 targets.
 * Not scoped: a county dispatches to prefecture departments too. */
int st_case_handlers(struct db *db, json_t **out);
/* Units of the master data that are organs of a type (CASE_ORG_POLITICS_LAW, CASE_ORG_DISCIPLINE;
 * NULL or "": either) — where 涉法涉诉 is forwarded and 检举控告 routed: [{id, name, path, org_type,
 * org_type_label, region_name}]. Not scoped. */
int st_case_organs(struct db *db, const char *org_type, json_t **out);

/* ---- repeat detection, attachments, todo, export (st_case_extra.c) ---- */
struct case_match_in {
    int64_t region_id; /* 0: unknown */
    const char *category; /* "" or NULL: not given */
    const char *kind;     /* the intake's kind; only a 检举控告 intake is compared with 检举控告 cases */
    const char *title, *content;
    const char *const *id_numbers; /* normalised */
    int n_ids;
    const char *const *phones; /* normalised */
    int n_phones;
    int64_t exclude_id;
};
/* What repeat detection found for an intake (st_case_repeat.c). */
struct case_repeat {
    int first_time;  /* 初信初访: no earlier case (visible to the viewer) of the same petitioner and matter */
    int64_t link_id; /* the case the intake is a repeat of (same petitioner and matter), 0: none */
    int link_final;  /* ... whose matter was closed by 复核: 不再受理 (2022 art. 36) */
    int link_open;   /* ... still in handling: not accepted again (2022 art. 19) */
};
/* Repeat detection for an intake as viewer v sees the cases; *items (may be NULL) the ranked
 * suggestions as st_case_match shows them. Opens no transaction (registration runs it inside its
 * write transaction; other callers bracket it with a read). */
int st_case_repeat_analyse(struct db *db, const struct case_viewer *v, const struct case_match_in *in,
                           struct case_repeat *out, json_t **items);
/* The viewer repeat detection uses for a citizen's own submission: every case but 检举控告
 * (all is the scope it points to; both must outlive the viewer's use). */
void st_case_public_viewer(struct case_viewer *v, struct scope *all);
/* Earlier visible cases: the same petitioner (id/phone hash, or the representative of a group
 * petition) within the repeat window or closed by 复核, and possible repeats of the same matter
 * by anybody in the county. JSON {items:[{id,case_no,title,status,status_label,received_at,
 * region_name,due_date,score,same_petitioner,same_matter,open,final_label,reasons:[..]}],
 * first_time: bool, repeat_of: item|null, repeat_final, repeat_open} ordered by rank. */
int st_case_match(struct db *db, const struct case_viewer *v, const struct case_match_in *in, json_t **out);
#define CASE_MAX_ATTACHMENTS 20
/* Stores bytes content-addressed (sha256) and adds the attachment to a visible case; audited.
 * SX_ETOOLARGE when the case has CASE_MAX_ATTACHMENTS; SX_EMEDIA when mime is NULL (a refused
 * type: checked after visibility, so an invisible case stays SX_ENOTFOUND). */
int st_case_attach(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t case_id,
                   const char *name, const char *mime, const void *data, size_t len, json_t **out);
/* An attachment of a visible case: meta {id,name,mime,size,sha256} and the bytes (malloc'd). */
int st_case_attachment(struct db *db, const struct case_viewer *v, int64_t case_id, int64_t att_id, json_t **meta,
                       void **data, size_t *len);
/* 我的待办 for v: one page (limit, offset) of [{case_id,case_no,title,kind,kind_label,status,
 * status_label,task,task_label,due_date,due_step_label,deadline_state,deadline_state_label,
 * supervised,urgency}] by due date (empty last), only task (NULL: any) and deadline state
 * (NULL: any); *total under that filter; *counts {<task>: n…, overdue: n, due_soon: n} of all
 * the user's tasks. */
int st_case_todo(struct db *db, const struct case_viewer *v, const char *task, const char *state, int64_t limit,
                 int64_t offset, json_t **items, int64_t *total, json_t **counts);
/* -- more of st_case_extra.c (added with it) -- */
/* Calls fn(item, arg) for every export row (a list item of st_case_list, masked) matching f and
 * pg's sort and keyword, in pages; SX_ETOOLARGE (nothing written) when more than cap match.
 * *count: rows written. fn returns 0 to go on. */
typedef int (*case_row_fn)(json_t *item, void *arg);
int st_case_export_each(struct db *db, const struct case_viewer *v, const struct case_filter *f,
                        const struct paging *pg, int64_t cap, case_row_fn fn, void *arg, int64_t *count);
/* Sets "due_warning" of every item from its "due_date": the holiday calendar's warning when a year
 * from today to that day is not in the calendar (null otherwise). */
int st_case_due_warnings(struct db *db, json_t *items);
/* Largest 我的待办 page. */
#define CASE_TODO_MAX 200

/* ---- the public page (st_case_public.c) ---- */
/* A case by query code hash and the hash of the phone's last four digits (any petitioner).
 * SX_ENOTFOUND for either mismatch (callers answer identically). Public view only. */
int st_case_public_lookup(struct db *db, const char *code_hash, const char *last4_hash, json_t **out);
/* Records the petitioner's rating once, after the reply. SX_ECONFLICT with *why otherwise. */
int st_case_public_rate(struct db *db, const struct audit_ctx *a, const char *code_hash, const char *last4_hash,
                        const char *satisfaction, const char **why);
#endif
