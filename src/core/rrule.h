/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_RRULE_H
#define RDV_CORE_RRULE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"

/*
 * The RRULE subset of spec/slots.md §5 (FREQ=WEEKLY with INTERVAL 1..5 and
 * BYDAY days; FREQ=MONTHLY with INTERVAL 1..5 and BYDAY=nDD; optional
 * UNTIL=YYYYMMDD, an inclusive date), expanded with libical's recurrence
 * iterator. A NULL or empty rule means "first_day only".
 */
struct rrule;

/*
 * Parse and check a rule against its first day (first_day must be an
 * occurrence). On error returns NULL and sets *err to a French message
 * (caller frees), e.g. "FREQ=DAILY n'est pas pris en charge".
 * rule NULL/"" gives a valid one-date rule.
 */
struct rrule *rrule_parse(const char *rule, rdv_date first_day, char **err);
void rrule_free(struct rrule *r);

/* Last occurrence date bound: the UNTIL date, or false when it repeats forever. */
bool rrule_until(const struct rrule *r, rdv_date *until);
bool rrule_is_recurring(const struct rrule *r);

/*
 * The occurrence dates in [from, to] (inclusive), ascending, into a new array
 * *out (caller frees; NULL when none); returns the count.
 */
size_t rrule_dates(const struct rrule *r, rdv_date from, rdv_date to, rdv_date **out);

/*
 * Like rrule_dates(), appending to a buffer the caller reuses across rules:
 * *buf (caller frees) holds *n dates and has room for *cap. Returns how many
 * were appended.
 */
size_t rrule_dates_append(const struct rrule *r, rdv_date from, rdv_date to, rdv_date **buf,
                          size_t *n, size_t *cap);

/* True when d is an occurrence date. */
bool rrule_has_date(const struct rrule *r, rdv_date d);

/*
 * French description, e.g. "toutes les 2 semaines le lundi et le mercredi,
 * jusqu'au 30/06/2026" or "le 2e mercredi de chaque mois". Caller frees.
 */
char *rrule_describe_fr(const struct rrule *r);

/* Convenience: check a rule without keeping it. */
bool rrule_validate(const char *rule, rdv_date first_day, char **err);

#endif
