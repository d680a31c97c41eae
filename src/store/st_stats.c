/* Dashboard counts. */
#include "store.h"
#include "../util/err.h"

int st_stats_overview(struct db *db, const struct scope *sc, json_t **out)
{
    struct db_stmt *s = store_prepare_scoped(db, "SELECT (SELECT COUNT(*) FROM regions) AS regions,"
                                       " (SELECT COUNT(*) FROM units) AS units,"
                                       " (SELECT COUNT(*) FROM cadres c WHERE " SCOPE_PRED("c.unit_id", "c.created_by")
                                       ") AS cadres,"
                                       " (SELECT COUNT(*) FROM users u WHERE " SCOPE_PRED("u.unit_id", "u.id")
                                       " AND u.kind = 'person') AS users", sc);
    if (!s) return SX_EINTERNAL;
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_EINTERNAL;
    return rc;
}
