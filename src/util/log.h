/* Diagnostics to stderr (plain lines) and the access log (one JSON object per line). */
#ifndef SX_LOG_H
#define SX_LOG_H
#include <stdio.h>

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* path NULL or "-" writes the access log to stdout; returns 0 or -1. */
int log_access_open(const char *path);
void log_access_close(void);
/* Writes one already-formatted JSON line (without the newline) atomically. */
void log_access_line(const char *json);
/* 0 when the access log is off: callers skip formatting the line. */
int log_access_enabled(void);
void log_set_quiet(int quiet);
#endif
