/* One HTTP request as handlers see it: input (method, path params, query, JSON body), the
 * authenticated principal, a request-scoped arena, and the answer being built. */
#ifndef SX_REQ_H
#define SX_REQ_H
#include "../store/store.h"
#include "../util/arena.h"
#include "../util/err.h"
#include <jansson.h>
#include <stdint.h>
#include <time.h>

struct MHD_Connection;

enum http_method { M_GET = 1, M_POST = 2, M_PUT = 4, M_DELETE = 8, M_PATCH = 16, M_HEAD = 32, M_OTHER = 64 };

struct principal {
    int64_t user_id;
    int64_t token_id; /* > 0 when authenticated with a bearer token */
    int64_t unit_id;
    char username[200]; /* an integration account's is "token:" and the token's name */
    uint64_t perms;
    struct scope scope;
    int must_change; /* first login or reset: only password change allowed */
    int password_expired;
    char csrf[65];
    char session_hash[65];
};

struct hdr {
    const char *name, *value;
    struct hdr *next;
};

struct req {
    struct MHD_Connection *conn;
    struct arena arena;
    int method;
    const char *method_name;
    const char *path;
    const char *params[4]; /* values of {placeholders} in the route, in order */
    int nparams;
    const struct route *route;
    char rid[33];
    char ip[64];
    int https;
    struct timespec started;

    /* body */
    char *body;
    size_t body_len, body_cap;
    int body_too_large;
    json_t *json;

    /* who */
    int authenticated;
    struct principal who;

    /* answer */
    int status;
    char *resp_body; /* malloc'd, freed with the request */
    size_t resp_len;
    const char *resp_ctype;
    struct hdr *headers;
    int responded;

    /* error details */
    int err;
    const char *err_field;
    const char *err_msg;
    json_t *err_extra; /* more members of the error object (e.g. "allowed"); owned, may be NULL */
    size_t body_limit; /* bytes accepted for this request's body */
};

/* Record an error; returns code so handlers can `return req_fail(...)`. field/msg may be NULL
 * (msg NULL uses the table's message). Strings must outlive the request (literals or arena). */
int req_fail(struct req *r, int code, const char *field, const char *msg);
/* Takes ownership of body (a JSON value); status 200/201. */
int reply_json(struct req *r, int status, json_t *body);
int reply_empty(struct req *r, int status);
/* Takes ownership of data (malloc'd). */
int reply_bytes(struct req *r, int status, const char *ctype, char *data, size_t len);
void req_add_header(struct req *r, const char *name, const char *value);

/* Header / query / cookie lookups; NULL when absent. Query values are UTF-8 checked by the
 * dispatcher before handlers run. */
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);

/* Path parameter i as a positive id; fails the request with 404 when it is not one. */
int req_param_id(struct req *r, int i, int64_t *out);
/* Query integer in [min,max], default when absent; 400 bad_query naming the field otherwise. */
int req_query_int(struct req *r, const char *name, int64_t dflt, int64_t min, int64_t max, int64_t *out);
/* page/page_size into a paging struct (page_size ≤ 200). */
int req_paging(struct req *r, struct paging *pg);
/* Checks the body against spec (422 with the field on failure). */
int req_check_body(struct req *r, const struct jv_field *spec, size_t n);
/* Optimistic concurrency: expected version from If-Match ("3" or 3) or body "version".
 * 428 when neither is given. */
int req_expected_version(struct req *r, int64_t *out, int *from_header);
/* Maps a store version mismatch to 412 (If-Match) or 409 (body version). */
int req_version_mismatch(struct req *r, int from_header);
/* Per-thread database connection. */
struct db *req_db(struct req *r);
/* Audit context for writes made by this request. */
void req_audit_ctx(struct req *r, struct audit_ctx *ctx);
#endif
