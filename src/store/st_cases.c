/* Petition cases: registration, lists, detail, the personal-data view and workflow actions.
 * The rules are the domain's (case_flow.c, deadline.c); this file stores what they decide.
 * Every statement that reads a case carries CASE_VISIBLE (st_case.h). */
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

/* Local (deployment zone) day of a stored UTC ISO time; 0 when empty or malformed. */
static cal_day local_day(const char *iso)
{
    time_t t;
    if (!iso || !*iso || time_parse_iso(iso, &t)) return 0;
    char d[16];
    time_local_date(t, d);
    cal_day day;
    return day_parse(d, 10, &day) ? 0 : day;
}

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

static void fmt_day(cal_day d, char out[11])
{
    if (d) day_format(d, out);
    else out[0] = 0;
}

/* ---------------------------------------------------------------- state of a case row */

/* What actions and deadlines need to know about one case. */
struct case_row {
    int64_t id, version, unit_id, handling_unit_id, handler_id, leader_in_charge, accused_unit_id,
        accused_user_id, parent_case_id, extension_days, region_id, county_id, duplicate_of;
    struct case_state cs;
    int first_time, supervised;
    char status[16], kind[16], title[512];
    char received_at[32], accepted_at[32], assigned_at[32], replied_at[32], assign_deadline[16];
    char handling_path[200]; /* materialised path of the handling unit, "" when none */
    char dup_status[16];     /* status of the case this one repeats, "" when none */
};

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

static void read_row(struct db_stmt *s, struct case_row *r)
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
    /* A repeat of a matter still in handling is not accepted again (2022 art. 19); once the
     * original has ended it may be (and goes to the first handling unit, 首办负责制). */
    int ds = case_status_from_code(r->dup_status);
    r->cs.open_repeat = r->duplicate_of && ds >= 0 && !case_status_terminal((enum case_status)ds) &&
                        !r->cs.matter_final;
}

/* A visible case's row; SX_ENOTFOUND when it does not exist or is not visible. */
static int load_row(struct db *db, const struct case_viewer *v, int64_t id, struct case_row *r)
{
    struct db_stmt *s = st_case_prepare(db, "SELECT " ROW_COLS " FROM cases c WHERE " CASE_VISIBLE " AND c.id = ?15", v);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 15, id);
    int rc = db_step(s);
    if (rc == DB_ROW) read_row(s, r);
    db_reset(s);
    if (rc == DB_ROW) return SX_OK;
    return rc == DB_DONE ? SX_ENOTFOUND : rc;
}

/* ---------------------------------------------------------------- deadlines */

struct due {
    enum deadline_step step;
    cal_day day; /* 0: none running */
};

/* The close (or review answer) deadline of a case in handling. */
static cal_day close_due(const struct case_settings *set, const struct calendar *cal, const struct case_row *r)
{
    enum deadline_step step = r->cs.review_level == 1 ? DL_REVIEW_ANSWER
                              : r->cs.review_level == 2 ? DL_RECHECK_ANSWER
                                                        : DL_CLOSE;
    cal_day start = r->cs.review_level ? local_day(r->received_at) : local_day(r->accepted_at);
    if (!start) start = local_day(r->received_at);
    cal_day due = 0;
    if (!start || deadline_for(&set->dl, step, cal, start, &due)) return 0;
    if (r->cs.ext == EXT_APPROVED && r->extension_days > 0) {
        cal_day ext;
        if (!deadline_extend(&set->dl, cal, due, (int)r->extension_days, 0, &ext, NULL)) due = ext;
    }
    if (r->assign_deadline[0]) {
        cal_day ad, ext;
        if (!day_parse(r->assign_deadline, strlen(r->assign_deadline), &ad)) {
            /* The 交办 deadline is extended like the statutory one: counted on from it and moved
             * off a rest day (it used to be plain addition, ending on a Saturday). */
            if (r->cs.ext == EXT_APPROVED && r->extension_days > 0 &&
                !deadline_extend(&set->dl, cal, ad, (int)r->extension_days, 0, &ext, NULL))
                ad = ext;
            if (ad < due) due = ad;
        }
    }
    return due;
}

/* A 三个第一 target of a first petition (初信初访): step from start; day 0 when not applicable. */
static struct due first_target(const struct case_settings *set, const struct calendar *cal,
                               const struct case_row *r, enum deadline_step step, const char *start_iso)
{
    struct due d = {step, 0};
    if (!r->first_time || r->cs.review_level) return d;
    cal_day start = local_day(start_iso);
    if (!start || deadline_for(&set->dl, step, cal, start, &d.day)) d.day = 0;
    return d;
}

/* The next running deadline of a case in its current state. */
static struct due next_due(const struct case_settings *set, const struct calendar *cal, const struct case_row *r)
{
    struct due d = {DL_ACCEPT_DECISION, 0};
    switch (r->cs.status) {
    case CS_REGISTERED:
    case CS_ACCEPTED:
        if (r->cs.review_level) {
            d.step = r->cs.review_level == 1 ? DL_REVIEW_ANSWER : DL_RECHECK_ANSWER;
            d.day = close_due(set, cal, r);
        } else {
            d.step = DL_ACCEPT_DECISION;
            if (deadline_for(&set->dl, DL_ACCEPT_DECISION, cal, local_day(r->received_at), &d.day)) d.day = 0;
        }
        break;
    case CS_ASSIGNED:
        d.step = DL_OBJECTION;
        if (deadline_for(&set->dl, DL_OBJECTION, cal, local_day(r->assigned_at), &d.day)) d.day = 0;
        break;
    case CS_SIGNED:
    case CS_IN_PROGRESS:
    case CS_REPLIED:
    case CS_CALLED_BACK:
        d.step = r->cs.review_level == 1 ? DL_REVIEW_ANSWER : r->cs.review_level == 2 ? DL_RECHECK_ANSWER : DL_CLOSE;
        d.day = close_due(set, cal, r);
        break;
    default:
        break;
    }
    return d;
}

/* The window in which the petitioner may ask for 复查 (original case) or 复核 (a 复查 case):
 * from the reply day. 0 when not applicable. */
static cal_day review_window(const struct case_settings *set, const struct calendar *cal, const struct case_row *r,
                             enum deadline_step *step)
{
    if (r->cs.review_level >= 2) return 0;
    cal_day start = local_day(r->replied_at);
    if (!start) return 0;
    *step = r->cs.review_level == 0 ? DL_REVIEW_REQUEST : DL_RECHECK_REQUEST;
    cal_day due;
    return deadline_for(&set->dl, *step, cal, start, &due) ? 0 : due;
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
        fmt_day(local_day(json_string_value(v)), d);
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
    fmt_day(d, t);
    fmt_day(d + (set->dl.warn_days > 0 ? set->dl.warn_days : 0), w);
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

static const char *const need_names[] = {"reason", "forward_to", "unit_id", "handler_id", "deadline", "contact",
                                         "reply_text", "outcome", "callback", "extend_days", "kind"};

/* 1 when v belongs to the handling side of the case (签收, 退回, 联系, 答复, 延期申请). */
static int is_handling_side(const struct case_viewer *v, const struct case_row *r)
{
    return (r->handling_unit_id && r->handling_unit_id == v->unit_id) || (r->handler_id && r->handler_id == v->user_id);
}

static int handling_side_action(enum case_action a)
{
    return a == CA_SIGN || a == CA_RETURN || a == CA_CONTACT || a == CA_REPLY || a == CA_EXTEND_REQUEST;
}

/* 0 when v may take action a on r as far as permissions go; SX_EFORBIDDEN with *why otherwise. */
static int may_act(const struct case_settings *set, const struct case_viewer *v, const struct case_row *r,
                   enum case_action a, const char **why)
{
    int p = perm_from_code(case_action_perm(a));
    if (p < 0 || !(v->perms & perm_bit(p))) {
        *why = "您没有该操作的权限";
        return SX_EFORBIDDEN;
    }
    if (handling_side_action(a) && !is_handling_side(v, r)) {
        *why = "只有承办单位可以进行该操作";
        return SX_EFORBIDDEN;
    }
    /* 延期 is approved by the head of the handling organ (2022 art. 34), not by any holder of
     * the permission. */
    if ((a == CA_EXTEND_APPROVE || a == CA_EXTEND_REJECT) &&
        !case_ext_approver_ok(set->ext_approval, v->unit_path, r->handling_path)) {
        *why = set->ext_approval == EXTA_UNIT_ONLY ? "延期须由承办单位负责人审批"
                                                   : "延期须由承办单位或其上级单位的负责人审批";
        return SX_EFORBIDDEN;
    }
    return SX_OK;
}

/* 退回 and the review requests are open only inside their windows. */
static int window_open(const struct case_settings *set, const struct calendar *cal, const struct case_row *r,
                       enum case_action a, const char **why)
{
    if (a == CA_RETURN) {
        /* 退回: the unit objects within the objection period after the assignment (art. 23). */
        cal_day due;
        if (!deadline_for(&set->dl, DL_OBJECTION, cal, local_day(r->assigned_at), &due) && st_case_today() > due) {
            *why = "已超过退回异议期限（交办之日起5个工作日内），请按程序办理";
            return SX_ECONFLICT;
        }
        return SX_OK;
    }
    if (a != CA_REVIEW_REQUEST && a != CA_RECHECK_REQUEST) return SX_OK;
    enum deadline_step step;
    cal_day due = review_window(set, cal, r, &step);
    if (!due || st_case_today() > due) {
        *why = a == CA_REVIEW_REQUEST ? "已超过复查申请期限（收到答复之日起30日内）"
                                      : "已超过复核申请期限（收到复查意见之日起30日内）";
        return SX_ECONFLICT;
    }
    return SX_OK;
}

/* [{code,label,needs}] of the actions v may take on r now. */
static json_t *allowed_json(const struct case_settings *set, const struct calendar *cal,
                            const struct case_viewer *v, const struct case_row *r, int with_needs)
{
    enum case_action acts[CA__COUNT];
    int n = case_flow_allowed(&r->cs, acts, CA__COUNT);
    json_t *out = json_array();
    for (int i = 0; i < n && i < CA__COUNT; i++) {
        const char *why;
        if (may_act(set, v, r, acts[i], &why) || window_open(set, cal, r, acts[i], &why)) continue;
        json_t *o = json_pack("{s:s,s:s}", "code", case_action_code(acts[i]), "label", case_action_label(acts[i]));
        if (with_needs) {
            json_t *needs = json_array();
            unsigned bits = case_action_needs(&r->cs, acts[i]);
            for (unsigned b = 0; b < sizeof need_names / sizeof need_names[0]; b++)
                if (bits & (1u << b)) json_array_append_new(needs, json_string(need_names[b]));
            json_object_set_new(o, "needs", needs);
        }
        json_array_append_new(out, o);
    }
    return out;
}

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
    fmt_day(due, d);
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

static json_t *deadlines_json(const struct case_settings *set, const struct calendar *cal, const struct case_row *r)
{
    json_t *a = json_array();
    enum case_status st = r->cs.status;
    cal_day received = local_day(r->received_at), assigned = local_day(r->assigned_at),
            replied = local_day(r->replied_at), due;
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
        (due = close_due(set, cal, r))) {
        cal_day start = local_day(r->cs.review_level ? r->received_at : r->accepted_at);
        json_array_append_new(a, deadline_entry(set, cal,
                                                r->cs.review_level == 1   ? DL_REVIEW_ANSWER
                                                : r->cs.review_level == 2 ? DL_RECHECK_ANSWER
                                                                          : DL_CLOSE,
                                                start ? start : received, due, st == CS_CLOSED));
    }
    if (first && replied) add_entry(a, set, cal, DL_FIRST_CALLBACK, replied, st == CS_CALLED_BACK || st == CS_CLOSED);
    enum deadline_step step;
    if ((due = review_window(set, cal, r, &step)))
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
static json_t *notice_text(const struct case_row *r, const char *decline_reason, json_t *timeline)
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
        fmt_day(local_day(r->accepted_at), d);
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
                          const struct case_row *r, json_t **out)
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
static int routing_hint_json(struct db *db, const struct case_row *r, json_t **out)
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
    struct case_row row;
    if ((rc = load_row(db, v, id, &row))) goto done;
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
    if ((rc = repeat_of_json(db, v, &set, &row, &rep)) || (rc = routing_hint_json(db, &row, &hint))) goto done;
    json_object_set_new(o, "repeat_of", rep ? rep : json_null());
    json_object_set_new(o, "routing_hint", hint ? hint : json_null());
    json_object_set_new(o, "allowed_actions", allowed_json(&set, cal, v, &row, 1));
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

int st_case_pii(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id, json_t **out)
{
    *out = NULL;
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct case_row row;
    json_t *items = json_array();
    if ((rc = load_row(db, v, id, &row))) goto fail;
    struct db_stmt *s = db_prepare(db, "SELECT id, name, id_number_enc, phone_enc FROM case_petitioners"
                                       " WHERE case_id = ? ORDER BY seq");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_int(s, 1, id);
    while ((rc = db_step(s)) == DB_ROW) {
        char idn[300], ph[300];
        if (pii_open(db_col_text(s, 2), idn, sizeof idn) || pii_open(db_col_text(s, 3), ph, sizeof ph)) {
            log_error("case %lld: a petitioner's sealed data does not open with this key", (long long)id);
            snprintf(idn, sizeof idn, "（无法解密）");
            snprintf(ph, sizeof ph, "（无法解密）");
        }
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                                               db_col_text(s, 1), "id_number", idn, "phone", ph));
        sodium_memzero(idn, sizeof idn); /* the plain values live on only in the answer */
        sodium_memzero(ph, sizeof ph);
    }
    db_reset(s);
    if (rc != DB_DONE) goto fail;
    char d[64], idt[24];
    snprintf(d, sizeof d, "{\"petitioners\":%zu}", json_array_size(items));
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    if ((rc = st_audit_append(db, a, "case.pii_view", "case", idt, 1, d))) goto fail;
    if ((rc = db_commit(db))) goto fail2;
    *out = json_pack("{s:o}", "petitioners", items);
    return SX_OK;
fail:
    db_rollback(db);
fail2:
    json_decref(items);
    return rc;
}

/* ---------------------------------------------------------------- writing helpers */

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

static int id_exists(struct db *db, const char *sql, int64_t id)
{
    int64_t x;
    return one_int(db, sql, id, &x) == SX_OK;
}

/* Inserts a timeline event; its id into *event_id (may be NULL). data: JSON text or NULL. */
static int add_event(struct db *db, const struct audit_ctx *a, int64_t case_id, const char *action, const char *from,
                     const char *to, const char *note, const char *data, int public_, int64_t *event_id)
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
    if (a && a->user_id > 0) db_bind_int(s, 5, a->user_id);
    else db_bind_null(s, 5);
    db_bind_text(s, 6, a && a->username && *a->username ? a->username : "群众");
    db_bind_text(s, 7, now);
    db_bind_text(s, 8, note ? note : "");
    db_bind_text(s, 9, data ? data : "{}");
    db_bind_int(s, 10, public_ ? 1 : 0);
    int rc = db_run(s);
    if (!rc && event_id) *event_id = db_last_id(db);
    return rc;
}

static int add_link(struct db *db, int64_t a_id, int64_t b_id, const char *kind, int64_t user_id)
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
        if (user_id > 0) db_bind_int(s, 4, user_id);
        else db_bind_null(s, 4);
        db_bind_text(s, 5, now);
        int rc = db_run(s);
        if (rc) return rc;
    }
    return SX_OK;
}

/* Recomputes and stores the next deadline of case id (after its row changed). */
/* Stores the next deadline of case id from its current row. set and cal: the caller's, or NULL
 * to load them. */
/* The 三个第一 target of a first petition (初信初访) at its stage — assigned, supervised and
 * called back at once — beside the statutory deadline (which alone is due_date: a missed target
 * is not an overdue case). 我的待办 orders and marks the stage's task by it. day 0: none. */
static struct due target_of(const struct case_settings *set, const struct calendar *cal, const struct case_row *r)
{
    switch (r->cs.status) {
    case CS_REGISTERED:
    case CS_ACCEPTED: return first_target(set, cal, r, DL_FIRST_ASSIGN, r->received_at);
    case CS_ASSIGNED:
    case CS_SIGNED:
    case CS_IN_PROGRESS:
        if (!r->supervised) return first_target(set, cal, r, DL_FIRST_SUPERVISE, r->assigned_at);
        break;
    case CS_REPLIED: return first_target(set, cal, r, DL_FIRST_CALLBACK, r->replied_at);
    default: break;
    }
    return (struct due){DL_FIRST_ASSIGN, 0};
}

static int store_due(struct db *db, int64_t id, const struct case_settings *set, const struct calendar *cal)
{
    struct db_stmt *s = db_prepare(db, "SELECT " ROW_COLS " FROM cases c WHERE c.id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, id);
    struct case_row row;
    int rc = db_step(s);
    if (rc == DB_ROW) read_row(s, &row);
    db_reset(s);
    if (rc != DB_ROW) return rc == DB_DONE ? SX_ENOTFOUND : rc;
    struct case_settings own_set;
    struct calendar *own_cal = NULL;
    if (!set) {
        if ((rc = st_case_settings_get(db, &own_set))) return rc;
        set = &own_set;
    }
    if (!cal && !(cal = own_cal = calendar_new(db))) return SX_EINTERNAL;
    struct due d = next_due(set, cal, &row);
    struct due t = target_of(set, cal, &row);
    char day[11], tday[11];
    fmt_day(d.day, day);
    fmt_day(t.day, tday);
    free(own_cal);
    s = db_prepare(db, "UPDATE cases SET due_step = ?, due_date = ?, target_step = ?, target_due = ? WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_text(s, 1, d.day ? deadline_step_code(d.step) : "");
    db_bind_text(s, 2, day);
    db_bind_text(s, 3, t.day ? deadline_step_code(t.step) : "");
    db_bind_text(s, 4, tday);
    db_bind_int(s, 5, id);
    return db_run(s);
}

int st_case_due_batch(struct db *db, const struct case_settings *set, const struct calendar *cal, int64_t *cursor,
                      int limit, int *more)
{
    *more = 0;
    /* Cases with a running deadline; terminal ones have none and keep it that way. */
    struct db_stmt *s = db_prepare(db, "SELECT " ROW_COLS " FROM cases c WHERE c.id > ?1 AND c.status NOT IN"
                                       " ('declined', 'forwarded', 'closed') ORDER BY c.id LIMIT ?2");
    struct db_stmt *u = db_prepare(db, "UPDATE cases SET due_step = ?1, due_date = ?2, target_step = ?4, target_due = ?5"
                                       " WHERE id = ?3 AND (due_step <> ?1 OR due_date <> ?2 OR target_step <> ?4"
                                       " OR target_due <> ?5)");
    if (!s || !u) return SX_EINTERNAL;
    if (limit <= 0) limit = 1;
    db_bind_int(s, 1, *cursor);
    db_bind_int(s, 2, limit);
    /* Collect first: the update statement must not run while the select is stepping. */
    struct {
        int64_t id;
        char step[24], day[11], tstep[24], tday[11];
    } *rows = malloc((size_t)limit * sizeof *rows);
    if (!rows) {
        db_reset(s);
        return SX_EINTERNAL;
    }
    int n = 0, rc;
    while (n < limit && (rc = db_step(s)) == DB_ROW) {
        struct case_row row;
        read_row(s, &row);
        struct due d = next_due(set, cal, &row);
        rows[n].id = row.id;
        snprintf(rows[n].step, sizeof rows[n].step, "%s", d.day ? deadline_step_code(d.step) : "");
        fmt_day(d.day, rows[n].day);
        struct due t = target_of(set, cal, &row);
        snprintf(rows[n].tstep, sizeof rows[n].tstep, "%s", t.day ? deadline_step_code(t.step) : "");
        fmt_day(t.day, rows[n].tday);
        n++;
    }
    if (n == limit) rc = DB_DONE;
    db_reset(s);
    if (rc != DB_DONE) {
        free(rows);
        return rc == DB_ROW ? SX_EINTERNAL : rc;
    }
    rc = SX_OK;
    for (int k = 0; k < n && !rc; k++) {
        db_bind_text(u, 1, rows[k].step);
        db_bind_text(u, 2, rows[k].day);
        db_bind_int(u, 3, rows[k].id);
        db_bind_text(u, 4, rows[k].tstep);
        db_bind_text(u, 5, rows[k].tday);
        rc = db_run(u);
    }
    if (!rc && n) *cursor = rows[n - 1].id;
    *more = !rc && n == limit;
    free(rows);
    return rc;
}

int st_case_recompute_due(struct db *db)
{
    struct case_settings set;
    int rc = st_case_settings_get(db, &set);
    if (rc) return rc;
    struct calendar *cal = calendar_new(db);
    if (!cal) return SX_EINTERNAL;
    int64_t cursor = 0;
    int more = 1;
    while (!rc && more) rc = st_case_due_batch(db, &set, cal, &cursor, 1000, &more);
    free(cal);
    return rc;
}

/* The county (level 2 region) at or above a region, from its path; 0 when above county level. */
static int region_county(struct db *db, int64_t region_id, int64_t *county)
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

/* Last four digits of a normalised phone (before an extension). */
static void phone_last4(const char *phone, char out[5])
{
    out[0] = 0;
    size_t n = strcspn(phone, "#");
    if (n < 4) return;
    memcpy(out, phone + n - 4, 4);
    out[4] = 0;
}

static int insert_petitioner(struct db *db, int64_t case_id, int seq, const struct case_petitioner_in *p)
{
    char id_enc[400], ph_enc[400], id_mask[PERSON_ID_BUF + 8], ph_mask[PHONE_BUF], id_hash[PII_HASH_BUF],
        ph_hash[PII_HASH_BUF], l4_hash[PII_HASH_BUF], l4[5];
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
    if (*idn) {
        pii_hash("id", idn, id_hash);
        db_bind_text(s, 6, id_hash);
    } else {
        db_bind_null(s, 6);
    }
    db_bind_text(s, 7, ph_enc);
    db_bind_text(s, 8, ph_mask);
    phone_last4(ph, l4);
    if (*ph) {
        pii_hash("phone", ph, ph_hash);
        db_bind_text(s, 9, ph_hash);
    } else {
        db_bind_null(s, 9);
    }
    if (l4[0]) {
        pii_hash("last4", l4, l4_hash);
        db_bind_text(s, 10, l4_hash);
    } else {
        db_bind_null(s, 10);
    }
    db_bind_text(s, 11, p->address ? p->address : "");
    db_bind_int(s, 12, p->is_representative ? 1 : 0);
    return db_run(s);
}

/* Repeat detection for an intake (st_case_repeat.c) with the same viewer the form's match uses. */
static int analyse_intake(struct db *db, const struct case_viewer *v, const struct case_in *in, struct case_repeat *rep)
{
    const char *ids[CASE_MAX_PETITIONERS], *phones[CASE_MAX_PETITIONERS];
    struct case_match_in m = {.region_id = in->region_id, .category = in->category, .kind = in->kind,
                              .title = in->title, .content = in->content, .id_numbers = ids, .phones = phones};
    for (int i = 0; i < in->n_pet && i < CASE_MAX_PETITIONERS; i++) {
        if (in->pet[i].id_number && *in->pet[i].id_number) ids[m.n_ids++] = in->pet[i].id_number;
        if (in->pet[i].phone && *in->pet[i].phone) phones[m.n_phones++] = in->pet[i].phone;
    }
    return st_case_repeat_analyse(db, v, &m, rep, NULL);
}

/* A new query code stored as its keyed hash; retried on the (astronomically unlikely) clash. */
static int set_query_code(struct db *db, int64_t id, char code[QUERY_CODE_BUF])
{
    for (int attempt = 0; attempt < 4; attempt++) {
        query_code_generate(code);
        char h[PII_HASH_BUF];
        pii_hash("query", code, h);
        struct db_stmt *s = db_prepare(db, "UPDATE cases SET query_hash = ? WHERE id = ?"
                                           " AND NOT EXISTS (SELECT 1 FROM cases WHERE query_hash = ?1)");
        if (!s) return SX_EINTERNAL;
        db_bind_text(s, 1, h);
        db_bind_int(s, 2, id);
        int rc = db_run(s);
        if (rc) return rc;
        if (db_changes(db) == 1) return SX_OK;
    }
    return SX_EINTERNAL;
}

/* ---------------------------------------------------------------- create */

int st_case_create(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, const struct case_in *in,
                   char query_code[QUERY_CODE_BUF], int64_t *id, const char **field)
{
    *field = NULL;
    query_code[0] = 0;
    int rc = db_begin_write(db);
    if (rc) return rc;
    int64_t county = 0, unit_id = in->unit_id ? in->unit_id : (v ? v->unit_id : 0);
    rc = region_county(db, in->region_id, &county);
    if (rc == SX_ENOTFOUND) {
        *field = "region_id";
        rc = SX_EVALIDATION;
    }
    if (rc) goto fail;
#define REQUIRE(cond, f)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            *field = (f);                                                                         \
            rc = SX_EVALIDATION;                                                                  \
            goto fail;                                                                            \
        }                                                                                         \
    } while (0)
    {
        struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM dict_items WHERE type = 'petition_category'"
                                           " AND code = ? AND enabled = 1");
        int64_t n = 0;
        if (!s) {
            rc = SX_EINTERNAL;
            goto fail;
        }
        db_bind_text(s, 1, in->category);
        if ((rc = db_int(s, &n))) goto fail;
        REQUIRE(n == 1, "category");
    }
    REQUIRE(unit_id > 0 && id_exists(db, "SELECT id FROM units WHERE id = ?", unit_id), "unit_id");
    if (in->reception_day_id)
        REQUIRE(id_exists(db, "SELECT id FROM reception_days WHERE id = ? AND published = 1", in->reception_day_id),
                "reception_day_id");
    if (in->accused_unit_id)
        REQUIRE(id_exists(db, "SELECT id FROM units WHERE id = ?", in->accused_unit_id), "accused_unit_id");
    if (in->accused_user_id)
        REQUIRE(id_exists(db, "SELECT id FROM users WHERE id = ? AND kind = 'person'", in->accused_user_id),
                "accused_user_id");
    /* The repeat link: the clerk's choice, or what repeat detection finds (same petitioner and
     * matter) unless the clerk confirmed a new matter. A citizen's submission is compared with
     * every case but 检举控告 (st_case_public_viewer). */
    struct scope all;
    struct case_viewer pub;
    const struct case_viewer *rv = v;
    if (!v) {
        st_case_public_viewer(&pub, &all);
        rv = &pub;
    }
    int64_t dup = in->duplicate_of;
    int matter_final = 0, first_time = 0, auto_linked = 0;
    if (!dup && !in->new_matter) {
        struct case_repeat rep;
        if ((rc = analyse_intake(db, rv, in, &rep))) goto fail;
        dup = rep.link_id;
        first_time = rep.first_time;
        auto_linked = dup != 0;
    } else if (!dup) {
        first_time = 1;
    }
    if (dup) {
        struct case_row orig;
        int r2 = v ? load_row(db, v, dup, &orig) : load_row(db, rv, dup, &orig);
        REQUIRE(r2 == SX_OK, "duplicate_of");
        matter_final = orig.cs.matter_final || (orig.cs.review_level == 2 && orig.cs.status == CS_CLOSED);
    }
    for (int i = 0; i < in->n_related; i++) {
        struct case_row other;
        REQUIRE(v && load_row(db, v, in->related_ids[i], &other) == SX_OK, "related_case_ids");
    }
    cal_day rday = local_day(in->received_at);
    REQUIRE(rday, "received_at");
    int year = day_year(rday);
    int64_t seq = 0;
    {
        struct db_stmt *s = db_prepare(db, "INSERT INTO case_seq (year, last) VALUES (?1, 1) ON CONFLICT (year)"
                                           " DO UPDATE SET last = last + 1 RETURNING last");
        if (!s) {
            rc = SX_EINTERNAL;
            goto fail;
        }
        db_bind_int(s, 1, year);
        if ((rc = db_int(s, &seq))) goto fail;
    }
    char case_no[32], now[32], placeholder[40];
    snprintf(case_no, sizeof case_no, "XF-%d-%05lld", year, (long long)seq);
    snprintf(placeholder, sizeof placeholder, "pending-%d-%lld", year, (long long)seq);
    time_iso_now(now);
    struct db_stmt *s = db_prepare(
        db, "INSERT INTO cases (case_no, year, seq, query_hash, channel, kind, category, region_id, county_id, title,"
            " content, received_at, urgency, head_count, first_time, unit_id, accused_unit_id, accused_user_id,"
            " reception_day_id, duplicate_of, matter_final, source, created_by, created_at, updated_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
            " ?22, ?23, ?24, ?24)");
    if (!s) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    db_bind_text(s, 1, case_no);
    db_bind_int(s, 2, year);
    db_bind_int(s, 3, seq);
    db_bind_text(s, 4, placeholder);
    db_bind_text(s, 5, in->channel);
    db_bind_text(s, 6, in->kind);
    db_bind_text(s, 7, in->category);
    db_bind_int(s, 8, in->region_id);
    if (county) db_bind_int(s, 9, county);
    else db_bind_null(s, 9);
    db_bind_text(s, 10, in->title);
    db_bind_text(s, 11, in->content);
    db_bind_text(s, 12, in->received_at);
    db_bind_text(s, 13, in->urgency && *in->urgency ? in->urgency : "normal");
    db_bind_int(s, 14, in->head_count > 0 ? in->head_count : (in->n_pet > 0 ? in->n_pet : 1));
    db_bind_int(s, 15, first_time);
    db_bind_int(s, 16, unit_id);
#define BIND_ID(i, x)                                                                             \
    do {                                                                                          \
        if (x) db_bind_int(s, i, x);                                                              \
        else db_bind_null(s, i);                                                                  \
    } while (0)
    BIND_ID(17, in->accused_unit_id);
    BIND_ID(18, in->accused_user_id);
    BIND_ID(19, in->reception_day_id);
    BIND_ID(20, dup);
    db_bind_int(s, 21, matter_final);
    db_bind_text(s, 22, in->source && *in->source ? in->source : "console");
    BIND_ID(23, (a ? a->user_id : 0));
    db_bind_text(s, 24, now);
    if ((rc = db_run(s))) goto fail;
    int64_t cid = db_last_id(db);
    if ((rc = set_query_code(db, cid, query_code))) goto fail;
    for (int i = 0; i < in->n_pet; i++)
        if ((rc = insert_petitioner(db, cid, i + 1, &in->pet[i]))) goto fail;
    if (dup && (rc = add_link(db, cid, dup, "duplicate", a ? a->user_id : 0))) goto fail;
    for (int i = 0; i < in->n_related; i++)
        if ((rc = add_link(db, cid, in->related_ids[i], "related", a ? a->user_id : 0))) goto fail;
    json_t *d = json_pack("{s:s,s:s,s:s,s:b,s:i}", "channel", in->channel, "kind", in->kind, "case_no", case_no,
                          "first_time", first_time, "petitioners", in->n_pet);
    if (dup) json_object_set_new(d, "duplicate_of", json_integer(dup));
    if (auto_linked) json_object_set_new(d, "auto_linked", json_true());
    if (matter_final) json_object_set_new(d, "matter_final", json_true());
    if (in->new_matter) json_object_set_new(d, "new_matter", json_true());
    char *dt = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (!dt) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)cid);
    rc = add_event(db, a, cid, "register", "", "registered", "", dt, 1, NULL);
    if (!rc) rc = st_audit_append(db, a, "case.create", "case", idt, 1, dt);
    free(dt);
    if (rc) goto fail;
    if ((rc = store_due(db, cid, NULL, NULL))) goto fail;
    if ((rc = db_commit(db))) return rc;
    *id = cid;
    return SX_OK;
#undef REQUIRE
#undef BIND_ID
fail:
    db_rollback(db);
    query_code[0] = 0;
    return rc;
}

/* ---------------------------------------------------------------- actions */

/* A 复查/复核 request opens a linked new case copying the matter and its petitioners. */
static int open_review_case(struct db *db, const struct audit_ctx *a, const struct case_row *orig,
                            const char *reason, int level, int64_t *new_id)
{
    char now[32];
    time_iso_now(now);
    int year = day_year(st_case_today());
    int64_t seq = 0;
    struct db_stmt *s = db_prepare(db, "INSERT INTO case_seq (year, last) VALUES (?1, 1) ON CONFLICT (year)"
                                       " DO UPDATE SET last = last + 1 RETURNING last");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, year);
    int rc = db_int(s, &seq);
    if (rc) return rc;
    char case_no[32], placeholder[40];
    snprintf(case_no, sizeof case_no, "XF-%d-%05lld", year, (long long)seq);
    snprintf(placeholder, sizeof placeholder, "pending-%d-%lld", year, (long long)seq);
    s = db_prepare(db, "INSERT INTO cases (case_no, year, seq, query_hash, channel, kind, category, region_id,"
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
    db_bind_text(s, 5, level == 1 ? "【复查】" : "【复核】");
    db_bind_text(s, 6, reason);
    db_bind_text(s, 7, now);
    db_bind_int(s, 8, level);
    if (a && a->user_id > 0) db_bind_int(s, 9, a->user_id);
    else db_bind_null(s, 9);
    db_bind_int(s, 10, orig->id);
    if ((rc = db_run(s))) return rc;
    int64_t nid = db_last_id(db);
    char code[QUERY_CODE_BUF];
    if ((rc = set_query_code(db, nid, code))) return rc;
    s = db_prepare(db, "INSERT INTO case_petitioners (case_id, seq, name, id_number_enc, id_number_masked, id_hash,"
                       " phone_enc, phone_masked, phone_hash, phone_last4_hash, address, is_representative)"
                       " SELECT ?1, seq, name, id_number_enc, id_number_masked, id_hash, phone_enc, phone_masked,"
                       " phone_hash, phone_last4_hash, address, is_representative FROM case_petitioners"
                       " WHERE case_id = ?2");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, nid);
    db_bind_int(s, 2, orig->id);
    if ((rc = db_run(s))) return rc;
    if ((rc = add_link(db, nid, orig->id, "review", a ? a->user_id : 0))) return rc;
    char d[96];
    snprintf(d, sizeof d, "{\"review_level\":%d,\"parent_case_id\":%lld}", level, (long long)orig->id);
    if ((rc = add_event(db, a, nid, "register", "", "registered", reason, d, 1, NULL))) return rc;
    if ((rc = store_due(db, nid, NULL, NULL))) return rc;
    *new_id = nid;
    return SX_OK;
}

/* Checks of the 交办 inputs beyond presence: unit and handler exist, the handler works in that
 * unit, the deadline is a real day not in the past, and a 检举控告 never goes to the accused. */
/* The organ type a case of this kind must be routed to by action a (交办 / 转送): 0 when unit_id
 * has it or none is needed; SX_EVALIDATION with a Chinese reason otherwise. */
static int check_org_type(struct db *db, const struct case_row *r, enum case_action a, int64_t unit_id,
                          const char **why)
{
    const char *need = case_route_org_type(r->cs.kind, a);
    if (!need) return SX_OK;
    struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units WHERE id = ? AND org_type = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, need);
    int64_t n = 0;
    int rc = db_int(s, &n);
    if (rc) return rc;
    if (n) return SX_OK;
    *why = r->cs.kind == CK_LEGAL ? "涉法涉诉事项须转送政法机关（法院、检察院、公安机关、司法行政机关）依法处理"
                                  : "检举控告事项须交由纪检监察机关办理";
    return SX_EVALIDATION;
}

static int check_assign(struct db *db, const struct case_row *r, const struct case_action_input *in,
                        const char **why, const char **field)
{
    if (!id_exists(db, "SELECT id FROM units WHERE id = ?", in->unit_id)) {
        *field = "unit_id";
        *why = "承办单位不存在";
        return SX_EVALIDATION;
    }
    int rc = check_org_type(db, r, CA_ASSIGN, in->unit_id, why);
    if (rc) {
        if (rc == SX_EVALIDATION) *field = "unit_id";
        return rc;
    }
    int64_t hunit = 0;
    if (one_int(db, "SELECT unit_id FROM users WHERE id = ? AND status = 'active' AND kind = 'person'", in->handler_id,
                &hunit) ||
        hunit != in->unit_id) {
        *field = "handler_id";
        *why = "承办人不存在、已停用或不属于该承办单位";
        return SX_EVALIDATION;
    }
    cal_day dl;
    if (!in->deadline || strlen(in->deadline) != 10 || day_parse(in->deadline, 10, &dl) || dl < st_case_today()) {
        *field = "deadline";
        *why = "办理期限应为今天或以后的日期（YYYY-MM-DD）";
        return SX_EVALIDATION;
    }
    if (r->accused_unit_id) {
        struct db_stmt *s = db_prepare(db, "SELECT COUNT(*) FROM units t JOIN units acc ON acc.id = ?2"
                                           " WHERE t.id = ?1 AND substr(t.path, 1, length(acc.path)) = acc.path");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, in->unit_id);
        db_bind_int(s, 2, r->accused_unit_id);
        int64_t n = 0;
        if ((rc = db_int(s, &n))) return rc;
        if (n) {
            *field = "unit_id";
            *why = "检举控告事项不得交由被检举控告的单位办理";
            return SX_EVALIDATION;
        }
    }
    if (r->accused_user_id && r->accused_user_id == in->handler_id) {
        *field = "handler_id";
        *why = "检举控告事项不得交由被检举控告人办理";
        return SX_EVALIDATION;
    }
    return SX_OK;
}

/* 转送 to a unit of the master data: it exists, has the organ type the kind needs (涉法涉诉 →
 * 政法机关, 检举控告 → 纪检监察机关) and is not the accused; its name becomes forward_to when none
 * was typed (*name: arena-free copy in name[]). */
static int check_forward(struct db *db, const struct case_row *r, const struct case_action_input *in,
                         char name[256], const char **why, const char **field)
{
    name[0] = 0;
    if (in->forward_unit_id <= 0) return SX_OK;
    struct db_stmt *s = db_prepare(db, "SELECT name, path FROM units WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, in->forward_unit_id);
    int rc = db_step(s);
    char path[200] = "";
    if (rc == DB_ROW) {
        snprintf(name, 256, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
        snprintf(path, sizeof path, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
    }
    db_reset(s);
    if (rc != DB_ROW) {
        if (rc != DB_DONE) return rc;
        *field = "forward_unit_id";
        *why = "接收机关不存在";
        return SX_EVALIDATION;
    }
    if ((rc = check_org_type(db, r, CA_FORWARD, in->forward_unit_id, why))) {
        if (rc == SX_EVALIDATION) *field = "forward_unit_id";
        return rc;
    }
    if (r->accused_unit_id) {
        int64_t n = 0;
        s = db_prepare(db, "SELECT COUNT(*) FROM units acc WHERE acc.id = ?1 AND substr(?2, 1, length(acc.path)) = acc.path");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, r->accused_unit_id);
        db_bind_text(s, 2, path);
        if ((rc = db_int(s, &n))) return rc;
        if (n) {
            *field = "forward_unit_id";
            *why = "检举控告事项不得转送被检举控告的单位";
            return SX_EVALIDATION;
        }
    }
    return SX_OK;
}

/* Action inputs worth keeping on the timeline, as a JSON object (the caller's). */
static json_t *event_data(struct db *db, const struct case_act_in *x, const struct case_action_input *in)
{
    json_t *d = json_object();
    if (in->reason && *in->reason) json_object_set_new(d, "reason", json_string(in->reason));
    switch (x->action) {
    case CA_FORWARD:
        json_object_set_new(d, "forward_to", json_string(in->forward_to ? in->forward_to : ""));
        if (in->forward_unit_id > 0) json_object_set_new(d, "forward_unit_id", json_integer(in->forward_unit_id));
        break;
    case CA_ASSIGN: {
        json_object_set_new(d, "unit_id", json_integer(in->unit_id));
        json_object_set_new(d, "handler_id", json_integer(in->handler_id));
        json_object_set_new(d, "deadline", json_string(in->deadline));
        struct db_stmt *s = db_prepare(db, "SELECT (SELECT name FROM units WHERE id = ?1),"
                                           " (SELECT display_name FROM users WHERE id = ?2)");
        if (s) {
            db_bind_int(s, 1, in->unit_id);
            db_bind_int(s, 2, in->handler_id);
            if (db_step(s) == DB_ROW) {
                json_object_set_new(d, "unit_name", json_string(db_col_text(s, 0) ? db_col_text(s, 0) : ""));
                json_object_set_new(d, "handler_name", json_string(db_col_text(s, 1) ? db_col_text(s, 1) : ""));
            }
            db_reset(s);
        }
        break;
    }
    case CA_CONTACT:
    case CA_DOWN_VISIT:
        json_object_set_new(d, "contact_how", json_string(in->contact_how));
        json_object_set_new(d, "contact_with", json_string(in->contact_with));
        if (x->contact_at && *x->contact_at) json_object_set_new(d, "contact_at", json_string(x->contact_at));
        break;
    case CA_REPLY:
    case CA_ONSPOT:
        json_object_set_new(d, "reply_text", json_string(in->reply_text));
        if (in->outcome != CO_NONE) {
            json_object_set_new(d, "outcome", json_string(case_outcome_code(in->outcome)));
            json_object_set_new(d, "outcome_label", json_string(case_outcome_label(in->outcome)));
        }
        break;
    case CA_CALLBACK:
        json_object_set_new(d, "resolved", json_boolean(in->resolved == 1));
        json_object_set_new(d, "satisfaction", json_string(case_satisfaction_code(in->satisfaction)));
        json_object_set_new(d, "satisfaction_label", json_string(case_satisfaction_label(in->satisfaction)));
        if (x->callback_how && *x->callback_how) json_object_set_new(d, "callback_how", json_string(x->callback_how));
        break;
    case CA_EXTEND_REQUEST: json_object_set_new(d, "extend_days", json_integer(in->extend_days)); break;
    default: break;
    }
    return d;
}

/* Events the petitioner sees on the public page. */
static int public_action(enum case_action a)
{
    switch (a) {
    case CA_ACCEPT:
    case CA_DECLINE:
    case CA_FORWARD:
    case CA_ASSIGN:
    case CA_REPLY:
    case CA_ONSPOT:
    case CA_CALLBACK:
    case CA_CLOSE:
    case CA_EXTEND_APPROVE: return 1; /* the petitioner is told of an extension and why (art. 34) */
    default: return 0;
    }
}

/* The row update of an action: status, timestamps and the fields it sets. */
static int apply_update(struct db *db, const struct case_viewer *v, const struct case_row *r,
                        const struct case_act_in *x, const struct case_action_input *in, enum case_status next,
                        int64_t ext_days, const char *ext_code)
{
    char now[32];
    time_iso_now(now);
    const char *ts_col = NULL;
    switch (x->action) {
    case CA_ACCEPT: ts_col = "accepted_at"; break;
    case CA_ASSIGN: ts_col = "assigned_at"; break;
    case CA_SIGN: ts_col = "signed_at"; break;
    case CA_REPLY:
    case CA_ONSPOT: ts_col = "replied_at"; break;
    case CA_CALLBACK: ts_col = "called_back_at"; break;
    case CA_CLOSE: ts_col = "closed_at"; break;
    default: break;
    }
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
    db_bind_int(s, 1, r->id);
    db_bind_text(s, 2, case_status_code(next));
    db_bind_text(s, 3, now);
    db_bind_text(s, 4, ts_col ? ts_col : "");
    db_bind_text(s, 5, case_action_code(x->action));
    db_bind_int(s, 6, in->unit_id);
    db_bind_int(s, 7, in->handler_id);
    db_bind_text(s, 8, in->deadline ? in->deadline : "");
    db_bind_text(s, 9, in->forward_to ? in->forward_to : "");
    db_bind_text(s, 10, in->reason ? in->reason : "");
    db_bind_text(s, 11, in->reply_text ? in->reply_text : "");
    db_bind_text(s, 12, in->outcome != CO_NONE ? case_outcome_code(in->outcome) : "");
    db_bind_int(s, 13, in->resolved == 1 ? 1 : 0);
    db_bind_text(s, 14, in->satisfaction != SAT_NONE ? case_satisfaction_code(in->satisfaction) : "");
    db_bind_text(s, 15, ext_code);
    db_bind_int(s, 16, ext_days);
    db_bind_int(s, 17, v->user_id);
    if (in->forward_unit_id > 0) db_bind_int(s, 18, in->forward_unit_id);
    else db_bind_null(s, 18);
    db_bind_text(s, 19, in->new_kind >= 0 ? case_kind_code((enum case_kind)in->new_kind) : r->kind);
    db_bind_int(s, 20, r->version);
    int rc = db_run(s);
    if (rc) return rc;
    if (db_changes(db) != 1) return SX_EVERSION; /* changed since it was read */
    /* A closed 复核 case makes the matter final for the whole chain (2022 art. 36). */
    if (x->action == CA_CLOSE && r->cs.review_level == 2) {
        s = db_prepare(db, "UPDATE cases SET matter_final = 1 WHERE id = ?1 OR id = ?2"
                           " OR id = (SELECT parent_case_id FROM cases WHERE id = ?2)");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, r->id);
        db_bind_int(s, 2, r->parent_case_id);
        if ((rc = db_run(s))) return rc;
    }
    return SX_OK;
}

/* Binds uploaded attachments of the case (not yet bound) to the event. */
static int bind_attachments(struct db *db, int64_t case_id, int64_t event_id, const int64_t *ids, int n,
                            const char **field)
{
    for (int i = 0; i < n; i++) {
        struct db_stmt *s = db_prepare(db, "UPDATE case_attachments SET event_id = ? WHERE id = ? AND case_id = ?"
                                           " AND event_id IS NULL");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, event_id);
        db_bind_int(s, 2, ids[i]);
        db_bind_int(s, 3, case_id);
        int rc = db_run(s);
        if (rc) return rc;
        if (db_changes(db) != 1) {
            *field = "attachment_ids";
            return SX_EVALIDATION;
        }
    }
    return SX_OK;
}

/* The case this one repeats: number, status and next deadline (for the notices). */
static int dup_brief(struct db *db, int64_t dup, char no[32], char status[16], char due[16])
{
    no[0] = status[0] = due[0] = 0;
    struct db_stmt *s = db_prepare(db, "SELECT case_no, status, due_date FROM cases WHERE id = ?");
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 1, dup);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        cpy(no, 32, db_col_text(s, 0));
        cpy(status, 16, db_col_text(s, 1));
        cpy(due, 16, db_col_text(s, 2));
    }
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? SX_OK : rc;
}

/* Inputs the system supplies when the clerk leaves them out: 首办负责制 (a repeat's 交办 goes to
 * the first case's handling unit and handler), and the reason of declining a repeat (the same
 * matter in handling, art. 19; or closed by 复核, art. 36). */
static int act_defaults(struct db *db, const struct case_row *r, enum case_action a, struct case_action_input *in,
                        char *reason, size_t n)
{
    if (a == CA_ASSIGN && in->unit_id <= 0 && r->duplicate_of) {
        json_t *hint = NULL;
        int rc = routing_hint_json(db, r, &hint);
        if (rc) return rc;
        if (hint) {
            in->unit_id = json_integer_value(json_object_get(hint, "unit_id"));
            if (in->handler_id <= 0) in->handler_id = json_integer_value(json_object_get(hint, "handler_id"));
            json_decref(hint);
        }
    }
    if (a == CA_DECLINE && (!in->reason || !*in->reason) && (r->cs.matter_final || r->cs.open_repeat)) {
        char no[32], st[16], due[16];
        int rc = dup_brief(db, r->duplicate_of, no, st, due);
        if (rc) return rc;
        if (r->cs.matter_final) snprintf(reason, n, "同一事实和理由已经复查、复核终结（%s），不再受理", no);
        else snprintf(reason, n, "与正在办理期限内的信访事项%s为同一事项", no);
        in->reason = reason;
    }
    return SX_OK;
}

/* 更正性质: the corrected kind must fit where the case already is — a 检举控告 must be in the
 * hands of a 纪检监察 organ and never of the accused. */
static int check_reclassify(struct db *db, const struct case_row *r, const struct case_action_input *in,
                            const char **why, const char **field)
{
    if (in->new_kind != CK_REPORT || !r->handling_unit_id) return SX_OK;
    struct case_row as_report = *r;
    as_report.cs.kind = CK_REPORT;
    int rc = check_org_type(db, &as_report, CA_ASSIGN, r->handling_unit_id, why);
    if (rc == SX_EVALIDATION) {
        *why = "检举控告事项须由纪检监察机关办理：请先由承办单位退回，再交纪检监察机关";
        *field = "kind";
    }
    return rc;
}

/* What the timeline keeps beyond the inputs: the notice a decline or an extension gives the
 * petitioner, the extended deadline, the kinds of a correction. */
static int event_extras(struct db *db, const struct case_settings *set, const struct calendar *cal,
                        const struct case_row *r, enum case_action a, const struct case_action_input *in, json_t *d)
{
    char *notice = NULL;
    if (a == CA_DECLINE) {
        char no[32], st[16], due[16];
        int rc = r->duplicate_of ? dup_brief(db, r->duplicate_of, no, st, due) : SX_OK;
        if (rc) return rc;
        if (r->cs.matter_final) notice = case_notice_final(r->title, no);
        else if (r->cs.open_repeat) notice = case_notice_repeat_open(r->title, no, case_status_label_of(st), due);
        else notice = case_notice_decline(r->title, in->reason);
        if (!notice) return SX_EINTERNAL;
    } else if (a == CA_EXTEND_APPROVE) {
        struct case_row ext = *r;
        ext.cs.ext = EXT_APPROVED;
        char day[11];
        fmt_day(close_due(set, cal, &ext), day);
        struct db_stmt *s = db_prepare(db, "SELECT ext_reason FROM cases WHERE id = ?");
        if (!s) return SX_EINTERNAL;
        db_bind_int(s, 1, r->id);
        int rc = db_step(s);
        char *reason = rc == DB_ROW ? strdup(db_col_text(s, 0) ? db_col_text(s, 0) : "") : NULL;
        db_reset(s);
        if (rc != DB_ROW || !reason) {
            free(reason);
            return rc == DB_ROW || rc == DB_DONE ? SX_EINTERNAL : rc;
        }
        json_object_set_new(d, "extend_days", json_integer(r->extension_days));
        json_object_set_new(d, "due_date", json_string(day));
        json_object_set_new(d, "request_reason", json_string(reason));
        notice = case_notice_extension(r->title, day, reason);
        free(reason);
        if (!notice) return SX_EINTERNAL;
    } else if (a == CA_RECLASSIFY) {
        const char *to = case_kind_code((enum case_kind)in->new_kind);
        json_object_set_new(d, "from_kind", json_string(r->kind));
        json_object_set_new(d, "from_kind_label", json_string(case_kind_label_of(r->kind)));
        json_object_set_new(d, "to_kind", json_string(to));
        json_object_set_new(d, "to_kind_label", json_string(case_kind_label_of(to)));
    } else if (a == CA_ACCEPT && r->cs.matter_final) {
        json_object_set_new(d, "accepted_despite_final", json_true());
    }
    if (notice) json_object_set_new(d, "notice", json_string(notice));
    free(notice);
    return SX_OK;
}

int st_case_act(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id,
                const struct case_act_in *x, json_t **out, const char **why, const char **field,
                json_t **allowed)
{
    *out = NULL;
    *why = NULL;
    *field = NULL;
    *allowed = NULL;
    if ((unsigned)x->action >= CA__COUNT) return SX_EVALIDATION;
    struct case_settings set;
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct calendar *cal = NULL;
    char *data = NULL;
    struct case_row r;
    if ((rc = load_row(db, v, id, &r))) goto fail;
    if (x->expected_version && x->expected_version != r.version) {
        rc = SX_EVERSION;
        goto fail;
    }
    if ((rc = st_case_settings_get(db, &set))) goto fail;
    if (!(cal = calendar_new(db))) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    /* The permission first (403), then the state (409 with what is allowed), then the inputs
     * (422) and whether the actor is on the handling side (403). */
    int p = perm_from_code(case_action_perm(x->action));
    if (p < 0 || !(v->perms & perm_bit(p))) {
        *why = "您没有该操作的权限";
        rc = SX_EFORBIDDEN;
        goto fail;
    }
    struct case_action_input in = x->in;
    in.extend_max_days = set.dl.max_extension_days;
    const char *state_why = NULL;
    rc = case_flow_check(&r.cs, x->action, NULL, &state_why);
    if (rc == SX_EVALIDATION) rc = SX_OK; /* inputs are checked below, after the state */
    if (!rc) rc = window_open(&set, cal, &r, x->action, &state_why);
    if (rc == SX_ECONFLICT) {
        *why = state_why;
        *allowed = allowed_json(&set, cal, v, &r, 0);
        goto fail;
    }
    if (rc) goto fail;
    char forward_name[256], reason_buf[160];
    if ((rc = act_defaults(db, &r, x->action, &in, reason_buf, sizeof reason_buf))) goto fail;
    if ((rc = case_flow_check(&r.cs, x->action, &in, why))) goto fail;
    if ((rc = may_act(&set, v, &r, x->action, why))) goto fail;
    if (x->action == CA_ASSIGN && (rc = check_assign(db, &r, &in, why, field))) goto fail;
    if (x->action == CA_FORWARD) {
        if ((rc = check_forward(db, &r, &in, forward_name, why, field))) goto fail;
        if (forward_name[0] && (!in.forward_to || !*in.forward_to)) in.forward_to = forward_name;
    }
    if (x->action == CA_RECLASSIFY && (rc = check_reclassify(db, &r, &in, why, field))) goto fail;
    const char *ext_code = case_ext_code(r.cs.ext);
    int64_t ext_days = r.extension_days;
    if (x->action == CA_EXTEND_REQUEST) {
        const char *w2 = NULL;
        cal_day due = close_due(&set, cal, &r), out_day;
        if (due && deadline_extend(&set.dl, cal, due, in.extend_days, 0, &out_day, &w2)) {
            *why = w2;
            *field = "extend_days";
            rc = SX_EVALIDATION;
            goto fail;
        }
        ext_code = "pending";
        ext_days = in.extend_days;
    } else if (x->action == CA_EXTEND_APPROVE) {
        ext_code = "approved";
    } else if (x->action == CA_EXTEND_REJECT) {
        ext_code = "rejected";
        ext_days = 0;
    }
    enum case_status next = case_flow_next(&r.cs, x->action);
    if ((rc = apply_update(db, v, &r, x, &in, next, ext_days, ext_code))) goto fail;
    int64_t review_id = 0;
    if (x->action == CA_REVIEW_REQUEST || x->action == CA_RECHECK_REQUEST) {
        if ((rc = open_review_case(db, a, &r, in.reason, x->action == CA_REVIEW_REQUEST ? 1 : 2, &review_id)))
            goto fail;
    }
    json_t *dj = event_data(db, x, &in);
    if (!dj) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    if (review_id) json_object_set_new(dj, "review_case_id", json_integer(review_id));
    if ((rc = event_extras(db, &set, cal, &r, x->action, &in, dj))) {
        json_decref(dj);
        goto fail;
    }
    data = json_dumps(dj, JSON_COMPACT);
    json_decref(dj);
    if (!data) {
        rc = SX_EINTERNAL;
        goto fail;
    }
    int64_t event_id = 0;
    if ((rc = add_event(db, a, id, case_action_code(x->action), case_status_code(r.cs.status),
                        case_status_code(next), x->note, data, public_action(x->action), &event_id)))
        goto fail;
    if ((rc = bind_attachments(db, id, event_id, x->attachment_ids, x->n_attachments, field))) {
        if (rc == SX_EVALIDATION) *why = "附件不存在、不属于本事项或已关联到其他记录";
        goto fail;
    }
    if ((rc = store_due(db, id, &set, cal))) goto fail;
    char idt[24], action[48];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    snprintf(action, sizeof action, "case.%s", case_action_code(x->action));
    if ((rc = st_audit_append(db, a, action, "case", idt, 1, data))) goto fail;
    free(data);
    data = NULL;
    free(cal);
    cal = NULL;
    if ((rc = db_commit(db))) return rc;
    rc = st_case_get(db, v, id, out);
    if (rc == SX_ENOTFOUND) {
        /* Done, but the actor no longer sees the case (退回: it left the unit's hands). */
        *out = json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)id, "status", case_status_code(next),
                         "status_label", case_status_label(next), "visible", 0);
        return *out ? SX_OK : SX_EINTERNAL;
    }
    return rc;
fail:
    free(data);
    free(cal);
    db_rollback(db);
    return rc;
}

int st_case_new_query_code(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id,
                           char query_code[QUERY_CODE_BUF])
{
    query_code[0] = 0;
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct case_row r;
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    if ((rc = load_row(db, v, id, &r))) goto fail;
    if ((rc = set_query_code(db, id, query_code))) goto fail;
    if ((rc = add_event(db, a, id, "query_code", "", "", "", "{}", 0, NULL))) goto fail;
    if ((rc = st_audit_append(db, a, "case.query_code", "case", idt, 1, ""))) goto fail;
    if ((rc = db_commit(db))) goto fail2;
    return SX_OK;
fail:
    db_rollback(db);
fail2:
    query_code[0] = 0;
    return rc;
}

int st_case_link(struct db *db, const struct audit_ctx *a, const struct case_viewer *v, int64_t id, int64_t other,
                 const char *note)
{
    int rc = db_begin_write(db);
    if (rc) return rc;
    struct case_row r1, r2;
    if ((rc = load_row(db, v, id, &r1))) goto fail;
    if (id == other || load_row(db, v, other, &r2)) {
        rc = SX_EVALIDATION;
        goto fail;
    }
    if ((rc = add_link(db, id, other, "related", a ? a->user_id : 0))) goto fail;
    char d[64], idt[24];
    snprintf(d, sizeof d, "{\"case_id\":%lld}", (long long)other);
    if ((rc = add_event(db, a, id, "link", "", "", note, d, 0, NULL))) goto fail;
    snprintf(d, sizeof d, "{\"case_id\":%lld}", (long long)id);
    if ((rc = add_event(db, a, other, "link", "", "", note, d, 0, NULL))) goto fail;
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    snprintf(d, sizeof d, "{\"other\":%lld}", (long long)other);
    if ((rc = st_audit_append(db, a, "case.link", "case", idt, 1, d))) goto fail;
    return db_commit(db);
fail:
    db_rollback(db);
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
