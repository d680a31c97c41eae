/* Store interface: cadre (see store.h for conventions). Every read and write here applies the
 * caller's data scope; rows outside it behave as absent (SX_ENOTFOUND). */
#ifndef SX_ST_CADRE_H
#define SX_ST_CADRE_H
#include "store.h"

struct cadre_filter {
    int64_t unit_id;   /* 0: any */
    const char *tag;   /* NULL: any */
    int64_t is_leader; /* -1: any, 0/1 */
};
struct cadre_in {
    const char *name, *title;
    int64_t unit_id;
    int is_leader;
    json_t *tags; /* array of strings; NULL on update: keep the current tags */
};
/* Cadre reads are the hottest path: SQLite writes the JSON itself (json_object), so the text
 * goes to the client as it is. *out is malloc'd. */
/* {"items":[..],"total":N,"page":P,"page_size":S} */
int st_cadre_list(struct db *db, const struct scope *sc, const struct cadre_filter *f, const struct paging *pg,
                  char **out);
/* Rows matching the filter and keyword inside the scope. */
int st_cadre_count(struct db *db, const struct scope *sc, const struct cadre_filter *f, const char *keyword,
                   int64_t *total);
/* One cadre as JSON text with its version (for the ETag). */
int st_cadre_get_text(struct db *db, const struct scope *sc, int64_t id, char **out, int64_t *version);
/* The same, decoded. */
int st_cadre_get(struct db *db, const struct scope *sc, int64_t id, json_t **out);
/* SX_EVALIDATION with *field "unit_id" (absent or outside the scope) or "tags" (not an enabled
 * expertise_tag label; *bad_tag names it, pointing into in->tags). */
int st_cadre_create(struct db *db, const struct audit_ctx *a, const struct scope *sc, const struct cadre_in *in,
                    json_t **out, const char **field, const char **bad_tag);
int st_cadre_update(struct db *db, const struct audit_ctx *a, const struct scope *sc, int64_t id, int64_t version,
                    const struct cadre_in *in, json_t **out, const char **field, const char **bad_tag);
int st_cadre_delete(struct db *db, const struct audit_ctx *a, const struct scope *sc, int64_t id);

/* Export: one call of fn per row (filtered, scoped, ordered like the list), at most cap rows. */
struct cadre_row {
    int64_t id, is_leader;
    const char *name, *unit_name, *title, *tags; /* tags joined with "、" */
};
int st_cadre_each(struct db *db, const struct scope *sc, const struct cadre_filter *f, const char *keyword,
                  int64_t cap, int (*fn)(const struct cadre_row *row, void *arg), void *arg, int64_t *count);
/* {total, leaders, by_tag:[{tag,count}], by_unit:[{unit_id,unit_name,count}]} inside the scope. */
int st_cadre_stats(struct db *db, const struct scope *sc, json_t **out);

/* ---- st_stats.c ---- */
/* {regions, units, cadres, users}: cadres and users counted inside the scope. */
int st_stats_overview(struct db *db, const struct scope *sc, json_t **out);
#endif
