/* Use cases of the working-day calendar (run through app_write; arg: struct holiday_change). */
#ifndef SX_APP_HOLIDAYS_H
#define SX_APP_HOLIDAYS_H
#include "app.h"
#include "../store/st_holiday.h"

struct holiday_change {
    const char *day;       /* "YYYY-MM-DD", checked by the caller */
    struct holiday_in in;  /* kind and name, checked by the caller (calendar.h rules) */
    int64_t version;       /* update: the version the caller saw */
};
int app_holiday_create(struct app_ctx *c, void *arg);
int app_holiday_update(struct app_ctx *c, void *arg); /* SX_EVERSION on a stale version */
int app_holiday_delete(struct app_ctx *c, void *arg);
#endif
