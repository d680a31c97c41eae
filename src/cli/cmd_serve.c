#include "cli.h"
#include "../domain/password.h"
#include "../http/server.h"
#include "../util/log.h"
#include <stdio.h>
#include <stdlib.h>

int cmd_serve(int argc, char **argv)
{
    struct config c;
    const char *grace = NULL;
    const struct opt opts[] = {
        {"shutdown-grace", &grace, NULL, "停止时等待进行中请求的秒数（默认 10）"},
        {NULL, NULL, NULL, NULL},
    };
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, opts, "用法: sixia serve [选项]\n启动 HTTP 服务（API 与工作平台页面）。", pos, 0, &npos);
    if (rc) return rc;
    struct db *db = cli_open_db(&c);
    if (!db) return 1;
    if (cli_bootstrap(db)) {
        fprintf(stderr, "初始化内置角色和字典失败\n");
        store_close();
        return 1;
    }
    struct server_opts so = {
        .listen = c.listen,
        .workers = c.workers,
        .body_limit = c.body_limit,
        .tls_cert = c.tls_cert[0] ? c.tls_cert : NULL,
        .tls_key = c.tls_key[0] ? c.tls_key : NULL,
        .trust_proxy = c.trust_proxy,
        .login_rate = c.login_rate,
        .access_log = c.access_log,
        .shutdown_grace = grace ? atoi(grace) : 10,
        .header_timeout = c.header_timeout,
        .body_timeout = c.body_timeout,
        .max_conns_per_ip = c.max_conns_per_ip,
    };
    password_gate_set(c.hash_concurrency, c.hash_wait_ms);
    rc = server_run(&so);
    store_close();
    return rc;
}
