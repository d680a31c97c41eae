#include "audit_chain.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Length-prefixing each field makes the encoding unambiguous ("a|bc" vs "ab|c"). */
static void put(crypto_hash_sha256_state *st, const char *s)
{
    if (!s) s = "";
    char len[24];
    int n = snprintf(len, sizeof len, "%zu:", strlen(s));
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)n);
    crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s));
}

void audit_chain_hash(const char *prev_hex, const struct audit_fields *f, char hex[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    char num[24];
    put(&st, prev_hex);
    snprintf(num, sizeof num, "%lld", (long long)f->id);
    put(&st, num);
    put(&st, f->ts);
    snprintf(num, sizeof num, "%lld", (long long)f->user_id);
    put(&st, num);
    put(&st, f->username);
    put(&st, f->ip);
    put(&st, f->action);
    put(&st, f->object_type);
    put(&st, f->object_id);
    put(&st, f->result);
    put(&st, f->details);
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    sodium_bin2hex(hex, 65, out, sizeof out);
}
