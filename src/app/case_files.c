/* Use cases of what a petition case receives besides the workflow: an attachment uploaded to it,
 * the petitioner's rating of the reply on the public page (cases.h). */
#include "cases.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

int app_case_attach(struct app_ctx *c, void *arg)
{
    struct case_attach *x = arg;
    json_decref(x->out); /* a retried attempt starts over */
    x->out = NULL;
    char status[16];
    int rc = st_case_status_of(c->db, x->v, x->case_id, status);
    if (rc) return rc;
    /* The type was refused: said only about a case the viewer sees (404 before 415). */
    if (!x->mime)
        return app_fail(c, SX_EMEDIA, "body",
                        "不支持的附件类型：只能上传 PDF、JPEG、PNG、GIF、WebP 图片、Word（.docx）、Excel（.xlsx）文档或"
                        " UTF-8 文本文件");
    int64_t n = 0;
    if ((rc = st_case_attachment_count(c->db, x->case_id, &n))) return rc;
    if (n >= CASE_MAX_ATTACHMENTS)
        return app_failf(c, SX_ECONFLICT, NULL, "每件信访事项最多上传%d个附件", CASE_MAX_ATTACHMENTS);
    unsigned char h[crypto_hash_sha256_BYTES];
    char sha[crypto_hash_sha256_BYTES * 2 + 1], now[32];
    crypto_hash_sha256(h, x->data, x->len);
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    time_iso_now(now);
    int64_t att = 0, uid = c->who && c->who->user_id > 0 ? c->who->user_id : 0;
    if ((rc = st_case_attachment_insert(c->db, x->case_id, x->name, x->mime, x->data, x->len, sha, uid, now, &att)))
        return rc;
    json_t *d = json_pack("{s:I,s:s,s:s,s:I,s:s}", "attachment_id", (json_int_t)att, "name", x->name, "mime", x->mime,
                          "size", (json_int_t)x->len, "sha256", sha);
    char *dt = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (!dt) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    /* The upload is recorded as an "attach" event naming it; a later action binds it to its own. */
    rc = app_case_event(c, x->case_id, "attach", status, status, x->name, dt, 0, NULL);
    if (!rc) rc = st_case_touch(c->db, x->case_id, now);
    if (!rc) rc = app_audit_id(c, "case.attach", "case", x->case_id, dt);
    free(dt);
    if (rc) return rc;
    x->out = json_pack("{s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)att, "name", x->name, "mime", x->mime, "size",
                       (json_int_t)x->len, "sha256", sha);
    return x->out ? SX_OK : app_fail(c, SX_EINTERNAL, NULL, NULL);
}

int app_case_public_rate(struct app_ctx *c, void *arg)
{
    const struct case_public_rate *x = arg;
    int sat = case_satisfaction_from_code(x->satisfaction);
    if (sat <= 0) return app_fail(c, SX_EVALIDATION, NULL, "请选择满意、基本满意或不满意");
    int64_t id, eff;
    int rc = st_case_public_find(c->db, x->code_hash, x->last4_hash, &id, &eff);
    if (rc) return rc;
    char own[16], shown[16];
    int rated = 0;
    if ((rc = st_case_rating_state(c->db, id, eff, own, shown, &rated))) return rc;
    if (rated) return app_fail(c, SX_ECONFLICT, NULL, "您已评价过，每件事项只能评价一次");
    if (!case_status_rateable(shown)) return app_fail(c, SX_ECONFLICT, NULL, "答复之后才能评价");
    char now[32];
    time_iso_now(now);
    const char *code = case_satisfaction_code((enum case_satisfaction)sat);
    rc = st_case_set_rating(c->db, id, code, now);
    if (rc == SX_EVERSION) return app_fail(c, SX_ECONFLICT, NULL, "您已评价过，每件事项只能评价一次");
    if (rc) return rc;
    char data[64];
    snprintf(data, sizeof data, "{\"satisfaction\":\"%s\"}", code);
    if ((rc = st_case_event_add(c->db, 0, "信访人", id, "rate", own, own, "", data, 1, NULL))) return rc;
    return app_audit_id(c, "case.public_rate", "case", id, data);
}
