/* Store interface: bulk loading (demo data, CSV import) and the command-line account tools
 * (see store.h for conventions). */
#ifndef SX_ST_DEMO_H
#define SX_ST_DEMO_H
#include "store.h"

/* ---- bulk loading: inside the caller's write transaction and without audit records of
 * their own (the caller writes one record for the whole load). ---- */

/* *empty = 1 when the database holds no users, units and regions (fresh or only migrated). */
int st_load_is_empty(struct db *db, int *empty);
/* A region under parent_id (0: root); its level must be the parent's plus one
 * (SX_EVALIDATION otherwise). SX_EDUPLICATE when the code exists. */
int st_load_region(struct db *db, const char *code, const char *name, int64_t level, int64_t parent_id,
                   int64_t *id);
/* A unit (kind: government, department, office, township) under parent_id (0: root). */
int st_load_unit(struct db *db, const char *code, const char *name, const char *kind, int64_t parent_id,
                 int64_t region_id, int64_t *id);
/* A cadre with its expertise tags (ntags entries, duplicates ignored). */
int st_load_cadre(struct db *db, const char *name, int64_t unit_id, const char *title, int is_leader,
                  const char *const *tags, size_t ntags, int64_t *id);
/* Lookups by code: SX_ENOTFOUND when absent. level may be NULL. */
int st_load_region_by_code(struct db *db, const char *code, int64_t *id, int64_t *level);
int st_load_unit_by_code(struct db *db, const char *code, int64_t *id);
/* Marks a unit as an organ cases are routed to (CASE_ORG_POLITICS_LAW, CASE_ORG_DISCIPLINE). */
int st_load_unit_org_type(struct db *db, int64_t id, const char *org_type);
/* SX_OK when the dictionary type has an enabled item with this label, else SX_ENOTFOUND. */
int st_load_dict_label(struct db *db, const char *type, const char *label);

/* ---- demo petition data (sixia demo --with-cases): own write transactions. ---- */
/* A published one-day reception plan with one day (the first leader cadre receives). */
int st_demo_reception_day(struct db *db, const char *plan_name, const char *day, int64_t county_id,
                          int64_t unit_id, const char *place, int64_t *day_id);
int st_demo_user_id(struct db *db, const char *username, int64_t *id, int64_t *unit_id);

/* ---- command-line account management (sixia user; disable, enable and reset-password use
 * st_user_op / st_user_reset_password of st_user.h). ---- */

/* SX_ENOTFOUND when there is no such unit / role. */
int st_cli_unit_exists(struct db *db, int64_t unit_id);
/* The permission bits of a role (perm.h) by its code. */
int st_cli_role_perms(struct db *db, const char *code, uint64_t *perms);
/* Creates a user with roles by code (NULL-terminated). SX_EDUPLICATE when the name is taken. */
int st_cli_user_add(struct db *db, const struct audit_ctx *a, const char *username, const char *display_name,
                    int64_t unit_id, const char *password_hash, int must_change, const char *const *roles,
                    int64_t *id);
/* Every user: [{id, username, display_name, unit_name, status, must_change_password, locked_until,
 * roles:[code..]}] ordered by id. */
int st_cli_user_list(struct db *db, json_t **out);
#endif
