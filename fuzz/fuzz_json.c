/* libFuzzer driver: a request body goes through jansson and then jv_check against a spec
 * like the handlers' (every field type). Must never crash or leak. */
#include "util/err.h"
#include "util/jsonv.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const struct jv_field spec[] = {
    {"username", "用户名", JV_STR, 1, 3, 64},
    {"display_name", "姓名", JV_STR, 0, 1, 50},
    {"unit_id", "单位", JV_INT, 1, 1, INT32_MAX},
    {"is_leader", "是否领导", JV_BOOL, 0, 0, 0},
    {"role_ids", "角色", JV_INT_ARRAY, 0, 0, 32},
    {"tags", "专业特长", JV_STR_ARRAY, 0, 0, 16},
    {"version", "版本号", JV_INT, 0, 1, INT64_MAX},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The server rejects bodies that are not UTF-8 before parsing; do the same first. */
    (void)utf8_valid((const char *)data, size);
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!j) return 0;
    struct verr e;
    if (jv_check(j, spec, sizeof spec / sizeof spec[0], &e) == 0) {
        /* accessors on a checked body */
        const char *u = jv_str(j, "username", "");
        if (utf8_len(u) < 3) __builtin_trap();
        (void)jv_int(j, "unit_id", 0);
        (void)jv_bool(j, "is_leader", 0);
        (void)jv_has(j, "tags");
    } else if (e.msg[0] == 0) {
        __builtin_trap(); /* every failure explains itself */
    }
    json_decref(j);
    return 0;
}
