/* A small iCalendar (RFC 5545) writer for the reception-day feeds. Pure: no I/O; the text grows
 * in a malloc'd buffer. Lines end with CRLF and are folded at 75 octets (a continuation line
 * starts with one space) without splitting a UTF-8 sequence; TEXT values are escaped
 * (backslash, semicolon, comma, newline). Times are local to Asia/Shanghai (a VTIMEZONE is
 * written once) except DTSTAMP, which is UTC. */
#ifndef SX_ICAL_H
#define SX_ICAL_H
#include <stddef.h>
#include <stdint.h>

#define ICAL_LINE_MAX 75 /* octets per physical line, CRLF not counted */
#define ICAL_TZID "Asia/Shanghai"

struct ical_buf {
    char *p; /* NUL-terminated text; owned (free) */
    size_t len, cap;
    int oom; /* an allocation failed: the text is incomplete */
};

struct ical_event {
    const char *uid;
    const char *dtstamp; /* UTC "YYYY-MM-DDTHH:MM:SSZ" (the stored form) */
    const char *date;    /* "YYYY-MM-DD" */
    const char *start_time, *end_time; /* "HH:MM", local (Asia/Shanghai) */
    int64_t sequence;
    const char *summary, *location, *description; /* plain text, escaped here; may be NULL */
};

/* Writes one content line "name:value" (name may carry parameters, value is written as is),
 * folded, with CRLF. */
void ical_line(struct ical_buf *b, const char *name, const char *value);
/* "name:" + the TEXT-escaped value, folded. */
void ical_text(struct ical_buf *b, const char *name, const char *value);
/* Escapes a TEXT value into out (size n, NUL-terminated; cut at a character boundary when too
 * small). CR LF and lone LF or CR become "\n"; other control characters are dropped. Returns
 * the length the full escaped text needs (without NUL). */
size_t ical_escape(const char *in, char *out, size_t n);

/* BEGIN:VCALENDAR with VERSION, PRODID, CALSCALE, METHOD:PUBLISH, X-WR-CALNAME (calname, may
 * be NULL), X-WR-TIMEZONE and the VTIMEZONE of Asia/Shanghai. */
void ical_begin(struct ical_buf *b, const char *calname);
/* One VEVENT. Returns 0, or -1 when a date/time field is malformed (nothing is written). */
int ical_event(struct ical_buf *b, const struct ical_event *e);
/* END:VCALENDAR. Returns 0, or -1 when an allocation failed along the way. */
int ical_end(struct ical_buf *b);
void ical_free(struct ical_buf *b);
#endif
