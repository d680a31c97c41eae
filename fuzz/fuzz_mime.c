/* libFuzzer driver: upload type detection on arbitrary bytes. Must never crash, read out of
 * bounds or answer a type the bytes do not start like. */
#include "domain/mime.h"
#include "util/jsonv.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *m = mime_detect(data, size);
    if (!m) return 0;
    if (!size) __builtin_trap();
    if (!strcmp(m, MIME_PDF) && memcmp(data, "%PDF-", 5)) __builtin_trap();
    if (!strcmp(m, MIME_PNG) && (size < 8 || data[0] != 0x89)) __builtin_trap();
    if ((!strcmp(m, MIME_DOCX) || !strcmp(m, MIME_XLSX)) && (size < 52 || memcmp(data, "PK\x03\x04", 4)))
        __builtin_trap();
    if (!strcmp(m, MIME_TEXT) && !utf8_valid((const char *)data, size)) __builtin_trap();
    return 0;
}
