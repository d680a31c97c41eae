/* sixia: 四下基层工作平台. Dispatches to the subcommands in src/cli/. */
#include "cli/cli.h"
#include "version.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} cmds[] = {
    {"serve", cmd_serve, "启动服务"},
    {"init", cmd_init, "创建或升级数据库，并创建三员管理员账号（首次登录须改密码）"},
    {"demo", cmd_demo, "载入演示数据（虚构地区、单位、干部和各角色演示账号）"},
    {"user", cmd_user, "用户管理：add、disable、enable、reset-password、list"},
    {"import", cmd_import, "从 CSV 导入 regions、units、cadres（UTF-8，可带 BOM）"},
    {"backup", cmd_backup, "在线备份数据库到文件（服务运行时亦保持一致）"},
    {"check", cmd_check, "检查数据库完整性和审计日志哈希链"},
    {"routes", cmd_routes, "列出全部 API 路由及其所需权限"},
};

static void usage(FILE *f)
{
    fprintf(f, "sixia %s — 四下基层工作平台\n\n用法: sixia 命令 [选项]\n\n命令:\n", SIXIA_VERSION);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
    fprintf(f, "\n每个命令的选项: sixia 命令 --help\n");
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "libsodium 初始化失败\n");
        return 1;
    }
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("sixia %s\n", SIXIA_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name)) return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "未知命令: %s\n\n", argv[1]);
    usage(stderr);
    return 2;
}
