/* The audit log's hash chain: each record's hash covers its own fields and the previous
 * record's hash, so changing or removing any record breaks every hash after it. Pure logic. */
#ifndef SX_AUDIT_CHAIN_H
#define SX_AUDIT_CHAIN_H
#include <stdint.h>

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_fields {
    int64_t id;
    const char *ts, *username, *ip, *action, *object_type, *object_id, *result, *details;
    int64_t user_id; /* 0 when none */
};

/* hex must hold 65 bytes: SHA-256 over prev_hex and the length-prefixed fields, lower-case hex. */
void audit_chain_hash(const char *prev_hex, const struct audit_fields *f, char hex[65]);
#endif
