/* Request-scoped memory: everything a request allocates comes from its arena and is
 * released in one step when the request ends (the h2o memory-pool idea). */
#ifndef SX_ARENA_H
#define SX_ARENA_H
#include <stddef.h>

struct arena_block;
struct arena {
    struct arena_block *head;
};

void arena_init(struct arena *a);
/* Returns zeroed memory aligned for any type; aborts on out-of-memory. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena can be reused afterwards. */
void arena_release(struct arena *a);
#endif
