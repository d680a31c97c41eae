/* Citizen ID numbers, phone numbers and masking (domain/person_id.c).
 * Every ID number here is generated: 17 chosen digits + a check character computed by the test's
 * own reference implementation. None belongs to a real person. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "domain/person_id.h"
#include "util/err.h"

/* Reference MOD 11-2, written differently from the library: weight of position i (0-based from the
 * left) is 2^(17-i) mod 11, check value (12 - sum mod 11) mod 11, 10 written as X. */
static char ref_check(const char *d17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int w = 1;
        for (int k = 0; k < 17 - i; k++) w = (w * 2) % 11;
        sum += (d17[i] - '0') * w;
    }
    int v = (12 - sum % 11) % 11;
    return v == 10 ? 'X' : (char)('0' + v);
}

/* region (6) + birth YYYYMMDD (8) + sequence (3) + computed check. */
static void make_id(char out[PERSON_ID_BUF], const char *region, const char *birth, const char *seq)
{
    snprintf(out, PERSON_ID_BUF, "%s%s%s", region, birth, seq);
    assert_int_equal(strlen(out), 17);
    out[17] = ref_check(out);
    out[18] = 0;
}

static void check_char_matches_reference(void **state)
{
    (void)state;
    uint32_t x = 12345;
    char d[18];
    int seen_x = 0;
    for (int n = 0; n < 5000; n++) {
        for (int i = 0; i < 17; i++) {
            x = x * 1103515245u + 12345u;
            d[i] = (char)('0' + (x >> 16) % 10);
        }
        d[17] = 0;
        char c = person_id_check_char(d);
        assert_int_equal(c, ref_check(d));
        seen_x += c == 'X';
    }
    assert_true(seen_x > 0); /* the X case occurs (about 1 in 11) */
    assert_int_equal(person_id_check_char("1101051980010112"), 0);  /* 16 digits */
    assert_int_equal(person_id_check_char("11010519800101a23"), 0); /* not a digit */
    assert_int_equal(person_id_check_char(NULL), 0);
    /* all zeros: sum 0 → check '1' */
    assert_int_equal(person_id_check_char("00000000000000000"), '1');
}

static void valid_ids(void **state)
{
    (void)state;
    char id[PERSON_ID_BUF];
    const char *why = "unset";
    const char *births[] = {"19000101", "19491001", "19800229", "20000229", "20081231", "20260315"};
    for (size_t i = 0; i < sizeof births / sizeof births[0]; i++) {
        make_id(id, "350902", births[i], "071");
        assert_int_equal(person_id_check(id, "2026-03-15", &why), SX_OK);
        assert_null(why);
    }
    /* one whose check character is X, in upper and lower case */
    int found = 0;
    for (int seq = 0; seq < 1000 && !found; seq++) {
        char s[12];
        snprintf(s, sizeof s, "%03d", seq);
        make_id(id, "350902", "19880808", s);
        if (id[17] != 'X') continue;
        found = 1;
        assert_int_equal(person_id_check(id, NULL, NULL), SX_OK);
        id[17] = 'x';
        assert_int_equal(person_id_check(id, NULL, NULL), SX_OK);
        char norm[PERSON_ID_BUF];
        assert_int_equal(person_id_normalize(id, norm, sizeof norm), 0);
        assert_int_equal(norm[17], 'X');
    }
    assert_true(found);
    char date[11];
    make_id(id, "350902", "19491001", "123");
    assert_int_equal(person_id_birth_date(id, date, sizeof date), 0);
    assert_string_equal(date, "1949-10-01");
    id[17] = id[17] == '0' ? '1' : '0';
    assert_int_equal(person_id_birth_date(id, date, sizeof date), -1);
    assert_string_equal(date, "");
}

static void wrong_check_digit(void **state)
{
    (void)state;
    char id[PERSON_ID_BUF];
    make_id(id, "110105", "19750612", "456");
    const char right = id[17];
    const char *cands = "0123456789Xx";
    int accepted = 0;
    for (const char *c = cands; *c; c++) {
        id[17] = *c;
        const char *why = NULL;
        int rc = person_id_check(id, NULL, &why);
        int is_right = *c == right || (right == 'X' && *c == 'x');
        if (is_right) {
            assert_int_equal(rc, SX_OK);
            accepted++;
        } else {
            assert_int_equal(rc, SX_EVALIDATION);
            assert_non_null(strstr(why, "校验位"));
        }
    }
    assert_int_equal(accepted, right == 'X' ? 2 : 1);
    /* a single changed digit in the body is detected */
    make_id(id, "110105", "19750612", "456");
    id[16] = id[16] == '9' ? '8' : (char)(id[16] + 1);
    assert_int_equal(person_id_check(id, NULL, NULL), SX_EVALIDATION);
    /* last character neither digit nor X */
    make_id(id, "110105", "19750612", "456");
    id[17] = 'Y';
    const char *why = NULL;
    assert_int_equal(person_id_check(id, NULL, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "最后一位"));
}

static void bad_dates(void **state)
{
    (void)state;
    const char *bad[] = {"19800230", /* 30 Feb */
                         "19801399", /* month 13, day 99 */
                         "19800001", "19800100", "19800431", "19000229", /* 1900 not a leap year */
                         "21000229", "18991231", /* before 1900 */
                         "00000101"};
    char id[PERSON_ID_BUF];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make_id(id, "330106", bad[i], "001");
        const char *why = NULL;
        assert_int_equal(person_id_check(id, NULL, &why), SX_EVALIDATION);
        if (!strstr(why, "出生日期")) fail_msg("%s: %s", bad[i], why);
    }
    make_id(id, "330106", "20240229", "001"); /* leap day */
    assert_int_equal(person_id_check(id, NULL, NULL), SX_OK);
}

static void future_birth(void **state)
{
    (void)state;
    char id[PERSON_ID_BUF];
    const char *why = NULL;
    make_id(id, "330106", "20260315", "001");
    assert_int_equal(person_id_check(id, "2026-03-15", NULL), SX_OK); /* born today */
    assert_int_equal(person_id_check(id, "2026-03-14", &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "晚于"));
    assert_int_equal(person_id_check(id, "2025-12-31", NULL), SX_EVALIDATION);
    assert_int_equal(person_id_check(id, NULL, NULL), SX_OK); /* no reference date: no check */
    /* a malformed reference date is the caller's bug */
    assert_int_equal(person_id_check(id, "2026/03/15", &why), SX_EINTERNAL);
    assert_int_equal(person_id_check(id, "2026-02-30", NULL), SX_EINTERNAL);
}

static void lengths_and_characters(void **state)
{
    (void)state;
    char id[PERSON_ID_BUF + 1];
    const char *why = NULL;
    make_id(id, "440305", "19900520", "318");
    char longer[24];
    snprintf(longer, sizeof longer, "%s1", id);
    assert_int_equal(person_id_check(longer, NULL, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "18位"));
    id[17] = 0;
    assert_int_equal(person_id_check(id, NULL, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "18位"));
    assert_int_equal(person_id_check("440305900520318", NULL, NULL), SX_EVALIDATION); /* old 15-digit form */
    assert_int_equal(person_id_check("", NULL, NULL), SX_EVALIDATION);
    assert_int_equal(person_id_check(NULL, NULL, NULL), SX_EVALIDATION);
    /* letters or blanks inside */
    make_id(id, "440305", "19900520", "318");
    id[3] = 'A';
    assert_int_equal(person_id_check(id, NULL, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "数字"));
    make_id(id, "440305", "19900520", "318");
    char padded[24];
    snprintf(padded, sizeof padded, " %s", id);
    assert_int_equal(person_id_check(padded, NULL, NULL), SX_EVALIDATION);
    char norm[PERSON_ID_BUF];
    snprintf(padded, sizeof padded, "  %s\t", id);
    assert_int_equal(person_id_normalize(padded, norm, sizeof norm), 0);
    assert_string_equal(norm, id);
    assert_int_equal(person_id_check(norm, NULL, NULL), SX_OK);
    assert_int_equal(person_id_normalize(id, norm, 18), -1); /* no room for the terminator */
    assert_string_equal(norm, "");
    /* region code starting with 0 */
    make_id(id, "040305", "19900520", "318");
    assert_int_equal(person_id_check(id, NULL, &why), SX_EVALIDATION);
    assert_non_null(strstr(why, "地址码"));
}

static void mask_ids(void **state)
{
    (void)state;
    char id[PERSON_ID_BUF], out[PERSON_ID_BUF];
    make_id(id, "350902", "19880808", "123");
    assert_int_equal(mask_person_id(id, out, sizeof out), 0);
    assert_int_equal(strlen(out), 18);
    assert_memory_equal(out, "350902********", 14);
    assert_memory_equal(out + 14, id + 14, 4);
    assert_null(strstr(out, "1988")); /* the birth date is hidden */
    assert_int_equal(mask_person_id(id, out, 18), -1);
    assert_string_equal(out, "");
    /* other lengths keep at most the last 2 */
    assert_int_equal(mask_person_id("440305900520318", out, sizeof out), 0);
    assert_string_equal(out, "*************18");
    assert_int_equal(mask_person_id("12345", out, sizeof out), 0);
    assert_string_equal(out, "***45");
    assert_int_equal(mask_person_id("1234", out, sizeof out), 0);
    assert_string_equal(out, "****");
    assert_int_equal(mask_person_id(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void phones_valid(void **state)
{
    (void)state;
    struct {
        const char *in, *norm;
        int kind;
    } ok[] = {
        {"13812345678", "13812345678", PHONE_MOBILE},
        {"19912345678", "19912345678", PHONE_MOBILE},
        {"138 1234 5678", "13812345678", PHONE_MOBILE},
        {"138-1234-5678", "13812345678", PHONE_MOBILE},
        {" 13812345678 ", "13812345678", PHONE_MOBILE},
        {"+86 138 1234 5678", "13812345678", PHONE_MOBILE},
        {"0086-13812345678", "13812345678", PHONE_MOBILE},
        {"010-87654321", "01087654321", PHONE_FIXED},
        {"(010)87654321", "01087654321", PHONE_FIXED},
        {"(0593) 8765432", "05938765432", PHONE_FIXED},
        {"0593-8765432", "05938765432", PHONE_FIXED},
        {"059387654321", "059387654321", PHONE_FIXED},
        {"0571 8765 4321", "057187654321", PHONE_FIXED},
        {"0571-87654321-801", "057187654321#801", PHONE_FIXED},
        {"0571-87654321 转 801", "057187654321#801", PHONE_FIXED},
        {"021-87654321#12", "02187654321#12", PHONE_FIXED},
        {"021 87654321 ext 123456", "02187654321#123456", PHONE_FIXED},
        {"87654321", "87654321", PHONE_FIXED},
        {"8765432", "8765432", PHONE_FIXED},
        {"87654321-9", "87654321#9", PHONE_FIXED},
        {"8765432#5", "8765432#5", PHONE_FIXED}, /* the normal form reads back as itself */
        {"+86 10 87654321", "01087654321", PHONE_FIXED},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char out[PHONE_BUF];
        const char *why = NULL;
        int k = phone_normalize(ok[i].in, out, sizeof out, &why);
        if (k != ok[i].kind) fail_msg("%s: kind %d (%s)", ok[i].in, k, why ? why : "");
        assert_string_equal(out, ok[i].norm);
        /* the normal form is itself accepted and unchanged */
        char again[PHONE_BUF];
        assert_int_equal(phone_normalize(out, again, sizeof again, NULL), ok[i].kind);
        assert_string_equal(again, out);
    }
}

static void phones_invalid(void **state)
{
    (void)state;
    const char *bad[] = {
        "12812345678",   /* 12x is not a mobile prefix */
        "11812345678",   "1381234567",       /* 10 digits */
        "138123456789",  /* 12 digits */
        "138-1234-567a", "abc",              "",
        "13812345678转12", /* a mobile has no extension */
        "010-0123456",   /* local number starting with 0 */
        "010-1234567",   /* … or 1 */
        "0571-876543",   /* 6-digit local */
        "0571-876543210", /* 9-digit local */
        "0571-87654321#1234567", /* 7-digit extension */
        "0571-87654321#",         "(010 87654321",  "010)87654321",
        "+86 0571 87654321", "00-87654321",     "1234",
        "13812345678901234567890123456789012345678901234567890123456789012345",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[PHONE_BUF] = "junk";
        const char *why = NULL;
        int k = phone_normalize(bad[i], out, sizeof out, &why);
        if (k != PHONE_INVALID) fail_msg("accepted %s as %s", bad[i], out);
        assert_non_null(why);
        assert_string_equal(out, "");
    }
    char out[PHONE_BUF];
    assert_int_equal(phone_normalize(NULL, out, sizeof out, NULL), PHONE_INVALID);
    const char *why = NULL;
    assert_int_equal(phone_normalize("12812345678", out, sizeof out, &why), PHONE_INVALID);
    assert_non_null(strstr(why, "手机"));
    /* a buffer too small is refused, not overflowed */
    char small[8];
    assert_int_equal(phone_normalize("13812345678", small, sizeof small, NULL), PHONE_INVALID);
    assert_string_equal(small, "");
}

static void mask_phones(void **state)
{
    (void)state;
    struct {
        const char *in, *out;
    } rows[] = {
        {"13812345678", "138****5678"},
        {"138-1234-5678", "138****5678"}, /* raw input is normalised first */
        {"+86 13812345678", "138****5678"},
        {"01087654321", "010****4321"},
        {"057187654321", "057*****4321"},
        {"0571-87654321-801", "057*****4321-801"},
        {"87654321", "87****21"},
        {"8765432", "87***32"},
        {"12345", "***45"},
        {"1234", "****"},
        {"", ""},
        {"not a phone 12345678901234", "123*******1234"}, /* invalid: its digits, masked */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[PHONE_BUF];
        assert_int_equal(mask_phone(rows[i].in, out, sizeof out), 0);
        if (strcmp(out, rows[i].out) != 0) fail_msg("%s → %s, want %s", rows[i].in, out, rows[i].out);
    }
    char small[11];
    assert_int_equal(mask_phone("13812345678", small, sizeof small), -1);
    assert_string_equal(small, "");
    char mid[13];
    assert_int_equal(mask_phone("0571-87654321-801", mid, sizeof mid), -1); /* room for the number, not the extension */
    assert_string_equal(mid, "");
    assert_int_equal(mask_phone(NULL, mid, sizeof mid), 0);
    assert_string_equal(mid, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_char_matches_reference),
        cmocka_unit_test(valid_ids),
        cmocka_unit_test(wrong_check_digit),
        cmocka_unit_test(bad_dates),
        cmocka_unit_test(future_birth),
        cmocka_unit_test(lengths_and_characters),
        cmocka_unit_test(mask_ids),
        cmocka_unit_test(phones_valid),
        cmocka_unit_test(phones_invalid),
        cmocka_unit_test(mask_phones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
