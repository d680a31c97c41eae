#include "password.h"
#include "../util/err.h"
#include "../util/jsonv.h"
#include <sodium.h>
#include <string.h>
#include <strings.h>

int password_check(const char *pw, int64_t min_len, const char *username, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    size_t bytes = strlen(pw);
    if (!utf8_valid(pw, bytes)) {
        *why = "密码含有无效字符";
        return SX_EWEAKPASSWORD;
    }
    if (bytes > PASSWORD_MAX_BYTES) {
        *why = "密码不能超过128个字节";
        return SX_EWEAKPASSWORD;
    }
    if ((int64_t)utf8_len(pw) < min_len) {
        *why = "密码长度不足";
        return SX_EWEAKPASSWORD;
    }
    int up = 0, lo = 0, dg = 0, ot = 0;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') up = 1;
        else if (*p >= 'a' && *p <= 'z') lo = 1;
        else if (*p >= '0' && *p <= '9') dg = 1;
        else ot = 1;
    }
    if (up + lo + dg + ot < 3) {
        *why = "密码必须包含大写字母、小写字母、数字、特殊字符中的至少三类";
        return SX_EWEAKPASSWORD;
    }
    if (username && strlen(username) >= 3) {
        /* case-insensitive substring search */
        size_t n = strlen(username);
        for (const char *p = pw; *p; p++)
            if (strncasecmp(p, username, n) == 0) {
                *why = "密码不能包含用户名";
                return SX_EWEAKPASSWORD;
            }
    }
    return SX_OK;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_BYTES])
{
    return crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                 crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0
               ? SX_OK
               : SX_EINTERNAL;
}

/* A valid hash of a random password: verifying against it costs the same as a real account. */
static char dummy_hash[PASSWORD_HASH_BYTES];

int password_verify(const char *hash, const char *pw)
{
    if (!hash || strncmp(hash, "$argon2id$", 10) != 0) {
        if (!dummy_hash[0]) password_hash("dummy-Password-1", dummy_hash);
        if (crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0) return 0;
        return 0;
    }
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int password_expired(int64_t changed_at, int64_t max_age_days, int64_t now)
{
    return max_age_days > 0 && now - changed_at > max_age_days * 86400;
}

void password_generate(char *out)
{
    static const char up[] = "ABCDEFGHJKLMNPQRSTUVWXYZ", lo[] = "abcdefghijkmnpqrstuvwxyz",
                      dg[] = "23456789", ot[] = "@#%+=!";
    const char *sets[4] = {up, lo, dg, ot};
    for (int i = 0; i < 16; i++) {
        const char *set = sets[i < 4 ? (uint32_t)i : randombytes_uniform(4)];
        out[i] = set[randombytes_uniform((uint32_t)strlen(set))];
    }
    /* shuffle so the class order is not fixed */
    for (int i = 15; i > 0; i--) {
        int j = (int)randombytes_uniform((uint32_t)i + 1);
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    out[16] = 0;
}
