#include "calendar.h"
#include "../util/err.h"
#include "../util/jsonv.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- day arithmetic (H. Hinnant's days_from_civil / civil_from_days) ---- */

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int ymd_valid(int y, int m, int d)
{
    return y >= CAL_YEAR_MIN && y <= CAL_YEAR_MAX && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

cal_day day_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (cal_day)(era * 146097 + doe - 719468);
}

struct ymd day_to_ymd(cal_day day)
{
    /* 64-bit: any cal_day is accepted without overflow */
    int64_t z = (int64_t)day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    struct ymd r;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.m <= 2));
    return r;
}

int day_year(cal_day day) { return day_to_ymd(day).y; }

int day_weekday(cal_day day)
{
    /* 1970-01-01 was a Thursday (4). */
    int w = (int)(((int64_t)day + 3) % 7);
    if (w < 0) w += 7;
    return w + 1;
}

/* Reads 1..maxd digits at s[*i]; -1 when none. */
static int read_num(const char *s, size_t len, size_t *i, int mind, int maxd)
{
    int v = 0, nd = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9' && nd < maxd) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        nd++;
    }
    return nd >= mind ? v : -1;
}

int day_parse(const char *s, size_t len, cal_day *out)
{
    size_t i = 0;
    int y = read_num(s, len, &i, 4, 4);
    if (y < 0 || i >= len || (s[i] != '-' && s[i] != '/')) return SX_EVALIDATION;
    char sep = s[i++];
    int m = read_num(s, len, &i, 1, 2);
    if (m < 0 || i >= len || s[i] != sep) return SX_EVALIDATION;
    i++;
    int d = read_num(s, len, &i, 1, 2);
    if (d < 0 || i != len || !ymd_valid(y, m, d)) return SX_EVALIDATION;
    *out = day_from_ymd(y, m, d);
    return SX_OK;
}

void day_format(cal_day day, char buf[11])
{
    struct ymd t = day_to_ymd(day);
    unsigned y = (unsigned)t.y % 10000u, m = (unsigned)t.m, d = (unsigned)t.d;
    const char out[11] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10), (char)('0' + y / 10 % 10),
                          (char)('0' + y % 10),   '-',
                          (char)('0' + m / 10),   (char)('0' + m % 10),
                          '-',                    (char)('0' + d / 10),
                          (char)('0' + d % 10),   0};
    memcpy(buf, out, sizeof out);
}

static cal_day day_min(void) { return day_from_ymd(CAL_YEAR_MIN, 1, 1); }
static cal_day day_max(void) { return day_from_ymd(CAL_YEAR_MAX, 12, 31); }

/* ---- calendar ---- */

void calendar_init(struct calendar *cal) { cal->n = 0; }

/* Index of the first entry with e.day >= day (cal->n when none). */
static int lower_bound(const struct calendar *cal, cal_day day)
{
    int lo = 0, hi = cal->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cal->e[mid].day < day) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

const struct cal_entry *calendar_find(const struct calendar *cal, cal_day day)
{
    int i = lower_bound(cal, day);
    return i < cal->n && cal->e[i].day == day ? &cal->e[i] : NULL;
}

int calendar_is_workday(const struct calendar *cal, cal_day day)
{
    const struct cal_entry *e = calendar_find(cal, day);
    if (e) return e->kind == CAL_WORKDAY;
    return day_weekday(day) <= 5;
}

int calendar_covers(const struct calendar *cal, int year)
{
    if (year < CAL_YEAR_MIN || year > CAL_YEAR_MAX) return 0;
    int i = lower_bound(cal, day_from_ymd(year, 1, 1));
    return i < cal->n && cal->e[i].day <= day_from_ymd(year, 12, 31);
}

int calendar_years(const struct calendar *cal, int *years, int max)
{
    int count = 0, last = 0;
    for (int i = 0; i < cal->n; i++) {
        int y = day_year(cal->e[i].day);
        if (count > 0 && y == last) continue;
        if (count < max) years[count] = y;
        count++;
        last = y;
    }
    return count;
}

int calendar_check_range(const struct calendar *cal, cal_day from, cal_day to, char *warn, size_t n)
{
    if (from > to) {
        cal_day t = from;
        from = to;
        to = t;
    }
    int y0 = day_year(from), y1 = day_year(to);
    char list[160] = "";
    size_t used = 0;
    int missing = 0;
    for (int y = y0; y <= y1; y++) {
        if (calendar_covers(cal, y)) continue;
        if (missing < 8) {
            int w = snprintf(list + used, sizeof list - used, "%s%d", missing ? "、" : "", y);
            if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
        } else {
            snprintf(list + used, sizeof list - used, "等");
            break; /* nothing more to name */
        }
        missing++;
    }
    if (!missing) {
        if (warn && n) warn[0] = 0;
        return 0;
    }
    if (warn && n)
        snprintf(warn, n, "工作日历缺少%s年的节假日安排，相关期限仅按周末推算，可能不准确；请管理员补充该年度的节假日数据",
                 list);
    return 1;
}

cal_day calendar_next_workday(const struct calendar *cal, cal_day day)
{
    /* Terminates: at most CAL_MAX_ENTRIES listed dates plus weekends can be skipped. */
    while (!calendar_is_workday(cal, day)) day++;
    return day;
}

int calendar_add_workdays(const struct calendar *cal, cal_day date, int n, cal_day *out)
{
    if (n < 0 || n > CAL_MAX_STEP_DAYS || date < day_min() || date > day_max()) return SX_EVALIDATION;
    cal_day d = date;
    for (int left = n; left > 0;) {
        d++;
        if (calendar_is_workday(cal, d)) left--;
    }
    if (d > day_max()) return SX_EVALIDATION;
    *out = d;
    return SX_OK;
}

static int check_entry(cal_day day, enum cal_kind kind, const char *name, size_t name_len, const char **why)
{
    if (day < day_min() || day > day_max()) {
        *why = "日期超出范围";
        return SX_EVALIDATION;
    }
    if (kind != CAL_HOLIDAY && kind != CAL_WORKDAY) {
        *why = "类型无效";
        return SX_EVALIDATION;
    }
    if (kind == CAL_WORKDAY && day_weekday(day) <= 5) {
        *why = "调休上班日应为周六或周日（周一至周五本来就是工作日）";
        return SX_EVALIDATION;
    }
    if (name_len >= CAL_NAME_BYTES) {
        *why = "名称过长（最多63个字节）";
        return SX_EVALIDATION;
    }
    if (!utf8_valid(name, name_len) || memchr(name, 0, name_len)) {
        *why = "名称含有无效字符";
        return SX_EVALIDATION;
    }
    return SX_OK;
}

int calendar_add(struct calendar *cal, cal_day day, enum cal_kind kind, const char *name)
{
    const char *why;
    if (!name) name = "";
    int rc = check_entry(day, kind, name, strlen(name), &why);
    if (rc) return rc;
    int i = lower_bound(cal, day);
    if (i < cal->n && cal->e[i].day == day) return SX_EDUPLICATE;
    if (cal->n >= CAL_MAX_ENTRIES) return SX_ETOOLARGE;
    memmove(&cal->e[i + 1], &cal->e[i], (size_t)(cal->n - i) * sizeof cal->e[0]);
    cal->e[i].day = day;
    cal->e[i].kind = kind;
    cal->e[i].line = 0;
    snprintf(cal->e[i].name, sizeof cal->e[i].name, "%s", name);
    cal->n++;
    return SX_OK;
}

/* ---- CSV ---- */

#define CAL_FIELDS 3
#define CAL_FIELD_BYTES 256

struct row {
    int nf;
    char f[CAL_FIELDS][CAL_FIELD_BYTES];
    size_t len[CAL_FIELDS];
};

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Splits one line (no line break) into up to CAL_FIELDS trimmed fields. A field may be quoted
 * with '"' (a doubled quote inside stands for one, commas inside are kept). Extra columns are
 * allowed only when empty (spreadsheets add them). Returns NULL or a Chinese reason. */
static const char *split_row(const char *s, size_t len, struct row *r)
{
    size_t i = 0;
    r->nf = 0;
    for (;;) {
        while (i < len && is_blank(s[i])) i++;
        char tmp[CAL_FIELD_BYTES];
        size_t n = 0;
        int overflow = 0;
        if (i < len && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) return "引号未闭合";
                if (s[i] == '"') {
                    if (i + 1 < len && s[i + 1] == '"') i++;
                    else {
                        i++;
                        break;
                    }
                }
                if (n + 1 < sizeof tmp) tmp[n++] = s[i];
                else overflow = 1;
                i++;
            }
            while (i < len && is_blank(s[i])) i++;
            if (i < len && s[i] != ',') return "引号后有多余字符";
        } else {
            while (i < len && s[i] != ',') {
                if (s[i] == '"') return "未加引号的字段中含有引号";
                if (n + 1 < sizeof tmp) tmp[n++] = s[i];
                else overflow = 1;
                i++;
            }
            while (n > 0 && is_blank(tmp[n - 1])) n--;
        }
        if (overflow) return "字段过长";
        tmp[n] = 0;
        if (r->nf < CAL_FIELDS) {
            memcpy(r->f[r->nf], tmp, n + 1);
            r->len[r->nf] = n;
            r->nf++;
        } else if (n > 0) {
            return "列数过多，应为三列：日期,类型,名称";
        }
        if (i >= len) return NULL;
        i++; /* the comma */
    }
}

static int parse_kind(const char *s, enum cal_kind *kind)
{
    if (!strcmp(s, "假日") || !strcmp(s, "休息")) *kind = CAL_HOLIDAY;
    else if (!strcmp(s, "上班") || !strcmp(s, "调休上班")) *kind = CAL_WORKDAY;
    else return -1;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct cal_entry *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

/* Copies at most 48 bytes of s, cut at a UTF-8 character boundary, for quoting in a message. */
static void excerpt(const char *s, char out[52])
{
    size_t n = strlen(s);
    if (n <= 48) {
        memcpy(out, s, n + 1);
        return;
    }
    n = 48;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    memcpy(out, s, n);
    memcpy(out + n, "…", sizeof "…");
}

static int parse_fail(struct calendar *cal, char *err, size_t errn, int rc, size_t line, const char *fmt,
                      const char *arg)
{
    if (err && errn) {
        char msg[256];
        snprintf(msg, sizeof msg, fmt, arg);
        if (line) snprintf(err, errn, "第%zu行：%s", line, msg);
        else snprintf(err, errn, "%s", msg);
    }
    cal->n = 0;
    return rc;
}

int calendar_parse(struct calendar *cal, const char *text, size_t len, char *err, size_t errn)
{
    calendar_init(cal);
    if (err && errn) err[0] = 0;
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    size_t line = 0;
    int seen_row = 0;
    struct row r;
    while (p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (le > p && le[-1] == '\r') le--;
        size_t ll = (size_t)(le - p);
        const char *s = p;
        p = next;
        if (!utf8_valid(s, ll) || memchr(s, 0, ll))
            return parse_fail(cal, err, errn, SX_EVALIDATION, line, "%s",
                              "含有无效字符，文件须以UTF-8编码保存（如“CSV UTF-8”格式）");
        size_t k = 0;
        while (k < ll && is_blank(s[k])) k++;
        if (k == ll || s[k] == '#') continue;
        const char *why = split_row(s, ll, &r);
        if (why) return parse_fail(cal, err, errn, SX_EVALIDATION, line, "%s", why);
        int first = !seen_row;
        seen_row = 1;
        if (first && !strcmp(r.f[0], "日期")) continue; /* header */
        if (r.nf == 1 && r.len[0] == 0) continue;          /* a line of empty columns */
        cal_day day;
        char quoted[52];
        if (day_parse(r.f[0], r.len[0], &day)) {
            excerpt(r.f[0], quoted);
            return parse_fail(cal, err, errn, SX_EVALIDATION, line, "日期“%s”无效，应为YYYY-MM-DD格式的有效日期",
                              quoted);
        }
        enum cal_kind kind;
        if (r.nf < 2 || parse_kind(r.f[1], &kind)) {
            excerpt(r.nf < 2 ? "" : r.f[1], quoted);
            return parse_fail(cal, err, errn, SX_EVALIDATION, line,
                              "类型“%s”无效，应为：假日、休息、上班、调休上班", quoted);
        }
        const char *name = r.nf >= 3 ? r.f[2] : "";
        size_t name_len = r.nf >= 3 ? r.len[2] : 0;
        int rc = check_entry(day, kind, name, name_len, &why);
        if (rc) return parse_fail(cal, err, errn, rc, line, "%s", why);
        if (cal->n >= CAL_MAX_ENTRIES)
            return parse_fail(cal, err, errn, SX_ETOOLARGE, line, "%s", "日期条目过多（最多1024条）");
        struct cal_entry *e = &cal->e[cal->n++];
        e->day = day;
        e->kind = kind;
        e->line = (int)line;
        memcpy(e->name, name, name_len + 1);
    }
    if (cal->n == 0) return parse_fail(cal, err, errn, SX_EVALIDATION, 0, "%s", "日历文件中没有任何日期");
    /* Duplicates are adjacent after sorting; the message names the later of the two lines. */
    qsort(cal->e, (size_t)cal->n, sizeof cal->e[0], cmp_entry);
    for (int i = 1; i < cal->n; i++)
        if (cal->e[i].day == cal->e[i - 1].day) {
            int a = cal->e[i - 1].line, b = cal->e[i].line;
            char d[11], msg[64];
            day_format(cal->e[i].day, d);
            snprintf(msg, sizeof msg, "日期%s重复（第%d行已有）", d, a < b ? a : b);
            return parse_fail(cal, err, errn, SX_EVALIDATION, (size_t)(a > b ? a : b), "%s", msg);
        }
    return SX_OK;
}

int day_parse_exact(const char *s, cal_day *out)
{
    char back[11];
    if (!s || strlen(s) != 10 || day_parse(s, 10, out)) return 0;
    day_format(*out, back);
    return !strcmp(back, s);
}
