/* Petition cases: reading attachments, 我的待办 and the export rows (uploads: app/case_files.c;
 * repeat detection: st_case_repeat.c).
 * Every statement goes through CASE_VISIBLE (st_case_prepare): an invisible case is not found. */
#include "store.h"
#include "../domain/perm.h"
#include "../domain/similar.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/pii.h"
#include "../util/timeu.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- attachments ---- */

int st_case_attachment(struct db *db, const struct case_viewer *v, int64_t case_id, int64_t att_id, json_t **meta,
                       void **data, size_t *len)
{
    *meta = NULL;
    *data = NULL;
    *len = 0;
    struct db_stmt *s = st_case_prepare(db,
                                        "SELECT a.id, a.name, a.mime, a.size, a.sha256, b.data FROM case_attachments a"
                                        " JOIN cases c ON c.id = a.case_id JOIN case_blobs b ON b.sha256 = a.sha256"
                                        " WHERE " CASE_VISIBLE " AND c.id = ?15 AND a.id = ?16",
                                        v);
    if (!s) return SX_EINTERNAL;
    db_bind_int(s, 15, case_id);
    db_bind_int(s, 16, att_id);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_reset(s);
        return rc == DB_DONE ? SX_ENOTFOUND : rc;
    }
    size_t n = 0;
    const void *p = db_col_blob(s, 5, &n);
    *data = malloc(n ? n : 1);
    if (*data) {
        if (n) memcpy(*data, p, n);
        *len = n;
        *meta = json_pack("{s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                          db_col_text(s, 1) ? db_col_text(s, 1) : "", "mime", db_col_text(s, 2) ? db_col_text(s, 2) : "",
                          "size", (json_int_t)db_col_int(s, 3), "sha256", db_col_text(s, 4) ? db_col_text(s, 4) : "");
    }
    db_reset(s);
    if (!*data || !*meta) {
        free(*data);
        *data = NULL;
        json_decref(*meta);
        *meta = NULL;
        return SX_EINTERNAL;
    }
    return SX_OK;
}

/* ---- 我的待办 ---- */

static const struct {
    const char *task, *label;
} task_labels[] = {
    {"accept", "待受理"}, {"assign", "待交办"}, {"sign", "待签收"},         {"reply", "待答复"},
    {"callback", "待回访"}, {"close", "待办结"}, {"approve", "待审批延期"}, {"supervise", "待督办"},
};

static const char *task_label(const char *task)
{
    for (size_t i = 0; i < sizeof task_labels / sizeof task_labels[0]; i++)
        if (task && !strcmp(task, task_labels[i].task)) return task_labels[i].label;
    return "";
}

static int has(const struct case_viewer *v, int p) { return (v->perms & perm_bit(p)) ? 1 : 0; }

/* The task keys: the handling unit's tasks (签收, 答复) only for its people or the handler. Each
 * key carries its due day and step — the statutory deadline, or the 三个第一 target of a first
 * petition when that is earlier (t.tg: the target step the task answers) — and their deadline
 * state against ?23 (today) and ?24 (today + warn days). Besides the targets only columns of the
 * cases_todo index are read, so counting all of a user's tasks never touches the wide rows. */
#define TODO_TARGET(tg) tg " <> '' AND c.target_step = " tg " AND (c.due_date = '' OR c.target_due < c.due_date)"
#define TODO_KEYS                                                                                               \
    "WITH keys AS (SELECT t.task, c.id AS case_id,"                                                             \
    " CASE WHEN " TODO_TARGET("t.tg") " THEN c.target_due ELSE c.due_date END AS due_date,"                     \
    " CASE WHEN " TODO_TARGET("t.tg") " THEN c.target_step ELSE c.due_step END AS due_step FROM cases c"        \
    " JOIN (SELECT 'accept' AS task, 'registered' AS st, ?15 AS ok, 0 AS own, 'first_assign' AS tg"             \
    "  UNION ALL SELECT 'assign', 'accepted', ?16, 0, 'first_assign'"                                           \
    "  UNION ALL SELECT 'sign', 'assigned', ?17, 1, ''"                                                         \
    "  UNION ALL SELECT 'reply', 'signed', ?18, 1, ''"                                                          \
    "  UNION ALL SELECT 'reply', 'in_progress', ?18, 1, ''"                                                     \
    "  UNION ALL SELECT 'callback', 'replied', ?19, 0, 'first_callback'"                                        \
    "  UNION ALL SELECT 'close', 'called_back', ?20, 0, '') t"                                                  \
    " ON t.st = c.status AND t.ok = 1 AND (t.own = 0 OR c.handling_unit_id = ?14 OR c.handler_id = ?13)"       \
    " WHERE " CASE_VISIBLE                                                                                      \
    " UNION ALL SELECT 'approve' AS task, c.id, c.due_date, c.due_step FROM cases c"                            \
    " WHERE ?21 = 1 AND c.ext = 'pending' AND c.status IN ('signed', 'in_progress') AND " CASE_VISIBLE            \
    " UNION ALL SELECT 'supervise' AS task, c.id, c.target_due, c.target_step FROM cases c"                     \
    " WHERE ?28 = 1 AND c.target_step = 'first_supervise' AND c.supervised = 0"                                  \
    " AND c.status IN ('assigned', 'signed', 'in_progress') AND " CASE_VISIBLE "),"                              \
    " todo AS (SELECT task, case_id, due_date, due_step, "                                                      \
    CASE_DUE_STATE_OF("due_date", "?23", "?24") " AS deadline_state FROM keys) "

static void todo_bind(struct db_stmt *s, const struct case_viewer *v, const struct case_settings *cs)
{
    db_bind_int(s, 15, has(v, P_CASE_ACCEPT));
    db_bind_int(s, 16, has(v, P_CASE_ASSIGN));
    db_bind_int(s, 17, has(v, P_CASE_SIGN));
    db_bind_int(s, 18, has(v, P_CASE_REPLY));
    db_bind_int(s, 19, has(v, P_CASE_CALLBACK));
    db_bind_int(s, 20, has(v, P_CASE_CLOSE));
    db_bind_int(s, 21, has(v, P_CASE_EXTEND_APPROVE));
    st_case_bind_today(s, 23, cs);
    db_bind_int(s, 28, has(v, P_CASE_SUPERVISE)); /* 三个第一: first petitions are supervised at once */
}

int st_case_todo(struct db *db, const struct case_viewer *v, const char *task, const char *state, int64_t limit,
                 int64_t offset, json_t **items, int64_t *total, json_t **counts)
{
    *items = NULL;
    *counts = NULL;
    *total = 0;
    struct case_settings cs;
    int rc = st_case_settings_get(db, &cs);
    if (rc) return rc;
    if ((rc = db_begin_read(db))) return rc; /* counts and page from one snapshot */
    /* Counts per task and per deadline state, and the total under the filter. */
    struct db_stmt *s = st_case_prepare(
        db,
        TODO_KEYS "SELECT task, COUNT(*), SUM(deadline_state = 'overdue'), SUM(deadline_state = 'due_soon'),"
                  " SUM((?25 IS NULL OR task = ?25) AND (?26 IS NULL OR deadline_state = ?26)) FROM todo GROUP BY task",
        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    todo_bind(s, v, &cs);
    db_bind_text(s, 25, task);
    db_bind_text(s, 26, state);
    json_t *c = json_object();
    int64_t overdue = 0, soon = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        json_object_set_new(c, db_col_text(s, 0), json_integer(db_col_int(s, 1)));
        overdue += db_col_int(s, 2);
        soon += db_col_int(s, 3);
        *total += db_col_int(s, 4);
    }
    db_reset(s);
    if (rc != DB_DONE) {
        json_decref(c);
        goto done;
    }
    json_object_set_new(c, "overdue", json_integer(overdue));
    json_object_set_new(c, "due_soon", json_integer(soon));
    *counts = c;
    /* The page's keys first, then the columns of those cases only. */
    s = st_case_prepare(db,
                        TODO_KEYS ", page AS (SELECT * FROM todo WHERE (?25 IS NULL OR task = ?25) AND (?26 IS NULL"
                                  " OR deadline_state = ?26) ORDER BY due_date = '', due_date, case_id, task"
                                  " LIMIT ?22 OFFSET ?27)"
                                  " SELECT p.task, c.id AS case_id, c.case_no, c.title, c.kind, c.status, p.due_date,"
                                  " p.due_step, CASE WHEN c.supervised THEN 1 ELSE 0 END AS supervised__b, c.urgency,"
                                  " CASE WHEN c.first_time THEN 1 ELSE 0 END AS first_time__b,"
                                  " p.deadline_state FROM page p JOIN cases c ON c.id = p.case_id"
                                  " ORDER BY p.due_date = '', p.due_date, p.case_id, p.task",
                        v);
    if (!s) {
        rc = SX_EINTERNAL;
        goto done;
    }
    todo_bind(s, v, &cs);
    db_bind_text(s, 25, task);
    db_bind_text(s, 26, state);
    db_bind_int(s, 22, limit);
    db_bind_int(s, 27, offset);
    json_t *rows;
    if ((rc = db_all_json(s, &rows))) goto done;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        const char *st = json_string_value(json_object_get(it, "status"));
        const char *tk = json_string_value(json_object_get(it, "task"));
        const char *step = json_string_value(json_object_get(it, "due_step"));
        const char *dstate = json_string_value(json_object_get(it, "deadline_state"));
        json_object_set_new(it, "kind_label", json_string(case_kind_label_of(kind)));
        json_object_set_new(it, "status_label", json_string(case_status_label_of(st)));
        json_object_set_new(it, "task_label", json_string(task_label(tk)));
        json_object_set_new(it, "due_step_label", json_string(deadline_due_label_of(step)));
        json_object_set_new(it, "deadline_state_label", json_string(deadline_state_label_of(dstate)));
    }
    if ((rc = st_case_due_warnings(db, rows))) {
        json_decref(rows);
        goto done;
    }
    *items = rows;
done:
    db_commit(db);
    if (rc) {
        json_decref(*counts);
        *counts = NULL;
    }
    return rc;
}

/* ---- export ---- */

#define EXPORT_PAGE 1000 /* st_case_list takes any page size; fewer pages, fewer counts */

int st_case_export_each(struct db *db, const struct case_viewer *v, const struct case_filter *f,
                        const struct paging *pg, int64_t cap, case_row_fn fn, void *arg, int64_t *count)
{
    *count = 0;
    struct paging p = *pg;
    p.page_size = EXPORT_PAGE;
    int rc = db_begin_read(db); /* one snapshot: the pages agree with each other */
    if (rc) return rc;
    for (p.page = 1;; p.page++) {
        json_t *items = NULL;
        int64_t total = 0;
        if ((rc = st_case_list(db, v, f, &p, &items, &total))) break;
        if (total > cap) {
            json_decref(items);
            rc = SX_ETOOLARGE;
            break;
        }
        size_t i, n = json_array_size(items);
        json_t *it;
        json_array_foreach(items, i, it)
        {
            if ((rc = fn(it, arg))) break;
            ++*count;
        }
        json_decref(items);
        if (rc || n < EXPORT_PAGE || *count >= total) break;
    }
    db_commit(db);
    return rc;
}
