#include "matter.h"
#include "similar.h"
#include <stdlib.h>
#include <string.h>

#define MIN_CHARS 4 /* fewer significant characters: too little to compare */

void matter_params_default(struct matter_params *p)
{
    p->suggest_score = 60;
    p->same_matter_score = 40;
}

static const char *nz(const char *s) { return s ? s : ""; }

int matter_has_text(const struct matter_case *c)
{
    struct similar_text t;
    const char *ti = nz(c->title), *co = nz(c->content);
    size_t a = strlen(ti), b = strlen(co);
    char *x = malloc(a + b + 2);
    if (!x) return 0;
    memcpy(x, ti, a);
    x[a] = '\n';
    memcpy(x + a + 1, co, b + 1);
    int ok = !similar_prepare(x, a + b + 1, &t) && t.chars >= MIN_CHARS;
    similar_free(&t);
    free(x);
    return ok;
}

static int text_of(const struct matter_case *a, const struct matter_case *b)
{
    const char *ta = nz(a->title), *ca = nz(a->content), *tb = nz(b->title), *cb = nz(b->content);
    size_t la = strlen(ta) + strlen(ca) + 2, lb = strlen(tb) + strlen(cb) + 2;
    char *x = malloc(la), *y = malloc(lb);
    int p = 0;
    if (x && y) {
        strcpy(x, ta);
        strcat(x, "\n");
        strcat(x, ca);
        strcpy(y, tb);
        strcat(y, "\n");
        strcat(y, cb);
        p = similar_percent(x, y);
    }
    free(x);
    free(y);
    return p < 0 ? 0 : p;
}

void matter_compare(const struct matter_case *a, const struct matter_case *b, const struct matter_params *p,
                    struct matter_result *out)
{
    memset(out, 0, sizeof *out);
    if (a->region_id && a->region_id == b->region_id) out->place = MATTER_SAME_VILLAGE;
    else if (a->township_id && a->township_id == b->township_id) out->place = MATTER_SAME_TOWNSHIP;
    else if (a->county_id && a->county_id == b->county_id) out->place = MATTER_SAME_COUNTY;
    out->same_category = a->category && *a->category && b->category && !strcmp(a->category, b->category);
    out->text = matter_has_text(a) && matter_has_text(b) ? text_of(a, b) : 0;
    int s = out->text;
    if (out->same_category) s += 15;
    if (out->place >= MATTER_SAME_TOWNSHIP) s += 5;
    out->score = s > 100 ? 100 : s;
    out->suggest = out->score >= p->suggest_score;
    out->same_matter = out->score >= p->same_matter_score;
}
