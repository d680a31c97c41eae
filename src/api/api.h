/* Shared declarations of the API handlers (one file per resource). */
#ifndef SX_API_H
#define SX_API_H
#include "../domain/perm.h"
#include "../http/auth.h"
#include "../http/router.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ROUTES_END {0, NULL, 0, NULL, 0, NULL}

extern const struct route health_routes[], auth_routes[], region_routes[], unit_routes[],
    cadre_routes[], dict_routes[], user_routes[], role_routes[], token_routes[], audit_routes[],
    settings_routes[], stats_routes[], holiday_routes[], reception_routes[], case_routes[],
    case_extra_routes[], public_routes[];

/* Petition cases (cases.c), shared with case_extra.c and public.c. */
struct case_viewer;
struct case_filter;
struct case_petitioner_in;
int case_viewer_of(struct req *r, struct case_viewer *v);
/* The list filters of the query string (status, county_id, …) into f; 400 on a bad value. */
int case_read_filter(struct req *r, struct case_filter *f);
/* Validates the "petitioners" array (names, GB 11643 ID numbers, phones, representatives). */
int case_read_petitioners(struct req *r, json_t *arr, struct case_petitioner_in *pets, int *n, int max_reps);

/* Fails the request with rc unless it is 0; for store results. A store's SX_EBADQUERY means
 * a sort field outside its whitelist. */
static inline int api_rc(struct req *r, int rc)
{
    if (rc == SX_EBADQUERY && !r->err_field) return req_fail(r, rc, "sort", "不支持的排序字段");
    return rc ? req_fail(r, rc, r->err_field, r->err_msg) : 0;
}
/* Fails the request with what a use case refused with (app.h): code, field, Chinese message and
 * the extra members of the error object. Returns the code. */
struct app_err;
struct app_ctx;
int api_app_fail(struct req *r, const struct app_err *e);
/* Runs a use case as the caller (app_write) and fails the request with its refusal: a stale
 * version answers through req_version_mismatch (412 for If-Match, 409 for a body version).
 * 0 when committed; the caller then answers. */
int api_write(struct req *r, int (*fn)(struct app_ctx *c, void *arg), void *arg, int from_header);
/* Adds ETag: "<version>" from obj's "version" and replies 200 (or status). */
int api_reply_record(struct req *r, int status, json_t *obj);
/* Replies with JSON text made by the store (takes ownership); an ETag when version > 0. */
int api_reply_text(struct req *r, int status, char *json, int64_t version);
/* {"items": items, "total": total, "page": .., "page_size": ..} */
int api_reply_page(struct req *r, json_t *items, int64_t total, const struct paging *pg);
/* "12" → object id text for the audit log (arena). */
const char *api_id_text(struct req *r, int64_t id);
#endif
