/* Repeat petitions (重复信访) and 初信初访: is case B the same matter as case A? Pure: no I/O.
 *
 * Features. Title and content are reduced to their significant characters (similar.h), then
 * scanned longest match first against a built-in lexicon (repeat_lexicon.c) of
 *   - key-term groups with synonyms, one group per matter as clerks name it (路灯 照明 灯不亮 灯坏
 *     熄灭 → 路灯; 漏水 渗水 返潮 → 漏水; 欠薪 拖欠工资 工钱 → 欠薪; 养老金 退休金 社保待遇 →
 *     养老金 …; 115 groups over the 13 petition categories), and
 *   - filler that says nothing about the matter (的 了 我 …, 群众 反映 问题 希望 要求 解决 小区 村里
 *     一直 没有 …).
 * What remains are character unigrams (weight 1) and bigrams (weight 2; 1 when one character is
 * filler), and the set of key-term groups found.
 *
 * Text evidence (text_pct). Characters and groups are each compared by a softened overlap
 * coefficient, 4·shared / (3·smaller + larger): a short text matches the long text that contains
 * it (Dice would not), yet a long text does not match everything. Characters are compared for the
 * titles and for the whole texts (title ∪ content), the title counting twice when that raises the
 * figure. When both sides have key terms, text = 60% groups + 40% characters; otherwise the
 * characters alone × 1.5.
 *
 * Priors. The place keeps a share of the text evidence (village 100%, township 95%, county level
 * only 85%, other township of the county 50%, other county 35%); the category adds 5 points when
 * equal and takes 5 when different ("13" 其他 and "" say nothing). That is score, for suggesting
 * a repeat at intake (any petitioner). matter uses the same text evidence but keeps 90–100% of it
 * at every place, since one petitioner's matter is often registered at different levels; it
 * decides whether an earlier case of the same petitioner is the same matter (初信初访 is per
 * petitioner and matter).
 *
 * Measured on tests/unit/data/repeat_pairs.tsv (the test prints the figures). Deterministic and
 * explainable from struct repeat_reason. Each title or content counts up to REPEAT_MAX_CHARS
 * significant characters; invalid UTF-8 is skipped; work and memory are linear in that. */
#ifndef SX_REPEAT_H
#define SX_REPEAT_H
#include <stddef.h>
#include <stdint.h>

#define REPEAT_MAX_CHARS 5000          /* significant characters counted per title or content */
#define REPEAT_SUGGEST_DEFAULT 45      /* score at or above which intake suggests the repeat */
#define REPEAT_SAME_MATTER_DEFAULT 50  /* matter at or above which it is the same matter */

/* One case as the store knows it. Strings are borrowed (UTF-8, NUL-terminated, NULL = ""). */
struct repeat_case {
    int64_t region_id;   /* finest region given (village, township or county); 0 unknown */
    int64_t township_id; /* level-3 region containing it (itself if a township); 0 unknown/above */
    int64_t county_id;   /* level-2 region containing it; 0 unknown */
    const char *category; /* petition category code "01".."13", or "" */
    const char *title, *content;
};

enum repeat_place {
    REPEAT_PLACE_OTHER = 0,   /* other county */
    REPEAT_PLACE_UNKNOWN,     /* a county is unknown: place says nothing */
    REPEAT_PLACE_COUNTY,      /* same county, other townships */
    REPEAT_PLACE_COUNTY_WIDE, /* same county, a side placed at county level only */
    REPEAT_PLACE_TOWNSHIP,    /* same township (other villages, or a side at township level) */
    REPEAT_PLACE_VILLAGE,     /* same village or community */
};

enum repeat_category { REPEAT_CAT_UNKNOWN = 0, REPEAT_CAT_SAME, REPEAT_CAT_DIFFERENT };

/* Why two cases look alike: the parts the store shows ("同一乡镇", "同类问题", "内容相似（72%）"). */
struct repeat_reason {
    int score;  /* 0..100: repeat suggestion at intake */
    int matter; /* 0..100: same matter, for two cases of one petitioner */
    enum repeat_place place;
    enum repeat_category category;
    int text_pct;    /* 0..100: the text evidence both scores start from */
    int title_pct;   /* 0..100: titles compared; -1 when a title is empty */
    int content_pct; /* 0..100: whole texts (title and content) compared; -1 when a text is empty */
    int topic_pct;   /* 0..100: key-term groups compared; -1 when a side has none */
    int topics;      /* shared key-term groups */
    const char *topic; /* the first shared group's name (static storage), or NULL */
};

/* A feature set of one text (opaque to callers). */
struct repeat_feats {
    struct repeat_feat *f;
    size_t n;
    uint32_t weight; /* sum of the character weights */
    uint32_t topics; /* key-term groups */
};

/* A case prepared once for many comparisons (the store compares one new case with hundreds). */
struct repeat_prepared {
    int64_t region_id, township_id, county_id;
    char category[4];
    struct repeat_feats title, all; /* all = title ∪ content */
    int has_content;
};

/* Prepares c into p (the caller owns p; c and its strings may be freed afterwards). 0, or -1 when
 * memory runs out (p is then empty but safe to compare and release). Release with repeat_release. */
int repeat_prepare(const struct repeat_case *c, struct repeat_prepared *p);
/* Frees what repeat_prepare allocated; p is left empty. NULL-safe, idempotent. */
void repeat_release(struct repeat_prepared *p);
/* Compares a (the earlier case) with b (the new one) into *out (caller's). Symmetric in the
 * text; never allocates. */
void repeat_compare(const struct repeat_prepared *a, const struct repeat_prepared *b, struct repeat_reason *out);
/* Prepares, compares and releases in one step. 0, or -1 when memory runs out (*out zeroed). */
int repeat_score(const struct repeat_case *a, const struct repeat_case *b, struct repeat_reason *out);

/* 1 when r is a repeat to suggest at threshold (≤ 0: REPEAT_SUGGEST_DEFAULT), else 0. */
int repeat_is_repeat(const struct repeat_reason *r, int threshold);
/* 1 when two cases of the same petitioner are the same matter at threshold (≤ 0:
 * REPEAT_SAME_MATTER_DEFAULT), else 0: a new case whose earlier cases are all other matters is
 * still 初信初访. */
int repeat_same_matter(const struct repeat_reason *r, int threshold);

/* The place as users read it: "同一村（社区）", "同一乡镇", "同一县（区）" or "" (static). */
const char *repeat_place_label(enum repeat_place place);
/* Writes the reasons, e.g. "同一乡镇；同类问题；关键词“路灯”；内容相似（72%）", NUL-terminated, into
 * buf of n bytes (truncated on a character boundary when short). Returns the bytes written. */
size_t repeat_explain(const struct repeat_reason *r, char *buf, size_t n);

/* The number of key-term groups in the lexicon and the name of group i (static), for tests. */
size_t repeat_topic_count(void);
const char *repeat_topic_name(size_t i);
#endif
