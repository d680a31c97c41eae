/* The built-in lexicon of repeat.c (private to it): key-term groups and filler words. */
#ifndef SX_REPEAT_LEXICON_H
#define SX_REPEAT_LEXICON_H
#include <stddef.h>

struct repeat_topic {
    const char *name;  /* shown in reasons: 关键词“路灯” */
    const char *terms; /* synonyms separated by one space */
};

extern const struct repeat_topic repeat_topics[];
extern const size_t repeat_topic_n;
/* NULL-terminated list of space-separated filler words and characters. */
extern const char *const repeat_filler[];
#endif
