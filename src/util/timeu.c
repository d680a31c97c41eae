#include "timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char zone_name[64] = "Asia/Shanghai";

void time_iso(time_t t, char *buf)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_iso_now(char *buf)
{
    time_iso(time(NULL), buf);
}

static int all_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

int time_parse_iso(const char *s, time_t *out)
{
    struct tm tm = {0};
    size_t n = strlen(s);
    if (n != 10 && n != 20) return -1;
    if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2))
        return -1;
    tm.tm_year = atoi(s) - 1900;
    tm.tm_mon = atoi(s + 5) - 1;
    tm.tm_mday = atoi(s + 8);
    if (n == 20) {
        if (s[10] != 'T' || !all_digits(s + 11, 2) || s[13] != ':' || !all_digits(s + 14, 2) ||
            s[16] != ':' || !all_digits(s + 17, 2) || s[19] != 'Z')
            return -1;
        tm.tm_hour = atoi(s + 11);
        tm.tm_min = atoi(s + 14);
        tm.tm_sec = atoi(s + 17);
    }
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    struct tm check = tm;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != check.tm_mday) return -1; /* e.g. 02-30 */
    *out = t;
    return 0;
}

int tz_set(const char *zone)
{
    if (!zone || !*zone || strlen(zone) >= sizeof zone_name || strstr(zone, "..")) return -1;
    char path[128];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    if (strcmp(zone, "UTC") != 0 && access(path, R_OK) != 0) return -1;
    snprintf(zone_name, sizeof zone_name, "%s", zone);
    setenv("TZ", zone, 1);
    tzset();
    return 0;
}

const char *tz_name(void)
{
    return zone_name;
}

void time_local_date(time_t t, char *buf)
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
}
