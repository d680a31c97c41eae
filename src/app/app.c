/* The write path (app.h): one transaction per use case, its audit records, the deadline
 * registry, bounded retries. */
#include "app.h"
#include "../domain/calendar.h"
#include "../store/st_case.h"
#include "../store/st_holiday.h"
#include "../util/err.h"
#include "../util/log.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void app_err_clear(struct app_err *e)
{
    if (!e) return;
    json_decref(e->extra);
    memset(e, 0, sizeof *e);
}

static void rec_free(struct app_audit_rec *r)
{
    free(r->action);
    free(r->object_type);
    free(r->object_id);
    free(r->details);
    memset(r, 0, sizeof *r);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static int rec_fill(struct app_audit_rec *r, const char *action, const char *object_type, const char *object_id,
                    const char *details, int success)
{
    r->action = dup_or_empty(action);
    r->object_type = dup_or_empty(object_type);
    r->object_id = dup_or_empty(object_id);
    r->details = dup_or_empty(details);
    r->success = success;
    if (r->action && r->object_type && r->object_id && r->details) return SX_OK;
    rec_free(r);
    return SX_EINTERNAL;
}

int app_audit(struct app_ctx *c, const char *action, const char *object_type, const char *object_id,
              const char *details)
{
    if (c->n_audit >= APP_MAX_AUDIT) {
        log_error("app: audit queue full at %s", action);
        return app_fail(c, SX_EINTERNAL, NULL, NULL);
    }
    if (rec_fill(&c->audit[c->n_audit], action, object_type, object_id, details, 1))
        return app_fail(c, SX_EINTERNAL, NULL, NULL);
    c->n_audit++;
    return SX_OK;
}

int app_audit_id(struct app_ctx *c, const char *action, const char *object_type, int64_t object_id,
                 const char *details)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)object_id);
    return app_audit(c, action, object_type, id, details);
}

int app_audit_json(struct app_ctx *c, const char *action, const char *object_type, int64_t object_id,
                   json_t *details)
{
    char *d = details ? json_dumps(details, JSON_COMPACT) : NULL;
    json_decref(details);
    if (details && !d) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    int rc = app_audit_id(c, action, object_type, object_id, d);
    free(d);
    return rc;
}

int app_audit_failure(struct app_ctx *c, const char *action, const char *object_type, const char *object_id,
                      const char *details)
{
    if (c->n_fail_audit >= (int)(sizeof c->fail_audit / sizeof c->fail_audit[0])) return SX_EINTERNAL;
    if (rec_fill(&c->fail_audit[c->n_fail_audit], action, object_type, object_id, details, 0)) return SX_EINTERNAL;
    c->n_fail_audit++;
    return SX_OK;
}

int app_fail(struct app_ctx *c, int code, const char *field, const char *msg)
{
    struct app_err *e = c->err;
    if (!e) return code;
    /* The first reason found is the one users read; a bare code may still get its words. */
    if (e->code && e->msg[0]) return code;
    e->code = code;
    if (field) snprintf(e->field, sizeof e->field, "%s", field);
    if (msg) snprintf(e->msg, sizeof e->msg, "%s", msg);
    return code;
}

int app_failf(struct app_ctx *c, int code, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return app_fail(c, code, field, msg);
}

void app_fail_extra(struct app_ctx *c, const char *key, json_t *value)
{
    if (!c->err || !value) {
        json_decref(value);
        return;
    }
    if (!c->err->extra) c->err->extra = json_object();
    json_object_set_new(c->err->extra, key, value);
}

const struct calendar *app_calendar(struct app_ctx *c)
{
    if (c->cal) return c->cal;
    if (!(c->cal = malloc(sizeof *c->cal))) {
        app_fail(c, SX_EINTERNAL, NULL, NULL);
        return NULL;
    }
    /* An unreadable table is an empty calendar (weekends only): deadlines stay computable. */
    if (st_calendar_load(c->db, c->cal)) calendar_init(c->cal);
    return c->cal;
}

const struct case_settings *app_case_settings(struct app_ctx *c)
{
    if (c->case_set) return c->case_set;
    if (!(c->case_set = malloc(sizeof *c->case_set))) {
        app_fail(c, SX_EINTERNAL, NULL, NULL);
        return NULL;
    }
    int rc = st_case_settings_get(c->db, c->case_set);
    if (rc) {
        free(c->case_set);
        c->case_set = NULL;
        app_fail(c, rc, NULL, NULL);
        return NULL;
    }
    return c->case_set;
}

static void forget_loaded(struct app_ctx *c)
{
    free(c->cal);
    free(c->case_set);
    c->cal = NULL;
    c->case_set = NULL;
}

void app_mark(struct app_ctx *c, unsigned marks)
{
    c->marks |= marks;
    if (marks & APP_MARK_DEADLINES) forget_loaded(c);
}

static void ctx_reset(struct app_ctx *c)
{
    forget_loaded(c);
    for (int i = 0; i < c->n_audit; i++) rec_free(&c->audit[i]);
    for (int i = 0; i < c->n_fail_audit; i++) rec_free(&c->fail_audit[i]);
    c->n_audit = c->n_fail_audit = 0;
    c->marks = 0;
}

static int append_all(struct db *db, const struct audit_ctx *who, struct app_audit_rec *recs, int n)
{
    for (int i = 0; i < n; i++) {
        int rc = st_audit_append(db, who, recs[i].action, recs[i].object_type, recs[i].object_id,
                                 recs[i].success, recs[i].details);
        if (rc) return rc;
    }
    return SX_OK;
}

/* One attempt: SX_OK committed, anything else rolled back. */
static int attempt(struct app_ctx *c, app_fn fn, void *arg)
{
    int rc = db_begin_write(c->db);
    if (rc) return rc;
    rc = fn(c, arg);
    if (!rc && (c->marks & APP_MARK_DEADLINES)) rc = app_deadlines_run(c);
    if (!rc) rc = append_all(c->db, c->who, c->audit, c->n_audit);
    if (rc) {
        db_rollback(c->db);
        return rc;
    }
    return db_commit(c->db);
}

static void backoff(int n)
{
    /* 2, 4, 8, 16 ms and a little noise, so two retrying writers do not meet again. */
    long ms = (2L << n) + (long)(rand() % 3);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int app_write(struct db *db, const struct audit_ctx *who, app_fn fn, void *arg, struct app_err *err)
{
    struct app_err local;
    memset(&local, 0, sizeof local);
    if (!err) err = &local;
    else memset(err, 0, sizeof *err); /* an output: the caller app_err_clear's it afterwards */
    struct app_ctx c;
    memset(&c, 0, sizeof c);
    c.db = db;
    c.who = who;
    c.err = err;
    int rc;
    for (;;) {
        rc = attempt(&c, fn, arg);
        if (rc != SX_ERETRY || c.attempt + 1 >= APP_MAX_ATTEMPTS) break;
        log_info("app: transaction given up by the database, run again (attempt %d)", c.attempt + 2);
        ctx_reset(&c);
        app_err_clear(err);
        backoff(c.attempt);
        c.attempt++;
    }
    if (rc && c.n_fail_audit) {
        /* The refusal itself is recorded (e.g. a failed login), in a transaction of its own. */
        int arc = db_begin_write(db);
        if (!arc) {
            arc = append_all(db, who, c.fail_audit, c.n_fail_audit);
            if (!arc) arc = db_commit(db);
            else db_rollback(db);
        }
        if (arc) log_error("app: the failure record could not be written (%d)", arc);
    }
    if (rc && err->code != rc) {
        /* The code returned is the answer; words recorded for another code do not describe it. */
        app_err_clear(err);
        err->code = rc;
    }
    ctx_reset(&c);
    if (err == &local) app_err_clear(&local);
    return rc;
}
