/* Content similarity of two petition texts (repeat detection, 重复件). Pure: no I/O.
 *
 * A text is reduced to its significant characters — whitespace, control characters and
 * punctuation (ASCII, CJK 。，、《》「」【】…, full-width ！（），general punctuation “”‘’—…) are
 * dropped, ASCII letters folded to lower case — and then to the multiset of its character
 * bigrams (adjacent pairs of code points). The similarity is the Sørensen–Dice coefficient of the
 * two multisets, 2·|A∩B| / (|A|+|B|), as a whole percentage 0..100. A text of exactly one
 * significant character has that character as its only "bigram", so 字 vs 字 is 100. Bytes that
 * are not valid UTF-8 are skipped. Only the first SIMILAR_MAX_CHARS significant characters count. */
#ifndef SX_SIMILAR_H
#define SX_SIMILAR_H
#include <stddef.h>
#include <stdint.h>

#define SIMILAR_MAX_CHARS 20000

/* A text prepared for comparison: its bigrams, sorted. */
struct similar_text {
    uint64_t *gram;
    size_t n;     /* bigrams */
    size_t chars; /* significant characters */
};

/* The significant characters of len bytes of text (need not be NUL-terminated), as described
 * above: punctuation, whitespace and invalid UTF-8 dropped, letters folded. Writes at most cap code
 * points to out (owned by the caller) and returns how many it wrote; 0 for a NULL text. Shared by
 * repeat.c so both agree on what a character is. */
size_t similar_normalize(const char *text, size_t len, int32_t *out, size_t cap);
/* Prepares len bytes of text (need not be NUL-terminated). 0, or -1 when memory runs out
 * (t is then empty). Free with similar_free. */
int similar_prepare(const char *text, size_t len, struct similar_text *t);
void similar_free(struct similar_text *t);
/* Dice similarity 0..100 of two prepared texts (0 when either has no significant character). */
int similar_score(const struct similar_text *a, const struct similar_text *b);
/* Both steps for two NUL-terminated texts; -1 when memory runs out. */
int similar_percent(const char *a, const char *b);
#endif
