/* Login-failure handling (等保: lock after N failures) that neither tells a stranger which
 * accounts exist nor lets one lock an account out from everywhere. Failures are counted per
 * subject (an account, or a typed name that is no account) and source address, and per
 * address across all subjects; the store keeps the counters. Pure logic: no I/O. */
#ifndef SX_LOCKOUT_H
#define SX_LOCKOUT_H
#include <stddef.h>
#include <stdint.h>

/* One counter: failures since window_start, and the end of the lock it set (unix times). */
struct lockout_counter {
    int64_t count, window_start, locked_until;
};

/* Seconds the counter still locks at now; 0 when it does not. */
int64_t lockout_remaining(const struct lockout_counter *c, int64_t now);

/* Records one failure at now. Failures count within window seconds of the first one of the
 * window (an older window starts again); the threshold-th locks for lock seconds and starts a
 * new count. Returns 1 when this failure set the lock. threshold <= 0 never locks. */
int lockout_record_failure(struct lockout_counter *c, int64_t now, int64_t threshold, int64_t window,
                           int64_t lock);

/* Whole minutes to show for a lock of seconds left: rounded up, at least 1. */
int64_t lockout_minutes_left(int64_t seconds);

/* The address a counter is kept for: an IPv4 address as given (also when IPv4-mapped), an IPv6
 * address as its /64 prefix ("2001:db8:1:2::/64", one site's block, which a client can walk
 * through), anything else as given. out always terminates (n > 0). */
void lockout_address(const char *ip, char *out, size_t n);
#endif
