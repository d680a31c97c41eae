/* sixia import regions|units|cadres FILE.csv: loads a spreadsheet exported as CSV (UTF-8, with
 * or without the BOM Excel writes, CRLF or LF). All or nothing: the rows go in one transaction,
 * and the first bad row is reported as FILE:LINE and nothing is imported. */
#include "cli.h"
#include "../util/csv.h"
#include "../util/err.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILE_BYTES (64L << 20)
#define MAX_TAGS 16
#define NCOLS 5

enum kind { K_REGIONS, K_UNITS, K_CADRES };

struct col {
    const char *key;
    const char *names[4]; /* header spellings accepted (English ones case-insensitively) */
    int required;
};

static const struct col cols[3][NCOLS] = {
    [K_REGIONS] = {{"code", {"代码", "区划代码", "code"}, 1},
                   {"name", {"名称", "区划名称", "name"}, 1},
                   {"level", {"层级", "级别", "level"}, 1},
                   {"parent_code", {"上级代码", "上级区划代码", "parent_code"}, 0}},
    [K_UNITS] = {{"code", {"代码", "单位代码", "code"}, 1},
                 {"name", {"名称", "单位名称", "name"}, 1},
                 {"kind", {"类型", "单位类型", "kind"}, 1},
                 {"parent_code", {"上级代码", "上级单位代码", "parent_code"}, 0},
                 {"region_code", {"区划代码", "所属区划代码", "region_code"}, 1}},
    [K_CADRES] = {{"name", {"姓名", "name"}, 1},
                  {"unit_code", {"单位代码", "unit_code"}, 1},
                  {"title", {"职务", "title"}, 0},
                  {"is_leader", {"是否领导", "is_leader"}, 0},
                  {"tags", {"专业特长", "tags"}, 0}},
};
static const char *const kind_names[3] = {"regions", "units", "cadres"};
static const char *const kind_labels[3] = {"行政区划", "单位", "干部"};
static const char *const kind_objects[3] = {"region", "unit", "cadre"};

struct import {
    const char *file;
    enum kind kind;
    struct db *db;
    int map[NCOLS];   /* column index in the file of each col, -1 when absent */
    const char *v[NCOLS]; /* trimmed values of the current row ("" when absent) */
    char err[512];
};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = 0;
    return s;
}

static int bad(struct import *im, const char *fmt, const char *a)
{
    snprintf(im->err, sizeof im->err, fmt, a);
    return -1;
}

/* Text checks shared by every column: at most max characters, no control characters. */
static int check_text(struct import *im, const char *label, const char *s, size_t max)
{
    if (has_control_ex(s, 0)) return bad(im, "%s含有控制字符或换行", label);
    if (utf8_len(s) > max) {
        snprintf(im->err, sizeof im->err, "%s不能超过%zu个字符", label, max);
        return -1;
    }
    return 0;
}

static int map_header(struct import *im, struct csv *c)
{
    for (int k = 0; k < NCOLS; k++) im->map[k] = -1;
    for (int i = 0; i < c->nfields; i++) {
        if (!utf8_valid(c->field[i], c->len[i])) return bad(im, "表头不是有效的 UTF-8 文本%s（请在 Excel 中另存为“CSV UTF-8”）", "");
        char *h = trim(c->field[i]);
        int found = -1;
        for (int k = 0; k < NCOLS && cols[im->kind][k].key; k++)
            for (int n = 0; n < 4 && cols[im->kind][k].names[n]; n++)
                if (!strcasecmp(h, cols[im->kind][k].names[n])) found = k;
        if (found < 0) {
            char list[256] = "";
            for (int k = 0; k < NCOLS && cols[im->kind][k].key; k++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s/%s", k ? "、" : "", cols[im->kind][k].names[0],
                         cols[im->kind][k].key);
            }
            snprintf(im->err, sizeof im->err, "未知的列名“%.60s”（可用的列: %s）", h, list);
            return -1;
        }
        if (im->map[found] >= 0) return bad(im, "列“%s”重复", h);
        im->map[found] = i;
    }
    for (int k = 0; k < NCOLS && cols[im->kind][k].key; k++)
        if (cols[im->kind][k].required && im->map[k] < 0)
            return bad(im, "缺少必需的列“%s”", cols[im->kind][k].names[0]);
    return 0;
}

static int parse_level(const char *s, int64_t *level)
{
    static const struct {
        const char *word;
        int level;
    } words[] = {{"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}, {"地区", 1}, {"市", 1}, {"县", 2}, {"区", 2},
                 {"乡镇", 3}, {"乡", 3}, {"镇", 3}, {"街道", 3}, {"村", 4}, {"社区", 4}, {"村/社区", 4}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(s, words[i].word)) {
            *level = words[i].level;
            return 0;
        }
    return -1;
}

static int is_code(const char *s, const char *allowed, size_t max)
{
    size_t n = strlen(s);
    return n >= 1 && n <= max && strspn(s, allowed) == n;
}

#define DIGITS "0123456789"
#define CODE_CHARS "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_."

static int row_region(struct import *im)
{
    const char *code = im->v[0], *name = im->v[1], *lv = im->v[2], *pcode = im->v[3];
    if (!is_code(code, DIGITS, 20)) return bad(im, "区划代码“%.40s”必须是1到20位数字", code);
    if (!*name) return bad(im, "名称不能为空%s", "");
    if (check_text(im, "名称", name, 50)) return -1;
    int64_t level, parent = 0, plevel;
    if (parse_level(lv, &level)) return bad(im, "层级“%.40s”不正确（1 地区、2 县、3 乡镇、4 村/社区）", lv);
    if (level == 1 && *pcode) return bad(im, "第1级（地区）不能有上级代码%s", "");
    if (level > 1) {
        if (!*pcode) return bad(im, "第2至4级必须填写上级代码%s", "");
        int rc = st_load_region_by_code(im->db, pcode, &parent, &plevel);
        if (rc == SX_ENOTFOUND) return bad(im, "上级代码“%.40s”不存在（上级须已在系统中或在本文件前面的行中）", pcode);
        if (rc) return bad(im, "数据库错误: %s", err_message(rc));
        if (plevel != level - 1) return bad(im, "上级“%.40s”的层级与本行不衔接（地区→县→乡镇→村/社区）", pcode);
    }
    int64_t id;
    int rc = st_load_region(im->db, code, name, level, parent, &id);
    if (rc == SX_EDUPLICATE) return bad(im, "区划代码“%.40s”已存在", code);
    if (rc) return bad(im, "写入失败: %s", err_message(rc));
    return 0;
}

static int parse_unit_kind(const char *s, const char **kind)
{
    static const struct {
        const char *word, *kind;
    } words[] = {{"政府", "government"},   {"人民政府", "government"}, {"部门", "department"},
                 {"处室", "office"},       {"科室", "office"},         {"乡镇", "township"},
                 {"乡镇政府", "township"}, {"街道", "township"},       {"government", "government"},
                 {"department", "department"}, {"office", "office"},   {"township", "township"}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcasecmp(s, words[i].word)) {
            *kind = words[i].kind;
            return 0;
        }
    return -1;
}

static int row_unit(struct import *im)
{
    const char *code = im->v[0], *name = im->v[1], *kd = im->v[2], *pcode = im->v[3], *rcode = im->v[4];
    const char *kind;
    if (!is_code(code, CODE_CHARS, 32)) return bad(im, "单位代码“%.40s”必须是1到32个字母、数字或 - _ .", code);
    if (!*name) return bad(im, "名称不能为空%s", "");
    if (check_text(im, "名称", name, 100)) return -1;
    if (parse_unit_kind(kd, &kind)) return bad(im, "类型“%.40s”不正确（政府、部门、处室、乡镇）", kd);
    int64_t parent = 0, region;
    int rc;
    if (*pcode) {
        rc = st_load_unit_by_code(im->db, pcode, &parent);
        if (rc == SX_ENOTFOUND) return bad(im, "上级单位代码“%.40s”不存在（上级须已在系统中或在本文件前面的行中）", pcode);
        if (rc) return bad(im, "数据库错误: %s", err_message(rc));
    }
    if (!*rcode) return bad(im, "区划代码不能为空%s", "");
    rc = st_load_region_by_code(im->db, rcode, &region, NULL);
    if (rc == SX_ENOTFOUND) return bad(im, "区划代码“%.40s”不存在", rcode);
    if (rc) return bad(im, "数据库错误: %s", err_message(rc));
    int64_t id;
    rc = st_load_unit(im->db, code, name, kind, parent, region, &id);
    if (rc == SX_EDUPLICATE) return bad(im, "单位代码“%.40s”已存在", code);
    if (rc) return bad(im, "写入失败: %s", err_message(rc));
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"是", "1", "true", "yes", "y"}, *const no[] = {"否", "0", "false", "no", "n", ""};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!strcasecmp(s, yes[i])) return *out = 1, 0;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (!strcasecmp(s, no[i])) return *out = 0, 0;
    return -1;
}

/* Splits s (modified) at 、 ; ； , ，into trimmed non-empty tags. */
static int split_tags(struct import *im, char *s, const char **tags, size_t *n)
{
    static const char *const seps[] = {"、", ";", "；", ",", "，"};
    *n = 0;
    char *p = s;
    while (*p) {
        char *cut = NULL;
        size_t cutlen = 0;
        for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
            char *q = strstr(p, seps[i]);
            if (q && (!cut || q < cut)) cut = q, cutlen = strlen(seps[i]);
        }
        if (cut) *cut = 0;
        char *t = trim(p);
        if (*t) {
            if (*n == MAX_TAGS) return bad(im, "专业特长最多%s个", "16");
            tags[(*n)++] = t;
        }
        if (!cut) break;
        p = cut + cutlen;
    }
    return 0;
}

static int row_cadre(struct import *im)
{
    const char *name = im->v[0], *ucode = im->v[1], *title = im->v[2], *lead = im->v[3];
    if (!*name) return bad(im, "姓名不能为空%s", "");
    if (check_text(im, "姓名", name, 50) || check_text(im, "职务", title, 100)) return -1;
    int is_leader;
    if (parse_bool(lead, &is_leader)) return bad(im, "是否领导“%.40s”应填“是”或“否”", lead);
    if (!*ucode) return bad(im, "单位代码不能为空%s", "");
    int64_t unit;
    int rc = st_load_unit_by_code(im->db, ucode, &unit);
    if (rc == SX_ENOTFOUND) return bad(im, "单位代码“%.40s”不存在", ucode);
    if (rc) return bad(im, "数据库错误: %s", err_message(rc));
    char tagbuf[CSV_MAX_FIELD + 1];
    snprintf(tagbuf, sizeof tagbuf, "%s", im->v[4]);
    const char *tags[MAX_TAGS];
    size_t nt;
    if (split_tags(im, tagbuf, tags, &nt)) return -1;
    for (size_t i = 0; i < nt; i++) {
        rc = st_load_dict_label(im->db, "expertise_tag", tags[i]);
        if (rc == SX_ENOTFOUND) return bad(im, "专业特长“%.40s”不在数据字典“专业特长”中", tags[i]);
        if (rc) return bad(im, "数据库错误: %s", err_message(rc));
    }
    int64_t id;
    if ((rc = st_load_cadre(im->db, name, unit, title, is_leader, tags, nt, &id)))
        return bad(im, "写入失败: %s", err_message(rc));
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > (size_t)MAX_FILE_BYTES + 1) cap = (size_t)MAX_FILE_BYTES + 1;
            char *nb = realloc(buf, cap);
            if (!nb) break;
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0 || n > (size_t)MAX_FILE_BYTES) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err || !buf || n > (size_t)MAX_FILE_BYTES) {
        free(buf);
        if (!err) errno = EFBIG;
        return NULL;
    }
    *len = n;
    return buf;
}

/* Runs the rows; returns the row count, or -1 with im->err and *line set. */
static long run_rows(struct import *im, struct csv *c, size_t *line)
{
    long rows = 0;
    int rc;
    while ((rc = csv_next(c)) == CSV_ROW) {
        *line = c->line;
        int empty = 1;
        for (int i = 0; i < c->nfields; i++) {
            if (!utf8_valid(c->field[i], c->len[i])) {
                bad(im, "不是有效的 UTF-8 文本%s（请在 Excel 中另存为“CSV UTF-8”）", "");
                return -1;
            }
            if (*trim(c->field[i])) empty = 0;
        }
        if (empty) continue; /* a row of empty cells, as spreadsheets leave at the end */
        int ncols = 0;
        for (int k = 0; k < NCOLS; k++)
            if (im->map[k] >= 0) ncols++;
        if (c->nfields > ncols) {
            snprintf(im->err, sizeof im->err, "本行有%d列，多于表头的%d列（含逗号的内容须加引号）", c->nfields, ncols);
            return -1;
        }
        for (int k = 0; k < NCOLS; k++) {
            int i = im->map[k];
            im->v[k] = i >= 0 && i < c->nfields ? trim(c->field[i]) : "";
        }
        int r = im->kind == K_REGIONS ? row_region(im) : im->kind == K_UNITS ? row_unit(im) : row_cadre(im);
        if (r) return -1;
        rows++;
    }
    if (rc < 0) {
        *line = c->line;
        bad(im, "%s", csv_strerror(rc));
        return -1;
    }
    return rows;
}

int cmd_import(int argc, char **argv)
{
    struct config c;
    const char *pos[2];
    int npos;
    int rc = cli_parse(argc, argv, &c, NULL,
                       "用法: sixia import regions|units|cadres 文件.csv [--db FILE]\n"
                       "从 CSV 导入（UTF-8，可带 BOM，Excel“CSV UTF-8”格式；首行为表头，中文或英文列名）。\n"
                       "  regions  代码/code、名称/name、层级/level（1-4 或 地区/县/乡镇/村）、上级代码/parent_code\n"
                       "  units    代码/code、名称/name、类型/kind（政府/部门/处室/乡镇）、上级代码/parent_code、\n"
                       "           区划代码/region_code\n"
                       "  cadres   姓名/name、单位代码/unit_code、职务/title、是否领导/is_leader（是/否）、\n"
                       "           专业特长/tags（多个用“、”或“;”分隔，须为字典中的专业特长）\n"
                       "上级可以出现在同一文件的前面几行。全部成功才导入：任何一行有误都不导入，并指出 文件:行号。",
                       pos, 2, &npos);
    if (rc) return rc;
    if (npos != 2) {
        fprintf(stderr, "用法: sixia import regions|units|cadres 文件.csv（sixia import --help 查看说明）\n");
        return 2;
    }
    struct import im = {.file = pos[1]};
    int k;
    for (k = 0; k < 3 && strcmp(pos[0], kind_names[k]) != 0; k++) {
    }
    if (k == 3) {
        fprintf(stderr, "未知的导入类型: %s（应为 regions、units 或 cadres）\n", pos[0]);
        return 2;
    }
    im.kind = (enum kind)k;
    size_t len;
    char *data = read_file(im.file, &len);
    if (!data) {
        fprintf(stderr, "%s: 无法读取文件: %s\n", im.file, strerror(errno));
        return 1;
    }
    struct csv *csv = csv_new(data, len);
    if (!csv) {
        free(data);
        fprintf(stderr, "内存不足\n");
        return 1;
    }
    int hrc = csv_next(csv);
    if (hrc != CSV_ROW) {
        fprintf(stderr, "%s:%zu: %s\n", im.file, csv->line, hrc == CSV_END ? "文件为空，缺少表头行" : csv_strerror(hrc));
        csv_free(csv);
        free(data);
        return 1;
    }
    if (map_header(&im, csv)) {
        fprintf(stderr, "%s:%zu: %s\n", im.file, csv->line, im.err);
        csv_free(csv);
        free(data);
        return 1;
    }
    struct db *db = cli_open_db(&c);
    if (!db) {
        csv_free(csv);
        free(data);
        return 1;
    }
    im.db = db;
    long rows = -1;
    size_t line = csv->line;
    if ((rc = cli_bootstrap(db)) || (rc = db_begin_write(db))) goto out;
    rows = run_rows(&im, csv, &line);
    if (rows < 0) {
        db_rollback(db);
        fprintf(stderr, "%s:%zu: %s\n", im.file, line, im.err);
        fprintf(stderr, "没有导入任何数据。\n");
        goto out;
    }
    if (rows == 0) {
        db_rollback(db);
        fprintf(stderr, "%s: 没有数据行，未导入\n", im.file);
        rows = -1;
        goto out;
    }
    const char *base = strrchr(im.file, '/');
    json_t *d = json_pack("{s:s,s:I}", "file", base ? base + 1 : im.file, "rows", (json_int_t)rows);
    char *txt = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    struct audit_ctx a = {.user_id = 0, .username = "sixia-cli", .ip = "local"};
    char action[32];
    snprintf(action, sizeof action, "import.%s", kind_names[k]);
    rc = st_audit_append(db, &a, action, kind_objects[k], "", 1, txt ? txt : "");
    free(txt);
    if (rc || (rc = db_commit(db))) {
        if (rc) db_rollback(db);
        goto out;
    }
    printf("已导入%s %ld 条（%s）\n", kind_labels[k], rows, im.file);
out:
    if (rc) fprintf(stderr, "导入失败: %s\n", err_message(rc));
    store_close();
    csv_free(csv);
    free(data);
    return rc || rows < 0 ? 1 : 0;
}
