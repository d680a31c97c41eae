/* libFuzzer driver: repeat detection (repeat.c) over arbitrary petition text. The first byte picks
 * where B lies and the categories; the rest splits at '\n' into A's title and content and B's
 * title and content. Invariants: scores in range, the text evidence symmetric, the same input the
 * same reasons, a case compared with itself is a village-level match, the explanation a
 * NUL-terminated prefix cut on a character boundary at any buffer size. */
#include "domain/repeat.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const cats[] = {"", "01", "07", "11", "13", "\xff"};

/* The next '\n'-separated field of data[*at..size) as a malloc'd NUL-terminated string. */
static char *field(const uint8_t *data, size_t size, size_t *at)
{
    size_t s = *at, e = s;
    while (e < size && data[e] != '\n') e++;
    char *f = malloc(e - s + 1);
    if (!f) return NULL;
    memcpy(f, data + s, e - s);
    f[e - s] = 0; /* an embedded NUL just ends the text early */
    *at = e < size ? e + 1 : e;
    return f;
}

static int in_range(int x, int lo)
{
    return x >= lo && x <= 100;
}

static void check(const struct repeat_reason *r)
{
    if (!in_range(r->score, 0) || !in_range(r->matter, 0) || !in_range(r->text_pct, 0)) __builtin_trap();
    if (!in_range(r->title_pct, -1) || !in_range(r->content_pct, -1) || !in_range(r->topic_pct, -1)) __builtin_trap();
    if ((r->topics > 0) != (r->topic != NULL)) __builtin_trap();
    char full[512], small[64];
    size_t n = repeat_explain(r, full, sizeof full);
    if (n != strlen(full)) __builtin_trap();
    for (size_t k = 1; k <= sizeof small; k++) {
        size_t m = repeat_explain(r, small, k);
        if (m >= k || m != strlen(small) || memcmp(small, full, m) != 0) __builtin_trap();
        if (m < n && ((unsigned char)full[m] & 0xC0) == 0x80) __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    uint8_t sel = data[0];
    size_t at = 1;
    char *ta = field(data, size, &at), *ca = field(data, size, &at);
    char *tb = field(data, size, &at), *cb = field(data, size, &at);
    if (!ta || !ca || !tb || !cb) goto out;
    struct repeat_case a = {4001, 3001, 2001, cats[sel % 6], ta, ca};
    struct repeat_case b = {4001, 3001, 2001, cats[(sel / 6) % 6], tb, cb};
    switch ((sel / 36) % 6) {
    case 1: b.region_id = 4002; break;
    case 2: b.region_id = 4003, b.township_id = 3002; break;
    case 3: b.region_id = 2001, b.township_id = 0; break;
    case 4: b.region_id = 4004, b.township_id = 3003, b.county_id = 2002; break;
    case 5: b.region_id = 0, b.township_id = 0, b.county_id = 0; break;
    default: break;
    }
    struct repeat_reason r1, r2, r3, self;
    if (repeat_score(&a, &b, &r1) || repeat_score(&a, &b, &r2) || repeat_score(&b, &a, &r3)) goto out;
    check(&r1);
    check(&r3);
    if (memcmp(&r1, &r2, sizeof r1) != 0) __builtin_trap();
    if (r1.text_pct != r3.text_pct || r1.score != r3.score || r1.matter != r3.matter) __builtin_trap();
    if (repeat_score(&a, &a, &self)) goto out;
    check(&self);
    if (self.place != REPEAT_PLACE_VILLAGE || self.score < self.text_pct || (self.topic_pct > 0 && self.topic_pct != 100))
        __builtin_trap();
out:
    free(ta);
    free(ca);
    free(tb);
    free(cb);
    return 0;
}
