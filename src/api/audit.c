/* /api/v1/audit and /api/v1/login-log: read-only views for the audit administrator. */
#include "api.h"

static int check_date(struct req *r, const char *name, const char **out)
{
    *out = req_query(r, name);
    time_t t;
    if (*out && time_parse_iso(*out, &t))
        return req_fail(r, SX_EBADQUERY, name, "日期格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SSZ");
    if (*out && strlen(*out) == 10) {
        /* A bare date means the start of that day in the deployment's zone, stored as UTC. */
        struct tm tm = {0};
        tm.tm_year = atoi(*out) - 1900;
        tm.tm_mon = atoi(*out + 5) - 1;
        tm.tm_mday = atoi(*out + 8);
        tm.tm_isdst = -1;
        if (!strcmp(name, "to")) tm.tm_mday += 1; /* "to" includes the whole day */
        char *iso = arena_alloc(&r->arena, 32);
        time_iso(mktime(&tm), iso);
        *out = iso;
    }
    return SX_OK;
}

static int list_common(struct req *r, int login_only)
{
    struct paging pg;
    struct audit_filter f = {0};
    int rc = req_paging(r, &pg);
    if (rc || (rc = check_date(r, "from", &f.from)) || (rc = check_date(r, "to", &f.to))) return rc;
    f.username = req_query(r, "username");
    f.action = req_query(r, "action");
    f.result = req_query(r, "result");
    f.object_type = req_query(r, "object_type");
    f.login_only = login_only;
    if (f.result && strcmp(f.result, "success") && strcmp(f.result, "failure"))
        return req_fail(r, SX_EBADQUERY, "result", "result 只能是 success 或 failure");
    json_t *items;
    int64_t total;
    if ((rc = st_audit_list(req_db(r), &f, &pg, &items, &total))) return api_rc(r, rc);
    return api_reply_page(r, items, total, &pg);
}

static int audit_list(struct req *r) { return list_common(r, 0); }
static int login_log(struct req *r) { return list_common(r, 1); }

const struct route audit_routes[] = {
    {M_GET, "/api/v1/audit", P_AUDIT_READ, audit_list, 0, "审计日志"},
    {M_GET, "/api/v1/login-log", P_LOGINLOG_READ, login_log, 0, "登录日志"},
    ROUTES_END,
};
