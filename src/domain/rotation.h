/* Reception-day (接访日) rotation planner: which leader visits which county on which date.
 * Pure logic: no I/O, no allocation. The caller supplies the candidate dates of the period (the
 * working days, from the calendar) and maps ids to names for display.
 *
 * Hard constraints: a leader is in at most one place per day; a leader is never assigned on a date
 * listed as unavailable; each county gets exactly its required number of visits; a county gets at
 * most one visit per day.
 * Soft goals, in priority order: no leader goes to the same county twice in a row (and no county
 * sees the same leader twice in a row) when another choice exists; each county's visits are spread
 * evenly over the period; the load differs by at most 1 between leaders when availability allows.
 * Deterministic: the same input gives the same plan (ties are broken by input order). */
#ifndef SX_ROTATION_H
#define SX_ROTATION_H
#include <stddef.h>
#include <stdint.h>

#define ROT_MAX_LEADERS 30
#define ROT_MAX_COUNTIES 20
#define ROT_MAX_DATES 92 /* a quarter */
#define ROT_MAX_UNAVAILABLE 366
#define ROT_MAX_UNITS 32
#define ROT_MAX_VISITS (ROT_MAX_COUNTIES * ROT_MAX_DATES)
#define ROT_MAX_VIOLATIONS 64
#define ROT_MSG_MAX 256

/* Dates are int32 YYYYMMDD (20240503), compared for equality and order only. */

/* Result codes of rotation_plan / rotation_validate (0 = ROT_OK). */
enum rot_code {
    ROT_OK = 0,
    ROT_E_TOO_MANY,         /* a size limit exceeded; `what` says which */
    ROT_E_INPUT,            /* malformed input; `what` says which */
    ROT_E_COUNTY_DATES,     /* county needs more visits than the period has dates */
    ROT_E_COUNTY_NO_LEADER, /* county needs more visits than there are dates with a leader free */
    ROT_E_CAPACITY,         /* all visits exceed the leader-days available in the period */
    ROT_E_CROWDED,          /* the busiest counties cannot all fit (one visit per county per day) */
    ROT_E_INTERNAL,         /* a bug: the search failed on an input proven feasible */
};

/* Detail of ROT_E_TOO_MANY / ROT_E_INPUT. */
enum rot_what {
    ROT_W_NONE = 0,
    ROT_W_LEADERS,     /* too many leaders (need = given, have = limit) */
    ROT_W_COUNTIES,    /* too many counties */
    ROT_W_DATES,       /* too many dates */
    ROT_W_UNAVAILABLE, /* leader_id has too many unavailable dates */
    ROT_W_UNITS,       /* leader_id has too many accompanying units */
    ROT_W_NULL,        /* a NULL array with a non-zero count, or a negative count */
    ROT_W_DUP_LEADER,  /* leader_id appears twice */
    ROT_W_DUP_COUNTY,  /* county_id appears twice */
    ROT_W_BAD_DATE,    /* date is not a valid YYYYMMDD */
    ROT_W_DATE_ORDER,  /* date is not after the one before it */
    ROT_W_BAD_VISITS,  /* county_id has a negative visit count (need = the count) */
};

struct rot_leader {
    int64_t id;
    const int32_t *unavailable; /* dates the leader cannot go; dates outside the period ignored */
    int n_unavailable;
    const int64_t *units; /* accompanying units (陪同单位), carried into the plan as is */
    int n_units;
};

struct rot_county {
    int64_t id;
    int visits; /* visits required in the period; 0 = use rot_input.visits_each */
};

struct rot_input {
    const struct rot_leader *leaders;
    int n_leaders;
    const struct rot_county *counties;
    int n_counties;
    const int32_t *dates; /* candidate dates of the period, strictly increasing */
    int n_dates;
    int visits_each; /* default visits per county */
};

/* One assignment. `units` points into the input's leader (valid while the input lives). */
struct rot_visit {
    int32_t date;
    int64_t county_id;
    int64_t leader_id;
    const int64_t *units;
    int n_units;
};

/* Visits sorted by date, then by the counties' input order. */
struct rot_plan {
    int n;
    struct rot_visit v[ROT_MAX_VISITS];
};

/* Why a plan cannot be made. Ids are 0 when not relevant. msg is the Chinese text with ids
 * ("县#12需要3次接访，但本期只有2个可用日期"); rotation_error_text formats it with names. */
struct rot_error {
    int code;      /* enum rot_code */
    int what;      /* enum rot_what, for ROT_E_TOO_MANY / ROT_E_INPUT */
    int64_t county_id;
    int64_t leader_id;
    int32_t date;
    int need, have; /* the numbers in the message */
    char msg[ROT_MSG_MAX];
};

enum rot_violation_kind {
    ROT_V_LEADER_DOUBLE = 1,  /* leader booked more than once on date (have = bookings) */
    ROT_V_LEADER_UNAVAILABLE, /* leader booked on a date they are unavailable */
    ROT_V_COUNTY_COUNT,       /* county has `have` visits, needs `need` (missing or extra) */
    ROT_V_COUNTY_SAME_DAY,    /* county visited more than once on date (have = visits) */
    ROT_V_UNKNOWN_LEADER,     /* visit names a leader not in the input */
    ROT_V_UNKNOWN_COUNTY,     /* visit names a county not in the input */
    ROT_V_DATE_OUTSIDE,       /* visit on a date that is not a candidate date of the period */
};

struct rot_violation {
    int kind; /* enum rot_violation_kind */
    int index; /* index of the (first offending) visit in the checked array, or -1 */
    int32_t date;
    int64_t county_id;
    int64_t leader_id;
    int need, have;
    char msg[ROT_MSG_MAX];
};

struct rot_violations {
    int total; /* every violation found; only the first ROT_MAX_VIOLATIONS are stored */
    int n;
    struct rot_violation v[ROT_MAX_VIOLATIONS];
};

/* Plans the period. Returns ROT_OK and fills *out, or a rot_code and fills *err (may be NULL).
 * Well under 100 ms at the maximum sizes. */
int rotation_plan(const struct rot_input *in, struct rot_plan *out, struct rot_error *err);

/* Checks an (edited) list of visits against every hard constraint of `in`. Returns ROT_OK and
 * fills *out (out->total == 0 means the plan is valid), or ROT_E_TOO_MANY / ROT_E_INPUT when the
 * input itself is malformed (details in *err, may be NULL). */
int rotation_validate(const struct rot_input *in, const struct rot_visit *visits, int n_visits,
                      struct rot_violations *out, struct rot_error *err);

/* The message of an error / violation with display names instead of ids (either name may be NULL
 * to keep "县#id" / "领导#id"). Returns the snprintf length. */
int rotation_error_text(const struct rot_error *e, const char *county_name,
                        const char *leader_name, char *buf, size_t size);
int rotation_violation_text(const struct rot_violation *v, const char *county_name,
                            const char *leader_name, char *buf, size_t size);

/* Machine-readable name of a code ("county_dates"), "unknown" when out of range. */
const char *rotation_code_name(int code);
/* Machine-readable name of a violation kind ("leader_double"). */
const char *rotation_violation_name(int kind);
/* "2024-05-03" from 20240503 (buf of at least 11 bytes). */
void rotation_date_text(int32_t date, char *buf, size_t size);
#endif
