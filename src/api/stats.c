/* /api/v1/stats: dashboard counts the caller may see. */
#include "api.h"

/* Each count is shown only to a caller who may read that kind of record (null otherwise). */
static int overview(struct req *r)
{
    static const struct {
        const char *key;
        int perm;
    } shown[] = {{"regions", P_REGION_READ}, {"units", P_UNIT_READ}, {"cadres", P_CADRE_READ}, {"users", P_USER_READ}};
    json_t *o = NULL;
    int rc = st_stats_overview(req_db(r), &r->who.scope, &o);
    if (rc) return api_rc(r, rc);
    for (size_t i = 0; i < NELEM(shown); i++)
        if (!(r->who.perms & perm_bit(shown[i].perm))) json_object_set_new(o, shown[i].key, json_null());
    return reply_json(r, 200, o);
}

const struct route stats_routes[] = {
    {M_GET, "/api/v1/stats/overview", P_AUTHENTICATED, overview, 0, "首页统计"},
    ROUTES_END,
};
