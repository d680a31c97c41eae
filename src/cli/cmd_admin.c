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

/* ---- what `sixia check` and `sixia backup` say about the audit log ---- */

static void print_finding(const struct audit_finding *f, const char *cp_path)
{
    long long id = f->id, other = f->other;
    switch (f->what) {
    case AUDIT_GAP:
        printf("  - 第一条被破坏的记录 id=%lld：它之前的记录被删除（上一条为 id=%lld）\n", id, other);
        break;
    case AUDIT_BROKEN:
        printf("  - 第一条被破坏的记录 id=%lld：哈希链校验失败（记录被修改、插入或删除，或链被无密钥地重算；"
               "也可能是密钥文件与数据库不配套）\n", id);
        break;
    case AUDIT_CHECKPOINT_MISMATCH:
        printf("  - 第一条被破坏的记录 id=%lld：与审计检查点记载的哈希不符（它或它之前的记录被改写后重算）\n", id);
        break;
    case AUDIT_CUT:
        printf("  - 审计日志末尾的记录被删除：审计检查点记载至少有到 id=%lld 的记录，现在只到 id=%lld\n", id, other);
        break;
    case AUDIT_EMPTIED:
        printf("  - 审计日志被清空：审计检查点记载至少有到 id=%lld 的记录，现在一条也没有\n", id);
        break;
    case AUDIT_HEAD_CUT:
        printf("  - 审计日志末尾的记录被删除：日志头（audit_head）记载应到 id=%lld，现在只到 id=%lld\n", id, other);
        break;
    case AUDIT_HEAD_MISSING:
        printf("  - 日志头（settings 中的 audit_head）被删除：末尾的记录可能随之被删除\n");
        break;
    case AUDIT_HEAD_FORGED:
        printf("  - 日志头（settings 中的 audit_head）密钥校验失败：被改写（例如删除末尾记录后重算）\n");
        break;
    case AUDIT_SWITCH_MOVED:
        printf("  - 启用密钥的起点（settings 中的 audit_keyed_from）被改动：审计检查点记载为 id=%lld，"
               "数据库中为 %lld\n", id, other);
        break;
    case AUDIT_CHECKPOINT_MISSING:
        printf("  - 审计检查点文件 %s 不存在：无法确认末尾的记录未被删除（复制或恢复数据库时须连同 .key 与"
               " .audit 文件一起）\n", cp_path);
        break;
    case AUDIT_CHECKPOINT_BAD:
        printf("  - 审计检查点文件 %s 已损坏或密钥校验失败：被改写，或与密钥文件不配套\n", cp_path);
        break;
    }
}

/* Prints the verdict; 0 when intact. */
static int print_audit(const struct audit_verifier *v, const char *cp_path)
{
    if (v->nfound) {
        printf("审计日志: 校验失败，记录被篡改 —\n");
        for (int i = 0; i < v->nfound; i++) print_finding(&v->found[i], cp_path);
        return 1;
    }
    printf("审计日志: 哈希链完整（%lld 条记录）\n", (long long)v->count);
    if (!v->keyed_from)
        printf("  数据库尚未升级到带密钥的审计链（迁移 6，下次 sixia serve 或 init 时进行）：全部记录按原方式"
               "（无密钥 SHA-256）校验\n");
    else if (v->unkeyed)
        printf("  其中 id 1–%lld 的 %lld 条记录早于启用密钥（迁移 6），按原方式（无密钥 SHA-256）校验；"
               "id %lld 起的记录带密钥校验\n",
               (long long)v->unkeyed, (long long)v->unkeyed, (long long)v->keyed_from);
    if (v->cp_state == AUDIT_CP_OK)
        printf("审计检查点: %s 记载至少有到 id=%lld 的记录，与数据库一致\n", cp_path, (long long)v->cp.id);
    return 0;
}

static int file_exists(const char *path) { return access(path, F_OK) == 0; }

/* Verifies the audit log of the copy at path against the checkpoint read before the copy was
 * made; anchors the copy with a checkpoint of its own (*anchored; none for a database not yet
 * switched to the keyed chain). 0 when intact. */
static int backup_audit(const char *path, enum audit_checkpoint_state cps, const struct audit_anchor *cp,
                        const char *copy_cp_path, int *anchored)
{
    struct db *copy = NULL;
    struct audit_verifier v;
    if (db_open(path, &copy)) return 1;
    int rc = st_audit_verify(copy, cps, cp, &v);
    db_close(copy);
    if (rc) {
        fprintf(stderr, "无法校验备份的审计日志: %s\n", err_message(rc));
        return 1;
    }
    if (v.nfound) {
        print_audit(&v, copy_cp_path);
        return 1;
    }
    if (!v.keyed_from) return 0; /* not upgraded yet: nothing to anchor */
    struct audit_anchor mine = {.keyed_from = v.keyed_from, .id = v.last_id};
    memcpy(mine.hash, v.prev, AUDIT_HEX);
    if (st_audit_checkpoint_write(copy_cp_path, &mine)) return 1;
    *anchored = 1;
    return 0;
}

int cmd_backup(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia backup [--db FILE] 目标文件\n在线备份：服务运行时也得到一致的快照。\n"
                       "同时写出 目标文件.key（密钥）和 目标文件.audit（审计检查点），三个文件须一同保管、一同恢复；\n"
                       "备份的审计日志先经校验，通过才写检查点。所有文件权限均为 0600，已存在时不覆盖。",
                       pos, 1, &npos);
    if (rc) return rc;
    if (npos != 1) {
        fprintf(stderr, "请指定备份目标文件\n");
        return 2;
    }
    if (file_exists(pos[0])) {
        fprintf(stderr, "目标文件已存在，不覆盖: %s\n", pos[0]);
        return 1;
    }
    if (!file_exists(c.db)) {
        fprintf(stderr, "数据库不存在: %s\n", c.db);
        return 1;
    }
    char kp[4096], cpp[4096], src_cp[4096];
    pii_key_path(pos[0], kp, sizeof kp);
    st_audit_checkpoint_path(pos[0], cpp, sizeof cpp);
    st_audit_checkpoint_path(c.db, src_cp, sizeof src_cp);
    if (file_exists(kp) || file_exists(cpp)) {
        fprintf(stderr, "目标密钥文件或审计检查点文件已存在，不覆盖: %s\n", file_exists(kp) ? kp : cpp);
        return 1;
    }
    if (store_open(c.db)) return 1;
    struct db *db = store_db();
    /* Read before the snapshot: the checkpoint only ever names committed records, so it is
     * never ahead of the copy. */
    struct audit_anchor cp;
    enum audit_checkpoint_state cps;
    rc = st_audit_checkpoint_read(src_cp, &cp, &cps);
    if (!rc) rc = db->drv->backup(db, pos[0]);
    int written = !rc;
    if (!rc && pii_key_save(kp)) rc = 1;
    int anchored = 0;
    int audit_bad = !rc && backup_audit(pos[0], cps, &cp, cpp, &anchored);
    store_close();
    if (rc) {
        fprintf(stderr, "备份失败\n");
        if (written) unlink(pos[0]);
        return 1;
    }
    if (audit_bad) {
        fprintf(stderr, "已备份到 %s，但其审计日志校验未通过（见上），未为它写审计检查点\n", pos[0]);
        return 1;
    }
    if (anchored) printf("已备份到 %s（密钥文件 %s 与审计检查点 %s 须与备份一同保管）\n", pos[0], kp, cpp);
    else printf("已备份到 %s（密钥文件 %s 须与备份一同保管）\n", pos[0], kp);
    return 0;
}

/* Prints the state of the append-only triggers; 0 when all are there as created. */
static int print_triggers(struct db *db, int keyed)
{
    struct audit_trigger t[8];
    size_t n = 0;
    if (st_audit_triggers(db, keyed, t, 8, &n)) {
        printf("审计日志防篡改触发器: 无法读取\n");
        return 1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) bad |= t[i].state != AUDIT_TRIGGER_OK;
    if (!bad) {
        printf("审计日志防篡改触发器: 齐全（%zu 个）\n", n);
        return 0;
    }
    printf("审计日志防篡改触发器: 不全，审计日志可被直接改动 —\n");
    for (size_t i = 0; i < n; i++)
        if (t[i].state != AUDIT_TRIGGER_OK)
            printf("  - %s %s\n", t[i].name, t[i].state == AUDIT_TRIGGER_MISSING ? "缺失（被删除）" : "被改动");
    return 1;
}

int cmd_check(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia check [--db FILE]\n检查数据库完整性（integrity_check、外键）、审计日志的防篡改触发器，\n"
                       "以及审计日志的带密钥哈希链：对照日志头和数据库旁的审计检查点（FILE.audit）确认末尾未被删除。\n"
                       "需要密钥文件 FILE.key。发现问题时指出第一条被破坏的记录或被删除的末尾，并以非零状态退出。",
                       pos, 0, &npos);
    if (rc) return rc;
    if (!file_exists(c.db)) {
        fprintf(stderr, "数据库不存在: %s\n", c.db);
        return 1;
    }
    char kp[4096], cpp[4096];
    pii_key_path(c.db, kp, sizeof kp);
    st_audit_checkpoint_path(c.db, cpp, sizeof cpp);
    rc = store_open_existing_key(c.db);
    if (rc == SX_ENOTFOUND) {
        printf("审计日志: 无法校验 — 密钥文件 %s 不存在（它须与数据库一同保管）\n", kp);
        return 1;
    }
    if (rc) return 1;
    struct db *db = store_db();
    char msg[512];
    int bad = 0;
    if (db->drv->integrity(db, msg, sizeof msg)) {
        printf("数据库完整性: 失败 — %s\n", msg);
        bad = 1;
    } else {
        printf("数据库完整性: 正常\n");
    }
    /* The checkpoint first: read after the records it could name records they lack. */
    struct audit_anchor cp;
    enum audit_checkpoint_state cps;
    struct audit_verifier v;
    rc = st_audit_checkpoint_read(cpp, &cp, &cps);
    if (!rc) rc = st_audit_verify(db, cps, &cp, &v);
    if (rc) {
        printf("审计日志: 无法读取 — %s\n", err_message(rc));
        bad = 1;
    } else {
        bad |= print_triggers(db, v.keyed_from > 0 || cps != AUDIT_CP_ABSENT);
        bad |= print_audit(&v, cpp);
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
