/* Store interface: role (see store.h for conventions). */
#ifndef SX_ST_ROLE_H
#define SX_ST_ROLE_H
#include "store.h"

/* has_*: the field was given (update keeps what is absent). */
struct role_in {
    const char *code, *name;
    uint64_t perms;
    int64_t data_scope;
    const int64_t *scope_units;
    size_t nscope;
    int has_code, has_perms, has_scope, has_scope_units;
};
int st_role_list(struct db *db, const struct paging *pg, json_t **items, int64_t *total);
int st_role_get(struct db *db, int64_t id, json_t **out);
/* SX_ESOD when the permissions mix administrator classes (or would for a holder, or give a live
 * token of the role administrator permissions: field "tokens"); SX_EVALIDATION with field
 * "tokens_personal" when a live token would gain personal-data permissions; SX_ECONFLICT for
 * fixed parts of built-in roles; field on validation errors. */
int st_role_create(struct db *db, const struct audit_ctx *a, const struct role_in *in, int64_t *id,
                   const char **field);
int st_role_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                   const struct role_in *in, const char **field);
/* SX_ECONFLICT for a built-in role, SX_EREFERENCED while users or tokens hold it. */
int st_role_delete(struct db *db, const struct audit_ctx *a, int64_t id);
/* Permission mask of one role (SX_ENOTFOUND when no such role). */
int st_role_perms(struct db *db, int64_t id, uint64_t *mask);
#endif
