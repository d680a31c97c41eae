/* The store: every SQL statement of sixia lives below src/store/. Handlers call these
 * functions; they talk to the database only through the driver interface in db.h, so a
 * second driver (PostgreSQL) plugs in without touching handlers.
 *
 * Conventions: functions return 0 (SX_OK) or an sx_err code. JSON results are new references
 * owned by the caller. Functions that change data and write the audit log take an audit_ctx
 * and run their own write transaction: the change and its audit record commit together. */
#ifndef SX_STORE_H
#define SX_STORE_H
#include "../domain/audit_chain.h"
#include "../util/jsonv.h"
#include "db.h"
#include <jansson.h>
#include <stdint.h>

/* The data scope of the acting user (DOMAIN.md §5), resolved once per request. The store turns
 * it into a WHERE predicate with bound parameters (store_prepare_scoped). */
struct scope {
    int all, custom, own, below, self;
    int64_t user_id;
    int64_t token_role_id; /* custom scope of a token: that role's units only */
    int64_t unit_id;
    char below_lo[200], below_hi[200]; /* unit path range of own unit and below */
};

struct paging {
    int64_t page, page_size;
    const char *sort;    /* field name, already checked by the store against its whitelist */
    int desc;
    const char *keyword; /* NULL or non-empty */
};

/* Who acts. Through an API token, user_id/username are the token's integration account
 * ("token:<name>") and token_id is the token: st_audit_append adds it to the record's details.
 * Initialise with designated initialisers (fields may be added). */
struct audit_ctx {
    int64_t user_id;
    const char *username;
    const char *ip;
    int64_t token_id; /* > 0 when acting through an API token */
};

/* The data-scope predicate over a row's unit column U and owner column O, as a marker that
 * store_prepare_scoped() expands for the acting user's scope: only the branches that scope
 * uses are written out (an "all" scope costs nothing, "own unit and below" becomes an indexed
 * IN over the unit subtree). The branches use parameters ?1..?10, so statements number their
 * own parameters from ?11 on. Column names are literals of the store, never input. */
#define SCOPE_PRED(U, O) "{{scope " U " " O "}}"
/* Expands SCOPE_PRED markers in sql for sc, prepares the statement (cached per expanded text)
 * and binds the scope parameters. NULL on a programming error (logged). */
struct db_stmt *store_prepare_scoped(struct db *db, const char *sql, const struct scope *sc);
/* Fills the path range of a unit subtree from its materialised path "/1/4/9/". */
void store_path_range(const char *path, char *lo, char *hi, size_t n);

/* Connections: one per thread, opened on first use against the path given to store_open.
 * store_open loads the key file "<path>.key" (pii.h), creating it when absent;
 * store_open_existing_key never creates one and gives SX_ENOTFOUND when it is absent. */
int store_open(const char *path);
int store_open_existing_key(const char *path);
struct db *store_db(void);
void store_close(void);
/* A background thread that drops read snapshots kept open by idle connections (the server
 * keeps a reading request's snapshot for the next one, see db.h). */
void store_janitor_start(void);
void store_janitor_stop(void);
const char *store_path(void);
int store_migrate(struct db *db, int *schema_version);
int store_schema_version(struct db *db, int64_t *v);

/* SQL text: col contains the bound text p literally (its % _ \ are not wildcards). */
#define LIKE_CONTAINS(col, p)                                                                     \
    col " LIKE '%' || replace(replace(replace(" p ", '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' ESCAPE '\\'"
/* SQL text: col starts with the bound text p literally. */
#define LIKE_PREFIX(col, p)                                                                       \
    col " LIKE replace(replace(replace(" p ", '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' ESCAPE '\\'"

/* ---- settings (security policy etc.) ---- */
struct security_policy {
    int64_t password_min_length, password_max_age_days, lockout_threshold, lockout_minutes,
        session_idle_minutes, audit_retention_days;
    int64_t address_lockout_threshold; /* failures from one address, any names, within lockout_minutes */
    int64_t session_max_hours;         /* absolute session lifetime, however active */
    int64_t token_max_days;            /* longest lifetime of an API token, and its default */
};
void st_policy_defaults(struct security_policy *p);
/* Cached for a second or two: read on every authenticated request. */
int st_policy_get(struct db *db, struct security_policy *p);
int st_settings_security_json(struct db *db, json_t **out);
/* The policy as stored, and its version (1 when never saved). */
int st_policy_load(struct db *db, struct security_policy *p, int64_t *version);
/* Writes every key of p (the caller's transaction; the version is the caller's, see
 * st_setting_replace). */
int st_policy_put(struct db *db, const struct security_policy *p);
/* "key=value,…" of every key, for the audit record; the length written. */
size_t st_policy_describe(const struct security_policy *p, char *out, size_t n);
int st_setting_get(struct db *db, const char *key, char *buf, size_t n); /* SX_ENOTFOUND if absent */
int st_setting_set(struct db *db, const char *key, const char *value);   /* no audit; caller's tx */
/* Where the deadline registry's recomputation stands (app/deadlines.c owns the value); a
 * migration that needs every running deadline recomputed sets it to ST_DEADLINES_START_OVER and
 * the server's worker does the rest. */
#define ST_DEADLINES_PENDING_KEY "deadlines.pending"
#define ST_DEADLINES_START_OVER "0:0"
/* Compare and set: replaces key's value only while it is still old (NULL: while there is no
 * such key), in the statement itself, so of two writers on one database exactly one wins;
 * SX_EVERSION for the other. */
int st_setting_replace(struct db *db, const char *key, const char *old, const char *value);

/* ---- audit log (st_audit.c; the design is in domain/audit_chain.h) ---- */
/* Appends one record, chained to the previous one and keyed. Must run inside a write
 * transaction; the checkpoint file moves to it once that transaction commits. */
int st_audit_append(struct db *db, const struct audit_ctx *a, const char *action,
                    const char *object_type, const char *object_id, int success, const char *details);
/* The same in its own write transaction. */
int st_audit(struct db *db, const struct audit_ctx *a, const char *action, const char *object_type,
             const char *object_id, int success, const char *details);
struct audit_filter {
    const char *username, *action, *result, *object_type, *from, *to;
    int login_only;
};
int st_audit_list(struct db *db, const struct audit_filter *f, const struct paging *pg, json_t **items,
                  int64_t *total);
/* Derives the chain's keys from the loaded key file and forgets what the previous database's
 * checkpoint was (store_open); st_audit_close forgets the keys (store_close). */
int st_audit_open(const char *db_path);
void st_audit_close(void);
/* Migration 6 has just run: records the current end in a new checkpoint file. fresh: the
 * database was created just now (an old database's file left beside it is replaced). */
int st_audit_after_switch(struct db *db, int fresh);
/* Writes the checkpoint file up to the newest committed record now (st_audit_flush), or lets
 * the store's janitor thread do it within a tick of each commit (defer on; off flushes). */
void st_audit_flush(void);
void st_audit_defer_checkpoints(int on);
/* "<db path>.audit" into out. */
void st_audit_checkpoint_path(const char *db_path, char *out, size_t n);
/* Reads a checkpoint file: *state ABSENT, OK (a filled) or BAD. 0 or SX_EINTERNAL. */
int st_audit_checkpoint_read(const char *path, struct audit_anchor *a, enum audit_checkpoint_state *state);
/* Writes a checkpoint file for a (atomically, 0600). */
int st_audit_checkpoint_write(const char *path, const struct audit_anchor *a);
/* Verifies the whole log in one read snapshot against a checkpoint read before (cp when
 * cps is AUDIT_CP_OK). The outcome is in *v: v->nfound findings, v->count records of which
 * v->unkeyed before the switch v->keyed_from, ending at v->last_id with hash v->prev. */
int st_audit_verify(struct db *db, enum audit_checkpoint_state cps, const struct audit_anchor *cp,
                    struct audit_verifier *v);
enum audit_trigger_state { AUDIT_TRIGGER_OK, AUDIT_TRIGGER_MISSING, AUDIT_TRIGGER_ALTERED };
struct audit_trigger {
    const char *name; /* static */
    enum audit_trigger_state state;
};
/* The append-only triggers (those of migration 6 too when keyed) and their state. */
int st_audit_triggers(struct db *db, int keyed, struct audit_trigger *out, size_t n, size_t *count);

/* Optimistic concurrency inside the statement, so two servers on one database cannot both win:
 * `UPDATE table SET version = version + 1, updated_at = now WHERE key_col = key AND version =
 * version`. SX_OK when it moved; SX_EVERSION when the row has another version; SX_ENOTFOUND when
 * there is no such row. On PostgreSQL the UPDATE also takes the row's lock first, so the rest of
 * a use case's changes to that row are serialised behind it. table and key_col are literals of
 * the store, never input. */
int store_bump_version(struct db *db, const char *table, int64_t id, int64_t version, const char *now);
int store_bump_version_key(struct db *db, const char *table, const char *key_col, const char *key,
                           int64_t version, const char *now);

/* Maps a generic list sort request onto a whitelist: returns the SQL ORDER BY text for
 * field (or the default when field is NULL/unknown → SX_EBADQUERY for unknown). */
struct sort_col {
    const char *field, *sql;
};
int store_order_by(const struct sort_col *cols, const struct paging *pg, const char *dflt,
                   const char **out);
/* buf = head + " ORDER BY " + order + (desc ? " DESC" : " ASC") + tail. Plain concatenation
 * (no format characters are interpreted); order comes from a sort_col whitelist. */
void store_sql_order(char *buf, size_t n, const char *head, const char *order, int desc, const char *tail);

/* ---- authentication (st_auth.c) ---- */
struct login_row {
    int64_t id, unit_id, password_changed_at;
    int must_change, disabled;
    char username[65];
    char hash[160];
};
/* A person's account by username; SX_ENOTFOUND when there is none (integration accounts never
 * log in with a password, so they are not found either). */
int st_login_lookup(struct db *db, const char *username, struct login_row *out);
/* Whom a login attempt's failures count against (domain/lockout.h): the account when the name
 * is one (user_id > 0), else the hash of the typed name; and the source address bucket. */
struct login_subject {
    int64_t user_id;
    const char *name_hash; /* hex; used when user_id is 0 */
    const char *address;   /* lockout_address() of the client address */
};
/* Seconds left of the locks in force at now: of the subject at its address, and of the address
 * for every subject. */
struct login_locks {
    int64_t subject_left, address_left;
};
int st_login_locks(struct db *db, const struct login_subject *who, int64_t now, struct login_locks *out);
struct login_limits {
    int64_t threshold, address_threshold; /* failures that lock */
    int64_t window, lock_seconds;         /* counting window and lock length */
};
/* Counts one failed login against the subject at its address and against the address, prunes
 * stale counters and writes the audit record (details; the lock when one is set), all in one
 * transaction. *out: the locks in force afterwards. */
int st_login_failed(struct db *db, const struct audit_ctx *a, const struct login_subject *who,
                    const struct login_limits *lim, int64_t now, const char *details, struct login_locks *out);
/* Clears the subject's failures at its address, records the login and creates the session. */
int st_login_ok(struct db *db, const struct audit_ctx *a, const struct login_subject *who,
                const char *session_hash, const char *csrf, const char *ip);
struct session_row {
    int64_t user_id, unit_id, created_at, last_seen, password_changed_at;
    int must_change, disabled;
    char username[65], csrf[65], unit_path[200];
};
int st_session_get(struct db *db, const char *session_hash, struct session_row *out);
int st_session_touch(struct db *db, const char *session_hash, int64_t now);
int st_session_delete(struct db *db, const char *session_hash);
int st_sessions_delete_user(struct db *db, int64_t user_id);
/* A token and its integration account (user_id, username "token:<name>"). */
struct token_row {
    int64_t id, user_id, role_id, unit_id, expires_at; /* expires_at 0: none recorded */
    int used_recently; /* last_used_at within the last minute */
    int revoked, disabled, integration;
    char username[200], unit_path[200];
};
int st_token_get(struct db *db, const char *token_hash, struct token_row *out);
int st_token_touch(struct db *db, int64_t token_id);
/* Permissions and data scope of a user (all its roles), or of one role when role_id > 0. */
int st_principal_load(struct db *db, int64_t user_id, int64_t role_id, int64_t unit_id,
                      const char *unit_path, uint64_t *perms, struct scope *sc);
/* Role summaries [{id,code,name}] of a user. */
int st_user_roles_json(struct db *db, int64_t user_id, json_t **out);
/* The same shape for one role: [{id,code,name}] (empty when there is no such role). */
int st_role_brief_json(struct db *db, int64_t role_id, json_t **out);
/* Sets a new password hash and ends the user's sessions other than keep_session (may be NULL). */
int st_password_set(struct db *db, const struct audit_ctx *a, int64_t user_id, const char *hash,
                    int must_change, const char *action, const char *keep_session);
int st_user_brief(struct db *db, int64_t user_id, json_t **out);

/* ---- trees (regions, units): materialised paths "/1/4/9/" ---- */
enum tree_table { TREE_REGIONS, TREE_UNITS };
/* Path of a new child of parent (0: root) once its id is known. */
int st_tree_set_path(struct db *db, enum tree_table t, int64_t id, int64_t parent_id);
/* Re-parents id under parent_id: SX_ECYCLE when parent is id or below it; rewrites the
 * subtree's paths. Caller holds the write transaction. */
int st_tree_move(struct db *db, enum tree_table t, int64_t id, int64_t parent_id);

/* ---- regions ---- */
struct region_filter {
    int64_t parent_id; /* -1: any, 0: roots */
    int64_t level;     /* 0: any */
};
struct region_in {
    const char *code, *name;
    int64_t level, parent_id, sort;
};
int st_region_list(struct db *db, const struct region_filter *f, const struct paging *pg, json_t **items,
                   int64_t *total);
/* Every region ordered by path (for the tree view). */
int st_region_all(struct db *db, json_t **items);
int st_region_get(struct db *db, int64_t id, json_t **out);
int st_region_create(struct db *db, const struct audit_ctx *a, const struct region_in *in, json_t **out,
                     const char **field);
int st_region_update(struct db *db, const struct audit_ctx *a, int64_t id, int64_t version,
                     const struct region_in *in, json_t **out, const char **field);
int st_region_delete(struct db *db, const struct audit_ctx *a, int64_t id);

/* ---- bootstrap (st_bootstrap.c) ---- */
/* Inside a write transaction: built-in roles with their permissions, dictionary types and
 * their default items. Idempotent; never overwrites what administrators changed. */
int st_bootstrap(struct db *db);
/* Root region and unit for a fresh production database (when none exist); ids out. */
int st_bootstrap_root(struct db *db, int64_t *region_id, int64_t *unit_id);
/* Creates a user (inside a write transaction), roles by code (NULL-terminated). */
int st_user_insert(struct db *db, const char *username, const char *display_name, int64_t unit_id,
                   const char *password_hash, int must_change, const char *const *role_codes, int64_t *id);
/* Per-resource store interfaces. */
#include "st_unit.h"
#include "st_cadre.h"
#include "st_dict.h"
#include "st_user.h"
#include "st_role.h"
#include "st_token.h"
#include "st_demo.h"
#include "st_holiday.h"
#include "st_reception.h"
#include "st_case.h"
#include "st_public.h"
#endif
