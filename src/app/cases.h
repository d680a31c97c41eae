/* Use cases of petition cases (信访事项), run through app_write: registration, the workflow
 * actions, links, a new query code and the personal-data view. Each takes its argument struct
 * as arg; outputs are written into it only when the use case succeeds (the transaction may run
 * again, so an output of a failed attempt is reset by the next). */
#ifndef SX_APP_CASES_H
#define SX_APP_CASES_H
#include "app.h"
#include "../store/st_case.h"

/* ---- registration (case_intake.c) ---- */
/* Registers a case: number XF-<year>-<seq>, a new query code (plain text returned, only its
 * keyed hash stored), petitioners sealed and hashed, the repeat link and the 初信初访 flag from
 * repeat detection (with the same viewer the intake form's match uses, unless the clerk chose
 * duplicate_of or new_matter), the first deadline, a "register" timeline event and the audit
 * record "case.create". v NULL: a citizen's own submission (no scope on region or unit; repeat
 * detection over every case but 检举控告). SX_EVALIDATION with the field for a region, unit,
 * reception day, category, duplicate_of or related id that does not exist or is outside the
 * viewer's scope. */
struct case_create {
    const struct case_viewer *v;
    const struct case_in *in;
    char query_code[QUERY_CODE_BUF]; /* out */
    int64_t id;                      /* out */
};
int app_case_create(struct app_ctx *c, void *arg);

/* A new query code for a visible case (the old one stops working); audited "case.query_code". */
struct case_query_code {
    const struct case_viewer *v;
    int64_t id;
    char query_code[QUERY_CODE_BUF]; /* out */
};
int app_case_new_query_code(struct app_ctx *c, void *arg);

/* Links two visible cases as related (both ways), a timeline event on each; audited "case.link".
 * SX_EVALIDATION (field case_id) when the other case is the same or not visible. */
struct case_link {
    const struct case_viewer *v;
    int64_t id, other;
    const char *note;
};
int app_case_link(struct app_ctx *c, void *arg);

/* The full ID numbers and phones of a visible case's petitioners; audited "case.pii_view" (a
 * read that must leave its record, so it goes through the write path). The caller checked
 * case:pii. *out: {petitioners:[{id, name, id_number, phone}]}. */
struct case_pii_view {
    const struct case_viewer *v;
    int64_t id;
    json_t *out; /* out, the caller's */
};
int app_case_pii_view(struct app_ctx *c, void *arg);

/* ---- attachments and the public rating (case_files.c) ---- */
/* Stores an upload (content-addressed) as an attachment of a visible case, an "attach" event
 * naming it; audited "case.attach". SX_EMEDIA when mime is NULL (a refused type, said only about
 * a visible case), SX_ECONFLICT when the case has CASE_MAX_ATTACHMENTS. */
struct case_attach {
    const struct case_viewer *v;
    int64_t case_id;
    const char *name, *mime;
    const void *data;
    size_t len;
    json_t *out; /* out, the caller's: {id, name, mime, size, sha256} */
};
int app_case_attach(struct app_ctx *c, void *arg);
/* The petitioner's rating of the reply, once, after the reply (SX_ECONFLICT otherwise), found by
 * the keyed hashes of the query code and the phone's last four digits (SX_ENOTFOUND). */
struct case_public_rate {
    const char *code_hash, *last4_hash, *satisfaction;
};
int app_case_public_rate(struct app_ctx *c, void *arg);

/* ---- workflow actions (case_actions.c) ---- */
/* One action: the permission first (403), then the state and the action's window (409 with
 * "allowed": the actions allowed now), then the inputs (422 with the field) and the handling side
 * (403); then the row change (version inside the UPDATE), a 复查 / 复核 case when one is asked
 * for, the timeline event with the inputs and the notice, the attachments bound to it, the next
 * deadline and the audit record "case.<action>". expected_version 0: no check. */
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
struct case_act {
    const struct case_viewer *v;
    int64_t id;
    const struct case_act_in *x;
    enum case_status next; /* out: the status the case is in now */
};
int app_case_act(struct app_ctx *c, void *arg);

/* ---- shared by the case use cases ---- */
/* A timeline event by the caller (c->who; 群众 when it has no account). */
int app_case_event(struct app_ctx *c, int64_t case_id, const char *action, const char *from, const char *to,
                   const char *note, const char *data, int public_, int64_t *event_id);
/* Gives a case a new query code (its keyed hash stored), the plain code into code. */
int app_case_query_code(struct app_ctx *c, int64_t id, char code[QUERY_CODE_BUF]);
/* Stores the next deadline and 三个第一 target of case id from its row (case_deadlines.c). */
int app_case_store_due(struct app_ctx *c, int64_t id);
#endif
