/* GET /api/v1/health and the OpenAPI document. */
#include "api.h"
#include "../http/assets.h"
#include "../version.h"

static int health(struct req *r)
{
    struct db *db = req_db(r);
    int64_t v = 0;
    int ok = db && store_schema_version(db, &v) == SX_OK;
    char demo[8] = "0";
    if (ok) st_setting_get(db, "demo", demo, sizeof demo);
    json_t *o = json_pack("{s:s,s:s,s:s,s:{s:b,s:s,s:I,s:b}}", "status", ok ? "ok" : "degraded", "version",
                          SIXIA_VERSION, "timezone", tz_name(), "database", "ok", ok, "driver",
                          db ? db->drv->name : "none", "schema_version", (json_int_t)v, "demo", demo[0] == '1');
    return reply_json(r, ok ? 200 : 503, o);
}

static int openapi(struct req *r)
{
    const struct asset *t = assets_table();
    for (size_t i = 0; i < assets_count; i++)
        if (strcmp(t[i].path, "/openapi.json") == 0) {
            char *copy = malloc(t[i].len);
            if (!copy) return req_fail(r, SX_EINTERNAL, NULL, NULL);
            memcpy(copy, t[i].data, t[i].len);
            return reply_bytes(r, 200, "application/json; charset=utf-8", copy, t[i].len);
        }
    return req_fail(r, SX_ENOTFOUND, NULL, "OpenAPI 文档未编入本程序");
}

const struct route health_routes[] = {
    {M_GET, "/api/v1/health", P_PUBLIC, health, 0, "健康检查"},
    {M_GET, "/api/v1/openapi.json", P_PUBLIC, openapi, 0, "OpenAPI 文档"},
    ROUTES_END,
};
