/* libmicrohttpd glue: accepts requests, accumulates bodies with a bound, dispatches to the
 * router (API) or the embedded console files, writes the access log.
 *
 * libmicrohttpd 0.9.75 closes the connection after every response when a handler queues its
 * response on the first call for a request, so the first call only sets up the request and
 * the response is queued on a later call (after the body, if any, has arrived). */
#include "server.h"
#include "../app/app.h"
#include "assets.h"
#include "auth.h"
#include "guard.h"
#include "router.h"
#include "../domain/perm.h"
#include "../util/log.h"
#include "../util/timeu.h"
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* libmicrohttpd's idle timeout: no byte in either direction for this long closes a connection. */
#define IDLE_TIMEOUT_S 60

static struct server_opts opts;
static char rid_prefix[9];
static atomic_ulong rid_counter;
static atomic_int inflight;
static atomic_int stopping; /* set on SIGTERM/SIGINT: new connections are turned away */

/* Accept policy: every connection while running, none once shutting down. This is how sixia stops
 * accepting, rather than MHD_quiesce_daemon: with epoll and a worker pool, libmicrohttpd 0.9.75's
 * quiesce races its own workers over removing the listen socket from their epoll sets and aborts
 * the process ("Failed to remove listen FD from epoll set"), a known defect of that version. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)cls;
    (void)addr;
    (void)addrlen;
    return atomic_load(&stopping) ? MHD_NO : MHD_YES;
}

size_t server_body_limit(void) { return opts.body_limit; }
int server_login_rate(void) { return opts.login_rate; }

static int parse_method(const char *m)
{
    if (!strcmp(m, "GET")) return M_GET;
    if (!strcmp(m, "POST")) return M_POST;
    if (!strcmp(m, "PUT")) return M_PUT;
    if (!strcmp(m, "DELETE")) return M_DELETE;
    if (!strcmp(m, "PATCH")) return M_PATCH;
    if (!strcmp(m, "HEAD")) return M_HEAD;
    return M_OTHER;
}

/* ---------- request helpers used by handlers ---------- */

int req_fail(struct req *r, int code, const char *field, const char *msg)
{
    r->err = code ? code : SX_EINTERNAL;
    r->err_field = field;
    r->err_msg = msg;
    return r->err;
}

static void set_body(struct req *r, int status, const char *ctype, char *data, size_t len)
{
    free(r->resp_body);
    r->status = status;
    r->resp_ctype = ctype;
    r->resp_body = data;
    r->resp_len = len;
    r->responded = 1;
}

int reply_json(struct req *r, int status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!s) return req_fail(r, SX_EINTERNAL, NULL, NULL);
    set_body(r, status, "application/json; charset=utf-8", s, strlen(s));
    return SX_OK;
}

int reply_empty(struct req *r, int status)
{
    set_body(r, status, NULL, NULL, 0);
    return SX_OK;
}

int reply_bytes(struct req *r, int status, const char *ctype, char *data, size_t len)
{
    set_body(r, status, ctype, data, len);
    return SX_OK;
}

void req_add_header(struct req *r, const char *name, const char *value)
{
    struct hdr *h = arena_alloc(&r->arena, sizeof *h);
    h->name = arena_strdup(&r->arena, name);
    h->value = arena_strdup(&r->arena, value);
    h->next = r->headers;
    r->headers = h;
}

const char *req_header(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

const char *req_cookie(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static int parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18) return -1;
    int neg = 0;
    if (*s == '-') neg = 1, s++;
    if (!*s) return -1;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10 + (*s - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

int req_param_id(struct req *r, int i, int64_t *out)
{
    if (i >= r->nparams || parse_i64(r->params[i], out) || *out < 1)
        return req_fail(r, SX_ENOTFOUND, NULL, NULL);
    return SX_OK;
}

int req_query_int(struct req *r, const char *name, int64_t dflt, int64_t min, int64_t max, int64_t *out)
{
    const char *v = req_query(r, name);
    *out = dflt;
    if (!v) return SX_OK;
    if (parse_i64(v, out) || *out < min || *out > max)
        return req_fail(r, SX_EBADQUERY, name,
                        arena_printf(&r->arena, "查询参数 %s 必须是 %lld 到 %lld 之间的整数", name,
                                     (long long)min, (long long)max));
    return SX_OK;
}

int req_paging(struct req *r, struct paging *pg)
{
    memset(pg, 0, sizeof *pg);
    int rc = req_query_int(r, "page", 1, 1, 1000000, &pg->page);
    if (!rc) rc = req_query_int(r, "page_size", 20, 1, 200, &pg->page_size);
    if (rc) return rc;
    const char *sort = req_query(r, "sort");
    if (sort) {
        if (*sort == '-') pg->desc = 1, sort++;
        pg->sort = sort;
    }
    const char *kw = req_query(r, "keyword");
    if (kw && utf8_len(kw) > 100) return req_fail(r, SX_EBADQUERY, "keyword", "关键词不能超过100个字符");
    pg->keyword = kw;
    return SX_OK;
}

int req_check_body(struct req *r, const struct jv_field *spec, size_t n)
{
    if (!r->json) return req_fail(r, SX_EBADJSON, NULL, "请求内容必须是 JSON 对象");
    struct verr e;
    int rc = jv_check(r->json, spec, n, &e);
    if (rc) {
        return req_fail(r, rc, e.field ? arena_strdup(&r->arena, e.field) : NULL,
                        arena_strdup(&r->arena, e.msg));
    }
    return SX_OK;
}

int req_expected_version(struct req *r, int64_t *out, int *from_header)
{
    const char *im = req_header(r, "If-Match");
    *from_header = 0;
    if (im) {
        char buf[32];
        size_t n = strlen(im);
        if (n >= 2 && im[0] == '"' && im[n - 1] == '"') {
            if (n - 2 >= sizeof buf) return req_fail(r, SX_EPRECOND, NULL, NULL);
            memcpy(buf, im + 1, n - 2);
            buf[n - 2] = 0;
        } else {
            snprintf(buf, sizeof buf, "%s", im);
        }
        if (parse_i64(buf, out)) return req_fail(r, SX_EPRECOND, NULL, NULL);
        *from_header = 1;
        return SX_OK;
    }
    json_t *v = r->json ? json_object_get(r->json, "version") : NULL;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return SX_OK;
    }
    if (v && !json_is_null(v)) return req_fail(r, SX_EVALIDATION, "version", "版本号必须是整数");
    return req_fail(r, SX_EPRECONDREQ, "version", NULL);
}

int req_version_mismatch(struct req *r, int from_header)
{
    return req_fail(r, from_header ? SX_EPRECOND : SX_EVERSION, "version", NULL);
}

struct db *req_db(struct req *r)
{
    (void)r;
    return store_db();
}

void req_audit_ctx(struct req *r, struct audit_ctx *ctx)
{
    ctx->user_id = r->who.user_id;
    ctx->username = r->who.username[0] ? r->who.username : NULL;
    ctx->ip = r->ip;
    ctx->token_id = r->who.token_id;
}

/* ---------- dispatch ---------- */

static void error_body(struct req *r)
{
    int code = r->err ? r->err : SX_EINTERNAL;
    json_t *e = json_pack("{s:s,s:s,s:s?}", "code", err_code(code), "message",
                          r->err_msg ? r->err_msg : err_message(code), "field", r->err_field);
    if (e && r->err_extra) json_object_update_missing(e, r->err_extra);
    if (code == SX_EBUSY) req_add_header(r, "Retry-After", "2"); /* a hash takes well under a second */
    reply_json(r, err_status(code), json_pack("{s:o}", "error", e));
}

static int is_json_ctype(const char *ct)
{
    if (!ct) return 0;
    while (*ct == ' ') ct++;
    if (strncasecmp(ct, "application/json", 16) != 0) return 0;
    ct += 16;
    while (*ct == ' ') ct++;
    if (!*ct) return 1;
    if (*ct != ';') return 0;
    /* Only UTF-8 (or no charset) is accepted. */
    const char *cs = strcasestr(ct, "charset=");
    return !cs || strncasecmp(cs + 8, "utf-8", 5) == 0 || strncasecmp(cs + 8, "\"utf-8\"", 7) == 0;
}

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    int *bad = cls;
    if ((key && !utf8_valid(key, strlen(key))) || (value && !utf8_valid(value, strlen(value)))) {
        *bad = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

static int parse_body(struct req *r)
{
    if (r->body_too_large) return req_fail(r, SX_ETOOLARGE, NULL, NULL);
    if (r->method != M_POST && r->method != M_PUT && r->method != M_PATCH) return SX_OK;
    if (r->route && (r->route->flags & RF_UPLOAD)) return SX_OK; /* raw bytes: the handler checks them */
    if (r->body_len == 0) {
        r->json = json_object(); /* an empty body is an empty object: validation names what is missing */
        return SX_OK;
    }
    if (!is_json_ctype(req_header(r, "Content-Type"))) return req_fail(r, SX_EMEDIA, NULL, NULL);
    if (!utf8_valid(r->body, r->body_len)) return req_fail(r, SX_EUTF8, NULL, NULL);
    json_error_t je;
    r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!r->json) {
        return req_fail(r, SX_EBADJSON, NULL,
                        arena_printf(&r->arena, "请求内容不是合法的 JSON（第%d行第%d列）", je.line, je.column));
    }
    if (!json_is_object(r->json)) return req_fail(r, SX_EBADJSON, NULL, "请求内容必须是 JSON 对象");
    return SX_OK;
}

/* Authentication and the route's permission (401/403); SX_OK at once for public routes. */
static int admit(struct req *r, const struct route *rt)
{
    if (rt->perm == P_PUBLIC) return SX_OK;
    int rc = auth_request(r);
    if (rc) return rc;
    if (r->who.must_change && !(rt->flags & RF_PWCHANGE_OK))
        return req_fail(r, SX_EPWCHANGE, NULL,
                        r->who.password_expired ? "密码已过期，请先修改密码" : "首次登录或密码已被重置，请先修改密码");
    if (rt->perm != P_AUTHENTICATED && !(r->who.perms & perm_bit(rt->perm)))
        return req_fail(r, SX_EFORBIDDEN, NULL, NULL);
    return SX_OK;
}

static int serve_api(struct req *r)
{
    int allow = 0;
    const struct route *rt = router_match(r, r->path, r->method, &allow);
    if (!rt) {
        if (!allow) return req_fail(r, SX_ENOTFOUND, NULL, "接口不存在");
        char buf[64] = "";
        for (int m = M_GET; m <= M_PATCH; m <<= 1)
            if (allow & m) {
                if (buf[0]) strcat(buf, ", ");
                strcat(buf, method_name(m));
            }
        req_add_header(r, "Allow", buf);
        return req_fail(r, SX_EMETHOD, NULL, NULL);
    }
    r->route = rt;
    int bad = 0;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &bad);
    if (bad) return req_fail(r, SX_EUTF8, NULL, "查询参数不是合法的 UTF-8 编码");
    int rc = admit(r, rt);
    if (rc) return rc;
    rc = parse_body(r);
    if (rc) return rc;
    return rt->fn(r);
}

static const struct asset *find_asset(const char *path)
{
    const struct asset *t = assets_table();
    for (size_t i = 0; i < assets_count; i++)
        if (strcmp(t[i].path, path) == 0) return &t[i];
    return NULL;
}

/* Console files: hashed assets are cached for a year, index.html is revalidated every time.
 * Unknown paths get index.html so the console's own router can show the page (public.html
 * below /public). */
static struct MHD_Response *serve_static(struct req *r, unsigned *status)
{
    if (r->method != M_GET && r->method != M_HEAD) {
        *status = 405;
        return NULL;
    }
    const struct asset *a = find_asset(r->path);
    /* The citizens' page (/public, /public/…) is an entry of its own; its router uses the hash. */
    if (!a && strncmp(r->path, "/public", 7) == 0 && (r->path[7] == 0 || r->path[7] == '/'))
        a = find_asset("/public.html");
    if (!a && strncmp(r->path, "/assets/", 8) != 0) a = find_asset("/index.html");
    if (!a) {
        *status = 404;
        return NULL;
    }
    const char *inm = req_header(r, "If-None-Match");
    struct MHD_Response *resp;
    if (inm && strcmp(inm, a->etag) == 0) {
        *status = 304;
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        const char *ae = req_header(r, "Accept-Encoding");
        int gz = ae && strstr(ae, "gzip") && a->gzlen < a->len;
        *status = 200;
        r->resp_len = gz ? a->gzlen : a->len; /* for the access log */
        resp = MHD_create_response_from_buffer(r->resp_len, (void *)(gz ? a->gz : a->data),
                                               MHD_RESPMEM_PERSISTENT);
        if (gz) MHD_add_response_header(resp, "Content-Encoding", "gzip");
        MHD_add_response_header(resp, "Content-Type", a->ctype);
    }
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    MHD_add_response_header(resp, "ETag", a->etag);
    MHD_add_response_header(resp, "Cache-Control", strncmp(a->path, "/assets/", 8) == 0
                                                       ? "public, max-age=31536000, immutable"
                                                       : "no-cache");
    if (strstr(a->ctype, "text/html")) {
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    }
    return resp;
}

static void access_log(struct req *r, unsigned status, size_t bytes)
{
    if (!log_access_enabled()) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - r->started.tv_sec) * 1e3 + (double)(now.tv_nsec - r->started.tv_nsec) / 1e6;
    char ts[32];
    time_iso_now(ts);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:f,s:s?}", "ts", ts, "rid", r->rid, "ip", r->ip,
                          "method", r->method_name, "path", r->path, "status", (int)status, "bytes",
                          (json_int_t)bytes, "ms", ms, "user", r->who.username[0] ? r->who.username : NULL);
    if (!o) return;
    char *line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(5));
    json_decref(o);
    if (line) log_access_line(line);
    free(line);
}

static void add_common_headers(struct req *r, struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Request-Id", r->rid);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    /* Served over TLS (directly, or by a trusted proxy): browsers keep to HTTPS from then on. */
    if (r->https) MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result respond(struct req *r)
{
    struct MHD_Response *resp;
    unsigned status;
    if (strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/api") == 0) {
        /* A reading request sees one snapshot from authentication to answer (a list and its
         * total agree), and pays for the database read lock once. A write inside it (session
         * touch, export audit) ends the snapshot first (db_sqlite.c). */
        struct db *db = store_db();
        if (db && db_request_begin(db, r->method == M_GET || r->method == M_HEAD)) {
            db_request_end(db);
            db = NULL;
        }
        int rc = serve_api(r);
        if (db) db_request_end(db);
        if (rc || !r->responded) {
            if (!rc) req_fail(r, SX_EINTERNAL, NULL, NULL);
            error_body(r);
        }
        status = (unsigned)r->status;
        resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body ? r->resp_body : (void *)"",
                                               MHD_RESPMEM_MUST_COPY);
        if (r->resp_ctype) MHD_add_response_header(resp, "Content-Type", r->resp_ctype);
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        for (struct hdr *h = r->headers; h; h = h->next) MHD_add_response_header(resp, h->name, h->value);
    } else {
        resp = serve_static(r, &status);
        if (!resp) {
            req_fail(r, status == 405 ? SX_EMETHOD : SX_ENOTFOUND, NULL, NULL);
            error_body(r);
            status = (unsigned)r->status;
            resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body, MHD_RESPMEM_MUST_COPY);
            MHD_add_response_header(resp, "Content-Type", r->resp_ctype);
        }
    }
    add_common_headers(r, resp);
    r->status = (int)status;
    enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void set_client_ip(struct req *r)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(r->ip, sizeof r->ip, "unknown");
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip, sizeof r->ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip, sizeof r->ip);
    }
    r->https = opts.tls_cert != NULL;
    if (opts.trust_proxy) {
        /* The proxy appends the address it saw: the last entry is the one we can trust. */
        const char *xff = req_header(r, "X-Forwarded-For");
        if (xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ') last++;
            if (*last && strlen(last) < sizeof r->ip && strspn(last, "0123456789abcdefABCDEF.:") == strlen(last))
                snprintf(r->ip, sizeof r->ip, "%s", last);
        }
        const char *proto = req_header(r, "X-Forwarded-Proto");
        if (proto && strcasecmp(proto, "https") == 0) r->https = 1;
    }
}

static void set_rid(struct req *r)
{
    const char *in = req_header(r, "X-Request-Id");
    if (in && *in && strlen(in) < sizeof r->rid && strspn(in, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == strlen(in)) {
        snprintf(r->rid, sizeof r->rid, "%s", in);
        return;
    }
    unsigned long n = atomic_fetch_add(&rid_counter, 1);
    snprintf(r->rid, sizeof r->rid, "%s%012lx", rid_prefix, n);
}

/* Queues the error recorded in r at once, on the first call for the request (headers complete,
 * body not read): libmicrohttpd then closes the connection without reading the body. */
static enum MHD_Result answer_early(struct req *r)
{
    if (guard_answering(r->conn)) return MHD_NO;
    error_body(r);
    struct MHD_Response *resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", r->resp_ctype);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "Connection", "close");
    for (struct hdr *h = r->headers; h; h = h->next) MHD_add_response_header(resp, h->name, h->value);
    add_common_headers(r, resp);
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

struct framing {
    int content_length, transfer_encoding, host;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    struct framing *f = cls;
    if (!key) return MHD_YES;
    if (!strcasecmp(key, "Content-Length")) f->content_length++;
    else if (!strcasecmp(key, "Transfer-Encoding")) f->transfer_encoding++;
    else if (!strcasecmp(key, "Host")) f->host++;
    return MHD_YES;
}

/* RFC 9112 §6.3 and §3.2: a message whose length two headers state (or state differently) could
 * be framed otherwise by a proxy in front (request smuggling); an HTTP/1.1 request names exactly
 * one Host. libmicrohttpd 0.9.75 takes the first Content-Length and accepts a missing Host. */
static int check_framing(struct req *r, const char *version)
{
    struct framing f = {0, 0, 0};
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &f);
    if (f.content_length > 1) return req_fail(r, SX_EBADREQUEST, NULL, "请求含有多个 Content-Length 头");
    if (f.content_length && f.transfer_encoding)
        return req_fail(r, SX_EBADREQUEST, NULL, "请求不能同时含有 Content-Length 和 Transfer-Encoding 头");
    if (f.host > 1) return req_fail(r, SX_EBADREQUEST, NULL, "请求含有多个 Host 头");
    if (!f.host && version && strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
        return req_fail(r, SX_EBADREQUEST, NULL, "HTTP/1.1 请求必须含有 Host 头");
    return SX_OK;
}

/* The most body rt accepts from a caller allowed to use it. Static files and unknown paths take
 * none worth reading; a public route (no account) no more than the pre-authentication limit. */
static size_t route_body_limit(const struct route *rt)
{
    if (!rt) return SX_PREAUTH_LIMIT;
    size_t lim = (rt->flags & RF_UPLOAD) ? SX_UPLOAD_LIMIT : opts.body_limit;
    return rt->perm == P_PUBLIC && lim > SX_PREAUTH_LIMIT ? SX_PREAUTH_LIMIT : lim;
}

/* admit() before the body is read, inside a database request like the answer's own. */
static int admit_early(struct req *r, const struct route *rt)
{
    struct db *db = store_db();
    if (db && db_request_begin(db, 0)) {
        db_request_end(db);
        db = NULL;
    }
    int rc = admit(r, rt);
    if (db) db_request_end(db);
    return rc;
}

/* The first call of a request: headers complete, no body read yet. Refuses bad framing (400), and
 * a body that may grow past SX_PREAUTH_LIMIT from a caller not allowed to send it (401/403) or
 * longer than the route accepts (413), before a byte of it is buffered: an unauthenticated client
 * can make the server hold at most SX_PREAUTH_LIMIT per connection. The route is looked up again
 * when answering, and an early admission is checked again then. */
static enum MHD_Result begin_request(struct req *r, const char *version)
{
    int rc = check_framing(r, version);
    const struct route *rt = NULL;
    if (!rc && strncmp(r->path, "/api/", 5) == 0) {
        int allow = 0;
        rt = router_match(r, r->path, r->method, &allow);
        r->nparams = 0;
    }
    size_t limit = route_body_limit(rt);
    const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
    const char *te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Transfer-Encoding");
    int64_t declared = -1;
    if (cl) declared = strlen(cl) > 15 ? INT64_MAX : (int64_t)strtoull(cl, NULL, 10);
    int large = (cl && declared > (int64_t)SX_PREAUTH_LIMIT) || (!cl && te); /* chunked: size unknown */
    int early = !rc && large && rt && rt->perm != P_PUBLIC;
    if (early) rc = admit_early(r, rt);
    if (!rc && cl && declared > (int64_t)limit) rc = req_fail(r, SX_ETOOLARGE, NULL, NULL);
    if (rc) return answer_early(r);
    r->body_limit = early || limit < SX_PREAUTH_LIMIT ? limit : SX_PREAUTH_LIMIT;
    return guard_headers_done(r->conn, declared) ? MHD_NO : MHD_YES;
}

/* Appends a piece of the body; past the request's limit the body is dropped and the rest
 * discarded (413 when it ends). */
static enum MHD_Result take_body(struct req *r, const char *data, size_t n)
{
    if (r->body_too_large) return MHD_YES;
    if (r->body_len + n > r->body_limit) {
        r->body_too_large = 1;
        free(r->body);
        r->body = NULL;
        r->body_len = r->body_cap = 0;
        return MHD_YES;
    }
    if (r->body_len + n > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 4096;
        while (cap < r->body_len + n) cap *= 2;
        char *b = realloc(r->body, cap);
        if (!b) return MHD_NO;
        r->body = b;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
    (void)cls;
    struct req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        arena_init(&r->arena);
        clock_gettime(CLOCK_MONOTONIC, &r->started);
        r->conn = conn;
        r->method = parse_method(method);
        r->method_name = arena_strdup(&r->arena, method);
        r->path = arena_strdup(&r->arena, url);
        set_client_ip(r);
        set_rid(r);
        atomic_fetch_add(&inflight, 1);
        *con_cls = r;
        return begin_request(r, version);
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->status) return MHD_YES; /* answered early: nothing is kept */
        if (guard_body_progress(conn)) {
            r->status = 408;
            return MHD_NO;
        }
        return take_body(r, upload_data, n);
    }
    if (r->status) return MHD_YES; /* already answered (400/401/403/413 above) */
    if (guard_answering(conn)) {
        r->status = 408;
        return MHD_NO;
    }
    return respond(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)toe;
    guard_request_done(conn);
    struct req *r = *con_cls;
    if (!r) return;
    if (!r->status && guard_ended(conn)) r->status = 408; /* the janitor ended it mid-body */
    access_log(r, (unsigned)r->status, r->resp_len);
    json_decref(r->json);
    json_decref(r->err_extra);
    free(r->body);
    free(r->resp_body);
    arena_release(&r->arena);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&inflight, 1);
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128] = "";
    const char *port;
    memset(ss, 0, sizeof *ss);
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof host) return -1;
        memcpy(host, s + 1, (size_t)(e - s - 1));
        port = e + 2;
    } else {
        const char *c = strrchr(s, ':');
        if (!c || (size_t)(c - s) >= sizeof host) return -1;
        memcpy(host, s, (size_t)(c - s));
        port = c + 1;
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (*end || p < 0 || p > 65535) return -1;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    if (!*host || !strcmp(host, "0.0.0.0")) {
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
        a4->sin_port = htons((uint16_t)p);
        *len = sizeof *a4;
    } else if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        *len = sizeof *a4;
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        *len = sizeof *a6;
    } else if (!strcmp(host, "localhost")) {
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a4->sin_port = htons((uint16_t)p);
        *len = sizeof *a4;
    } else {
        return -1;
    }
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || n > 1 << 20) {
        fclose(f);
        return NULL;
    }
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b) b[n] = 0;
    fclose(f);
    return b;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n') buf[n - 1] = 0;
    log_info("httpd: %s", buf);
}

int server_run(const struct server_opts *o)
{
    opts = *o;
    if (opts.workers < 1) opts.workers = 1;
    if (opts.shutdown_grace <= 0) opts.shutdown_grace = 10;
    if (opts.header_timeout <= 0) opts.header_timeout = 15;
    if (opts.body_timeout <= 0) opts.body_timeout = 60;
    if (opts.max_conns_per_ip < 0) opts.max_conns_per_ip = 0;
    unsigned char rb[4];
    randombytes_buf(rb, sizeof rb);
    sodium_bin2hex(rid_prefix, sizeof rid_prefix, rb, sizeof rb);
    assets_init();
    if (log_access_open(opts.access_log)) {
        log_error("cannot open access log %s", opts.access_log);
        return 1;
    }
    struct sockaddr_storage ss;
    socklen_t sl;
    if (parse_listen(opts.listen, &ss, &sl)) {
        log_error("bad --listen address: %s", opts.listen);
        return 1;
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    char *cert = NULL, *key = NULL;
    if (opts.tls_cert || opts.tls_key) {
        cert = opts.tls_cert ? read_file(opts.tls_cert) : NULL;
        key = opts.tls_key ? read_file(opts.tls_key) : NULL;
        if (!cert || !key) {
            log_error("--tls-cert and --tls-key must both name readable PEM files");
            free(cert);
            free(key);
            return 1;
        }
        flags |= MHD_USE_TLS;
    }
    /* Signals are taken synchronously by the main thread below; workers never see them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_OptionItem tls_opts[] = {
        {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
        {key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    /* Total time limits on receiving requests (guard.c); the idle timeout stays libmicrohttpd's. */
    struct guard_opts go = {opts.header_timeout * 1000, opts.body_timeout * 1000, IDLE_TIMEOUT_S * 1000, cert != NULL};
    if (guard_start(&go)) {
        log_error("cannot start the connection guard");
        free(cert);
        free(key);
        return 1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, accept_policy, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opts.workers, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, guard_notify_connection, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, guard_request_line, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)opts.max_conns_per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
        MHD_OPTION_ARRAY, cert ? tls_opts : tls_opts + 2, MHD_OPTION_END);
    if (!d) {
        log_error("cannot listen on %s: %s", opts.listen, strerror(errno));
        guard_stop();
        free(cert);
        free(key);
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    log_info("sixia listening on %s (port %u, %d workers, %s)", opts.listen, di ? di->port : 0, opts.workers,
             cert ? "https" : "http");
    fflush(stderr);

    store_janitor_start();
    app_worker_start(); /* deadline recomputation left over by a large calendar change */
    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: shutting down", sig);
    /* Stop accepting (new connections are closed at once), give in-flight requests time to
     * finish, then stop; MHD_stop_daemon closes the listen socket after its workers are gone. */
    atomic_store(&stopping, 1);
    for (int i = 0; i < opts.shutdown_grace * 20 && atomic_load(&inflight) > 0; i++) usleep(50000);
    MHD_stop_daemon(d);
    guard_stop();
    app_worker_stop();
    store_janitor_stop();
    log_access_close();
    free(cert);
    free(key);
    log_info("stopped");
    return 0;
}
