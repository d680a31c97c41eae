/* sixia demo: a fictional prefecture, 宁川地区, with its counties, townships, villages, units,
 * cadres and one demo account per role. Everything is generated deterministically; no real
 * people are named. */
#include "cli.h"
#include "../domain/password.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD "Demo@2026"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Nine counties (fictional names); codes 359901..359909 under 359900. */
static const char *const counties[9] = {"东山县", "西洋县", "南屏县", "北岭县", "霞溪县",
                                        "福源县", "云溪县", "青岚县", "石湖县"};
static const char *const townships[] = {"城关镇", "溪口镇", "白岩乡", "龙潭镇", "桃源乡", "梅岭镇",
                                        "竹林乡", "石门镇", "杨梅乡", "清水镇", "黄田镇", "马山乡",
                                        "长桥镇", "凤岗乡", "柳塘镇", "茶洋乡", "双溪镇"};
static const char *const villages[] = {"上洋村", "下洋村", "后山村", "前溪村", "坑头村", "岭下村",
                                       "湖边村", "新街社区", "中心社区", "田头村", "洋中村", "岩前村",
                                       "樟树村", "兴隆社区"};

/* Prefecture departments; offices (处室) under some of them. Tags of the head: the few
 * 经济发展 / 规划建设 / 文化旅游 entries are on purpose (the gap the document names). */
static const struct {
    const char *name, *head_title;
    const char *head_tags[2];
    const char *offices[3];
} depts[] = {
    {"地区信访局", "局长", {"法律", "基层党建"}, {"接访处", "办信处", "督查督办处"}},
    {"地委组织部", "部长", {"基层党建", NULL}, {"干部处", "组织处", NULL}},
    {"地区发展和改革委员会", "主任", {"经济发展", NULL}, {NULL}},
    {"地区住房和城乡建设局", "局长", {"规划建设", NULL}, {"城乡规划处", NULL}},
    {"地区教育局", "局长", {"教育", NULL}, {NULL}},
    {"地区卫生健康委员会", "主任", {"医疗卫生", NULL}, {NULL}},
    {"地区人力资源和社会保障局", "局长", {"社会保障", "法律"}, {NULL}},
    {"地区农业农村局", "局长", {"农业农村", NULL}, {NULL}},
    {"地区文化和旅游局", "局长", {"基层党建", NULL}, {NULL}},
    {"地区生态环境局", "局长", {"生态环境", NULL}, {NULL}},
};

static const char *const surnames[] = {"林", "陈", "黄", "张", "吴", "刘", "郑", "杨", "蔡", "许",
                                       "何", "谢", "魏", "阮", "缪", "雷", "钟", "兰", "叶", "孙"};
static const char *const given[] = {"建", "明", "华", "志", "海", "晓", "丽", "伟", "芳", "文", "秀",
                                    "春", "宏", "振", "雪", "立", "清", "永", "敏", "岚", "涛", "燕"};
/* Tags of everyone who is not a department head: common expertise only. */
static const char *const common_tags[] = {"基层党建", "农业农村", "社会保障", "法律", "教育", "医疗卫生", "生态环境"};

struct gen {
    struct db *db;
    int n_regions, n_units, n_cadres, n_users;
    int64_t root_region, root_unit, county_gov[9], county_region[9], dept_unit[NELEM(depts)];
};

/* The i-th generated name: surname + one or two given-name characters. */
static void person_name(int i, char *out, size_t n)
{
    int ns = (int)NELEM(surnames), ng = (int)NELEM(given);
    const char *s = surnames[(i * 7 + 3) % ns];
    int a = (i * 5 + 1) % ng, b = (i * 9 + 4) % ng;
    if (b == a) b = (b + 1) % ng;
    if (i % 3 == 2) snprintf(out, n, "%s%s", s, given[a]);
    else snprintf(out, n, "%s%s%s", s, given[a], given[b]);
}

static int cadre(struct gen *g, int64_t unit, const char *title, int leader, const char *t1, const char *t2)
{
    char name[32];
    person_name(g->n_cadres, name, sizeof name);
    const char *tags[2];
    size_t nt = 0;
    if (t1) tags[nt++] = t1;
    if (t2) tags[nt++] = t2;
    int64_t id;
    int rc = st_load_cadre(g->db, name, unit, title, leader, tags, nt, &id);
    if (!rc) g->n_cadres++;
    return rc;
}

static int region(struct gen *g, const char *code, const char *name, int level, int64_t parent, int64_t *id)
{
    int rc = st_load_region(g->db, code, name, level, parent, id);
    if (!rc) g->n_regions++;
    return rc;
}

static int unit(struct gen *g, const char *code, const char *name, const char *kind, int64_t parent,
                int64_t region_id, int64_t *id)
{
    int rc = st_load_unit(g->db, code, name, kind, parent, region_id, id);
    if (!rc) g->n_units++;
    return rc;
}

static int gen_tree(struct gen *g)
{
    int rc;
    char code[48], name[192];
    if ((rc = region(g, "359900", "宁川地区", 1, 0, &g->root_region))) return rc;
    if ((rc = unit(g, "G359900", "宁川地区行政公署", "government", 0, g->root_region, &g->root_unit))) return rc;
    for (size_t d = 0; d < NELEM(depts); d++) {
        snprintf(code, sizeof code, "D359900%02zu", d + 1);
        if ((rc = unit(g, code, depts[d].name, "department", g->root_unit, g->root_region, &g->dept_unit[d]))) return rc;
        for (size_t o = 0; o < NELEM(depts[d].offices) && depts[d].offices[o]; o++) {
            int64_t oid;
            snprintf(code, sizeof code, "O359900%02zu%02zu", d + 1, o + 1);
            if ((rc = unit(g, code, depts[d].offices[o], "office", g->dept_unit[d], g->root_region, &oid))) return rc;
        }
    }
    int ti = 0, vi = 0;
    for (int c = 0; c < 9; c++) {
        char ccode[24];
        long long cnum = 359900 + c + 1;
        snprintf(ccode, sizeof ccode, "%lld", cnum);
        if ((rc = region(g, ccode, counties[c], 2, g->root_region, &g->county_region[c]))) return rc;
        snprintf(code, sizeof code, "G%s", ccode);
        snprintf(name, sizeof name, "%s人民政府", counties[c]);
        if ((rc = unit(g, code, name, "government", g->root_unit, g->county_region[c], &g->county_gov[c]))) return rc;
        int64_t xf;
        snprintf(code, sizeof code, "X%s", ccode);
        snprintf(name, sizeof name, "%s信访局", counties[c]);
        if ((rc = unit(g, code, name, "department", g->county_gov[c], g->county_region[c], &xf))) return rc;
        if ((rc = cadre(g, xf, "局长", 0, common_tags[c % NELEM(common_tags)], NULL))) return rc;
        int nt = 3 + c % 2;
        for (int t = 0; t < nt; t++, ti++) {
            const char *tname = townships[(c * 3 + t) % NELEM(townships)];
            char tcode[32];
            int64_t treg, tunit;
            long long tnum = cnum * 1000 + 101 + t;
            snprintf(tcode, sizeof tcode, "%lld", tnum);
            if ((rc = region(g, tcode, tname, 3, g->county_region[c], &treg))) return rc;
            snprintf(code, sizeof code, "G%s", tcode);
            snprintf(name, sizeof name, "%s%s人民政府", counties[c], tname);
            if ((rc = unit(g, code, name, "township", g->county_gov[c], treg, &tunit))) return rc;
            if (t == 0) {
                int town = strstr(tname, "镇") != NULL;
                if ((rc = cadre(g, tunit, town ? "镇长" : "乡长", 0, "农业农村",
                                common_tags[(c + 3) % NELEM(common_tags)])))
                    return rc;
            }
            int nv = 2 + (c + t) % 2;
            for (int v = 0; v < nv; v++, vi++) {
                char vcode[40];
                int64_t vreg;
                snprintf(vcode, sizeof vcode, "%lld", tnum * 1000 + 201 + v);
                if ((rc = region(g, vcode, villages[(c * 5 + t * 3 + v) % NELEM(villages)], 4, treg, &vreg))) return rc;
            }
        }
    }
    return SX_OK;
}

static int gen_cadres(struct gen *g)
{
    int rc;
    /* Prefecture leaders. */
    if ((rc = cadre(g, g->root_unit, "专员", 1, "基层党建", NULL)) ||
        (rc = cadre(g, g->root_unit, "常务副专员", 1, "经济发展", "法律")) ||
        (rc = cadre(g, g->root_unit, "副专员", 1, "农业农村", NULL)) ||
        (rc = cadre(g, g->root_unit, "副专员", 1, "社会保障", "教育")) ||
        (rc = cadre(g, g->root_unit, "秘书长", 0, "法律", NULL)))
        return rc;
    /* Department heads (leaders who go down to the counties) and one deputy each in some. */
    for (size_t d = 0; d < NELEM(depts); d++) {
        if ((rc = cadre(g, g->dept_unit[d], depts[d].head_title, 1, depts[d].head_tags[0], depts[d].head_tags[1])))
            return rc;
        if (d % 2 == 0) {
            char title[32];
            snprintf(title, sizeof title, "副%s", depts[d].head_title);
            if ((rc = cadre(g, g->dept_unit[d], title, 0, common_tags[d % NELEM(common_tags)], NULL))) return rc;
        }
    }
    /* Two staff members in offices. */
    if ((rc = cadre(g, g->dept_unit[8], "一级主任科员", 0, "文化旅游", NULL)) ||
        (rc = cadre(g, g->dept_unit[0], "二级主任科员", 0, "法律", "社会保障")))
        return rc;
    return SX_OK;
}

static int gen_users(struct gen *g)
{
    const struct {
        const char *username, *display, *role;
        int64_t unit;
    } users[] = {
        {"sysadmin", "系统管理员", "sysadmin", g->root_unit},
        {"secadmin", "安全管理员", "secadmin", g->root_unit},
        {"auditadmin", "审计管理员", "auditadmin", g->root_unit},
        {"clerk_dongshan", "东山县信访局登记员", "clerk", g->county_gov[0]},
        {"clerk_xiyang", "西洋县信访局登记员", "clerk", g->county_gov[1]},
        {"handler", "地区住建局承办人", "handler", g->dept_unit[3]},
        {"leader", "地区领导", "leader", g->root_unit},
        {"planner", "组织部规划督查", "planner", g->dept_unit[1]},
    };
    for (size_t i = 0; i < NELEM(users); i++) {
        char hash[PASSWORD_HASH_BYTES];
        int rc = password_hash(DEMO_PASSWORD, hash);
        if (rc) return rc;
        const char *roles[] = {users[i].role, NULL};
        int64_t id;
        if ((rc = st_user_insert(g->db, users[i].username, users[i].display, users[i].unit, hash, 0, roles, &id)))
            return rc;
        g->n_users++;
    }
    return SX_OK;
}

int cmd_demo(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia demo [--db FILE]\n在空数据库中载入演示数据：虚构的宁川地区（9个县及其乡镇、村/社区）、\n"
                       "地区和县乡单位、约40名干部，以及每个角色一个演示账号（密码 " DEMO_PASSWORD "，仅供演示）。\n"
                       "数据库中已有用户、单位或区划时拒绝执行。",
                       pos, 0, &npos);
    if (rc) return rc;
    struct db *db = cli_open_db(&c);
    if (!db) return 1;
    if ((rc = cli_bootstrap(db))) {
        fprintf(stderr, "初始化内置角色和字典失败: %s\n", err_message(rc));
        store_close();
        return 1;
    }
    struct gen g = {.db = db};
    int empty = 0;
    if ((rc = db_begin_write(db))) goto out;
    if ((rc = st_load_is_empty(db, &empty))) goto fail;
    if (!empty) {
        db_rollback(db);
        fprintf(stderr, "数据库 %s 中已有数据（用户、单位或区划），演示数据只能载入空数据库。\n"
                        "请指定新的数据库文件，例如: sixia demo --db demo.db\n",
                c.db);
        store_close();
        return 1;
    }
    if ((rc = gen_tree(&g)) || (rc = gen_cadres(&g)) || (rc = gen_users(&g))) goto fail;
    if ((rc = st_setting_set(db, "demo", "1"))) goto fail;
    char details[256];
    snprintf(details, sizeof details, "{\"regions\":%d,\"units\":%d,\"cadres\":%d,\"users\":%d}", g.n_regions,
             g.n_units, g.n_cadres, g.n_users);
    struct audit_ctx a = {0, "sixia-cli", "local"};
    if ((rc = st_audit_append(db, &a, "system.demo", "database", "", 1, details))) goto fail;
    if ((rc = db_commit(db))) goto out;
    printf("演示数据已载入 %s（仅供演示，请勿用于生产）\n", c.db);
    printf("  行政区划 %d 个（宁川地区及9个县、乡镇、村/社区），单位 %d 个，干部 %d 名，账号 %d 个\n\n", g.n_regions,
           g.n_units, g.n_cadres, g.n_users);
    printf("演示账号（密码均为 %s，仅供演示）:\n", DEMO_PASSWORD);
    printf("  sysadmin        系统管理员\n"
           "  secadmin        安全管理员\n"
           "  auditadmin      审计管理员\n"
           "  clerk_dongshan  信访登记员（东山县人民政府及下属单位）\n"
           "  clerk_xiyang    信访登记员（西洋县人民政府及下属单位）\n"
           "  handler         承办人（地区住房和城乡建设局）\n"
           "  leader          领导（宁川地区行政公署）\n"
           "  planner         组织部规划督查（地委组织部）\n");
    goto out;
fail:
    db_rollback(db);
out:
    if (rc) fprintf(stderr, "载入演示数据失败: %s\n", err_message(rc));
    store_close();
    return rc ? 1 : 0;
}
