/* The iCalendar writer (domain/ical.c): folding at 75 octets without splitting UTF-8, TEXT
 * escaping, CRLF line ends, the VTIMEZONE and VEVENT properties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/ical.h"

/* Checks every physical line of text: ends with CRLF, no bare CR or LF, at most 75 octets,
 * a continuation line starts with a space and no line starts with a UTF-8 continuation byte
 * (after the space). Returns the number of lines. */
static int check_lines(const char *text)
{
    int lines = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        size_t n = (size_t)(eol - p);
        assert_true(n <= ICAL_LINE_MAX);
        for (const char *q = p; q < eol; q++) assert_true(*q != '\r' && *q != '\n');
        const unsigned char *first = (const unsigned char *)(*p == ' ' ? p + 1 : p);
        if (first < (const unsigned char *)eol) assert_int_not_equal(*first & 0xC0, 0x80);
        /* The line before a fold ends on a complete character. */
        if (n > 0) {
            const unsigned char *last = (const unsigned char *)eol - 1;
            int cont = 0;
            while (last > (const unsigned char *)p && (*last & 0xC0) == 0x80) last--, cont++;
            if (*last >= 0xC0) {
                int len = *last >= 0xF0 ? 4 : *last >= 0xE0 ? 3 : 2;
                assert_int_equal(cont, len - 1);
            }
        }
        lines++;
        p = eol + 2;
    }
    return lines;
}

/* Unfolds RFC 5545 text (CRLF + space removed); malloc'd. */
static char *unfold(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(n + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\r' && text[i + 1] == '\n' && text[i + 2] == ' ') {
            i += 2;
            continue;
        }
        *w++ = text[i];
    }
    *w = 0;
    return out;
}

static void exactly_75_octets_is_not_folded(void **state)
{
    (void)state;
    /* "SUMMARY:" 8 + "a" 1 + 22 × 3 = 75 octets. */
    char v[128] = "a";
    for (int i = 0; i < 22; i++) strcat(v, "访");
    struct ical_buf b = {0};
    ical_line(&b, "SUMMARY", v);
    assert_int_equal(b.len, 75 + 2);
    assert_int_equal(check_lines(b.p), 1);
    assert_memory_equal(b.p + 75, "\r\n", 2);
    ical_free(&b);
}

static void chinese_76_octets_folds_before_the_character(void **state)
{
    (void)state;
    /* "SUMMARY:" 8 + "ab" 2 + 22 × 3 = 76: the 22nd character (octets 74..76) must move whole. */
    char v[128] = "ab";
    for (int i = 0; i < 22; i++) strcat(v, "访");
    struct ical_buf b = {0};
    ical_line(&b, "SUMMARY", v);
    assert_int_equal(check_lines(b.p), 2);
    const char *eol = strstr(b.p, "\r\n");
    assert_int_equal(eol - b.p, 73); /* 8 + 2 + 21 × 3: octet 74 would split 访 */
    assert_string_equal(eol, "\r\n 访\r\n");
    char *u = unfold(b.p);
    char want[160];
    snprintf(want, sizeof want, "SUMMARY:%s\r\n", v);
    assert_string_equal(u, want);
    free(u);
    ical_free(&b);
}

static void long_chinese_text_folds_on_every_line(void **state)
{
    (void)state;
    char v[4096] = "";
    for (int i = 0; i < 300; i++) strcat(v, i % 7 ? "接" : "x");
    struct ical_buf b = {0};
    ical_text(&b, "DESCRIPTION", v);
    int lines = check_lines(b.p);
    assert_true(lines > 10);
    char *u = unfold(b.p);
    char want[4200];
    snprintf(want, sizeof want, "DESCRIPTION:%s\r\n", v);
    assert_string_equal(u, want);
    free(u);
    /* Continuation lines are used fully: 74 octets of content, or 72/73 before a character. */
    const char *p = strstr(b.p, "\r\n") + 2;
    const char *eol = strstr(p, "\r\n");
    assert_true(eol - p >= 73 && eol - p <= 75);
    ical_free(&b);
}

static void ascii_folds_at_75(void **state)
{
    (void)state;
    char v[300];
    memset(v, 'x', 200);
    v[200] = 0;
    struct ical_buf b = {0};
    ical_line(&b, "X", v); /* 202 octets: 75 + 74 + 53 */
    assert_int_equal(check_lines(b.p), 3);
    assert_int_equal(strstr(b.p, "\r\n") - b.p, 75);
    const char *second = strstr(b.p, "\r\n") + 2;
    assert_int_equal(second[0], ' ');
    assert_int_equal(strstr(second, "\r\n") - second, 75);
    ical_free(&b);
}

static void escaping(void **state)
{
    (void)state;
    char out[256];
    size_t n = ical_escape("a\\b;c,d\ne\r\nf\rg\x01h：中文", out, sizeof out);
    assert_string_equal(out, "a\\\\b\\;c\\,d\\ne\\nf\\ngh：中文");
    assert_int_equal(n, strlen(out));
    /* Colons and quotes are not escaped in TEXT. */
    ical_escape("a:b\"c", out, sizeof out);
    assert_string_equal(out, "a:b\"c");
    ical_escape(NULL, out, sizeof out);
    assert_string_equal(out, "");
}

static void escaping_cut_keeps_whole_characters(void **state)
{
    (void)state;
    char out[8];
    size_t n = ical_escape("中文字", out, sizeof out); /* needs 9 octets, room for 7 */
    assert_int_equal(n, 9);
    assert_string_equal(out, "中文");
    n = ical_escape("ab中", out, 4); /* room for 3: "ab" only */
    assert_int_equal(n, 5);
    assert_string_equal(out, "ab");
}

static void text_property_escapes(void **state)
{
    (void)state;
    struct ical_buf b = {0};
    ical_text(&b, "LOCATION", "东山县信访局, 一楼;接待室\n（东门）");
    assert_string_equal(b.p, "LOCATION:东山县信访局\\, 一楼\\;接待室\\n（东门）\r\n");
    ical_free(&b);
}

static void calendar_with_event(void **state)
{
    (void)state;
    struct ical_buf b = {0};
    ical_begin(&b, "接访日 · 东山县");
    struct ical_event e = {.uid = "0123456789abcdef@sixia",
                           .dtstamp = "2026-11-29T02:03:04Z",
                           .date = "2026-12-01",
                           .start_time = "09:00",
                           .end_time = "12:00",
                           .sequence = 3,
                           .summary = "接访日：东山县（张三）",
                           .location = "东山县人民来访接待中心",
                           .description = "陪同单位：县住建局、县人社局"};
    assert_int_equal(ical_event(&b, &e), 0);
    assert_int_equal(ical_end(&b), 0);
    check_lines(b.p);
    assert_true(!strncmp(b.p, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30));
    assert_non_null(strstr(b.p, "\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"));
    assert_non_null(strstr(b.p, "\r\nTZOFFSETTO:+0800\r\n"));
    assert_non_null(strstr(b.p, "\r\nUID:0123456789abcdef@sixia\r\n"));
    assert_non_null(strstr(b.p, "\r\nDTSTAMP:20261129T020304Z\r\n"));
    assert_non_null(strstr(b.p, "\r\nDTSTART;TZID=Asia/Shanghai:20261201T090000\r\n"));
    assert_non_null(strstr(b.p, "\r\nDTEND;TZID=Asia/Shanghai:20261201T120000\r\n"));
    assert_non_null(strstr(b.p, "\r\nSEQUENCE:3\r\n"));
    assert_non_null(strstr(b.p, "\r\nSUMMARY:接访日：东山县（张三）\r\n"));
    assert_non_null(strstr(b.p, "\r\nLOCATION:东山县人民来访接待中心\r\n"));
    assert_non_null(strstr(b.p, "\r\nDESCRIPTION:陪同单位：县住建局、县人社局\r\n"));
    assert_non_null(strstr(b.p, "\r\nX-WR-CALNAME:接访日 · 东山县\r\n"));
    assert_true(b.len >= 15 && !strcmp(b.p + b.len - 15, "END:VCALENDAR\r\n"));
    ical_free(&b);
}

static void malformed_times_are_refused(void **state)
{
    (void)state;
    struct ical_buf b = {0};
    struct ical_event e = {.uid = "u", .dtstamp = "2026-11-29T02:03:04Z", .date = "2026-12-01",
                           .start_time = "9:00", .end_time = "12:00", .summary = "x"};
    assert_int_equal(ical_event(&b, &e), -1);
    e.start_time = "09:00";
    e.dtstamp = "2026-11-29 02:03:04";
    assert_int_equal(ical_event(&b, &e), -1);
    e.dtstamp = "2026-11-29T02:03:04Z";
    e.uid = "";
    assert_int_equal(ical_event(&b, &e), -1);
    assert_int_equal(b.len, 0); /* nothing written */
    e.uid = "u";
    e.sequence = 12345;
    assert_int_equal(ical_event(&b, &e), 0);
    assert_non_null(strstr(b.p, "\r\nSEQUENCE:12345\r\n"));
    assert_null(strstr(b.p, "LOCATION")); /* empty location omitted */
    ical_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exactly_75_octets_is_not_folded),
        cmocka_unit_test(chinese_76_octets_folds_before_the_character),
        cmocka_unit_test(long_chinese_text_folds_on_every_line),
        cmocka_unit_test(ascii_folds_at_75),
        cmocka_unit_test(escaping),
        cmocka_unit_test(escaping_cut_keeps_whole_characters),
        cmocka_unit_test(text_property_escapes),
        cmocka_unit_test(calendar_with_event),
        cmocka_unit_test(malformed_times_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
