/* Store interface: token (see store.h for conventions). */
#ifndef SX_ST_TOKEN_H
#define SX_ST_TOKEN_H
#include "store.h"

struct token_in {
    const char *name, *hash, *prefix;
    int64_t user_id, role_id, expires_days; /* 0: never expires */
};
int st_token_list(struct db *db, const struct paging *pg, json_t **items, int64_t *total);
int st_token_get_json(struct db *db, int64_t id, json_t **out);
/* SX_EVALIDATION with field for unknown user/role or a role the user does not hold; SX_ESOD
 * when the role carries administrator permissions; SX_ECONFLICT for a disabled user. */
int st_token_create(struct db *db, const struct audit_ctx *a, const struct token_in *in, int64_t *id,
                    const char **field);
/* SX_ENOTFOUND unknown, SX_ECONFLICT already revoked. */
int st_token_revoke(struct db *db, const struct audit_ctx *a, int64_t id);
#endif
