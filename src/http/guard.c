/* Connection guard (guard.h). Every connection is tracked from accept to close in one list under
 * one mutex, with the deadline of its current phase:
 *
 *   HEADERS  from accept (or, on a kept-alive connection, from the next request line) until the
 *            headers are complete: header_ms
 *   BODY     until the body is complete: body_ms plus the declared length at GUARD_BODY_MIN_RATE
 *   ANSWER   the handler runs and the answer is sent: no deadline (the idle timeout of
 *            libmicrohttpd covers a client that stops reading)
 *   IDLE     between requests: the next request line must arrive within idle_ms
 *
 * A janitor thread looks at the list four times a second. A connection past its deadline in
 * HEADERS or BODY gets a 408 with the usual JSON error written straight to the socket (plain HTTP
 * only: nothing else writes to it in those phases, and a TLS record cannot be written from here),
 * then the socket is shut down, which makes libmicrohttpd see the end of the stream and close the
 * connection from its own thread. The list entry stays valid until MHD_CONNECTION_NOTIFY_CLOSED,
 * which libmicrohttpd calls before it closes the descriptor, so a shutdown under the mutex never
 * reaches a reused descriptor. */
#include "guard.h"
#include "../util/err.h"
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum guard_phase { PH_HEADERS, PH_BODY, PH_ANSWER, PH_IDLE, PH_ENDED };

struct guard_conn {
    struct guard_conn *prev, *next;
    MHD_socket fd;
    enum guard_phase phase;
    int64_t deadline_ms;
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake; /* signalled to stop the janitor */
    struct guard_conn list; /* sentinel of a circular list */
    struct guard_opts o;
    pthread_t thread;
    int running, stopping;
    char *resp408; /* the whole 408 answer, status line to body */
    size_t resp408_len;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct guard_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Builds the 408 answer once: same error body and security headers as every other answer. */
static int build_408(void)
{
    json_t *e = json_pack("{s:{s:s,s:s,s:n}}", "error", "code", err_code(SX_ETIMEOUT), "message",
                          err_message(SX_ETIMEOUT), "field");
    char *body = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    if (!body) return -1;
    const char *fmt = "HTTP/1.1 408 Request Timeout\r\n"
                      "Connection: close\r\n"
                      "Content-Type: application/json; charset=utf-8\r\n"
                      "Cache-Control: no-store\r\n"
                      "X-Content-Type-Options: nosniff\r\n"
                      "X-Frame-Options: DENY\r\n"
                      "Referrer-Policy: no-referrer\r\n"
                      "Content-Length: %zu\r\n\r\n%s";
    int n = snprintf(NULL, 0, fmt, strlen(body), body);
    g.resp408 = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (g.resp408) {
        snprintf(g.resp408, (size_t)n + 1, fmt, strlen(body), body);
        g.resp408_len = (size_t)n;
    }
    free(body);
    return g.resp408 ? 0 : -1;
}

/* Ends gc's connection. Caller holds g.mu. */
static void end_locked(struct guard_conn *gc)
{
    if ((gc->phase == PH_HEADERS || gc->phase == PH_BODY) && !g.o.tls && g.resp408) {
        /* Best effort: a full send buffer only means the client does not read either. */
        ssize_t w = send(gc->fd, g.resp408, g.resp408_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)w;
    }
    shutdown(gc->fd, SHUT_RDWR);
    gc->phase = PH_ENDED;
}

static void *janitor_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g.mu);
    while (!g.stopping) {
        int64_t now = now_ms();
        for (struct guard_conn *gc = g.list.next; gc != &g.list; gc = gc->next)
            if (gc->phase != PH_ANSWER && gc->phase != PH_ENDED && now >= gc->deadline_ms) end_locked(gc);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&g.wake, &g.mu, &until);
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

int guard_start(const struct guard_opts *o)
{
    g.o = *o;
    g.list.next = g.list.prev = &g.list;
    g.stopping = 0;
    if (build_408()) return -1;
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_destroy(&g.wake);
    pthread_cond_init(&g.wake, &a);
    pthread_condattr_destroy(&a);
    if (pthread_create(&g.thread, NULL, janitor_main, NULL) != 0) {
        free(g.resp408);
        g.resp408 = NULL;
        return -1;
    }
    g.running = 1;
    return 0;
}

void guard_stop(void)
{
    if (!g.running) return;
    pthread_mutex_lock(&g.mu);
    g.stopping = 1;
    pthread_cond_signal(&g.wake);
    pthread_mutex_unlock(&g.mu);
    pthread_join(g.thread, NULL);
    g.running = 0;
    free(g.resp408);
    g.resp408 = NULL;
}

void guard_notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct guard_conn *gc = ci ? calloc(1, sizeof *gc) : NULL;
        *socket_context = gc;
        if (!gc) return; /* untracked: only the idle timeout applies */
        gc->fd = ci->connect_fd;
        gc->phase = PH_HEADERS;
        pthread_mutex_lock(&g.mu);
        gc->deadline_ms = now_ms() + g.o.header_ms;
        gc->next = g.list.next;
        gc->prev = &g.list;
        g.list.next->prev = gc;
        g.list.next = gc;
        pthread_mutex_unlock(&g.mu);
        return;
    }
    struct guard_conn *gc = *socket_context;
    if (!gc) return;
    pthread_mutex_lock(&g.mu);
    gc->prev->next = gc->next;
    gc->next->prev = gc->prev;
    pthread_mutex_unlock(&g.mu);
    free(gc);
    *socket_context = NULL;
}

void *guard_request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)uri;
    struct guard_conn *gc = conn_of(c);
    if (!gc) return NULL;
    pthread_mutex_lock(&g.mu);
    /* The first request's headers count from accept; a later one's from its request line. */
    if (gc->phase == PH_IDLE) {
        gc->phase = PH_HEADERS;
        gc->deadline_ms = now_ms() + g.o.header_ms;
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

int guard_headers_done(struct MHD_Connection *c, int64_t declared_len)
{
    struct guard_conn *gc = conn_of(c);
    if (!gc) return 0;
    int rc = 0;
    pthread_mutex_lock(&g.mu);
    if (gc->phase == PH_ENDED) {
        rc = -1;
    } else {
        gc->phase = PH_BODY;
        gc->deadline_ms = now_ms() + g.o.body_ms;
        if (declared_len > 0) gc->deadline_ms += declared_len * 1000 / GUARD_BODY_MIN_RATE;
    }
    pthread_mutex_unlock(&g.mu);
    return rc;
}

int guard_body_progress(struct MHD_Connection *c)
{
    struct guard_conn *gc = conn_of(c);
    if (!gc) return 0;
    int rc = 0;
    pthread_mutex_lock(&g.mu);
    if (gc->phase == PH_BODY && now_ms() >= gc->deadline_ms) end_locked(gc);
    if (gc->phase == PH_ENDED) rc = -1;
    pthread_mutex_unlock(&g.mu);
    return rc;
}

int guard_answering(struct MHD_Connection *c)
{
    struct guard_conn *gc = conn_of(c);
    if (!gc) return 0;
    int rc = 0;
    pthread_mutex_lock(&g.mu);
    if (gc->phase == PH_ENDED) rc = -1;
    else gc->phase = PH_ANSWER;
    pthread_mutex_unlock(&g.mu);
    return rc;
}

void guard_request_done(struct MHD_Connection *c)
{
    struct guard_conn *gc = conn_of(c);
    if (!gc) return;
    pthread_mutex_lock(&g.mu);
    if (gc->phase != PH_ENDED) {
        gc->phase = PH_IDLE;
        gc->deadline_ms = now_ms() + g.o.idle_ms;
    }
    pthread_mutex_unlock(&g.mu);
}

int guard_ended(struct MHD_Connection *c)
{
    struct guard_conn *gc = conn_of(c);
    if (!gc) return 0;
    pthread_mutex_lock(&g.mu);
    int ended = gc->phase == PH_ENDED;
    pthread_mutex_unlock(&g.mu);
    return ended;
}
