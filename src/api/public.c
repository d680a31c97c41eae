/* /api/v1/public: the citizens' page (submit, look up, rate) without an account.
 *
 * Abuse: valid submissions are limited per source address (5 per 10 minutes) and carry a honeypot
 * field; look-ups and ratings share a limit of 10 per minute per address, and every failed
 * look-up (malformed code, unknown code, wrong digits) answers the same 404, so guessing a
 * code (≥ 54 bits) is infeasible. Only public information is answered (st_case_public.c). */
#include "api.h"
#include "../app/cases.h"
#include "../domain/person_id.h"
#include "../domain/query_code.h"
#include "../util/pii.h"
#include <ctype.h>
#include <sodium.h>

#define SUBMIT_MAX 5
#define SUBMIT_WINDOW (10 * 60)
#define LOOKUP_PER_MINUTE 10
#define LOOKUP_FAILED "查询码或手机号后四位不正确"

static int list_reply(struct req *r, int rc, json_t *items)
{
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int counties(struct req *r)
{
    json_t *items = NULL;
    int rc = st_public_counties(req_db(r), &items);
    return list_reply(r, rc, items);
}

static int regions(struct req *r)
{
    int64_t parent;
    int rc = req_query_int(r, "parent_id", 0, 1, INT32_MAX, &parent);
    if (rc) return rc;
    json_t *items = NULL;
    if (!parent) return list_reply(r, 0, json_array()); /* nothing below "no region" */
    rc = st_public_regions(req_db(r), parent, &items);
    return list_reply(r, rc, items);
}

static int categories(struct req *r)
{
    json_t *items = NULL;
    int rc = st_public_categories(req_db(r), &items);
    return list_reply(r, rc, items);
}

/* s without surrounding ASCII blanks (arena copy). */
static const char *trimmed(struct req *r, const char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    char *out = arena_alloc(&r->arena, n + 1);
    memcpy(out, s, n);
    out[n] = 0;
    return out;
}

static const struct jv_field submit_spec[] = {
    {"region_id", "所在地区", JV_INT, 1, 1, INT32_MAX},
    {"kind", "信访类型", JV_STR, 0, 0, 20},
    {"category", "事项分类", JV_STR, 1, 1, 20},
    {"title", "标题", JV_STR, 1, 1, 100},
    {"content", "内容", JV_TEXT, 1, 1, 3000},
    {"name", "姓名", JV_STR, 1, 1, 30},
    {"phone", "联系电话", JV_STR, 1, 1, 32},
    {"id_number", "身份证号", JV_STR, 0, 0, 32},
    {"address", "联系地址", JV_STR, 0, 0, 200},
    {"website", "网址", JV_STR, 0, 0, 500}, /* honeypot: people never see it, bots fill it */
};

/* The receipt: {case_no, query_code, received_at, lookup_url}. */
static int receipt(struct req *r, const char *case_no, const char *code, const char *received_at)
{
    return reply_json(r, 201, json_pack("{s:s,s:s,s:s,s:s}", "case_no", case_no, "query_code", code, "received_at",
                                        received_at, "lookup_url",
                                        arena_printf(&r->arena, "/public/#/lookup?code=%s", code)));
}

/* Counts one submission of this address; 0 once it is over the limit. Only submissions that
 * pass validation (or fill the honeypot) count: a citizen correcting a typo is not locked out,
 * and a rejected one stores nothing. */
static int submit_allowed(struct req *r)
{
    return ratelimit_allow_window("public_submit", r->ip, SUBMIT_MAX, SUBMIT_WINDOW);
}
#define SUBMIT_LIMITED "提交过于频繁，请10分钟后再试"

static int submit(struct req *r)
{
    int rc = req_check_body(r, submit_spec, NELEM(submit_spec));
    if (rc) return rc;
    char now[32];
    time_iso_now(now);
    struct case_in in = {0};
    in.channel = "online";
    in.source = "public";
    in.urgency = "normal";
    in.received_at = now;
    in.head_count = 1;
    in.kind = jv_str(r->json, "kind", "suggestion");
    if (!*in.kind) in.kind = "suggestion";
    int kind = case_kind_from_code(in.kind);
    if (kind < 0) return req_fail(r, SX_EVALIDATION, "kind", "信访类型应为建议意见、申诉求决、检举控告或涉法涉诉");
    in.title = trimmed(r, jv_str(r->json, "title", ""));
    if (!*in.title) return req_fail(r, SX_EVALIDATION, "title", "请填写标题");
    in.content = trimmed(r, jv_str(r->json, "content", ""));
    if (!*in.content) return req_fail(r, SX_EVALIDATION, "content", "请填写反映的内容");
    struct case_petitioner_in pet = {0};
    pet.name = trimmed(r, jv_str(r->json, "name", ""));
    if (!*pet.name) return req_fail(r, SX_EVALIDATION, "name", "请填写姓名");
    pet.address = trimmed(r, jv_str(r->json, "address", ""));

    char phone[PHONE_BUF];
    const char *why = NULL;
    if (phone_normalize(jv_str(r->json, "phone", ""), phone, sizeof phone, &why) == PHONE_INVALID)
        return req_fail(r, SX_EVALIDATION, "phone", why ? why : "联系电话格式不正确");
    pet.phone = phone;
    char idn[PERSON_ID_BUF + 8] = "";
    const char *raw_id = jv_str(r->json, "id_number", "");
    if (*trimmed(r, raw_id)) {
        char today[16];
        time_local_date(time(NULL), today);
        if (person_id_normalize(raw_id, idn, sizeof idn) != 0 || person_id_check(idn, today, &why) != SX_OK)
            return req_fail(r, SX_EVALIDATION, "id_number", why ? why : "身份证号码不正确");
    }
    pet.id_number = idn;

    struct db *db = req_db(r);
    in.category = jv_str(r->json, "category", "");
    rc = st_public_category_ok(db, in.category);
    if (rc == SX_ENOTFOUND) return req_fail(r, SX_EVALIDATION, "category", "请选择事项分类");
    if (rc) return api_rc(r, rc);
    in.region_id = jv_int(r->json, "region_id", 0);
    int64_t county_id = 0;
    rc = st_public_region_unit(db, in.region_id, &county_id, &in.unit_id);
    if (rc == SX_ENOTFOUND) return req_fail(r, SX_EVALIDATION, "region_id", "请选择事项所在的县（市、区）及乡镇");
    if (rc) return api_rc(r, rc);
    in.pet = &pet;
    in.n_pet = 1;
    if (!submit_allowed(r)) return req_fail(r, SX_ERATE, NULL, SUBMIT_LIMITED);
    /* A bot filled the hidden field. Checked only now, after everything else: a filled honeypot
     * with a bad field gets the same 422 as without it, and a valid one the same answer as a
     * success — a number next in this year's sequence — while nothing is stored. */
    if (*jv_str(r->json, "website", "")) {
        char code[QUERY_CODE_BUF], case_no[40];
        query_code_generate(code);
        if ((rc = st_public_plausible_case_no(db, case_no, sizeof case_no))) return api_rc(r, rc);
        rc = receipt(r, case_no, code, now);
        sodium_memzero(code, sizeof code);
        return rc;
    }

    struct case_create cc = {.in = &in}; /* no viewer: a citizen's own submission */
    rc = api_write(r, app_case_create, &cc, 0);
    char case_no[40];
    if (!rc && (rc = st_public_case_no(db, cc.id, case_no, sizeof case_no))) rc = api_rc(r, rc);
    if (!rc) rc = receipt(r, case_no, cc.query_code, now);
    sodium_memzero(cc.query_code, sizeof cc.query_code);
    return rc;
}

static const struct jv_field lookup_spec[] = {
    {"query_code", "查询码", JV_STR, 0, 0, 64},
    {"phone_last4", "手机号后四位", JV_STR, 0, 0, 16},
};
static const struct jv_field rate_spec[] = {
    {"query_code", "查询码", JV_STR, 0, 0, 64},
    {"phone_last4", "手机号后四位", JV_STR, 0, 0, 16},
    {"satisfaction", "满意度", JV_STR, 1, 1, 32},
};

/* The keyed hashes of the code and the digits; 0, or the one 404 every failed look-up gets. */
static int lookup_keys(struct req *r, char code_hash[PII_HASH_BUF], char last4_hash[PII_HASH_BUF])
{
    char code[QUERY_CODE_BUF];
    const char *last4 = jv_str(r->json, "phone_last4", "");
    int ok = query_code_normalize(jv_str(r->json, "query_code", ""), code) == 0 && strlen(last4) == 4 &&
             strspn(last4, "0123456789") == 4;
    pii_hash("query", ok ? code : "-", code_hash);
    pii_hash("last4", ok ? last4 : "-", last4_hash);
    sodium_memzero(code, sizeof code);
    return ok ? SX_OK : req_fail(r, SX_ENOTFOUND, NULL, LOOKUP_FAILED);
}

static int lookup(struct req *r)
{
    if (!ratelimit_allow("public_lookup", r->ip, LOOKUP_PER_MINUTE))
        return req_fail(r, SX_ERATE, NULL, "查询过于频繁，请1分钟后再试");
    int rc = req_check_body(r, lookup_spec, NELEM(lookup_spec));
    if (rc) return rc;
    char ch[PII_HASH_BUF], lh[PII_HASH_BUF];
    if ((rc = lookup_keys(r, ch, lh))) return rc;
    json_t *o = NULL;
    rc = st_case_public_lookup(req_db(r), ch, lh, &o);
    if (rc == SX_ENOTFOUND) return req_fail(r, rc, NULL, LOOKUP_FAILED);
    if (rc) return api_rc(r, rc);
    return reply_json(r, 200, o);
}

static int rate(struct req *r)
{
    if (!ratelimit_allow("public_lookup", r->ip, LOOKUP_PER_MINUTE))
        return req_fail(r, SX_ERATE, NULL, "查询过于频繁，请1分钟后再试");
    int rc = req_check_body(r, rate_spec, NELEM(rate_spec));
    if (rc) return rc;
    const char *sat = jv_str(r->json, "satisfaction", "");
    if (case_satisfaction_from_code(sat) <= 0)
        return req_fail(r, SX_EVALIDATION, "satisfaction", "请选择满意、基本满意或不满意");
    char ch[PII_HASH_BUF], lh[PII_HASH_BUF];
    if ((rc = lookup_keys(r, ch, lh))) return rc;
    struct audit_ctx a;
    req_audit_ctx(r, &a);
    struct db *db = req_db(r);
    struct case_public_rate x = {.code_hash = ch, .last4_hash = lh, .satisfaction = sat};
    struct app_err e;
    rc = app_write(db, &a, app_case_public_rate, &x, &e);
    if (rc == SX_ENOTFOUND) rc = req_fail(r, rc, NULL, LOOKUP_FAILED);
    else if (rc) rc = api_app_fail(r, &e);
    app_err_clear(&e);
    if (rc) return rc;
    json_t *o = NULL;
    if ((rc = st_case_public_lookup(db, ch, lh, &o))) return api_rc(r, rc);
    return reply_json(r, 200, o);
}

const struct route public_routes[] = {
    {M_GET, "/api/v1/public/counties", P_PUBLIC, counties, 0, "公众：县（市、区）列表"},
    {M_GET, "/api/v1/public/regions", P_PUBLIC, regions, 0, "公众：下级乡镇、村（社区）"},
    {M_GET, "/api/v1/public/categories", P_PUBLIC, categories, 0, "公众：信访事项分类"},
    {M_POST, "/api/v1/public/cases", P_PUBLIC, submit, 0, "公众：网上提交信访事项"},
    {M_POST, "/api/v1/public/lookup", P_PUBLIC, lookup, 0, "公众：凭查询码查询办理进度"},
    {M_POST, "/api/v1/public/rate", P_PUBLIC, rate, 0, "公众：对答复进行满意度评价"},
    ROUTES_END,
};
