/* Store interface: unit (see store.h for conventions). */
#ifndef SX_ST_UNIT_H
#define SX_ST_UNIT_H
#include "store.h"

struct unit_filter {
    int64_t parent_id; /* -1: any, 0: roots */
    int64_t region_id; /* 0: any */
    const char *kind;  /* NULL: any */
    const char *org_type; /* NULL: any */
};
struct unit_in {
    const char *code; /* NULL: none */
    const char *name, *kind;
    const char *org_type; /* "" | politics_law (政法机关) | discipline (纪检监察机关) */
    int64_t parent_id, region_id, sort;
};
int st_unit_list(struct db *db, const struct unit_filter *f, const struct paging *pg, json_t **items,
                 int64_t *total);
/* Every unit ordered for the tree view. */
int st_unit_all(struct db *db, json_t **items);
int st_unit_get(struct db *db, int64_t id, json_t **out);
/* On SX_EVALIDATION / SX_EDUPLICATE *field names the offending field. */
int st_unit_create(struct db *db, const struct audit_ctx *a, const struct unit_in *in, json_t **out,
                   const char **field);
int st_unit_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                   const struct unit_in *in, json_t **out, const char **field);
/* SX_EREFERENCED with *what = "children", "users", "cadres" or "roles" (or NULL: other rows). */
int st_unit_delete(struct db *db, const struct audit_ctx *a, int64_t id, const char **what);
/* *ok = 1 when the unit exists and lies inside the data scope (for scope 5 "self": the user's
 * own unit). */
int st_unit_in_scope(struct db *db, const struct scope *sc, int64_t unit_id, int *ok);
int st_unit_count(struct db *db, int64_t *n);
#endif
