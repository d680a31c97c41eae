#include "lockout.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int64_t lockout_remaining(const struct lockout_counter *c, int64_t now)
{
    return c->locked_until > now ? c->locked_until - now : 0;
}

int lockout_record_failure(struct lockout_counter *c, int64_t now, int64_t threshold, int64_t window,
                           int64_t lock)
{
    if (c->count <= 0 || now - c->window_start >= window || now < c->window_start) {
        c->count = 0;
        c->window_start = now;
    }
    c->count++;
    if (threshold <= 0 || c->count < threshold) return 0;
    c->locked_until = now + lock;
    c->count = 0;
    c->window_start = now;
    return 1;
}

int64_t lockout_minutes_left(int64_t seconds)
{
    int64_t m = (seconds + 59) / 60;
    return m < 1 ? 1 : m;
}

static void copy_out(char *out, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (len >= n) len = n - 1;
    memcpy(out, s, len);
    out[len] = 0;
}

void lockout_address(const char *ip, char *out, size_t n)
{
    if (!n) return;
    unsigned char a[16];
    if (!ip || !strchr(ip, ':') || inet_pton(AF_INET6, ip, a) != 1) {
        copy_out(out, n, ip ? ip : "");
        return;
    }
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char buf[INET6_ADDRSTRLEN + 4];
    if (memcmp(a, mapped, sizeof mapped) == 0) {
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    } else {
        memset(a + 8, 0, 8);
        if (!inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN)) buf[0] = 0;
        strcat(buf, "/64");
    }
    copy_out(out, n, buf);
}
