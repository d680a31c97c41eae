/* libFuzzer driver: what a petitioner or clerk types as an ID number, a phone number or a query
 * code (person_id.c, query_code.c). Invariants: no overflow, normal forms are fixed points,
 * accepted values have the documented shape, masks never reveal the hidden digits. */
#include "domain/person_id.h"
#include "domain/query_code.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[128];
    if (size >= sizeof in) size = sizeof in - 1;
    memcpy(in, data, size);
    in[size] = 0;

    char id[PERSON_ID_BUF], masked[PERSON_ID_BUF + 8];
    if (person_id_normalize(in, id, sizeof id) == 0) {
        const char *why = NULL;
        if (person_id_check(id, "2026-11-29", &why) == 0) {
            if (strlen(id) != PERSON_ID_LEN || why) __builtin_trap();
            if (person_id_check_char(id) != id[17]) __builtin_trap();
            char birth[11];
            if (person_id_birth_date(id, birth, sizeof birth) != 0) __builtin_trap();
            if (mask_person_id(id, masked, sizeof masked) != 0) __builtin_trap();
            if (strlen(masked) != PERSON_ID_LEN || memcmp(masked + 6, "********", 8) != 0) __builtin_trap();
            if (memcmp(masked, id, 6) != 0 || memcmp(masked + 14, id + 14, 4) != 0) __builtin_trap();
        } else if (!why || !*why) {
            __builtin_trap(); /* a refusal always says why */
        }
    }
    mask_person_id(in, masked, sizeof masked);

    char ph[PHONE_BUF], again[PHONE_BUF], pm[PHONE_BUF];
    const char *why = NULL;
    int kind = phone_normalize(in, ph, sizeof ph, &why);
    if (kind != PHONE_INVALID) {
        for (const char *p = ph; *p; p++)
            if (!((*p >= '0' && *p <= '9') || *p == '#')) __builtin_trap();
        if (phone_normalize(ph, again, sizeof again, NULL) != kind || strcmp(ph, again) != 0) __builtin_trap();
        if (mask_phone(ph, pm, sizeof pm) != 0) __builtin_trap();
        if (kind == PHONE_MOBILE && (strlen(ph) != 11 || strncmp(pm + 3, "****", 4) != 0)) __builtin_trap();
    } else if (ph[0] || !why || !*why) {
        __builtin_trap();
    }

    char code[QUERY_CODE_BUF], code2[QUERY_CODE_BUF];
    if (query_code_normalize(in, code) == 0) {
        if (strlen(code) != QUERY_CODE_LEN || code[4] != '-' || code[9] != '-') __builtin_trap();
        if (query_code_normalize(code, code2) != 0 || strcmp(code, code2) != 0) __builtin_trap();
        for (int i = 0; i < QUERY_CODE_LEN; i++)
            if (i != 4 && i != 9 && !strchr(QUERY_CODE_ALPHABET, code[i])) __builtin_trap();
    } else if (code[0]) {
        __builtin_trap();
    }
    return 0;
}
