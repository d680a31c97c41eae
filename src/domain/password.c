#include "password.h"
#include "../util/err.h"
#include "../util/jsonv.h"
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int password_check(const char *pw, int64_t min_len, const char *username, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    size_t bytes = strlen(pw);
    if (!utf8_valid(pw, bytes)) {
        *why = "密码含有无效字符";
        return SX_EWEAKPASSWORD;
    }
    if (bytes > PASSWORD_MAX_BYTES) {
        *why = "密码不能超过128个字节";
        return SX_EWEAKPASSWORD;
    }
    if ((int64_t)utf8_len(pw) < min_len) {
        *why = "密码长度不足";
        return SX_EWEAKPASSWORD;
    }
    int up = 0, lo = 0, dg = 0, ot = 0;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') up = 1;
        else if (*p >= 'a' && *p <= 'z') lo = 1;
        else if (*p >= '0' && *p <= '9') dg = 1;
        else ot = 1;
    }
    if (up + lo + dg + ot < 3) {
        *why = "密码必须包含大写字母、小写字母、数字、特殊字符中的至少三类";
        return SX_EWEAKPASSWORD;
    }
    if (username && strlen(username) >= 3) {
        /* case-insensitive substring search */
        size_t n = strlen(username);
        for (const char *p = pw; *p; p++)
            if (strncasecmp(p, username, n) == 0) {
                *why = "密码不能包含用户名";
                return SX_EWEAKPASSWORD;
            }
    }
    return SX_OK;
}

/* ---- the hashing gate: each Argon2id computation holds crypto_pwhash_MEMLIMIT_INTERACTIVE
 * (64 MiB) while it runs, so the number running at once bounds the memory logins can take. ---- */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int max, running, wait_ms;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;

static void gate_clock_init(void)
{
    /* Waits are measured on the monotonic clock: a clock step must not stretch them. */
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_destroy(&gate.cv);
    pthread_cond_init(&gate.cv, &a);
    pthread_condattr_destroy(&a);
}

void password_gate_set(int max_running, int wait_ms)
{
    pthread_once(&gate_once, gate_clock_init);
    pthread_mutex_lock(&gate.mu);
    gate.max = max_running > 0 ? max_running : 0;
    gate.wait_ms = wait_ms > 0 ? wait_ms : 0;
    pthread_cond_broadcast(&gate.cv);
    pthread_mutex_unlock(&gate.mu);
}

/* SX_OK with a slot taken (release with gate_leave), or SX_EBUSY after waiting wait_ms. */
static int gate_enter(void)
{
    pthread_once(&gate_once, gate_clock_init);
    pthread_mutex_lock(&gate.mu);
    int rc = SX_OK;
    if (gate.max > 0 && gate.running >= gate.max) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += gate.wait_ms / 1000;
        until.tv_nsec += (long)(gate.wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        while (gate.max > 0 && gate.running >= gate.max)
            if (pthread_cond_timedwait(&gate.cv, &gate.mu, &until) == ETIMEDOUT) break;
        if (gate.max > 0 && gate.running >= gate.max) rc = SX_EBUSY;
    }
    if (!rc) gate.running++;
    pthread_mutex_unlock(&gate.mu);
    return rc;
}

static void gate_leave(void)
{
    pthread_mutex_lock(&gate.mu);
    gate.running--;
    pthread_cond_signal(&gate.cv);
    pthread_mutex_unlock(&gate.mu);
}

int password_gate_running(void)
{
    pthread_mutex_lock(&gate.mu);
    int n = gate.running;
    pthread_mutex_unlock(&gate.mu);
    return n;
}

static int hash_ungated(const char *pw, char out[PASSWORD_HASH_BYTES])
{
    return crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                 crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0
               ? SX_OK
               : SX_EINTERNAL;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_BYTES])
{
    int rc = gate_enter();
    if (rc) return rc;
    rc = hash_ungated(pw, out);
    gate_leave();
    return rc;
}

/* A valid hash of a random password: verifying against it costs the same as a real account. */
static char dummy_hash[PASSWORD_HASH_BYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
    hash_ungated("dummy-Password-1", dummy_hash);
}

int password_match(const char *hash, const char *pw)
{
    int real = hash && strncmp(hash, "$argon2id$", 10) == 0;
    if (!real) pthread_once(&dummy_once, dummy_init); /* once, outside the gate: startup work */
    int rc = gate_enter();
    if (rc) return rc;
    int ok = crypto_pwhash_str_verify(real ? hash : dummy_hash, pw, strlen(pw)) == 0;
    gate_leave();
    return real && ok ? SX_OK : SX_ECREDS;
}

int password_expired(int64_t changed_at, int64_t max_age_days, int64_t now)
{
    return max_age_days > 0 && now - changed_at > max_age_days * 86400;
}

void password_generate(char *out)
{
    static const char up[] = "ABCDEFGHJKLMNPQRSTUVWXYZ", lo[] = "abcdefghijkmnpqrstuvwxyz",
                      dg[] = "23456789", ot[] = "@#%+=!";
    const char *sets[4] = {up, lo, dg, ot};
    for (int i = 0; i < 16; i++) {
        const char *set = sets[i < 4 ? (uint32_t)i : randombytes_uniform(4)];
        out[i] = set[randombytes_uniform((uint32_t)strlen(set))];
    }
    /* shuffle so the class order is not fixed */
    for (int i = 15; i > 0; i--) {
        int j = (int)randombytes_uniform((uint32_t)i + 1);
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    out[16] = 0;
}
