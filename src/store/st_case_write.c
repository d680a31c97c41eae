/* Petition cases: the write gateways of the case use cases (app/case_intake.c,
 * app/case_actions.c). SQL and row mapping only — called inside the use case's transaction;
 * the rules and the messages are the use cases' and the domain's (st_case.h). */
#include "store.h"
#include "../domain/person_id.h"
#include "../util/err.h"
#include "../util/pii.h"
#include "../util/timeu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cpy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

/* Binds id, or NULL for 0. */
static void bind_id(struct db_stmt *s, int idx, int64_t id)
{
    if (id > 0) db_bind_int(s, idx, id);
    else db_bind_null(s, idx);
}

/* The first column of a bound statement's first row as a count (0 for none). */
static int count_of(struct db_stmt *s, int *yes)
{
    int64_t n = 0;
    int rc = db_int(s, &n);
    *yes = n > 0;
    return rc;
}

int st_case_ref_exists(struct db *db, enum case_ref what, int64_t id, int *yes)
{
    static const char *const sql[] = {
        [CASE_REF_UNIT] = "SELECT COUNT(*) FROM units WHERE id = ?",
        [CASE_REF_PUBLISHED_DAY] = "SELECT COUNT(*) FROM reception_days WHERE id = ? AND published = 1",
        [CASE_REF_PERSON] = "SELECT COUNT(*) FROM users WHERE id = ? AND kind = 'person'",
    };
    *yes = 0;
    if ((unsigned)what >= sizeof sql / sizeof sql[0]) return SX_EINTERNAL;
    struct db_stmt *s = db_prepare(db, sql[what]);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    return count_of(s, yes);
}

int st_case_category_enabled(struct db *db, const char *code, int *yes)
{
    *yes = 0;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM dict_items WHERE type = 'petition_category'"
                                       " AND code = ? AND enabled = 1");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, code);
    return count_of(s, yes);
}

int st_case_region_county(struct db *db, int64_t region_id, int64_t *county)
{
    *county = 0;
    struct db_stmt *s = db_prepare(db, "SELECT path, level FROM regions WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, region_id);
    int rc = db_step(s);
    if (rc == DB_ROW && db_col_int(s, 1) >= 2) {
        const char *p = db_col_text(s, 0); /* "/1/4/9/" → 4 */
        const char *q = p ? strchr(p + 1, '/') : NULL;
        if (q) *county = strtoll(q + 1, NULL, 10);
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_case_next_seq(struct db *db, int year, int64_t *seq)
{
    struct db_stmt *s = db_prepare(db, "INSERT INTO case_seq (year, last) VALUES (?1, 1) ON CONFLICT (year)"
                                       " DO UPDATE SET last = last + 1 RETURNING last");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, year);
    return db_int(s, seq);
}

/* A unique stand-in until st_case_set_query_hash gives the case its code's hash. */
static void placeholder_hash(int year, int64_t seq, char out[40])
{
    snprintf(out, 40, "pending-%d-%lld", year, (long long)seq);
}

int st_case_insert(struct db *db, const struct case_row_new *n, int64_t *id)
{
    char placeholder[40];
    placeholder_hash(n->year, n->seq, placeholder);
    struct db_stmt *s = db_prepare(
        db, "INSERT INTO cases (case_no, year, seq, query_hash, channel, kind, category, region_id, county_id, title,"
            " content, received_at, urgency, head_count, first_time, unit_id, accused_unit_id, accused_user_id,"
            " reception_day_id, duplicate_of, matter_final, source, created_by, created_at, updated_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
            " ?22, ?23, ?24, ?24)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, n->case_no);
    db_bind_int(s, 2, n->year);
    db_bind_int(s, 3, n->seq);
    db_bind_text(s, 4, placeholder);
    db_bind_text(s, 5, n->channel);
    db_bind_text(s, 6, n->kind);
    db_bind_text(s, 7, n->category);
    db_bind_int(s, 8, n->region_id);
    bind_id(s, 9, n->county_id);
    db_bind_text(s, 10, n->title);
    db_bind_text(s, 11, n->content);
    db_bind_text(s, 12, n->received_at);
    db_bind_text(s, 13, n->urgency);
    db_bind_int(s, 14, n->head_count);
    db_bind_int(s, 15, n->first_time);
    db_bind_int(s, 16, n->unit_id);
    bind_id(s, 17, n->accused_unit_id);
    bind_id(s, 18, n->accused_user_id);
    bind_id(s, 19, n->reception_day_id);
    bind_id(s, 20, n->duplicate_of);
    db_bind_int(s, 21, n->matter_final);
    db_bind_text(s, 22, n->source);
    bind_id(s, 23, n->created_by);
    db_bind_text(s, 24, n->now);
    int rc = db_run(s);
    if (!rc) *id = db_last_id(db);
    return rc;
}

int st_case_review_insert(struct db *db, int64_t orig_id, const char *case_no, int year, int64_t seq,
                          const char *title_prefix, const char *reason, int level, int64_t created_by,
                          const char *now, int64_t *id)
{
    char placeholder[40];
    placeholder_hash(year, seq, placeholder);
    struct db_stmt *s =
        db_prepare(db, "INSERT INTO cases (case_no, year, seq, query_hash, channel, kind, category, region_id,"
                       " county_id, title, content, received_at, urgency, head_count, first_time, unit_id,"
                       " accused_unit_id, accused_user_id, review_level, parent_case_id, source, created_by,"
                       " created_at, updated_at)"
                       " SELECT ?1, ?2, ?3, ?4, channel, kind, category, region_id, county_id,"
                       " ?5 || title, ?6, ?7, urgency, head_count, 0, unit_id, accused_unit_id, accused_user_id,"
                       " ?8, id, source, ?9, ?7, ?7 FROM cases WHERE id = ?10");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, case_no);
    db_bind_int(s, 2, year);
    db_bind_int(s, 3, seq);
    db_bind_text(s, 4, placeholder);
    db_bind_text(s, 5, title_prefix);
    db_bind_text(s, 6, reason ? reason : "");
    db_bind_text(s, 7, now);
    db_bind_int(s, 8, level);
    bind_id(s, 9, created_by);
    db_bind_int(s, 10, orig_id);
    int rc = db_run(s);
    if (!rc) *id = db_last_id(db);
    return rc;
}

int st_case_set_query_hash(struct db *db, int64_t id, const char *hash)
{
    struct db_stmt *s = db_prepare(db, "UPDATE cases SET query_hash = ?1 WHERE id = ?2"
                                       " AND NOT EXISTS (SELECT 1 FROM cases WHERE query_hash = ?1)");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, hash);
    db_bind_int(s, 2, id);
    int rc = db_run(s);
    if (rc) return rc;
    return db_changes(db) == 1 ? SX_OK : SX_EDUPLICATE;
}

/* Last four digits of a normalised phone (before an extension). */
static void phone_last4(const char *phone, char out[5])
{
    out[0] = 0;
    size_t n = strcspn(phone, "#");
    if (n < 4) return;
    memcpy(out, phone + n - 4, 4);
    out[4] = 0;
}

/* Binds the keyed hash of v (purpose-separated), or NULL for an empty value. */
static void bind_hash(struct db_stmt *s, int idx, const char *purpose, const char *v)
{
    char h[PII_HASH_BUF];
    if (!*v) {
        db_bind_null(s, idx);
        return;
    }
    pii_hash(purpose, v, h);
    db_bind_text(s, idx, h);
}

int st_case_petitioner_insert(struct db *db, int64_t case_id, int seq, const struct case_petitioner_in *p)
{
    char id_enc[400], ph_enc[400], id_mask[PERSON_ID_BUF + 8], ph_mask[PHONE_BUF], l4[5];
    const char *idn = p->id_number ? p->id_number : "", *ph = p->phone ? p->phone : "";
    if (pii_seal(idn, id_enc, sizeof id_enc) || pii_seal(ph, ph_enc, sizeof ph_enc)) return SX_EINTERNAL;
    if (*idn && mask_person_id(idn, id_mask, sizeof id_mask)) return SX_EINTERNAL;
    if (!*idn) id_mask[0] = 0;
    if (*ph && mask_phone(ph, ph_mask, sizeof ph_mask)) return SX_EINTERNAL;
    if (!*ph) ph_mask[0] = 0;
    struct db_stmt *s = db_prepare(db, "INSERT INTO case_petitioners (case_id, seq, name, id_number_enc,"
                                       " id_number_masked, id_hash, phone_enc, phone_masked, phone_hash,"
                                       " phone_last4_hash, address, is_representative)"
                                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, case_id);
    db_bind_int(s, 2, seq);
    db_bind_text(s, 3, p->name);
    db_bind_text(s, 4, id_enc);
    db_bind_text(s, 5, id_mask);
    bind_hash(s, 6, "id", idn);
    db_bind_text(s, 7, ph_enc);
    db_bind_text(s, 8, ph_mask);
    bind_hash(s, 9, "phone", ph);
    phone_last4(ph, l4);
    bind_hash(s, 10, "last4", l4);
    db_bind_text(s, 11, p->address ? p->address : "");
    db_bind_int(s, 12, p->is_representative ? 1 : 0);
    return db_run(s);
}

int st_case_petitioners_copy(struct db *db, int64_t from_id, int64_t to_id)
{
    struct db_stmt *s =
        db_prepare(db, "INSERT INTO case_petitioners (case_id, seq, name, id_number_enc, id_number_masked, id_hash,"
                       " phone_enc, phone_masked, phone_hash, phone_last4_hash, address, is_representative)"
                       " SELECT ?1, seq, name, id_number_enc, id_number_masked, id_hash, phone_enc, phone_masked,"
                       " phone_hash, phone_last4_hash, address, is_representative FROM case_petitioners"
                       " WHERE case_id = ?2");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, to_id);
    db_bind_int(s, 2, from_id);
    return db_run(s);
}

int st_case_petitioners_sealed(struct db *db, int64_t case_id, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT id, name, id_number_enc, phone_enc FROM case_petitioners"
                                       " WHERE case_id = ? ORDER BY seq");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, case_id);
    return db_all_json(s, out);
}

int st_case_link_add(struct db *db, int64_t a_id, int64_t b_id, const char *kind, int64_t created_by)
{
    char now[32];
    time_iso_now(now);
    for (int dir = 0; dir < 2; dir++) {
        struct db_stmt *s = db_prepare(db, "INSERT INTO case_links (case_id, other_id, kind, created_by, created_at)"
                                           " VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, other_id) DO NOTHING");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, dir ? b_id : a_id);
        db_bind_int(s, 2, dir ? a_id : b_id);
        db_bind_text(s, 3, kind);
        bind_id(s, 4, created_by);
        db_bind_text(s, 5, now);
        int rc = db_run(s);
        if (rc) return rc;
    }
    return SX_OK;
}

int st_case_event_add(struct db *db, int64_t actor_id, const char *actor_name, int64_t case_id, const char *action,
                      const char *from, const char *to, const char *note, const char *data, int public_,
                      int64_t *event_id)
{
    char now[32];
    time_iso_now(now);
    struct db_stmt *s = db_prepare(db, "INSERT INTO case_events (case_id, action, from_status, to_status, actor_id,"
                                       " actor_name, at, note, data, public) VALUES (?1, ?2, ?3, ?4, ?5,"
                                       " IFNULL((SELECT display_name FROM users WHERE id = ?5), ?6), ?7, ?8, ?9, ?10)");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, case_id);
    db_bind_text(s, 2, action);
    db_bind_text(s, 3, from ? from : "");
    db_bind_text(s, 4, to ? to : "");
    bind_id(s, 5, actor_id);
    db_bind_text(s, 6, actor_name ? actor_name : "");
    db_bind_text(s, 7, now);
    db_bind_text(s, 8, note ? note : "");
    db_bind_text(s, 9, data ? data : "{}");
    db_bind_int(s, 10, public_ ? 1 : 0);
    int rc = db_run(s);
    if (!rc && event_id) *event_id = db_last_id(db);
    return rc;
}

int st_case_update(struct db *db, const struct case_update *u)
{
    /* One statement for all actions; each parameter is used only by the actions that set it. */
    struct db_stmt *s = db_prepare(
        db, "UPDATE cases SET status = ?2, version = version + 1, updated_at = ?3,"
            " accepted_at = CASE WHEN ?4 = 'accepted_at' THEN ?3 ELSE accepted_at END,"
            " assigned_at = CASE WHEN ?4 = 'assigned_at' THEN ?3 WHEN ?5 = 'return' THEN NULL ELSE assigned_at END,"
            " signed_at = CASE WHEN ?4 = 'signed_at' THEN ?3 ELSE signed_at END,"
            " replied_at = CASE WHEN ?4 = 'replied_at' THEN ?3 ELSE replied_at END,"
            " called_back_at = CASE WHEN ?4 = 'called_back_at' THEN ?3 ELSE called_back_at END,"
            " closed_at = CASE WHEN ?4 = 'closed_at' THEN ?3 ELSE closed_at END,"
            " handling_unit_id = CASE ?5 WHEN 'assign' THEN ?6 WHEN 'return' THEN NULL ELSE handling_unit_id END,"
            " handler_id = CASE ?5 WHEN 'assign' THEN ?7 WHEN 'return' THEN NULL ELSE handler_id END,"
            " assign_deadline = CASE ?5 WHEN 'assign' THEN ?8 WHEN 'return' THEN NULL ELSE assign_deadline END,"
            " forward_to = CASE ?5 WHEN 'forward' THEN ?9 ELSE forward_to END,"
            " decline_reason = CASE ?5 WHEN 'decline' THEN ?10 ELSE decline_reason END,"
            " reply_text = CASE WHEN ?5 IN ('reply', 'onspot') THEN ?11 ELSE reply_text END,"
            " outcome = CASE WHEN ?5 IN ('reply', 'onspot') THEN ?12 ELSE outcome END,"
            " resolved = CASE ?5 WHEN 'callback' THEN ?13 ELSE resolved END,"
            " satisfaction = CASE ?5 WHEN 'callback' THEN ?14 ELSE satisfaction END,"
            " ext = ?15, extension_days = ?16,"
            " supervised = CASE ?5 WHEN 'supervise' THEN 1 ELSE supervised END,"
            " supervise_comment = CASE ?5 WHEN 'supervise' THEN ?10 ELSE supervise_comment END,"
            " leader_in_charge = CASE ?5 WHEN 'take_charge' THEN ?17 ELSE leader_in_charge END,"
            " review_requested = CASE WHEN ?5 IN ('review_request', 'recheck_request') THEN 1"
            " ELSE review_requested END,"
            " forward_unit_id = CASE ?5 WHEN 'forward' THEN ?18 ELSE forward_unit_id END,"
            " ext_reason = CASE ?5 WHEN 'extend_request' THEN ?10 ELSE ext_reason END,"
            " kind = CASE ?5 WHEN 'reclassify' THEN ?19 ELSE kind END"
            " WHERE id = ?1 AND version = ?20");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, u->id);
    db_bind_text(s, 2, u->status);
    db_bind_text(s, 3, u->now);
    db_bind_text(s, 4, u->stamp_col ? u->stamp_col : "");
    db_bind_text(s, 5, u->action);
    db_bind_int(s, 6, u->unit_id);
    db_bind_int(s, 7, u->handler_id);
    db_bind_text(s, 8, u->deadline ? u->deadline : "");
    db_bind_text(s, 9, u->forward_to ? u->forward_to : "");
    db_bind_text(s, 10, u->reason ? u->reason : "");
    db_bind_text(s, 11, u->reply_text ? u->reply_text : "");
    db_bind_text(s, 12, u->outcome ? u->outcome : "");
    db_bind_int(s, 13, u->resolved == 1 ? 1 : 0);
    db_bind_text(s, 14, u->satisfaction ? u->satisfaction : "");
    db_bind_text(s, 15, u->ext_code);
    db_bind_int(s, 16, u->ext_days);
    db_bind_int(s, 17, u->leader_id);
    bind_id(s, 18, u->forward_unit_id);
    db_bind_text(s, 19, u->kind);
    db_bind_int(s, 20, u->version);
    int rc = db_run(s);
    if (rc) return rc;
    return db_changes(db) == 1 ? SX_OK : SX_EVERSION; /* changed since it was read */
}

int st_case_finalise_matter(struct db *db, int64_t id, int64_t parent_id)
{
    struct db_stmt *s = db_prepare(db, "UPDATE cases SET matter_final = 1 WHERE id = ?1 OR id = ?2"
                                       " OR id = (SELECT parent_case_id FROM cases WHERE id = ?2)");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, parent_id);
    return db_run(s);
}

int st_case_attachment_bind(struct db *db, int64_t case_id, int64_t event_id, int64_t attachment_id)
{
    struct db_stmt *s = db_prepare(db, "UPDATE case_attachments SET event_id = ? WHERE id = ? AND case_id = ?"
                                       " AND event_id IS NULL");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, event_id);
    db_bind_int(s, 2, attachment_id);
    db_bind_int(s, 3, case_id);
    int rc = db_run(s);
    if (rc) return rc;
    return db_changes(db) == 1 ? SX_OK : SX_ENOTFOUND;
}

int st_case_brief(struct db *db, int64_t id, char no[32], char status[16], char due[16])
{
    no[0] = status[0] = due[0] = 0;
    struct db_stmt *s = db_prepare(db, "SELECT case_no, status, due_date FROM cases WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        cpy(no, 32, db_col_text(s, 0));
        cpy(status, 16, db_col_text(s, 1));
        cpy(due, 16, db_col_text(s, 2));
    }
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

int st_case_ext_reason(struct db *db, int64_t id, char **reason)
{
    *reason = NULL;
    struct db_stmt *s = db_prepare(db, "SELECT ext_reason FROM cases WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) *reason = strdup(db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_reset(s);
    if (rc == DB_ROW) return *reason ? SX_OK : SX_EINTERNAL;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_case_unit_has_org_type(struct db *db, int64_t unit_id, const char *org_type, int *yes)
{
    *yes = 0;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units WHERE id = ? AND org_type = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, org_type);
    return count_of(s, yes);
}

int st_case_unit_brief(struct db *db, int64_t unit_id, char name[256], char path[200])
{
    name[0] = path[0] = 0;
    struct db_stmt *s = db_prepare(db, "SELECT name, path FROM units WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, unit_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        cpy(name, 256, db_col_text(s, 0));
        cpy(path, 200, db_col_text(s, 1));
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_case_user_unit(struct db *db, int64_t user_id, int64_t *unit_id)
{
    *unit_id = 0;
    struct db_stmt *s =
        db_prepare(db, "SELECT unit_id FROM users WHERE id = ? AND status = 'active' AND kind = 'person'");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, user_id);
    int rc = db_step(s);
    if (rc == DB_ROW) *unit_id = db_col_int(s, 0);
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_case_path_within(struct db *db, const char *path, int64_t ancestor_id, int *yes)
{
    *yes = 0;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units acc WHERE acc.id = ?1"
                                       " AND substr(?2, 1, length(acc.path)) = acc.path");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, ancestor_id);
    db_bind_text(s, 2, path);
    return count_of(s, yes);
}

int st_case_names(struct db *db, int64_t unit_id, int64_t user_id, char unit_name[256], char user_name[128])
{
    unit_name[0] = user_name[0] = 0;
    struct db_stmt *s =
        db_prepare(db, "SELECT (SELECT name FROM units WHERE id = ?1), (SELECT display_name FROM users WHERE id = ?2)");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, user_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        cpy(unit_name, 256, db_col_text(s, 0));
        cpy(user_name, 128, db_col_text(s, 1));
    }
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

int st_case_status_of(struct db *db, const struct case_viewer *v, int64_t id, char status[16])
{
    status[0] = 0;
    struct db_stmt *s = st_case_prepare(db, "SELECT c.status FROM cases c WHERE " CASE_VISIBLE " AND c.id = ?15", v);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 15, id);
    int rc = db_step(s);
    if (rc == DB_ROW) cpy(status, 16, db_col_text(s, 0));
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_case_attachment_count(struct db *db, int64_t case_id, int64_t *n)
{
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM case_attachments WHERE case_id = ?1");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, case_id);
    return db_int(s, n);
}

int st_case_attachment_insert(struct db *db, int64_t case_id, const char *name, const char *mime, const void *data,
                              size_t len, const char *sha256, int64_t uploaded_by, const char *now, int64_t *id)
{
    /* Content-addressed: the same bytes are stored once. */
    struct db_stmt *s = db_prepare(db, "INSERT INTO case_blobs (sha256, size, data) VALUES (?1, ?2, ?3)"
                                       " ON CONFLICT (sha256) DO NOTHING");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, sha256);
    db_bind_int(s, 2, (int64_t)len);
    db_bind_blob(s, 3, data, len);
    int rc = db_run(s);
    if (rc) return rc;
    /* event_id stays NULL: a later workflow action binds the attachment to its own event. */
    s = db_prepare(db, "INSERT INTO case_attachments (case_id, name, mime, size, sha256, uploaded_by,"
                       " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, case_id);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, mime);
    db_bind_int(s, 4, (int64_t)len);
    db_bind_text(s, 5, sha256);
    bind_id(s, 6, uploaded_by);
    db_bind_text(s, 7, now);
    if ((rc = db_run(s))) return rc;
    *id = db_last_id(db);
    return SX_OK;
}

int st_case_touch(struct db *db, int64_t id, const char *now)
{
    struct db_stmt *s = db_prepare(db, "UPDATE cases SET updated_at = ?2 WHERE id = ?1");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, now);
    return db_run(s);
}

int st_case_rating_state(struct db *db, int64_t id, int64_t eff, char own_status[16], char eff_status[16],
                         int *rated)
{
    own_status[0] = eff_status[0] = 0;
    *rated = 0;
    struct db_stmt *s = db_prepare(db, "SELECT o.status, e.status, o.public_rating FROM cases o, cases e"
                                       " WHERE o.id = ? AND e.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, eff);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        cpy(own_status, 16, db_col_text(s, 0));
        cpy(eff_status, 16, db_col_text(s, 1));
        const char *pr = db_col_text(s, 2);
        *rated = pr && *pr;
    }
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_case_set_rating(struct db *db, int64_t id, const char *satisfaction, const char *now)
{
    struct db_stmt *s = db_prepare(db, "UPDATE cases SET public_rating = ?, public_rated_at = ?, version = version + 1,"
                                       " updated_at = ? WHERE id = ? AND public_rating = ''");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, satisfaction);
    db_bind_text(s, 2, now);
    db_bind_text(s, 3, now);
    db_bind_int(s, 4, id);
    int rc = db_run(s);
    if (rc) return rc;
    return db_changes(db) == 1 ? SX_OK : SX_EVERSION;
}
