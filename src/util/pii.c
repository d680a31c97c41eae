#include "pii.h"
#include "err.h"
#include "log.h"
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PII_MAX_PLAIN 256

static unsigned char master[crypto_kdf_KEYBYTES];
static unsigned char seal_key[crypto_secretbox_KEYBYTES];
static unsigned char hash_key[crypto_generichash_KEYBYTES];
static int have_key;

void pii_key_set(const unsigned char key[32])
{
    memcpy(master, key, sizeof master);
    crypto_kdf_derive_from_key(seal_key, sizeof seal_key, 1, "sixiaPII", master);
    crypto_kdf_derive_from_key(hash_key, sizeof hash_key, 2, "sixiaPII", master);
    have_key = 1;
}

void pii_key_path(const char *db_path, char *out, size_t n) { snprintf(out, n, "%s.key", db_path); }

int pii_key_derive(unsigned char *out, size_t n, unsigned long long subkey_id, const char ctx[8])
{
    if (!have_key || n < crypto_kdf_BYTES_MIN || n > crypto_kdf_BYTES_MAX) return -1;
    return crypto_kdf_derive_from_key(out, n, subkey_id, ctx, master) == 0 ? 0 : -1;
}

/* Reads the key file into the key: 0, SX_ENOTFOUND when absent, SX_EINTERNAL (logged). */
static int key_read(const char *key_path)
{
    char hex[2 * crypto_kdf_KEYBYTES + 2];
    unsigned char key[crypto_kdf_KEYBYTES];
    int fd = open(key_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return SX_ENOTFOUND;
        log_error("cannot read key file %s: %s", key_path, strerror(errno));
        return SX_EINTERNAL;
    }
    ssize_t n = read(fd, hex, sizeof hex - 1);
    close(fd);
    size_t bin_len = 0;
    int rc = SX_OK;
    if (n < 2 * crypto_kdf_KEYBYTES ||
        sodium_hex2bin(key, sizeof key, hex, (size_t)n, "\n", &bin_len, NULL) || bin_len != sizeof key) {
        log_error("key file %s is damaged", key_path);
        rc = SX_EINTERNAL;
    } else {
        pii_key_set(key);
    }
    sodium_memzero(key, sizeof key);
    sodium_memzero(hex, sizeof hex);
    return rc;
}

int pii_key_load_existing(const char *key_path) { return key_read(key_path); }

int pii_key_load(const char *key_path)
{
    int rc = key_read(key_path);
    if (rc != SX_ENOTFOUND) return rc;
    unsigned char key[crypto_kdf_KEYBYTES];
    crypto_kdf_keygen(key);
    pii_key_set(key);
    sodium_memzero(key, sizeof key);
    rc = pii_key_save(key_path);
    /* Another process created it first: use that one. */
    return rc == SX_EDUPLICATE ? key_read(key_path) : rc;
}

int pii_key_save(const char *key_path)
{
    if (!have_key) return SX_EINTERNAL;
    char hex[2 * crypto_kdf_KEYBYTES + 2];
    sodium_bin2hex(hex, sizeof hex - 1, master, sizeof master);
    size_t len = strlen(hex);
    hex[len++] = '\n';
    int fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        sodium_memzero(hex, sizeof hex);
        return SX_EDUPLICATE; /* never overwrite a key file */
    }
    if (fd < 0) {
        log_error("cannot create key file %s: %s", key_path, strerror(errno));
        return SX_EINTERNAL;
    }
    int ok = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
    close(fd);
    sodium_memzero(hex, sizeof hex);
    if (!ok) {
        log_error("cannot write key file %s", key_path);
        unlink(key_path);
        return SX_EINTERNAL;
    }
    return SX_OK;
}

int pii_seal(const char *plain, char *out, size_t n)
{
    if (!out || !n) return -1;
    out[0] = 0;
    size_t len = plain ? strlen(plain) : 0;
    if (len == 0) return 0;
    if (len > PII_MAX_PLAIN || !have_key) return -1;
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + PII_MAX_PLAIN];
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len, box, seal_key);
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
    size_t need = 3 + sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (need > n) return -1;
    memcpy(out, "v1:", 3);
    sodium_bin2base64(out + 3, n - 3, box, blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

int pii_open(const char *sealed, char *out, size_t n)
{
    if (!out || !n) return -1;
    out[0] = 0;
    if (!sealed || !*sealed) return 0;
    if (strncmp(sealed, "v1:", 3) != 0 || !have_key) return -1;
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + PII_MAX_PLAIN];
    size_t blen = 0;
    if (sodium_base642bin(box, sizeof box, sealed + 3, strlen(sealed + 3), NULL, &blen, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING))
        return -1;
    if (blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return -1;
    size_t len = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    if (len + 1 > n) return -1;
    if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
                                   blen - crypto_secretbox_NONCEBYTES, box, seal_key)) {
        out[0] = 0;
        return -1;
    }
    out[len] = 0;
    if (memchr(out, 0, len)) {
        out[0] = 0;
        return -1;
    }
    return 0;
}

void pii_hash(const char *domain, const char *value, char out[PII_HASH_BUF])
{
    unsigned char h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, hash_key, sizeof hash_key, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, PII_HASH_BUF, h, sizeof h);
}
