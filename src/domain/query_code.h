/* The citizen's query code (查询码) of a petition case: unguessable (≥ 50 bits from libsodium),
 * easy to read aloud and type: no 0/O, 1/I/L, grouped as XXXX-XXXX-XXX. */
#ifndef SX_QUERY_CODE_H
#define SX_QUERY_CODE_H

/* 31 symbols: digits 2–9 and the capital letters without I, L, O. */
#define QUERY_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define QUERY_CODE_SYMBOLS 11 /* symbols per code: 11 × log2(31) ≈ 54.5 bits */
#define QUERY_CODE_LEN 13     /* grouped form "XXXX-XXXX-XXX" */
#define QUERY_CODE_BUF 14     /* with the terminator */

/* Writes a new random code in the grouped form into out. Needs sodium_init() done. */
void query_code_generate(char out[QUERY_CODE_BUF]);

/* Accepts what a citizen types — lower case, spaces and hyphens anywhere — and writes the
 * canonical grouped form into out. 0, or -1 (out "") when, after upper-casing and removing the
 * separators, it is not exactly QUERY_CODE_SYMBOLS symbols of the alphabet. Look-alikes are not
 * guessed: 0, O, 1, I and L are rejected. in may be NULL (→ -1). */
int query_code_normalize(const char *in, char out[QUERY_CODE_BUF]);

/* Whole bits of entropy of a generated code: floor(log2(31^11)) = 54. */
int query_code_entropy_bits(void);
#endif
