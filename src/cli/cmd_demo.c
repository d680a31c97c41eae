/* sixia demo: a fictional prefecture, 宁川地区, with its counties, townships, villages, units,
 * cadres and one demo account per role. Everything is generated deterministically; no real
 * people are named. */
#include "cli.h"
#include "../app/cases.h"
#include "../domain/password.h"
#include "../domain/person_id.h"
#include "../util/timeu.h"
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
    int64_t town_region[9][4];
    int n_towns[9];
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

/* A unit that is an organ 涉法涉诉 or 检举控告 cases are routed to. */
static int organ(struct gen *g, const char *code, const char *name, const char *org_type, int64_t parent,
                 int64_t region_id)
{
    int64_t id;
    int rc = unit(g, code, name, "department", parent, region_id, &id);
    return rc ? rc : st_load_unit_org_type(g->db, id, org_type);
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
    /* 政法机关 and 纪检监察机关 (涉法涉诉 is forwarded to the former, 检举控告 routed to the latter). */
    if ((rc = organ(g, "Z35990001", "宁川地区中级人民法院", CASE_ORG_POLITICS_LAW, g->root_unit, g->root_region)) ||
        (rc = organ(g, "Z35990002", "宁川地区人民检察院", CASE_ORG_POLITICS_LAW, g->root_unit, g->root_region)) ||
        (rc = organ(g, "Z35990003", "宁川地区公安局", CASE_ORG_POLITICS_LAW, g->root_unit, g->root_region)) ||
        (rc = organ(g, "J35990001", "宁川地区纪委监委", CASE_ORG_DISCIPLINE, g->root_unit, g->root_region)))
        return rc;
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
        snprintf(code, sizeof code, "Z%s", ccode);
        snprintf(name, sizeof name, "%s人民法院", counties[c]);
        if ((rc = organ(g, code, name, CASE_ORG_POLITICS_LAW, g->county_gov[c], g->county_region[c]))) return rc;
        snprintf(code, sizeof code, "J%s", ccode);
        snprintf(name, sizeof name, "%s纪委监委", counties[c]);
        if ((rc = organ(g, code, name, CASE_ORG_DISCIPLINE, g->county_gov[c], g->county_region[c]))) return rc;
        int nt = 3 + c % 2;
        for (int t = 0; t < nt; t++, ti++) {
            const char *tname = townships[(c * 3 + t) % NELEM(townships)];
            char tcode[32];
            int64_t treg, tunit;
            long long tnum = cnum * 1000 + 101 + t;
            snprintf(tcode, sizeof tcode, "%lld", tnum);
            if ((rc = region(g, tcode, tname, 3, g->county_region[c], &treg))) return rc;
            g->town_region[c][g->n_towns[c]++] = treg;
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

/* ---------------------------------------------------------------- demo petition cases */

/* Demo matters: title, content, category code (petition_category), kind. */
static const struct {
    const char *title, *content, *category, *kind;
} matters[] = {
    {"村道破损影响出行", "村里通往镇上的水泥路多处破损，雨天积水，学生和老人出行不便，希望尽快修复。", "01", "suggestion"},
    {"小区冬季供暖不足", "小区今冬室内温度长期低于十六度，多次向物业反映未解决，请求协调供热单位。", "05", "appeal"},
    {"农村低保认定不公", "反映本村低保评定未经村民代表会议公示，部分家庭条件较好的农户也被纳入。", "07", "report"},
    {"企业拖欠农民工工资", "在某建筑工地务工三个月，工资至今未结清，涉及工友十余人，请求帮助追讨。", "12", "appeal"},
    {"征地补偿款未足额发放", "村集体土地被征收后，补偿款发放标准不清楚，部分农户尚未领到。", "06", "appeal"},
    {"学校周边交通安全隐患", "学校门口道路缺少斑马线和减速带，上下学时段车辆较多，存在安全隐患。", "02", "suggestion"},
    {"养殖场污水直排河道", "村边养殖场将污水直接排入河道，气味难闻，下游村民饮水受到影响。", "08", "report"},
    {"卫生院缺少常用药品", "镇卫生院常用慢性病药品经常缺货，老人需要到县城购买，希望改善。", "03", "suggestion"},
    {"宅基地审批进度缓慢", "申请建房用地手续已提交半年，仍未得到审批结果，请求了解办理进度。", "06", "appeal"},
    {"对法院判决不服", "对民间借贷纠纷案件的一审判决不服，认为事实认定有误。", "13", "legal"},
    {"路灯长期不亮", "社区主干道路灯损坏两个多月无人维修，夜间出行不安全。", "11", "suggestion"},
    {"医保报销比例疑问", "住院费用报销比例与政策宣传不一致，请求解释说明。", "07", "appeal"},
};

/* Valid demo ID number (GB 11643 check digit) from a fictional 35xx99 region code. */
static void demo_id(int i, char out[PERSON_ID_BUF])
{
    char body[32];
    unsigned u = (unsigned)i;
    snprintf(body, sizeof body, "359%03u%04u%02u%02u%03u", 900 + u % 9, 1950 + u % 50, 1 + u % 12, 1 + u % 28,
             (u * 37) % 1000);
    body[17] = 0;
    memcpy(out, body, 17);
    out[17] = person_id_check_char(body);
    out[18] = 0;
}

struct demo_actor {
    struct scope sc;
    struct case_viewer v;
    struct audit_ctx a;
    char username[65];
};

static int actor(struct db *db, const char *username, struct demo_actor *x)
{
    memset(x, 0, sizeof *x);
    int64_t uid = 0, unit = 0;
    int rc = st_demo_user_id(db, username, &uid, &unit);
    if (rc) return rc;
    x->sc.all = 1;
    x->sc.user_id = uid;
    x->sc.unit_id = unit;
    snprintf(x->username, sizeof x->username, "%s", username);
    x->a = (struct audit_ctx){.user_id = uid, .username = x->username, .ip = "demo"};
    return st_case_viewer(db, &x->sc, uid, unit, ~(uint64_t)0, &x->v);
}

static int act(struct db *db, struct demo_actor *x, int64_t id, enum case_action a, struct case_action_input in)
{
    struct case_act_in ai;
    memset(&ai, 0, sizeof ai);
    ai.action = a;
    ai.in = in;
    ai.note = "";
    struct case_act ca = {.v = &x->v, .id = id, .x = &ai};
    struct app_err e;
    int rc = app_write(db, &x->a, app_case_act, &ca, &e);
    if (rc)
        fprintf(stderr, "演示事项 #%lld %s 失败: %s\n", (long long)id, case_action_label(a),
                e.msg[0] ? e.msg : err_message(rc));
    app_err_clear(&e);
    return rc;
}

/* One demo case received days_ago days back (at 09:00 + i minutes), moved on to stage:
 * 0 registered, 1 accepted, 2 assigned, 3 signed, 4 replied, 5 called back, 6 closed,
 * 7 declined, 8 answered on the spot, 9 forwarded. */
static int demo_case(struct db *db, struct demo_actor *clerk, struct demo_actor *handler, int64_t handler_unit,
                     int i, int64_t region, int64_t day_id, int days_ago, int head, int stage, int64_t *id_out)
{
    const int nm = (int)NELEM(matters);
    int m = i % nm;
    const char *kind = matters[m].kind;
    if (stage != 9 && !strcmp(kind, "legal")) kind = "suggestion"; /* 涉法涉诉 can only be forwarded */
    if (stage == 9) kind = "legal";
    /* 检举控告 is handled by 纪检监察 organs, which have no demo account: the demo's reports stay
     * before assignment. */
    if (stage >= 2 && stage != 7 && !strcmp(kind, "report")) kind = "suggestion";
    char name[32], idn[PERSON_ID_BUF], phone[16], ra[32];
    person_name(100 + i, name, sizeof name);
    demo_id(i, idn);
    snprintf(phone, sizeof phone, "1990000%04d", i % 10000);
    time_t t = time(NULL) - (time_t)days_ago * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = 9;
    tm.tm_min = i % 60;
    tm.tm_sec = 0;
    t = mktime(&tm);
    if (t > time(NULL)) t = time(NULL) - 60;
    time_iso(t, ra);
    struct case_petitioner_in pet = {name, idn, phone, "（演示地址）", head > 1};
    struct case_in in = {0};
    in.channel = day_id ? "reception_day" : (i % 3 == 0 ? "letter" : i % 3 == 1 ? "visit" : "phone");
    in.kind = kind;
    in.category = matters[m].category;
    in.title = matters[m].title;
    in.content = matters[m].content;
    in.received_at = ra;
    in.urgency = i % 11 == 0 ? "urgent" : "normal";
    in.source = "console";
    in.region_id = region;
    in.head_count = head;
    in.reception_day_id = day_id;
    in.pet = &pet;
    in.n_pet = 1;
    struct case_create cc = {.v = &clerk->v, .in = &in};
    struct app_err e;
    int rc = app_write(db, &clerk->a, app_case_create, &cc, &e);
    if (rc) fprintf(stderr, "演示事项登记失败（%s）: %s\n", e.field, e.msg[0] ? e.msg : err_message(rc));
    app_err_clear(&e);
    if (rc) return rc;
    int64_t id = cc.id;
    *id_out = id;
    struct case_action_input x = CASE_INPUT_INIT;
    char dl[11]; /* x.deadline points here for the later actions too */
    if (stage == 7) {
        x.reason = "所反映问题已通过诉讼程序处理，不属于信访受理范围（演示）";
        return act(db, clerk, id, CA_DECLINE, x);
    }
    if (stage == 9) { /* 涉法涉诉 goes to a 政法 organ of the master data */
        if ((rc = st_load_unit_by_code(db, "Z35990001", &x.forward_unit_id))) return rc;
        return act(db, clerk, id, CA_FORWARD, x);
    }
    if (stage >= 1 && (rc = act(db, clerk, id, CA_ACCEPT, x))) return rc;
    if (stage == 8) {
        x.reply_text = "接访领导当场听取情况并作出解释，相关政策已当面说明（演示）";
        x.outcome = !strcmp(kind, "appeal") ? CO_EXPLAIN : CO_NONE;
        return act(db, clerk, id, CA_ONSPOT, x);
    }
    if (stage >= 2) {
        time_t d = time(NULL) + (time_t)(20 + i % 30) * 86400;
        time_local_date(d, dl);
        x.unit_id = handler_unit;
        x.handler_id = handler->a.user_id;
        x.deadline = dl;
        if ((rc = act(db, clerk, id, CA_ASSIGN, x))) return rc;
    }
    if (stage >= 3 && (rc = act(db, handler, id, CA_SIGN, x))) return rc;
    if (stage >= 4) {
        x.reply_text = "经调查核实，已督促相关单位整改，具体情况已书面答复信访人（演示）";
        x.outcome = !strcmp(kind, "appeal") ? CO_SUPPORT : CO_NONE;
        if ((rc = act(db, handler, id, CA_REPLY, x))) return rc;
    }
    if (stage >= 5) {
        x.resolved = i % 4 != 0;
        x.satisfaction = i % 4 == 0 ? SAT_BASIC : SAT_SATISFIED;
        if ((rc = act(db, clerk, id, CA_CALLBACK, x))) return rc;
    }
    if (stage >= 6 && (rc = act(db, clerk, id, CA_CLOSE, x))) return rc;
    return SX_OK;
}

/* The demo reception day (9 days ago in 霞溪县): 90 matters from 101 visitors, 85 accepted,
 * 12 answered on the spot — the numbers of the first reception day (霞浦, 1988) — and cases in
 * every state in 东山县, 西洋县 and other counties for the work lists. */
static int gen_cases(struct gen *g)
{
    struct db *db = g->db;
    struct demo_actor dong, xi, lead, hand;
    int rc;
    if ((rc = actor(db, "clerk_dongshan", &dong)) || (rc = actor(db, "clerk_xiyang", &xi)) ||
        (rc = actor(db, "leader", &lead)) || (rc = actor(db, "handler", &hand)))
        return rc;
    /* The reception day's clerk: the leader's office registers for 霞溪县 (no demo clerk there). */
    char day[11];
    time_local_date(time(NULL) - 9 * 86400, day);
    int64_t day_id = 0, id = 0;
    if ((rc = st_demo_reception_day(db, "霞溪县领导接访日（演示）", day, g->county_region[4], g->dept_unit[0],
                                    "霞溪县信访局接待大厅", &day_id)))
        return rc;
    int n = 0;
    for (int i = 0; i < 90; i++) {
        /* Heads: one group visit of 8, four pairs, the rest alone → 101 visitors. */
        int head = i == 20 ? 8 : (i >= 21 && i <= 24) ? 2 : 1;
        /* Stages: 5 declined, 12 on the spot, 50 assigned (some further), 23 accepted. */
        int stage = i < 5 ? 7 : i < 17 ? 8 : i < 67 ? 2 + (i % 5) : 1;
        int64_t region = g->town_region[4][i % g->n_towns[4]];
        if ((rc = demo_case(db, &lead, &hand, g->dept_unit[3], i, region, day_id, 9, head, stage, &id))) return rc;
        n++;
    }
    /* Work lists: 东山县 and 西洋县 with every state and some overdue. */
    static const int stages[] = {0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 9, 0, 3};
    static const int ago[] = {2, 25, 1, 20, 3, 12, 30, 40, 45, 55, 5, 6, 18, 58};
    for (int k = 0; k < 2; k++) {
        struct demo_actor *clerk = k == 0 ? &dong : &xi;
        for (int j = 0; j < (int)NELEM(stages); j++) {
            int i = 200 + k * 50 + j;
            int64_t region = g->town_region[k][j % g->n_towns[k]];
            if ((rc = demo_case(db, clerk, &hand, g->dept_unit[3], i, region, 0, ago[j], 1, stages[j], &id))) return rc;
            n++;
            if (j == 5) {
                struct case_action_input x = CASE_INPUT_INIT;
                x.reason = "请加快办理，本周内报告进展（演示）";
                if ((rc = act(db, &lead, id, CA_SUPERVISE, x))) return rc;
            }
        }
    }
    /* A repeat petitioner: the same person writes again about the first 东山县 matter. */
    if ((rc = demo_case(db, &dong, &hand, g->dept_unit[3], 200, g->town_region[0][0], 0, 1, 1, 0, &id))) return rc;
    n++;
    printf("  信访事项 %d 件（含霞溪县接访日：接待群众101人次，受理85件，当场答复12件）\n", n);
    return SX_OK;
}

int cmd_demo(int argc, char **argv)
{
    struct config c;
    const char *pos[1];
    int npos;
    int with_cases = 0;
    const struct opt opts[] = {
        {"with-cases", NULL, &with_cases, "同时生成演示信访事项和一个已发布的接访日（约120件）"},
        {NULL, NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, &c, opts,
                       "用法: sixia demo [--db FILE] [--with-cases]\n在空数据库中载入演示数据：虚构的宁川地区（9个县及其乡镇、村/社区）、\n"
                       "地区和县乡单位、约40名干部，以及每个角色一个演示账号（密码 " DEMO_PASSWORD "，仅供演示）。\n"
                       "--with-cases 另外生成演示信访事项（各办理状态）和一个已发布的接访日。\n"
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
    struct audit_ctx a = {.user_id = 0, .username = "sixia-cli", .ip = "local"};
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
    if (with_cases) {
        /* Generated in many small transactions; a demo database need not survive a power cut
         * while it is being filled. */
        db_exec(db, "PRAGMA synchronous = OFF");
        if ((rc = gen_cases(&g))) goto out;
        db_exec(db, "PRAGMA synchronous = FULL");
    }
    goto out;
fail:
    db_rollback(db);
out:
    if (rc) fprintf(stderr, "载入演示数据失败: %s\n", err_message(rc));
    store_close();
    return rc ? 1 : 0;
}
