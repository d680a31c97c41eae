#include "csv.h"
#include <stdlib.h>
#include <string.h>

struct csv *csv_new(const char *data, size_t len)
{
    struct csv *c = malloc(sizeof *c);
    if (!c) return NULL;
    c->p = data;
    c->end = data + len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) c->p += 3;
    c->line = c->next_line = 1;
    c->nfields = 0;
    c->failed = 0;
    return c;
}

void csv_free(struct csv *c) { free(c); }

const char *csv_strerror(int status)
{
    switch (status) {
    case CSV_END: return "文件结束";
    case CSV_ROW: return "正常";
    case CSV_EQUOTE: return "引号没有闭合（以引号开头的字段必须以引号结束）";
    case CSV_EBADQUOTE: return "引号位置不正确（字段内的引号须整体加引号并写成两个引号）";
    case CSV_EFIELDLEN: return "字段过长（每个字段最多4096字节）";
    case CSV_EFIELDS: return "列数过多（每行最多64列）";
    }
    return "未知错误";
}

/* Consumes a line break at c->p if there is one (CRLF, LF or CR); 1 when consumed. */
static int eat_newline(struct csv *c)
{
    if (c->p < c->end && *c->p == '\r') {
        c->p++;
        if (c->p < c->end && *c->p == '\n') c->p++;
        c->next_line++;
        return 1;
    }
    if (c->p < c->end && *c->p == '\n') {
        c->p++;
        c->next_line++;
        return 1;
    }
    return 0;
}

static int fail(struct csv *c, int status)
{
    c->failed = status;
    c->nfields = 0;
    return status;
}

int csv_next(struct csv *c)
{
    if (c->failed) return c->failed;
    c->nfields = 0;
    while (eat_newline(c)) {
    } /* empty lines */
    c->line = c->next_line;
    if (c->p >= c->end) return CSV_END;
    char *out = c->buf;
    for (;;) {
        /* One field per iteration; out has room for CSV_MAX_FIELD bytes and the NUL. */
        if (c->nfields == CSV_MAX_FIELDS) return fail(c, CSV_EFIELDS);
        char *start = out;
        size_t n = 0;
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            for (;;) {
                if (c->p >= c->end) return fail(c, CSV_EQUOTE);
                char ch = *c->p++;
                if (ch == '"') {
                    if (c->p < c->end && *c->p == '"') {
                        c->p++;
                    } else {
                        break; /* closing quote */
                    }
                } else if (ch == '\n' || (ch == '\r' && (c->p >= c->end || *c->p != '\n'))) {
                    c->next_line++;
                }
                if (n == CSV_MAX_FIELD) return fail(c, CSV_EFIELDLEN);
                start[n++] = ch;
            }
            if (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') return fail(c, CSV_EBADQUOTE);
        } else {
            while (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
                if (*c->p == '"') return fail(c, CSV_EBADQUOTE);
                if (n == CSV_MAX_FIELD) return fail(c, CSV_EFIELDLEN);
                start[n++] = *c->p++;
            }
        }
        start[n] = 0;
        c->field[c->nfields] = start;
        c->len[c->nfields] = n;
        c->nfields++;
        out = start + n + 1;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        eat_newline(c);
        return CSV_ROW;
    }
}
