#include "audit_chain.h"
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the record encoding, shared by the unkeyed and the keyed hash ---- */

typedef void (*sink_fn)(void *st, const unsigned char *p, size_t n);

static void sink_sha256(void *st, const unsigned char *p, size_t n)
{
    crypto_hash_sha256_update(st, p, (unsigned long long)n);
}

static void sink_blake2b(void *st, const unsigned char *p, size_t n)
{
    crypto_generichash_update(st, p, (unsigned long long)n);
}

/* Length-prefixing each field makes the encoding unambiguous ("a|bc" vs "ab|c"). */
static void put(sink_fn sink, void *st, const char *s)
{
    if (!s) s = "";
    char len[24];
    int n = snprintf(len, sizeof len, "%zu:", strlen(s));
    sink(st, (const unsigned char *)len, (size_t)n);
    sink(st, (const unsigned char *)s, strlen(s));
}

static void put_int(sink_fn sink, void *st, int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRId64, v);
    put(sink, st, num);
}

static void encode(sink_fn sink, void *st, const char *prev_hex, const struct audit_fields *f)
{
    put(sink, st, prev_hex);
    put_int(sink, st, f->id);
    put(sink, st, f->ts);
    put_int(sink, st, f->user_id);
    put(sink, st, f->username);
    put(sink, st, f->ip);
    put(sink, st, f->action);
    put(sink, st, f->object_type);
    put(sink, st, f->object_id);
    put(sink, st, f->result);
    put(sink, st, f->details);
}

void audit_chain_hash(const char *prev_hex, const struct audit_fields *f, char hex[AUDIT_HEX])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    encode(sink_sha256, &st, prev_hex, f);
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    sodium_bin2hex(hex, AUDIT_HEX, out, sizeof out);
}

void audit_chain_mac(const struct audit_keys *k, const char *prev_hex, const struct audit_fields *f,
                     char hex[AUDIT_HEX])
{
    crypto_generichash_state st;
    unsigned char out[32];
    crypto_generichash_init(&st, k->record, sizeof k->record, sizeof out);
    put(sink_blake2b, &st, "sixia-audit-record v1");
    encode(sink_blake2b, &st, prev_hex, f);
    crypto_generichash_final(&st, out, sizeof out);
    sodium_bin2hex(hex, AUDIT_HEX, out, sizeof out);
}

/* ---- head and checkpoint: a keyed MAC over a short text ---- */

static void anchor_mac(const struct audit_keys *k, const char *text, size_t n, char hex[AUDIT_HEX])
{
    unsigned char out[32];
    crypto_generichash(out, sizeof out, (const unsigned char *)text, n, k->anchor, sizeof k->anchor);
    sodium_bin2hex(hex, AUDIT_HEX, out, sizeof out);
}

static int is_hex64(const char *s, size_t n)
{
    if (n != 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* A decimal id ≥ 0 without sign, spaces or leading zeros, ending at the first of stop. */
static int parse_id(const char *s, const char *stop, int64_t *out, const char **end)
{
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9')) return -1;
    char *e;
    errno = 0;
    long long v = strtoll(s, &e, 10);
    if (errno || v < 0 || !*e || !strchr(stop, *e)) return -1;
    *out = v;
    *end = e;
    return 0;
}

static int ct_equal_hex(const char *a, const char *b)
{
    return strlen(a) == 64 && strlen(b) == 64 && sodium_memcmp(a, b, 64) == 0;
}

#define HEAD_LABEL "sixia-audit-head v1"
#define CHECKPOINT_LABEL "sixia-audit-checkpoint v1"

static int head_message(int64_t id, const char *hash, char *out, size_t n)
{
    return snprintf(out, n, HEAD_LABEL " %" PRId64 " %s", id, hash);
}

void audit_head_format(const struct audit_keys *k, int64_t id, const char *hash, char *out, size_t n)
{
    char msg[AUDIT_HEAD_MAX], mac[AUDIT_HEX];
    int len = head_message(id, hash, msg, sizeof msg);
    assert(len > 0 && (size_t)len < sizeof msg);
    anchor_mac(k, msg, (size_t)len, mac);
    snprintf(out, n, "%" PRId64 ":%s:%s", id, hash, mac);
}

enum audit_head_kind audit_head_parse(const struct audit_keys *k, const char *text, int64_t *id,
                                      char hash[AUDIT_HEX])
{
    const char *p;
    if (!text || parse_id(text, ":", id, &p)) return AUDIT_HEAD_BAD;
    const char *h = p + 1, *colon = strchr(h, ':');
    size_t hlen = colon ? (size_t)(colon - h) : strlen(h);
    if (!is_hex64(h, hlen)) return AUDIT_HEAD_BAD;
    memcpy(hash, h, 64);
    hash[64] = 0;
    if (!colon) return AUDIT_HEAD_UNKEYED;
    char msg[AUDIT_HEAD_MAX], mac[AUDIT_HEX];
    int len = head_message(*id, hash, msg, sizeof msg);
    anchor_mac(k, msg, (size_t)len, mac);
    return ct_equal_hex(colon + 1, mac) ? AUDIT_HEAD_KEYED : AUDIT_HEAD_BAD;
}

static int checkpoint_message(const struct audit_anchor *a, char *out, size_t n)
{
    return snprintf(out, n, CHECKPOINT_LABEL " %" PRId64 " %" PRId64 " %s", a->keyed_from, a->id, a->hash);
}

void audit_checkpoint_format(const struct audit_keys *k, const struct audit_anchor *a, char *out, size_t n)
{
    char msg[AUDIT_CHECKPOINT_MAX], mac[AUDIT_HEX];
    int len = checkpoint_message(a, msg, sizeof msg);
    assert(len > 0 && (size_t)len < sizeof msg);
    anchor_mac(k, msg, (size_t)len, mac);
    snprintf(out, n, "%s %s\n", msg, mac);
}

int audit_checkpoint_parse(const struct audit_keys *k, const char *text, struct audit_anchor *a)
{
    size_t lab = strlen(CHECKPOINT_LABEL);
    if (!text || strncmp(text, CHECKPOINT_LABEL " ", lab + 1) != 0) return -1;
    struct audit_anchor got;
    const char *p = text + lab + 1;
    if (parse_id(p, " ", &got.keyed_from, &p) || parse_id(p + 1, " ", &got.id, &p)) return -1;
    const char *h = p + 1, *sp = strchr(h, ' ');
    if (!sp || !is_hex64(h, (size_t)(sp - h))) return -1;
    memcpy(got.hash, h, 64);
    got.hash[64] = 0;
    const char *m = sp + 1;
    size_t mlen = strcspn(m, "\n");
    const char *rest = m + mlen;
    if (*rest == '\n') rest++;
    if (!is_hex64(m, mlen) || *rest) return -1;
    char msg[AUDIT_CHECKPOINT_MAX], mac[AUDIT_HEX], given[AUDIT_HEX];
    int len = checkpoint_message(&got, msg, sizeof msg);
    anchor_mac(k, msg, (size_t)len, mac);
    memcpy(given, m, 64);
    given[64] = 0;
    if (!ct_equal_hex(given, mac)) return -2;
    *a = got;
    return 0;
}

/* ---- verification ---- */

static void found(struct audit_verifier *v, enum audit_problem what, int64_t id, int64_t other)
{
    if (v->nfound >= AUDIT_MAX_FINDINGS) return;
    v->found[v->nfound].what = what;
    v->found[v->nfound].id = id;
    v->found[v->nfound].other = other;
    v->nfound++;
}

void audit_verify_begin(struct audit_verifier *v, const struct audit_keys *k, int64_t db_keyed_from,
                        enum audit_checkpoint_state cp_state, const struct audit_anchor *cp)
{
    assert(v && k && (cp_state != AUDIT_CP_OK || cp));
    memset(v, 0, sizeof *v);
    v->keys = k;
    v->cp_state = cp_state;
    memcpy(v->prev, AUDIT_GENESIS, AUDIT_HEX);
    v->keyed_from = db_keyed_from;
    if (cp_state == AUDIT_CP_OK) {
        v->cp = *cp;
        /* The checkpoint's switch point is authentic, the database's may have been moved to
         * pass keyed records off as unkeyed ones. */
        v->keyed_from = cp->keyed_from;
        if (db_keyed_from != cp->keyed_from) found(v, AUDIT_SWITCH_MOVED, cp->keyed_from, db_keyed_from);
    } else if (cp_state == AUDIT_CP_BAD) {
        found(v, AUDIT_CHECKPOINT_BAD, 0, 0);
    }
}

static int is_keyed(const struct audit_verifier *v, int64_t id) { return v->keyed_from > 0 && id >= v->keyed_from; }

int audit_verify_record(struct audit_verifier *v, const struct audit_fields *f, const char *stored_prev,
                        const char *stored_hash)
{
    if (v->stopped) return 1;
    /* Ids are dense from 1: any other id means records were removed before it. */
    if (f->id != v->last_id + 1) {
        found(v, AUDIT_GAP, f->id, v->last_id);
        return v->stopped = 1;
    }
    char h[AUDIT_HEX];
    int keyed = is_keyed(v, f->id);
    if (keyed) audit_chain_mac(v->keys, v->prev, f, h);
    else audit_chain_hash(v->prev, f, h);
    if (!stored_prev || strcmp(stored_prev, v->prev) != 0 || !stored_hash || strcmp(stored_hash, h) != 0) {
        found(v, AUDIT_BROKEN, f->id, 0);
        return v->stopped = 1;
    }
    if (v->cp_state == AUDIT_CP_OK && f->id == v->cp.id && strcmp(h, v->cp.hash) != 0) {
        found(v, AUDIT_CHECKPOINT_MISMATCH, f->id, 0);
        return v->stopped = 1;
    }
    memcpy(v->prev, h, AUDIT_HEX);
    v->last_id = f->id;
    v->count++;
    if (!keyed) v->unkeyed++;
    return 0;
}

static void check_head(struct audit_verifier *v, const char *head_text)
{
    int keyed_tail = is_keyed(v, v->last_id);
    if (!head_text) {
        /* Databases from before the keyed chain may lack a head; a keyed chain always has one. */
        if (keyed_tail) found(v, AUDIT_HEAD_MISSING, 0, 0);
        return;
    }
    int64_t hid;
    char hhash[AUDIT_HEX];
    enum audit_head_kind kind = audit_head_parse(v->keys, head_text, &hid, hhash);
    if (kind == AUDIT_HEAD_BAD || (kind == AUDIT_HEAD_UNKEYED && keyed_tail)) {
        found(v, AUDIT_HEAD_FORGED, 0, 0);
    } else if (hid > v->last_id) {
        found(v, AUDIT_HEAD_CUT, hid, v->last_id);
    } else if (hid != v->last_id || strcmp(hhash, v->prev) != 0) {
        found(v, AUDIT_HEAD_FORGED, hid, 0);
    }
}

int audit_verify_end(struct audit_verifier *v, const char *head_text)
{
    if (!v->stopped) {
        if (v->cp_state == AUDIT_CP_OK && v->last_id < v->cp.id) {
            if (v->count == 0) found(v, AUDIT_EMPTIED, v->cp.id, 0);
            else found(v, AUDIT_CUT, v->cp.id, v->last_id);
        }
        check_head(v, head_text);
    }
    if (v->cp_state == AUDIT_CP_ABSENT && v->keyed_from > 0) found(v, AUDIT_CHECKPOINT_MISSING, 0, 0);
    return v->nfound;
}
