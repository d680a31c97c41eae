/* The route table. Every API file declares its routes as a NULL-terminated array; routes.c lists
 * the arrays. Each route names the permission it needs (perm.h), checked before the handler. */
#ifndef SX_ROUTER_H
#define SX_ROUTER_H
#include "req.h"
#include <stdio.h>

typedef int (*handler_fn)(struct req *r);

enum route_flags {
    RF_PWCHANGE_OK = 1, /* reachable while the user must change the password */
    RF_UPLOAD = 2,      /* the body is raw bytes (any type) up to SX_UPLOAD_LIMIT, not JSON */
};
/* Largest upload body (attachments). */
#define SX_UPLOAD_LIMIT (10u << 20)
/* Largest body read before the request is authenticated and the route's permission checked: a
 * larger one (declared, or chunked) is refused at the headers unless the caller may send it, and a
 * public route never takes more. */
#define SX_PREAUTH_LIMIT (64u << 10)

struct route {
    int method;          /* one http_method */
    const char *pattern; /* "/api/v1/regions/{id}" */
    int perm;            /* enum perm, P_PUBLIC or P_AUTHENTICATED */
    handler_fn fn;
    unsigned flags;
    const char *summary; /* Chinese, for the route listing */
};

extern const struct route *const route_tables[];

/* Finds the route for method + path, filling r->params. NULL when none; then *allow has the
 * methods the path does accept (0: no such path). */
const struct route *router_match(struct req *r, const char *path, int method, int *allow);
/* Writes "METHOD PATTERN PERMISSION" lines for every route (sixia routes). */
void router_print(FILE *f);
const char *method_name(int m);
#endif
