/* Total time limits on receiving a request. libmicrohttpd 0.9.75 has only an idle timeout, which a
 * client that sends a byte now and then never trips; the guard tracks every connection from
 * accept to close with a deadline for the phase it is in and ends the ones that overstay. */
#ifndef SX_GUARD_H
#define SX_GUARD_H
#include <microhttpd.h>
#include <stdint.h>

struct guard_opts {
    int header_ms; /* accept (or the next request line on a kept-alive connection) → headers complete */
    int body_ms;   /* headers complete → body complete, plus body_min_rate time for a declared length */
    int idle_ms;   /* end of an answer → the next request line on a kept-alive connection */
    int tls;       /* the socket carries TLS: a connection is ended without a written 408 */
};
/* Bytes per second a declared body may be sent at and still arrive in time (512 kbit/s). */
#define GUARD_BODY_MIN_RATE (64 * 1024)

/* Starts the janitor thread. 0, or -1 when the thread cannot be started. */
int guard_start(const struct guard_opts *o);
/* Stops the janitor (after MHD_stop_daemon: every tracked connection is gone by then). */
void guard_stop(void);

/* libmicrohttpd callbacks: MHD_OPTION_NOTIFY_CONNECTION and MHD_OPTION_URI_LOG_CALLBACK (which
 * returns NULL: it only marks that a request line arrived). */
void guard_notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode code);
void *guard_request_line(void *cls, const char *uri, struct MHD_Connection *c);

/* Phase changes, called from the connection's own thread. Each returns 0, or -1 when the guard
 * has already ended the connection (the caller then returns MHD_NO and answers nothing). */
/* Headers complete: the body (declared_len bytes, -1 unknown) must arrive within its limit. */
int guard_headers_done(struct MHD_Connection *c, int64_t declared_len);
/* A piece of the body arrived: -1 also when the body's time is up (the connection is ended, with
 * a 408 where the protocol allows). */
int guard_body_progress(struct MHD_Connection *c);
/* The answer is about to be queued: from here on the guard writes nothing to the socket. */
int guard_answering(struct MHD_Connection *c);
/* The request is finished (MHD_OPTION_NOTIFY_COMPLETED): the connection idles until the next one. */
void guard_request_done(struct MHD_Connection *c);
/* 1 when the guard ended this connection (for the access log's status). */
int guard_ended(struct MHD_Connection *c);
#endif
