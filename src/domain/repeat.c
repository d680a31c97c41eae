/* Repeat detection and same-matter decision; the model is described in repeat.h. */
#include "repeat.h"
#include "repeat_lexicon.h"
#include "similar.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

/* ---- weights and priors (the whole model; see repeat.h) ---- */
#define W_UNI 1       /* a character */
#define W_BI 2        /* two adjacent characters */
#define W_BI_HALF 1   /* … one of them filler */
#define SOFT_DIV 4    /* overlap is pulled 1/SOFT_DIV of the way towards the larger side */
#define TINY_WEIGHT 8 /* characters lighter than this are too few to be sure of */
#define TOPIC_SHARE 6 /* tenths of the text evidence from key terms when both sides have some */
#define NO_TOPIC_NUM 3 /* without key terms on a side, characters alone, times 3/2 */
#define NO_TOPIC_DEN 2
#define CAT_SAME 5 /* points for the same category */
#define CAT_DIFF 5 /* points off for different categories */

/* Percent of the text evidence kept at each place (enum repeat_place order: other county, unknown,
 * other township, county level only, township, village). Intake looks for repeats of the place;
 * one petitioner's matter is often registered at different levels, so matter leans less on it. */
static const int place_repeat[] = {35, 85, 50, 85, 95, 100};
static const int place_matter[] = {90, 100, 95, 100, 100, 100};

/* ---- feature keys: kind in the top bits ---- */
#define K_UNI (1ull << 60)
#define K_BI (2ull << 60)
#define K_TOPIC (3ull << 60)
#define K_KIND (3ull << 60)

struct repeat_feat {
    uint64_t key;
    uint32_t w;
};

/* ---- the lexicon index, built once ---- */
#define TERM_MAX 12 /* code points of the longest term */
#define FILLER ((uint16_t)0xFFFF)
#define N_TERMS_MAX 1600

struct term {
    int32_t cp[TERM_MAX];
    uint8_t len;
    uint16_t group; /* index into repeat_topics, or FILLER */
};

static struct term terms[N_TERMS_MAX];
static size_t n_terms;
static once_flag lex_once = ONCE_FLAG_INIT;

static int cmp_term(const void *x, const void *y)
{
    const struct term *a = x, *b = y;
    for (int i = 0; i < TERM_MAX; i++) {
        int32_t p = i < a->len ? a->cp[i] : -1, q = i < b->len ? b->cp[i] : -1;
        if (p != q) return (p > q) - (p < q);
    }
    return (a->group > b->group) - (a->group < b->group);
}

/* Adds the space-separated terms of list to the index. */
static void add_terms(const char *list, uint16_t group)
{
    const char *s = list;
    while (*s) {
        const char *e = strchr(s, ' ');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        assert(n_terms < N_TERMS_MAX);
        if (len && n_terms < N_TERMS_MAX) {
            struct term *t = &terms[n_terms];
            size_t n = similar_normalize(s, len, t->cp, TERM_MAX);
            if (n) {
                t->len = (uint8_t)n;
                t->group = group;
                n_terms++;
            }
        }
        s += len;
        while (*s == ' ') s++;
    }
}

static void lex_build(void)
{
    for (size_t g = 0; g < repeat_topic_n; g++) add_terms(repeat_topics[g].terms, (uint16_t)g);
    for (size_t i = 0; repeat_filler[i]; i++) add_terms(repeat_filler[i], FILLER);
    qsort(terms, n_terms, sizeof terms[0], cmp_term);
}

/* The longest term starting at t[i..n), or NULL. Ties (a term listed twice) go to the first in
 * index order, so the result is deterministic. */
static const struct term *longest_at(const int32_t *t, size_t i, size_t n)
{
    size_t lo = 0, hi = n_terms;
    while (lo < hi) { /* first term whose first code point is ≥ t[i] */
        size_t mid = lo + (hi - lo) / 2;
        if (terms[mid].cp[0] < t[i]) lo = mid + 1;
        else hi = mid;
    }
    const struct term *best = NULL;
    for (size_t k = lo; k < n_terms && terms[k].cp[0] == t[i]; k++) {
        const struct term *c = &terms[k];
        if (c->len > n - i || (best && c->len <= best->len)) continue;
        if (!memcmp(c->cp, t + i, c->len * sizeof t[0])) best = c;
    }
    return best;
}

/* ---- one text to a feature set ---- */

static int cmp_feat(const void *x, const void *y)
{
    const struct repeat_feat *a = x, *b = y;
    return (a->key > b->key) - (a->key < b->key);
}

/* Sorts f[0..n) and keeps each key once; returns the new count. */
static size_t uniq(struct repeat_feat *f, size_t n)
{
    if (!n) return 0;
    qsort(f, n, sizeof *f, cmp_feat);
    size_t k = 1;
    for (size_t i = 1; i < n; i++) {
        if (f[i].key != f[k - 1].key) f[k++] = f[i];
        else if (f[i].w > f[k - 1].w) f[k - 1].w = f[i].w; /* a bigram touching filler here, not there */
    }
    return k;
}

/* Sums the character weights and counts the key-term groups of x. */
static void totals(struct repeat_feats *x)
{
    x->weight = 0;
    x->topics = 0;
    for (size_t i = 0; i < x->n; i++) {
        if ((x->f[i].key & K_KIND) == K_TOPIC) x->topics++;
        else x->weight += x->f[i].w;
    }
}

/* The features of text into out (allocated here, ≤ 3 per character); 0 or -1 out of memory. */
static int feats_of(const char *text, struct repeat_feats *out)
{
    memset(out, 0, sizeof *out);
    size_t len = text ? strlen(text) : 0;
    if (!len) return 0;
    size_t cap = len < REPEAT_MAX_CHARS ? len : REPEAT_MAX_CHARS;
    int32_t *t = malloc(cap * sizeof *t);
    uint8_t *filler = calloc(cap, 1);
    struct repeat_feat *f = malloc(3 * cap * sizeof *f);
    int rc = -1;
    if (!t || !filler || !f) goto out;
    size_t n = similar_normalize(text, len, t, cap), nf = 0;
    for (size_t i = 0; i < n;) { /* key terms and filler, longest first, not overlapping */
        const struct term *m = longest_at(t, i, n);
        if (!m) {
            i++;
            continue;
        }
        if (m->group == FILLER) memset(filler + i, 1, m->len);
        else f[nf++] = (struct repeat_feat){K_TOPIC | m->group, 1};
        i += m->len;
    }
    for (size_t i = 0; i < n; i++) {
        if (!filler[i]) f[nf++] = (struct repeat_feat){K_UNI | (uint32_t)t[i], W_UNI};
        if (i + 1 < n && !(filler[i] && filler[i + 1]))
            f[nf++] = (struct repeat_feat){K_BI | (uint64_t)(uint32_t)t[i] << 21 | (uint32_t)t[i + 1],
                                           filler[i] || filler[i + 1] ? W_BI_HALF : W_BI};
    }
    out->n = uniq(f, nf);
    if (out->n) {
        out->f = f;
        f = NULL;
        totals(out);
    }
    rc = 0;
out:
    free(t);
    free(filler);
    free(f);
    return rc;
}

/* a ∪ b into out (allocated here); 0 or -1 out of memory. */
static int feats_union(const struct repeat_feats *a, const struct repeat_feats *b, struct repeat_feats *out)
{
    memset(out, 0, sizeof *out);
    if (!a->n && !b->n) return 0;
    struct repeat_feat *f = malloc((a->n + b->n) * sizeof *f);
    if (!f) return -1;
    size_t i = 0, j = 0, k = 0;
    while (i < a->n || j < b->n) {
        if (j == b->n || (i < a->n && a->f[i].key < b->f[j].key)) f[k++] = a->f[i++];
        else if (i == a->n || b->f[j].key < a->f[i].key) f[k++] = b->f[j++];
        else {
            f[k++] = a->f[i++];
            j++;
        }
    }
    out->f = f;
    out->n = k;
    totals(out);
    return 0;
}

static void feats_free(struct repeat_feats *x)
{
    free(x->f);
    memset(x, 0, sizeof *x);
}

/* ---- comparing ---- */

/* shared·SOFT_DIV / ((SOFT_DIV−1)·lo + hi) as a percent: the overlap coefficient (shared over
 * the smaller side) softened towards Dice. */
static int soft_pct(uint64_t shared, uint64_t a, uint64_t b)
{
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    uint64_t den = lo * (SOFT_DIV - 1) + hi;
    uint64_t pct = (100 * SOFT_DIV * shared + den / 2) / den;
    return pct > 100 ? 100 : (int)pct;
}

struct overlap {
    int chars;       /* 0..100 characters; -1 when a side has none */
    int topics;      /* 0..100 key-term groups; -1 when a side has none */
    int shared;      /* shared groups */
    int first_topic; /* lowest shared group index, -1 none */
};

static struct overlap overlap(const struct repeat_feats *a, const struct repeat_feats *b)
{
    struct overlap o = {-1, -1, 0, -1};
    uint64_t shared = 0;
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        if (a->f[i].key < b->f[j].key) i++;
        else if (a->f[i].key > b->f[j].key) j++;
        else {
            if ((a->f[i].key & K_KIND) != K_TOPIC) shared += a->f[i].w < b->f[j].w ? a->f[i].w : b->f[j].w;
            else if (!o.shared++) o.first_topic = (int)(a->f[i].key & 0xFFFF);
            i++;
            j++;
        }
    }
    if (a->weight && b->weight) {
        uint32_t lo = a->weight < b->weight ? a->weight : b->weight;
        o.chars = soft_pct(shared, a->weight, b->weight);
        if (lo < TINY_WEIGHT) o.chars = o.chars * (int)lo / TINY_WEIGHT;
    }
    if (a->topics && b->topics) o.topics = soft_pct((uint64_t)o.shared, a->topics, b->topics);
    return o;
}

static enum repeat_place place_of(const struct repeat_prepared *a, const struct repeat_prepared *b)
{
    if (a->region_id > 0 && a->region_id == b->region_id) {
        int64_t r = a->region_id;
        if (a->township_id > 0 && r != a->township_id && r != a->county_id) return REPEAT_PLACE_VILLAGE;
        if (a->township_id > 0 && r == a->township_id) return REPEAT_PLACE_TOWNSHIP;
        return REPEAT_PLACE_COUNTY_WIDE;
    }
    if (a->township_id > 0 && a->township_id == b->township_id) return REPEAT_PLACE_TOWNSHIP;
    if (a->county_id <= 0 || b->county_id <= 0) return REPEAT_PLACE_UNKNOWN;
    if (a->county_id != b->county_id) return REPEAT_PLACE_OTHER;
    return a->township_id > 0 && b->township_id > 0 ? REPEAT_PLACE_COUNTY : REPEAT_PLACE_COUNTY_WIDE;
}

/* "13" 其他 tells nothing about the matter, nor does a category not yet chosen. */
static enum repeat_category category_of(const char *a, const char *b)
{
    if (!a[0] || !b[0] || !strcmp(a, "13") || !strcmp(b, "13")) return REPEAT_CAT_UNKNOWN;
    return strcmp(a, b) ? REPEAT_CAT_DIFFERENT : REPEAT_CAT_SAME;
}

static int clamp100(int x)
{
    return x < 0 ? 0 : x > 100 ? 100 : x;
}

int repeat_prepare(const struct repeat_case *c, struct repeat_prepared *p)
{
    struct repeat_feats content = {0};
    memset(p, 0, sizeof *p);
    call_once(&lex_once, lex_build);
    p->region_id = c->region_id;
    p->township_id = c->township_id;
    p->county_id = c->county_id;
    if (c->category) snprintf(p->category, sizeof p->category, "%s", c->category);
    int rc = feats_of(c->title, &p->title);
    if (!rc) rc = feats_of(c->content, &content);
    if (!rc) rc = feats_union(&p->title, &content, &p->all);
    p->has_content = content.n > 0;
    feats_free(&content);
    if (rc) repeat_release(p);
    return rc;
}

void repeat_release(struct repeat_prepared *p)
{
    if (!p) return;
    feats_free(&p->title);
    feats_free(&p->all);
    p->has_content = 0;
}

void repeat_compare(const struct repeat_prepared *a, const struct repeat_prepared *b, struct repeat_reason *out)
{
    memset(out, 0, sizeof *out);
    struct overlap t = overlap(&a->title, &b->title), w = overlap(&a->all, &b->all);
    out->title_pct = t.chars;
    out->content_pct = w.chars;
    out->topic_pct = w.topics;
    /* characters: the title counts twice when both have one; it may raise, never lower */
    int chars = w.chars < 0 ? 0 : w.chars;
    if (t.chars >= 0 && (2 * t.chars + chars) / 3 > chars) chars = (2 * t.chars + chars) / 3;
    int text = w.topics >= 0 ? (TOPIC_SHARE * w.topics + (10 - TOPIC_SHARE) * chars + 5) / 10
                             : clamp100(chars * NO_TOPIC_NUM / NO_TOPIC_DEN);
    out->text_pct = text;
    out->topics = w.shared;
    out->topic = w.first_topic >= 0 ? repeat_topics[w.first_topic].name : NULL;
    out->place = place_of(a, b);
    out->category = category_of(a->category, b->category);
    int cat = out->category == REPEAT_CAT_SAME ? CAT_SAME : out->category == REPEAT_CAT_DIFFERENT ? -CAT_DIFF : 0;
    if (!text) cat = 0; /* nothing in common: the category alone is no reason */
    out->score = clamp100((text * place_repeat[out->place] + 50) / 100 + cat);
    out->matter = clamp100((text * place_matter[out->place] + 50) / 100 + cat);
}

int repeat_score(const struct repeat_case *a, const struct repeat_case *b, struct repeat_reason *out)
{
    struct repeat_prepared x, y;
    memset(out, 0, sizeof *out);
    if (repeat_prepare(a, &x)) return -1;
    if (repeat_prepare(b, &y)) {
        repeat_release(&x);
        return -1;
    }
    repeat_compare(&x, &y, out);
    repeat_release(&x);
    repeat_release(&y);
    return 0;
}

int repeat_is_repeat(const struct repeat_reason *r, int threshold)
{
    return r->score >= (threshold > 0 ? threshold : REPEAT_SUGGEST_DEFAULT);
}

int repeat_same_matter(const struct repeat_reason *r, int threshold)
{
    return r->matter >= (threshold > 0 ? threshold : REPEAT_SAME_MATTER_DEFAULT);
}

const char *repeat_place_label(enum repeat_place place)
{
    switch (place) {
    case REPEAT_PLACE_VILLAGE: return "同一村（社区）";
    case REPEAT_PLACE_TOWNSHIP: return "同一乡镇";
    case REPEAT_PLACE_COUNTY:
    case REPEAT_PLACE_COUNTY_WIDE: return "同一县（区）";
    default: return "";
    }
}

/* Appends s to buf[*k..n), whole UTF-8 characters only; keeps buf NUL-terminated. */
static void put(char *buf, size_t n, size_t *k, const char *s)
{
    size_t len = strlen(s);
    if (*k + len >= n) { /* cut before the first byte that does not fit, on a character start */
        len = n - 1 - *k;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
    }
    memcpy(buf + *k, s, len);
    *k += len;
    buf[*k] = 0;
}

size_t repeat_explain(const struct repeat_reason *r, char *buf, size_t n)
{
    size_t k = 0;
    if (!n) return 0;
    buf[0] = 0;
    const char *parts[4];
    char sim[64], kw[96];
    int np = 0;
    if (repeat_place_label(r->place)[0]) parts[np++] = repeat_place_label(r->place);
    if (r->category == REPEAT_CAT_SAME) parts[np++] = "同类问题";
    if (r->topic) {
        snprintf(kw, sizeof kw, "关键词“%s”", r->topic);
        parts[np++] = kw;
    }
    snprintf(sim, sizeof sim, "内容相似（%d%%）", r->text_pct);
    parts[np++] = sim;
    for (int i = 0; i < np; i++) {
        if (i) put(buf, n, &k, "；");
        put(buf, n, &k, parts[i]);
    }
    return k;
}

size_t repeat_topic_count(void)
{
    return repeat_topic_n;
}

const char *repeat_topic_name(size_t i)
{
    return i < repeat_topic_n ? repeat_topics[i].name : NULL;
}
