/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_RECURRENCE_H
#define RDV_UI_RECURRENCE_H

/*
 * The recurrence fields shared by the plage and indisponibilité editors
 * (reference §1.20, §9.1 item 14): none, weekly on chosen weekdays (Monday
 * to Saturday) or monthly on the n-th weekday of the first day, every 1 to
 * 5 weeks or months, with an optional last day. They read into the RRULE
 * text the database stores.
 */

#include <stdbool.h>

#include "core/caltime.h"
#include "ui/form.h"

enum recurrence_kind { RECUR_NONE = 0, RECUR_WEEKLY = 1, RECUR_MONTHLY = 2 };

struct recurrence_fields {
	int repeat;   /* choice: enum recurrence_kind ids */
	int interval; /* number 1 … 5 */
	int days[6];  /* checks, Monday … Saturday */
	int until;    /* date, optional */
};

/*
 * Add the fields to a form, filled from an existing rule (NULL or "": none,
 * with first_day's weekday checked).
 */
void recurrence_add(struct form *f, struct recurrence_fields *r, const char *rrule,
                    rdv_date first_day);

/*
 * The RRULE the fields describe for first_day: *rrule gets NULL for none
 * (caller frees). On bad input: false, the focus on the field and *err a
 * French message naming it (caller frees).
 */
bool recurrence_read(struct form *f, const struct recurrence_fields *r, rdv_date first_day,
                     char **rrule, char **err);

/* "toutes les 2 semaines le lundi, jusqu'au …", or NULL while incomplete. Caller frees. */
char *recurrence_describe(struct form *f, const struct recurrence_fields *r, rdv_date first_day);
/* That description as "→ …" at row y (nothing while incomplete); whether drawn. */
bool recurrence_draw(struct form *f, const struct recurrence_fields *r, rdv_date first_day, int y, int attr);

#endif
