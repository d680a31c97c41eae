/* The audit log's hash chain (domain/audit_chain.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>
#include "domain/audit_chain.h"

static struct audit_fields base(void)
{
    struct audit_fields f = {
        .id = 7,
        .ts = "2026-11-29T08:00:00Z",
        .username = "sysadmin",
        .ip = "127.0.0.1",
        .action = "user.create",
        .object_type = "user",
        .object_id = "12",
        .result = "success",
        .details = "{\"username\":\"张三\"}",
        .user_id = 1,
    };
    return f;
}

static void deterministic(void **state)
{
    (void)state;
    struct audit_fields f = base();
    char a[65], b[65];
    audit_chain_hash(AUDIT_GENESIS, &f, a);
    audit_chain_hash(AUDIT_GENESIS, &f, b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);
}

static void every_field_counts(void **state)
{
    (void)state;
    char ref[65], h[65];
    struct audit_fields f0 = base();
    audit_chain_hash(AUDIT_GENESIS, &f0, ref);
    for (int k = 0; k < 10; k++) {
        struct audit_fields f = base();
        switch (k) {
        case 0: f.id = 8; break;
        case 1: f.ts = "2026-11-29T08:00:01Z"; break;
        case 2: f.username = "secadmin"; break;
        case 3: f.ip = "127.0.0.2"; break;
        case 4: f.action = "user.update"; break;
        case 5: f.object_type = "role"; break;
        case 6: f.object_id = "13"; break;
        case 7: f.result = "failure"; break;
        case 8: f.details = "{\"username\":\"李四\"}"; break;
        case 9: f.user_id = 2; break;
        }
        audit_chain_hash(AUDIT_GENESIS, &f, h);
        if (strcmp(ref, h) == 0) fail_msg("changing field %d did not change the hash", k);
    }
}

static void prev_matters(void **state)
{
    (void)state;
    struct audit_fields f = base();
    char a[65], b[65], first[65];
    audit_chain_hash(AUDIT_GENESIS, &f, first);
    audit_chain_hash(AUDIT_GENESIS, &f, a);
    audit_chain_hash(first, &f, b);
    assert_string_not_equal(a, b);
}

static void length_prefix(void **state)
{
    (void)state;
    /* Plain concatenation would make ("a","bc") and ("ab","c") collide. */
    struct audit_fields x = base(), y = base();
    x.object_type = "a";
    x.object_id = "bc";
    y.object_type = "ab";
    y.object_id = "c";
    char a[65], b[65];
    audit_chain_hash(AUDIT_GENESIS, &x, a);
    audit_chain_hash(AUDIT_GENESIS, &y, b);
    assert_string_not_equal(a, b);
    /* NULL and "" are the same empty field */
    struct audit_fields n = base(), e = base();
    n.details = NULL;
    e.details = "";
    audit_chain_hash(AUDIT_GENESIS, &n, a);
    audit_chain_hash(AUDIT_GENESIS, &e, b);
    assert_string_equal(a, b);
}

static const struct audit_keys key_a = {{1, 2, 3}, {4, 5, 6}}, key_b = {{9, 8, 7}, {6, 5, 4}};

static void keyed_depends_on_key(void **state)
{
    (void)state;
    struct audit_fields f = base();
    char plain[65], a[65], a2[65], b[65];
    audit_chain_hash(AUDIT_GENESIS, &f, plain);
    audit_chain_mac(&key_a, AUDIT_GENESIS, &f, a);
    audit_chain_mac(&key_a, AUDIT_GENESIS, &f, a2);
    audit_chain_mac(&key_b, AUDIT_GENESIS, &f, b);
    assert_string_equal(a, a2);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);
    assert_string_not_equal(a, plain); /* the unkeyed hash cannot stand in for the keyed one */
    assert_string_not_equal(a, b);
    /* the anchor key does not link records */
    struct audit_keys only_anchor = key_a;
    memset(only_anchor.record, 0, sizeof only_anchor.record);
    audit_chain_mac(&only_anchor, AUDIT_GENESIS, &f, b);
    assert_string_not_equal(a, b);
    /* every field counts in the keyed hash too */
    struct audit_fields g = base();
    g.details = "{}";
    audit_chain_mac(&key_a, AUDIT_GENESIS, &g, b);
    assert_string_not_equal(a, b);
}

static void head_round_trip(void **state)
{
    (void)state;
    char h[65], head[AUDIT_HEAD_MAX], got[65];
    struct audit_fields f = base();
    audit_chain_mac(&key_a, AUDIT_GENESIS, &f, h);
    audit_head_format(&key_a, 7, h, head, sizeof head);
    int64_t id = 0;
    assert_int_equal(audit_head_parse(&key_a, head, &id, got), AUDIT_HEAD_KEYED);
    assert_int_equal(id, 7);
    assert_string_equal(got, h);
    assert_int_equal(audit_head_parse(&key_b, head, &id, got), AUDIT_HEAD_BAD); /* another key */
    /* the head of a shorter log cannot be made from this one by editing the id */
    char edited[AUDIT_HEAD_MAX];
    snprintf(edited, sizeof edited, "6%s", strchr(head, ':'));
    assert_int_equal(audit_head_parse(&key_a, edited, &id, got), AUDIT_HEAD_BAD);
    /* the old unkeyed form */
    char old[100];
    snprintf(old, sizeof old, "7:%s", h);
    assert_int_equal(audit_head_parse(&key_a, old, &id, got), AUDIT_HEAD_UNKEYED);
    assert_int_equal(id, 7);
    const char *bad[] = {"", "x:1", "7:abc", "07:" AUDIT_GENESIS, "-1:" AUDIT_GENESIS, "7;" AUDIT_GENESIS,
                         "7:" AUDIT_GENESIS ":", "7:" AUDIT_GENESIS ":zz"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (audit_head_parse(&key_a, bad[i], &id, got) != AUDIT_HEAD_BAD) fail_msg("accepted head \"%s\"", bad[i]);
    assert_int_equal(audit_head_parse(&key_a, NULL, &id, got), AUDIT_HEAD_BAD);
}

static void checkpoint_round_trip(void **state)
{
    (void)state;
    struct audit_anchor a = {.keyed_from = 3, .id = 12}, got;
    memcpy(a.hash, "ab" AUDIT_GENESIS, 64);
    a.hash[64] = 0;
    char text[AUDIT_CHECKPOINT_MAX];
    audit_checkpoint_format(&key_a, &a, text, sizeof text);
    assert_non_null(strchr(text, '\n'));
    assert_int_equal(audit_checkpoint_parse(&key_a, text, &got), 0);
    assert_int_equal(got.keyed_from, 3);
    assert_int_equal(got.id, 12);
    assert_string_equal(got.hash, a.hash);
    assert_int_equal(audit_checkpoint_parse(&key_b, text, &got), -2);
    /* changing the count, the switch point or the hash needs the key */
    char t2[AUDIT_CHECKPOINT_MAX];
    snprintf(t2, sizeof t2, "%s", text);
    char *p = strstr(t2, " 12 ");
    p[2] = '1'; /* 12 -> 11 */
    assert_int_equal(audit_checkpoint_parse(&key_a, t2, &got), -2);
    snprintf(t2, sizeof t2, "%s", text);
    t2[strlen("sixia-audit-checkpoint v1 ")] = '4';
    assert_int_equal(audit_checkpoint_parse(&key_a, t2, &got), -2);
    /* without the newline it still reads; anything after it does not */
    snprintf(t2, sizeof t2, "%s", text);
    t2[strlen(t2) - 1] = 0;
    assert_int_equal(audit_checkpoint_parse(&key_a, t2, &got), 0);
    char t3[AUDIT_CHECKPOINT_MAX + 8];
    snprintf(t3, sizeof t3, "%sx", text);
    assert_int_equal(audit_checkpoint_parse(&key_a, t3, &got), -1);
    assert_int_equal(audit_checkpoint_parse(&key_a, "", &got), -1);
    assert_int_equal(audit_checkpoint_parse(&key_a, "sixia-audit-checkpoint v1 1 2 3 4\n", &got), -1);
    assert_int_equal(audit_checkpoint_parse(&key_a, NULL, &got), -1);
}

/* ---- the verifier over an in-memory log ---- */

#define MAXREC 16
struct log {
    int n;
    int64_t keyed_from; /* as the database says */
    struct audit_fields f[MAXREC];
    char det[MAXREC][32];
    char prev[MAXREC][65], hash[MAXREC][65];
    char head[AUDIT_HEAD_MAX];
    int has_head;
};

static void rehash(struct log *l, int from, int64_t keyed_from, int keyed_head)
{
    for (int i = from; i < l->n; i++) {
        const char *prev = i ? l->hash[i - 1] : AUDIT_GENESIS;
        memcpy(l->prev[i], prev, AUDIT_HEX);
        if (keyed_from && l->f[i].id >= keyed_from) audit_chain_mac(&key_a, prev, &l->f[i], l->hash[i]);
        else audit_chain_hash(prev, &l->f[i], l->hash[i]);
    }
    l->has_head = l->n > 0;
    if (!l->n) return;
    if (keyed_head) audit_head_format(&key_a, l->n, l->hash[l->n - 1], l->head, sizeof l->head);
    else snprintf(l->head, sizeof l->head, "%d:%s", l->n, l->hash[l->n - 1]);
}

/* n records, the first keyed_from - 1 of them unkeyed (keyed_from 0: none keyed). */
static void make_log(struct log *l, int n, int64_t keyed_from)
{
    memset(l, 0, sizeof *l);
    l->n = n;
    l->keyed_from = keyed_from;
    for (int i = 0; i < n; i++) {
        l->f[i] = base();
        l->f[i].id = i + 1;
        snprintf(l->det[i], sizeof l->det[i], "{\"n\":%d}", i + 1);
        l->f[i].details = l->det[i];
    }
    rehash(l, 0, keyed_from, keyed_from && n >= keyed_from);
}

static struct audit_anchor anchor_of(const struct log *l, int64_t keyed_from, int id)
{
    struct audit_anchor a = {.keyed_from = keyed_from, .id = id};
    memcpy(a.hash, id ? l->hash[id - 1] : AUDIT_GENESIS, AUDIT_HEX);
    return a;
}

static int verify(const struct log *l, enum audit_checkpoint_state cps, const struct audit_anchor *cp,
                  struct audit_verifier *v)
{
    audit_verify_begin(v, &key_a, l->keyed_from, cps, cp);
    for (int i = 0; i < l->n; i++)
        if (audit_verify_record(v, &l->f[i], l->prev[i], l->hash[i])) break;
    return audit_verify_end(v, l->has_head ? l->head : NULL);
}

static int has(const struct audit_verifier *v, enum audit_problem what, int64_t id)
{
    for (int i = 0; i < v->nfound; i++)
        if (v->found[i].what == what && (id < 0 || v->found[i].id == id)) return 1;
    return 0;
}

static void verify_intact(void **state)
{
    (void)state;
    struct log l;
    struct audit_verifier v;
    make_log(&l, 8, 4); /* 3 records from before the switch */
    struct audit_anchor cp = anchor_of(&l, 4, 8);
    assert_int_equal(verify(&l, AUDIT_CP_OK, &cp, &v), 0);
    assert_int_equal(v.count, 8);
    assert_int_equal(v.unkeyed, 3);
    assert_int_equal(v.last_id, 8);
    assert_string_equal(v.prev, l.hash[7]);
    /* a checkpoint that lags behind (written after the commit) is fine */
    cp = anchor_of(&l, 4, 5);
    assert_int_equal(verify(&l, AUDIT_CP_OK, &cp, &v), 0);
    /* all keyed, from an empty checkpoint (a new database) */
    make_log(&l, 5, 1);
    cp = anchor_of(&l, 1, 0);
    assert_int_equal(verify(&l, AUDIT_CP_OK, &cp, &v), 0);
    assert_int_equal(v.unkeyed, 0);
    /* a database never switched: unkeyed records and head, no checkpoint */
    make_log(&l, 5, 0);
    assert_int_equal(verify(&l, AUDIT_CP_ABSENT, NULL, &v), 0);
    assert_int_equal(v.unkeyed, 5);
    /* switched but nothing keyed yet: the unkeyed head still stands */
    make_log(&l, 5, 6);
    cp = anchor_of(&l, 6, 5);
    assert_int_equal(verify(&l, AUDIT_CP_OK, &cp, &v), 0);
    /* the empty log of a new database */
    make_log(&l, 0, 1);
    cp = anchor_of(&l, 1, 0);
    assert_int_equal(verify(&l, AUDIT_CP_OK, &cp, &v), 0);
}

/* (a) the tail and the head deleted */
static void forged_tail_and_head_deleted(void **state)
{
    (void)state;
    struct log l;
    struct audit_verifier v;
    make_log(&l, 8, 1);
    struct audit_anchor cp = anchor_of(&l, 1, 8);
    l.n = 5;
    l.has_head = 0;
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_CUT, 8));
    assert_int_equal(v.found[0].other, 5);
    assert_true(has(&v, AUDIT_HEAD_MISSING, -1));
    /* even without the checkpoint file the missing head of a keyed chain shows */
    assert_true(verify(&l, AUDIT_CP_ABSENT, NULL, &v) > 0);
    assert_true(has(&v, AUDIT_HEAD_MISSING, -1) && has(&v, AUDIT_CHECKPOINT_MISSING, -1));
}

/* (b) the head recomputed after deleting the tail */
static void forged_head_recomputed(void **state)
{
    (void)state;
    struct log l;
    struct audit_verifier v;
    make_log(&l, 8, 1);
    struct audit_anchor cp = anchor_of(&l, 1, 8);
    l.n = 5;
    snprintf(l.head, sizeof l.head, "5:%s", l.hash[4]); /* the old, unkeyed form */
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_CUT, 8) && has(&v, AUDIT_HEAD_FORGED, -1));
    audit_head_format(&key_b, 5, l.hash[4], l.head, sizeof l.head); /* keyed, with a guessed key */
    assert_true(verify(&l, AUDIT_CP_ABSENT, NULL, &v) > 0);
    assert_true(has(&v, AUDIT_HEAD_FORGED, -1));
    /* the authentic head of the shorter log, replayed from an old copy: only the checkpoint,
     * kept outside the database, still knows better */
    audit_head_format(&key_a, 5, l.hash[4], l.head, sizeof l.head);
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_CUT, 8));
    assert_false(has(&v, AUDIT_HEAD_FORGED, -1));
    /* the head left as it was */
    make_log(&l, 8, 1);
    l.n = 5;
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_HEAD_CUT, 8));
}

/* (c) a record edited and the whole chain recomputed without the key */
static void forged_edit_and_recompute(void **state)
{
    (void)state;
    struct log l;
    struct audit_verifier v;
    make_log(&l, 8, 3);
    struct audit_anchor cp = anchor_of(&l, 3, 8);
    l.f[4].details = "{\"n\":0}";
    rehash(&l, 4, 0, 0); /* as the unkeyed chain would be */
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_BROKEN, 5));
    /* the same with the switch point moved past the end, so that every record looks unkeyed */
    make_log(&l, 8, 3);
    l.f[4].details = "{\"n\":0}";
    l.keyed_from = 9;
    rehash(&l, 0, 0, 0);
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_SWITCH_MOVED, 3));
    assert_true(has(&v, AUDIT_BROKEN, 3)); /* checked with the checkpoint's switch point */
    /* an edit in the unkeyed part before the switch, recomputed up to it */
    make_log(&l, 6, 7);
    cp = anchor_of(&l, 7, 6);
    l.f[1].details = "{\"n\":0}";
    rehash(&l, 1, 0, 0);
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_CHECKPOINT_MISMATCH, 6));
    /* and once keyed records follow, the first of them no longer links */
    make_log(&l, 8, 5);
    cp = anchor_of(&l, 5, 8);
    l.f[1].details = "{\"n\":0}";
    rehash(&l, 1, 0, 0);
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_BROKEN, 5));
}

/* (d) the whole log deleted */
static void forged_everything_deleted(void **state)
{
    (void)state;
    struct log l;
    struct audit_verifier v;
    make_log(&l, 8, 1);
    struct audit_anchor cp = anchor_of(&l, 1, 8);
    l.n = 0;
    l.has_head = 0;
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_EMPTIED, 8));
    assert_int_equal(v.count, 0);
}

static void gaps_and_bad_checkpoints(void **state)
{
    (void)state;
    struct log l;
    struct audit_verifier v;
    make_log(&l, 8, 1);
    struct audit_anchor cp = anchor_of(&l, 1, 8);
    /* a record in the middle removed */
    memmove(&l.f[3], &l.f[4], 4 * sizeof l.f[0]);
    memmove(l.prev[3], l.prev[4], 4 * sizeof l.prev[0]);
    memmove(l.hash[3], l.hash[4], 4 * sizeof l.hash[0]);
    l.n = 7;
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_GAP, 5));
    assert_int_equal(v.found[0].other, 3);
    /* the first records removed */
    make_log(&l, 8, 1);
    memmove(&l.f[0], &l.f[2], 6 * sizeof l.f[0]);
    memmove(l.prev[0], l.prev[2], 6 * sizeof l.prev[0]);
    memmove(l.hash[0], l.hash[2], 6 * sizeof l.hash[0]);
    l.n = 6;
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_GAP, 3));
    /* a damaged checkpoint, and a keyed chain without one */
    make_log(&l, 8, 1);
    assert_true(verify(&l, AUDIT_CP_BAD, NULL, &v) > 0);
    assert_true(has(&v, AUDIT_CHECKPOINT_BAD, -1));
    assert_true(verify(&l, AUDIT_CP_ABSENT, NULL, &v) > 0);
    assert_true(has(&v, AUDIT_CHECKPOINT_MISSING, -1));
    assert_int_equal(v.nfound, 1);
    /* a record's stored hash is not the one computed */
    make_log(&l, 8, 1);
    memcpy(l.hash[7], "cd", 2);
    assert_true(verify(&l, AUDIT_CP_OK, &cp, &v) > 0);
    assert_true(has(&v, AUDIT_BROKEN, 8));
    /* another key file: the first keyed record fails */
    make_log(&l, 8, 1);
    audit_verify_begin(&v, &key_b, 1, AUDIT_CP_ABSENT, NULL);
    assert_int_equal(audit_verify_record(&v, &l.f[0], l.prev[0], l.hash[0]), 1);
    assert_int_equal(audit_verify_end(&v, l.head), 2);
    assert_true(has(&v, AUDIT_BROKEN, 1));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic), cmocka_unit_test(every_field_counts), cmocka_unit_test(prev_matters),
        cmocka_unit_test(length_prefix), cmocka_unit_test(keyed_depends_on_key), cmocka_unit_test(head_round_trip),
        cmocka_unit_test(checkpoint_round_trip), cmocka_unit_test(verify_intact),
        cmocka_unit_test(forged_tail_and_head_deleted), cmocka_unit_test(forged_head_recomputed),
        cmocka_unit_test(forged_edit_and_recompute), cmocka_unit_test(forged_everything_deleted),
        cmocka_unit_test(gaps_and_bad_checkpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
