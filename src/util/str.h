/* Small string helpers. */
#ifndef SX_STR_H
#define SX_STR_H
#include <string.h>

/* Copies src (NULL: "") into dst of size n, truncating; always terminates. Returns dst. */
static inline char *str_copy(char *dst, size_t n, const char *src)
{
    size_t len = src ? strlen(src) : 0;
    if (len >= n) len = n - 1;
    if (len) memcpy(dst, src, len);
    dst[len] = 0;
    return dst;
}
#endif
