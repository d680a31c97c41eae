/* The deadline registry (app.h): modules that keep deadlines register here; a change of the
 * calendar or of the deadline settings recomputes them in bounded batches. Where a pending
 * recomputation stands is a setting ("deadlines.pending" = "<module index>:<last id>"), so a
 * restart picks it up again. */
#include "app.h"
#include "../util/err.h"
#include "../util/log.h"
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

extern const struct app_deadlines case_deadlines;

static const struct app_deadlines *const modules[] = {
    &case_deadlines,
};
#define N_MODULES ((int)(sizeof modules / sizeof modules[0]))

#define PENDING_KEY ST_DEADLINES_PENDING_KEY

/* The test build lets a test shrink the batches (and stop the worker) so a few demo cases
 * show what a large database does: SIXIA_TEST_DEADLINE_INLINE, SIXIA_TEST_DEADLINE_BATCH,
 * SIXIA_TEST_DEADLINE_WORKER=0. The release build never reads them. */
static int tuned(const char *name, int dflt)
{
#ifdef SX_TEST_HOOKS
    const char *v = getenv(name);
    if (v && *v) {
        long n = strtol(v, NULL, 10);
        if (n >= 0 && n <= 1000000) return (int)n;
    }
#else
    (void)name;
#endif
    return dflt;
}
#define INLINE_ROWS tuned("SIXIA_TEST_DEADLINE_INLINE", APP_DEADLINE_INLINE)
static int batch_rows(void)
{
    int n = tuned("SIXIA_TEST_DEADLINE_BATCH", APP_DEADLINE_BATCH);
    return n > 0 ? n : 1;
}
#define BATCH_ROWS batch_rows()

static int pending_save(struct db *db, int module, int64_t cursor)
{
    char v[48] = "";
    if (module < N_MODULES) snprintf(v, sizeof v, "%d:%" PRId64, module, cursor);
    return st_setting_set(db, PENDING_KEY, v);
}

/* *pending = 1 and (module, cursor) where the recomputation stands, or *pending = 0. */
static int pending_load(struct db *db, int *pending, int *module, int64_t *cursor)
{
    char v[48];
    *pending = 0;
    int rc = st_setting_get(db, PENDING_KEY, v, sizeof v);
    if (rc == SX_ENOTFOUND || (!rc && !v[0])) return SX_OK;
    if (rc) return rc;
    long long cur;
    if (sscanf(v, "%d:%lld", module, &cur) != 2 || *module < 0 || *module >= N_MODULES || cur < 0) {
        log_error("deadlines: unreadable pending state \"%s\", starting over", v);
        *module = 0;
        cur = 0;
    }
    *cursor = cur;
    *pending = 1;
    return SX_OK;
}

/* Runs up to budget rows from (module, cursor) on; saves where it stopped. */
static int run_from(struct app_ctx *c, int module, int64_t cursor, int budget)
{
    while (module < N_MODULES) {
        int more = 1;
        while (more) {
            if (budget <= 0) return pending_save(c->db, module, cursor);
            int batch = BATCH_ROWS, lim = budget < batch ? budget : batch;
            int rc = modules[module]->recompute(c, &cursor, lim, &more);
            if (rc) return rc;
            budget -= lim;
        }
        module++;
        cursor = 0;
    }
    return pending_save(c->db, N_MODULES, 0);
}

int app_deadlines_run(struct app_ctx *c)
{
    /* Everything starts over: rows done by an earlier pending run used the old calendar. */
    return run_from(c, 0, 0, INLINE_ROWS);
}

struct work_arg {
    int left;
};

static int work_batch(struct app_ctx *c, void *arg)
{
    struct work_arg *w = arg;
    int pending, module = 0;
    int64_t cursor = 0;
    int rc = pending_load(c->db, &pending, &module, &cursor);
    if (rc || !pending) {
        w->left = 0;
        return rc;
    }
    if ((rc = run_from(c, module, cursor, BATCH_ROWS))) return rc;
    if ((rc = pending_load(c->db, &pending, &module, &cursor))) return rc;
    w->left = pending;
    return SX_OK;
}

int app_deadlines_work(struct db *db, int max_batches, int *left)
{
    static const struct audit_ctx system = {.username = "system"};
    struct work_arg w = {1};
    /* A read first: nothing pending (the usual case) takes no write lock. */
    int module;
    int64_t cursor;
    int rc = pending_load(db, &w.left, &module, &cursor);
    for (int i = 0; i < max_batches && w.left && !rc; i++) rc = app_write(db, &system, work_batch, &w, NULL);
    *left = w.left;
    return rc;
}

/* ---- the background worker ---- */

static pthread_t worker;
static pthread_mutex_t worker_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t worker_cv = PTHREAD_COND_INITIALIZER;
static int worker_running;

static void *worker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&worker_mu);
    while (worker_running) {
        pthread_mutex_unlock(&worker_mu);
        int left = 0;
        /* A few batches, then the lock goes back to the requests for a while. */
        int rc = app_deadlines_work(store_db(), 4, &left);
        if (rc) log_error("deadlines: background recomputation failed (%d)", rc);
        pthread_mutex_lock(&worker_mu);
        if (!worker_running) break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        if (left && !rc) until.tv_nsec += 20 * 1000000L;
        else until.tv_sec += 1;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&worker_cv, &worker_mu, &until);
    }
    pthread_mutex_unlock(&worker_mu);
    return NULL;
}

void app_worker_start(void)
{
    if (!tuned("SIXIA_TEST_DEADLINE_WORKER", 1)) return;
    pthread_mutex_lock(&worker_mu);
    if (!worker_running) {
        worker_running = 1;
        if (pthread_create(&worker, NULL, worker_main, NULL) != 0) {
            worker_running = 0;
            log_error("deadlines: the background worker could not start");
        }
    }
    pthread_mutex_unlock(&worker_mu);
}

void app_worker_stop(void)
{
    pthread_mutex_lock(&worker_mu);
    int was = worker_running;
    worker_running = 0;
    pthread_cond_signal(&worker_cv);
    pthread_mutex_unlock(&worker_mu);
    if (was) pthread_join(worker, NULL);
}
