/* Petition cases: reading them — lists, the detail, the rows the use cases decide on. The rules
 * are the domain's (case_flow.c, case_rules.c, deadline.c); the writes are the use cases'
 * (app/case_*.c) through the gateways of st_case_write.c. Every statement that reads a case for a
 * viewer carries CASE_VISIBLE (st_case.h). */
#include "store.h"
#include "../domain/perm.h"
#include "../domain/case_notice.h"
#include "../domain/repeat.h"
#include "../domain/person_id.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/pii.h"
#include "../util/timeu.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int one_int(struct db *db, const char *sql, int64_t a1, int64_t *out);
static void add_due_warnings(json_t *items, const struct calendar *cal);
static struct calendar *calendar_new(struct db *db);

/* ---------------------------------------------------------------- viewer and predicate */

int st_case_viewer(struct db *db, const struct scope *sc, int64_t user_id, int64_t unit_id, uint64_t perms,
                   struct case_viewer *v)
{
    memset(v, 0, sizeof *v);
    v->scope = sc;
    v->user_id = user_id;
    v->unit_id = unit_id;
    v->perms = perms;
    struct db_stmt *s = db_prepare(db, "SELECT path FROM units WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, unit_id);
    int rc = db_step(s);
    if (rc == DB_ROW) snprintf(v->unit_path, sizeof v->unit_path, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_reset(s);
    if (rc != DB_ROW && rc != DB_DONE) return rc;
    /* An unknown unit matches no accused unit path: "" is a prefix of nothing but "". */
    if (!v->unit_path[0]) snprintf(v->unit_path, sizeof v->unit_path, "-");
    return SX_OK;
}

struct db_stmt *st_case_prepare(struct db *db, const char *sql, const struct case_viewer *v)
{
    struct db_stmt *s = store_prepare_scoped(db, sql, v->scope);
    if (!s) return NULL;
    db_bind_int(s, 11, (v->perms & perm_bit(P_CASE_REPORT)) ? 1 : 0);
    db_bind_text(s, 12, v->unit_path);
    db_bind_int(s, 13, v->user_id);
    db_bind_int(s, 14, v->unit_id);
    return s;
}

/* ---------------------------------------------------------------- settings */

void st_case_settings_default(struct case_settings *s)
{
    memset(s, 0, sizeof *s);
    deadline_settings_default(&s->dl);
    s->repeat_window_days = 365;
    s->similarity_percent = REPEAT_SUGGEST_DEFAULT; /* domain/repeat.h: measured on the labelled pairs */
    s->ext_approval = EXTA_UNIT_OR_ABOVE;
    s->version = 0;
}

json_t *st_case_settings_json(const struct case_settings *s)
{
    json_t *steps = json_object();
    for (int i = 0; i < DL_STEP_COUNT; i++)
        json_object_set_new(steps, deadline_step_code((enum deadline_step)i),
                            json_pack("{s:i,s:b,s:s}", "days", s->dl.step[i].days, "working", s->dl.step[i].working,
                                      "label", deadline_step_label((enum deadline_step)i)));
    return json_pack("{s:o,s:i,s:i,s:i,s:i,s:s,s:s,s:I}", "steps", steps, "max_extension_days",
                     s->dl.max_extension_days, "warn_days", s->dl.warn_days, "repeat_window_days",
                     s->repeat_window_days, "similarity_percent", s->similarity_percent, "extension_approval",
                     case_ext_approval_code(s->ext_approval), "extension_approval_label",
                     case_ext_approval_label(s->ext_approval), "version", (json_int_t)s->version);
}

int st_case_settings_get(struct db *db, struct case_settings *s)
{
    st_case_settings_default(s);
    char buf[4096];
    int rc = st_setting_get(db, ST_CASE_SETTINGS_KEY, buf, sizeof buf);
    if (rc == SX_ENOTFOUND) return SX_OK;
    if (rc) return rc;
    json_t *j = json_loads(buf, 0, NULL);
    if (!j) return SX_OK; /* damaged: the defaults */
    json_t *steps = json_object_get(j, "steps");
    for (int i = 0; i < DL_STEP_COUNT; i++) {
        json_t *st = json_object_get(steps, deadline_step_code((enum deadline_step)i));
        if (!json_is_object(st)) continue;
        json_t *d = json_object_get(st, "days"), *w = json_object_get(st, "working");
        if (json_is_integer(d)) s->dl.step[i].days = (int)json_integer_value(d);
        if (json_is_boolean(w)) s->dl.step[i].working = json_is_true(w);
    }
    json_t *x;
    if (json_is_integer(x = json_object_get(j, "max_extension_days"))) s->dl.max_extension_days = (int)json_integer_value(x);
    if (json_is_integer(x = json_object_get(j, "warn_days"))) s->dl.warn_days = (int)json_integer_value(x);
    if (json_is_integer(x = json_object_get(j, "repeat_window_days"))) s->repeat_window_days = (int)json_integer_value(x);
    if (json_is_integer(x = json_object_get(j, "similarity_percent"))) s->similarity_percent = (int)json_integer_value(x);
    if (json_is_integer(x = json_object_get(j, "version"))) s->version = json_integer_value(x);
    int ea = case_ext_approval_from_code(json_string_value(json_object_get(j, "extension_approval")));
    if (ea >= 0) s->ext_approval = (enum case_ext_approval)ea;
    json_decref(j);
    const char *why;
    if (deadline_settings_check(&s->dl, &why)) {
        int64_t v = s->version;
        st_case_settings_default(s);
        s->version = v;
    }
    return SX_OK;
}

/* ---------------------------------------------------------------- time helpers */

cal_day st_case_today(void)
{
#ifdef SX_TEST_HOOKS
    /* The test build lets API tests move "today" to check windows and deadline states. */
    const char *fake = getenv("SIXIA_TEST_TODAY");
    cal_day fd;
    if (fake && strlen(fake) == 10 && !day_parse(fake, 10, &fd)) return fd;
#endif
    char d[16];
    time_local_date(time(NULL), d);
    cal_day day;
    return day_parse(d, 10, &day) ? 0 : day;
}

/* ---------------------------------------------------------------- state of a case row */

#define ROW_COLS                                                                                  \
    "c.id, c.version, c.unit_id, IFNULL(c.handling_unit_id, 0), IFNULL(c.handler_id, 0),"         \
    " IFNULL(c.leader_in_charge, 0), IFNULL(c.accused_unit_id, 0), IFNULL(c.accused_user_id, 0),"  \
    " IFNULL(c.parent_case_id, 0), c.extension_days, c.status, c.kind, c.ext, c.review_level,"     \
    " c.review_requested, c.matter_final, c.received_at, IFNULL(c.accepted_at, ''),"               \
    " IFNULL(c.assigned_at, ''), IFNULL(c.replied_at, ''), IFNULL(c.assign_deadline, ''), c.title," \
    " c.region_id, IFNULL(c.county_id, 0), IFNULL(c.duplicate_of, 0), c.first_time, c.supervised,"   \
    " IFNULL((SELECT hp.path FROM units hp WHERE hp.id = c.handling_unit_id), ''),"                    \
    " IFNULL((SELECT dc.status FROM cases dc WHERE dc.id = c.duplicate_of), '')"

static void cpy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

static void read_row(struct db_stmt *s, struct case_facts *r)
{
    memset(r, 0, sizeof *r);
    r->id = db_col_int(s, 0);
    r->version = db_col_int(s, 1);
    r->unit_id = db_col_int(s, 2);
    r->handling_unit_id = db_col_int(s, 3);
    r->handler_id = db_col_int(s, 4);
    r->leader_in_charge = db_col_int(s, 5);
    r->accused_unit_id = db_col_int(s, 6);
    r->accused_user_id = db_col_int(s, 7);
    r->parent_case_id = db_col_int(s, 8);
    r->extension_days = db_col_int(s, 9);
    cpy(r->status, sizeof r->status, db_col_text(s, 10));
    cpy(r->kind, sizeof r->kind, db_col_text(s, 11));
    int st = case_status_from_code(r->status), k = case_kind_from_code(r->kind),
        e = case_ext_from_code(db_col_text(s, 12));
    r->cs.status = st < 0 ? CS_REGISTERED : (enum case_status)st;
    r->cs.kind = k < 0 ? CK_SUGGESTION : (enum case_kind)k;
    r->cs.ext = e < 0 ? EXT_NONE : (enum case_ext)e;
    r->cs.review_level = (int)db_col_int(s, 13);
    r->cs.review_requested = (int)db_col_int(s, 14);
    r->cs.matter_final = (int)db_col_int(s, 15);
    r->cs.leader_in_charge = r->leader_in_charge != 0;
    cpy(r->received_at, sizeof r->received_at, db_col_text(s, 16));
    cpy(r->accepted_at, sizeof r->accepted_at, db_col_text(s, 17));
    cpy(r->assigned_at, sizeof r->assigned_at, db_col_text(s, 18));
    cpy(r->replied_at, sizeof r->replied_at, db_col_text(s, 19));
    cpy(r->assign_deadline, sizeof r->assign_deadline, db_col_text(s, 20));
    cpy(r->title, sizeof r->title, db_col_text(s, 21));
    r->region_id = db_col_int(s, 22);
    r->county_id = db_col_int(s, 23);
    r->duplicate_of = db_col_int(s, 24);
    r->first_time = (int)db_col_int(s, 25);
    r->supervised = (int)db_col_int(s, 26);
    cpy(r->handling_path, sizeof r->handling_path, db_col_text(s, 27));
    cpy(r->dup_status, sizeof r->dup_status, db_col_text(s, 28));
    case_facts_finish(r);
}

int st_case_row(struct db *db, const struct case_viewer *v, int64_t id, struct case_facts *r)
{
    struct db_stmt *s =
        v ? st_case_prepare(db, "SELECT " ROW_COLS " FROM cases c WHERE " CASE_VISIBLE " AND c.id = ?15", v)
          : db_prepare(db, "SELECT " ROW_COLS " FROM cases c WHERE c.id = ?15");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 15, id);
    int rc = db_step(s);
    if (rc == DB_ROW) read_row(s, r);
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

int st_case_open_rows(struct db *db, int64_t after, int max, struct case_facts *rows, int *n)
{
    *n = 0;
    /* Cases with a running deadline; terminal ones have none and keep it that way. */
    struct db_stmt *s = db_prepare(db, "SELECT " ROW_COLS " FROM cases c WHERE c.id > ?1 AND c.status NOT IN"
                                       " ('declined', 'forwarded', 'closed') ORDER BY c.id LIMIT ?2");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, after);
    db_bind_int(s, 2, max > 0 ? max : 1);
    int rc = DB_DONE;
    while (*n < max && (rc = db_step(s)) == DB_ROW) read_row(s, &rows[(*n)++]);
    if (*n == max) rc = DB_DONE;
    db_reset(s);
    return rc == DB_DONE ? SX_OK : rc == DB_ROW ? SX_EINTERNAL : rc;
}

int st_case_set_due(struct db *db, int64_t id, const char *step, const char *day, const char *target_step,
                    const char *target_day)
{
    struct db_stmt *u = db_prepare(db, "UPDATE cases SET due_step = ?1, due_date = ?2, target_step = ?4, target_due = ?5"
                                       " WHERE id = ?3 AND (due_step <> ?1 OR due_date <> ?2 OR target_step <> ?4"
                                       " OR target_due <> ?5)");
    if (!u) return SX_EINTERNAL;
    db_bind_text(u, 1, step);
    db_bind_text(u, 2, day);
    db_bind_int(u, 3, id);
    db_bind_text(u, 4, target_step);
    db_bind_text(u, 5, target_day);
    return db_run(u);
}

static int one_int(struct db *db, const char *sql, int64_t a1, int64_t *out)
{
    struct db_stmt *s = db_prepare(db, sql);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, a1);
    int rc = db_step(s);
    if (rc == DB_ROW) *out = db_col_int(s, 0);
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

static struct calendar *calendar_new(struct db *db)
{
    struct calendar *cal = malloc(sizeof *cal);
    if (!cal) return NULL;
    if (st_calendar_load(db, cal)) calendar_init(cal);
    return cal;
}

/* ---------------------------------------------------------------- labels */

static const char *urgency_label(const char *u)
{
    if (!u) return "";
    if (!strcmp(u, "urgent")) return "紧急";
    if (!strcmp(u, "very_urgent")) return "特急";
    return "一般";
}

static const char *link_label(const char *k)
{
    if (!k) return "";
    if (!strcmp(k, "duplicate")) return "重复件";
    if (!strcmp(k, "review")) return "复查复核";
    return "关联事项";
}

static void set_label(json_t *o, const char *key, const char *label_key, const char *(*label)(const char *))
{
    json_object_set_new(o, label_key, json_string(label(json_string_value(json_object_get(o, key)))));
}

/* For every "<x>_at" time of a case object, "<x>_day": the day in the deployment zone (China
 * time) that deadlines count from, so no client converts a UTC time itself ("" when unset). */
static void add_days(json_t *o)
{
    static const char *const at[] = {"received", "accepted", "assigned", "signed", "replied", "called_back",
                                     "closed"};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        char key[32], dkey[32], d[11];
        snprintf(key, sizeof key, "%s_at", at[i]);
        json_t *v = json_object_get(o, key);
        if (!v) continue;
        snprintf(dkey, sizeof dkey, "%s_day", at[i]);
        case_day_str(case_local_day(json_string_value(v)), d);
        json_object_set_new(o, dkey, json_string(d));
    }
}

/* Adds the *_label and *_day members of a list item or detail. */
static void add_labels(json_t *o)
{
    add_days(o);
    set_label(o, "status", "status_label", case_status_label_of);
    set_label(o, "kind", "kind_label", case_kind_label_of);
    set_label(o, "channel", "channel_label", case_channel_label_of);
    set_label(o, "urgency", "urgency_label", urgency_label);
    set_label(o, "ext", "ext_label", case_ext_label_of);
    set_label(o, "due_step", "due_step_label", deadline_due_label_of);
    set_label(o, "deadline_state", "deadline_state_label", deadline_state_label_of);
    if (json_object_get(o, "outcome")) set_label(o, "outcome", "outcome_label", case_outcome_label_of);
    if (json_object_get(o, "satisfaction")) set_label(o, "satisfaction", "satisfaction_label", case_satisfaction_label_of);
    if (json_object_get(o, "public_rating"))
        set_label(o, "public_rating", "public_rating_label", case_satisfaction_label_of);
}

/* ---------------------------------------------------------------- list */

/* The list item's columns (petitioners masked). ?15 today, ?16 today + warn days. */
#define ITEM_COLS                                                                                         \
    "c.id, c.case_no, c.title, c.kind, c.channel, c.category,"                                            \
    " IFNULL((SELECT label FROM dict_items di WHERE di.type = 'petition_category' AND di.code = c.category), '')" \
    " AS category_label, c.region_id, r.name AS region_name, c.county_id, IFNULL(co.name, '') AS county_name," \
    " c.urgency, c.head_count, c.status, c.received_at, c.unit_id, u.name AS unit_name, c.handling_unit_id,"     \
    " hu.name AS handling_unit_name, c.handler_id, hx.display_name AS handler_name, c.due_step, c.due_date,"       \
    " " CASE_DUE_STATE("?15", "?16") " AS deadline_state,"                                                   \
    " CASE WHEN c.supervised THEN 1 ELSE 0 END AS supervised__b, lx.display_name AS leader_in_charge_name,"   \
    " CASE WHEN c.first_time THEN 1 ELSE 0 END AS first_time__b, c.duplicate_of, c.review_level, c.ext,"     \
    " c.reception_day_id, c.version, c.updated_at,"                                                            \
    " (SELECT json_group_array(json_object('name', p.name, 'phone_masked', p.phone_masked,"                 \
    " 'id_number_masked', p.id_number_masked, 'is_representative',"                                           \
    " json(CASE WHEN p.is_representative THEN 'true' ELSE 'false' END)))"                                     \
    " FROM (SELECT * FROM case_petitioners WHERE case_id = c.id ORDER BY seq) p) AS petitioners__j"
#define ITEM_FROM                                                                                 \
    " FROM cases c JOIN regions r ON r.id = c.region_id LEFT JOIN regions co ON co.id = c.county_id" \
    " JOIN units u ON u.id = c.unit_id LEFT JOIN units hu ON hu.id = c.handling_unit_id"            \
    " LEFT JOIN users hx ON hx.id = c.handler_id LEFT JOIN users lx ON lx.id = c.leader_in_charge"
/* Filters ?17.. (see bind_filter). */
#define FILTER_WHERE                                                                              \
    " WHERE " CASE_VISIBLE                                                                        \
    " AND (?17 IS NULL OR c.status = ?17) AND (?18 IS NULL OR c.channel = ?18)"                   \
    " AND (?19 IS NULL OR c.kind = ?19) AND (?20 IS NULL OR c.category = ?20)"                    \
    " AND (?21 IS NULL OR c.urgency = ?21) AND (?22 = 0 OR c.county_id = ?22)"                    \
    " AND (?23 = 0 OR c.region_id IN (SELECT fr.id FROM regions fr WHERE fr.path LIKE"            \
    " (SELECT pr.path FROM regions pr WHERE pr.id = ?23) || '%'))"                                \
    " AND (?24 = 0 OR c.unit_id = ?24 OR c.handling_unit_id = ?24)"                              \
    " AND (?25 = 0 OR c.reception_day_id = ?25)"                                                  \
    " AND (?26 < 0 OR c.supervised = ?26) AND (?27 < 0 OR c.first_time = ?27)"                    \
    " AND (?28 IS NULL OR c.received_at >= ?28) AND (?29 IS NULL OR c.received_at < ?29)"         \
    " AND (?30 IS NULL OR (" CASE_DUE_STATE("?15", "?16") ") = ?30)"
/* Added only with a keyword: without it the filters read nothing but the cases_list index. */
#define KEYWORD_WHERE                                                                             \
    " AND (" LIKE_CONTAINS("c.case_no", "?31") " OR " LIKE_CONTAINS("c.title", "?31")            \
    " OR " LIKE_CONTAINS("c.content", "?31") " OR c.id IN (SELECT kp.case_id FROM case_petitioners kp" \
    " WHERE " LIKE_CONTAINS("kp.name", "?31") "))"

static const char *nz(const char *s) { return s && *s ? s : NULL; }

/* UTC bounds of local days: from 00:00 of day "from", to 00:00 of the day after "to". */
static void day_bound(const char *day, int next, char out[32])
{
    out[0] = 0;
    cal_day d;
    if (!day || strlen(day) != 10 || day_parse(day, 10, &d)) return;
    if (next) d += 1;
    struct ymd y = day_to_ymd(d);
    struct tm tm = {0};
    tm.tm_year = y.y - 1900;
    tm.tm_mon = y.m - 1;
    tm.tm_mday = y.d;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm); /* local midnight in the deployment zone */
    time_iso(t, out);
}

void st_case_bind_today(struct db_stmt *s, int idx, const struct case_settings *set)
{
    char t[11], w[11];
    cal_day d = st_case_today();
    case_day_str(d, t);
    case_day_str(d + (set->dl.warn_days > 0 ? set->dl.warn_days : 0), w);
    db_bind_text(s, idx, t);
    db_bind_text(s, idx + 1, w);
}

static void bind_filter(struct db_stmt *s, const struct case_filter *f, const char *kw, char from[32], char to[32])
{
    db_bind_text(s, 17, nz(f->status));
    db_bind_text(s, 18, nz(f->channel));
    db_bind_text(s, 19, nz(f->kind));
    db_bind_text(s, 20, nz(f->category));
    db_bind_text(s, 21, nz(f->urgency));
    db_bind_int(s, 22, f->county_id);
    db_bind_int(s, 23, f->region_id);
    db_bind_int(s, 24, f->unit_id);
    db_bind_int(s, 25, f->reception_day_id);
    db_bind_int(s, 26, f->supervised);
    db_bind_int(s, 27, f->first_time);
    day_bound(f->from, 0, from);
    day_bound(f->to, 1, to);
    db_bind_text(s, 28, nz(from));
    db_bind_text(s, 29, nz(to));
    db_bind_text(s, 30, nz(f->deadline_state));
    db_bind_text(s, 31, nz(kw));
}

static const struct sort_col case_sorts[] = {
    {"received_at", "c.received_at"}, {"due_date", "CASE WHEN c.due_date = '' THEN '9999' ELSE c.due_date END"},
    {"case_no", "c.year, c.seq"},     {"updated_at", "c.updated_at"},
    {"id", "c.id"},                   {NULL, NULL}};

static void finish_items(json_t *items)
{
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) add_labels(o);
}

static int list_query(struct db *db, const struct case_viewer *v, const struct case_filter *f,
                      const struct paging *pg, int64_t limit, int64_t offset, int desc, const char *order,
                      json_t **items)
{
    struct case_settings set;
    int rc = st_case_settings_get(db, &set);
    if (rc) return rc;
    /* The page's ids first (filters and order over the cases table alone), then the columns of
     * those rows only: the joins and per-row subqueries never run for rows off the page. */
    char inner[8192], sql[12288];
    int kw = pg && pg->keyword && *pg->keyword;
    store_sql_order(inner, sizeof inner,
                    kw ? "SELECT c.id FROM cases c" FILTER_WHERE KEYWORD_WHERE : "SELECT c.id FROM cases c" FILTER_WHERE,
                    order, desc, ", c.id DESC LIMIT ?32 OFFSET ?33");
    char head[10240];
    snprintf(head, sizeof head, "SELECT " ITEM_COLS ITEM_FROM " WHERE c.id IN (%s)", inner);
    store_sql_order(sql, sizeof sql, head, order, desc, ", c.id DESC");
    struct db_stmt *s = st_case_prepare(db, sql, v);
    if (!s) return SX_EINTERNAL;
    char from[32], to[32];
    st_case_bind_today(s, 15, &set);
    bind_filter(s, f, pg ? pg->keyword : NULL, from, to);
    db_bind_int(s, 32, limit);
    db_bind_int(s, 33, offset);
    if ((rc = db_all_json(s, items))) return rc;
    finish_items(*items);
    struct calendar *cal = calendar_new(db);
    if (!cal) return SX_EINTERNAL;
    add_due_warnings(*items, cal);
    free(cal);
    return SX_OK;
}

int st_case_list(struct db *db, const struct case_viewer *v, const struct case_filter *f, const struct paging *pg,
                 json_t **items, int64_t *total)
{
    *items = NULL;
    const char *order;
    int rc = store_order_by(case_sorts, pg, "c.received_at", &order);
    if (rc) return rc;
    int desc = pg->sort ? pg->desc : 1;
    if ((rc = db_begin_read(db))) return rc;
    struct case_settings set;
    if ((rc = st_case_settings_get(db, &set))) goto done;
    int kw = pg->keyword && *pg->keyword;
    struct db_stmt *s = st_case_prepare(
        db, kw ? "SELECT COUNT(*) FROM cases c" FILTER_WHERE KEYWORD_WHERE : "SELECT COUNT(*) FROM cases c" FILTER_WHERE,
        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    char from[32], to[32];
    st_case_bind_today(s, 15, &set);
    bind_filter(s, f, pg->keyword, from, to);
    if ((rc = db_int(s, total))) goto done;
    rc = list_query(db, v, f, pg, pg->page_size, (pg->page - 1) * pg->page_size, desc, order, items);
done:
    db_commit(db);
    return rc;
}

/* ---------------------------------------------------------------- detail */

/* The calendar warning of a period from start to due: the text when a year it touches is not in
 * the holiday calendar (the due day then follows weekends only), else NULL. */
static json_t *calendar_warning(const struct calendar *cal, cal_day start, cal_day due)
{
    char warn[256];
    if (!due) return json_null();
    if (!start || start > due) start = due;
    return calendar_check_range(cal, start, due, warn, sizeof warn) ? json_string(warn) : json_null();
}

/* One deadline of a period from start; a step already met shows no state but "已完成". */
static json_t *deadline_entry(const struct case_settings *set, const struct calendar *cal, enum deadline_step step,
                              cal_day start, cal_day due, int done)
{
    char d[11];
    case_day_str(due, d);
    enum deadline_state st = deadline_state(due, st_case_today(), set->dl.warn_days);
    return json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:o}", "step", deadline_step_code(step), "label",
                     deadline_due_label(step), "due_date", d, "done", done, "state",
                     done ? "" : deadline_state_code(st), "state_label", done ? "已完成" : deadline_state_label(st),
                     "warning", done ? json_null() : calendar_warning(cal, start, due));
}

static void add_entry(json_t *a, const struct case_settings *set, const struct calendar *cal, enum deadline_step step,
                      cal_day start, int done)
{
    cal_day due;
    if (start && !deadline_for(&set->dl, step, cal, start, &due))
        json_array_append_new(a, deadline_entry(set, cal, step, start, due, done));
}

static json_t *deadlines_json(const struct case_settings *set, const struct calendar *cal, const struct case_facts *r)
{
    json_t *a = json_array();
    enum case_status st = r->cs.status;
    cal_day received = case_local_day(r->received_at), assigned = case_local_day(r->assigned_at),
            replied = case_local_day(r->replied_at), due;
    int after_reply = st == CS_REPLIED || st == CS_CALLED_BACK || st == CS_CLOSED;
    if (!r->cs.review_level) {
        add_entry(a, set, cal, DL_ACCEPT_DECISION, received, st != CS_REGISTERED && st != CS_ACCEPTED);
        /* 告知: the written notice of the acceptance decision (met by 受理 / 不予受理 / 转送). */
        add_entry(a, set, cal, DL_NOTICE, received, st != CS_REGISTERED);
    }
    /* 三个第一 of a first petition: assigned, supervised and called back at once. */
    int first = r->first_time && !r->cs.review_level;
    if (first) add_entry(a, set, cal, DL_FIRST_ASSIGN, received, st != CS_REGISTERED && st != CS_ACCEPTED);
    add_entry(a, set, cal, DL_OBJECTION, assigned, st != CS_ASSIGNED);
    /* 承办告知: the handling unit tells the petitioner it has the matter (met by a contact record
     * or a reply). */
    add_entry(a, set, cal, DL_UNIT_NOTICE, assigned, st == CS_IN_PROGRESS || after_reply);
    if (first && assigned) add_entry(a, set, cal, DL_FIRST_SUPERVISE, assigned, r->supervised || after_reply);
    if ((r->accepted_at[0] || r->cs.review_level) && st != CS_DECLINED && st != CS_FORWARDED &&
        (due = case_close_due(set, cal, r))) {
        cal_day start = case_local_day(r->cs.review_level ? r->received_at : r->accepted_at);
        json_array_append_new(a, deadline_entry(set, cal,
                                                r->cs.review_level == 1   ? DL_REVIEW_ANSWER
                                                : r->cs.review_level == 2 ? DL_RECHECK_ANSWER
                                                                          : DL_CLOSE,
                                                start ? start : received, due, st == CS_CLOSED));
    }
    if (first && replied) add_entry(a, set, cal, DL_FIRST_CALLBACK, replied, st == CS_CALLED_BACK || st == CS_CLOSED);
    enum deadline_step step;
    if ((due = case_review_window(set, cal, r, &step)))
        json_array_append_new(a, deadline_entry(set, cal, step, replied, due, r->cs.review_requested));
    return a;
}

/* A malloc'd notice as a JSON string ("" when out of memory). */
static json_t *notice_json(char *text)
{
    json_t *j = json_string(text ? text : "");
    free(text);
    return j;
}

/* 告知书 text after 受理 or 不予受理 (the notice the petitioner gets). A decline keeps the notice
 * as it was written then (in its timeline event: a repeat's reasons may change later). */
static json_t *notice_text(const struct case_facts *r, const char *decline_reason, json_t *timeline)
{
    if (r->cs.status == CS_DECLINED) {
        size_t i;
        json_t *e;
        const char *kept = NULL;
        json_array_foreach(timeline, i, e)
        {
            const char *ac = json_string_value(json_object_get(e, "action"));
            if (!ac || strcmp(ac, "decline")) continue;
            kept = json_string_value(json_object_get(json_object_get(e, "data"), "notice"));
        }
        if (kept) return json_string(kept);
        return notice_json(case_notice_decline(r->title, decline_reason));
    }
    if (r->accepted_at[0]) {
        char d[11];
        case_day_str(case_local_day(r->accepted_at), d);
        return notice_json(case_notice_accept(r->title, d));
    }
    return json_string("");
}

/* "due_warning" of a case object or list item from its "due_date": the calendar warning of the
 * days from today (or the due day, if earlier) to the due day, null when they are covered. */
static void add_due_warning(json_t *o, const struct calendar *cal)
{
    const char *due = json_string_value(json_object_get(o, "due_date"));
    cal_day d, today = st_case_today();
    json_t *w = json_null();
    if (due && *due && day_parse_exact(due, &d)) w = calendar_warning(cal, today < d ? today : d, d);
    json_object_set_new(o, "due_warning", w);
}

static void add_due_warnings(json_t *items, const struct calendar *cal)
{
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) add_due_warning(o, cal);
}

int st_case_due_warnings(struct db *db, json_t *items)
{
    struct calendar *cal = calendar_new(db);
    if (!cal) return SX_EINTERNAL;
    add_due_warnings(items, cal);
    free(cal);
    return SX_OK;
}

/* The case this one repeats, as the clerk needs it to tell the petitioner its progress (2022 art.
 * 19): number, status, next deadline and handling unit — the matter is the petitioner's own,
 * so this much is shown even when the original is outside the viewer's scope (its title only
 * when it is visible). NULL when the case repeats nothing. */
static int repeat_of_json(struct db *db, const struct case_viewer *v, const struct case_settings *set,
                          const struct case_facts *r, json_t **out)
{
    *out = NULL;
    if (!r->duplicate_of) return SX_OK;
    struct db_stmt *s = st_case_prepare(
        db,
        "SELECT c.id, c.case_no, c.status, c.due_step, c.due_date, " CASE_DUE_STATE("?15", "?16") " AS deadline_state,"
        " IFNULL(hu.name, '') AS handling_unit_name,"
        " CASE WHEN c.matter_final THEN 1 ELSE 0 END AS final__b, c.replied_at, c.closed_at,"
        " CASE WHEN " CASE_VISIBLE " THEN c.title ELSE NULL END AS title,"
        " CASE WHEN " CASE_VISIBLE " THEN 1 ELSE 0 END AS visible__b"
        " FROM cases c LEFT JOIN units hu ON hu.id = c.handling_unit_id WHERE c.id = ?17",
        v);
    if (!s) return SX_EINTERNAL;
    st_case_bind_today(s, 15, set);
    db_bind_int(s, 17, r->duplicate_of);
    int rc = db_one_json(s, out);
    if (rc || !*out) return rc;
    /* A 检举控告 is the petitioner's matter too, but its existence is for its viewers only. */
    if (!json_is_true(json_object_get(*out, "visible"))) {
        int64_t k = 0;
        if ((rc = one_int(db, "SELECT kind = 'report' FROM cases WHERE id = ?", r->duplicate_of, &k))) {
            json_decref(*out);
            *out = NULL;
            return rc;
        }
        if (k) {
            json_decref(*out);
            *out = json_pack("{s:b,s:b}", "visible", 0, "open", r->cs.open_repeat);
            return *out ? SX_OK : SX_EINTERNAL;
        }
    }
    add_labels(*out);
    json_object_set_new(*out, "open", json_boolean(r->cs.open_repeat));
    return SX_OK;
}

/* 首办负责制: a repeat goes by default to the handling unit and handler of the first case of the
 * matter (the start of its repeat chain) when the handler is still active there. */
int st_case_routing_hint(struct db *db, const struct case_facts *r, json_t **out)
{
    *out = NULL;
    if (!r->duplicate_of) return SX_OK;
    int64_t first = r->duplicate_of;
    for (int i = 0; i < 8; i++) { /* a bad chain cannot loop */
        int64_t next = 0;
        if (one_int(db, "SELECT IFNULL(duplicate_of, 0) FROM cases WHERE id = ?", first, &next) || !next ||
            next == r->id)
            break;
        first = next;
    }
    struct db_stmt *s = db_prepare(
        db, "SELECT c.id AS case_id, c.case_no, c.handling_unit_id AS unit_id, u.name AS unit_name,"
            " CASE WHEN h.status = 'active' AND h.unit_id = c.handling_unit_id THEN c.handler_id END AS handler_id,"
            " CASE WHEN h.status = 'active' AND h.unit_id = c.handling_unit_id THEN h.display_name END AS handler_name"
            " FROM cases c JOIN units u ON u.id = c.handling_unit_id LEFT JOIN users h ON h.id = c.handler_id"
            " WHERE c.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, first);
    return db_one_json(s, out);
}

int st_case_get(struct db *db, const struct case_viewer *v, int64_t id, json_t **out)
{
    *out = NULL;
    int rc = db_begin_read(db);
    if (rc) return rc;
    struct calendar *cal = NULL;
    json_t *o = NULL;
    struct case_facts row;
    if ((rc = st_case_row(db, v, id, &row))) goto done;
    struct case_settings set;
    if ((rc = st_case_settings_get(db, &set))) goto done;
    struct db_stmt *s = st_case_prepare(
        db,
        "SELECT " ITEM_COLS ", c.content, c.accused_unit_id, au2.name AS accused_unit_name, c.parent_case_id,"
        " c.forward_to, c.decline_reason, c.reply_text, c.outcome,"
        " CASE WHEN c.resolved IS NULL THEN NULL WHEN c.resolved THEN json('true') ELSE json('false') END AS resolved__j,"
        " c.satisfaction, c.public_rating, c.supervise_comment, c.extension_days, c.assign_deadline, c.accepted_at,"
        " c.assigned_at, c.signed_at, c.replied_at, c.called_back_at, c.closed_at, c.source, c.created_at,"
        " c.forward_unit_id, fu.name AS forward_unit_name, c.ext_reason,"
        " CASE WHEN c.matter_final THEN 1 ELSE 0 END AS matter_final__b"
        ITEM_FROM " LEFT JOIN units au2 ON au2.id = c.accused_unit_id LEFT JOIN units fu ON fu.id = c.forward_unit_id"
        " WHERE " CASE_VISIBLE " AND c.id = ?17",
        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    st_case_bind_today(s, 15, &set);
    db_bind_int(s, 17, id);
    if ((rc = db_one_json(s, &o))) goto done;
    if (!o) {
        rc = SX_ENOTFOUND;
        goto done;
    }
    add_labels(o);
    /* Petitioners with their ids (for the PII view) and addresses. */
    s = db_prepare(db, "SELECT id, seq, name, id_number_masked, phone_masked, address,"
                       " CASE WHEN is_representative THEN 1 ELSE 0 END AS is_representative__b"
                       " FROM case_petitioners WHERE case_id = ? ORDER BY seq");
    json_t *a = NULL;
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    db_bind_int(s, 1, id);
    if ((rc = db_all_json(s, &a))) goto done;
    json_object_set_new(o, "petitioners", a);
    /* Timeline with the attachments bound to each event. */
    s = db_prepare(db, "SELECT e.id, e.action, e.from_status, e.to_status, e.actor_name, e.at, e.note,"
                       " e.data AS data__j, CASE WHEN e.public THEN 1 ELSE 0 END AS public__b,"
                       " (SELECT json_group_array(json_object('id', ca.id, 'name', ca.name, 'mime', ca.mime,"
                       " 'size', ca.size)) FROM case_attachments ca WHERE ca.event_id = e.id) AS attachments__j"
                       " FROM case_events e WHERE e.case_id = ? ORDER BY e.id");
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    db_bind_int(s, 1, id);
    if ((rc = db_all_json(s, &a))) goto done;
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        const char *ac = json_string_value(json_object_get(e, "action"));
        int ai = case_action_from_code(ac);
        const char *label = ai >= 0                    ? case_action_label((enum case_action)ai)
                            : !strcmp(ac, "register")  ? "登记"
                            : !strcmp(ac, "link")      ? "关联事项"
                            : !strcmp(ac, "attach")    ? "上传附件"
                            : !strcmp(ac, "rate")      ? "群众评价"
                            : !strcmp(ac, "query_code") ? "重新发放查询码"
                                                       : ac;
        json_object_set_new(e, "action_label", json_string(label));
        set_label(e, "from_status", "from_status_label", case_status_label_of);
        set_label(e, "to_status", "to_status_label", case_status_label_of);
    }
    json_object_set_new(o, "timeline", a);
    s = db_prepare(db, "SELECT ca.id, ca.name, ca.mime, ca.size, ca.sha256, IFNULL(uu.display_name, '群众')"
                       " AS uploaded_by_name, ca.created_at, ca.event_id FROM case_attachments ca"
                       " LEFT JOIN users uu ON uu.id = ca.uploaded_by WHERE ca.case_id = ? ORDER BY ca.id");
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    db_bind_int(s, 1, id);
    if ((rc = db_all_json(s, &a))) goto done;
    json_object_set_new(o, "attachments", a);
    /* Links: only to cases the viewer may see. */
    s = st_case_prepare(db,
                        "SELECT c.id AS case_id, c.case_no, c.title, c.status, l.kind FROM case_links l"
                        " JOIN cases c ON c.id = l.other_id WHERE l.case_id = ?15 AND " CASE_VISIBLE
                        " ORDER BY l.created_at, c.id",
                        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    db_bind_int(s, 15, id);
    if ((rc = db_all_json(s, &a))) goto done;
    json_array_foreach(a, i, e)
    {
        set_label(e, "status", "status_label", case_status_label_of);
        set_label(e, "kind", "kind_label", link_label);
    }
    json_object_set_new(o, "links", a);
    if (!(cal = calendar_new(db))) {
        rc = SX_EINTERNAL;
        goto done;
    }
    json_object_set_new(o, "deadlines", deadlines_json(&set, cal, &row));
    add_due_warning(o, cal);
    json_object_set_new(o, "open_repeat", json_boolean(row.cs.open_repeat));
    json_t *rep = NULL, *hint = NULL;
    if ((rc = repeat_of_json(db, v, &set, &row, &rep)) || (rc = st_case_routing_hint(db, &row, &hint))) goto done;
    json_object_set_new(o, "repeat_of", rep ? rep : json_null());
    json_object_set_new(o, "routing_hint", hint ? hint : json_null());
    struct case_actor who = case_actor_of(v);
    json_object_set_new(o, "allowed_actions", case_allowed_json(&set, cal, &who, &row, st_case_today(), 1));
    json_object_set_new(o, "can_view_pii", json_boolean(v->perms & perm_bit(P_CASE_PII)));
    json_object_set_new(o, "notice_text", notice_text(&row, json_string_value(json_object_get(o, "decline_reason")),
                                                      json_object_get(o, "timeline")));
    *out = o;
    o = NULL;
done:
    free(cal);
    json_decref(o);
    db_commit(db);
    return rc;
}

int st_case_handlers(struct db *db, json_t **out)
{
    struct db_stmt *s = db_prepare(
        db, "SELECT u.id AS unit_id, u.name AS unit_name, u.path, u.org_type,"
            " json_group_array(json_object('id', us.id, 'display_name', us.display_name, 'username', us.username))"
            " AS users__j FROM units u JOIN (SELECT * FROM users ORDER BY id) us ON us.unit_id = u.id"
            " WHERE us.status = 'active' AND us.kind = 'person' AND EXISTS (SELECT 1 FROM user_roles ur JOIN role_perms rp"
            " ON rp.role_id = ur.role_id WHERE ur.user_id = us.id AND rp.perm IN ('case:sign', 'case:reply'))"
            " GROUP BY u.id ORDER BY u.path");
    if (!s) return SX_EINTERNAL;
    return db_all_json(s, out);
}

int st_case_organs(struct db *db, const char *org_type, json_t **out)
{
    struct db_stmt *s = db_prepare(db, "SELECT u.id, u.name, u.path, u.org_type, IFNULL(r.name, '') AS region_name"
                                       " FROM units u LEFT JOIN regions r ON r.id = u.region_id"
                                       " WHERE u.org_type <> '' AND (?1 IS NULL OR u.org_type = ?1)"
                                       " ORDER BY u.path");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, org_type && *org_type ? org_type : NULL);
    int rc = db_all_json(s, out);
    if (rc) return rc;
    size_t i;
    json_t *o;
    json_array_foreach(*out, i, o)
        json_object_set_new(o, "org_type_label",
                            json_string(case_org_type_label(json_string_value(json_object_get(o, "org_type")))));
    return SX_OK;
}
