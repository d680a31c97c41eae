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
#include "../domain/case_rules.h"
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

void st_case_settings_default(struct case_settings *s);
int st_case_settings_get(struct db *db, struct case_settings *s);
/* The settings row the case settings live in, as JSON (st_case_settings_json); the use case
 * replaces it with st_setting_replace (app/settings.c). */
#define ST_CASE_SETTINGS_KEY "case.settings"
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
/* Units that can handle cases (an active user holding case:sign or case:reply) with those users:
 * [{unit_id, unit_name, path, org_type, users:[{id, display_name, username}]}] — the 交办 targets.
 * Not scoped: a county dispatches to prefecture departments too. */
int st_case_handlers(struct db *db, json_t **out);
/* Units of the master data that are organs of a type (CASE_ORG_POLITICS_LAW, CASE_ORG_DISCIPLINE;
 * NULL or "": either) — where 涉法涉诉 is forwarded and 检举控告 routed: [{id, name, path, org_type,
 * org_type_label, region_name}]. Not scoped. */
int st_case_organs(struct db *db, const char *org_type, json_t **out);

/* The actor of the case rules (case_rules.h) for a viewer. */
static inline struct case_actor case_actor_of(const struct case_viewer *v)
{
    return (struct case_actor){.user_id = v->user_id, .unit_id = v->unit_id, .unit_path = v->unit_path,
                               .perms = v->perms};
}

/* ---- gateways of the case use cases (app/case_intake.c, app/case_actions.c) ----
 * SQL and row mapping only: called inside the use case's transaction, they begin none, check no
 * permission and hold no message. st_cases.c reads, st_case_write.c writes. */
/* A case the viewer sees (v NULL: any case) into r; SX_ENOTFOUND when none. */
int st_case_row(struct db *db, const struct case_viewer *v, int64_t id, struct case_facts *r);
/* At most max open cases (a deadline may run) with id > after, in id order; *n read. */
int st_case_open_rows(struct db *db, int64_t after, int max, struct case_facts *rows, int *n);
/* Stores the next deadline and the 三个第一 target of a case ("" for none); the row is written
 * only when one of them changed. */
int st_case_set_due(struct db *db, int64_t id, const char *step, const char *day, const char *target_step,
                    const char *target_day);
/* Whether a row referred to by an intake or an action exists. */
enum case_ref {
    CASE_REF_UNIT,          /* units.id */
    CASE_REF_PUBLISHED_DAY, /* a published reception day */
    CASE_REF_PERSON,        /* a user of kind person */
};
int st_case_ref_exists(struct db *db, enum case_ref what, int64_t id, int *yes);
/* Whether code is an enabled petition category of the dictionary. */
int st_case_category_enabled(struct db *db, const char *code, int *yes);
/* The county (level-2 region) at or above a region; 0 when above county level. SX_ENOTFOUND. */
int st_case_region_county(struct db *db, int64_t region_id, int64_t *county);
/* The next case sequence number of a year (a counter row per year). */
int st_case_next_seq(struct db *db, int year, int64_t *seq);
/* A new case row as registration writes it. */
struct case_row_new {
    const char *case_no, *channel, *kind, *category, *title, *content, *received_at, *urgency, *source, *now;
    int year, first_time, matter_final;
    int64_t seq, region_id, county_id, head_count, unit_id, accused_unit_id, accused_user_id, reception_day_id,
        duplicate_of, created_by; /* 0: NULL */
};
/* Inserts it with a placeholder query hash (st_case_set_query_hash follows); *id the new id. */
int st_case_insert(struct db *db, const struct case_row_new *n, int64_t *id);
/* A 复查 / 复核 case copying the matter of orig_id: title prefix + the original's, content the
 * request's reason, review_level level, parent orig_id. */
int st_case_review_insert(struct db *db, int64_t orig_id, const char *case_no, int year, int64_t seq,
                          const char *title_prefix, const char *reason, int level, int64_t created_by,
                          const char *now, int64_t *id);
/* Sets the keyed hash of the case's query code; SX_EDUPLICATE when another case has it. */
int st_case_set_query_hash(struct db *db, int64_t id, const char *hash);
/* A petitioner of a new case: ID number and phone sealed (pii_seal), masked and hashed. */
int st_case_petitioner_insert(struct db *db, int64_t case_id, int seq, const struct case_petitioner_in *p);
/* Copies the petitioners of one case to another (a review case). */
int st_case_petitioners_copy(struct db *db, int64_t from_id, int64_t to_id);
/* The petitioners of a case with their sealed data: [{id, name, id_number_enc, phone_enc}]. */
int st_case_petitioners_sealed(struct db *db, int64_t case_id, json_t **out);
/* Links two cases both ways (kind duplicate, related, review); an existing link stays. */
int st_case_link_add(struct db *db, int64_t a_id, int64_t b_id, const char *kind, int64_t created_by);
/* A timeline event by a user (actor_id; the name kept is the user's display name) or by someone
 * without an account (actor_id 0: actor_name). data: JSON text or NULL. *event_id may be NULL. */
int st_case_event_add(struct db *db, int64_t actor_id, const char *actor_name, int64_t case_id, const char *action,
                      const char *from, const char *to, const char *note, const char *data, int public_,
                      int64_t *event_id);
/* The row change of a workflow action (st_case_update). */
struct case_update {
    int64_t id, version;        /* the row as read: the update needs it unchanged */
    const char *status, *action, *stamp_col, *now; /* stamp_col: case_action_stamp or NULL */
    int64_t unit_id, handler_id, forward_unit_id, leader_id;
    const char *deadline, *forward_to, *reason, *reply_text, *outcome, *satisfaction, *ext_code, *kind;
    int resolved;
    int64_t ext_days;
};
/* Applies it (version + 1); SX_EVERSION when the row changed since it was read. */
int st_case_update(struct db *db, const struct case_update *u);
/* Marks the matter final for a closed 复核 case, its parent and the parent's parent (art. 36). */
int st_case_finalise_matter(struct db *db, int64_t id, int64_t parent_id);
/* Binds an uploaded, not yet bound attachment of the case to an event; SX_ENOTFOUND otherwise. */
int st_case_attachment_bind(struct db *db, int64_t case_id, int64_t event_id, int64_t attachment_id);
/* Number, status and next deadline of a case ("" when it does not exist). */
int st_case_brief(struct db *db, int64_t id, char no[32], char status[16], char due[16]);
/* The reason of the pending extension request (malloc'd). */
int st_case_ext_reason(struct db *db, int64_t id, char **reason);
/* Whether unit_id is an organ of org_type. */
int st_case_unit_has_org_type(struct db *db, int64_t unit_id, const char *org_type, int *yes);
/* A unit's name and path; SX_ENOTFOUND. */
int st_case_unit_brief(struct db *db, int64_t unit_id, char name[256], char path[200]);
/* The unit of an active person; SX_ENOTFOUND when there is no such user. */
int st_case_user_unit(struct db *db, int64_t user_id, int64_t *unit_id);
/* Whether the unit with this materialised path is ancestor_id or below it. */
int st_case_path_within(struct db *db, const char *path, int64_t ancestor_id, int *yes);
/* Names of a unit and a user ("" when absent), for the timeline. */
int st_case_names(struct db *db, int64_t unit_id, int64_t user_id, char unit_name[256], char user_name[128]);
/* The status of a case the viewer sees; SX_ENOTFOUND. */
int st_case_status_of(struct db *db, const struct case_viewer *v, int64_t id, char status[16]);
int st_case_attachment_count(struct db *db, int64_t case_id, int64_t *n);
/* Stores the bytes content-addressed (once per sha256) and adds an attachment of the case not yet
 * bound to an event; *id the attachment's. */
int st_case_attachment_insert(struct db *db, int64_t case_id, const char *name, const char *mime, const void *data,
                              size_t len, const char *sha256, int64_t uploaded_by, const char *now, int64_t *id);
/* Sets updated_at. */
int st_case_touch(struct db *db, int64_t id, const char *now);
/* A citizen's rating: the case's own status, the status of the case whose progress it shows (eff,
 * st_case_public_find) and whether it was rated already. */
int st_case_rating_state(struct db *db, int64_t id, int64_t eff, char own_status[16], char eff_status[16],
                         int *rated);
/* Records the rating once; SX_EVERSION when it was rated meanwhile. */
int st_case_set_rating(struct db *db, int64_t id, const char *satisfaction, const char *now);
/* 首办负责制: where a repeat goes — {unit_id, unit_name, handler_id, handler_name, case_no} of the
 * first case's handling, or NULL when it has none. */
int st_case_routing_hint(struct db *db, const struct case_facts *r, json_t **out);

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
/* The case a query code and a phone's last four digits (keyed hashes) find, and the case whose
 * progress it shows (*eff: the earlier case of a repeat merged into it, else id). SX_ENOTFOUND
 * for either mismatch (callers answer identically). */
int st_case_public_find(struct db *db, const char *code_hash, const char *last4_hash, int64_t *id, int64_t *eff);
#endif
