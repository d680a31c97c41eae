/* Password policy and hashing (Argon2id through libsodium). */
#ifndef SX_PASSWORD_H
#define SX_PASSWORD_H
#include <stddef.h>
#include <stdint.h>

#define PASSWORD_MAX_BYTES 128
#define PASSWORD_HASH_BYTES 128

/* 0 when pw meets the policy: at least min_len characters, at most PASSWORD_MAX_BYTES bytes,
 * three of the four classes (upper, lower, digit, other), and not containing the username.
 * Otherwise SX_EWEAKPASSWORD with a Chinese reason in why (may be NULL). */
int password_check(const char *pw, int64_t min_len, const char *username, const char **why);
/* Argon2id hash string into out (PASSWORD_HASH_BYTES). 0 or SX_EINTERNAL. */
int password_hash(const char *pw, char out[PASSWORD_HASH_BYTES]);
/* 1 when pw matches hash. Always does the full work, even for a malformed hash. */
int password_verify(const char *hash, const char *pw);
/* 1 when a password changed at changed_at (unix time) has expired at now. max_age_days 0: never. */
int password_expired(int64_t changed_at, int64_t max_age_days, int64_t now);
/* Generates a random password that meets the policy (16 chars) into out (≥ 17 bytes). */
void password_generate(char *out);
#endif
