/* The write path. Every change to the database goes through app_write: it begins one write
 * transaction, runs a use case (a function of src/app/) with a context, appends the use case's
 * audit records, runs the deadline registry when the use case marked the calendar or the
 * deadline settings changed, and commits. When the database gives the transaction up
 * (SX_ERETRY: a serialization failure or deadlock on PostgreSQL; SQLite, with one writer at a
 * time, never gives one up and a busy database answers SX_EUNAVAILABLE instead) the
 * use case runs again from the start, a bounded number of times.
 *
 * Use cases talk to the store's gateways with c->db and report a refusal through app_fail
 * (code, field, Chinese message, allowed actions) instead of out-parameters. They never begin
 * or end transactions themselves, so two use cases can be combined into one transaction by
 * calling one from the other with the same context.
 *
 * Handlers call app_write and turn a non-zero result into the answer with api_app_fail
 * (api.h), which takes the code, message, field and extra members from the app_err. */
#ifndef SX_APP_H
#define SX_APP_H
#include "../store/store.h"
#include <jansson.h>
#include <stdint.h>

struct calendar;
struct case_settings;

/* Why a use case refused. field and msg are copied, so they may point anywhere. */
struct app_err {
    int code;           /* sx_err */
    char field[64];     /* the input field at fault, "" when none */
    char msg[512];      /* Chinese, for the user; "" uses the code's message (err.c) */
    json_t *extra;      /* owned: more members of the error object, e.g. "allowed" (the actions a
                         * case allows now) or "violations"; NULL when none */
};
void app_err_clear(struct app_err *e);

/* What a use case changed that others depend on (app_mark). */
enum app_mark {
    APP_MARK_DEADLINES = 1, /* the calendar or deadline settings: every running deadline moves */
};

#define APP_MAX_AUDIT 8

struct app_audit_rec {
    char *action, *object_type, *object_id, *details; /* malloc'd */
    int success;
};

struct app_ctx {
    struct db *db;
    const struct audit_ctx *who; /* the caller, for the audit log */
    struct app_err *err;
    int attempt; /* 0 on the first run, then 1, 2… on a retry */
    unsigned marks;
    /* Loaded on first use, once per attempt (app_calendar, app_case_settings). */
    struct calendar *cal;
    struct case_settings *case_set;
    struct app_audit_rec audit[APP_MAX_AUDIT];
    int n_audit;
    /* Written in a transaction of their own after a refused use case rolls back. */
    struct app_audit_rec fail_audit[2];
    int n_fail_audit;
};

typedef int (*app_fn)(struct app_ctx *c, void *arg);

/* Runs fn in one write transaction as who. 0 when committed; otherwise the sx_err code, with
 * err filled (err may be NULL when the caller does not need the details). err is an output:
 * it need not be initialised, and the caller releases it with app_err_clear. */
int app_write(struct db *db, const struct audit_ctx *who, app_fn fn, void *arg, struct app_err *err);
/* How many times app_write runs a use case the database gave up before answering SX_ERETRY. */
#define APP_MAX_ATTEMPTS 5

/* Records why the use case refuses and returns code: `return app_fail(c, SX_EVALIDATION,
 * "name", "名称不能为空");`. field and msg may be NULL. A later call does not overwrite an
 * earlier message (the first reason found is the one users read) unless the earlier had none. */
int app_fail(struct app_ctx *c, int code, const char *field, const char *msg);
/* The same with a printf-style message. */
int app_failf(struct app_ctx *c, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds a member to the error object of a refusal, e.g. "allowed" (takes the reference). */
void app_fail_extra(struct app_ctx *c, const char *key, json_t *value);

/* Queues an audit record of this use case; app_write appends the queue, in order, just before
 * it commits, so a change and its record commit together or not at all. details: text, NULL
 * for none. SX_EINTERNAL when the queue is full (a programming error). */
int app_audit(struct app_ctx *c, const char *action, const char *object_type, const char *object_id,
              const char *details);
int app_audit_id(struct app_ctx *c, const char *action, const char *object_type, int64_t object_id,
                 const char *details);
/* details as a JSON value (taken; compact text in the record). */
int app_audit_json(struct app_ctx *c, const char *action, const char *object_type, int64_t object_id,
                   json_t *details);
/* A failure record ("result": failure) written even though the use case refuses: app_write
 * appends it in a transaction of its own after the rollback (e.g. a refused login). */
int app_audit_failure(struct app_ctx *c, const char *action, const char *object_type, const char *object_id,
                      const char *details);

/* The working-day calendar and the case settings, loaded once per attempt. NULL only when out
 * of memory (app_fail'ed with SX_EINTERNAL). */
const struct calendar *app_calendar(struct app_ctx *c);
const struct case_settings *app_case_settings(struct app_ctx *c);
/* Marks what the use case changed (enum app_mark). A mark of APP_MARK_DEADLINES forgets the
 * loaded calendar and settings (the use case changed them) and runs the deadline registry
 * before the commit. */
void app_mark(struct app_ctx *c, unsigned marks);

/* ---- the deadline registry (app/deadlines.c) ----
 * A module that keeps deadlines in its rows registers a recompute function in the table of
 * deadlines.c. When a write marks APP_MARK_DEADLINES, app_write recomputes every registered
 * module's rows in batches: the first APP_DEADLINE_INLINE rows inside that same transaction,
 * the rest (a large database) in later transactions of APP_DEADLINE_BATCH rows each, run by
 * app_deadlines_work (the server's background thread), so a calendar edit never holds the
 * write lock for long. The calendar knows no module; modules know nothing of the calendar's
 * editors. */
struct app_deadlines {
    const char *name; /* the module, e.g. "case" */
    /* Recomputes at most `limit` rows with id > *cursor in c's transaction, in id order, moving
     * *cursor to the last id done; *more = 0 when none is left. */
    int (*recompute)(struct app_ctx *c, int64_t *cursor, int limit, int *more);
};
#define APP_DEADLINE_INLINE 2000
#define APP_DEADLINE_BATCH 500
/* Runs the recomputation still pending (a setting records where it stands) in batches until
 * done or max_batches transactions ran. *left: 1 while work remains. 0 or an sx_err. */
int app_deadlines_work(struct db *db, int max_batches, int *left);
/* Called by app_write (deadlines.c). */
int app_deadlines_run(struct app_ctx *c);

/* The server's background worker for the deadline registry (cmd_serve). */
void app_worker_start(void);
void app_worker_stop(void);
#endif
