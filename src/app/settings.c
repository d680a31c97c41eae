/* Use cases of the settings pages (settings.h). */
#include "settings.h"
#include "../util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_case_settings_update(struct app_ctx *c, void *arg)
{
    const struct case_settings_change *ch = arg;
    struct case_settings cur;
    int rc = st_case_settings_get(c->db, &cur);
    if (rc) return rc;
    if (cur.version != ch->version) return SX_EVERSION;
    /* The row as read is the one replaced: a writer on another server in between wins, and
     * this one answers 409 instead of overwriting it. */
    char old[4096];
    rc = st_setting_get(c->db, ST_CASE_SETTINGS_KEY, old, sizeof old);
    if (rc && rc != SX_ENOTFOUND) return rc;
    int absent = rc == SX_ENOTFOUND;
    struct case_settings next = ch->s;
    next.version = cur.version + 1;
    json_t *j = st_case_settings_json(&next);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text) return app_fail(c, SX_EINTERNAL, NULL, NULL);
    rc = st_setting_replace(c->db, ST_CASE_SETTINGS_KEY, absent ? NULL : old, text);
    /* Lists and 我的待办 follow the new limits at once. */
    if (!rc) app_mark(c, APP_MARK_DEADLINES);
    if (!rc) rc = app_audit(c, "case.settings.update", "settings", "case", text);
    free(text);
    return rc;
}

int app_security_update(struct app_ctx *c, void *arg)
{
    const struct security_change *ch = arg;
    struct security_policy cur;
    int64_t version;
    int rc = st_policy_load(c->db, &cur, &version);
    if (rc) return rc;
    if (version != ch->version) return SX_EVERSION;
    char old[32], next[32];
    rc = st_setting_get(c->db, "security_version", old, sizeof old);
    if (rc && rc != SX_ENOTFOUND) return rc;
    snprintf(next, sizeof next, "%lld", (long long)version + 1);
    if ((rc = st_setting_replace(c->db, "security_version", rc == SX_ENOTFOUND ? NULL : old, next))) return rc;
    if ((rc = st_policy_put(c->db, &ch->p))) return rc;
    char details[512];
    st_policy_describe(&ch->p, details, sizeof details);
    return app_audit(c, "settings.security.update", "settings", "security", details);
}
