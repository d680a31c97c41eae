/* iCalendar (RFC 5545) text: content lines, folding, TEXT escaping, VTIMEZONE, VEVENT. */
#include "ical.h"
#include <stdlib.h>
#include <string.h>

static void put(struct ical_buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

/* Writes the logical line s (n octets) folded at ICAL_LINE_MAX octets, then CRLF. A fold never
 * falls inside a UTF-8 sequence: it backs up to the lead byte. */
static void put_folded(struct ical_buf *b, const char *s, size_t n)
{
    size_t room = ICAL_LINE_MAX; /* octets left on this physical line */
    while (n > room) {
        size_t cut = room;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
        if (cut == 0) cut = room; /* not UTF-8 at all: never loop forever */
        put(b, s, cut);
        put(b, "\r\n ", 3);
        s += cut;
        n -= cut;
        room = ICAL_LINE_MAX - 1; /* the leading space counts */
    }
    put(b, s, n);
    put(b, "\r\n", 2);
}

void ical_line(struct ical_buf *b, const char *name, const char *value)
{
    size_t nn = strlen(name), nv = strlen(value);
    char stack[512];
    char *line = nn + nv + 1 <= sizeof stack ? stack : malloc(nn + nv + 1);
    if (!line) {
        b->oom = 1;
        return;
    }
    memcpy(line, name, nn);
    line[nn] = ':';
    memcpy(line + nn + 1, value, nv);
    put_folded(b, line, nn + 1 + nv);
    if (line != stack) free(line);
}

size_t ical_escape(const char *in, char *out, size_t n)
{
    size_t need = 0, w = 0;
    int full = n == 0;
    for (const unsigned char *p = (const unsigned char *)(in ? in : ""); *p; p++) {
        char tmp[2];
        size_t k = 0;
        if (*p == '\\' || *p == ';' || *p == ',') {
            tmp[0] = '\\';
            tmp[1] = (char)*p;
            k = 2;
        } else if (*p == '\r' || *p == '\n') {
            if (*p == '\r' && p[1] == '\n') p++;
            tmp[0] = '\\';
            tmp[1] = 'n';
            k = 2;
        } else if (*p < 0x20 || *p == 0x7F) {
            continue;
        } else {
            tmp[0] = (char)*p;
            k = 1;
        }
        need += k;
        if (!full && w + k < n) {
            memcpy(out + w, tmp, k);
            w += k;
        } else {
            full = 1;
        }
    }
    if (n) {
        /* A cut may have left a partial UTF-8 sequence at the end: drop it. */
        if (full && w > 0) {
            size_t back = w;
            while (back > 0 && ((unsigned char)out[back - 1] & 0xC0) == 0x80) back--;
            if (back > 0 && ((unsigned char)out[back - 1] & 0x80)) {
                unsigned char lead = (unsigned char)out[back - 1];
                size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
                if (w - (back - 1) < len) w = back - 1;
            }
        }
        out[w] = 0;
    }
    return need;
}

void ical_text(struct ical_buf *b, const char *name, const char *value)
{
    char stack[1024];
    size_t need = ical_escape(value, stack, sizeof stack);
    if (need < sizeof stack) {
        ical_line(b, name, stack);
        return;
    }
    char *big = malloc(need + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    ical_escape(value, big, need + 1);
    ical_line(b, name, big);
    free(big);
}

void ical_begin(struct ical_buf *b, const char *calname)
{
    ical_line(b, "BEGIN", "VCALENDAR");
    ical_line(b, "VERSION", "2.0");
    ical_line(b, "PRODID", "-//sixia//四下基层工作平台 接访日//ZH");
    ical_line(b, "CALSCALE", "GREGORIAN");
    ical_line(b, "METHOD", "PUBLISH");
    if (calname) ical_text(b, "X-WR-CALNAME", calname);
    ical_line(b, "X-WR-TIMEZONE", ICAL_TZID);
    /* China has kept UTC+8 without daylight saving since 1991. */
    ical_line(b, "BEGIN", "VTIMEZONE");
    ical_line(b, "TZID", ICAL_TZID);
    ical_line(b, "BEGIN", "STANDARD");
    ical_line(b, "DTSTART", "19700101T000000");
    ical_line(b, "TZOFFSETFROM", "+0800");
    ical_line(b, "TZOFFSETTO", "+0800");
    ical_line(b, "TZNAME", "CST");
    ical_line(b, "END", "STANDARD");
    ical_line(b, "END", "VTIMEZONE");
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* "YYYY-MM-DD" + "HH:MM" → "YYYYMMDDTHHMM00". */
static int local_time(const char *date, const char *hm, char out[16])
{
    if (!date || !hm || strlen(date) != 10 || strlen(hm) != 5 || date[4] != '-' || date[7] != '-' ||
        hm[2] != ':' || !digits(date, 4) || !digits(date + 5, 2) || !digits(date + 8, 2) || !digits(hm, 2) ||
        !digits(hm + 3, 2))
        return -1;
    memcpy(out, date, 4);
    memcpy(out + 4, date + 5, 2);
    memcpy(out + 6, date + 8, 2);
    out[8] = 'T';
    memcpy(out + 9, hm, 2);
    memcpy(out + 11, hm + 3, 2);
    memcpy(out + 13, "00", 3);
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" → "YYYYMMDDTHHMMSSZ". */
static int utc_stamp(const char *iso, char out[17])
{
    if (!iso || strlen(iso) < 20 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' || iso[13] != ':' ||
        iso[16] != ':' || iso[19] != 'Z')
        return -1;
    const char *parts[] = {iso, iso + 5, iso + 8, iso + 11, iso + 14, iso + 17};
    const size_t lens[] = {4, 2, 2, 2, 2, 2};
    size_t w = 0;
    for (int i = 0; i < 6; i++) {
        if (!digits(parts[i], lens[i])) return -1;
        memcpy(out + w, parts[i], lens[i]);
        w += lens[i];
        if (i == 2) out[w++] = 'T';
    }
    out[w++] = 'Z';
    out[w] = 0;
    return 0;
}

int ical_event(struct ical_buf *b, const struct ical_event *e)
{
    char start[16], end[16], stamp[17], seq[24];
    if (!e->uid || !*e->uid || local_time(e->date, e->start_time, start) ||
        local_time(e->date, e->end_time, end) || utc_stamp(e->dtstamp, stamp))
        return -1;
    int64_t s = e->sequence < 0 ? 0 : e->sequence;
    size_t k = sizeof seq - 1;
    seq[k] = 0;
    do {
        seq[--k] = (char)('0' + s % 10);
        s /= 10;
    } while (s && k);
    ical_line(b, "BEGIN", "VEVENT");
    ical_text(b, "UID", e->uid);
    ical_line(b, "DTSTAMP", stamp);
    ical_line(b, "DTSTART;TZID=" ICAL_TZID, start);
    ical_line(b, "DTEND;TZID=" ICAL_TZID, end);
    ical_line(b, "SEQUENCE", seq + k);
    ical_text(b, "SUMMARY", e->summary ? e->summary : "");
    if (e->location && *e->location) ical_text(b, "LOCATION", e->location);
    if (e->description && *e->description) ical_text(b, "DESCRIPTION", e->description);
    ical_line(b, "STATUS", "CONFIRMED");
    ical_line(b, "TRANSP", "OPAQUE");
    ical_line(b, "END", "VEVENT");
    return 0;
}

int ical_end(struct ical_buf *b)
{
    ical_line(b, "END", "VCALENDAR");
    return b->oom ? -1 : 0;
}

void ical_free(struct ical_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
