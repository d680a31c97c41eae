/* Configuration: defaults < config file < environment (SIXIA_*) < command-line flags. */
#ifndef SX_CONFIG_H
#define SX_CONFIG_H
#include <stddef.h>

struct config {
    char listen[128];
    char db[512];
    int workers;
    size_t body_limit;
    char tls_cert[512], tls_key[512];
    int trust_proxy;
    char access_log[512];
    char timezone[64];
    int login_rate;
    int hash_concurrency; /* Argon2id hashes at once (password.c gate) */
    int hash_wait_ms;     /* how long a login waits for a hashing slot before 503 */
    int header_timeout;   /* seconds to receive a request's headers */
    int body_timeout;     /* seconds to receive a body (plus time for its declared length) */
    int max_conns_per_ip; /* connections at once from one client address; 0: no limit */
};

void config_defaults(struct config *c);
/* key as in the file ("body_limit") or flag ("body-limit"). 0, -1 unknown key, -2 bad value. */
int config_set(struct config *c, const char *key, const char *value);
/* "key = value" lines, '#' comments. 0, or -1 with a message on stderr. */
int config_file(struct config *c, const char *path);
void config_env(struct config *c);
/* Help text of the shared options. */
extern const char config_help[];
#endif
