/* Use cases of the settings pages: the case-handling settings (办理期限, 延期, 重复件) and the
 * security policy. Both check the version the editor saw inside the write (compare and set). */
#ifndef SX_APP_SETTINGS_H
#define SX_APP_SETTINGS_H
#include "app.h"
#include "../store/st_case.h"

struct case_settings_change {
    struct case_settings s; /* validated by the handler (ranges, deadline_settings_check) */
    int64_t version;        /* the version the editor saw; 0: the defaults, never saved */
};
/* Saves the case settings; every running deadline follows them (the deadline registry). */
int app_case_settings_update(struct app_ctx *c, void *arg);

struct security_change {
    struct security_policy p;
    int64_t version;
};
int app_security_update(struct app_ctx *c, void *arg);
#endif
