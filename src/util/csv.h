/* A pure, bounded CSV reader (RFC 4180 as Excel writes it): UTF-8 byte order mark skipped,
 * fields optionally quoted with '"' (a doubled quote inside stands for one), rows ended by
 * CRLF, LF or a lone CR, line breaks allowed inside quoted fields. Completely empty lines are
 * skipped. No I/O and no allocation after csv_new: it is fuzzed directly.
 *
 *   struct csv *c = csv_new(data, len);
 *   int rc;
 *   while ((rc = csv_next(c)) == CSV_ROW)
 *       for (int i = 0; i < c->nfields; i++) use(c->field[i], c->len[i], c->line);
 *   if (rc < 0) report(c->line, csv_strerror(rc));
 *   csv_free(c);
 */
#ifndef SX_CSV_H
#define SX_CSV_H
#include <stddef.h>

#define CSV_MAX_FIELD 4096 /* bytes in one field */
#define CSV_MAX_FIELDS 64  /* fields in one row */

enum csv_status {
    CSV_END = 0,         /* no more rows */
    CSV_ROW = 1,         /* a row is in field[0..nfields) */
    CSV_EQUOTE = -1,     /* quoted field not closed before the end of the input */
    CSV_EBADQUOTE = -2,  /* a quote inside an unquoted field, or text after a closing quote */
    CSV_EFIELDLEN = -3,  /* a field longer than CSV_MAX_FIELD bytes */
    CSV_EFIELDS = -4,    /* more than CSV_MAX_FIELDS fields in a row */
};

struct csv {
    const char *p, *end; /* unread input */
    size_t line;         /* 1-based line on which the current row (or the error) starts */
    size_t next_line;    /* line of the next unread byte */
    int nfields;
    int failed;          /* sticky: after an error csv_next keeps returning it */
    char *field[CSV_MAX_FIELDS]; /* NUL-terminated; may contain NUL bytes (see len) */
    size_t len[CSV_MAX_FIELDS];
    char buf[CSV_MAX_FIELDS * (CSV_MAX_FIELD + 1)];
};

/* Returns NULL when out of memory. data must outlive the reader. */
struct csv *csv_new(const char *data, size_t len);
void csv_free(struct csv *c);
/* Reads the next row: CSV_ROW, CSV_END or a negative csv_status. */
int csv_next(struct csv *c);
/* Chinese description of a csv_status. */
const char *csv_strerror(int status);
#endif
