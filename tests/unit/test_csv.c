/* The bounded CSV reader (util/csv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/csv.h"

static struct csv *open_str(const char *s) { return csv_new(s, strlen(s)); }

static void expect_row(struct csv *c, size_t line, int n, ...)
{
    assert_int_equal(csv_next(c), CSV_ROW);
    assert_int_equal(c->line, line);
    assert_int_equal(c->nfields, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        assert_string_equal(c->field[i], want);
        assert_int_equal(c->len[i], strlen(want));
    }
    va_end(ap);
}

static void simple_lf(void **state)
{
    (void)state;
    struct csv *c = open_str("a,b,c\n1,2,3\n");
    expect_row(c, 1, 3, "a", "b", "c");
    expect_row(c, 2, 3, "1", "2", "3");
    assert_int_equal(csv_next(c), CSV_END);
    assert_int_equal(csv_next(c), CSV_END);
    csv_free(c);
}

static void bom_crlf_no_final_newline(void **state)
{
    (void)state;
    struct csv *c = open_str("\xEF\xBB\xBF代码,名称\r\n359900,宁川地区");
    expect_row(c, 1, 2, "代码", "名称");
    expect_row(c, 2, 2, "359900", "宁川地区");
    assert_int_equal(csv_next(c), CSV_END);
    csv_free(c);
    /* only at the very start is the BOM skipped */
    c = open_str("a\n\xEF\xBB\xBF" "b\n");
    expect_row(c, 1, 1, "a");
    expect_row(c, 2, 1, "\xEF\xBB\xBF" "b");
    csv_free(c);
}

static void empty_fields_and_lines(void **state)
{
    (void)state;
    struct csv *c = open_str("\n\r\n,a,\n\n\nx\r");
    expect_row(c, 3, 3, "", "a", "");
    expect_row(c, 6, 1, "x");
    assert_int_equal(csv_next(c), CSV_END);
    csv_free(c);
    c = open_str("");
    assert_int_equal(csv_next(c), CSV_END);
    csv_free(c);
    c = open_str("\xEF\xBB\xBF");
    assert_int_equal(csv_next(c), CSV_END);
    csv_free(c);
}

static void quotes(void **state)
{
    (void)state;
    struct csv *c = open_str("\"a,b\",\"say \"\"hi\"\"\",\"\"\n\"x\"\n");
    expect_row(c, 1, 3, "a,b", "say \"hi\"", "");
    expect_row(c, 2, 1, "x");
    csv_free(c);
}

static void embedded_newlines(void **state)
{
    (void)state;
    struct csv *c = open_str("\"line1\nline2\",b\r\n\"x\r\ny\",z\nlast,1\n");
    expect_row(c, 1, 2, "line1\nline2", "b");
    expect_row(c, 3, 2, "x\r\ny", "z");
    expect_row(c, 5, 2, "last", "1"); /* line numbers count the embedded breaks */
    csv_free(c);
}

static void unterminated_quote(void **state)
{
    (void)state;
    struct csv *c = open_str("a,b\n1,\"open\n2,3\n");
    expect_row(c, 1, 2, "a", "b");
    assert_int_equal(csv_next(c), CSV_EQUOTE);
    assert_int_equal(c->line, 2);
    assert_int_equal(csv_next(c), CSV_EQUOTE); /* sticky */
    assert_non_null(csv_strerror(CSV_EQUOTE));
    csv_free(c);
}

static void bad_quotes(void **state)
{
    (void)state;
    struct csv *c = open_str("ab\"c,d\n");
    assert_int_equal(csv_next(c), CSV_EBADQUOTE);
    csv_free(c);
    c = open_str("\"ab\"c,d\n");
    assert_int_equal(csv_next(c), CSV_EBADQUOTE);
    csv_free(c);
}

static void limits(void **state)
{
    (void)state;
    /* a field of exactly CSV_MAX_FIELD bytes is fine, one more is not */
    char *buf = malloc(CSV_MAX_FIELD + 16);
    memset(buf, 'x', CSV_MAX_FIELD);
    strcpy(buf + CSV_MAX_FIELD, "\n");
    struct csv *c = csv_new(buf, strlen(buf));
    assert_int_equal(csv_next(c), CSV_ROW);
    assert_int_equal(c->len[0], CSV_MAX_FIELD);
    csv_free(c);
    memset(buf, 'x', CSV_MAX_FIELD + 1);
    strcpy(buf + CSV_MAX_FIELD + 1, "\n");
    c = csv_new(buf, strlen(buf));
    assert_int_equal(csv_next(c), CSV_EFIELDLEN);
    csv_free(c);
    /* the same inside quotes */
    buf[0] = '"';
    memset(buf + 1, 'y', CSV_MAX_FIELD + 1);
    strcpy(buf + CSV_MAX_FIELD + 2, "\"\n");
    c = csv_new(buf, strlen(buf));
    assert_int_equal(csv_next(c), CSV_EFIELDLEN);
    csv_free(c);
    free(buf);
    /* 64 fields are fine, 65 are not */
    char row[512] = "";
    for (int i = 0; i < CSV_MAX_FIELDS - 1; i++) strcat(row, "f,");
    strcat(row, "f\n");
    c = open_str(row);
    assert_int_equal(csv_next(c), CSV_ROW);
    assert_int_equal(c->nfields, CSV_MAX_FIELDS);
    csv_free(c);
    row[strlen(row) - 1] = ',';
    strcat(row, "g\n");
    c = open_str(row);
    assert_int_equal(csv_next(c), CSV_EFIELDS);
    csv_free(c);
}

static void binary_safe(void **state)
{
    (void)state;
    const char data[] = "a\0b,c\n";
    struct csv *c = csv_new(data, sizeof data - 1);
    assert_int_equal(csv_next(c), CSV_ROW);
    assert_int_equal(c->len[0], 3);
    assert_memory_equal(c->field[0], "a\0b", 3);
    csv_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simple_lf),        cmocka_unit_test(bom_crlf_no_final_newline),
        cmocka_unit_test(empty_fields_and_lines), cmocka_unit_test(quotes),
        cmocka_unit_test(embedded_newlines), cmocka_unit_test(unterminated_quote),
        cmocka_unit_test(bad_quotes),       cmocka_unit_test(limits),
        cmocka_unit_test(binary_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
