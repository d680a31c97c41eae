/* libFuzzer driver: the CSV reader over arbitrary bytes. Checks the invariants the importer
 * relies on: bounded fields, NUL-terminated, line numbers that never go backwards. */
#include "util/csv.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv *c = csv_new((const char *)data, size);
    if (!c) return 0;
    size_t last_line = 0, rows = 0;
    int rc;
    while ((rc = csv_next(c)) == CSV_ROW) {
        if (c->nfields < 1 || c->nfields > CSV_MAX_FIELDS) __builtin_trap();
        if (c->line < last_line) __builtin_trap();
        last_line = c->line;
        for (int i = 0; i < c->nfields; i++) {
            if (c->len[i] > CSV_MAX_FIELD || c->field[i][c->len[i]] != 0) __builtin_trap();
        }
        if (++rows > size + 1) __builtin_trap(); /* every row consumes input */
    }
    if (rc != CSV_END && (rc < CSV_EFIELDS || rc > CSV_EQUOTE)) __builtin_trap();
    if (csv_next(c) != rc) __builtin_trap(); /* end and errors are sticky */
    csv_free(c);
    return 0;
}
