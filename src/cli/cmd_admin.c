/* init, backup, check, routes. */
#include "cli.h"
#include "../util/pii.h"
#include "../domain/password.h"
#include "../http/router.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_init(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia init [--db FILE]\n创建或升级数据库（按编号执行迁移），创建内置角色、字典，\n"
                       "以及系统管理员 sysadmin、安全管理员 secadmin、审计管理员 auditadmin 三个账号。\n"
                       "初始密码随机生成并只显示一次；三员首次登录必须修改密码。",
                       pos, 0, &npos);
    if (rc) return rc;
    struct db *db = cli_open_db(&c);
    if (!db) return 1;
    static const char *const admins[][3] = {
        {"sysadmin", "系统管理员", "sysadmin"}, {"secadmin", "安全管理员", "secadmin"}, {"auditadmin", "审计管理员", "auditadmin"}};
    char pw[3][17];
    int created = 0;
    if ((rc = db_begin_write(db))) goto out;
    if ((rc = st_bootstrap(db))) goto fail;
    int64_t region, unit;
    if ((rc = st_bootstrap_root(db, &region, &unit))) goto fail;
    for (int i = 0; i < 3; i++) {
        struct login_row lr;
        if (st_login_lookup(db, admins[i][0], &lr) == SX_OK) continue;
        char hash[PASSWORD_HASH_BYTES];
        password_generate(pw[i]);
        if ((rc = password_hash(pw[i], hash))) goto fail;
        const char *roles[] = {admins[i][2], NULL};
        int64_t id;
        if ((rc = st_user_insert(db, admins[i][0], admins[i][1], unit, hash, 1, roles, &id))) goto fail;
        created |= 1 << i;
    }
    struct audit_ctx a = {.user_id = 0, .username = "sixia-cli", .ip = "local"};
    if ((rc = st_audit_append(db, &a, "system.init", "database", "", 1, ""))) goto fail;
    if ((rc = db_commit(db))) goto out;
    printf("数据库已就绪: %s\n", c.db);
    for (int i = 0; i < 3; i++)
        if (created & (1 << i)) printf("  %-10s %s 初始密码: %s（首次登录须修改）\n", admins[i][0], admins[i][1], pw[i]);
    goto out;
fail:
    db_rollback(db);
out:
    if (rc) fprintf(stderr, "初始化失败: %s\n", err_message(rc));
    store_close();
    return rc ? 1 : 0;
}

int cmd_backup(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia backup [--db FILE] 目标文件\n在线备份：服务运行时也得到一致的快照。", pos, 1, &npos);
    if (rc) return rc;
    if (npos != 1) {
        fprintf(stderr, "请指定备份目标文件\n");
        return 2;
    }
    if (access(pos[0], F_OK) == 0) {
        fprintf(stderr, "目标文件已存在，不覆盖: %s\n", pos[0]);
        return 1;
    }
    if (access(c.db, F_OK) != 0) {
        fprintf(stderr, "数据库不存在: %s\n", c.db);
        return 1;
    }
    char kp[4096];
    pii_key_path(pos[0], kp, sizeof kp);
    if (access(kp, F_OK) == 0) {
        fprintf(stderr, "目标密钥文件已存在，不覆盖: %s\n", kp);
        return 1;
    }
    if (store_open(c.db)) return 1;
    struct db *db = store_db();
    rc = db->drv->backup(db, pos[0]);
    store_close();
    if (!rc && pii_key_save(kp)) rc = 1;
    if (rc) {
        fprintf(stderr, "备份失败\n");
        unlink(pos[0]);
        return 1;
    }
    printf("已备份到 %s（密钥文件 %s 须与备份一同保管）\n", pos[0], kp);
    return 0;
}

int cmd_check(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia check [--db FILE]\n检查数据库完整性（integrity_check、外键）和审计日志哈希链；\n"
                       "发现问题时指出第一条被破坏的审计记录，并以非零状态退出。",
                       pos, 0, &npos);
    if (rc) return rc;
    if (access(c.db, F_OK) != 0) {
        fprintf(stderr, "数据库不存在: %s\n", c.db);
        return 1;
    }
    if (store_open(c.db)) return 1;
    struct db *db = store_db();
    char msg[512];
    int bad = 0;
    if (db->drv->integrity(db, msg, sizeof msg)) {
        printf("数据库完整性: 失败 — %s\n", msg);
        bad = 1;
    } else {
        printf("数据库完整性: 正常\n");
    }
    int64_t bad_id, count;
    rc = st_audit_verify(db, &bad_id, &count, msg, sizeof msg);
    if (rc) {
        printf("审计日志: 无法读取 — %s\n", err_message(rc));
        bad = 1;
    } else if (bad_id) {
        printf("审计日志: 哈希链断裂 — 第一条被破坏的记录 id=%lld: %s\n", (long long)bad_id, msg);
        bad = 1;
    } else {
        printf("审计日志: 哈希链完整（%lld 条记录）\n", (long long)count);
    }
    store_close();
    return bad ? 1 : 0;
}

int cmd_routes(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia routes\n列出全部 API 路由：每行“方法 路径 所需权限”（public 为无需登录，\n"
                       "authenticated 为登录即可）。",
                       pos, 0, &npos);
    if (rc) return rc;
    router_print(stdout);
    return 0;
}
