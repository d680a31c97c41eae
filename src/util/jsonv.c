#include "jsonv.h"
#include "err.h"
#include <stdio.h>
#include <string.h>

size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        if (c == 0) return 0;
        if (c < 0x80) {
            p++;
            continue;
        }
        int len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
        else return 0;
        if (end - p < len) return 0;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += len;
    }
    return 1;
}

int has_control_ex(const char *s, int multiline)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0x7F) return 1;
        if (c < 0x20 && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) return 1;
    }
    return 0;
}

static int fail(struct verr *e, const char *field, const char *fmt, const char *label, long long a,
                long long b)
{
    e->field = field;
    snprintf(e->msg, sizeof e->msg, fmt, label, a, b);
    return SX_EVALIDATION;
}

static int check_one(json_t *v, const struct jv_field *f, struct verr *e)
{
    const char *L = f->label ? f->label : f->name;
    switch (f->type) {
    case JV_STR:
    case JV_TEXT: {
        if (!json_is_string(v)) return fail(e, f->name, "%s必须是文本%.0lld%.0lld", L, 0, 0);
        const char *s = json_string_value(v);
        if (strlen(s) != json_string_length(v) || has_control_ex(s, f->type == JV_TEXT))
            return fail(e, f->name, "%s含有不允许的控制字符%.0lld%.0lld", L, 0, 0);
        long long n = (long long)utf8_len(s);
        if (f->required && n == 0) return fail(e, f->name, "%s不能为空%.0lld%.0lld", L, 0, 0);
        if (n < f->min) return fail(e, f->name, "%s至少%lld个字符%.0lld", L, f->min, 0);
        if (f->max && n > f->max) return fail(e, f->name, "%s不能超过%lld个字符%.0lld", L, f->max, 0);
        return 0;
    }
    case JV_INT: {
        if (!json_is_integer(v)) return fail(e, f->name, "%s必须是整数%.0lld%.0lld", L, 0, 0);
        long long x = json_integer_value(v);
        if (x < f->min || x > f->max)
            return fail(e, f->name, "%s必须在%lld到%lld之间", L, f->min, f->max);
        return 0;
    }
    case JV_BOOL:
        if (!json_is_boolean(v)) return fail(e, f->name, "%s必须是 true 或 false%.0lld%.0lld", L, 0, 0);
        return 0;
    case JV_INT_ARRAY:
    case JV_STR_ARRAY: {
        if (!json_is_array(v)) return fail(e, f->name, "%s必须是数组%.0lld%.0lld", L, 0, 0);
        long long n = (long long)json_array_size(v);
        if (n < f->min || (f->max && n > f->max))
            return fail(e, f->name, "%s的个数必须在%lld到%lld之间", L, f->min, f->max);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (f->type == JV_INT_ARRAY) {
                if (!json_is_integer(x) || json_integer_value(x) < 1)
                    return fail(e, f->name, "%s的元素必须是正整数%.0lld%.0lld", L, 0, 0);
            } else {
                if (!json_is_string(x)) return fail(e, f->name, "%s的元素必须是文本%.0lld%.0lld", L, 0, 0);
                const char *s = json_string_value(x);
                size_t len = utf8_len(s);
                if (strlen(s) != json_string_length(x) || has_control_ex(s, 0) || len == 0 || len > 64)
                    return fail(e, f->name, "%s的元素必须是1到64个字符的文本%.0lld%.0lld", L, 0, 0);
            }
        }
        return 0;
    }
    }
    return 0;
}

int jv_check(json_t *body, const struct jv_field *spec, size_t nspec, struct verr *e)
{
    e->field = NULL;
    e->msg[0] = 0;
    if (!json_is_object(body)) {
        snprintf(e->msg, sizeof e->msg, "请求内容必须是 JSON 对象");
        return SX_EBADJSON;
    }
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        size_t i;
        for (i = 0; i < nspec; i++)
            if (strcmp(spec[i].name, key) == 0) break;
        if (i == nspec) {
            static _Thread_local char unknown[64];
            snprintf(unknown, sizeof unknown, "%s", key);
            e->field = unknown;
            snprintf(e->msg, sizeof e->msg, "不允许的字段：%.60s", key);
            return SX_EVALIDATION;
        }
    }
    for (size_t i = 0; i < nspec; i++) {
        json_t *x = json_object_get(body, spec[i].name);
        if (!x || json_is_null(x)) {
            if (spec[i].required) {
                e->field = spec[i].name;
                snprintf(e->msg, sizeof e->msg, "%s不能为空", spec[i].label ? spec[i].label : spec[i].name);
                return SX_EVALIDATION;
            }
            continue;
        }
        int rc = check_one(x, &spec[i], e);
        if (rc) return rc;
    }
    return 0;
}

const char *jv_str(json_t *body, const char *name, const char *dflt)
{
    json_t *v = json_object_get(body, name);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t jv_int(json_t *body, const char *name, int64_t dflt)
{
    json_t *v = json_object_get(body, name);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

int jv_bool(json_t *body, const char *name, int dflt)
{
    json_t *v = json_object_get(body, name);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

int jv_has(json_t *body, const char *name)
{
    json_t *v = json_object_get(body, name);
    return v && !json_is_null(v);
}
