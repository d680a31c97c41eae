#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char config_help[] =
    "  --db FILE            数据库文件 (SIXIA_DB, 默认 sixia.db)\n"
    "  --listen ADDR:PORT   监听地址 (SIXIA_LISTEN, 默认 127.0.0.1:8080)\n"
    "  --workers N          工作线程数 (SIXIA_WORKERS, 默认 CPU 核数×2, 1-256)\n"
    "  --body-limit BYTES   请求体上限 (SIXIA_BODY_LIMIT, 默认 1048576)\n"
    "  --tls-cert FILE      HTTPS 证书 PEM (SIXIA_TLS_CERT)\n"
    "  --tls-key FILE       HTTPS 私钥 PEM (SIXIA_TLS_KEY)\n"
    "  --trust-proxy 0|1    信任反向代理的 X-Forwarded-For/-Proto (SIXIA_TRUST_PROXY)\n"
    "  --access-log FILE    访问日志（JSON 行）, - 为标准输出, off 关闭 (SIXIA_ACCESS_LOG)\n"
    "  --timezone ZONE      部署时区 (SIXIA_TIMEZONE, 默认 Asia/Shanghai)\n"
    "  --login-rate N       每个来源地址每分钟登录尝试上限 (SIXIA_LOGIN_RATE, 默认 30)\n"
    "  --hash-concurrency N 同时进行的密码哈希上限，每个占 64 MiB (SIXIA_HASH_CONCURRENCY, 默认 CPU 核数)\n"
    "  --hash-wait-ms MS    等待哈希名额的最长毫秒数，超时答 503 (SIXIA_HASH_WAIT_MS, 默认 2000)\n"
    "  --header-timeout S   接收请求头的总时限（秒），超时答 408 并断开 (SIXIA_HEADER_TIMEOUT, 默认 15)\n"
    "  --body-timeout S     接收请求体的总时限（秒），另按声明长度每 64 KiB 加 1 秒 (SIXIA_BODY_TIMEOUT, 默认 60)\n"
    "  --max-conns-per-ip N 每个来源地址同时连接数上限, 0 不限 (SIXIA_MAX_CONNS_PER_IP, 默认 32)\n"
    "  --config FILE        配置文件，每行 key = value (SIXIA_CONFIG)\n";

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
    snprintf(c->db, sizeof c->db, "sixia.db");
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c->workers = n > 1 ? (int)(2 * n) : 4; /* threads also wait on the database: twice the cores measured best */
    c->body_limit = 1 << 20;
    snprintf(c->access_log, sizeof c->access_log, "-");
    snprintf(c->timezone, sizeof c->timezone, "Asia/Shanghai");
    c->login_rate = 30;
    c->hash_concurrency = n > 0 ? (int)n : 1; /* Argon2id is CPU bound: more at once only adds memory */
    c->hash_wait_ms = 2000;
    c->header_timeout = 15;
    c->body_timeout = 60;
    c->max_conns_per_ip = 32;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
    char *end;
    if (!*v) return -1;
    long x = strtol(v, &end, 10);
    if (*end || x < lo || x > hi) return -1;
    *out = x;
    return 0;
}

static int set_str(char *dst, size_t n, const char *v)
{
    if (strlen(v) >= n) return -2;
    snprintf(dst, n, "%s", v);
    return 0;
}

int config_set(struct config *c, const char *key, const char *value)
{
    char k[64];
    size_t i;
    for (i = 0; key[i] && i < sizeof k - 1; i++) k[i] = key[i] == '-' ? '_' : key[i];
    k[i] = 0;
    long x;
    if (!strcmp(k, "listen")) return set_str(c->listen, sizeof c->listen, value);
    if (!strcmp(k, "db")) return set_str(c->db, sizeof c->db, value);
    if (!strcmp(k, "tls_cert")) return set_str(c->tls_cert, sizeof c->tls_cert, value);
    if (!strcmp(k, "tls_key")) return set_str(c->tls_key, sizeof c->tls_key, value);
    if (!strcmp(k, "access_log")) return set_str(c->access_log, sizeof c->access_log, value);
    if (!strcmp(k, "timezone")) return set_str(c->timezone, sizeof c->timezone, value);
    if (!strcmp(k, "workers")) {
        if (parse_long(value, 1, 256, &x)) return -2;
        c->workers = (int)x;
        return 0;
    }
    if (!strcmp(k, "body_limit")) {
        if (parse_long(value, 1024, 64L << 20, &x)) return -2;
        c->body_limit = (size_t)x;
        return 0;
    }
    if (!strcmp(k, "trust_proxy")) {
        if (parse_long(value, 0, 1, &x)) return -2;
        c->trust_proxy = (int)x;
        return 0;
    }
    if (!strcmp(k, "login_rate")) {
        if (parse_long(value, 0, 1000000, &x)) return -2;
        c->login_rate = (int)x;
        return 0;
    }
    if (!strcmp(k, "hash_concurrency")) {
        if (parse_long(value, 1, 256, &x)) return -2;
        c->hash_concurrency = (int)x;
        return 0;
    }
    if (!strcmp(k, "hash_wait_ms")) {
        if (parse_long(value, 0, 60000, &x)) return -2;
        c->hash_wait_ms = (int)x;
        return 0;
    }
    if (!strcmp(k, "header_timeout")) {
        if (parse_long(value, 1, 600, &x)) return -2;
        c->header_timeout = (int)x;
        return 0;
    }
    if (!strcmp(k, "body_timeout")) {
        if (parse_long(value, 1, 3600, &x)) return -2;
        c->body_timeout = (int)x;
        return 0;
    }
    if (!strcmp(k, "max_conns_per_ip")) {
        if (parse_long(value, 0, 100000, &x)) return -2;
        c->max_conns_per_ip = (int)x;
        return 0;
    }
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

/* A configuration file is a few dozen short lines: anything this big is not one. */
#define CONFIG_FILE_MAX (1 << 20)

/* Applies one "key = value" line (already known to hold no NUL). 0, or -1 with a message. */
static int config_line(struct config *c, const char *path, int lineno, char *line)
{
    char *s = trim(line);
    if (!*s || *s == '#') return 0;
    char *eq = strchr(s, '=');
    if (!eq) {
        fprintf(stderr, "%s:%d: 应为 key = value\n", path, lineno);
        return -1;
    }
    *eq = 0;
    char *k = trim(s), *v = trim(eq + 1);
    int rc = config_set(c, k, v);
    if (rc) {
        fprintf(stderr, "%s:%d: %s %s\n", path, lineno, rc == -1 ? "未知配置项" : "配置值不正确", k);
        return -1;
    }
    return 0;
}

int config_file(struct config *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "无法读取配置文件 %s\n", path);
        return -1;
    }
    /* Whole lines, however long: a line read in pieces would apply the end of a long comment
     * as a setting of its own. */
    char *line = NULL;
    size_t cap = 0, total = 0;
    ssize_t len;
    int lineno = 0, bad = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        total += (size_t)len;
        if (total > CONFIG_FILE_MAX) {
            fprintf(stderr, "%s:%d: 配置文件超过 %d 字节，不予读取\n", path, lineno, CONFIG_FILE_MAX);
            bad = 1;
            break;
        }
        if (memchr(line, 0, (size_t)len)) {
            fprintf(stderr, "%s:%d: 含有 NUL 字符\n", path, lineno);
            bad = 1;
            continue;
        }
        if (config_line(c, path, lineno, line)) bad = 1;
    }
    if (ferror(f)) {
        fprintf(stderr, "无法读取配置文件 %s\n", path);
        bad = 1;
    }
    free(line);
    fclose(f);
    return bad ? -1 : 0;
}

void config_env(struct config *c)
{
    static const char *const keys[] = {"listen", "db", "workers", "body_limit", "tls_cert", "tls_key",
                                       "trust_proxy", "access_log", "timezone", "login_rate",
                                       "hash_concurrency", "hash_wait_ms", "header_timeout", "body_timeout",
                                       "max_conns_per_ip"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "SIXIA_%s", keys[i]);
        for (char *p = name; *p; p++) *p = (char)toupper((unsigned char)*p);
        const char *v = getenv(name);
        if (v && config_set(c, keys[i], v)) fprintf(stderr, "环境变量 %s 的值不正确，已忽略\n", name);
    }
}
