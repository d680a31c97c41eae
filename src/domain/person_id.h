/* Personal identifiers of petitioners: citizen ID numbers (GB 11643-1999), mainland phone numbers,
 * and their masked display forms (DOMAIN.md §4: 138****5678, ID with the birth date hidden).
 * Pure logic: no I/O. Functions write into caller buffers and never overflow them. */
#ifndef SX_PERSON_ID_H
#define SX_PERSON_ID_H
#include <stddef.h>

#define PERSON_ID_LEN 18
#define PERSON_ID_BUF 19 /* an ID number or its masked form, with the terminator */
#define PHONE_BUF 32     /* a normalised phone number or its masked form, with the terminator */

/* The ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') of the first 17 characters of id,
 * or 0 when they are not 17 digits. */
char person_id_check_char(const char *id17);

/* 0 when id is a valid 18-character citizen ID number: 17 digits and a check character (digit,
 * 'X' or 'x') that matches; region code (first 6 digits) not starting with 0; birth date
 * YYYYMMDD a real calendar date, year ≥ 1900 and not after today ("YYYY-MM-DD"; NULL: no future
 * check). Otherwise SX_EVALIDATION with a Chinese reason in *why (why may be NULL);
 * SX_EINTERNAL when today is given but malformed. */
int person_id_check(const char *id, const char *today, const char **why);

/* Copies id without surrounding blanks and with a lower-case 'x' upper-cased into out.
 * 0, or -1 when it does not fit in n bytes (out is then ""). Does not validate. */
int person_id_normalize(const char *id, char *out, size_t n);

/* Birth date of a valid ID as "YYYY-MM-DD" into out (≥ 11 bytes). 0 or -1. */
int person_id_birth_date(const char *id, char *out, size_t n);

/* ID → first 6 + "********" + last 4 (the birth date hidden). Other lengths: everything but the
 * last 2 characters masked (at most 2 shown for fewer than 7 characters, none for ≤ 4).
 * 0, or -1 when out is too small (out is then ""). */
int mask_person_id(const char *id, char *out, size_t n);

enum phone_kind { PHONE_INVALID = 0, PHONE_MOBILE = 1, PHONE_FIXED = 2 };

/* Validates and normalises a mainland phone number. Accepted:
 *   mobile: 11 digits 1[3-9]xxxxxxxxx, optionally preceded by +86 / 0086;
 *   fixed:  optional area code 0 + 2 or 3 digits (010 and 02x have 2, others 3), optionally in
 *           parentheses or followed by '-', then a 7–8 digit local number not starting with 0/1,
 *           then an optional extension of 1–6 digits after '-', '#', "转" or "ext".
 * Spaces and hyphens inside the number are allowed. The normal form is the digits of area code
 * and number, followed by "#" and the extension when there is one: "13812345678",
 * "01012345678", "057112345678#801" ("#", not "-": "8765432-5" reads as the number 87654325).
 * Returns PHONE_MOBILE or PHONE_FIXED and writes out;
 * PHONE_INVALID (0) with a Chinese reason in *why (may be NULL), out then "". */
int phone_normalize(const char *in, char *out, size_t n, const char **why);

/* Masks a phone number (normalised or raw; only its digits count, the extension is kept):
 * 11 digits → first 3 + "****" + last 4 ("138****5678"); longer → first 3, last 4, the rest '*';
 * 7–10 digits → first 2, last 2; 5–6 digits → last 2; ≤ 4 digits → all '*'.
 * 0, or -1 when out is too small (out is then ""). */
int mask_phone(const char *phone, char *out, size_t n);
#endif
