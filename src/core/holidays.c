/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/holidays.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/*
 * The zones of spec/holidays.md. Every zone has the eleven national days;
 * the extra days are data, so a zone differs from another by one row.
 */
struct zone {
	const char *id;
	const char *name;
	const char *time_zone;
	int abolition_month, abolition_day; /* 0 when the zone has none */
	bool alsace_moselle;                /* Vendredi saint and 26 December */
};

static const struct zone zones[] = {
    {"metropole", "Métropole", "Europe/Paris", 0, 0, false},
    {"alsace-moselle", "Alsace-Moselle", "Europe/Paris", 0, 0, true},
    {"guadeloupe", "Guadeloupe", "America/Guadeloupe", 5, 27, false},
    {"guyane", "Guyane", "America/Cayenne", 6, 10, false},
    {"la-reunion", "La Réunion", "Indian/Reunion", 12, 20, false},
    {"martinique", "Martinique", "America/Martinique", 5, 22, false},
    {"mayotte", "Mayotte", "Indian/Mayotte", 4, 27, false},
    {"nouvelle-caledonie", "Nouvelle-Calédonie", "Pacific/Noumea", 0, 0, false},
    {"polynesie-francaise", "Polynésie française", "Pacific/Tahiti", 0, 0, false},
    {"saint-barthelemy", "Saint-Barthélemy", "America/St_Barthelemy", 10, 9, false},
    {"saint-martin", "Saint-Martin", "America/Marigot", 5, 28, false},
    {"saint-pierre-et-miquelon", "Saint-Pierre-et-Miquelon", "America/Miquelon", 0, 0, false},
    {"wallis-et-futuna", "Wallis-et-Futuna", "Pacific/Wallis", 0, 0, false},
};

#define ZONE_COUNT ((int)(sizeof zones / sizeof zones[0]))

int
holiday_zone_count(void)
{
	return ZONE_COUNT;
}

int
holiday_zone_find(const char *id)
{
	if (id == NULL)
		return -1;
	for (int i = 0; i < ZONE_COUNT; i++)
		if (strcmp(zones[i].id, id) == 0)
			return i;
	return -1;
}

const char *
holiday_zone_id(int zone)
{
	return zone >= 0 && zone < ZONE_COUNT ? zones[zone].id : NULL;
}

const char *
holiday_zone_name(int zone)
{
	return zone >= 0 && zone < ZONE_COUNT ? zones[zone].name : NULL;
}

const char *
holiday_zone_time_zone(int zone)
{
	return zone >= 0 && zone < ZONE_COUNT ? zones[zone].time_zone : NULL;
}

static int
holiday_compare(const void *pa, const void *pb)
{
	const struct holiday *a = pa, *b = pb;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void
holiday_put(struct holiday out[], size_t *n, rdv_date date, const char *name, bool whit)
{
	out[*n].date = date;
	out[*n].name = name;
	out[*n].whit_monday = whit;
	(*n)++;
}

size_t
holidays_of_year(int zone, int year, struct holiday out[HOLIDAYS_MAX_PER_YEAR])
{
	if (zone < 0 || zone >= ZONE_COUNT || year < HOLIDAYS_YEAR_MIN || year > HOLIDAYS_YEAR_MAX)
		return 0;
	const struct zone *z = &zones[zone];
	rdv_date easter = cal_easter(year);
	size_t n = 0;
	holiday_put(out, &n, cal_date(year, 1, 1), "1er janvier", false);
	holiday_put(out, &n, easter + 1, "Lundi de Pâques", false);
	holiday_put(out, &n, cal_date(year, 5, 1), "1er mai", false);
	holiday_put(out, &n, cal_date(year, 5, 8), "8 mai", false);
	holiday_put(out, &n, easter + 39, "Ascension", false);
	holiday_put(out, &n, easter + 50, "Lundi de Pentecôte", true);
	holiday_put(out, &n, cal_date(year, 7, 14), "14 juillet", false);
	holiday_put(out, &n, cal_date(year, 8, 15), "Assomption", false);
	holiday_put(out, &n, cal_date(year, 11, 1), "Toussaint", false);
	holiday_put(out, &n, cal_date(year, 11, 11), "11 novembre", false);
	holiday_put(out, &n, cal_date(year, 12, 25), "Jour de Noël", false);
	if (z->alsace_moselle) {
		holiday_put(out, &n, easter - 2, "Vendredi saint", false);
		holiday_put(out, &n, cal_date(year, 12, 26), "2ème jour de Noël", false);
	}
	if (z->abolition_month != 0)
		holiday_put(out, &n, cal_date(year, z->abolition_month, z->abolition_day),
		            "Abolition de l'esclavage", false);
	qsort(out, n, sizeof out[0], holiday_compare);
	return n;
}

size_t
holidays_between(int zone, rdv_date from, rdv_date to, struct holiday **out)
{
	*out = NULL;
	if (from > to)
		return 0;
	int y0, y1;
	cal_ymd(from, &y0, NULL, NULL);
	cal_ymd(to, &y1, NULL, NULL);
	if (y0 < HOLIDAYS_YEAR_MIN)
		y0 = HOLIDAYS_YEAR_MIN;
	if (y1 > HOLIDAYS_YEAR_MAX)
		y1 = HOLIDAYS_YEAR_MAX;
	size_t n = 0, cap = 0;
	struct holiday *v = NULL, year[HOLIDAYS_MAX_PER_YEAR];
	for (int y = y0; y <= y1; y++) {
		size_t k = holidays_of_year(zone, y, year);
		for (size_t i = 0; i < k; i++) {
			if (year[i].date < from || year[i].date > to)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[n++] = year[i];
		}
	}
	*out = v;
	return n;
}
