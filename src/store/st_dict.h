/* Store interface: dict (see store.h for conventions). */
#ifndef SX_ST_DICT_H
#define SX_ST_DICT_H
#include "store.h"

struct dict_item_in {
    const char *code, *label;
    int64_t sort;
    int enabled;
};
/* [{type,name,count}] ordered by the types' sort. */
int st_dict_types(struct db *db, json_t **items);
/* Items of type (enabled: -1 all, 0/1); SX_ENOTFOUND for an unknown type. */
int st_dict_items(struct db *db, const char *type, int64_t enabled, json_t **items);
int st_dict_item_get(struct db *db, int64_t id, json_t **out);
/* SX_EDUPLICATE with *field "code" or "label". */
int st_dict_item_create(struct db *db, const struct audit_ctx *a, const char *type, const struct dict_item_in *in,
                        json_t **out, const char **field);
/* Renaming an expertise_tag label renames the tag on every cadre in the same transaction. */
int st_dict_item_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                        const struct dict_item_in *in, json_t **out, const char **field);
/* SX_EREFERENCED when an expertise_tag label is still carried by a cadre. */
int st_dict_item_delete(struct db *db, const struct audit_ctx *a, int64_t id);
#endif
