#include "query_code.h"
#include <sodium.h>
#include <stdint.h>
#include <string.h>

static const char alphabet[] = QUERY_CODE_ALPHABET;
#define ALPHABET_SIZE ((uint32_t)(sizeof alphabet - 1))

/* Position in the grouped form of symbol i: groups of 4, 4, 3 separated by '-'. */
static int grouped_pos(int i) { return i + i / 4; }

void query_code_generate(char out[QUERY_CODE_BUF])
{
    memset(out, '-', QUERY_CODE_LEN);
    for (int i = 0; i < QUERY_CODE_SYMBOLS; i++)
        out[grouped_pos(i)] = alphabet[randombytes_uniform(ALPHABET_SIZE)]; /* unbiased */
    out[QUERY_CODE_LEN] = 0;
}

int query_code_normalize(const char *in, char out[QUERY_CODE_BUF])
{
    out[0] = 0;
    if (!in) return -1;
    char sym[QUERY_CODE_SYMBOLS];
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '\t') continue;
        int c = (*p >= 'a' && *p <= 'z') ? *p - 'a' + 'A' : *p;
        if (!c || !strchr(alphabet, c) || n >= QUERY_CODE_SYMBOLS) return -1;
        sym[n++] = (char)c;
    }
    if (n != QUERY_CODE_SYMBOLS) return -1;
    memset(out, '-', QUERY_CODE_LEN);
    for (int i = 0; i < QUERY_CODE_SYMBOLS; i++) out[grouped_pos(i)] = sym[i];
    out[QUERY_CODE_LEN] = 0;
    return 0;
}

int query_code_entropy_bits(void)
{
    /* floor(log2(ALPHABET_SIZE^SYMBOLS)) without libm: 31^11 ≈ 2.5e16 fits in 64 bits. */
    uint64_t space = 1;
    for (int i = 0; i < QUERY_CODE_SYMBOLS; i++) space *= ALPHABET_SIZE;
    int bits = 0;
    while (space > 1) space >>= 1, bits++;
    return bits;
}
