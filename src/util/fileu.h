/* Files kept beside the database (key, audit checkpoint, backups): created private (0600,
 * whatever the umask allows of it) and replaced atomically. */
#ifndef SX_FILEU_H
#define SX_FILEU_H
#include <stddef.h>

/* Creates path as an empty file with mode 0600. 0, SX_EDUPLICATE when it exists (left as it
 * is), SX_EINTERNAL on another error (errno kept). */
int file_create_private(const char *path);
/* Replaces path with data[0..n) so that a reader, or the file after a crash, holds either the
 * old content or the new one in full: a temporary file (0600) in the same directory, written,
 * fsync'ed and renamed over path. 0 or SX_EINTERNAL (logged). */
int file_replace(const char *path, const char *data, size_t n);
/* Reads the whole of a small file into buf (NUL-terminated). 0, SX_ENOTFOUND when absent,
 * SX_ETOOLARGE when it does not fit in n - 1 bytes, SX_EINTERNAL. */
int file_read_small(const char *path, char *buf, size_t n);
#endif
