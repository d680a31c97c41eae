/* Reception-day rotation planner (see rotation.h).
 *
 * Two stages:
 * 1. Dates per county. Each county's k-th visit has an ideal position (k + phase) * N / m in the
 *    period of N dates, the phase staggering the counties so that days fill evenly. Visits are
 *    placed, in order of ideal position, on the nearest date that still has a free leader and no
 *    visit of that county. When none is left, an augmenting path (moving other counties' visits
 *    along) makes room; because feasibility was proven first (a Gale–Ryser style condition on the
 *    per-day leader counts), the path always exists.
 * 2. Leaders per day. Each day's counties get the day's available leaders by an exact assignment
 *    (Hungarian method) whose costs rank: the leader's previous visit was this county, the county's
 *    previous visit was by this leader, the leader's load, how often the pair met, and how many
 *    chances the leader still has. Then visits move (singly or two at once) from heavily to
 *    lightly loaded leaders without adding leaders' repeats, and a bounded local search (give a
 *    visit to a free leader, swap two leaders on one day, exchange visits across two days, a
 *    balancing move plus an exchange) improves, lexicographically: leaders' repeats, squared
 *    loads, counties' repeats. Its work budget is fixed, so large inputs stay fast.
 * Everything iterates in input order, no randomness, so the result is deterministic. */
#include "rotation.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL ROT_MAX_LEADERS
#define NC ROT_MAX_COUNTIES
#define ND ROT_MAX_DATES

/* ---------------------------------------------------------------- names and messages */

static const char *const code_names[] = {
    "ok", "too_many", "input", "county_dates", "county_no_leader", "capacity", "crowded", "internal",
};

const char *rotation_code_name(int code)
{
    if (code < 0 || code >= (int)(sizeof code_names / sizeof code_names[0])) return "unknown";
    return code_names[code];
}

static const char *const violation_names[] = {
    "unknown",         "leader_double",  "leader_unavailable", "county_count",
    "county_same_day", "unknown_leader", "unknown_county",     "date_outside",
};

const char *rotation_violation_name(int kind)
{
    if (kind < 0 || kind >= (int)(sizeof violation_names / sizeof violation_names[0]))
        return "unknown";
    return violation_names[kind];
}

void rotation_date_text(int32_t date, char *buf, size_t size)
{
    snprintf(buf, size, "%04d-%02d-%02d", (int)(date / 10000), (int)(date / 100 % 100),
             (int)(date % 100));
}

static void label(char *buf, size_t size, const char *name, const char *prefix, int64_t id)
{
    if (name && *name)
        snprintf(buf, size, "%s", name);
    else
        snprintf(buf, size, "%s#%lld", prefix, (long long)id);
}

int rotation_error_text(const struct rot_error *e, const char *county_name,
                        const char *leader_name, char *buf, size_t size)
{
    char c[128], l[128], d[24];
    label(c, sizeof c, county_name, "县", e->county_id);
    label(l, sizeof l, leader_name, "领导", e->leader_id);
    rotation_date_text(e->date, d, sizeof d);
    switch (e->code) {
    case ROT_OK:
        return snprintf(buf, size, "可以排定");
    case ROT_E_TOO_MANY:
        switch (e->what) {
        case ROT_W_LEADERS:
            return snprintf(buf, size, "领导人数%d超过上限%d", e->need, e->have);
        case ROT_W_COUNTIES:
            return snprintf(buf, size, "县的数量%d超过上限%d", e->need, e->have);
        case ROT_W_DATES:
            return snprintf(buf, size, "本期日期数%d超过上限%d", e->need, e->have);
        case ROT_W_UNAVAILABLE:
            return snprintf(buf, size, "%s的不可出行日期有%d个，超过上限%d", l, e->need, e->have);
        case ROT_W_UNITS:
            return snprintf(buf, size, "%s的陪同单位有%d个，超过上限%d", l, e->need, e->have);
        default:
            return snprintf(buf, size, "输入超过规模上限");
        }
    case ROT_E_INPUT:
        switch (e->what) {
        case ROT_W_DUP_LEADER:
            return snprintf(buf, size, "%s在领导名单中重复出现", l);
        case ROT_W_DUP_COUNTY:
            return snprintf(buf, size, "%s在县名单中重复出现", c);
        case ROT_W_BAD_DATE:
            return snprintf(buf, size, "日期%ld无效，应为年月日（YYYYMMDD）", (long)e->date);
        case ROT_W_DATE_ORDER:
            return snprintf(buf, size, "日期%s重复或未按先后顺序排列", d);
        case ROT_W_BAD_VISITS:
            return snprintf(buf, size, "%s的接访次数%d无效", c, e->need);
        default:
            return snprintf(buf, size, "输入数据不完整（数量与列表不符）");
        }
    case ROT_E_COUNTY_DATES:
        return snprintf(buf, size, "%s需要%d次接访，但本期只有%d个可用日期", c, e->need, e->have);
    case ROT_E_COUNTY_NO_LEADER:
        if (e->date)
            return snprintf(buf, size,
                            "%s需要%d次接访，但本期只有%d个日期有领导可以出行（%s等日期全部领导"
                            "都不能出行）",
                            c, e->need, e->have, d);
        return snprintf(buf, size, "%s需要%d次接访，但本期只有%d个日期有领导可以出行", c,
                        e->need, e->have);
    case ROT_E_CAPACITY:
        return snprintf(buf, size, "本期共需%d次接访，但领导可出行的人次合计只有%d", e->need,
                        e->have);
    case ROT_E_CROWDED:
        return snprintf(buf, size,
                        "%s等接访次数较多的县共需%d次接访，但每县每天至多一次、每天可出行的领导"
                        "人数有限，本期最多只能安排%d次",
                        c, e->need, e->have);
    case ROT_E_INTERNAL:
        return snprintf(buf, size, "排班计算失败（内部错误）");
    default:
        return snprintf(buf, size, "未知错误");
    }
}

int rotation_violation_text(const struct rot_violation *v, const char *county_name,
                            const char *leader_name, char *buf, size_t size)
{
    char c[128], l[128], d[24];
    label(c, sizeof c, county_name, "县", v->county_id);
    label(l, sizeof l, leader_name, "领导", v->leader_id);
    rotation_date_text(v->date, d, sizeof d);
    switch (v->kind) {
    case ROT_V_LEADER_DOUBLE:
        return snprintf(buf, size, "%s在%s被安排了%d处接访，同一天只能去一处", l, d, v->have);
    case ROT_V_LEADER_UNAVAILABLE:
        return snprintf(buf, size, "%s在%s不能出行，但被安排到%s", l, d, c);
    case ROT_V_COUNTY_COUNT:
        return snprintf(buf, size, "%s需要%d次接访，计划中有%d次", c, v->need, v->have);
    case ROT_V_COUNTY_SAME_DAY:
        return snprintf(buf, size, "%s在%s被安排了%d次接访，每县每天至多一次", c, d, v->have);
    case ROT_V_UNKNOWN_LEADER:
        return snprintf(buf, size, "第%d条安排中的%s不在本期领导名单中", v->index + 1, l);
    case ROT_V_UNKNOWN_COUNTY:
        return snprintf(buf, size, "第%d条安排中的%s不在本期县名单中", v->index + 1, c);
    case ROT_V_DATE_OUTSIDE:
        return snprintf(buf, size, "第%d条安排的日期%s不在本期可选日期中", v->index + 1, d);
    default:
        return snprintf(buf, size, "未知问题");
    }
}

static int fail(struct rot_error *err, int code, int what, int64_t county_id, int64_t leader_id,
                int32_t date, int need, int have)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = code;
        err->what = what;
        err->county_id = county_id;
        err->leader_id = leader_id;
        err->date = date;
        err->need = need;
        err->have = have;
        rotation_error_text(err, NULL, NULL, err->msg, sizeof err->msg);
    }
    return code;
}

/* ---------------------------------------------------------------- input */

struct prep {
    int L, C, N;
    int need[NC];
    int cap[ND]; /* leaders available per date */
    unsigned char avail[NL][ND];
};

static int date_index(const struct rot_input *in, int32_t date)
{
    int lo = 0, hi = in->n_dates - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (in->dates[mid] == date) return mid;
        if (in->dates[mid] < date)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int valid_date(int32_t d)
{
    int y = (int)(d / 10000), m = (int)(d / 100 % 100), day = (int)(d % 100);
    return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static int prepare(const struct rot_input *in, struct prep *p, struct rot_error *err)
{
    memset(p, 0, sizeof *p);
    if (!in || in->n_leaders < 0 || in->n_counties < 0 || in->n_dates < 0 ||
        (in->n_leaders > 0 && !in->leaders) || (in->n_counties > 0 && !in->counties) ||
        (in->n_dates > 0 && !in->dates))
        return fail(err, ROT_E_INPUT, ROT_W_NULL, 0, 0, 0, 0, 0);
    if (in->n_leaders > NL)
        return fail(err, ROT_E_TOO_MANY, ROT_W_LEADERS, 0, 0, 0, in->n_leaders, NL);
    if (in->n_counties > NC)
        return fail(err, ROT_E_TOO_MANY, ROT_W_COUNTIES, 0, 0, 0, in->n_counties, NC);
    if (in->n_dates > ND) return fail(err, ROT_E_TOO_MANY, ROT_W_DATES, 0, 0, 0, in->n_dates, ND);
    p->L = in->n_leaders;
    p->C = in->n_counties;
    p->N = in->n_dates;
    for (int d = 0; d < p->N; d++) {
        if (!valid_date(in->dates[d]))
            return fail(err, ROT_E_INPUT, ROT_W_BAD_DATE, 0, 0, in->dates[d], 0, 0);
        if (d > 0 && in->dates[d] <= in->dates[d - 1])
            return fail(err, ROT_E_INPUT, ROT_W_DATE_ORDER, 0, 0, in->dates[d], 0, 0);
    }
    for (int l = 0; l < p->L; l++) {
        const struct rot_leader *ld = &in->leaders[l];
        for (int j = 0; j < l; j++)
            if (in->leaders[j].id == ld->id)
                return fail(err, ROT_E_INPUT, ROT_W_DUP_LEADER, 0, ld->id, 0, 0, 0);
        if (ld->n_unavailable < 0 || ld->n_units < 0 || (ld->n_unavailable > 0 && !ld->unavailable) ||
            (ld->n_units > 0 && !ld->units))
            return fail(err, ROT_E_INPUT, ROT_W_NULL, 0, ld->id, 0, 0, 0);
        if (ld->n_unavailable > ROT_MAX_UNAVAILABLE)
            return fail(err, ROT_E_TOO_MANY, ROT_W_UNAVAILABLE, 0, ld->id, 0, ld->n_unavailable,
                        ROT_MAX_UNAVAILABLE);
        if (ld->n_units > ROT_MAX_UNITS)
            return fail(err, ROT_E_TOO_MANY, ROT_W_UNITS, 0, ld->id, 0, ld->n_units,
                        ROT_MAX_UNITS);
        memset(p->avail[l], 1, (size_t)p->N);
        for (int u = 0; u < ld->n_unavailable; u++) {
            int d = date_index(in, ld->unavailable[u]);
            if (d >= 0) p->avail[l][d] = 0;
        }
    }
    for (int c = 0; c < p->C; c++) {
        const struct rot_county *ct = &in->counties[c];
        for (int j = 0; j < c; j++)
            if (in->counties[j].id == ct->id)
                return fail(err, ROT_E_INPUT, ROT_W_DUP_COUNTY, ct->id, 0, 0, 0, 0);
        int need = ct->visits != 0 ? ct->visits : in->visits_each;
        if (need < 0) return fail(err, ROT_E_INPUT, ROT_W_BAD_VISITS, ct->id, 0, 0, need, 0);
        p->need[c] = need;
    }
    for (int d = 0; d < p->N; d++)
        for (int l = 0; l < p->L; l++) p->cap[d] += p->avail[l][d];
    return ROT_OK;
}

/* Max-flow / min-cut condition: the k counties with the most visits must fit into
 * sum over dates of min(leaders free that day, k). Reports the most specific failure. */
static int check_feasible(const struct rot_input *in, const struct prep *p, struct rot_error *err)
{
    int open = 0, closed_date = 0, total = 0, capsum = 0;
    for (int d = 0; d < p->N; d++) {
        if (p->cap[d] > 0)
            open++;
        else if (!closed_date)
            closed_date = in->dates[d];
        capsum += p->cap[d];
    }
    for (int c = 0; c < p->C; c++)
        if (p->need[c] > p->N)
            return fail(err, ROT_E_COUNTY_DATES, 0, in->counties[c].id, 0, 0, p->need[c], p->N);
    for (int c = 0; c < p->C; c++)
        if (p->need[c] > open)
            return fail(err, ROT_E_COUNTY_NO_LEADER, 0, in->counties[c].id, 0, closed_date,
                        p->need[c], open);
    for (int c = 0; c < p->C; c++) total += p->need[c];
    if (total > capsum) return fail(err, ROT_E_CAPACITY, 0, 0, 0, 0, total, capsum);
    /* counties by need, descending, ties by input order (insertion sort keeps it stable) */
    int ord[NC];
    for (int c = 0; c < p->C; c++) {
        int j = c;
        while (j > 0 && p->need[ord[j - 1]] < p->need[c]) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = c;
    }
    int sum = 0;
    for (int k = 1; k <= p->C; k++) {
        sum += p->need[ord[k - 1]];
        int room = 0;
        for (int d = 0; d < p->N; d++) room += p->cap[d] < k ? p->cap[d] : k;
        if (sum > room)
            return fail(err, ROT_E_CROWDED, 0, in->counties[ord[k - 1]].id, 0, 0, sum, room);
    }
    return ROT_OK;
}

/* ---------------------------------------------------------------- stage 1: dates per county */

struct slot {
    int c, k;
    long long num, den; /* ideal date index = num / den */
};

struct work {
    struct prep p;
    unsigned char on[NC][ND]; /* county visited on date */
    int used[ND];             /* visits on date */
    signed char who[NC][ND];  /* leader of the county's visit on date, -1 */
    signed char where[NL][ND]; /* county the leader visits on date, -1 */
    int load[NL];
    struct slot slots[ROT_MAX_VISITS];
};

static int slot_cmp(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    long long l = x->num * y->den, r = y->num * x->den;
    if (l != r) return l < r ? -1 : 1;
    if (x->c != y->c) return x->c < y->c ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

static long long dist(int d, const struct slot *s)
{
    long long v = (long long)d * s->den - s->num;
    return v < 0 ? -v : v;
}

/* Makes room for one more visit of s->c by moving other visits along an augmenting path
 * (breadth first from the dates nearest the ideal). 1 when placed. */
static int augment(struct work *w, const struct slot *s)
{
    int N = w->p.N, C = w->p.C, c = s->c;
    int order[ND], prev[ND], mover[ND], queue[ND], head = 0, tail = 0;
    unsigned char seen[ND] = {0};
    for (int d = 0; d < N; d++) {
        int j = d;
        while (j > 0 && dist(order[j - 1], s) > dist(d, s)) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = d;
    }
    for (int i = 0; i < N; i++) {
        int d = order[i];
        if (w->on[c][d]) continue;
        seen[d] = 1;
        prev[d] = -1;
        queue[tail++] = d;
    }
    while (head < tail) {
        int d = queue[head++];
        if (w->used[d] < w->p.cap[d]) {
            w->used[d]++;
            int x = d;
            while (prev[x] >= 0) {
                w->on[mover[x]][prev[x]] = 0;
                w->on[mover[x]][x] = 1;
                x = prev[x];
            }
            w->on[c][x] = 1;
            return 1;
        }
        for (int c2 = 0; c2 < C; c2++) {
            if (!w->on[c2][d]) continue;
            for (int i = 0; i < N; i++) {
                int d2 = order[i];
                if (seen[d2] || w->on[c2][d2]) continue;
                seen[d2] = 1;
                prev[d2] = d;
                mover[d2] = c2;
                queue[tail++] = d2;
            }
        }
    }
    return 0;
}

static int place_dates(struct work *w)
{
    static const struct slot zero;
    struct slot *slots = w->slots;
    int n = 0, C = w->p.C, N = w->p.N;
    for (int c = 0; c < C; c++) {
        int m = w->p.need[c];
        for (int k = 0; k < m; k++) {
            slots[n] = zero;
            slots[n].c = c;
            slots[n].k = k;
            /* ((k + (c + 0.5) / C) * N / m) - 0.5 */
            slots[n].num = (2LL * k * C + 2LL * c + 1) * N - (long long)C * m;
            slots[n].den = 2LL * C * m;
            n++;
        }
    }
    qsort(slots, (size_t)n, sizeof slots[0], slot_cmp);
    for (int i = 0; i < n; i++) {
        const struct slot *s = &slots[i];
        int best = -1;
        for (int d = 0; d < N; d++) {
            if (w->on[s->c][d] || w->used[d] >= w->p.cap[d]) continue;
            if (best < 0 || dist(d, s) < dist(best, s)) best = d;
        }
        if (best >= 0) {
            w->on[s->c][best] = 1;
            w->used[best]++;
        } else if (!augment(w, s)) {
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- stage 2: leaders per day */

/* Minimum-cost assignment of n rows to distinct columns among m >= n (Hungarian method with
 * potentials, O(n^2 m)). a is row-major n x m; col_of[row] receives the column. */
static void hungarian(int n, int m, const long long *a, int *col_of)
{
    const long long INF = (long long)1 << 62;
    long long u[NC + 1] = {0}, v[NL + 1] = {0}, minv[NL + 1];
    int p[NL + 1] = {0}, way[NL + 1] = {0};
    for (int i = 1; i <= n; i++) {
        unsigned char used[NL + 1] = {0};
        int j0 = 0;
        p[0] = i;
        for (int j = 0; j <= m; j++) minv[j] = INF;
        do {
            used[j0] = 1;
            int i0 = p[j0], j1 = 0;
            long long delta = INF;
            for (int j = 1; j <= m; j++) {
                if (used[j]) continue;
                long long cur = a[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (int j = 0; j <= m; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            int j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    for (int j = 1; j <= m; j++)
        if (p[j]) col_of[p[j] - 1] = j - 1;
}

#define W_REPEAT_LEADER 1000000000000LL /* leader's previous visit was this county */
#define W_REPEAT_COUNTY 1000000000LL    /* county's previous visit was by this leader */
#define W_LOAD 1000000LL
#define W_PAIR 1000LL

static void assign_leaders(struct work *w)
{
    int L = w->p.L, C = w->p.C, N = w->p.N;
    int last_county[NL], last_leader[NC], pairs[NL][NC], remaining[NL];
    memset(pairs, 0, sizeof pairs);
    for (int l = 0; l < L; l++) {
        last_county[l] = -1;
        remaining[l] = 0;
        for (int d = 0; d < N; d++) remaining[l] += w->p.avail[l][d];
    }
    for (int c = 0; c < C; c++) last_leader[c] = -1;
    for (int d = 0; d < N; d++) {
        int rows[NC], cols[NL], nr = 0, nc = 0, col_of[NC];
        long long cost[NC * NL];
        for (int c = 0; c < C; c++)
            if (w->on[c][d]) rows[nr++] = c;
        for (int l = 0; l < L; l++)
            if (w->p.avail[l][d]) cols[nc++] = l;
        if (nr > 0) {
            for (int i = 0; i < nr; i++) {
                for (int j = 0; j < nc; j++) {
                    int c = rows[i], l = cols[j];
                    long long k = W_LOAD * w->load[l] + W_PAIR * pairs[l][c] + remaining[l];
                    if (last_county[l] == c) k += W_REPEAT_LEADER;
                    if (last_leader[c] == l) k += W_REPEAT_COUNTY;
                    cost[i * nc + j] = k;
                }
            }
            hungarian(nr, nc, cost, col_of);
            for (int i = 0; i < nr; i++) {
                int c = rows[i], l = cols[col_of[i]];
                w->who[c][d] = (signed char)l;
                w->where[l][d] = (signed char)c;
                w->load[l]++;
                pairs[l][c]++;
                last_county[l] = c;
                last_leader[c] = l;
            }
        }
        for (int l = 0; l < L; l++) remaining[l] -= w->p.avail[l][d];
    }
}

/* Neighbouring visits: county of leader l's visit before/after date d, leader of county c's visit
 * before/after d; -1 when none. */
static int lc_prev(const struct work *w, int l, int d)
{
    for (int x = d - 1; x >= 0; x--)
        if (w->where[l][x] >= 0) return w->where[l][x];
    return -1;
}
static int lc_next(const struct work *w, int l, int d)
{
    for (int x = d + 1; x < w->p.N; x++)
        if (w->where[l][x] >= 0) return w->where[l][x];
    return -1;
}
static int cl_prev(const struct work *w, int c, int d)
{
    for (int x = d - 1; x >= 0; x--)
        if (w->who[c][x] >= 0) return w->who[c][x];
    return -1;
}
static int cl_next(const struct work *w, int c, int d)
{
    for (int x = d + 1; x < w->p.N; x++)
        if (w->who[c][x] >= 0) return w->who[c][x];
    return -1;
}

/* Change in repeats when county c's visit on d goes from leader a to leader b (b is free on d):
 * *r1 for leaders' sequences, *r2 for counties' sequences. Returns them weighted like the costs. */
static long long move_delta(const struct work *w, int c, int d, int a, int b, int *r1, int *r2)
{
    int pa = lc_prev(w, a, d), na = lc_next(w, a, d), pb = lc_prev(w, b, d), nb = lc_next(w, b, d);
    int pc = cl_prev(w, c, d), nc = cl_next(w, c, d);
    *r1 = -(pa == c) - (na == c) + (pa >= 0 && pa == na) - (pb >= 0 && pb == nb) + (pb == c) +
          (nb == c);
    *r2 = -(pc == a) - (nc == a) + (pc == b) + (nc == b);
    return *r1 * W_REPEAT_LEADER + *r2 * W_REPEAT_COUNTY;
}

static void do_move(struct work *w, int c, int d, int a, int b)
{
    w->where[a][d] = -1;
    w->where[b][d] = (signed char)c;
    w->who[c][d] = (signed char)b;
    w->load[a]--;
    w->load[b]++;
}

static void load_range(const struct work *w, int *lo, int *hi)
{
    *lo = *hi = w->p.L > 0 ? w->load[0] : 0;
    for (int l = 1; l < w->p.L; l++) {
        if (w->load[l] < *lo) *lo = w->load[l];
        if (w->load[l] > *hi) *hi = w->load[l];
    }
}

/* Two moves at once, a -> m on one date and m -> b on another, for a busiest leader a and a
 * least busy b, when no single move can help without adding leaders' repeats. 1 when done. */
static int chain_move(struct work *w, int hi, int lo)
{
    int L = w->p.L, N = w->p.N, r1, r2;
    for (int a = 0; a < L; a++) {
        if (w->load[a] != hi) continue;
        for (int b = 0; b < L; b++) {
            if (w->load[b] != lo) continue;
            for (int m = 0; m < L; m++) {
                if (m == a || m == b) continue;
                for (int d1 = 0; d1 < N; d1++) {
                    int c1 = w->where[a][d1];
                    if (c1 < 0 || !w->p.avail[m][d1] || w->where[m][d1] >= 0) continue;
                    move_delta(w, c1, d1, a, m, &r1, &r2);
                    if (r1 > 0) continue;
                    do_move(w, c1, d1, a, m);
                    for (int d2 = 0; d2 < N; d2++) {
                        int c2 = w->where[m][d2];
                        if (d2 == d1 || c2 < 0 || !w->p.avail[b][d2] || w->where[b][d2] >= 0)
                            continue;
                        int s1;
                        move_delta(w, c2, d2, m, b, &s1, &r2);
                        if (r1 + s1 > 0) continue;
                        do_move(w, c2, d2, m, b);
                        return 1;
                    }
                    do_move(w, c1, d1, m, a);
                }
            }
        }
    }
    return 0;
}

/* Moves single visits from a leader to one with at least 2 fewer visits. Leaders' repeats never
 * increase; counties' repeats (a lower goal than the load) may when nothing else balances. Each
 * move lowers the sum of squared loads, so this ends. */
static void balance_loads(struct work *w)
{
    int L = w->p.L, N = w->p.N;
    for (;;) {
        int lo, hi, found = 0, ba = 0, bb = 0, bd = 0, bc = 0;
        long long best = 0;
        load_range(w, &lo, &hi);
        /* the largest load difference first; the cheapest move within it */
        for (int gap = hi - lo; gap >= 2 && !found; gap--) {
            for (int a = 0; a < L; a++) {
                for (int b = 0; b < L; b++) {
                    if (w->load[a] - w->load[b] != gap) continue;
                    for (int d = 0; d < N; d++) {
                        int c = w->where[a][d], r1, r2;
                        if (c < 0 || !w->p.avail[b][d] || w->where[b][d] >= 0) continue;
                        long long k = move_delta(w, c, d, a, b, &r1, &r2);
                        if (r1 > 0 || (found && k >= best)) continue;
                        found = 1;
                        best = k;
                        ba = a;
                        bb = b;
                        bd = d;
                        bc = c;
                    }
                }
            }
        }
        if (found) {
            do_move(w, bc, bd, ba, bb);
            continue;
        }
        if (hi - lo < 2 || !chain_move(w, hi, lo)) break;
    }
}

/* Local objective over a few leaders and counties (the ones an edit touches): leaders' repeats,
 * then the squared loads, then counties' repeats. */
#define OBJ_R1 1000000000000LL
#define OBJ_LOAD 1000000LL
#define OBJ_R2 1000LL
static long long local_obj(const struct work *w, const int *ls, int nl, const int *cs, int ncs)
{
    long long r = 0;
    for (int i = 0; i < nl; i++) {
        int l = ls[i], last = -1;
        if (i > 0 && l == ls[i - 1]) continue;
        r += OBJ_LOAD * w->load[l] * w->load[l];
        for (int d = 0; d < w->p.N; d++) {
            int c = w->where[l][d];
            if (c < 0) continue;
            if (c == last) r += OBJ_R1;
            last = c;
        }
    }
    for (int i = 0; i < ncs; i++) {
        int c = cs[i], last = -1;
        if (i > 0 && c == cs[i - 1]) continue;
        for (int d = 0; d < w->p.N; d++) {
            int l = w->who[c][d];
            if (l < 0) continue;
            if (l == last) r += OBJ_R2;
            last = l;
        }
    }
    return r;
}

/* Gives county c's visit on d to leader l. */
static void set_leader(struct work *w, int c, int d, int l)
{
    int old = w->who[c][d];
    w->where[old][d] = -1;
    w->load[old]--;
    w->who[c][d] = (signed char)l;
    w->where[l][d] = (signed char)c;
    w->load[l]++;
}

/* After a balancing move from a to b that did not pay off alone (typically it made a repeat):
 * look for one exchange of visits between a and b on two days that, together with the move,
 * brings the objective over a, b and all counties below `before`. Keeps it and returns 1, or
 * leaves the state as it found it and returns 0. */
static int fix_after_move(struct work *w, int a, int b, long long before, long long *budget)
{
    int N = w->p.N, C = w->p.C, ls[2] = {a < b ? a : b, a < b ? b : a}, cs[NC];
    for (int c = 0; c < C; c++) cs[c] = c;
    for (int dx = 0; dx < N && *budget > 0; dx++) {
        int cx = w->where[a][dx];
        if (cx < 0 || !w->p.avail[b][dx] || w->where[b][dx] >= 0) continue;
        for (int dy = 0; dy < N && *budget > 0; dy++) {
            int cy = w->where[b][dy];
            if (cy < 0 || !w->p.avail[a][dy] || w->where[a][dy] >= 0) continue;
            set_leader(w, cx, dx, b);
            set_leader(w, cy, dy, a);
            *budget -= (2 + C) * N;
            if (local_obj(w, ls, 2, cs, C) < before) return 1;
            set_leader(w, cx, dx, a);
            set_leader(w, cy, dy, b);
        }
    }
    return 0;
}

/* Bounded first-improvement local search on the local objective with three edits: give a visit
 * to a free leader, swap the leaders of two visits on one day, exchange visits between two leaders
 * on two days. Stops at a local optimum or when the work budget is spent (deterministically). */
static void improve(struct work *w)
{
    int L = w->p.L, C = w->p.C, N = w->p.N;
    long long budget = 4000000; /* ~ date scans; a few ms at the largest sizes */
    int again = 1, all[NC];
    for (int c = 0; c < C; c++) all[c] = c;
    while (again && budget > 0) {
        again = 0;
        for (int d1 = 0; d1 < N && budget > 0; d1++) {
            for (int c1 = 0; c1 < C && budget > 0; c1++) {
                int a = w->who[c1][d1];
                if (a < 0) continue;
                /* moves */
                for (int b = 0; b < L; b++) {
                    if (b == a || !w->p.avail[b][d1] || w->where[b][d1] >= 0) continue;
                    int ls[2] = {a < b ? a : b, a < b ? b : a}, cs[1] = {c1};
                    long long before = local_obj(w, ls, 2, cs, 1), full = 0;
                    int balancing = w->load[a] - w->load[b] >= 2;
                    if (balancing) {
                        budget -= (2 + C) * N;
                        full = local_obj(w, ls, 2, all, C);
                    }
                    set_leader(w, c1, d1, b);
                    budget -= 3 * N;
                    if (local_obj(w, ls, 2, cs, 1) < before ||
                        (balancing && fix_after_move(w, a, b, full, &budget))) {
                        again = 1;
                        a = b;
                        break;
                    }
                    set_leader(w, c1, d1, a);
                }
                /* swaps and exchanges with later visits */
                for (int d2 = d1; d2 < N && budget > 0; d2++) {
                    for (int c2 = d2 == d1 ? c1 + 1 : 0; c2 < C; c2++) {
                        int b = w->who[c2][d2];
                        if (b < 0 || b == a) continue;
                        if (d2 != d1 && (!w->p.avail[a][d2] || w->where[a][d2] >= 0 ||
                                         !w->p.avail[b][d1] || w->where[b][d1] >= 0))
                            continue;
                        int ls[2] = {a < b ? a : b, a < b ? b : a};
                        int cs[2] = {c1 < c2 ? c1 : c2, c1 < c2 ? c2 : c1};
                        long long before = local_obj(w, ls, 2, cs, 2);
                        budget -= 4 * N;
                        if (d2 == d1) {
                            w->who[c1][d1] = (signed char)b;
                            w->who[c2][d1] = (signed char)a;
                            w->where[a][d1] = (signed char)c2;
                            w->where[b][d1] = (signed char)c1;
                        } else {
                            set_leader(w, c1, d1, b);
                            set_leader(w, c2, d2, a);
                        }
                        if (local_obj(w, ls, 2, cs, 2) < before) {
                            again = 1;
                            a = b;
                            break;
                        }
                        if (d2 == d1) {
                            w->who[c1][d1] = (signed char)a;
                            w->who[c2][d1] = (signed char)b;
                            w->where[a][d1] = (signed char)c1;
                            w->where[b][d1] = (signed char)c2;
                        } else {
                            set_leader(w, c1, d1, a);
                            set_leader(w, c2, d2, b);
                        }
                    }
                    if (w->who[c1][d1] != a) break;
                }
            }
        }
    }
}

int rotation_plan(const struct rot_input *in, struct rot_plan *out, struct rot_error *err)
{
    struct work *w = calloc(1, sizeof *w); /* ~80 KB, off the stack */
    int rc;
    if (!out) return fail(err, ROT_E_INPUT, ROT_W_NULL, 0, 0, 0, 0, 0);
    out->n = 0;
    if (!w) return fail(err, ROT_E_INTERNAL, 0, 0, 0, 0, 0, 0);
    rc = prepare(in, &w->p, err);
    if (rc == ROT_OK) rc = check_feasible(in, &w->p, err);
    if (rc != ROT_OK) goto done;
    memset(w->who, -1, sizeof w->who);
    memset(w->where, -1, sizeof w->where);
    if (place_dates(w) != 0) {
        rc = fail(err, ROT_E_INTERNAL, 0, 0, 0, 0, 0, 0);
        goto done;
    }
    assign_leaders(w);
    balance_loads(w);
    improve(w);
    for (int d = 0; d < w->p.N; d++) {
        for (int c = 0; c < w->p.C; c++) {
            if (!w->on[c][d]) continue;
            int l = w->who[c][d];
            struct rot_visit *v = &out->v[out->n++];
            memset(v, 0, sizeof *v); /* padding too: plans compare byte for byte */
            v->date = in->dates[d];
            v->county_id = in->counties[c].id;
            v->leader_id = in->leaders[l].id;
            v->units = in->leaders[l].units;
            v->n_units = in->leaders[l].n_units;
        }
    }
    if (err) fail(err, ROT_OK, 0, 0, 0, 0, 0, 0);
done:
    free(w);
    return rc;
}

/* ---------------------------------------------------------------- validation */

static void add_violation(struct rot_violations *out, int kind, int index, int32_t date,
                          int64_t county_id, int64_t leader_id, int need, int have)
{
    out->total++;
    if (out->n >= ROT_MAX_VIOLATIONS) return;
    struct rot_violation *v = &out->v[out->n++];
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->index = index;
    v->date = date;
    v->county_id = county_id;
    v->leader_id = leader_id;
    v->need = need;
    v->have = have;
    rotation_violation_text(v, NULL, NULL, v->msg, sizeof v->msg);
}

int rotation_validate(const struct rot_input *in, const struct rot_visit *visits, int n_visits,
                      struct rot_violations *out, struct rot_error *err)
{
    struct vwork {
        struct prep p;
        int lcount[NL][ND], lsecond[NL][ND], ccount[NC][ND], csecond[NC][ND];
    } *vw = calloc(1, sizeof *vw);
    int rc;
    if (!vw) return fail(err, ROT_E_INTERNAL, 0, 0, 0, 0, 0, 0);
    struct prep *p = &vw->p;
    int(*lcount)[ND] = vw->lcount, (*lsecond)[ND] = vw->lsecond;
    int(*ccount)[ND] = vw->ccount, (*csecond)[ND] = vw->csecond;
    rc = prepare(in, p, err);
    if (rc != ROT_OK) goto done;
    if (!out || n_visits < 0 || (n_visits > 0 && !visits)) {
        rc = fail(err, ROT_E_INPUT, ROT_W_NULL, 0, 0, 0, 0, 0);
        goto done;
    }
    out->total = out->n = 0;
    int ctotal[NC] = {0};
    for (int i = 0; i < n_visits; i++) {
        const struct rot_visit *v = &visits[i];
        int li = -1, ci = -1, di = date_index(in, v->date);
        for (int l = 0; l < p->L && li < 0; l++)
            if (in->leaders[l].id == v->leader_id) li = l;
        for (int c = 0; c < p->C && ci < 0; c++)
            if (in->counties[c].id == v->county_id) ci = c;
        if (li < 0) add_violation(out, ROT_V_UNKNOWN_LEADER, i, v->date, v->county_id, v->leader_id, 0, 0);
        if (ci < 0) add_violation(out, ROT_V_UNKNOWN_COUNTY, i, v->date, v->county_id, v->leader_id, 0, 0);
        if (di < 0) {
            add_violation(out, ROT_V_DATE_OUTSIDE, i, v->date, v->county_id, v->leader_id, 0, 0);
            continue;
        }
        if (li >= 0) {
            if (!p->avail[li][di])
                add_violation(out, ROT_V_LEADER_UNAVAILABLE, i, v->date, v->county_id,
                              v->leader_id, 0, 0);
            if (++lcount[li][di] == 2) lsecond[li][di] = i;
        }
        if (ci >= 0) {
            if (++ccount[ci][di] == 2) csecond[ci][di] = i;
            ctotal[ci]++;
        }
    }
    for (int l = 0; l < p->L; l++)
        for (int d = 0; d < p->N; d++)
            if (lcount[l][d] > 1)
                add_violation(out, ROT_V_LEADER_DOUBLE, lsecond[l][d], in->dates[d],
                              visits[lsecond[l][d]].county_id, in->leaders[l].id, 1, lcount[l][d]);
    for (int c = 0; c < p->C; c++)
        for (int d = 0; d < p->N; d++)
            if (ccount[c][d] > 1)
                add_violation(out, ROT_V_COUNTY_SAME_DAY, csecond[c][d], in->dates[d],
                              in->counties[c].id, visits[csecond[c][d]].leader_id, 1, ccount[c][d]);
    for (int c = 0; c < p->C; c++)
        if (ctotal[c] != p->need[c])
            add_violation(out, ROT_V_COUNTY_COUNT, -1, 0, in->counties[c].id, 0, p->need[c],
                          ctotal[c]);
    if (err) fail(err, ROT_OK, 0, 0, 0, 0, 0, 0);
done:
    free(vw);
    return rc;
}
