/* What every database starts with: built-in roles and the dictionaries with their Chinese
 * defaults. */
#include "store.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *type, *name;
    const char *items[16];
} dicts[] = {
    {"petition_category", "信访事项分类",
     {"出行", "教育", "就医", "就业", "住房", "土地", "社保", "环境", "治安", "农业农村", "城乡建设", "劳动保障", "其他"}},
    {"petition_channel", "信访渠道",
     {"来访", "来信", "电话", "传真", "网上信访", "接访日", "下访", "现场办公", "宣讲反馈", "Open311"}},
    {"outreach_format", "宣讲形式", {"集中宣讲", "马背宣讲团", "奶茶会", "进万家入户宣讲", "院坝会", "线上宣讲"}},
    {"research_method", "调研方式", {"四不两直", "蹲点调研", "解剖式调研", "座谈访谈", "问卷调查", "典型案例研究"}},
    {"expertise_tag", "专业特长",
     {"经济发展", "规划建设", "文化旅游", "教育", "医疗卫生", "社会保障", "农业农村", "法律", "生态环境", "基层党建"}},
};

static int ensure_role(struct db *db, const struct builtin_role *br, const char *now)
{
    struct db_stmt *s = db_prepare(db, "SELECT id FROM roles WHERE code = ?");
    db_bind_text(s, 1, br->code);
    int64_t id = 0;
    int rc = db_int(s, &id);
    int created = 0;
    if (rc == SX_ENOTFOUND) {
        s = db_prepare(db, "INSERT INTO roles (code, name, builtin, admin_class, data_scope, created_at, updated_at)"
                           " VALUES (?, ?, 1, ?, ?, ?, ?)");
        db_bind_text(s, 1, br->code);
        db_bind_text(s, 2, br->name);
        db_bind_text(s, 3, admin_class_code(br->admin_class));
        db_bind_int(s, 4, br->data_scope);
        db_bind_text(s, 5, now);
        db_bind_text(s, 6, now);
        if ((rc = db_run(s))) return rc;
        id = db_last_id(db);
        created = 1;
    } else if (rc) {
        return rc;
    }
    /* The three administrators' permissions are fixed by the program and restored at every
     * start; business roles only get their defaults once. */
    if (!created && !br->admin_class) return SX_OK;
    s = db_prepare(db, "DELETE FROM role_perms WHERE role_id = ?");
    db_bind_int(s, 1, id);
    if ((rc = db_run(s))) return rc;
    for (int p = 0; p < P__COUNT; p++) {
        if (!(br->perms & perm_bit(p))) continue;
        s = db_prepare(db, "INSERT INTO role_perms (role_id, perm) VALUES (?, ?)");
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, perm_table[p].code);
        if ((rc = db_run(s))) return rc;
    }
    return SX_OK;
}

int st_bootstrap(struct db *db)
{
    char now[32];
    time_iso_now(now);
    int rc;
    for (int i = 0; i < builtin_role_count; i++)
        if ((rc = ensure_role(db, &builtin_roles[i], now))) return rc;
    for (size_t d = 0; d < sizeof dicts / sizeof dicts[0]; d++) {
        struct db_stmt *s = db_prepare(db, "INSERT INTO dict_types (type, name, sort) VALUES (?, ?, ?)"
                                           " ON CONFLICT (type) DO NOTHING");
        db_bind_text(s, 1, dicts[d].type);
        db_bind_text(s, 2, dicts[d].name);
        db_bind_int(s, 3, (int64_t)d);
        if ((rc = db_run(s))) return rc;
        if (db_changes(db) == 0) continue; /* existing type: administrators own its items */
        for (int k = 0; k < 16 && dicts[d].items[k]; k++) {
            char code[16];
            snprintf(code, sizeof code, "%02d", k + 1);
            s = db_prepare(db, "INSERT INTO dict_items (type, code, label, sort, created_at, updated_at)"
                               " VALUES (?, ?, ?, ?, ?, ?)");
            db_bind_text(s, 1, dicts[d].type);
            db_bind_text(s, 2, code);
            db_bind_text(s, 3, dicts[d].items[k]);
            db_bind_int(s, 4, k + 1);
            db_bind_text(s, 5, now);
            db_bind_text(s, 6, now);
            if ((rc = db_run(s))) return rc;
        }
    }
    /* The shipped working-day calendar, once (administrators own the table afterwards). */
    return st_holidays_seed(db);
}

int st_bootstrap_root(struct db *db, int64_t *region_id, int64_t *unit_id)
{
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "SELECT id FROM units ORDER BY id LIMIT 1");
    int rc = db_int(s, unit_id);
    if (rc == SX_OK) {
        s = db_prepare(db, "SELECT region_id FROM units WHERE id = ?");
        db_bind_int(s, 1, *unit_id);
        return db_int(s, region_id);
    }
    if (rc != SX_ENOTFOUND) return rc;
    s = db_prepare(db, "SELECT id FROM regions WHERE parent_id IS NULL ORDER BY id LIMIT 1");
    rc = db_int(s, region_id);
    if (rc == SX_ENOTFOUND) {
        s = db_prepare(db, "INSERT INTO regions (code, name, level, path, created_at, updated_at)"
                           " VALUES ('000000', '本地区（请修改）', 1, '', ?, ?)");
        db_bind_text(s, 1, now);
        db_bind_text(s, 2, now);
        if ((rc = db_run(s))) return rc;
        *region_id = db_last_id(db);
        if ((rc = st_tree_set_path(db, TREE_REGIONS, *region_id, 0))) return rc;
    } else if (rc) {
        return rc;
    }
    s = db_prepare(db, "INSERT INTO units (code, name, kind, region_id, path, created_at, updated_at)"
                       " VALUES ('000', '本单位（请修改）', 'government', ?, '', ?, ?)");
    db_bind_int(s, 1, *region_id);
    db_bind_text(s, 2, now);
    db_bind_text(s, 3, now);
    if ((rc = db_run(s))) return rc;
    *unit_id = db_last_id(db);
    return st_tree_set_path(db, TREE_UNITS, *unit_id, 0);
}

int st_user_insert(struct db *db, const char *username, const char *display_name, int64_t unit_id,
                   const char *password_hash, int must_change, const char *const *role_codes, int64_t *id)
{
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO users (username, display_name, unit_id, password_hash,"
                                       " password_changed_at, must_change_password, created_at, updated_at)"
                                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    db_bind_text(s, 1, username);
    db_bind_text(s, 2, display_name);
    db_bind_int(s, 3, unit_id);
    db_bind_text(s, 4, password_hash);
    db_bind_int(s, 5, (int64_t)time(NULL));
    db_bind_int(s, 6, must_change);
    db_bind_text(s, 7, now);
    db_bind_text(s, 8, now);
    int rc = db_run(s);
    if (rc) return rc;
    *id = db_last_id(db);
    for (const char *const *c = role_codes; c && *c; c++) {
        s = db_prepare(db, "INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE code = ?");
        db_bind_int(s, 1, *id);
        db_bind_text(s, 2, *c);
        if ((rc = db_run(s))) return rc;
        if (db_changes(db) == 0) return SX_ENOTFOUND;
    }
    return SX_OK;
}
