/* Settings: a key/value table. The security policy is read on every authenticated request,
 * so it is cached briefly in memory; a change made through this process clears the cache. */
#include "store.h"
#include "../util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *key;
    size_t off;
    int64_t dflt;
} policy_keys[] = {
    {"password_min_length", offsetof(struct security_policy, password_min_length), 8},
    {"password_max_age_days", offsetof(struct security_policy, password_max_age_days), 90},
    {"lockout_threshold", offsetof(struct security_policy, lockout_threshold), 5},
    {"lockout_minutes", offsetof(struct security_policy, lockout_minutes), 10},
    {"session_idle_minutes", offsetof(struct security_policy, session_idle_minutes), 30},
    {"audit_retention_days", offsetof(struct security_policy, audit_retention_days), 180},
    {"address_lockout_threshold", offsetof(struct security_policy, address_lockout_threshold), 20},
    {"session_max_hours", offsetof(struct security_policy, session_max_hours), 12},
    {"token_max_days", offsetof(struct security_policy, token_max_days), 90},
};
#define NKEYS (sizeof policy_keys / sizeof policy_keys[0])

/* Each thread keeps its own copy for up to a second, and drops it at once when this process
 * has committed anything since (db_write_generation): no lock on the request path. */
static _Thread_local struct security_policy cache;
static _Thread_local time_t cache_at;
static _Thread_local uint64_t cache_gen;

void st_policy_defaults(struct security_policy *p)
{
    for (size_t i = 0; i < NKEYS; i++) *(int64_t *)((char *)p + policy_keys[i].off) = policy_keys[i].dflt;
}

int st_setting_get(struct db *db, const char *key, char *buf, size_t n)
{
    struct db_stmt *s = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, key);
    int rc = db_step(s);
    if (rc == DB_ROW) snprintf(buf, n, "%s", db_col_text(s, 0));
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_setting_replace(struct db *db, const char *key, const char *old, const char *value)
{
    struct db_stmt *s = old ? db_prepare(db, "UPDATE settings SET value = ? WHERE key = ? AND value = ?")
                            : db_prepare(db, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING");
    if (!s) return SX_EINTERNAL;
    if (old) {
        db_bind_text(s, 1, value);
        db_bind_text(s, 2, key);
        db_bind_text(s, 3, old);
    } else {
        db_bind_text(s, 1, key);
        db_bind_text(s, 2, value);
    }
    int rc = db_run(s);
    if (rc) return rc;
    return db_changes(db) == 1 ? SX_OK : SX_EVERSION;
}

int st_setting_set(struct db *db, const char *key, const char *value)
{
    struct db_stmt *s = db_prepare(db, "INSERT INTO settings (key, value) VALUES (?, ?)"
                                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, key);
    db_bind_text(s, 2, value);
    return db_run(s);
}

static int load_policy(struct db *db, struct security_policy *p, int64_t *version)
{
    st_policy_defaults(p);
    char buf[32];
    for (size_t i = 0; i < NKEYS; i++) {
        int rc = st_setting_get(db, policy_keys[i].key, buf, sizeof buf);
        if (rc == SX_OK) *(int64_t *)((char *)p + policy_keys[i].off) = strtoll(buf, NULL, 10);
        else if (rc != SX_ENOTFOUND) return rc;
    }
    if (version) {
        *version = 1;
        if (st_setting_get(db, "security_version", buf, sizeof buf) == SX_OK) *version = strtoll(buf, NULL, 10);
    }
    return SX_OK;
}

int st_policy_get(struct db *db, struct security_policy *p)
{
    time_t now = time(NULL);
    uint64_t gen = db_write_generation();
    if (cache_at && now - cache_at < 1 && gen == cache_gen) {
        *p = cache;
        return SX_OK;
    }
    int rc = load_policy(db, p, NULL);
    if (rc) return rc;
    cache = *p;
    cache_at = now;
    cache_gen = gen;
    return SX_OK;
}

int st_settings_security_json(struct db *db, json_t **out)
{
    struct security_policy p;
    int64_t version;
    int rc = load_policy(db, &p, &version);
    if (rc) return rc;
    json_t *o = json_object();
    for (size_t i = 0; i < NKEYS; i++)
        json_object_set_new(o, policy_keys[i].key, json_integer(*(int64_t *)((char *)&p + policy_keys[i].off)));
    json_object_set_new(o, "version", json_integer(version));
    *out = o;
    return SX_OK;
}

int st_policy_load(struct db *db, struct security_policy *p, int64_t *version)
{
    return load_policy(db, p, version);
}

int st_policy_put(struct db *db, const struct security_policy *p)
{
    char buf[32];
    for (size_t i = 0; i < NKEYS; i++) {
        snprintf(buf, sizeof buf, "%lld", (long long)*(const int64_t *)((const char *)p + policy_keys[i].off));
        int rc = st_setting_set(db, policy_keys[i].key, buf);
        if (rc) return rc;
    }
    return SX_OK;
}

size_t st_policy_describe(const struct security_policy *p, char *out, size_t n)
{
    size_t off = 0;
    if (n) out[0] = 0;
    for (size_t i = 0; i < NKEYS && off + 1 < n; i++) {
        int w = snprintf(out + off, n - off, "%s%s=%lld", i ? "," : "", policy_keys[i].key,
                         (long long)*(const int64_t *)((const char *)p + policy_keys[i].off));
        if (w < 0) break;
        off += (size_t)w;
        if (off >= n) off = n - 1;
    }
    return off;
}
