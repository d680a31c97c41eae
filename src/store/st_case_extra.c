/* Petition cases: repeat detection (重复件), attachments, 我的待办 and the export rows.
 * Every statement goes through CASE_VISIBLE (st_case_prepare): an invisible case is not found. */
#include "store.h"
#include "../domain/perm.h"
#include "../domain/similar.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/pii.h"
#include "../util/timeu.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MATCH_SIMILAR_CANDIDATES 500 /* most recent cases of the county compared by content */
#define MATCH_MAX_ITEMS 20
#define MATCH_MIN_CHARS 4 /* fewer significant characters: too little to compare */
#define MATCH_MAX_PET 100

/* JSON array text of strings for json_each(?) (malloc'd, NULL on failure). */
static char *str_array_text(char (*v)[PII_HASH_BUF], int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of now minus days. */
static void since_iso(int days, char out[32])
{
    time_iso(time(NULL) - (time_t)days * 86400, out);
}

struct match {
    int64_t id;
    int by_id, by_phone, by_rep, similarity; /* similarity -1: not compared / below the bar */
    json_t *row;                             /* id, case_no, title, status, received_at, region_name */
};

struct matches {
    struct match m[MATCH_MAX_PET + MATCH_SIMILAR_CANDIDATES + 8];
    int n;
};

static struct match *find_or_add(struct matches *ms, int64_t id, json_t *row)
{
    for (int i = 0; i < ms->n; i++)
        if (ms->m[i].id == id) return &ms->m[i];
    if (ms->n >= (int)(sizeof ms->m / sizeof ms->m[0])) return NULL;
    struct match *m = &ms->m[ms->n++];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->similarity = -1;
    m->row = json_incref(row);
    return m;
}

static int score_of(const struct match *m)
{
    if (m->by_id || m->by_phone) return 100;
    if (m->by_rep) return 90;
    return m->similarity > 0 ? m->similarity : 0;
}

static int cmp_match(const void *a, const void *b)
{
    const struct match *x = a, *y = b;
    int sx = score_of(x), sy = score_of(y);
    if (sx != sy) return sy - sx;
    const char *rx = json_string_value(json_object_get(x->row, "received_at"));
    const char *ry = json_string_value(json_object_get(y->row, "received_at"));
    int c = strcmp(ry ? ry : "", rx ? rx : ""); /* newer first */
    if (c) return c;
    return (x->id < y->id) - (x->id > y->id);
}

/* Petitioner matches: any visible case in the window with a petitioner whose ID or phone hash
 * is one of the given ones. A matched petitioner who represents a group petition (5 or more
 * people, or 2 or more representatives) counts as "同一代表人" unless another matched
 * petitioner of that case is not such a representative. */
static int match_petitioners(struct db *db, const struct case_viewer *v, const struct case_match_in *in,
                             const char *since, struct matches *ms)
{
    char (*ih)[PII_HASH_BUF] = calloc((size_t)in->n_ids + 1, PII_HASH_BUF);
    char (*ph)[PII_HASH_BUF] = calloc((size_t)in->n_phones + 1, PII_HASH_BUF);
    char *ids = NULL, *phones = NULL;
    int rc = SX_EINTERNAL;
    if (!ih || !ph) goto out;
    int ni = 0, np = 0;
    for (int i = 0; i < in->n_ids; i++)
        if (in->id_numbers[i] && *in->id_numbers[i]) pii_hash("id", in->id_numbers[i], ih[ni++]);
    for (int i = 0; i < in->n_phones; i++)
        if (in->phones[i] && *in->phones[i]) pii_hash("phone", in->phones[i], ph[np++]);
    if (!ni && !np) {
        rc = SX_OK;
        goto out;
    }
    ids = str_array_text(ih, ni);
    phones = str_array_text(ph, np);
    if (!ids || !phones) goto out;
    struct db_stmt *s = st_case_prepare(
        db,
        "SELECT c.id, c.case_no, c.title, c.status, c.received_at, r.name AS region_name,"
        " MAX(m.by_id AND NOT m.grp_rep) AS by_id, MAX(m.by_phone AND NOT m.grp_rep) AS by_phone,"
        " MAX(m.grp_rep) AS by_rep"
        " FROM (SELECT p.case_id,"
        "  p.id_hash IS NOT NULL AND p.id_hash IN (SELECT value FROM json_each(?15)) AS by_id,"
        "  p.phone_hash IS NOT NULL AND p.phone_hash IN (SELECT value FROM json_each(?16)) AS by_phone,"
        "  p.is_representative AND ((SELECT head_count FROM cases g WHERE g.id = p.case_id) >= 5"
        "   OR (SELECT COUNT(*) FROM case_petitioners q WHERE q.case_id = p.case_id AND q.is_representative) >= 2)"
        "   AS grp_rep"
        "  FROM case_petitioners p"
        "  WHERE p.id_hash IN (SELECT value FROM json_each(?15)) OR p.phone_hash IN (SELECT value FROM json_each(?16))"
        " ) m JOIN cases c ON c.id = m.case_id JOIN regions r ON r.id = c.region_id"
        " WHERE " CASE_VISIBLE " AND c.received_at >= ?17 AND c.id <> ?18"
        " GROUP BY c.id ORDER BY c.received_at DESC LIMIT ?19",
        v);
    if (!s) goto out;
    db_bind_text(s, 15, ids);
    db_bind_text(s, 16, phones);
    db_bind_text(s, 17, since);
    db_bind_int(s, 18, in->exclude_id);
    db_bind_int(s, 19, MATCH_MAX_PET);
    json_t *rows;
    if ((rc = db_all_json(s, &rows))) goto out;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        struct match *m = find_or_add(ms, json_integer_value(json_object_get(row, "id")), row);
        if (!m) break;
        m->by_id = json_integer_value(json_object_get(row, "by_id")) != 0;
        m->by_phone = json_integer_value(json_object_get(row, "by_phone")) != 0;
        m->by_rep = !m->by_id && !m->by_phone && json_integer_value(json_object_get(row, "by_rep")) != 0;
    }
    json_decref(rows);
out:
    free(ih);
    free(ph);
    free(ids);
    free(phones);
    return rc;
}

/* The materialised path of the county (level 2) that region_id lies in, or of the region itself
 * when it is above county level. "" when the region does not exist. */
static int county_path(struct db *db, int64_t region_id, char *out, size_t n)
{
    out[0] = 0;
    struct db_stmt *s = db_prepare(db, "SELECT k.path FROM regions r JOIN regions k"
                                       " ON k.level = min(r.level, 2) AND substr(r.path, 1, length(k.path)) = k.path"
                                       " WHERE r.id = ?1");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, region_id);
    int rc = db_step(s);
    if (rc == DB_ROW) snprintf(out, n, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

/* Content matches: the most recent visible cases of the county within the window whose title
 * and content are at least similarity_percent similar to the input's (computed here, not in SQL). */
static int match_content(struct db *db, const struct case_viewer *v, const struct case_match_in *in,
                         const char *since, int bar, struct matches *ms)
{
    if (in->region_id <= 0) return SX_OK;
    size_t tl = in->title ? strlen(in->title) : 0, cl = in->content ? strlen(in->content) : 0;
    char *text = malloc(tl + cl + 2);
    if (!text) return SX_EINTERNAL;
    snprintf(text, tl + cl + 2, "%s\n%s", in->title ? in->title : "", in->content ? in->content : "");
    struct similar_text q;
    int rc = similar_prepare(text, strlen(text), &q) ? SX_EINTERNAL : SX_OK;
    free(text);
    if (rc) return rc;
    if (q.chars < MATCH_MIN_CHARS) goto out;
    char path[200], lo[200], hi[200];
    if ((rc = county_path(db, in->region_id, path, sizeof path)) || !path[0]) goto out;
    store_path_range(path, lo, hi, sizeof lo);
    struct db_stmt *s = st_case_prepare(
        db,
        "SELECT c.id, c.case_no, c.title, c.status, c.received_at, r.name AS region_name, c.content"
        " FROM cases c JOIN regions r ON r.id = c.region_id"
        " WHERE " CASE_VISIBLE " AND c.received_at >= ?15 AND c.id <> ?16"
        " AND c.region_id IN (SELECT id FROM regions WHERE path >= ?17 AND path < ?18)"
        " ORDER BY c.received_at DESC, c.id DESC LIMIT ?19",
        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto out;
    }
    db_bind_text(s, 15, since);
    db_bind_int(s, 16, in->exclude_id);
    db_bind_text(s, 17, lo);
    db_bind_text(s, 18, hi);
    db_bind_int(s, 19, MATCH_SIMILAR_CANDIDATES);
    while ((rc = db_step(s)) == DB_ROW) {
        const char *t = db_col_text(s, 2), *c = db_col_text(s, 6);
        size_t a = t ? strlen(t) : 0, b = c ? strlen(c) : 0;
        char *ct = malloc(a + b + 2);
        if (!ct) {
            rc = SX_EINTERNAL;
            break;
        }
        snprintf(ct, a + b + 2, "%s\n%s", t ? t : "", c ? c : "");
        struct similar_text o;
        int bad = similar_prepare(ct, strlen(ct), &o);
        free(ct);
        if (bad) {
            rc = SX_EINTERNAL;
            break;
        }
        int p = similar_score(&q, &o);
        similar_free(&o);
        if (p < bar) continue;
        json_t *row = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int(s, 0), "case_no",
                                db_col_text(s, 1) ? db_col_text(s, 1) : "", "title", t ? t : "", "status",
                                db_col_text(s, 3) ? db_col_text(s, 3) : "", "received_at",
                                db_col_text(s, 4) ? db_col_text(s, 4) : "", "region_name",
                                db_col_text(s, 5) ? db_col_text(s, 5) : "");
        struct match *m = row ? find_or_add(ms, db_col_int(s, 0), row) : NULL;
        json_decref(row);
        if (m) m->similarity = p;
    }
    db_reset(s);
    if (rc == DB_DONE) rc = SX_OK;
out:
    similar_free(&q);
    return rc;
}

int st_case_match(struct db *db, const struct case_viewer *v, const struct case_match_in *in, json_t **out)
{
    *out = NULL;
    struct case_settings cs;
    int rc = st_case_settings_get(db, &cs);
    if (rc) return rc;
    char since[32];
    since_iso(cs.repeat_window_days, since);
    struct matches *ms = calloc(1, sizeof *ms);
    if (!ms) return SX_EINTERNAL;
    if ((rc = db_begin_read(db))) goto out;
    rc = match_petitioners(db, v, in, since, ms);
    if (!rc) rc = match_content(db, v, in, since, cs.similarity_percent, ms);
    db_commit(db);
    if (rc) goto out;
    int first_time = 1;
    for (int i = 0; i < ms->n; i++)
        if (ms->m[i].by_id || ms->m[i].by_phone || ms->m[i].by_rep) first_time = 0;
    qsort(ms->m, (size_t)ms->n, sizeof ms->m[0], cmp_match);
    json_t *items = json_array();
    for (int i = 0; i < ms->n && i < MATCH_MAX_ITEMS; i++) {
        const struct match *m = &ms->m[i];
        json_t *reasons = json_array();
        if (m->by_id) json_array_append_new(reasons, json_string("同一信访人（身份证号）"));
        if (m->by_phone) json_array_append_new(reasons, json_string("同一信访人（电话）"));
        if (m->by_rep) json_array_append_new(reasons, json_string("同一代表人"));
        if (m->similarity >= 0) {
            char buf[64];
            snprintf(buf, sizeof buf, "内容相似（%d%%）", m->similarity);
            json_array_append_new(reasons, json_string(buf));
        }
        const char *st = json_string_value(json_object_get(m->row, "status"));
        json_array_append_new(
            items, json_pack("{s:I,s:O,s:O,s:O,s:s,s:O,s:O,s:i,s:o}", "id", (json_int_t)m->id, "case_no",
                             json_object_get(m->row, "case_no"), "title", json_object_get(m->row, "title"), "status",
                             json_object_get(m->row, "status"), "status_label", case_status_label_of(st), "received_at",
                             json_object_get(m->row, "received_at"), "region_name",
                             json_object_get(m->row, "region_name"), "score", score_of(m), "reasons", reasons));
    }
    *out = json_pack("{s:o,s:b}", "items", items, "first_time", first_time);
    if (!*out) rc = SX_EINTERNAL;
out:
    for (int i = 0; i < ms->n; i++) json_decref(ms->m[i].row);
    free(ms);
    return rc;
}

/* ---- attachments ---- */

int st_case_attach(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t case_id,
                   const char *name, const char *mime, const void *data, size_t len, json_t **out)
{
    *out = NULL;
    char *dt = NULL; /* the event's data, also the audit details */
    unsigned char h[crypto_hash_sha256_BYTES];
    char sha[crypto_hash_sha256_BYTES * 2 + 1], now[32];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    time_iso_now(now);
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct db_stmt *s = st_case_prepare(db, "SELECT c.status FROM cases c WHERE " CASE_VISIBLE " AND c.id = ?15", v);
    if (!s) goto fail;
    db_bind_int(s, 15, case_id);
    json_t *row = NULL;
    if ((rc = db_one_json(s, &row))) goto fail;
    if (!row) {
        rc = SX_ENOTFOUND;
        goto fail;
    }
    char status[32];
    snprintf(status, sizeof status, "%s", json_string_value(json_object_get(row, "status")));
    json_decref(row);
    if (!mime) { /* the type was refused: said only about a case the viewer sees */
        rc = SX_EMEDIA;
        goto fail;
    }
    int64_t n = 0;
    if (!(s = db_prepare(db, "SELECT COUNT(*) FROM case_attachments WHERE case_id = ?1"))) goto fail;
    db_bind_int(s, 1, case_id);
    if ((rc = db_int(s, &n))) goto fail;
    if (n >= CASE_MAX_ATTACHMENTS) {
        rc = SX_ETOOLARGE;
        goto fail;
    }
    if (!(s = db_prepare(db, "INSERT OR IGNORE INTO case_blobs (sha256, size, data) VALUES (?1, ?2, ?3)"))) goto fail;
    db_bind_text(s, 1, sha);
    db_bind_int(s, 2, (int64_t)len);
    db_bind_blob(s, 3, data, len);
    if ((rc = db_run(s))) goto fail;
    /* event_id stays NULL: a later workflow action binds the attachment to its own event
     * (attachment_ids); the upload itself is recorded as an "attach" event naming it. */
    if (!(s = db_prepare(db, "INSERT INTO case_attachments (case_id, name, mime, size, sha256, uploaded_by,"
                             " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")))
        goto fail;
    db_bind_int(s, 1, case_id);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, mime);
    db_bind_int(s, 4, (int64_t)len);
    db_bind_text(s, 5, sha);
    if (a->user_id > 0) db_bind_int(s, 6, a->user_id);
    else db_bind_null(s, 6);
    db_bind_text(s, 7, now);
    if ((rc = db_run(s))) goto fail;
    int64_t att_id = db_last_id(db);
    json_t *d = json_pack("{s:I,s:s,s:s,s:I,s:s}", "attachment_id", (json_int_t)att_id, "name", name, "mime", mime,
                          "size", (json_int_t)len, "sha256", sha);
    dt = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (!dt) goto fail;
    s = db_prepare(db, "INSERT INTO case_events (case_id, action, from_status, to_status, actor_id, actor_name, at,"
                       " note, data) VALUES (?1, 'attach', ?2, ?2, ?3,"
                       " COALESCE((SELECT display_name FROM users WHERE id = ?3), ?4, ''), ?5, ?6, ?7)");
    if (!s) goto fail;
    db_bind_int(s, 1, case_id);
    db_bind_text(s, 2, status);
    if (a->user_id > 0) db_bind_int(s, 3, a->user_id);
    else db_bind_null(s, 3);
    db_bind_text(s, 4, a->username);
    db_bind_text(s, 5, now);
    db_bind_text(s, 6, name);
    db_bind_text(s, 7, dt);
    if ((rc = db_run(s))) goto fail;
    if (!(s = db_prepare(db, "UPDATE cases SET updated_at = ?2 WHERE id = ?1"))) goto fail;
    db_bind_int(s, 1, case_id);
    db_bind_text(s, 2, now);
    if ((rc = db_run(s))) goto fail;
    *out = json_pack("{s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)att_id, "name", name, "mime", mime, "size",
                     (json_int_t)len, "sha256", sha);
    if (!*out) goto fail;
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)case_id);
    if ((rc = st_audit_append(db, a, "case.attach", "case", idt, 1, dt))) goto fail;
    if ((rc = db_commit(db))) goto fail;
    free(dt);
    return SX_OK;
fail:
    db_rollback(db);
    free(dt);
    json_decref(*out);
    *out = NULL;
    return rc ? rc : SX_EINTERNAL;
}

int st_case_attachment(struct db *db, const struct case_viewer *v, int64_t case_id, int64_t att_id, json_t **meta,
                       void **data, size_t *len)
{
    *meta = NULL;
    *data = NULL;
    *len = 0;
    struct db_stmt *s = st_case_prepare(db,
                                        "SELECT a.id, a.name, a.mime, a.size, a.sha256, b.data FROM case_attachments a"
                                        " JOIN cases c ON c.id = a.case_id JOIN case_blobs b ON b.sha256 = a.sha256"
                                        " WHERE " CASE_VISIBLE " AND c.id = ?15 AND a.id = ?16",
                                        v);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 15, case_id);
    db_bind_int(s, 16, att_id);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_reset(s);
        return rc == DB_DONE ? SX_ENOTFOUND : rc;
    }
    size_t n = 0;
    const void *p = db_col_blob(s, 5, &n);
    *data = malloc(n ? n : 1);
    if (*data) {
        if (n) memcpy(*data, p, n);
        *len = n;
        *meta = json_pack("{s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                          db_col_text(s, 1) ? db_col_text(s, 1) : "", "mime", db_col_text(s, 2) ? db_col_text(s, 2) : "",
                          "size", (json_int_t)db_col_int(s, 3), "sha256", db_col_text(s, 4) ? db_col_text(s, 4) : "");
    }
    db_reset(s);
    if (!*data || !*meta) {
        free(*data);
        *data = NULL;
        json_decref(*meta);
        *meta = NULL;
        return SX_EINTERNAL;
    }
    return SX_OK;
}

/* ---- 我的待办 ---- */

static const struct {
    const char *task, *label;
} task_labels[] = {
    {"accept", "待受理"}, {"assign", "待交办"}, {"sign", "待签收"},         {"reply", "待答复"},
    {"callback", "待回访"}, {"close", "待办结"}, {"approve", "待审批延期"},
};

static const char *task_label(const char *task)
{
    for (size_t i = 0; i < sizeof task_labels / sizeof task_labels[0]; i++)
        if (task && !strcmp(task, task_labels[i].task)) return task_labels[i].label;
    return "";
}

static int has(const struct case_viewer *v, int p) { return (v->perms & perm_bit(p)) ? 1 : 0; }

/* The task keys: the handling unit's tasks (签收, 答复) only for its people or the handler. Each
 * key carries its deadline state against ?23 (today) and ?24 (today + warn days). Only columns
 * of the cases_todo index are read, so counting all of a user's tasks never touches the wide rows. */
#define TODO_STATE " " CASE_DUE_STATE("?23", "?24") " AS deadline_state"
#define TODO_KEYS                                                                                               \
    "WITH todo AS (SELECT t.task, c.id AS case_id, c.due_date," TODO_STATE " FROM cases c"                      \
    " JOIN (SELECT 'accept' AS task, 'registered' AS st, ?15 AS ok, 0 AS own"                                   \
    "  UNION ALL SELECT 'assign', 'accepted', ?16, 0"                                                           \
    "  UNION ALL SELECT 'sign', 'assigned', ?17, 1"                                                             \
    "  UNION ALL SELECT 'reply', 'signed', ?18, 1"                                                              \
    "  UNION ALL SELECT 'reply', 'in_progress', ?18, 1"                                                         \
    "  UNION ALL SELECT 'callback', 'replied', ?19, 0"                                                          \
    "  UNION ALL SELECT 'close', 'called_back', ?20, 0) t"                                                      \
    " ON t.st = c.status AND t.ok = 1 AND (t.own = 0 OR c.handling_unit_id = ?14 OR c.handler_id = ?13)"       \
    " WHERE " CASE_VISIBLE                                                                                      \
    " UNION ALL SELECT 'approve' AS task, c.id, c.due_date," TODO_STATE " FROM cases c"                         \
    " WHERE ?21 = 1 AND c.ext = 'pending' AND c.status IN ('signed', 'in_progress') AND " CASE_VISIBLE ") "

static void todo_bind(struct db_stmt *s, const struct case_viewer *v, const struct case_settings *cs)
{
    db_bind_int(s, 15, has(v, P_CASE_ACCEPT));
    db_bind_int(s, 16, has(v, P_CASE_ASSIGN));
    db_bind_int(s, 17, has(v, P_CASE_SIGN));
    db_bind_int(s, 18, has(v, P_CASE_REPLY));
    db_bind_int(s, 19, has(v, P_CASE_CALLBACK));
    db_bind_int(s, 20, has(v, P_CASE_CLOSE));
    db_bind_int(s, 21, has(v, P_CASE_EXTEND_APPROVE));
    st_case_bind_today(s, 23, cs);
}

int st_case_todo(struct db *db, const struct case_viewer *v, const char *task, const char *state, int64_t limit,
                 int64_t offset, json_t **items, int64_t *total, json_t **counts)
{
    *items = NULL;
    *counts = NULL;
    *total = 0;
    struct case_settings cs;
    int rc = st_case_settings_get(db, &cs);
    if (rc) return rc;
    if ((rc = db_begin_read(db))) return rc; /* counts and page from one snapshot */
    /* Counts per task and per deadline state, and the total under the filter. */
    struct db_stmt *s = st_case_prepare(
        db,
        TODO_KEYS "SELECT task, COUNT(*), SUM(deadline_state = 'overdue'), SUM(deadline_state = 'due_soon'),"
                  " SUM((?25 IS NULL OR task = ?25) AND (?26 IS NULL OR deadline_state = ?26)) FROM todo GROUP BY task",
        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    todo_bind(s, v, &cs);
    db_bind_text(s, 25, task);
    db_bind_text(s, 26, state);
    json_t *c = json_object();
    int64_t overdue = 0, soon = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        json_object_set_new(c, db_col_text(s, 0), json_integer(db_col_int(s, 1)));
        overdue += db_col_int(s, 2);
        soon += db_col_int(s, 3);
        *total += db_col_int(s, 4);
    }
    db_reset(s);
    if (rc != DB_DONE) {
        json_decref(c);
        goto done;
    }
    json_object_set_new(c, "overdue", json_integer(overdue));
    json_object_set_new(c, "due_soon", json_integer(soon));
    *counts = c;
    /* The page's keys first, then the columns of those cases only. */
    s = st_case_prepare(db,
                        TODO_KEYS ", page AS (SELECT * FROM todo WHERE (?25 IS NULL OR task = ?25) AND (?26 IS NULL"
                                  " OR deadline_state = ?26) ORDER BY due_date = '', due_date, case_id, task"
                                  " LIMIT ?22 OFFSET ?27)"
                                  " SELECT p.task, c.id AS case_id, c.case_no, c.title, c.kind, c.status, c.due_date,"
                                  " c.due_step, CASE WHEN c.supervised THEN 1 ELSE 0 END AS supervised__b, c.urgency,"
                                  " p.deadline_state FROM page p JOIN cases c ON c.id = p.case_id"
                                  " ORDER BY p.due_date = '', p.due_date, p.case_id, p.task",
                        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    todo_bind(s, v, &cs);
    db_bind_text(s, 25, task);
    db_bind_text(s, 26, state);
    db_bind_int(s, 22, limit);
    db_bind_int(s, 27, offset);
    json_t *rows;
    if ((rc = db_all_json(s, &rows))) goto done;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        const char *st = json_string_value(json_object_get(it, "status"));
        const char *tk = json_string_value(json_object_get(it, "task"));
        const char *step = json_string_value(json_object_get(it, "due_step"));
        const char *dstate = json_string_value(json_object_get(it, "deadline_state"));
        json_object_set_new(it, "kind_label", json_string(case_kind_label_of(kind)));
        json_object_set_new(it, "status_label", json_string(case_status_label_of(st)));
        json_object_set_new(it, "task_label", json_string(task_label(tk)));
        json_object_set_new(it, "due_step_label", json_string(deadline_due_label_of(step)));
        json_object_set_new(it, "deadline_state_label", json_string(deadline_state_label_of(dstate)));
        json_object_del(it, "due_step");
    }
    *items = rows;
    rc = SX_OK;
done:
    db_commit(db);
    if (rc) {
        json_decref(*counts);
        *counts = NULL;
    }
    return rc;
}

/* ---- export ---- */

#define EXPORT_PAGE 1000 /* st_case_list takes any page size; fewer pages, fewer counts */

int st_case_export_each(struct db *db, const struct case_viewer *v, const struct case_filter *f,
                        const struct paging *pg, int64_t cap, case_row_fn fn, void *arg, int64_t *count)
{
    *count = 0;
    struct paging p = *pg;
    p.page_size = EXPORT_PAGE;
    int rc = db_begin_read(db); /* one snapshot: the pages agree with each other */
    if (rc) return rc;
    for (p.page = 1;; p.page++) {
        json_t *items = NULL;
        int64_t total = 0;
        if ((rc = st_case_list(db, v, f, &p, &items, &total))) break;
        if (total > cap) {
            json_decref(items);
            rc = SX_ETOOLARGE;
            break;
        }
        size_t i, n = json_array_size(items);
        json_t *it;
        json_array_foreach(items, i, it)
        {
            if ((rc = fn(it, arg))) break;
            ++*count;
        }
        json_decref(items);
        if (rc || n < EXPORT_PAGE || *count >= total) break;
    }
    db_commit(db);
    return rc;
}
