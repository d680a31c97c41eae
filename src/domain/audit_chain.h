/* The audit log's hash chain: each record's hash covers its own fields and the previous
 * record's hash, so changing or removing any record breaks every hash after it. Pure logic.
 *
 * Records are keyed (BLAKE2b-256 under a secret derived from the database's key file, which is
 * kept outside the database): whoever can write the database file but not read the key file
 * cannot recompute the chain after editing, inserting or deleting records. Databases created
 * before the key was introduced keep their first records unkeyed (SHA-256); from the switch
 * point ("keyed_from", recorded by migration 6) on every record is keyed.
 *
 * Removing records from the end leaves a valid prefix, so the end is anchored twice: a keyed
 * head stored with the records ("audit_head" setting, written in the same transaction), and a
 * keyed checkpoint file beside the database that every committed append moves forward. A head
 * can be replayed from an old copy of the database; the checkpoint, outside the database,
 * cannot be recomputed and names a record the log must still contain. */
#ifndef SX_AUDIT_CHAIN_H
#define SX_AUDIT_CHAIN_H
#include <stddef.h>
#include <stdint.h>

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_HEX 65 /* 64 lower-case hex digits and the terminator */
#define AUDIT_KEY_BYTES 32

struct audit_fields {
    int64_t id;
    const char *ts, *username, *ip, *action, *object_type, *object_id, *result, *details;
    int64_t user_id; /* 0 when none */
};

/* The chain's two secrets: one links records, the other authenticates the head and the
 * checkpoint, so neither kind of value can be passed off as the other. */
struct audit_keys {
    unsigned char record[AUDIT_KEY_BYTES];
    unsigned char anchor[AUDIT_KEY_BYTES];
};

/* Unkeyed SHA-256 over prev_hex and the length-prefixed fields: records before the switch. */
void audit_chain_hash(const char *prev_hex, const struct audit_fields *f, char hex[AUDIT_HEX]);
/* Keyed BLAKE2b-256 over the same encoding (and a version label): records from the switch on. */
void audit_chain_mac(const struct audit_keys *k, const char *prev_hex, const struct audit_fields *f,
                     char hex[AUDIT_HEX]);

/* "The log contains record id whose hash is hash; records from keyed_from on are keyed."
 * id 0 (hash AUDIT_GENESIS) is the empty log. */
struct audit_anchor {
    int64_t keyed_from, id;
    char hash[AUDIT_HEX];
};

/* The head as stored in the database: "id:hash:mac". out needs AUDIT_HEAD_MAX bytes. */
#define AUDIT_HEAD_MAX 160
void audit_head_format(const struct audit_keys *k, int64_t id, const char *hash, char *out, size_t n);
enum audit_head_kind { AUDIT_HEAD_KEYED, AUDIT_HEAD_UNKEYED, AUDIT_HEAD_BAD };
/* Parses a stored head into id/hash. UNKEYED for the old "id:hash" form (no MAC), BAD when
 * malformed or its MAC does not verify. */
enum audit_head_kind audit_head_parse(const struct audit_keys *k, const char *text, int64_t *id,
                                      char hash[AUDIT_HEX]);

/* The checkpoint file's one line. out needs AUDIT_CHECKPOINT_MAX bytes. */
#define AUDIT_CHECKPOINT_MAX 256
void audit_checkpoint_format(const struct audit_keys *k, const struct audit_anchor *a, char *out, size_t n);
/* 0, -1 when malformed, -2 when its MAC does not verify (changed, or another key file). */
int audit_checkpoint_parse(const struct audit_keys *k, const char *text, struct audit_anchor *a);

/* ---- verification: feed the records in id order, then the head ---- */

enum audit_problem {
    AUDIT_GAP = 1,              /* id: a record is missing before it (other: the one before) */
    AUDIT_BROKEN,               /* id: its hash or link is wrong: changed, inserted, or recomputed */
    AUDIT_CHECKPOINT_MISMATCH,  /* id: not the record the checkpoint names (rewritten before it) */
    AUDIT_CUT,                  /* id: the last record the checkpoint names is gone (other: last left) */
    AUDIT_EMPTIED,              /* the checkpoint names record id, the log has none at all */
    AUDIT_HEAD_CUT,             /* id: the authentic head names a later record (other: last left) */
    AUDIT_HEAD_MISSING,         /* keyed records but no head */
    AUDIT_HEAD_FORGED,          /* the head's MAC fails, it is malformed, or names another record */
    AUDIT_SWITCH_MOVED,         /* the database's keyed_from (other) is not the checkpoint's (id) */
    AUDIT_CHECKPOINT_MISSING,   /* keyed chain but no checkpoint file */
    AUDIT_CHECKPOINT_BAD,       /* the checkpoint file is damaged or its MAC fails */
};

enum audit_checkpoint_state { AUDIT_CP_ABSENT, AUDIT_CP_OK, AUDIT_CP_BAD };

#define AUDIT_MAX_FINDINGS 4
struct audit_finding {
    enum audit_problem what;
    int64_t id, other;
};

struct audit_verifier {
    /* inputs (audit_verify_begin) */
    const struct audit_keys *keys;
    int64_t keyed_from; /* the one used: the checkpoint's when there is one, else the database's */
    struct audit_anchor cp;
    enum audit_checkpoint_state cp_state;
    /* progress */
    int64_t last_id, count, unkeyed;
    char prev[AUDIT_HEX];
    int stopped; /* a record-level problem: the rest of the records are not looked at */
    /* outcome */
    struct audit_finding found[AUDIT_MAX_FINDINGS];
    int nfound;
};

/* db_keyed_from: the database's switch point, 0 when it has none (never upgraded). cp: the
 * checkpoint file's content when cp_state is AUDIT_CP_OK. */
void audit_verify_begin(struct audit_verifier *v, const struct audit_keys *k, int64_t db_keyed_from,
                        enum audit_checkpoint_state cp_state, const struct audit_anchor *cp);
/* The next record in id order with its stored prev_hash and hash (NULL taken as ""). Returns 0
 * to go on, 1 once a record-level problem was found (later records are not looked at). */
int audit_verify_record(struct audit_verifier *v, const struct audit_fields *f, const char *stored_prev,
                        const char *stored_hash);
/* After the last record: head_text is the stored head (NULL when absent). Returns the number of
 * findings (0: intact). The last record seen is v->last_id with hash v->prev. */
int audit_verify_end(struct audit_verifier *v, const char *head_text);
#endif
