#include "log.h"
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

static FILE *access_fp;
static int quiet;
static pthread_mutex_t access_mu = PTHREAD_MUTEX_INITIALIZER;

void log_set_quiet(int q) { quiet = q; }

static void vlog(const char *level, const char *fmt, va_list ap)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(stderr, "%s %s %s\n", ts, level, buf);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("ERROR", fmt, ap);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    if (quiet) return;
    va_list ap;
    va_start(ap, fmt);
    vlog("INFO", fmt, ap);
    va_end(ap);
}

int log_access_open(const char *path)
{
    if (!path || strcmp(path, "-") == 0) {
        access_fp = stdout;
        return 0;
    }
    if (strcmp(path, "off") == 0) {
        access_fp = NULL;
        return 0;
    }
    access_fp = fopen(path, "a");
    return access_fp ? 0 : -1;
}

void log_access_close(void)
{
    if (access_fp && access_fp != stdout) fclose(access_fp);
    access_fp = NULL;
}

int log_access_enabled(void) { return access_fp != NULL; }

void log_access_line(const char *json)
{
    if (!access_fp) return;
    pthread_mutex_lock(&access_mu);
    fputs(json, access_fp);
    fputc('\n', access_fp);
    fflush(access_fp);
    pthread_mutex_unlock(&access_mu);
}
