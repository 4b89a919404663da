/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_HOLIDAYS_H
#define RDV_CORE_HOLIDAYS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"

/* French public holidays by zone (spec/holidays.md), years 1990 … 2200. */

#define HOLIDAYS_YEAR_MIN 1990
#define HOLIDAYS_YEAR_MAX 2200
#define HOLIDAYS_MAX_PER_YEAR 16

struct holiday {
	rdv_date date;
	const char *name;  /* static French name, e.g. "Lundi de Pentecôte" */
	bool whit_monday;  /* the Lundi de Pentecôte (open_on_whit_monday) */
};

int holiday_zone_count(void);
/* Zone index from its id ("metropole", "la-reunion", …); -1 when unknown. */
int holiday_zone_find(const char *id);
const char *holiday_zone_id(int zone);
const char *holiday_zone_name(int zone);      /* "La Réunion" */
const char *holiday_zone_time_zone(int zone); /* "Indian/Reunion" */

/*
 * The holidays of a zone in a year, sorted by date then name, into out;
 * returns the count (0 for a year outside the range).
 */
size_t holidays_of_year(int zone, int year, struct holiday out[HOLIDAYS_MAX_PER_YEAR]);

/* The holidays in [from, to] (inclusive), sorted; *out caller frees. */
size_t holidays_between(int zone, rdv_date from, rdv_date to, struct holiday **out);

#endif
