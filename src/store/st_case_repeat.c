/* Repeat detection at intake (重复信访, 初信初访): one analysis serves the intake form's match
 * endpoint and the registration itself, so what the clerk is shown and what is stored agree.
 *
 * Only cases the registering side may see take part (CASE_VISIBLE with its viewer; a citizen's
 * submission uses a viewer of all cases except 检举控告), and a 检举控告 only for an intake that is
 * one itself: a restricted case never changes what somebody who cannot see it is told, not even
 * through the 初信初访 flag or the repeat link that others see on the new case.
 *
 * Candidates: cases of the same petitioner (keyed hashes of ID number and phone; a group's
 * representative counts) within the repeat window, plus any such case whose matter was closed by
 * 复核 however old; and the most recent cases of the same county (paraphrases of the same matter
 * by other people, for the clerk to judge). Each is compared as a matter: place (village,
 * township, county), category, title and content (domain/repeat.c). */
#include "store.h"
#include "../domain/perm.h"
#include "../domain/repeat.h"
#include "../util/err.h"
#include "../util/pii.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAND_PETITIONER 100 /* most recent cases of the same petitioners */
#define CAND_COUNTY 500     /* most recent cases of the county compared by content */
#define MAX_ITEMS 20
#define MIN_TEXT_WEIGHT 4   /* less text than this (weighted characters) is not compared by content */

struct hit {
    int64_t id;
    int by_id, by_phone, by_rep; /* the same petitioner, and how */
    struct repeat_reason m;      /* comparison as a matter */
    int suggest;                 /* possibly the same matter (anybody's): shown to the clerk */
    int compared;
    int same_matter;             /* same petitioner and same matter */
    int terminal, matter_final;
    char status[16], received_at[32], case_no[32], title[512], region_name[128], due_date[16];
};

struct hits {
    struct hit *h;
    int n, cap;
};

static struct hit *hit_of(struct hits *hs, int64_t id)
{
    for (int i = 0; i < hs->n; i++)
        if (hs->h[i].id == id) return &hs->h[i];
    if (hs->n == hs->cap) {
        int cap = hs->cap ? hs->cap * 2 : 64;
        void *nh = realloc(hs->h, (size_t)cap * sizeof *hs->h);
        if (!nh) return NULL;
        hs->h = nh;
        hs->cap = cap;
    }
    struct hit *h = &hs->h[hs->n++];
    memset(h, 0, sizeof *h);
    h->id = id;
    return h;
}

static void cpy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

/* County (level 2) and township (level 3) ids from a materialised region path "/1/4/9/27/". */
static void place_of_path(const char *path, int64_t region_id, struct repeat_case *c)
{
    c->region_id = region_id;
    c->county_id = c->township_id = 0;
    int level = 0;
    for (const char *p = path; p && *p;) {
        if (*p == '/') {
            p++;
            continue;
        }
        int64_t id = strtoll(p, NULL, 10);
        level++;
        if (level == 2) c->county_id = id;
        if (level == 3) c->township_id = id;
        p = strchr(p, '/');
    }
}

/* The input's place (region path looked up). */
static int input_place(struct db *db, int64_t region_id, struct repeat_case *c)
{
    c->region_id = region_id;
    if (region_id <= 0) return SX_OK;
    struct db_stmt *s = db_prepare(db, "SELECT path FROM regions WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, region_id);
    int rc = db_step(s);
    if (rc == DB_ROW) place_of_path(db_col_text(s, 0), region_id, c);
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of now minus days. */
static void since_iso(int days, char out[32])
{
    time_iso(time(NULL) - (time_t)days * 86400, out);
}

/* Columns every candidate statement selects first, in this order (see read_candidate). */
#define CAND_COLS                                                                                  \
    "c.id, c.case_no, c.title, c.status, c.received_at, r.name, c.content, c.category, c.region_id," \
    " r.path, c.matter_final, c.due_date"

/* How repeat detection compares: the new case prepared once, and the settings' threshold. */
struct query {
    struct repeat_prepared p;
    int suggest_score;
};

/* Fills h from a candidate row and compares it with the query as a matter. */
static int read_candidate(struct db_stmt *s, const struct query *q, struct hit *h)
{
    cpy(h->case_no, sizeof h->case_no, db_col_text(s, 1));
    cpy(h->title, sizeof h->title, db_col_text(s, 2));
    cpy(h->status, sizeof h->status, db_col_text(s, 3));
    cpy(h->received_at, sizeof h->received_at, db_col_text(s, 4));
    cpy(h->region_name, sizeof h->region_name, db_col_text(s, 5));
    cpy(h->due_date, sizeof h->due_date, db_col_text(s, 11));
    int st = case_status_from_code(h->status);
    h->terminal = st >= 0 && case_status_terminal((enum case_status)st);
    h->matter_final = db_col_int(s, 10) != 0;
    if (h->compared) return SX_OK;
    struct repeat_case c = {0};
    place_of_path(db_col_text(s, 9), db_col_int(s, 8), &c);
    c.category = db_col_text(s, 7);
    c.title = db_col_text(s, 2);
    c.content = db_col_text(s, 6);
    struct repeat_prepared cp;
    if (repeat_prepare(&c, &cp)) return SX_EINTERNAL;
    repeat_compare(&cp, &q->p, &h->m); /* the earlier case first */
    repeat_release(&cp);
    h->suggest = repeat_is_repeat(&h->m, q->suggest_score);
    h->compared = 1;
    return SX_OK;
}

/* 1 when 检举控告 cases take part: only for an intake that is one. */
static int with_reports(const struct case_match_in *in)
{
    return in->kind && !strcmp(in->kind, "report");
}

/* JSON array text of strings for json_each(?) (malloc'd, NULL on failure). */
static char *hash_array(const char *domain, const char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        if (!v[i] || !*v[i]) continue;
        char h[PII_HASH_BUF];
        pii_hash(domain, v[i], h);
        json_array_append_new(a, json_string(h));
    }
    char *t = json_array_size(a) ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return t;
}

/* Cases with one of the given petitioners: within the window, or closed by 复核 (不再受理 has no
 * time limit). A matched petitioner who represents a group petition (5 or more people, or 2 or
 * more representatives) counts as "同一代表人" unless another matched petitioner of that case is
 * not such a representative. */
static int by_petitioner(struct db *db, const struct case_viewer *v, const struct case_match_in *in,
                         const struct query *q, const char *since, struct hits *hs)
{
    char *ids = hash_array("id", in->id_numbers, in->n_ids), *phones = hash_array("phone", in->phones, in->n_phones);
    int rc = SX_OK;
    if (!ids && !phones) goto out;
    struct db_stmt *s = st_case_prepare(
        db,
        "SELECT " CAND_COLS ", MAX(m.by_id AND NOT m.grp_rep), MAX(m.by_phone AND NOT m.grp_rep), MAX(m.grp_rep)"
        " FROM (SELECT p.case_id,"
        "  p.id_hash IS NOT NULL AND p.id_hash IN (SELECT value FROM json_each(?15)) AS by_id,"
        "  p.phone_hash IS NOT NULL AND p.phone_hash IN (SELECT value FROM json_each(?16)) AS by_phone,"
        "  p.is_representative AND ((SELECT head_count FROM cases g WHERE g.id = p.case_id) >= 5"
        "   OR (SELECT COUNT(*) FROM case_petitioners q WHERE q.case_id = p.case_id AND q.is_representative) >= 2)"
        "   AS grp_rep"
        "  FROM case_petitioners p"
        "  WHERE p.id_hash IN (SELECT value FROM json_each(?15)) OR p.phone_hash IN (SELECT value FROM json_each(?16))"
        " ) m JOIN cases c ON c.id = m.case_id JOIN regions r ON r.id = c.region_id"
        " WHERE " CASE_VISIBLE " AND (c.received_at >= ?17 OR c.matter_final = 1) AND c.id <> ?18"
        " AND (?20 = 1 OR c.kind <> 'report')"
        " GROUP BY c.id ORDER BY c.received_at DESC, c.id DESC LIMIT ?19",
        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto out;
    }
    db_bind_text(s, 15, ids ? ids : "[]");
    db_bind_text(s, 16, phones ? phones : "[]");
    db_bind_text(s, 17, since);
    db_bind_int(s, 18, in->exclude_id);
    db_bind_int(s, 19, CAND_PETITIONER);
    db_bind_int(s, 20, with_reports(in));
    while ((rc = db_step(s)) == DB_ROW) {
        struct hit *h = hit_of(hs, db_col_int(s, 0));
        if (!h) {
            rc = SX_EINTERNAL;
            break;
        }
        if ((rc = read_candidate(s, q, h))) break;
        h->by_id = db_col_int(s, 12) != 0;
        h->by_phone = db_col_int(s, 13) != 0;
        h->by_rep = !h->by_id && !h->by_phone && db_col_int(s, 14) != 0;
        h->same_matter = repeat_same_matter(&h->m, 0);
    }
    db_reset(s);
    if (rc == DB_DONE) rc = SX_OK;
out:
    free(ids);
    free(phones);
    return rc;
}

/* The most recent visible cases of the input's county within the window, compared as matters;
 * kept when the comparison says they may be the same matter. */
static int by_content(struct db *db, const struct case_viewer *v, const struct case_match_in *in,
                      const struct query *q, const char *since, struct hits *hs)
{
    if (!q->p.county_id || q->p.all.weight < MIN_TEXT_WEIGHT) return SX_OK;
    struct db_stmt *s = st_case_prepare(db,
                                        "SELECT " CAND_COLS " FROM cases c JOIN regions r ON r.id = c.region_id"
                                        " WHERE " CASE_VISIBLE " AND c.county_id = ?15 AND c.received_at >= ?16"
                                        " AND c.id <> ?17 AND (?19 = 1 OR c.kind <> 'report')"
                                        " ORDER BY c.received_at DESC, c.id DESC LIMIT ?18",
                                        v);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 15, q->p.county_id);
    db_bind_text(s, 16, since);
    db_bind_int(s, 17, in->exclude_id);
    db_bind_int(s, 18, CAND_COUNTY);
    db_bind_int(s, 19, with_reports(in));
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        struct hit tmp = {0}, *h = NULL;
        for (int i = 0; i < hs->n; i++)
            if (hs->h[i].id == id) h = &hs->h[i];
        if (h) continue; /* already a petitioner match, compared there */
        tmp.id = id;
        if ((rc = read_candidate(s, q, &tmp))) break;
        if (!tmp.suggest) continue;
        if (!(h = hit_of(hs, id))) {
            rc = SX_EINTERNAL;
            break;
        }
        *h = tmp;
    }
    db_reset(s);
    return rc == DB_DONE ? SX_OK : rc;
}

/* The score shown: 100 for the same petitioner's same matter, else how alike the matters are. */
static int score_of(const struct hit *h)
{
    return h->same_matter ? 100 : h->m.score;
}

/* Rank of a hit: the same petitioner with the same matter first, the same petitioner's other
 * matters next, then the others by score. */
static int rank_of(const struct hit *h)
{
    if (h->same_matter) return 1000 + h->m.score;
    if (h->by_id || h->by_phone || h->by_rep) return 500 + h->m.score;
    return h->m.score;
}

static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    int rx = rank_of(x), ry = rank_of(y);
    if (rx != ry) return ry - rx;
    int c = strcmp(y->received_at, x->received_at); /* newer first */
    if (c) return c;
    return (x->id < y->id) - (x->id > y->id);
}

/* The case a new intake is the repeat of: among the same petitioner's cases of the same matter,
 * one closed by 复核 (不再受理) first, then one still in handling (art. 19), then the latest. */
static const struct hit *link_of(const struct hits *hs)
{
    const struct hit *best = NULL;
    int best_rank = 0;
    for (int i = 0; i < hs->n; i++) {
        const struct hit *h = &hs->h[i];
        if (!h->same_matter) continue;
        int rank = h->matter_final ? 3 : !h->terminal ? 2 : 1;
        if (rank > best_rank || (rank == best_rank && strcmp(h->received_at, best->received_at) > 0)) {
            best = h;
            best_rank = rank;
        }
    }
    return best;
}

static json_t *item_of(const struct hit *h)
{
    json_t *reasons = json_array();
    if (h->by_id) json_array_append_new(reasons, json_string("同一信访人（身份证号）"));
    if (h->by_phone) json_array_append_new(reasons, json_string("同一信访人（电话）"));
    if (h->by_rep) json_array_append_new(reasons, json_string("同一代表人"));
    if ((h->by_id || h->by_phone || h->by_rep) && !h->same_matter)
        json_array_append_new(reasons, json_string("其他事项"));
    char buf[96];
    if (h->m.place == REPEAT_PLACE_VILLAGE || h->m.place == REPEAT_PLACE_TOWNSHIP)
        json_array_append_new(reasons, json_string(repeat_place_label(h->m.place)));
    if (h->m.category == REPEAT_CAT_SAME) json_array_append_new(reasons, json_string("同类问题"));
    if (h->m.topic) {
        snprintf(buf, sizeof buf, "关键词“%s”", h->m.topic);
        json_array_append_new(reasons, json_string(buf));
    }
    if (h->m.text_pct > 0) {
        snprintf(buf, sizeof buf, "内容相似（%d%%）", h->m.text_pct);
        json_array_append_new(reasons, json_string(buf));
    }
    const char *final_label = h->matter_final ? "已复核终结" : "";
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:b,s:b,s:s,s:o}", "id", (json_int_t)h->id, "case_no",
                     h->case_no, "title", h->title, "status", h->status, "status_label",
                     case_status_label_of(h->status), "received_at", h->received_at, "region_name", h->region_name,
                     "due_date", h->terminal ? "" : h->due_date, "score", score_of(h), "same_petitioner",
                     h->by_id || h->by_phone || h->by_rep, "same_matter", h->same_matter, "open",
                     !h->terminal, "final_label", final_label, "reasons", reasons);
}

void st_case_public_viewer(struct case_viewer *v, struct scope *all)
{
    memset(all, 0, sizeof *all);
    all->all = 1;
    memset(v, 0, sizeof *v);
    v->scope = all;
    snprintf(v->unit_path, sizeof v->unit_path, "-");
    v->perms = 0; /* no case:report: 检举控告 cases never take part */
}

int st_case_repeat_analyse(struct db *db, const struct case_viewer *v, const struct case_match_in *in,
                           struct case_repeat *out, json_t **items)
{
    memset(out, 0, sizeof *out);
    out->first_time = 1;
    if (items) *items = NULL;
    struct case_settings cs;
    int rc = st_case_settings_get(db, &cs);
    if (rc) return rc;
    char since[32];
    since_iso(cs.repeat_window_days, since);
    struct repeat_case c = {0};
    c.category = in->category ? in->category : "";
    c.title = in->title ? in->title : "";
    c.content = in->content ? in->content : "";
    struct query q = {.suggest_score = cs.similarity_percent};
    struct hits hs = {0};
    /* No transaction of its own: registration calls this inside its write transaction. */
    if ((rc = input_place(db, in->region_id, &c))) return rc;
    if (repeat_prepare(&c, &q.p)) return SX_EINTERNAL;
    if (!(rc = by_petitioner(db, v, in, &q, since, &hs))) rc = by_content(db, v, in, &q, since, &hs);
    repeat_release(&q.p);
    if (rc) goto done;
    const struct hit *l = link_of(&hs);
    if (l) {
        out->first_time = 0;
        out->link_id = l->id;
        out->link_final = l->matter_final;
        out->link_open = !l->terminal;
    }
    if (items) {
        if (hs.n) qsort(hs.h, (size_t)hs.n, sizeof *hs.h, cmp_hit);
        json_t *a = json_array();
        for (int i = 0; i < hs.n && i < MAX_ITEMS; i++) json_array_append_new(a, item_of(&hs.h[i]));
        *items = a;
    }
done:
    free(hs.h);
    return rc;
}

int st_case_match(struct db *db, const struct case_viewer *v, const struct case_match_in *in, json_t **out)
{
    *out = NULL;
    struct case_repeat rep;
    json_t *items = NULL;
    int rc = db_begin_read(db); /* one snapshot for all the statements */
    if (rc) return rc;
    rc = st_case_repeat_analyse(db, v, in, &rep, &items);
    db_commit(db);
    if (rc) return rc;
    json_t *link = json_null();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (json_integer_value(json_object_get(it, "id")) == rep.link_id) {
            link = json_deep_copy(it);
            break;
        }
    }
    *out = json_pack("{s:o,s:b,s:o,s:b,s:b}", "items", items, "first_time", rep.first_time, "repeat_of", link,
                     "repeat_final", rep.link_final, "repeat_open", rep.link_open);
    return *out ? SX_OK : SX_EINTERNAL;
}
