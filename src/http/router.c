#include "router.h"
#include "../domain/perm.h"
#include <string.h>

const char *method_name(int m)
{
    switch (m) {
    case M_GET: return "GET";
    case M_POST: return "POST";
    case M_PUT: return "PUT";
    case M_DELETE: return "DELETE";
    case M_PATCH: return "PATCH";
    case M_HEAD: return "HEAD";
    }
    return "OTHER";
}

/* Matches pattern against path segment by segment; {x} takes one non-empty segment. */
static int match(const char *pat, const char *path, const char **params, int *np, struct arena *a)
{
    int n = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *pe = strchr(pat, '}');
            const char *se = strchr(path, '/');
            if (!se) se = path + strlen(path);
            if (se == path || n >= 4) return 0;
            if (a) params[n] = arena_strndup(a, path, (size_t)(se - path));
            n++;
            pat = pe + 1;
            path = se;
            continue;
        }
        if (*pat != *path) return 0;
        pat++;
        path++;
    }
    if (*pat || *path) return 0;
    *np = n;
    return 1;
}

/* Length of the literal part of a pattern before its first placeholder. */
static size_t literal_len(const char *pat)
{
    const char *b = strchr(pat, '{');
    return b ? (size_t)(b - pat) : strlen(pat) + 1; /* +1: a full pattern must match the NUL too */
}

const struct route *router_match(struct req *r, const char *path, int method, int *allow)
{
    *allow = 0;
    const struct route *found = NULL;
    size_t plen = strlen(path);
    for (const struct route *const *t = route_tables; *t; t++) {
        for (const struct route *rt = *t; rt->pattern; rt++) {
            /* Cheap rejection on the literal prefix before the segment-by-segment match. */
            size_t n = literal_len(rt->pattern);
            if (n > plen + 1 || memcmp(rt->pattern, path, n) != 0) continue;
            int np = 0;
            if (!match(rt->pattern, path, NULL, &np, NULL)) continue;
            *allow |= rt->method;
            if (rt->method == method || (method == M_HEAD && rt->method == M_GET)) {
                if (!found) found = rt;
            }
        }
    }
    if (found) match(found->pattern, path, r->params, &r->nparams, &r->arena);
    return found;
}

void router_print(FILE *f)
{
    for (const struct route *const *t = route_tables; *t; t++)
        for (const struct route *rt = *t; rt->pattern; rt++) {
            const char *perm = rt->perm == P_PUBLIC          ? "public"
                               : rt->perm == P_AUTHENTICATED ? "authenticated"
                                                             : perm_table[rt->perm].code;
            fprintf(f, "%s %s %s\n", method_name(rt->method), rt->pattern, perm);
        }
}
