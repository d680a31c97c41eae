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
/* Bounds the Argon2id computations running at once (each holds 64 MiB while it runs): at most
 * max_running; a caller finding them all taken waits up to wait_ms for one to finish, then gets
 * SX_EBUSY. max_running 0 (the start-up state, used by the command line) means no bound. */
void password_gate_set(int max_running, int wait_ms);
/* How many computations hold a slot now (for tests and diagnostics). */
int password_gate_running(void);
/* Argon2id hash string into out (PASSWORD_HASH_BYTES). SX_OK, SX_EBUSY (gate full) or SX_EINTERNAL. */
int password_hash(const char *pw, char out[PASSWORD_HASH_BYTES]);
/* SX_OK when pw matches hash; SX_ECREDS when it does not, also for a NULL or malformed hash (after
 * the same work as a real one, so the answer time does not tell whether an account exists);
 * SX_EBUSY when no slot of the gate freed up in time (nothing was checked). */
int password_match(const char *hash, const char *pw);
/* 1 when a password changed at changed_at (unix time) has expired at now. max_age_days 0: never. */
int password_expired(int64_t changed_at, int64_t max_age_days, int64_t now);
/* Generates a random password that meets the policy (16 chars) into out (≥ 17 bytes). */
void password_generate(char *out);
#endif
