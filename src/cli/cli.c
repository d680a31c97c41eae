#include "cli.h"
#include "../app/app.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_usage(const char *usage, const struct opt *opts)
{
    printf("%s\n\n选项:\n", usage);
    for (const struct opt *o = opts; o && o->name; o++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s%s", o->name, o->val ? " VALUE" : "");
        printf("  --%-19s%s\n", buf, o->help);
    }
    printf("%s  --help               显示本帮助\n", config_help);
}

int cli_parse(int argc, char **argv, struct config *c, const struct opt *opts, const char *usage,
              const char **pos, int maxpos, int *npos)
{
    config_defaults(c);
    /* The config file comes first so that environment and flags override it. */
    const char *cfg = getenv("SIXIA_CONFIG");
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc) cfg = argv[i + 1];
        else if (!strncmp(argv[i], "--config=", 9)) cfg = argv[i] + 9;
    }
    if (cfg && config_file(c, cfg)) return 2;
    config_env(c);
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_usage(usage, opts);
            exit(0);
        }
        if (strncmp(a, "--", 2) != 0) {
            if (*npos >= maxpos) {
                fprintf(stderr, "多余的参数: %s\n", a);
                return 2;
            }
            pos[(*npos)++] = a;
            continue;
        }
        char name[64];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, a + 2, n);
        name[n] = 0;
        if (eq) val = eq + 1;
        const struct opt *o = NULL;
        for (const struct opt *p = opts; p && p->name; p++)
            if (!strcmp(p->name, name)) o = p;
        if (o && o->flag) {
            *o->flag = 1;
            continue;
        }
        if (!val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "选项 --%s 需要一个值\n", name);
                return 2;
            }
            val = argv[++i];
        }
        if (o) {
            *o->val = val;
            continue;
        }
        if (!strcmp(name, "config")) continue;
        int rc = config_set(c, name, val);
        if (rc == -1) {
            fprintf(stderr, "未知选项: --%s（sixia 命令 --help 查看）\n", name);
            return 2;
        }
        if (rc) {
            fprintf(stderr, "选项 --%s 的值不正确: %s\n", name, val);
            return 2;
        }
    }
    if (tz_set(c->timezone)) {
        fprintf(stderr, "未知时区: %s\n", c->timezone);
        return 2;
    }
    return 0;
}

struct db *cli_open_db(const struct config *c)
{
    if (store_open(c->db)) {
        fprintf(stderr, "无法打开数据库 %s\n", c->db);
        return NULL;
    }
    struct db *db = store_db();
    int v = 0;
    if (store_migrate(db, &v)) {
        fprintf(stderr, "数据库迁移失败: %s\n", c->db);
        store_close();
        return NULL;
    }
    return db;
}

static int bootstrap_tx(struct app_ctx *c, void *arg)
{
    (void)arg;
    return st_bootstrap(c->db);
}

int cli_bootstrap(struct db *db)
{
    return app_write(db, NULL, bootstrap_tx, NULL, NULL);
}
