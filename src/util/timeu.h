/* Time helpers. Stored times are UTC ISO-8601 strings ("2026-11-29T08:00:00Z"); the
 * deployment time zone (default Asia/Shanghai) is applied once at start-up with tz_set(). */
#ifndef SX_TIMEU_H
#define SX_TIMEU_H
#include <stdint.h>
#include <time.h>

/* buf must hold at least 21 bytes. */
void time_iso(time_t t, char *buf);
void time_iso_now(char *buf);
/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ"; returns 0 on success. */
int time_parse_iso(const char *s, time_t *out);
/* Sets the process time zone (before any thread starts). Returns 0, -1 for an unknown zone. */
int tz_set(const char *zone);
const char *tz_name(void);
/* Local calendar date (in the deployment zone) of t as "YYYY-MM-DD"; buf ≥ 11 bytes. */
void time_local_date(time_t t, char *buf);
#endif
