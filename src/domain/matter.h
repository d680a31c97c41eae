/* Is a petition the same matter as an earlier one? The comparison repeat detection (重复信访) and
 * 初信初访 use, over place, category, title and content. Pure: no I/O.
 *
 * Place: the same village (or the same finest region) > the same township > the same county.
 * A case of the same petitioner is "the same matter" when the comparison says so with the
 * petitioner's own bar (same_matter); a case of anybody in the county is "suggested" to the
 * clerk as a possible repeat when its score reaches suggest_score. */
#ifndef SX_MATTER_H
#define SX_MATTER_H
#include <stdint.h>

struct matter_case {
    int64_t region_id;   /* the finest region given (village or township) */
    int64_t township_id; /* level-3 region containing it; 0 when unknown or above township */
    int64_t county_id;   /* level-2 region; 0 when unknown */
    const char *category; /* petition category code, "" or NULL when not given */
    const char *title, *content; /* UTF-8; NULL counts as "" */
};

enum matter_place { MATTER_OTHER_PLACE, MATTER_SAME_COUNTY, MATTER_SAME_TOWNSHIP, MATTER_SAME_VILLAGE };

struct matter_params {
    int suggest_score;      /* score from which a case of anybody is suggested (setting) */
    int same_matter_score;  /* score from which a case of the same petitioner is the same matter */
};

struct matter_result {
    int score;           /* 0..100, the higher the likelier the same matter */
    int text;            /* text similarity 0..100 shown to the clerk */
    enum matter_place place;
    int same_category;
    int suggest;         /* score >= suggest_score */
    int same_matter;     /* score >= same_matter_score */
};

/* The defaults (suggest 60, same matter 40). */
void matter_params_default(struct matter_params *p);
/* 1 when c has enough text to be compared by content. */
int matter_has_text(const struct matter_case *c);
/* Compares b with a (the new petition) into out. Never fails: out of memory compares no text. */
void matter_compare(const struct matter_case *a, const struct matter_case *b, const struct matter_params *p,
                    struct matter_result *out);
#endif
