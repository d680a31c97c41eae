/* Every route table of the API. A new resource adds its table here. */
#include "api.h"

const struct route *const route_tables[] = {
    health_routes, auth_routes, region_routes, unit_routes, cadre_routes, dict_routes, user_routes,
    role_routes, token_routes, audit_routes, settings_routes, stats_routes, holiday_routes, reception_routes,
    case_extra_routes, case_routes, public_routes, NULL, /* case_extra first: /cases/export before /cases/{id} */
};
