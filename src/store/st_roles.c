/* Roles: permissions, data scope and 三员分立. A custom role's admin_class is derived from its
 * permissions; the three built-in administrator roles are fixed except for their name. */
#include "store.h"
#include "../domain/perm.h"
#include "../util/err.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLE_COLS                                                                                 \
    "r.id, r.code, r.name, r.builtin AS builtin__b, r.admin_class,"                                \
    " (SELECT json_group_array(rp.perm) FROM role_perms rp WHERE rp.role_id = r.id) AS permissions__j," \
    " r.data_scope,"                                                                              \
    " (SELECT json_group_array(rs.unit_id) FROM role_scope_units rs WHERE rs.role_id = r.id)"      \
    "  AS scope_unit_ids__j,"                                                                     \
    " (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) AS user_count,"                  \
    " r.version, r.created_at, r.updated_at"
#define ROLE_WHERE " WHERE (?1 IS NULL OR " LIKE_CONTAINS("r.code", "?1") " OR " LIKE_CONTAINS("r.name", "?1") ")"

static const struct sort_col sorts[] = {
    {"id", "r.id"}, {"code", "r.code"}, {"name", "r.name"}, {"data_scope", "r.data_scope"}, {NULL, NULL}};

int st_role_list(struct db *db, const struct paging *pg, json_t **items, int64_t *total)
{
    const char *order;
    int rc = store_order_by(sorts, pg, "r.id", &order);
    if (rc) return rc;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM roles r" ROLE_WHERE);
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, pg->keyword);
    if ((rc = db_int(s, total))) return rc;
    char sql[2048];
    store_sql_order(sql, sizeof sql, "SELECT " ROLE_COLS " FROM roles r" ROLE_WHERE, order, pg->desc,
                    ", r.id LIMIT ?2 OFFSET ?3");
    if (!(s = db_prepare(db, sql))) return SX_EINTERNAL;
    db_bind_text(s, 1, pg->keyword);
    db_bind_int(s, 2, pg->page_size);
    db_bind_int(s, 3, (pg->page - 1) * pg->page_size);
    return db_all_json(s, items);
}

int st_role_get(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT " ROLE_COLS " FROM roles r WHERE r.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_one_json(s, out);
    if (!rc && !*out) rc = SX_ENOTFOUND;
    return rc;
}

int st_role_perms(struct db *db, int64_t id, uint64_t *mask)
{
    struct db_stmt *s = db_prepare(db, "SELECT rp.perm FROM roles r LEFT JOIN role_perms rp ON rp.role_id = r.id"
                                       " WHERE r.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    *mask = 0;
    int rc, found = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        found = 1;
        int p = db_col_is_null(s, 0) ? -1 : perm_from_code(db_col_text(s, 0));
        if (p >= 0) *mask |= perm_bit(p);
    }
    db_reset(s);
    if (rc != DB_DONE) return rc;
    return found ? SX_OK : SX_ENOTFOUND;
}

static json_t *perm_codes(uint64_t mask)
{
    json_t *a = json_array();
    for (int i = 0; i < P__COUNT; i++)
        if (mask & perm_bit(i)) json_array_append_new(a, json_string(perm_table[i].code));
    return a;
}

static int audit_role(struct db *db, const struct audit_ctx *a, const char *action, int64_t id,
                      const struct role_in *in)
{
    json_t *d = json_object();
    if (in->has_code) json_object_set_new(d, "code", json_string(in->code));
    if (in->name) json_object_set_new(d, "name", json_string(in->name));
    if (in->has_perms) json_object_set_new(d, "permissions", perm_codes(in->perms));
    if (in->has_scope) json_object_set_new(d, "data_scope", json_integer(in->data_scope));
    if (in->has_scope_units) {
        json_t *u = json_array();
        for (size_t i = 0; i < in->nscope; i++) json_array_append_new(u, json_integer(in->scope_units[i]));
        json_object_set_new(d, "scope_unit_ids", u);
    }
    char *txt = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    int rc = st_audit_append(db, a, action, "role", oid, 1, txt ? txt : "");
    free(txt);
    return rc;
}

static int check_units(struct db *db, const struct role_in *in, const char **field)
{
    for (size_t i = 0; in->has_scope_units && i < in->nscope; i++) {
        struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units WHERE id = ?");
        db_bind_int(s, 1, in->scope_units[i]);
        int64_t n = 0;
        int rc = db_int(s, &n);
        if (rc) return rc;
        if (!n) {
            *field = "scope_unit_ids";
            return SX_EVALIDATION;
        }
    }
    return SX_OK;
}

static int write_perms(struct db *db, int64_t id, uint64_t mask)
{
    struct db_stmt *s = db_prepare(db, "DELETE FROM role_perms WHERE role_id = ?");
    db_bind_int(s, 1, id);
    int rc = db_run(s);
    for (int p = 0; !rc && p < P__COUNT; p++) {
        if (!(mask & perm_bit(p))) continue;
        s = db_prepare(db, "INSERT INTO role_perms (role_id, perm) VALUES (?, ?)");
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, perm_table[p].code);
        rc = db_run(s);
    }
    return rc;
}

/* Scope units are kept only for the custom data scope (2). */
static int write_units(struct db *db, int64_t id, const struct role_in *in, int64_t data_scope)
{
    if (data_scope == DS_CUSTOM && !in->has_scope_units) return SX_OK;
    struct db_stmt *s = db_prepare(db, "DELETE FROM role_scope_units WHERE role_id = ?");
    db_bind_int(s, 1, id);
    int rc = db_run(s);
    for (size_t i = 0; !rc && data_scope == DS_CUSTOM && i < in->nscope; i++) {
        s = db_prepare(db, "INSERT INTO role_scope_units (role_id, unit_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, in->scope_units[i]);
        rc = db_run(s);
    }
    return rc;
}

int st_role_create(struct db *db, const struct audit_ctx *a, const struct role_in *in, int64_t *id,
                   const char **field)
{
    if (perm_violates_sod(in->perms)) {
        *field = "permissions";
        return SX_ESOD;
    }
    int rc = db_begin_write(db);
    if (rc) return rc;
    if ((rc = check_units(db, in, field))) goto fail;
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO roles (code, name, builtin, admin_class, data_scope, created_at,"
                                       " updated_at) VALUES (?, ?, 0, ?, ?, ?, ?)");
    db_bind_text(s, 1, in->code);
    db_bind_text(s, 2, in->name);
    db_bind_text(s, 3, admin_class_code(perm_classes(in->perms)));
    db_bind_int(s, 4, in->data_scope);
    db_bind_text(s, 5, now);
    db_bind_text(s, 6, now);
    if ((rc = db_run(s))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    *id = db_last_id(db);
    if ((rc = write_perms(db, *id, in->perms)) || (rc = write_units(db, *id, in, in->data_scope)) ||
        (rc = audit_role(db, a, "role.create", *id, in)))
        goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

struct role_cur {
    int64_t version, data_scope;
    int builtin, admin;
    char code[64];
    uint64_t mask;
};

static int load_cur(struct db *db, int64_t id, struct role_cur *c)
{
    struct db_stmt *s = db_prepare(db, "SELECT version, data_scope, builtin, admin_class IS NOT NULL, code"
                                       " FROM roles WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        c->version = db_col_int(s, 0);
        c->data_scope = db_col_int(s, 1);
        c->builtin = (int)db_col_int(s, 2);
        c->admin = (int)db_col_int(s, 3);
        snprintf(c->code, sizeof c->code, "%s", db_col_text(s, 4));
    }
    db_reset(s);
    if (rc != DB_ROW) return rc == DB_DONE ? SX_ENOTFOUND : rc;
    return st_role_perms(db, id, &c->mask);
}

/* Built-in roles keep their code; the three administrators also their permissions and scope. */
static int check_fixed(const struct role_cur *c, const struct role_in *in, const char **field)
{
    if (c->builtin && in->has_code && strcmp(in->code, c->code) != 0) return *field = "code", SX_ECONFLICT;
    if (!(c->builtin && c->admin)) return SX_OK;
    if (in->has_perms && in->perms != c->mask) return *field = "permissions", SX_ECONFLICT;
    if (in->has_scope && in->data_scope != c->data_scope) return *field = "data_scope", SX_ECONFLICT;
    return SX_OK;
}

/* Would any holder of role id, with their other roles, break 三员分立, or would any live token
 * of it carry a permission no token may hold (perm_token_role_check)? */
static int check_holders(struct db *db, int64_t id, uint64_t mask, const char **field)
{
    struct db_stmt *s = db_prepare(db, "SELECT ur.user_id, rp.perm FROM user_roles ur"
                                       " JOIN user_roles o ON o.user_id = ur.user_id AND o.role_id <> ur.role_id"
                                       " JOIN role_perms rp ON rp.role_id = o.role_id"
                                       " WHERE ur.role_id = ? ORDER BY ur.user_id");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int64_t user = -1;
    uint64_t acc = 0;
    int rc, bad = 0;
    while (!bad && (rc = db_step(s)) == DB_ROW) {
        if (db_col_int(s, 0) != user) user = db_col_int(s, 0), acc = mask;
        int p = perm_from_code(db_col_text(s, 1));
        if (p >= 0) acc |= perm_bit(p);
        bad = perm_violates_sod(acc);
    }
    db_reset(s);
    if (bad) return *field = "holders", SX_ESOD;
    if (rc != DB_DONE) return rc;
    enum token_role_check why = perm_token_role_check(mask);
    if (why == TOKEN_ROLE_OK) return SX_OK;
    s = db_prepare(db, "SELECT COUNT(*) FROM api_tokens WHERE role_id = ? AND revoked_at IS NULL");
    db_bind_int(s, 1, id);
    int64_t n = 0;
    if ((rc = db_int(s, &n))) return rc;
    if (!n) return SX_OK;
    /* A live token's role may not gain what no token may hold. */
    *field = why == TOKEN_ROLE_ADMIN ? "tokens" : "tokens_personal";
    return why == TOKEN_ROLE_ADMIN ? SX_ESOD : SX_EVALIDATION;
}

static int update_row(struct db *db, int64_t id, const struct role_in *in, const struct role_cur *c, uint64_t mask,
                      int64_t scope)
{
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "UPDATE roles SET code = ?, name = COALESCE(?, name), admin_class = ?,"
                                       " data_scope = ?, version = version + 1, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, in->has_code ? in->code : c->code);
    db_bind_text(s, 2, in->name);
    db_bind_text(s, 3, admin_class_code(perm_classes(mask)));
    db_bind_int(s, 4, scope);
    db_bind_text(s, 5, now);
    db_bind_int(s, 6, id);
    return db_run(s);
}

int st_role_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                   const struct role_in *in, const char **field)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct role_cur c;
    if ((rc = load_cur(db, id, &c))) goto fail;
    if (c.version != version) {
        rc = SX_EVERSION;
        goto fail;
    }
    if ((rc = check_fixed(&c, in, field)) || (rc = check_units(db, in, field))) goto fail;
    uint64_t mask = in->has_perms ? in->perms : c.mask;
    int64_t scope = in->has_scope ? in->data_scope : c.data_scope;
    if (perm_violates_sod(mask)) {
        *field = "permissions";
        rc = SX_ESOD;
        goto fail;
    }
    if ((rc = check_holders(db, id, mask, field))) goto fail;
    if ((rc = update_row(db, id, in, &c, mask, scope))) {
        if (rc == SX_EDUPLICATE) *field = "code";
        goto fail;
    }
    if ((in->has_perms && (rc = write_perms(db, id, mask))) || (rc = write_units(db, id, in, scope)) ||
        (rc = audit_role(db, a, "role.update", id, in)))
        goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int st_role_delete(struct db *db, const struct audit_ctx *a, int64_t id)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct role_cur c;
    if ((rc = load_cur(db, id, &c))) goto fail;
    if (c.builtin) {
        rc = SX_ECONFLICT;
        goto fail;
    }
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM user_roles WHERE role_id = ?");
    db_bind_int(s, 1, id);
    int64_t n = 0;
    if ((rc = db_int(s, &n))) goto fail;
    if (n) {
        rc = SX_EREFERENCED;
        goto fail;
    }
    /* API tokens refer to the role through a foreign key: SX_EREFERENCED while any exists. */
    s = db_prepare(db, "DELETE FROM roles WHERE id = ?");
    db_bind_int(s, 1, id);
    if ((rc = db_run(s))) goto fail;
    char oid[24], d[96];
    snprintf(oid, sizeof oid, "%lld", (long long)id);
    snprintf(d, sizeof d, "{\"code\":\"%s\"}", c.code);
    if ((rc = st_audit_append(db, a, "role.delete", "role", oid, 1, d))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}
