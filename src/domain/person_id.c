#include "person_id.h"
#include "../util/err.h"
#include <string.h>

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* ---- citizen ID numbers (GB 11643-1999) ---- */

char person_id_check_char(const char *id17)
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[11] = "10X98765432";
    if (!id17) return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(id17[i])) return 0;
        sum += (id17[i] - '0') * weight[i];
    }
    return check[sum % 11];
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

/* "YYYY-MM-DD" → yyyymmdd, or -1. */
static int parse_day(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit(s[i])) return -1;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return -1;
    return y * 10000 + m * 100 + d;
}

int person_id_check(const char *id, const char *today, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    *why = NULL;
    int limit = 0;
    if (today && (limit = parse_day(today)) < 0) {
        *why = "参考日期无效";
        return SX_EINTERNAL;
    }
    if (!id || strlen(id) != PERSON_ID_LEN) {
        *why = "身份证号码应为18位";
        return SX_EVALIDATION;
    }
    for (int i = 0; i < 17; i++)
        if (!is_digit(id[i])) {
            *why = "身份证号码前17位应为数字";
            return SX_EVALIDATION;
        }
    char last = id[17] == 'x' ? 'X' : id[17];
    if (!is_digit(last) && last != 'X') {
        *why = "身份证号码最后一位应为数字或X";
        return SX_EVALIDATION;
    }
    if (id[0] == '0') {
        *why = "身份证号码的地址码无效";
        return SX_EVALIDATION;
    }
    int y = num(id + 6, 4), m = num(id + 10, 2), d = num(id + 12, 2);
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        *why = "身份证号码中的出生日期无效";
        return SX_EVALIDATION;
    }
    if (limit && y * 10000 + m * 100 + d > limit) {
        *why = "身份证号码中的出生日期晚于今天";
        return SX_EVALIDATION;
    }
    if (person_id_check_char(id) != last) {
        *why = "身份证号码校验位不正确";
        return SX_EVALIDATION;
    }
    return SX_OK;
}

int person_id_normalize(const char *id, char *out, size_t n)
{
    if (!out || n == 0) return -1;
    out[0] = 0;
    if (!id) return -1;
    while (is_blank(*id)) id++;
    size_t len = strlen(id);
    while (len && is_blank(id[len - 1])) len--;
    if (len + 1 > n) return -1;
    for (size_t i = 0; i < len; i++) out[i] = id[i] == 'x' ? 'X' : id[i];
    out[len] = 0;
    return 0;
}

int person_id_birth_date(const char *id, char *out, size_t n)
{
    if (!out || n < 11) return -1;
    out[0] = 0;
    if (person_id_check(id, NULL, NULL) != SX_OK) return -1;
    memcpy(out, id + 6, 4);
    out[4] = '-';
    memcpy(out + 5, id + 10, 2);
    out[7] = '-';
    memcpy(out + 8, id + 12, 2);
    out[10] = 0;
    return 0;
}

/* Copies s into out keeping the first `head` and last `tail` characters, '*' elsewhere. */
static int mask_middle(const char *s, size_t len, size_t head, size_t tail, char *out, size_t n)
{
    if (!out || n == 0) return -1;
    out[0] = 0;
    if (len + 1 > n) return -1;
    for (size_t i = 0; i < len; i++) out[i] = (i < head || i + tail >= len) ? s[i] : '*';
    out[len] = 0;
    return 0;
}

int mask_person_id(const char *id, char *out, size_t n)
{
    if (!id) id = "";
    size_t len = strlen(id);
    if (len == PERSON_ID_LEN) return mask_middle(id, len, 6, 4, out, n);
    if (len >= 7) return mask_middle(id, len, 0, 2, out, n);
    return mask_middle(id, len, 0, len > 4 ? 2 : 0, out, n);
}

/* ---- phone numbers ---- */

#define PHONE_MAX_INPUT 64

/* Fixed-line check of digits d (area code included when it starts with 0). */
static int fixed_ok(const char *d, size_t len)
{
    size_t area = 0;
    if (len && d[0] == '0') {
        if (len < 2) return 0;
        area = (d[1] == '1' || d[1] == '2') ? 3 : 4;
        if (d[1] == '0') return 0;
    }
    if (len < area) return 0;
    size_t local = len - area;
    return local >= 7 && local <= 8 && d[area] != '0' && d[area] != '1';
}

static int mobile_ok(const char *d, size_t len) { return len == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'; }

int phone_normalize(const char *in, char *out, size_t n, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    *why = NULL;
    if (out && n) out[0] = 0;
    if (!in || !*in) {
        *why = "电话号码不能为空";
        return PHONE_INVALID;
    }
    if (strlen(in) > PHONE_MAX_INPUT) {
        *why = "电话号码过长";
        return PHONE_INVALID;
    }
    /* Split off an explicit extension marker. */
    char main_part[PHONE_MAX_INPUT + 1], ext[8] = "";
    size_t mlen = strlen(in);
    const char *mark = NULL;
    size_t mark_len = 0;
    const char *p;
    if ((p = strstr(in, "转"))) mark = p, mark_len = strlen("转");
    else if ((p = strchr(in, '#'))) mark = p, mark_len = 1;
    else if ((p = strstr(in, "ext")) || (p = strstr(in, "EXT")) || (p = strstr(in, "Ext"))) mark = p, mark_len = 3;
    if (mark) {
        mlen = (size_t)(mark - in);
        size_t e = 0;
        for (const char *q = mark + mark_len; *q; q++) {
            if (is_blank(*q) || *q == '-' || *q == '.' || *q == ':') continue;
            if (!is_digit(*q) || e >= 6) {
                *why = "分机号应为1至6位数字";
                return PHONE_INVALID;
            }
            ext[e++] = *q;
        }
        ext[e] = 0;
        if (!e) {
            *why = "分机号应为1至6位数字";
            return PHONE_INVALID;
        }
    }
    memcpy(main_part, in, mlen);
    main_part[mlen] = 0;

    /* Digits of the main part; groups are delimited by '-' and ')'. */
    const char *s = main_part;
    while (is_blank(*s)) s++;
    int intl = 0;
    if (strncmp(s, "+86", 3) == 0) s += 3, intl = 1;
    else if (strncmp(s, "0086", 4) == 0) s += 4, intl = 1;
    char d[PHONE_MAX_INPUT + 2];
    size_t len = 0, last_group = 0; /* index in d where the last group starts */
    int groups = 1, seen_open = 0, seen_close = 0;
    if (intl) d[len++] = '0'; /* provisional: a fixed line's trunk prefix, removed for mobiles */
    for (const char *q = s; *q; q++) {
        if (is_digit(*q)) {
            d[len++] = *q;
        } else if (is_blank(*q)) {
            continue;
        } else if (*q == '-' || (*q == ')' && seen_open && !seen_close)) {
            if (*q == ')') seen_close = 1;
            if (len > (size_t)intl) {
                groups++;
                last_group = len;
            }
        } else if (*q == '(' && !seen_open && len == (size_t)intl) {
            seen_open = 1;
        } else {
            *why = "电话号码含有无效字符";
            return PHONE_INVALID;
        }
    }
    d[len] = 0;
    if (seen_open && !seen_close) {
        *why = "电话号码的括号不匹配";
        return PHONE_INVALID;
    }
    int kind = PHONE_INVALID;
    const char *digits = d;
    size_t dlen = len;
    if (intl && mobile_ok(d + 1, len - 1)) digits = d + 1, dlen = len - 1; /* +86 138…: a mobile */
    if (intl && len > 1 && d[1] == '0') {
        *why = "电话号码格式不正确";
        return PHONE_INVALID;
    }
    if (!*ext && mobile_ok(digits, dlen)) {
        kind = PHONE_MOBILE;
    } else if (fixed_ok(digits, dlen)) {
        kind = PHONE_FIXED;
    } else if (!*ext && groups >= 2 && len - last_group >= 1 && len - last_group <= 6 &&
               fixed_ok(digits, dlen - (len - last_group))) {
        /* "0571-87654321-801": the last group is the extension */
        memcpy(ext, d + last_group, len - last_group);
        ext[len - last_group] = 0;
        dlen -= len - last_group;
        kind = PHONE_FIXED;
    }
    if (kind == PHONE_INVALID) {
        *why = (dlen == 11 && digits[0] == '1') ? "手机号码应为以13至19开头的11位数字" : "电话号码格式不正确";
        return PHONE_INVALID;
    }
    size_t need = dlen + (*ext ? 1 + strlen(ext) : 0) + 1;
    if (!out || need > n) {
        *why = "电话号码过长";
        return PHONE_INVALID;
    }
    memcpy(out, digits, dlen);
    out[dlen] = 0;
    if (*ext) {
        out[dlen] = '#';
        strcpy(out + dlen + 1, ext);
    }
    return kind;
}

int mask_phone(const char *phone, char *out, size_t n)
{
    char norm[PHONE_BUF], digits[PHONE_MAX_INPUT + 1];
    const char *ext = NULL;
    size_t len = 0;
    if (!phone) phone = "";
    if (phone_normalize(phone, norm, sizeof norm, NULL) != PHONE_INVALID) {
        char *dash = strchr(norm, '#');
        if (dash) *dash = 0, ext = dash + 1;
        len = strlen(norm);
        memcpy(digits, norm, len + 1);
    } else {
        for (const char *q = phone; *q && len < PHONE_MAX_INPUT; q++)
            if (is_digit(*q)) digits[len++] = *q;
        digits[len] = 0;
    }
    size_t head = 0, tail = 0;
    if (len >= 11) head = 3, tail = 4;
    else if (len >= 7) head = 2, tail = 2;
    else if (len >= 5) tail = 2;
    if (mask_middle(digits, len, head, tail, out, n) != 0) return -1;
    if (ext) {
        size_t used = strlen(out), elen = strlen(ext);
        if (used + 1 + elen + 1 > n) {
            out[0] = 0;
            return -1;
        }
        out[used] = '-';
        memcpy(out + used + 1, ext, elen + 1);
    }
    return 0;
}
