/* Authentication of API requests: session cookie (with CSRF check on writes) or bearer token. */
#ifndef SX_AUTH_H
#define SX_AUTH_H
#include "req.h"

#define SESSION_COOKIE "sixia_session"

/* Fills r->who; returns 0 or an error already recorded with req_fail. */
int auth_request(struct req *r);
/* BLAKE2b-256 hex of a secret (session id, token): only the hash is stored. */
void auth_hash_secret(const char *secret, char hex[65]);
/* A new random secret as 64 hex characters. */
void auth_random_hex(char out[65]);
/* Fixed-window limiter per source address and bucket name; 1 when the attempt is allowed. */
int ratelimit_allow(const char *bucket, const char *ip, int per_minute);
/* The same with a fixed window of window_seconds: at most max attempts per window. */
int ratelimit_allow_window(const char *bucket, const char *ip, int max, int window_seconds);
#endif
