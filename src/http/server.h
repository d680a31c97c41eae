/* The HTTP server: libmicrohttpd with epoll and an internal thread pool. */
#ifndef SX_SERVER_H
#define SX_SERVER_H
#include <stddef.h>

struct server_opts {
    const char *listen;     /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
    int workers;            /* threads in the pool */
    size_t body_limit;      /* bytes */
    const char *tls_cert;   /* PEM files; both or neither */
    const char *tls_key;
    int trust_proxy;        /* take client address and scheme from X-Forwarded-* */
    int login_rate;         /* login attempts per minute per source address */
    const char *access_log; /* file, "-" for stdout, "off" */
    int shutdown_grace;     /* seconds to let in-flight requests finish */
    int header_timeout;     /* seconds to receive a request's headers (408 after) */
    int body_timeout;       /* seconds to receive a body, plus time for its declared length */
    int max_conns_per_ip;   /* connections at once from one client address; 0: no limit */
};

/* Runs until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish and
 * returns 0 (or 1 when the server could not start). */
int server_run(const struct server_opts *o);
size_t server_body_limit(void);
int server_login_rate(void);
#endif
