/* Use cases of petition cases outside the workflow: registration (by a clerk or by a citizen on
 * the public page), links between cases, a new query code, the personal-data view (cases.h). */
#include "cases.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/pii.h"
#include "../util/timeu.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_case_event(struct app_ctx *c, int64_t case_id, const char *action, const char *from, const char *to,
                   const char *note, const char *data, int public_, int64_t *event_id)
{
    const struct audit_ctx *a = c->who;
    int64_t uid = a && a->user_id > 0 ? a->user_id : 0;
    /* Someone without an account (a citizen's own submission or rating) is 群众. */
    const char *name = a && a->username && *a->username ? a->username : "群众";
    return st_case_event_add(c->db, uid, name, case_id, action, from, to, note, data, public_, event_id);
}

int app_case_query_code(struct app_ctx *c, int64_t id, char code[QUERY_CODE_BUF])
{
    /* Drawn again on the (astronomically unlikely) clash with another case's code. */
    for (int attempt = 0; attempt < 4; attempt++) {
        query_code_generate(code);
        char h[PII_HASH_BUF];
        pii_hash("query", code, h);
        int rc = st_case_set_query_hash(c->db, id, h);
        if (rc != SX_EDUPLICATE) {
            if (rc) code[0] = 0;
            return rc;
        }
    }
    code[0] = 0;
    return app_fail(c, SX_EINTERNAL, NULL, NULL);
}

static int64_t who_id(const struct app_ctx *c) { return c->who && c->who->user_id > 0 ? c->who->user_id : 0; }

/* Repeat detection for an intake (st_case_repeat.c) with the same viewer the form's match uses. */
static int analyse_intake(struct db *db, const struct case_viewer *v, const struct case_in *in, struct case_repeat *rep)
{
    const char *ids[CASE_MAX_PETITIONERS], *phones[CASE_MAX_PETITIONERS];
    struct case_match_in m = {.region_id = in->region_id, .category = in->category, .kind = in->kind,
                              .title = in->title, .content = in->content, .id_numbers = ids, .phones = phones};
    for (int i = 0; i < in->n_pet && i < CASE_MAX_PETITIONERS; i++) {
        if (in->pet[i].id_number && *in->pet[i].id_number) ids[m.n_ids++] = in->pet[i].id_number;
        if (in->pet[i].phone && *in->pet[i].phone) phones[m.n_phones++] = in->pet[i].phone;
    }
    return st_case_repeat_analyse(db, v, &m, rep, NULL);
}

/* An intake refused for a reference that does not exist (or is out of the viewer's scope). A
 * citizen on the public page is told only what they chose themselves. */
static int intake_fail(struct app_ctx *c, int public_, const char *field)
{
    static const struct {
        const char *field, *msg, *public_msg;
    } msgs[] = {
        {"region_id", "问题属地不存在", "请选择事项所在地区"},
        {"category", "事项分类不是字典中启用的选项", "请选择事项分类"},
        {"unit_id", "登记单位不存在", NULL},
        {"reception_day_id", "接访日不存在或尚未发布", NULL},
        {"accused_unit_id", "被检举控告单位不存在", NULL},
        {"accused_user_id", "被检举控告人不存在", NULL},
        {"duplicate_of", "重复件所属事项不存在或不在您的数据范围内", NULL},
        {"related_case_ids", "关联事项不存在或不在您的数据范围内", NULL},
    };
    const char *msg = NULL;
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        if (!strcmp(msgs[i].field, field)) msg = public_ ? msgs[i].public_msg : msgs[i].msg;
    return app_fail(c, SX_EVALIDATION, field, msg);
}

/* SX_EVALIDATION on field unless the row exists. */
static int require_ref(struct app_ctx *c, int public_, enum case_ref what, int64_t id, const char *field)
{
    int yes = 0, rc = st_case_ref_exists(c->db, what, id, &yes);
    if (rc) return rc;
    return yes ? SX_OK : intake_fail(c, public_, field);
}

/* The references of an intake: region (and its county), category, unit, reception day, the
 * accused. The field at fault when one does not exist. */
static int check_refs(struct app_ctx *c, int pub, const struct case_in *in, int64_t unit_id, int64_t *county)
{
    int rc = st_case_region_county(c->db, in->region_id, county);
    if (rc == SX_ENOTFOUND) return intake_fail(c, pub, "region_id");
    if (rc) return rc;
    int yes = 0;
    if ((rc = st_case_category_enabled(c->db, in->category, &yes))) return rc;
    if (!yes) return intake_fail(c, pub, "category");
    if (unit_id <= 0) return intake_fail(c, pub, "unit_id");
    if ((rc = require_ref(c, pub, CASE_REF_UNIT, unit_id, "unit_id"))) return rc;
    if (in->reception_day_id &&
        (rc = require_ref(c, pub, CASE_REF_PUBLISHED_DAY, in->reception_day_id, "reception_day_id")))
        return rc;
    if (in->accused_unit_id && (rc = require_ref(c, pub, CASE_REF_UNIT, in->accused_unit_id, "accused_unit_id")))
        return rc;
    if (in->accused_user_id && (rc = require_ref(c, pub, CASE_REF_PERSON, in->accused_user_id, "accused_user_id")))
        return rc;
    return SX_OK;
}

/* The audit and timeline details of a registration. */
static char *create_details(const struct case_in *in, const char *case_no, int first_time, int64_t dup,
                            int auto_linked, int matter_final)
{
    json_t *d = json_pack("{s:s,s:s,s:s,s:b,s:i}", "channel", in->channel, "kind", in->kind, "case_no", case_no,
                          "first_time", first_time, "petitioners", in->n_pet);
    if (!d) return NULL;
    if (dup) json_object_set_new(d, "duplicate_of", json_integer(dup));
    if (auto_linked) json_object_set_new(d, "auto_linked", json_true());
    if (matter_final) json_object_set_new(d, "matter_final", json_true());
    if (in->new_matter) json_object_set_new(d, "new_matter", json_true());
    char *dt = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return dt;
}

int app_case_create(struct app_ctx *c, void *arg)
{
    struct case_create *x = arg;
    const struct case_viewer *v = x->v;
    const struct case_in *in = x->in;
    x->query_code[0] = 0;
    x->id = 0;
    int64_t county = 0, unit_id = in->unit_id ? in->unit_id : (v ? v->unit_id : 0);
    int rc = check_refs(c, !v, in, unit_id, &county);
    if (rc) return rc;
    /* The repeat link: the clerk's choice, or what repeat detection finds (same petitioner and
     * matter) unless the clerk confirmed a new matter. A citizen's submission is compared with
     * every case but 检举控告 (st_case_public_viewer). */
    struct scope all;
    struct case_viewer pub;
    const struct case_viewer *rv = v;
    if (!v) {
        st_case_public_viewer(&pub, &all);
        rv = &pub;
    }
    int64_t dup = in->duplicate_of;
    int matter_final = 0, first_time = 0, auto_linked = 0;
    if (!dup && !in->new_matter) {
        struct case_repeat rep;
        if ((rc = analyse_intake(c->db, rv, in, &rep))) return rc;
        dup = rep.link_id;
        first_time = rep.first_time;
        auto_linked = dup != 0;
    } else if (!dup) {
        first_time = 1;
    }
    if (dup) {
        struct case_facts orig;
        rc = st_case_row(c->db, rv, dup, &orig);
        if (rc == SX_ENOTFOUND) return intake_fail(c, !v, "duplicate_of");
        if (rc) return rc;
        matter_final = orig.cs.matter_final || (orig.cs.review_level == 2 && orig.cs.status == CS_CLOSED);
    }
    for (int i = 0; i < in->n_related; i++) {
        struct case_facts other;
        rc = v ? st_case_row(c->db, v, in->related_ids[i], &other) : SX_ENOTFOUND;
        if (rc == SX_ENOTFOUND) return intake_fail(c, !v, "related_case_ids");
        if (rc) return rc;
    }
    cal_day rday = case_local_day(in->received_at);
    if (!rday) return app_fail(c, SX_EVALIDATION, "received_at", NULL);
    int year = day_year(rday);
    int64_t seq = 0, cid = 0;
    if ((rc = st_case_next_seq(c->db, year, &seq))) return rc;
    char case_no[32], now[32];
    case_number_format(year, seq, case_no);
    time_iso_now(now);
    struct case_row_new n = {
        .case_no = case_no, .channel = in->channel, .kind = in->kind, .category = in->category,
        .title = in->title, .content = in->content, .received_at = in->received_at,
        .urgency = in->urgency && *in->urgency ? in->urgency : "normal",
        .source = in->source && *in->source ? in->source : "console", .now = now, .year = year,
        .first_time = first_time, .matter_final = matter_final, .seq = seq, .region_id = in->region_id,
        .county_id = county, .head_count = in->head_count > 0 ? in->head_count : (in->n_pet > 0 ? in->n_pet : 1),
        .unit_id = unit_id, .accused_unit_id = in->accused_unit_id, .accused_user_id = in->accused_user_id,
        .reception_day_id = in->reception_day_id, .duplicate_of = dup, .created_by = who_id(c)};
    if ((rc = st_case_insert(c->db, &n, &cid))) return rc;
    if ((rc = app_case_query_code(c, cid, x->query_code))) return rc;
    for (int i = 0; i < in->n_pet; i++)
        if ((rc = st_case_petitioner_insert(c->db, cid, i + 1, &in->pet[i]))) return rc;
    if (dup && (rc = st_case_link_add(c->db, cid, dup, "duplicate", who_id(c)))) return rc;
    for (int i = 0; i < in->n_related; i++)
        if ((rc = st_case_link_add(c->db, cid, in->related_ids[i], "related", who_id(c)))) return rc;
    char *dt = create_details(in, case_no, first_time, dup, auto_linked, matter_final);
    if (!dt) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    rc = app_case_event(c, cid, "register", "", "registered", "", dt, 1, NULL);
    if (!rc) rc = app_audit_id(c, "case.create", "case", cid, dt);
    free(dt);
    if (rc || (rc = app_case_store_due(c, cid))) return rc;
    x->id = cid;
    return SX_OK;
}

int app_case_new_query_code(struct app_ctx *c, void *arg)
{
    struct case_query_code *x = arg;
    x->query_code[0] = 0;
    struct case_facts r;
    int rc = st_case_row(c->db, x->v, x->id, &r);
    if (!rc) rc = app_case_query_code(c, x->id, x->query_code);
    if (!rc) rc = app_case_event(c, x->id, "query_code", "", "", "", "{}", 0, NULL);
    if (!rc) rc = app_audit_id(c, "case.query_code", "case", x->id, "");
    if (rc) x->query_code[0] = 0;
    return rc;
}

int app_case_link(struct app_ctx *c, void *arg)
{
    const struct case_link *x = arg;
    struct case_facts r1, r2;
    int rc = st_case_row(c->db, x->v, x->id, &r1);
    if (rc) return rc;
    static const char why[] = "关联事项不存在、不在您的数据范围内或就是本事项";
    if (x->id == x->other) return app_fail(c, SX_EVALIDATION, "case_id", why);
    rc = st_case_row(c->db, x->v, x->other, &r2);
    if (rc == SX_ENOTFOUND) return app_fail(c, SX_EVALIDATION, "case_id", why);
    if (rc || (rc = st_case_link_add(c->db, x->id, x->other, "related", who_id(c)))) return rc;
    char d[64];
    snprintf(d, sizeof d, "{\"case_id\":%lld}", (long long)x->other);
    if ((rc = app_case_event(c, x->id, "link", "", "", x->note, d, 0, NULL))) return rc;
    snprintf(d, sizeof d, "{\"case_id\":%lld}", (long long)x->id);
    if ((rc = app_case_event(c, x->other, "link", "", "", x->note, d, 0, NULL))) return rc;
    snprintf(d, sizeof d, "{\"other\":%lld}", (long long)x->other);
    return app_audit_id(c, "case.link", "case", x->id, d);
}

int app_case_pii_view(struct app_ctx *c, void *arg)
{
    struct case_pii_view *x = arg;
    json_decref(x->out); /* a retried attempt starts over */
    x->out = NULL;
    struct case_facts r;
    json_t *sealed = NULL;
    int rc = st_case_row(c->db, x->v, x->id, &r);
    if (rc || (rc = st_case_petitioners_sealed(c->db, x->id, &sealed))) return rc;
    json_t *items = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(sealed, i, p)
    {
        char idn[300], ph[300];
        const char *ie = json_string_value(json_object_get(p, "id_number_enc")),
                   *pe = json_string_value(json_object_get(p, "phone_enc"));
        if (pii_open(ie ? ie : "", idn, sizeof idn) || pii_open(pe ? pe : "", ph, sizeof ph)) {
            log_error("case %lld: a petitioner's sealed data does not open with this key", (long long)x->id);
            snprintf(idn, sizeof idn, "（无法解密）");
            snprintf(ph, sizeof ph, "（无法解密）");
        }
        const char *name = json_string_value(json_object_get(p, "name"));
        json_array_append_new(items, json_pack("{s:O,s:s,s:s,s:s}", "id", json_object_get(p, "id"), "name",
                                               name ? name : "", "id_number", idn, "phone", ph));
        sodium_memzero(idn, sizeof idn); /* the plain values live on only in the answer */
        sodium_memzero(ph, sizeof ph);
    }
    json_decref(sealed);
    char d[64];
    snprintf(d, sizeof d, "{\"petitioners\":%zu}", json_array_size(items));
    if ((rc = app_audit_id(c, "case.pii_view", "case", x->id, d))) {
        json_decref(items);
        return rc;
    }
    x->out = json_pack("{s:o}", "petitioners", items);
    return x->out ? SX_OK : app_fail(c, SX_EINTERNAL, NULL, NULL);
}
