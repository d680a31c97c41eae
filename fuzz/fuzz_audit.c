/* libFuzzer driver: what `sixia check` and the server read back from files an attacker with write
 * access to the disk may edit — the audit checkpoint line (<db>.audit) and the head setting.
 * Parsing arbitrary bytes must never crash, and nothing but a line made with the key verifies:
 * a parse that succeeds must format back to the very same line. */
#include "domain/audit_chain.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct audit_keys k; /* all-zero keys: the fuzzer cannot forge a MAC with them anyway */
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    struct audit_anchor a;
    int rc = audit_checkpoint_parse(&k, text, &a);
    if (rc != 0 && rc != -1 && rc != -2) __builtin_trap();
    if (rc == 0) {
        char again[AUDIT_CHECKPOINT_MAX];
        audit_checkpoint_format(&k, &a, again, sizeof again);
        if (strncmp(again, text, strlen(again)) != 0) __builtin_trap();
    }
    int64_t id = -1;
    char hash[AUDIT_HEX];
    enum audit_head_kind hk = audit_head_parse(&k, text, &id, hash);
    if (hk != AUDIT_HEAD_KEYED && hk != AUDIT_HEAD_UNKEYED && hk != AUDIT_HEAD_BAD) __builtin_trap();
    if (hk != AUDIT_HEAD_BAD && (id < 0 || strlen(hash) >= AUDIT_HEX)) __builtin_trap();
    free(text);
    return 0;
}
