/* Personal data at rest (等保2.0, PIPL art. 51): petitioners' ID numbers and phones are stored
 * sealed (XChaCha20-Poly1305, libsodium secretbox) and compared through keyed hashes (BLAKE2b),
 * never in plain text. The master key lives in a file next to the database ("<db>.key", mode
 * 0600, created on first use); `sixia backup` copies it beside the backup. Subkeys for sealing,
 * hashing and query codes are derived from it (crypto_kdf), so one leak does not give the others;
 * the audit chain derives its keys from it too (pii_key_derive). */
#ifndef SX_PII_H
#define SX_PII_H
#include <stddef.h>

#define PII_HASH_BUF 65 /* 64 hex digits and the terminator */

/* Loads the key from path, creating it (random, 0600) when absent. 0 or SX_EINTERNAL
 * (message logged). Needs sodium_init() done. */
int pii_key_load(const char *key_path);
/* Loads an existing key file only (never creates one): for commands that must not invent a
 * key, such as `sixia check`. 0, SX_ENOTFOUND when the file is absent, SX_EINTERNAL. */
int pii_key_load_existing(const char *key_path);
/* Other secrets that belong to the database (the audit chain's keys, audit_chain.h) are derived
 * from the same key file under their own 8-character context, so one file travels with the
 * database and leaking one subkey gives none of the others. 0, or -1 when no key is loaded. */
int pii_key_derive(unsigned char *out, size_t n, unsigned long long subkey_id, const char ctx[8]);
/* For tests and tools: sets the key directly (32 bytes). */
void pii_key_set(const unsigned char key[32]);
/* Writes the key file for a copy of the database (backup). 0, SX_EDUPLICATE when the file
 * exists (never overwritten), SX_EINTERNAL on an I/O error. */
int pii_key_save(const char *key_path);
/* "<db path>.key" into out. */
void pii_key_path(const char *db_path, char *out, size_t n);

/* Seals plain (NUL-terminated, ≤ 256 bytes) as "v1:" + base64 (nonce ‖ box) into out.
 * "" seals to "". 0, or -1 when out is too small or plain too long. */
int pii_seal(const char *plain, char *out, size_t n);
/* Opens what pii_seal wrote. 0, or -1 when it was not sealed with this key or is malformed. */
int pii_open(const char *sealed, char *out, size_t n);
/* Keyed hash of value within a domain ("id", "phone", "last4", "query") as 64 hex digits.
 * The same value in different domains hashes differently. */
void pii_hash(const char *domain, const char *value, char out[PII_HASH_BUF]);
#endif
