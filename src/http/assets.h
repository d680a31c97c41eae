/* The console's files, embedded at build time by tools/embed.sh (raw and gzip-compressed). */
#ifndef SX_ASSETS_H
#define SX_ASSETS_H
#include <stddef.h>

struct asset {
    const char *path; /* "/index.html", "/assets/index-3f2a.js" */
    const char *ctype;
    const unsigned char *data;
    size_t len;
    const unsigned char *gz;
    size_t gzlen;
    const char *etag;
};
extern const size_t assets_count;
/* Lengths are filled in at start-up (assets_init) from the embedded symbols. */
void assets_init(void);
const struct asset *assets_table(void);
#endif
