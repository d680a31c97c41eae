/* Store interface: inputs of the reception-day (接访日) planner (see store.h for conventions).
 * Read-only lookups; the planning itself is pure (src/domain/rotation.h). */
#ifndef SX_ST_RECEPTION_H
#define SX_ST_RECEPTION_H
#include "store.h"

#define ST_RECEPTION_MAX_IDS 64 /* ids per lookup */

/* The cadres among ids (n ≤ ST_RECEPTION_MAX_IDS) as [{id,name,unit_id,unit_name,is_leader}]
 * ordered by id; ids that do not exist are simply absent. */
int st_reception_leaders(struct db *db, const int64_t *ids, int n, json_t **out);
/* The county-level regions (level 2) among ids as [{id,name,sort}] ordered by id (ids that do
 * not exist or are not counties are absent); n == 0: every county, ordered by sort then id. */
int st_reception_counties(struct db *db, const int64_t *ids, int n, json_t **out);
#endif
