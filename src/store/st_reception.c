/* Lookups for the reception-day (接访日) planner: leader cadres and counties. */
#include "store.h"
#include "../util/err.h"
#include <stdio.h>
#include <stdlib.h>

/* ids as a JSON array text for json_each(?) (malloc'd; NULL on allocation failure). */
static char *ids_text(const int64_t *ids, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_integer(ids[i]));
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

int st_reception_leaders(struct db *db, const int64_t *ids, int n, json_t **out)
{
    *out = NULL;
    if (n < 0 || n > ST_RECEPTION_MAX_IDS || (n && !ids)) return SX_EINTERNAL;
    struct db_stmt *s = db_prepare(db, "SELECT c.id, c.name, c.unit_id, u.name AS unit_name,"
                                       " CASE WHEN c.is_leader THEN 1 ELSE 0 END AS is_leader__b"
                                       " FROM cadres c JOIN units u ON u.id = c.unit_id"
                                       " WHERE c.id IN (SELECT value FROM json_each(?1)) ORDER BY c.id");
    if (!s) return SX_EINTERNAL;
    char *t = ids_text(ids, n);
    if (!t) return SX_EINTERNAL;
    db_bind_text(s, 1, t);
    int rc = db_all_json(s, out);
    free(t);
    return rc;
}

int st_reception_counties(struct db *db, const int64_t *ids, int n, json_t **out)
{
    *out = NULL;
    if (n < 0 || n > ST_RECEPTION_MAX_IDS || (n && !ids)) return SX_EINTERNAL;
    struct db_stmt *s;
    if (n == 0) {
        s = db_prepare(db, "SELECT id, name, sort FROM regions WHERE level = 2 ORDER BY sort, id");
        if (!s) return SX_EINTERNAL;
        return db_all_json(s, out);
    }
    s = db_prepare(db, "SELECT id, name, sort FROM regions"
                       " WHERE level = 2 AND id IN (SELECT value FROM json_each(?1)) ORDER BY id");
    if (!s) return SX_EINTERNAL;
    char *t = ids_text(ids, n);
    if (!t) return SX_EINTERNAL;
    db_bind_text(s, 1, t);
    int rc = db_all_json(s, out);
    free(t);
    return rc;
}
