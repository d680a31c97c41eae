/* Store interface: user (see store.h for conventions). */
#ifndef SX_ST_USER_H
#define SX_ST_USER_H
#include "store.h"

struct user_filter {
    int64_t unit_id, role_id; /* 0: any */
    const char *status;       /* NULL, "active" or "disabled" */
};
/* has_*: the field was given; cadre_id 0 with has_cadre clears it. */
struct user_in {
    const char *username, *display_name, *password_hash;
    int64_t unit_id, cadre_id;
    int has_display_name, has_unit, has_cadre;
};
/* List, count and detail apply the data scope sc (out of scope → SX_ENOTFOUND) and show people
 * only: an API token's integration account is not found here. locked/locked_until tell of
 * login locks the account has at any address. */
int st_user_list(struct db *db, const struct scope *sc, const struct user_filter *f, const struct paging *pg,
                 json_t **items, int64_t *total);
int st_user_get(struct db *db, const struct scope *sc, int64_t id, json_t **out);
/* field names the offending input on SX_EVALIDATION / SX_EDUPLICATE. */
int st_user_create(struct db *db, const struct audit_ctx *a, const struct user_in *in, int64_t *id,
                   const char **field);
int st_user_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                   const struct user_in *in, const char **field);
/* USER_UNLOCK ends the account's login locks at every address. */
enum user_op { USER_DISABLE, USER_ENABLE, USER_UNLOCK };
int st_user_op(struct db *db, const struct audit_ctx *a, int64_t id, enum user_op op);
/* New password the user must change at next login; ends the user's sessions and login locks. */
int st_user_reset_password(struct db *db, const struct audit_ctx *a, int64_t id, const char *hash);
/* Replaces the user's roles. SX_EVALIDATION (field role_ids) for an unknown role, SX_ESOD when
 * the union of the roles' permissions mixes administrator classes. (Tokens are never bound to
 * people: they act as integration accounts, st_token.h.) */
int st_user_set_roles(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                      const int64_t *role_ids, size_t n, const char **field);
#endif
