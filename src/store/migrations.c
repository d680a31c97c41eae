/* Numbered schema migrations. Each runs in its own transaction, in order, once; the applied
 * ones are listed in schema_migrations. Never edit a released migration: add the next one. */
#include "store.h"
#include "st_audit_sql.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeu.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Petition cases, their timeline, petitioners, attachments and links; reception-day plans and
 * published days (issue 3). Personal data: id_number/phone are stored encrypted (pii.h, "v1:"
 * sealed text) with keyed hashes for repeat detection; masked forms are stored for lists. */
static const char m003[] =
    "CREATE TABLE reception_plans ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL,"
    " period_start TEXT NOT NULL, period_end TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),"
    " input TEXT NOT NULL DEFAULT '{}'," /* the planner input (leaders, counties, visits) as JSON */
    " published_at TEXT, published_by INTEGER REFERENCES users(id),"
    " created_by INTEGER REFERENCES users(id),"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE reception_days ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " plan_id INTEGER NOT NULL REFERENCES reception_plans(id) ON DELETE CASCADE,"
    " day TEXT NOT NULL," /* YYYY-MM-DD */
    " county_id INTEGER NOT NULL REFERENCES regions(id),"
    " leader_id INTEGER NOT NULL REFERENCES cadres(id),"
    " place TEXT NOT NULL DEFAULT '',"
    " start_time TEXT NOT NULL DEFAULT '09:00', end_time TEXT NOT NULL DEFAULT '17:00',"
    " published INTEGER NOT NULL DEFAULT 0,"
    " uid TEXT NOT NULL UNIQUE," /* iCalendar UID, stable across re-publishing */
    " sequence INTEGER NOT NULL DEFAULT 0," /* iCalendar SEQUENCE */
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX reception_days_plan ON reception_days(plan_id);"
    "CREATE INDEX reception_days_county ON reception_days(county_id, day);"
    "CREATE INDEX reception_days_leader ON reception_days(leader_id, day);"
    "CREATE TABLE reception_day_units ("
    " day_id INTEGER NOT NULL REFERENCES reception_days(id) ON DELETE CASCADE,"
    " unit_id INTEGER NOT NULL REFERENCES units(id), PRIMARY KEY (day_id, unit_id));"
    "CREATE TABLE cases ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " case_no TEXT NOT NULL UNIQUE," /* XF-2026-00001 */
    " year INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " query_hash TEXT NOT NULL UNIQUE," /* keyed hash of the citizen's query code */
    " channel TEXT NOT NULL, kind TEXT NOT NULL, category TEXT NOT NULL DEFAULT '',"
    " region_id INTEGER NOT NULL REFERENCES regions(id),"
    " county_id INTEGER REFERENCES regions(id)," /* the county (level 2) above region_id */
    " title TEXT NOT NULL, content TEXT NOT NULL,"
    " received_at TEXT NOT NULL," /* ISO 8601 UTC */
    " urgency TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal','urgent','very_urgent')),"
    " head_count INTEGER NOT NULL DEFAULT 1,"
    " status TEXT NOT NULL DEFAULT 'registered',"
    " ext TEXT NOT NULL DEFAULT 'none',"
    " extension_days INTEGER NOT NULL DEFAULT 0,"
    " review_level INTEGER NOT NULL DEFAULT 0,"
    " review_requested INTEGER NOT NULL DEFAULT 0,"
    " matter_final INTEGER NOT NULL DEFAULT 0,"
    " parent_case_id INTEGER REFERENCES cases(id)," /* 复查/复核: the case under review */
    " duplicate_of INTEGER REFERENCES cases(id),"   /* 重复: the existing case */
    " first_time INTEGER NOT NULL DEFAULT 0,"        /* 初信初访 */
    " unit_id INTEGER NOT NULL REFERENCES units(id)," /* registering (dispatching) unit */
    " handling_unit_id INTEGER REFERENCES units(id),"
    " handler_id INTEGER REFERENCES users(id),"
    " leader_in_charge INTEGER REFERENCES users(id)," /* 包案 */
    " supervised INTEGER NOT NULL DEFAULT 0, supervise_comment TEXT NOT NULL DEFAULT '',"
    " accused_unit_id INTEGER REFERENCES units(id),"  /* 检举控告: never shown to this unit */
    " accused_user_id INTEGER REFERENCES users(id),"
    " reception_day_id INTEGER REFERENCES reception_days(id),"
    " forward_to TEXT NOT NULL DEFAULT '',"
    " decline_reason TEXT NOT NULL DEFAULT '',"
    " reply_text TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL DEFAULT '',"
    " resolved INTEGER, satisfaction TEXT NOT NULL DEFAULT '',"
    " public_rating TEXT NOT NULL DEFAULT '', public_rated_at TEXT,"
    " accepted_at TEXT, assigned_at TEXT, signed_at TEXT, replied_at TEXT, called_back_at TEXT, closed_at TEXT,"
    " assign_deadline TEXT,"
    " due_step TEXT NOT NULL DEFAULT '', due_date TEXT NOT NULL DEFAULT ''," /* next deadline */
    " source TEXT NOT NULL DEFAULT 'console' CHECK (source IN ('console','public','api')),"
    " created_by INTEGER REFERENCES users(id),"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " UNIQUE (year, seq));"
    "CREATE INDEX cases_unit ON cases(unit_id);"
    "CREATE INDEX cases_handling_unit ON cases(handling_unit_id);"
    "CREATE INDEX cases_region ON cases(region_id, received_at);"
    "CREATE INDEX cases_county ON cases(county_id, received_at);"
    /* 我的待办 reads the task keys (status, visibility, extension, due date) from this alone. */
    "CREATE INDEX cases_todo ON cases(status, unit_id, handling_unit_id, handler_id, leader_in_charge, created_by,"
    " kind, accused_unit_id, accused_user_id, ext, due_date);"
    /* Covers every column of CASE_VISIBLE and the list filters, in received order: counts and
     * the page's ids are read from this index alone, never from the wide rows. */
    "CREATE INDEX cases_list ON cases(received_at, unit_id, handling_unit_id, handler_id, leader_in_charge,"
    " created_by, kind, accused_unit_id, accused_user_id, status, due_date, county_id, channel, category,"
    " urgency, supervised, first_time, region_id, reception_day_id);"
    "CREATE INDEX cases_reception_day ON cases(reception_day_id);"
    "CREATE INDEX cases_parent ON cases(parent_case_id);"
    "CREATE TABLE case_petitioners ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " id_number_enc TEXT NOT NULL DEFAULT '', id_number_masked TEXT NOT NULL DEFAULT '', id_hash TEXT,"
    " phone_enc TEXT NOT NULL DEFAULT '', phone_masked TEXT NOT NULL DEFAULT '', phone_hash TEXT,"
    " phone_last4_hash TEXT," /* the public lookup compares these */
    " address TEXT NOT NULL DEFAULT '',"
    " is_representative INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX case_petitioners_case ON case_petitioners(case_id, seq);"
    "CREATE INDEX case_petitioners_id ON case_petitioners(id_hash);"
    "CREATE INDEX case_petitioners_phone ON case_petitioners(phone_hash);"
    "CREATE TABLE case_events ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    " action TEXT NOT NULL," /* case_flow action code, or register, link, attach, rate */
    " from_status TEXT NOT NULL DEFAULT '', to_status TEXT NOT NULL DEFAULT '',"
    " actor_id INTEGER REFERENCES users(id), actor_name TEXT NOT NULL DEFAULT '',"
    " at TEXT NOT NULL,"
    " note TEXT NOT NULL DEFAULT '',"
    " data TEXT NOT NULL DEFAULT '{}'," /* action inputs as JSON */
    " public INTEGER NOT NULL DEFAULT 0);" /* shown to the petitioner on the public page */
    "CREATE INDEX case_events_case ON case_events(case_id, id);"
    "CREATE INDEX case_events_action ON case_events(action, case_id);"
    "CREATE TABLE case_blobs ("
    " sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE TABLE case_attachments ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    " event_id INTEGER REFERENCES case_events(id),"
    " name TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL REFERENCES case_blobs(sha256),"
    " uploaded_by INTEGER REFERENCES users(id),"
    " created_at TEXT NOT NULL);"
    "CREATE INDEX case_attachments_case ON case_attachments(case_id);"
    "CREATE TABLE case_links ("
    " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    " other_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL CHECK (kind IN ('related','duplicate','review')),"
    " created_by INTEGER REFERENCES users(id), created_at TEXT NOT NULL,"
    " PRIMARY KEY (case_id, other_id));"
    "CREATE INDEX case_links_other ON case_links(other_id);"
    "CREATE TABLE case_seq (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);"
    /* A database from before this migration: its built-in business roles get the permissions
     * of this module once (a fresh database gets them from st_bootstrap; later changes by the
     * security administrator are never touched again). */
    "INSERT OR IGNORE INTO role_perms (role_id, perm) SELECT r.id, p.column2 FROM roles r JOIN (VALUES"
    " ('clerk','case:read'),('clerk','case:intake'),('clerk','case:accept'),('clerk','case:assign'),"
    " ('clerk','case:callback'),('clerk','case:close'),('clerk','case:review'),('clerk','case:pii'),"
    " ('clerk','case:report'),('clerk','case:export'),('clerk','reception:read'),"
    " ('handler','user:read'),('handler','case:read'),('handler','case:sign'),('handler','case:handle'),"
    " ('handler','case:reply'),('handler','case:extend_request'),"
    " ('leader','case:read'),('leader','case:extend_approve'),('leader','case:supervise'),('leader','case:pii'),"
    " ('leader','case:report'),('leader','case:export'),('leader','reception:read'),"
    " ('planner','reception:plan'),('planner','reception:read'),('planner','case:read'),"
    " ('sysadmin','case:settings')) p ON p.column1 = r.code WHERE r.builtin = 1;";

/* Petitions held to the rules (issue 8): organ types of units (政法 and 纪检监察 organs that 涉法涉诉
 * and 检举控告 are routed to), the organ a case was forwarded to, the reason of an extension
 * request (told to the petitioner when approved), the 三个第一 target of a first petition at its
 * stage (assign, supervise, call back at once), computed for open cases by the step below. */
static const char m004[] =
    "ALTER TABLE units ADD COLUMN org_type TEXT NOT NULL DEFAULT ''"
    " CHECK (org_type IN ('', 'politics_law', 'discipline'));"
    "ALTER TABLE cases ADD COLUMN forward_unit_id INTEGER REFERENCES units(id);"
    "ALTER TABLE cases ADD COLUMN ext_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE cases ADD COLUMN target_step TEXT NOT NULL DEFAULT '';" /* 三个第一 of 初信初访 */
    "ALTER TABLE cases ADD COLUMN target_due TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX cases_duplicate ON cases(duplicate_of);"
    "CREATE INDEX cases_target ON cases(target_step, target_due) WHERE target_due <> '';"
    /* the reason of a pending or approved extension request, from its timeline event */
    "UPDATE cases SET ext_reason = COALESCE((SELECT json_extract(e.data, '$.reason') FROM case_events e"
    " WHERE e.case_id = cases.id AND e.action = 'extend_request' AND json_valid(e.data)"
    " ORDER BY e.id DESC LIMIT 1), '') WHERE ext IN ('pending', 'approved');";

/* Accounts and logins (issue 4, accounts part).
 * - users.kind: 'integration' marks the account an API token acts as (集成账号): it cannot log
 *   in with a password, is not listed as a person, and is disabled when its token is revoked.
 * - login_failures: failed logins counted per subject and source address (domain/lockout.h),
 *   so a stranger can neither learn which names are accounts nor lock one out from everywhere.
 *   subject: 'u:<user id>', 'n:<BLAKE2b hex of a typed name that is no account>', or '*' for the
 *   address as a whole. Rows are pruned a day after their window. The old per-account counters
 *   (users.failed_count/locked_until) are no longer read; their locks end here.
 * - Tokens expire: those that never did get the maximum lifetime (token_max_days, default 90)
 *   from now. Tokens bound to people are revoked by m005_revoke_person_tokens below. */
static const char m005[] =
    "ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person','integration'));"
    "CREATE TABLE login_failures ("
    " subject TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " count INTEGER NOT NULL DEFAULT 0,"
    " window_start INTEGER NOT NULL,"
    " locked_until INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (subject, address));"
    "CREATE INDEX login_failures_window ON login_failures(window_start);"
    "UPDATE users SET failed_count = 0, locked_until = 0;"
    "UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 86400 *"
    " COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'token_max_days'), 90)"
    " WHERE expires_at IS NULL;";

/* Before migration 5 a token acted as the person it was bound to (their name in the audit log,
 * their personal-data permissions): that was the impersonation route, so every such token still
 * live is revoked here, each with its own audit record. Their integrations need a new token. */
static int m005_revoke_person_tokens(struct db *db)
{
    struct db_stmt *s = db_prepare(db, "SELECT t.id, t.name, t.user_id, u.username FROM api_tokens t"
                                       " JOIN users u ON u.id = t.user_id"
                                       " WHERE t.revoked_at IS NULL AND u.kind = 'person' ORDER BY t.id");
    if (!s) return SX_EINTERNAL;
    json_t *rows = NULL;
    int rc = db_all_json(s, &rows);
    char now[32];
    time_iso_now(now);
    const struct audit_ctx a = {.user_id = 0, .username = "sixia-migrate", .ip = "local"};
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        if (rc) break;
        int64_t id = json_integer_value(json_object_get(t, "id"));
        s = db_prepare(db, "UPDATE api_tokens SET revoked_at = ?, version = version + 1 WHERE id = ?");
        db_bind_text(s, 1, now);
        db_bind_int(s, 2, id);
        if ((rc = db_run(s))) break;
        json_t *d = json_pack("{s:O,s:O,s:O,s:s}", "name", json_object_get(t, "name"), "user_id",
                              json_object_get(t, "user_id"), "username", json_object_get(t, "username"), "reason",
                              "升级：令牌绑定到个人账号，可冒用该人身份，已吊销；请为对接系统新建集成令牌");
        char *txt = d ? json_dumps(d, JSON_COMPACT) : NULL;
        json_decref(d);
        char oid[24];
        snprintf(oid, sizeof oid, "%lld", (long long)id);
        rc = txt ? st_audit_append(db, &a, "token.revoke", "token", oid, 1, txt) : SX_EINTERNAL;
        free(txt);
    }
    json_decref(rows);
    return rc;
}
/* The keyed audit chain (domain/audit_chain.h): records appended from now on are keyed with a
 * secret derived from the key file beside the database; the ones already there stay unkeyed and
 * are verified as before. The switch point is recorded once and fixed; st_audit_after_switch
 * then anchors the current end in the checkpoint file. */
static const char m006[] =
    "INSERT OR IGNORE INTO settings (key, value)"
    " SELECT 'audit_keyed_from', CAST(COALESCE(MAX(id), 0) + 1 AS TEXT) FROM audit_log;"
    AUDIT_KEYED_FROM_NO_UPDATE ";" AUDIT_KEYED_FROM_NO_DELETE ";";

static const struct {
    int version;
    const char *sql;
} migrations[] = {
    {1, m001},
    {2, m002},
    {3, m003},
    {4, m004},
    {5, m005},
    {6, m006},
};

/* Migration 4 added the 三个第一 targets: open cases get theirs from the deadline registry
 * (app/deadlines.c), which the server's worker runs in batches — the store computes no
 * deadline. A fresh database has no case and nothing to do. */
static int m004_recompute_due(struct db *db)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM cases WHERE status NOT IN ('declined', 'forwarded', 'closed')");
    if (!s) return SX_EINTERNAL;
    int64_t n = 0;
    int rc = db_int(s, &n);
    if (rc || !n) return rc;
    return st_setting_set(db, ST_DEADLINES_PENDING_KEY, ST_DEADLINES_START_OVER);
}

/* Steps of a migration that SQL alone cannot take (audit records are hash-chained in C); each
 * runs right after its migration's SQL, in the same transaction. */
static const struct {
    int version;
    int (*run)(struct db *db);
} migration_steps[] = {
    {4, m004_recompute_due}, /* the 三个第一 targets of open first petitions */
    {5, m005_revoke_person_tokens},
};

static int run_steps(struct db *db, int version)
{
    for (size_t i = 0; i < sizeof migration_steps / sizeof migration_steps[0]; i++) {
        if (migration_steps[i].version != version) continue;
        int rc = migration_steps[i].run(db);
        if (rc) return rc;
    }
    return SX_OK;
}

int store_migrate(struct db *db, int *schema_version)
{
    int rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    if (rc) return rc;
    int fresh = 0, switched = 0;
    for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
        rc = db_begin_write(db);
        if (rc) return rc;
        int64_t have = 0;
        struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?");
        if (!s) goto fail;
        db_bind_int(s, 1, migrations[i].version);
        if ((rc = db_int(s, &have))) goto fail;
        if (!have) {
            if ((rc = db_exec(db, migrations[i].sql)) || (rc = run_steps(db, migrations[i].version))) {
                log_error("migration %d failed", migrations[i].version);
                goto fail;
            }
            s = db_prepare(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
            if (!s) goto fail;
            char now[32];
            time_iso_now(now);
            db_bind_int(s, 1, migrations[i].version);
            db_bind_text(s, 2, now);
            if ((rc = db_run(s))) goto fail;
        }
        if ((rc = db_commit(db))) return rc;
        if (!have && migrations[i].version == 1) fresh = 1;
        if (!have && migrations[i].version == 6) switched = 1;
        *schema_version = migrations[i].version;
    }
    /* A checkpoint that cannot be written is logged; check reports it missing. */
    if (switched) st_audit_after_switch(db, fresh);
    return SX_OK;
fail:
    db_rollback(db);
    return rc ? rc : SX_EINTERNAL;
}
