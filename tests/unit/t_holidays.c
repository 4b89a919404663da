/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/holidays.h"
#include "core/xmalloc.h"
#include "tests/tap.h"

/* "YYYY-MM-DD name|…" for one zone and year: one string compares a whole list. */
static char *
year_list(const char *zone, int year)
{
	struct holiday h[HOLIDAYS_MAX_PER_YEAR];
	size_t n = holidays_of_year(holiday_zone_find(zone), year, h);
	char *s = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char d[11];
		char *t = xasprintf("%s%s%s %s", s, i ? "|" : "", cal_format_date(h[i].date, d),
		                    h[i].name);
		free(s);
		s = t;
	}
	return s;
}

static void
check_year(const char *zone, int year, const char *want)
{
	char *got = year_list(zone, year);
	is_str(got, want, "%s %d", zone, year);
	free(got);
}

/* The date of the one holiday named name in a zone's year, or "" when absent. */
static void
check_named(const char *zone, int year, const char *name, const char *want)
{
	struct holiday h[HOLIDAYS_MAX_PER_YEAR];
	size_t n = holidays_of_year(holiday_zone_find(zone), year, h);
	char d[11] = "";
	int count = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].name, name) == 0) {
			cal_format_date(h[i].date, d);
			count++;
		}
	ok(count <= 1, "%s %d: %s at most once", zone, year, name);
	is_str(d, want, "%s %d: %s", zone, year, name);
}

int
main(void)
{
	is_int(holiday_zone_count(), 13, "13 zones");
	is_int(holiday_zone_find("metropole"), 0, "metropole is the first zone (the default)");
	is_int(holiday_zone_find("atlantide"), -1, "unknown zone");
	is_int(holiday_zone_find(NULL), -1, "NULL zone");
	is_str(holiday_zone_name(holiday_zone_find("la-reunion")), "La Réunion", "zone name");
	is_str(holiday_zone_time_zone(holiday_zone_find("saint-martin")), "America/Marigot",
	       "zone time zone");
	is_str(holiday_zone_time_zone(holiday_zone_find("wallis-et-futuna")), "Pacific/Wallis",
	       "Wallis time zone");
	is_str(holiday_zone_id(12), "wallis-et-futuna", "zone id by index");
	ok(holiday_zone_id(13) == NULL, "no zone 13");

	check_year("metropole", 2026,
	           "2026-01-01 1er janvier|2026-04-06 Lundi de Pâques|2026-05-01 1er mai|"
	           "2026-05-08 8 mai|2026-05-14 Ascension|2026-05-25 Lundi de Pentecôte|"
	           "2026-07-14 14 juillet|2026-08-15 Assomption|2026-11-01 Toussaint|"
	           "2026-11-11 11 novembre|2026-12-25 Jour de Noël");
	/* Easter 23 March 2008: Ascension on 1 May, both names, sorted by name. */
	check_year("metropole", 2008,
	           "2008-01-01 1er janvier|2008-03-24 Lundi de Pâques|2008-05-01 1er mai|"
	           "2008-05-01 Ascension|2008-05-08 8 mai|2008-05-12 Lundi de Pentecôte|"
	           "2008-07-14 14 juillet|2008-08-15 Assomption|2008-11-01 Toussaint|"
	           "2008-11-11 11 novembre|2008-12-25 Jour de Noël");
	check_year("alsace-moselle", 2026,
	           "2026-01-01 1er janvier|2026-04-03 Vendredi saint|2026-04-06 Lundi de Pâques|"
	           "2026-05-01 1er mai|2026-05-08 8 mai|2026-05-14 Ascension|"
	           "2026-05-25 Lundi de Pentecôte|2026-07-14 14 juillet|2026-08-15 Assomption|"
	           "2026-11-01 Toussaint|2026-11-11 11 novembre|2026-12-25 Jour de Noël|"
	           "2026-12-26 2ème jour de Noël");
	check_year("la-reunion", 2025,
	           "2025-01-01 1er janvier|2025-04-21 Lundi de Pâques|2025-05-01 1er mai|"
	           "2025-05-08 8 mai|2025-05-29 Ascension|2025-06-09 Lundi de Pentecôte|"
	           "2025-07-14 14 juillet|2025-08-15 Assomption|2025-11-01 Toussaint|"
	           "2025-11-11 11 novembre|2025-12-20 Abolition de l'esclavage|"
	           "2025-12-25 Jour de Noël");
	/* Easter 13 April 2031: Ascension on 22 May, Martinique's abolition day. */
	check_year("martinique", 2031,
	           "2031-01-01 1er janvier|2031-04-14 Lundi de Pâques|2031-05-01 1er mai|"
	           "2031-05-08 8 mai|2031-05-22 Abolition de l'esclavage|2031-05-22 Ascension|"
	           "2031-06-02 Lundi de Pentecôte|2031-07-14 14 juillet|2031-08-15 Assomption|"
	           "2031-11-01 Toussaint|2031-11-11 11 novembre|2031-12-25 Jour de Noël");

	/* Each zone's extra day, several years. */
	static const struct {
		const char *zone, *abolition; /* MM-DD or NULL */
	} extra[] = {
	    {"metropole", NULL},           {"alsace-moselle", NULL},
	    {"guadeloupe", "05-27"},       {"guyane", "06-10"},
	    {"la-reunion", "12-20"},       {"martinique", "05-22"},
	    {"mayotte", "04-27"},          {"nouvelle-caledonie", NULL},
	    {"polynesie-francaise", NULL}, {"saint-barthelemy", "10-09"},
	    {"saint-martin", "05-28"},     {"saint-pierre-et-miquelon", NULL},
	    {"wallis-et-futuna", NULL},
	};
	static const int years[] = {1990, 2008, 2024, 2026, 2100, 2200};
	for (size_t z = 0; z < sizeof extra / sizeof extra[0]; z++) {
		for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
			char want[11] = "";
			if (extra[z].abolition)
				snprintf(want, sizeof want, "%d-%s", years[y], extra[z].abolition);
			check_named(extra[z].zone, years[y], "Abolition de l'esclavage", want);
			struct holiday h[HOLIDAYS_MAX_PER_YEAR];
			size_t n = holidays_of_year(holiday_zone_find(extra[z].zone), years[y], h);
			bool alsace = strcmp(extra[z].zone, "alsace-moselle") == 0;
			is_int(n, 11 + (extra[z].abolition ? 1 : 0) + (alsace ? 2 : 0),
			       "%s %d: count", extra[z].zone, years[y]);
			bool sorted = true;
			for (size_t i = 1; i < n; i++)
				if (h[i - 1].date > h[i].date ||
				    (h[i - 1].date == h[i].date &&
				     strcmp(h[i - 1].name, h[i].name) > 0))
					sorted = false;
			ok(sorted, "%s %d: sorted by date then name", extra[z].zone, years[y]);
		}
	}
	/* Easter dates from an independent table (Python dateutil). */
	check_named("alsace-moselle", 1990, "Vendredi saint", "1990-04-13");
	check_named("alsace-moselle", 2024, "Vendredi saint", "2024-03-29");
	check_named("alsace-moselle", 2100, "Vendredi saint", "2100-03-26");
	check_named("alsace-moselle", 2200, "Vendredi saint", "2200-04-04");
	check_named("metropole", 2026, "Vendredi saint", "");
	check_named("metropole", 2000, "Lundi de Pâques", "2000-04-24");
	check_named("metropole", 2038, "Lundi de Pâques", "2038-04-26");
	check_named("metropole", 2019, "Ascension", "2019-05-30");
	check_named("guyane", 2200, "Lundi de Pentecôte", "2200-05-26");
	check_named("alsace-moselle", 2008, "2ème jour de Noël", "2008-12-26");

	struct holiday h[HOLIDAYS_MAX_PER_YEAR];
	is_int(holidays_of_year(0, 1989, h), 0, "1989 is out of range");
	is_int(holidays_of_year(0, 2201, h), 0, "2201 is out of range");
	is_int(holidays_of_year(0, 1990, h), 11, "1990 is in range");
	is_int(holidays_of_year(0, 2200, h), 11, "2200 is in range");
	is_int(holidays_of_year(-1, 2026, h), 0, "bad zone index");
	holidays_of_year(0, 2026, h);
	ok(h[5].whit_monday && strcmp(h[5].name, "Lundi de Pentecôte") == 0,
	   "the Lundi de Pentecôte is flagged");
	int flagged = 0;
	for (int i = 0; i < 11; i++)
		flagged += h[i].whit_monday;
	is_int(flagged, 1, "only one day is the whit Monday");

	/* Ranges across years, clipped to the computed years. */
	struct holiday *v = NULL;
	size_t n = holidays_between(0, cal_date(2025, 12, 20), cal_date(2026, 1, 10), &v);
	is_int(n, 2, "25 Dec 2025 and 1 Jan 2026");
	if (n == 2) {
		char d[11];
		is_str(cal_format_date(v[0].date, d), "2025-12-25", "first in range");
		is_str(cal_format_date(v[1].date, d), "2026-01-01", "second in range");
	}
	free(v);
	n = holidays_between(0, cal_date(1989, 1, 1), cal_date(1990, 1, 1), &v);
	is_int(n, 1, "nothing before 1990");
	free(v);
	n = holidays_between(0, cal_date(2026, 5, 2), cal_date(2026, 5, 7), &v);
	is_int(n, 0, "an empty range");
	ok(v == NULL, "no array for an empty range");
	return done_testing();
}
