#include "auth.h"
#include "../util/str.h"
#include "../domain/password.h"
#include "../domain/perm.h"
#include "../util/log.h"
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void auth_hash_secret(const char *secret, char hex[65])
{
    /* BLAKE2b-256: the secrets are 256 random bits, so one fast unkeyed hash suffices to keep
     * the stored value useless to whoever reads the database. */
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

void auth_random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

static int valid_secret(const char *s)
{
    size_t n = strlen(s);
    return n >= 32 && n <= 128 && strspn(s, "0123456789abcdef_sx") == n;
}

static int auth_token(struct req *r, const char *secret)
{
    struct db *db = req_db(r);
    if (!valid_secret(secret)) return req_fail(r, SX_EUNAUTH, NULL, "API 令牌无效");
    char h[65];
    auth_hash_secret(secret, h);
    struct token_row t;
    int rc = st_token_get(db, h, &t);
    if (rc == SX_ENOTFOUND) return req_fail(r, SX_EUNAUTH, NULL, "API 令牌无效");
    if (rc) return req_fail(r, rc, NULL, NULL);
    /* A token acts only as its own integration account, never as a person; every token has an
     * end (one without is from before expiry was required, and the migration gave it one). */
    if (!t.integration) return req_fail(r, SX_EUNAUTH, NULL, "API 令牌无效");
    if (t.revoked) return req_fail(r, SX_EUNAUTH, NULL, "API 令牌已吊销");
    if (t.expires_at <= (int64_t)time(NULL)) return req_fail(r, SX_EUNAUTH, NULL, "API 令牌已过期");
    if (t.disabled) return req_fail(r, SX_EDISABLED, NULL, NULL);
    /* last_used_at is kept to the minute: no write on every request. */
    if (!t.used_recently) st_token_touch(db, t.id);
    struct principal *w = &r->who;
    w->user_id = t.user_id;
    w->token_id = t.id;
    w->unit_id = t.unit_id;
    str_copy(w->username, sizeof w->username, t.username);
    rc = st_principal_load(db, t.user_id, t.role_id, t.unit_id, t.unit_path, &w->perms, &w->scope);
    if (rc) return req_fail(r, rc, NULL, NULL);
    r->authenticated = 1;
    return SX_OK;
}

/* A per-thread cache of resolved sessions (session row, permissions, scope). An entry is used
 * only while nothing at all has been committed since it was filled, through this process
 * (db_write_generation) or by another one such as the command line (db_data_version): role,
 * user, session and policy changes are all commits, so a hit is what the database would say. */
#define SESSION_CACHE 32
struct session_cache {
    char hash[65];
    uint64_t gen;
    int64_t dv;
    struct session_row s;
    uint64_t perms;
    struct scope scope;
};
static _Thread_local struct session_cache session_cache[SESSION_CACHE];

static struct session_cache *cache_slot(const char *h)
{
    unsigned v = 0;
    for (int i = 0; i < 8; i++) v = v * 16 + (unsigned)(h[i] <= '9' ? h[i] - '0' : h[i] - 'a' + 10);
    return &session_cache[v % SESSION_CACHE];
}

/* Resolves the session and its principal, from the cache when it is still current. */
static int resolve_session(struct db *db, const char *h, struct session_row *s, uint64_t *perms, struct scope *sc)
{
    uint64_t gen = db_write_generation();
    int64_t dv = db_data_version(db);
    struct session_cache *c = cache_slot(h);
    if (dv >= 0 && c->gen == gen && c->dv == dv && strcmp(c->hash, h) == 0) {
        *s = c->s;
        *perms = c->perms;
        *sc = c->scope;
        return SX_OK;
    }
    int rc = st_session_get(db, h, s);
    if (!rc) rc = st_principal_load(db, s->user_id, 0, s->unit_id, s->unit_path, perms, sc);
    if (rc) return rc;
    /* gen and dv were read before the queries: a commit in between makes the entry stale. */
    str_copy(c->hash, sizeof c->hash, h);
    c->gen = gen;
    c->dv = dv;
    c->s = *s;
    c->perms = *perms;
    c->scope = *sc;
    return SX_OK;
}

static int auth_session(struct req *r, const char *sid)
{
    struct db *db = req_db(r);
    if (!valid_secret(sid)) return req_fail(r, SX_EUNAUTH, NULL, NULL);
    char h[65];
    auth_hash_secret(sid, h);
    struct session_row s;
    struct principal *w = &r->who;
    int64_t now = (int64_t)time(NULL);
    int rc = resolve_session(db, h, &s, &w->perms, &w->scope);
    if (rc == SX_ENOTFOUND) return req_fail(r, SX_ESESSION, NULL, NULL);
    if (rc) return req_fail(r, rc, NULL, NULL);
    struct security_policy pol;
    if ((rc = st_policy_get(db, &pol))) return req_fail(r, rc, NULL, NULL);
    if (pol.session_idle_minutes > 0 && now - s.last_seen > pol.session_idle_minutes * 60) {
        st_session_delete(db, h);
        return req_fail(r, SX_ESESSION, NULL, "长时间未操作，登录已超时，请重新登录");
    }
    /* However active, a session ends session_max_hours after its login. */
    if (pol.session_max_hours > 0 && now - s.created_at > pol.session_max_hours * 3600) {
        st_session_delete(db, h);
        return req_fail(r, SX_ESESSION, NULL,
                        arena_printf(&r->arena, "登录已超过最长时限（%lld小时），请重新登录",
                                     (long long)pol.session_max_hours));
    }
    if (s.disabled) {
        st_session_delete(db, h);
        return req_fail(r, SX_EDISABLED, NULL, NULL);
    }
    /* CSRF: a state-changing request must echo the session's token in a header, which a
     * cross-site form or image cannot do. */
    if (r->method != M_GET && r->method != M_HEAD) {
        const char *tok = req_header(r, "X-CSRF-Token");
        if (!tok || strlen(tok) != strlen(s.csrf) || sodium_memcmp(tok, s.csrf, strlen(s.csrf)) != 0)
            return req_fail(r, SX_ECSRF, NULL, NULL);
    }
    /* last_seen is written at most every 30 s: idle expiry needs no finer grain. */
    if (now - s.last_seen >= 30) st_session_touch(db, h, now);
    w->user_id = s.user_id;
    w->unit_id = s.unit_id;
    str_copy(w->username, sizeof w->username, s.username);
    str_copy(w->csrf, sizeof w->csrf, s.csrf);
    str_copy(w->session_hash, sizeof w->session_hash, h);
    w->password_expired = password_expired(s.password_changed_at, pol.password_max_age_days, now);
    w->must_change = s.must_change || w->password_expired;
    r->authenticated = 1;
    return SX_OK;
}

int auth_request(struct req *r)
{
    const char *authz = req_header(r, "Authorization");
    if (authz && strncasecmp(authz, "Bearer ", 7) == 0) return auth_token(r, authz + 7);
    const char *sid = req_cookie(r, SESSION_COOKIE);
    if (sid && *sid) return auth_session(r, sid);
    return req_fail(r, SX_EUNAUTH, NULL, NULL);
}

/* ---- rate limiting: a small table of fixed windows (one minute unless asked otherwise) ---- */
#define RL_SLOTS 4096
static struct {
    unsigned hash;
    int64_t window;
    int count;
} rl[RL_SLOTS];
static pthread_mutex_t rl_mu = PTHREAD_MUTEX_INITIALIZER;

int ratelimit_allow(const char *bucket, const char *ip, int per_minute)
{
    return ratelimit_allow_window(bucket, ip, per_minute, 60);
}

int ratelimit_allow_window(const char *bucket, const char *ip, int max, int window_seconds)
{
    if (max <= 0 || window_seconds <= 0) return 1;
    unsigned h = 2166136261u;
    for (const char *p = bucket; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    for (const char *p = ip; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    int64_t win = (int64_t)time(NULL) / window_seconds;
    pthread_mutex_lock(&rl_mu);
    unsigned i = h % RL_SLOTS;
    if (rl[i].hash != h || rl[i].window != win) {
        rl[i].hash = h;
        rl[i].window = win;
        rl[i].count = 0;
    }
    int ok = ++rl[i].count <= max;
    pthread_mutex_unlock(&rl_mu);
    return ok;
}
