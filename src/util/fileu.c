#include "fileu.h"
#include "err.h"
#include "log.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_create_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno == EEXIST ? SX_EDUPLICATE : SX_EINTERNAL;
    close(fd);
    return SX_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Makes a new directory entry durable: without it a crash right after the first rename could
 * lose the file altogether. */
static void sync_dir_of(const char *path)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

int file_replace(const char *path, const char *data, size_t n)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp) return SX_EINTERNAL;
    int fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (fd < 0) {
        log_error("cannot create %s: %s", tmp, strerror(errno));
        return SX_EINTERNAL;
    }
    int existed = access(path, F_OK) == 0;
    int ok = write_all(fd, data, n) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        log_error("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return SX_EINTERNAL;
    }
    if (!existed) sync_dir_of(path);
    return SX_OK;
}

int file_read_small(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? SX_ENOTFOUND : SX_EINTERNAL;
    size_t len = 0;
    int rc = SX_OK;
    for (;;) {
        if (len + 1 >= n) {
            char extra;
            rc = read(fd, &extra, 1) == 0 ? SX_OK : SX_ETOOLARGE;
            break;
        }
        ssize_t r = read(fd, buf + len, n - 1 - len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            rc = SX_EINTERNAL;
            break;
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    close(fd);
    buf[rc == SX_OK ? len : 0] = 0;
    return rc;
}
