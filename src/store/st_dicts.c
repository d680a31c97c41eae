/* Dictionaries: administrator-editable option lists (categories, channels, expertise tags...). */
#include "store.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_COLS "i.id, i.type, i.code, i.label, i.sort, i.enabled AS enabled__b, i.version, i.created_at, i.updated_at"

int st_dict_types(struct db *db, json_t **items)
{
    struct db_stmt *s = db_prepare(db, "SELECT t.type, t.name, (SELECT COUNT(*) FROM dict_items i"
                                       " WHERE i.type = t.type) AS count FROM dict_types t ORDER BY t.sort, t.type");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, items);
}

static int type_exists(struct db *db, const char *type)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM dict_types WHERE type = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, type);
    int64_t n = 0;
    int rc = db_int(s, &n);
    if (rc) return rc;
    return n ? SX_OK : SX_ENOTFOUND;
}

int st_dict_items(struct db *db, const char *type, int64_t enabled, json_t **items)
{
    int rc = type_exists(db, type);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT " ITEM_COLS " FROM dict_items i WHERE i.type = ?1"
                                       " AND (?2 < 0 OR i.enabled = ?2) ORDER BY i.sort, i.id");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, type);
    db_bind_int(s, 2, enabled);
    return db_all_json(s, items);
}

int st_dict_item_get(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " ITEM_COLS " FROM dict_items i WHERE i.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    return rc;
}

/* Labels are unique inside a type: cadres store expertise tags by label. */
static int label_taken(struct db *db, const char *type, const char *label, int64_t id, const char **field)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM dict_items WHERE type = ? AND label = ? AND id <> ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, type);
    db_bind_text(s, 2, label);
    db_bind_int(s, 3, id);
    int64_t n = 0;
    int rc = db_int(s, &n);
    if (rc) return rc;
    if (!n) return SX_OK;
    *field = "label";
    return SX_EDUPLICATE;
}

/* Details: the new values, or (in NULL, a deletion) the type and old label. */
static int audit(struct db *db, const struct audit_ctx *a, const char *action, int64_t id, const char *type,
                 const struct dict_item_in *in, const char *old_label)
{
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    json_t *o = in ? json_pack("{s:s,s:s,s:s,s:I,s:b}", "type", type, "code", in->code, "label", in->label, "sort",
                               (json_int_t)in->sort, "enabled", in->enabled)
                   : json_pack("{s:s,s:s}", "type", type, "label", old_label);
    char *d = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    int rc = st_audit_append(db, a, action, "dict_item", oid, 1, d ? d : "");
    free(d);
    return rc;
}

int st_dict_item_create(struct db *db, const struct audit_ctx *a, const char *type, const struct dict_item_in *in,
                        json_t **out, const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = type_exists(db, type)) || (rc = label_taken(db, type, in->label, 0, field))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO dict_items (type, code, label, sort, enabled, created_at,"
                                       " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
    db_bind_text(s, 1, type);
    db_bind_text(s, 2, in->code);
    db_bind_text(s, 3, in->label);
    db_bind_int(s, 4, in->sort);
    db_bind_int(s, 5, in->enabled ? 1 : 0);
    db_bind_text(s, 6, now);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    int64_t id = db_last_id(db);
    if ((rc = audit(db, a, "dict_item.create", id, type, in, NULL))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_dict_item_get(db, id, out);
fail:
    db_rollback(db);
    return rc;
}

/* Type, label and version of an item (inside the caller's transaction); both buffers n bytes. */
static int item_row(struct db *db, int64_t id, char *type, char *label, size_t n, int64_t *version)
{
    struct db_stmt *s = db_prepare(db, "SELECT type, label, version FROM dict_items WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        snprintf(type, n, "%s", db_col_text(s, 0));
        snprintf(label, n, "%s", db_col_text(s, 1));
        *version = db_col_int(s, 2);
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

static int rename_tag(struct db *db, const char *old, const char *neu)
{
    struct db_stmt *s = db_prepare(db, "UPDATE cadre_tags SET tag = ? WHERE tag = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, neu);
    db_bind_text(s, 2, old);
    return db_run(s);
}

int st_dict_item_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                        const struct dict_item_in *in, json_t **out, const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char type[256], label[256];
    int64_t cur;
    if ((rc = item_row(db, id, type, label, sizeof type, &cur))) goto fail;
    if (cur != version) {
        rc = SX_EVERSION;
        goto fail;
    }
    if ((rc = label_taken(db, type, in->label, id, field))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE dict_items SET code = ?1, label = ?2, sort = ?3, enabled = ?4,"
                                       " version = version + 1, updated_at = ?5 WHERE id = ?6");
    db_bind_text(s, 1, in->code);
    db_bind_text(s, 2, in->label);
    db_bind_int(s, 3, in->sort);
    db_bind_int(s, 4, in->enabled ? 1 : 0);
    db_bind_text(s, 5, now);
    db_bind_int(s, 6, id);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    if (!strcmp(type, "expertise_tag") && strcmp(label, in->label) && (rc = rename_tag(db, label, in->label)))
        goto fail;
    if ((rc = audit(db, a, "dict_item.update", id, type, in, NULL))) goto fail;
    if ((rc = db_commit(db))) return rc;
    return st_dict_item_get(db, id, out);
fail:
    db_rollback(db);
    return rc;
}

int st_dict_item_delete(struct db *db, const struct audit_ctx *a, int64_t id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    char type[256], label[256];
    int64_t cur;
    if ((rc = item_row(db, id, type, label, sizeof type, &cur))) goto fail;
    if (!strcmp(type, "expertise_tag")) {
        struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM cadre_tags WHERE tag = ?");
        db_bind_text(s, 1, label);
        int64_t n = 0;
        if ((rc = db_int(s, &n))) goto fail;
        if (n) {
            rc = SX_EREFERENCED;
            goto fail;
        }
    }
    struct db_stmt *s = db_prepare(db, "DELETE FROM dict_items WHERE id = ?");
    db_bind_int(s, 1, id);
    if ((rc = db_run(s))) goto fail;
    if ((rc = audit(db, a, "dict_item.delete", id, type, NULL, label))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
