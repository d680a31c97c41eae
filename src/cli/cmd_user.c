/* sixia user add | disable | enable | reset-password | list: account management on the
 * command line (e.g. before the first administrator can log in). Every change is audited with
 * actor "sixia-cli" from "local". */
#include "cli.h"
#include "../domain/password.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROLES 16
static const struct audit_ctx cli_actor = {.user_id = 0, .username = "sixia-cli", .ip = "local"};

static const char user_usage[] =
    "用法: sixia user 子命令 [选项]\n\n子命令:\n"
    "  add             新建用户（--username --display-name --unit-id [--password] [--role]... [--must-change]）\n"
    "  disable 用户名  停用账号（立即结束其会话）\n"
    "  enable 用户名   启用账号\n"
    "  reset-password 用户名 [--password P]  重置密码，用户下次登录必须修改\n"
    "  list            列出全部用户\n\n"
    "每个子命令的选项: sixia user 子命令 --help";

/* Moves every "--role X" / "--role=X" out of argv into roles; returns the remaining count or
 * -1 after printing an error. */
static int take_roles(int argc, char **argv, const char **roles, int *nroles)
{
    int out = 0;
    *nroles = 0;
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        if (!strcmp(argv[i], "--role")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "选项 --role 需要一个值\n");
                return -1;
            }
            v = argv[++i];
        } else if (!strncmp(argv[i], "--role=", 7)) {
            v = argv[i] + 7;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (*nroles == MAX_ROLES) {
            fprintf(stderr, "角色过多（最多 %d 个）\n", MAX_ROLES);
            return -1;
        }
        roles[(*nroles)++] = v;
    }
    return out;
}

static int valid_username(const char *u)
{
    size_t n = strlen(u);
    return n >= 3 && n <= 64 && strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") == n;
}

/* The password from --password: "-" reads one line from standard input. */
static int read_password(const char *opt, char *buf, size_t n)
{
    if (strcmp(opt, "-") != 0) {
        if (strlen(opt) >= n) {
            fprintf(stderr, "密码不能超过%d个字节\n", PASSWORD_MAX_BYTES);
            return -1;
        }
        snprintf(buf, n, "%s", opt);
        return 0;
    }
    if (!fgets(buf, (int)n, stdin)) {
        fprintf(stderr, "无法从标准输入读取密码\n");
        return -1;
    }
    buf[strcspn(buf, "\r\n")] = 0;
    return 0;
}

/* Checks the password against the security policy stored in the database. */
static int check_password(struct db *db, const char *pw, const char *username)
{
    struct security_policy pol;
    if (st_policy_get(db, &pol)) st_policy_defaults(&pol);
    const char *why = NULL;
    if (password_check(pw, pol.password_min_length, username, &why)) {
        fprintf(stderr, "密码不符合安全策略: %s（至少%lld个字符）\n", why ? why : "", (long long)pol.password_min_length);
        return -1;
    }
    return 0;
}

static int user_add(int argc, char **argv)
{
    const char *roles[MAX_ROLES + 1];
    int nroles;
    argc = take_roles(argc, argv, roles, &nroles);
    if (argc < 0) return 2;
    roles[nroles] = NULL;
    const char *username = NULL, *display = NULL, *unit = NULL, *pwopt = NULL, *dummy_role = NULL;
    int must_change = 0;
    const struct opt opts[] = {
        {"username", &username, NULL, "登录名（3-64个字母、数字或 _ . - @）"},
        {"display-name", &display, NULL, "姓名或显示名称"},
        {"unit-id", &unit, NULL, "所属单位 id"},
        {"password", &pwopt, NULL, "初始密码（- 从标准输入读取；省略则随机生成并显示一次）"},
        {"role", &dummy_role, NULL, "角色代码，可重复（如 clerk、handler）"},
        {"must-change", NULL, &must_change, "首次登录必须修改密码"},
        {NULL, NULL, NULL, NULL},
    };
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, opts,
                       "用法: sixia user add --username 登录名 --display-name 姓名 --unit-id 单位id\n"
                       "                     [--password 密码] [--role 角色代码]... [--must-change]\n"
                       "新建用户。多个角色的权限合并后不得跨越三员（系统/安全/审计管理员）的职责。",
                       pos, 0, &npos);
    if (rc) return rc;
    if (!username || !display || !unit) {
        fprintf(stderr, "必须指定 --username、--display-name 和 --unit-id\n");
        return 2;
    }
    if (!valid_username(username)) {
        fprintf(stderr, "登录名必须是3到64个字母、数字或 _ . - @\n");
        return 2;
    }
    size_t dl = strlen(display);
    if (!utf8_valid(display, dl) || has_control(display) || utf8_len(display) < 1 || utf8_len(display) > 50) {
        fprintf(stderr, "显示名称必须是1到50个字符的 UTF-8 文本\n");
        return 2;
    }
    char *end;
    long long unit_id = strtoll(unit, &end, 10);
    if (!*unit || *end || unit_id < 1) {
        fprintf(stderr, "--unit-id 必须是正整数\n");
        return 2;
    }
    char pw[PASSWORD_MAX_BYTES + 2];
    int generated = 0;
    if (pwopt) {
        if (read_password(pwopt, pw, sizeof pw)) return 2;
    } else {
        password_generate(pw);
        generated = 1;
    }
    struct db *db = cli_open_db(&c);
    if (!db) return 1;
    if ((rc = cli_bootstrap(db))) goto out;
    if (check_password(db, pw, username)) {
        store_close();
        return 1;
    }
    if (st_cli_unit_exists(db, unit_id) == SX_ENOTFOUND) {
        fprintf(stderr, "单位不存在: id=%lld\n", unit_id);
        store_close();
        return 1;
    }
    uint64_t mask = 0;
    for (int i = 0; i < nroles; i++) {
        uint64_t m;
        rc = st_cli_role_perms(db, roles[i], &m);
        if (rc == SX_ENOTFOUND) {
            fprintf(stderr, "角色不存在: %s\n", roles[i]);
            store_close();
            return 1;
        }
        if (rc) goto out;
        mask |= m;
    }
    if (perm_violates_sod(mask)) {
        fprintf(stderr, "违反三员分立：所选角色合在一起跨越了系统管理员、安全管理员、审计管理员中的两种职责\n");
        store_close();
        return 1;
    }
    char hash[PASSWORD_HASH_BYTES];
    if ((rc = password_hash(pw, hash))) goto out;
    int64_t id;
    rc = st_cli_user_add(db, &cli_actor, username, display, unit_id, hash, must_change, roles, &id);
    if (rc == SX_EDUPLICATE) {
        fprintf(stderr, "登录名已存在: %s\n", username);
        store_close();
        return 1;
    }
    if (rc) goto out;
    printf("已创建用户 %s（id=%lld）\n", username, (long long)id);
    if (generated) printf("初始密码: %s（只显示这一次%s）\n", pw, must_change ? "，首次登录须修改" : "");
out:
    if (rc) fprintf(stderr, "创建用户失败: %s\n", err_message(rc));
    store_close();
    return rc ? 1 : 0;
}

/* disable / enable / reset-password USERNAME */
static int user_change(const char *sub, int argc, char **argv)
{
    const char *pwopt = NULL;
    const struct opt reset_opts[] = {
        {"password", &pwopt, NULL, "新密码（- 从标准输入读取；省略则随机生成并显示一次）"},
        {NULL, NULL, NULL, NULL},
    };
    int reset = !strcmp(sub, "reset-password"), disable = !strcmp(sub, "disable");
    const char *usage = reset ? "用法: sixia user reset-password 用户名 [--password 新密码]\n"
                                "重置密码：用户下次登录必须修改密码；账号解除锁定，现有会话全部结束。"
                        : disable ? "用法: sixia user disable 用户名\n停用账号，并立即结束其全部会话。"
                                  : "用法: sixia user enable 用户名\n重新启用被停用的账号。";
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, reset ? reset_opts : NULL, usage, pos, 1, &npos);
    if (rc) return rc;
    if (npos != 1) {
        fprintf(stderr, "请指定用户名\n");
        return 2;
    }
    const char *username = pos[0];
    char pw[PASSWORD_MAX_BYTES + 2];
    int generated = 0;
    if (reset) {
        if (pwopt) {
            if (read_password(pwopt, pw, sizeof pw)) return 2;
        } else {
            password_generate(pw);
            generated = 1;
        }
    }
    struct db *db = cli_open_db(&c);
    if (!db) return 1;
    struct login_row lr;
    rc = st_login_lookup(db, username, &lr);
    if (rc == SX_ENOTFOUND) {
        fprintf(stderr, "用户不存在: %s\n", username);
        store_close();
        return 1;
    }
    if (rc) goto out;
    if (reset) {
        if (check_password(db, pw, username)) {
            store_close();
            return 1;
        }
        char hash[PASSWORD_HASH_BYTES];
        if ((rc = password_hash(pw, hash))) goto out;
        if ((rc = st_user_reset_password(db, &cli_actor, lr.id, hash))) goto out;
        printf("已重置 %s 的密码，下次登录须修改\n", username);
        if (generated) printf("新密码: %s（只显示这一次）\n", pw);
    } else {
        if ((rc = st_user_op(db, &cli_actor, lr.id, disable ? USER_DISABLE : USER_ENABLE))) goto out;
        printf("已%s用户 %s\n", disable ? "停用" : "启用", username);
    }
out:
    if (rc) fprintf(stderr, "操作失败: %s\n", err_message(rc));
    store_close();
    return rc ? 1 : 0;
}

/* Prints s padded to w terminal columns (CJK characters take two). */
static void put_col(const char *s, int w)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p < 0x80) cols++;
        else if (*p >= 0xE0) cols += 2; /* lead byte of a 3- or 4-byte sequence */
        else if (*p >= 0xC0) cols++;
    }
    fputs(s ? s : "", stdout);
    for (; cols < w; cols++) putchar(' ');
    putchar(' ');
}

static int user_list(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL, "用法: sixia user list [--db FILE]\n列出全部用户及其单位、状态和角色。", pos, 0,
                       &npos);
    if (rc) return rc;
    struct db *db = cli_open_db(&c);
    if (!db) return 1;
    json_t *items = NULL;
    if ((rc = st_cli_user_list(db, &items))) {
        fprintf(stderr, "读取用户失败: %s\n", err_message(rc));
        store_close();
        return 1;
    }
    put_col("id", 5);
    put_col("用户名", 20);
    put_col("姓名", 20);
    put_col("状态", 4);
    printf("单位 / 角色\n");
    size_t i;
    json_t *u;
    json_array_foreach(items, i, u)
    {
        json_t *roles = json_object_get(u, "roles");
        char rbuf[256] = "";
        size_t k;
        json_t *r;
        json_array_foreach(roles, k, r)
        {
            size_t len = strlen(rbuf);
            snprintf(rbuf + len, sizeof rbuf - len, "%s%s", k ? "," : "", json_string_value(r) ? json_string_value(r) : "");
        }
        const char *status = json_string_value(json_object_get(u, "status"));
        char idbuf[24];
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(json_object_get(u, "id")));
        put_col(idbuf, 5);
        put_col(json_string_value(json_object_get(u, "username")), 20);
        put_col(json_string_value(json_object_get(u, "display_name")), 20);
        put_col(status && !strcmp(status, "disabled") ? "停用" : "正常", 4);
        printf("%s / %s%s\n", json_string_value(json_object_get(u, "unit_name")), rbuf[0] ? rbuf : "（无角色）",
               json_is_true(json_object_get(u, "must_change_password")) ? "  [须改密码]" : "");
    }
    printf("共 %zu 个用户\n", json_array_size(items));
    json_decref(items);
    store_close();
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") || !strcmp(argv[0], "help")) {
        printf("%s\n", user_usage);
        return argc < 1 ? 2 : 0;
    }
    const char *sub = argv[0];
    if (!strcmp(sub, "add")) return user_add(argc - 1, argv + 1);
    if (!strcmp(sub, "disable") || !strcmp(sub, "enable") || !strcmp(sub, "reset-password"))
        return user_change(sub, argc - 1, argv + 1);
    if (!strcmp(sub, "list")) return user_list(argc - 1, argv + 1);
    fprintf(stderr, "未知的子命令: %s\n\n%s\n", sub, user_usage);
    return 2;
}
