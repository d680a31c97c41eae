/* Store interface: the lookups of the citizens' public page (no account). Only public data:
 * county and region names, enabled petition categories. The case side (lookup, rating) is in
 * st_case.h (st_case_public_*); both live in st_case_public.c. */
#ifndef SX_ST_PUBLIC_H
#define SX_ST_PUBLIC_H
#include "store.h"

/* Counties (regions of level 2) as [{id,name}] by sort, code. */
int st_public_counties(struct db *db, json_t **items);
/* Children of a county or town (level ≥ 2) as [{id,name,level}] by sort, code; an unknown
 * parent or one above county level gives an empty list. */
int st_public_regions(struct db *db, int64_t parent_id, json_t **items);
/* Enabled items of the petition_category dictionary as [{code,label}] by sort, code. */
int st_public_categories(struct db *db, json_t **items);
/* 0 when code is an enabled petition_category item, SX_ENOTFOUND otherwise. */
int st_public_category_ok(struct db *db, const char *code);
/* Where a public submission of region_id goes: its county (the level-2 region at or above it)
 * and the registering unit, the county's government unit (units.kind 'government' in the
 * county region; the root unit when there is none). SX_ENOTFOUND when the region does not
 * exist or is not at or below a county. */
int st_public_region_unit(struct db *db, int64_t region_id, int64_t *county_id, int64_t *unit_id);
/* The case number of a case (for the receipt). */
int st_public_case_no(struct db *db, int64_t case_id, char *out, size_t n);
/* A case number such as the next registration of this year would get (the answer to a filled
 * honeypot: it must look like a real receipt). */
int st_public_plausible_case_no(struct db *db, char *out, size_t n);
#endif
