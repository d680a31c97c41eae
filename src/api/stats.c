/* /api/v1/stats: dashboard counts the caller may see. */
#include "api.h"

static int overview(struct req *r)
{
    json_t *o = NULL;
    int rc = st_stats_overview(req_db(r), &r->who.scope, &o);
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, o);
}

const struct route stats_routes[] = {
    {M_GET, "/api/v1/stats/overview", P_AUTHENTICATED, overview, 0, "首页统计"},
    ROUTES_END,
};
