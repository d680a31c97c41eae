/* Store interface: token (see store.h for conventions). */
#ifndef SX_ST_TOKEN_H
#define SX_ST_TOKEN_H
#include "store.h"

/* A new token and its integration account (集成账号): username "token:<name>", in unit_id,
 * acting through role_id only. */
struct token_in {
    const char *name, *hash, *prefix;
    int64_t unit_id, role_id, expires_days; /* expires_days > 0: the caller applies the policy */
};
int st_token_list(struct db *db, const struct paging *pg, json_t **items, int64_t *total);
int st_token_get_json(struct db *db, int64_t id, json_t **out);
/* Creates the integration account and the token in one transaction. *field names the input at
 * fault: SX_ENOTFOUND for an unknown unit_id or role_id; SX_ESOD when the role carries
 * administrator permissions (三员分立); SX_EVALIDATION (role_id) when it carries personal-data
 * permissions (PERM_TOKEN_PERSONAL); SX_EDUPLICATE (name) when an account of that name exists —
 * a name is never reused, not even after its token is revoked, so it names one token forever. */
int st_token_create(struct db *db, const struct audit_ctx *a, const struct token_in *in, int64_t *id,
                    const char **field);
/* Revokes the token and disables its integration account. SX_ENOTFOUND unknown, SX_ECONFLICT
 * already revoked. */
int st_token_revoke(struct db *db, const struct audit_ctx *a, int64_t id);
#endif
