#include "api.h"
#include "../app/app.h"

int api_app_fail(struct req *r, const struct app_err *e)
{
    int code = e->code ? e->code : SX_EINTERNAL;
    if (e->extra) {
        json_decref(r->err_extra);
        r->err_extra = json_deep_copy(e->extra);
    }
    if (code == SX_EBADQUERY && !e->field[0]) return req_fail(r, code, "sort", "不支持的排序字段");
    return req_fail(r, code, e->field[0] ? arena_strdup(&r->arena, e->field) : NULL,
                    e->msg[0] ? arena_strdup(&r->arena, e->msg) : NULL);
}

int api_write(struct req *r, app_fn fn, void *arg, int from_header)
{
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    struct app_err e;
    int rc = app_write(req_db(r), &a, fn, arg, &e);
    if (rc == SX_EVERSION) rc = req_version_mismatch(r, from_header);
    else if (rc) rc = api_app_fail(r, &e);
    app_err_clear(&e);
    return rc;
}

int api_reply_record(struct req *r, int status, json_t *obj)
{
    json_t *v = json_object_get(obj, "version");
    if (json_is_integer(v)) {
        char etag[32];
        snprintf(etag, sizeof etag, "\"%lld\"", (long long)json_integer_value(v));
        req_add_header(r, "ETag", etag);
    }
    return reply_json(r, status, obj);
}

int api_reply_text(struct req *r, int status, char *json, int64_t version)
{
    if (version > 0) {
        char etag[32];
        snprintf(etag, sizeof etag, "\"%lld\"", (long long)version);
        req_add_header(r, "ETag", etag);
    }
    return reply_bytes(r, status, "application/json; charset=utf-8", json, strlen(json));
}

int api_reply_page(struct req *r, json_t *items, int64_t total, const struct paging *pg)
{
    return reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                        (json_int_t)pg->page, "page_size", (json_int_t)pg->page_size));
}

const char *api_id_text(struct req *r, int64_t id)
{
    return arena_printf(&r->arena, "%lld", (long long)id);
}
