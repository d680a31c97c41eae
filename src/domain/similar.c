#include "similar.h"
#include <stdlib.h>
#include <string.h>

/* Next code point of s[*i..n); -1 for a byte that does not start a valid sequence (skipped). */
static int32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[*i];
    int32_t cp;
    size_t k;
    if (c < 0x80) {
        (*i)++;
        return (int32_t)c;
    }
    if (c >= 0xC2 && c <= 0xDF) cp = c & 0x1F, k = 1;
    else if (c >= 0xE0 && c <= 0xEF) cp = c & 0x0F, k = 2;
    else if (c >= 0xF0 && c <= 0xF4) cp = c & 0x07, k = 3;
    else {
        (*i)++;
        return -1;
    }
    if (*i + k >= n) { /* truncated sequence */
        (*i)++;
        return -1;
    }
    for (size_t j = 1; j <= k; j++) {
        unsigned b = s[*i + j];
        if ((b & 0xC0) != 0x80) {
            (*i)++;
            return -1;
        }
        cp = (cp << 6) | (int32_t)(b & 0x3F);
    }
    /* overlongs, surrogates and values beyond U+10FFFF */
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
        (*i)++;
        return -1;
    }
    *i += k + 1;
    return cp;
}

/* 1 for characters that carry no content: whitespace, controls and punctuation. */
static int insignificant(int32_t c)
{
    if (c <= 0x20 || c == 0x7F) return 1;
    if (c < 0x7F) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    if (c >= 0x80 && c <= 0xBF) return 1;                   /* Latin-1 controls, NBSP, ¡…¿ */
    if (c == 0xD7 || c == 0xF7) return 1;                   /* × ÷ */
    if (c >= 0x2000 && c <= 0x206F) return 1;               /* general punctuation, spaces */
    if (c >= 0x2190 && c <= 0x21FF) return 1;               /* arrows */
    if (c >= 0x2500 && c <= 0x25FF) return 1;               /* box drawing, shapes ■□●○ */
    if (c >= 0x3000 && c <= 0x3003) return 1;               /* ideographic space 、。〃 */
    if (c >= 0x3008 && c <= 0x3011) return 1;               /* 〈〉《》「」『』【】 */
    if (c >= 0x3014 && c <= 0x301F) return 1;               /* 〔〕〖〗〘〙〚〛〜〝〞〟 */
    if (c == 0x30FB) return 1;                              /* ・ */
    if (c >= 0xFE30 && c <= 0xFE4F) return 1;               /* CJK compatibility forms */
    if (c >= 0xFE50 && c <= 0xFE6F) return 1;               /* small form variants */
    if (c >= 0xFF01 && c <= 0xFF0F) return 1;               /* ！＂＃…／ */
    if (c >= 0xFF1A && c <= 0xFF20) return 1;               /* ：；＜＝＞？＠ */
    if (c >= 0xFF3B && c <= 0xFF40) return 1;               /* ［＼］＾＿｀ */
    if (c >= 0xFF5B && c <= 0xFF65) return 1;               /* ｛｜｝～ ｟｠｡｢｣､･ */
    if (c == 0xFEFF) return 1;                              /* BOM */
    return 0;
}

/* Full-width letters and digits to ASCII, ASCII letters to lower case. */
static int32_t fold(int32_t c)
{
    if (c >= 0xFF10 && c <= 0xFF19) c = c - 0xFF10 + '0';
    else if (c >= 0xFF21 && c <= 0xFF3A) c = c - 0xFF21 + 'a';
    else if (c >= 0xFF41 && c <= 0xFF5A) c = c - 0xFF41 + 'a';
    else if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
    return c;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

size_t similar_normalize(const char *text, size_t len, int32_t *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t nc = 0;
    if (!text) return 0;
    for (size_t i = 0; i < len && nc < cap;) {
        int32_t c = next_cp(s, len, &i);
        if (c < 0 || insignificant(c)) continue;
        out[nc++] = fold(c);
    }
    return nc;
}

int similar_prepare(const char *text, size_t len, struct similar_text *t)
{
    memset(t, 0, sizeof *t);
    if (!text || !len) return 0;
    size_t cap = len < SIMILAR_MAX_CHARS ? len : SIMILAR_MAX_CHARS; /* ≥ significant characters */
    int32_t *cp = malloc(cap * sizeof *cp);
    if (!cp) return -1;
    size_t nc = similar_normalize(text, len, cp, cap);
    t->chars = nc;
    if (nc == 0) {
        free(cp);
        return 0;
    }
    size_t ng = nc == 1 ? 1 : nc - 1;
    t->gram = malloc(ng * sizeof *t->gram);
    if (!t->gram) {
        free(cp);
        t->chars = 0;
        return -1;
    }
    if (nc == 1) t->gram[0] = (uint64_t)(uint32_t)cp[0];
    else
        for (size_t i = 0; i + 1 < nc; i++)
            t->gram[i] = ((uint64_t)(uint32_t)cp[i] << 21 | (uint64_t)(uint32_t)cp[i + 1]) + (1ull << 42);
    t->n = ng;
    free(cp);
    qsort(t->gram, t->n, sizeof *t->gram, cmp_u64);
    return 0;
}

void similar_free(struct similar_text *t)
{
    free(t->gram);
    memset(t, 0, sizeof *t);
}

int similar_score(const struct similar_text *a, const struct similar_text *b)
{
    if (!a->n || !b->n) return 0;
    size_t i = 0, j = 0, common = 0;
    while (i < a->n && j < b->n) {
        if (a->gram[i] < b->gram[j]) i++;
        else if (a->gram[i] > b->gram[j]) j++;
        else {
            common++;
            i++;
            j++;
        }
    }
    /* rounded to the nearest whole percent; 100 only when the multisets are equal */
    uint64_t num = 200 * (uint64_t)common, den = (uint64_t)(a->n + b->n);
    int p = (int)((num + den / 2) / den);
    if (p == 100 && 2 * common != a->n + b->n) p = 99;
    return p;
}

int similar_percent(const char *a, const char *b)
{
    struct similar_text x, y;
    if (similar_prepare(a, a ? strlen(a) : 0, &x)) return -1;
    if (similar_prepare(b, b ? strlen(b) : 0, &y)) {
        similar_free(&x);
        return -1;
    }
    int p = similar_score(&x, &y);
    similar_free(&x);
    similar_free(&y);
    return p;
}
