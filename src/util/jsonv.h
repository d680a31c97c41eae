/* Validation of decoded JSON request bodies against a field list. Pure: no I/O, so it is
 * unit-tested and fuzzed directly. On failure the functions fill *e with the offending field
 * and a Chinese message and return SX_EVALIDATION. */
#ifndef SX_JSONV_H
#define SX_JSONV_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct verr {
    const char *field;
    char msg[256];
};

/* JV_STR is one line (no control characters at all); JV_TEXT may hold line breaks and tabs. */
enum jv_type { JV_STR, JV_TEXT, JV_INT, JV_BOOL, JV_INT_ARRAY, JV_STR_ARRAY };

struct jv_field {
    const char *name;
    const char *label;   /* Chinese name used in messages, e.g. "名称" */
    enum jv_type type;
    int required;
    int64_t min, max;    /* JV_STR: length in characters; JV_INT: value; arrays: element count */
};

/* Checks body is an object, has no field outside spec, every present field has the right type
 * and range, every required one is present and not null. nspec entries. Returns 0 or
 * SX_EVALIDATION / SX_EBADJSON. A null value counts as absent. */
int jv_check(json_t *body, const struct jv_field *spec, size_t nspec, struct verr *e);

/* Accessors after jv_check: absent or null gives the default. */
const char *jv_str(json_t *body, const char *name, const char *dflt);
int64_t jv_int(json_t *body, const char *name, int64_t dflt);
int jv_bool(json_t *body, const char *name, int dflt);
int jv_has(json_t *body, const char *name);

/* Number of Unicode code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* 1 when the n bytes are valid UTF-8 without NUL bytes (overlongs, surrogates rejected). */
int utf8_valid(const char *s, size_t n);
/* 1 when s contains a C0 control character (or DEL); multiline allows tab, CR and LF. */
int has_control_ex(const char *s, int multiline);
static inline int has_control(const char *s) { return has_control_ex(s, 1); }
#endif
