/* Upload type detection from the bytes (domain/mime.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "domain/mime.h"

#define DET(lit) mime_detect(lit, sizeof(lit) - 1)

static void magic_numbers(void **state)
{
    (void)state;
    assert_string_equal(DET("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), MIME_PDF);
    assert_string_equal(DET("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), MIME_JPEG);
    assert_string_equal(DET("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), MIME_PNG);
    assert_string_equal(DET("GIF89a\x01\x00\x01\x00\x80\x00\x00"), MIME_GIF);
    assert_string_equal(DET("GIF87a\x01\x00\x01\x00"), MIME_GIF);
    assert_string_equal(DET("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), MIME_WEBP);
    assert_string_equal(DET("RIFF\x24\x00\x00\x00WEBPVP8L\x18\x00\x00\x00"), MIME_WEBP);
}

static void text(void **state)
{
    (void)state;
    assert_string_equal(DET("信访事项说明：道路失修。\r\n第二行\t"), MIME_TEXT);
    assert_string_equal(DET("\xef\xbb\xbf" "BOM text"), MIME_TEXT);
    assert_string_equal(DET("plain ascii"), MIME_TEXT);
    assert_null(DET("GBK \xd0\xc5\xb7\xc3")); /* 信访 in GBK: not UTF-8 */
    assert_null(DET("text with a\x00 NUL"));
    assert_null(DET("\xed\xa0\x80"));          /* surrogate */
    assert_null(DET("\xc0\xaf"));              /* overlong */
}

static void refused(void **state)
{
    (void)state;
    assert_null(mime_detect(NULL, 0));
    assert_null(mime_detect("", 0));
    assert_null(DET("\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00"));
    assert_null(DET("MZ\x90\x00\x03\x00\x00\x00\x04\x00"));      /* PE executable */
    assert_null(DET("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00")); /* legacy .doc/.xls */
    assert_null(DET("RIFF\x24\x00\x00\x00WAVEfmt "));             /* not WebP */
    assert_string_equal(DET("%PD"), MIME_TEXT);                   /* truncated magic: just text */
    assert_null(DET("\x89PNG\r\n"));
    assert_null(DET("\x1f\x8b\x08\x00"));                         /* gzip */
    assert_null(DET("PK\x03\x04"));                               /* a bare zip signature */
}

/* A minimal stored zip with the given entry names (empty contents). */
static size_t make_zip(unsigned char *out, const char *const *names, int n, const char *comment)
{
    size_t off = 0, local[16], cd;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        local[i] = off;
        unsigned char h[30] = {'P', 'K', 3, 4, 20};
        h[26] = (unsigned char)l;
        memcpy(out + off, h, 30);
        memcpy(out + off + 30, names[i], l);
        off += 30 + l;
    }
    cd = off;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        unsigned char h[46] = {'P', 'K', 1, 2, 20, 0, 20};
        h[28] = (unsigned char)l;
        h[42] = (unsigned char)(local[i] & 0xff);
        h[43] = (unsigned char)(local[i] >> 8);
        memcpy(out + off, h, 46);
        memcpy(out + off + 46, names[i], l);
        off += 46 + l;
    }
    size_t cl = strlen(comment), cds = off - cd;
    unsigned char e[22] = {'P', 'K', 5, 6};
    e[8] = e[10] = (unsigned char)n;
    e[12] = (unsigned char)(cds & 0xff);
    e[13] = (unsigned char)(cds >> 8);
    e[16] = (unsigned char)(cd & 0xff);
    e[17] = (unsigned char)(cd >> 8);
    e[20] = (unsigned char)cl;
    memcpy(out + off, e, 22);
    memcpy(out + off + 22, comment, cl);
    return off + 22 + cl;
}

static void office_documents(void **state)
{
    (void)state;
    unsigned char z[4096];
    const char *docx[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
    const char *xlsx[] = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"};
    const char *plain[] = {"readme.txt", "word/document.xml"};
    const char *both[] = {"[Content_Types].xml", "word/document.xml", "xl/workbook.xml"};
    size_t n = make_zip(z, docx, 3, "");
    assert_string_equal(mime_detect(z, n), MIME_DOCX);
    n = make_zip(z, docx, 3, "a zip comment");
    assert_string_equal(mime_detect(z, n), MIME_DOCX);
    n = make_zip(z, xlsx, 4, "");
    assert_string_equal(mime_detect(z, n), MIME_XLSX);
    n = make_zip(z, plain, 2, "");
    assert_null(mime_detect(z, n)); /* a zip but not Office Open XML */
    n = make_zip(z, both, 3, "");
    assert_null(mime_detect(z, n));
    /* every truncation of a valid document is refused, never read out of bounds */
    n = make_zip(z, xlsx, 4, "");
    for (size_t k = 0; k < n; k++) {
        unsigned char *cut = malloc(k ? k : 1);
        memcpy(cut, z, k);
        const char *m = mime_detect(cut, k);
        assert_true(m == NULL || !strcmp(m, MIME_TEXT));
        free(cut);
    }
    /* a central directory pointing outside the file */
    n = make_zip(z, docx, 3, "");
    z[n - 22 + 16] = 0xff;
    z[n - 22 + 17] = 0xff;
    assert_null(mime_detect(z, n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(magic_numbers),
        cmocka_unit_test(text),
        cmocka_unit_test(refused),
        cmocka_unit_test(office_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
