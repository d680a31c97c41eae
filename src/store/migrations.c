/* Numbered schema migrations. Each runs in its own transaction, in order, once; the applied
 * ones are listed in schema_migrations. Never edit a released migration: add the next one. */
#include "store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeu.h"
#include <stddef.h>

/* Ids are AUTOINCREMENT so a deleted record's id is never reused: audit records name objects
 * by id. */
static const char m001[] =
    "CREATE TABLE regions ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),"
    " parent_id INTEGER REFERENCES regions(id),"
    " path TEXT NOT NULL,"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX regions_parent ON regions(parent_id);"
    "CREATE INDEX regions_path ON regions(path);"
    "CREATE TABLE units ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code TEXT UNIQUE,"
    " name TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('government','department','office','township')),"
    " parent_id INTEGER REFERENCES units(id),"
    " region_id INTEGER NOT NULL REFERENCES regions(id),"
    " path TEXT NOT NULL,"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX units_parent ON units(parent_id);"
    "CREATE INDEX units_region ON units(region_id);"
    "CREATE INDEX units_path ON units(path);"
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " username TEXT NOT NULL UNIQUE,"
    " display_name TEXT NOT NULL,"
    " unit_id INTEGER NOT NULL REFERENCES units(id),"
    " cadre_id INTEGER REFERENCES cadres(id),"
    " password_hash TEXT NOT NULL,"
    " password_changed_at INTEGER NOT NULL,"
    " must_change_password INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),"
    " failed_count INTEGER NOT NULL DEFAULT 0,"
    " locked_until INTEGER NOT NULL DEFAULT 0,"
    " last_login_at TEXT,"
    " created_by INTEGER REFERENCES users(id),"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX users_unit ON users(unit_id);"
    "CREATE TABLE cadres ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL,"
    " unit_id INTEGER NOT NULL REFERENCES units(id),"
    " title TEXT NOT NULL DEFAULT '',"
    " is_leader INTEGER NOT NULL DEFAULT 0,"
    " created_by INTEGER REFERENCES users(id),"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX cadres_unit ON cadres(unit_id);"
    "CREATE TABLE cadre_tags ("
    " cadre_id INTEGER NOT NULL REFERENCES cadres(id) ON DELETE CASCADE,"
    " tag TEXT NOT NULL, PRIMARY KEY (cadre_id, tag));"
    "CREATE INDEX cadre_tags_tag ON cadre_tags(tag);"
    /* (cadre_id, rowid) order: a cadre's tags come back in the order given, without a sort. */
    "CREATE INDEX cadre_tags_order ON cadre_tags(cadre_id);"
    "CREATE TABLE dict_types (type TEXT PRIMARY KEY, name TEXT NOT NULL, sort INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE dict_items ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " type TEXT NOT NULL REFERENCES dict_types(type),"
    " code TEXT NOT NULL,"
    " label TEXT NOT NULL,"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " enabled INTEGER NOT NULL DEFAULT 1,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " UNIQUE (type, code));"
    "CREATE TABLE roles ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " builtin INTEGER NOT NULL DEFAULT 0,"
    " admin_class TEXT CHECK (admin_class IN ('sys','sec','audit')),"
    " data_scope INTEGER NOT NULL DEFAULT 5 CHECK (data_scope BETWEEN 1 AND 5),"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE role_perms ("
    " role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
    " perm TEXT NOT NULL, PRIMARY KEY (role_id, perm));"
    "CREATE TABLE role_scope_units ("
    " role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
    " unit_id INTEGER NOT NULL REFERENCES units(id), PRIMARY KEY (role_id, unit_id));"
    "CREATE TABLE user_roles ("
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " role_id INTEGER NOT NULL REFERENCES roles(id), PRIMARY KEY (user_id, role_id));"
    "CREATE INDEX user_roles_role ON user_roles(role_id);"
    "CREATE TABLE sessions ("
    " id_hash TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " ip TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE api_tokens ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL,"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " role_id INTEGER NOT NULL REFERENCES roles(id),"
    " token_hash TEXT NOT NULL UNIQUE,"
    " prefix TEXT NOT NULL,"
    " created_by INTEGER REFERENCES users(id),"
    " created_at TEXT NOT NULL,"
    " expires_at INTEGER,"
    " revoked_at TEXT,"
    " last_used_at TEXT,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY,"
    " ts TEXT NOT NULL,"
    " user_id INTEGER,"
    " username TEXT NOT NULL DEFAULT '',"
    " ip TEXT NOT NULL DEFAULT '',"
    " action TEXT NOT NULL,"
    " object_type TEXT NOT NULL DEFAULT '',"
    " object_id TEXT NOT NULL DEFAULT '',"
    " result TEXT NOT NULL CHECK (result IN ('success','failure')),"
    " details TEXT NOT NULL DEFAULT '',"
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE INDEX audit_ts ON audit_log(ts);"
    "CREATE INDEX audit_action ON audit_log(action);"
    "CREATE INDEX audit_user ON audit_log(username);"
    /* Append-only inside the database too: only someone bypassing sixia can change it, and
     * then the hash chain shows it (sixia check). */
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;";

/* The working-day calendar (issue 3): public holidays (rest days) and make-up working days
 * (调休上班, always a Saturday or Sunday). Seeded from data/holidays.csv by st_bootstrap. */
static const char m002[] =
    "CREATE TABLE holidays ("
    " day TEXT PRIMARY KEY," /* YYYY-MM-DD */
    " kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),"
    " name TEXT NOT NULL DEFAULT '',"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);";

static const struct {
    int version;
    const char *sql;
} migrations[] = {
    {1, m001},
    {2, m002},
};

int store_migrate(struct db *db, int *schema_version)
{
    int rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    if (rc) return rc;
    for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
        rc = db_begin_write(db);
        if (rc) return rc;
        int64_t have = 0;
        struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?");
        if (!s) goto fail;
        db_bind_int(s, 1, migrations[i].version);
        if ((rc = db_int(s, &have))) goto fail;
        if (!have) {
            if ((rc = db_exec(db, migrations[i].sql))) {
                log_error("migration %d failed", migrations[i].version);
                goto fail;
            }
            s = db_prepare(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
            char now[32];
            time_iso_now(now);
            db_bind_int(s, 1, migrations[i].version);
            db_bind_text(s, 2, now);
            if ((rc = db_run(s))) goto fail;
        }
        if ((rc = db_commit(db))) return rc;
        *schema_version = migrations[i].version;
    }
    return SX_OK;
fail:
    db_rollback(db);
    return rc ? rc : SX_EINTERNAL;
}
