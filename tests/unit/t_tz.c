/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>

#include "core/caltime.h"
#include "core/holidays.h"
#include "core/tz.h"
#include "tests/tap.h"

static rdv_time
at(const char *s)
{
	rdv_time t = 0;
	if (!cal_parse_datetime(s, &t))
		printf("# bad datetime in test: %s\n", s);
	return t;
}

static void
check_to_local(const struct tz *tz, const char *utc, const char *want)
{
	char buf[17];
	is_str(cal_format_datetime(tz_utc_to_local(tz, at(utc)), buf), want, "%s: %s UTC → local",
	       tz_name(tz), utc);
}

static void
check_to_utc(const struct tz *tz, const char *local, const char *want)
{
	char buf[17];
	is_str(cal_format_datetime(tz_local_to_utc(tz, at(local)), buf), want, "%s: %s local → UTC",
	       tz_name(tz), local);
}

int
main(void)
{
	ok(tz_open("Europe/Atlantis") == NULL, "unknown zone");
	ok(tz_open("") == NULL, "empty zone name");
	struct tz *paris = tz_open("Europe/Paris");
	ok(paris != NULL, "Europe/Paris");
	if (paris == NULL)
		return done_testing();
	is_str(tz_name(paris), "Europe/Paris", "name");

	/* Spring forward, Sunday 29 March 2026 at 01:00 UTC. */
	check_to_local(paris, "2026-03-29T00:59", "2026-03-29T01:59");
	check_to_local(paris, "2026-03-29T01:00", "2026-03-29T03:00");
	check_to_local(paris, "2026-03-28T08:00", "2026-03-28T09:00");
	check_to_local(paris, "2026-03-30T07:00", "2026-03-30T09:00");
	/* Fall back, Sunday 25 October 2026 at 01:00 UTC. */
	check_to_local(paris, "2026-10-25T00:59", "2026-10-25T02:59");
	check_to_local(paris, "2026-10-25T01:00", "2026-10-25T02:00");
	check_to_local(paris, "2026-10-26T08:00", "2026-10-26T09:00");
	check_to_local(paris, "2026-10-23T07:00", "2026-10-23T09:00");
	/* A 09:00 plage around both changes: 08:00 UTC in winter, 07:00 UTC in summer. */
	check_to_utc(paris, "2026-03-27T09:00", "2026-03-27T08:00");
	check_to_utc(paris, "2026-03-30T09:00", "2026-03-30T07:00");
	check_to_utc(paris, "2026-10-23T09:00", "2026-10-23T07:00");
	check_to_utc(paris, "2026-10-26T09:00", "2026-10-26T08:00");
	/* The gap moves forward; the ambiguous hour takes the summer time. */
	check_to_utc(paris, "2026-03-29T02:30", "2026-03-29T01:30");
	check_to_utc(paris, "2026-03-29T03:00", "2026-03-29T01:00");
	check_to_utc(paris, "2026-10-25T02:30", "2026-10-25T00:30");
	check_to_utc(paris, "2026-10-25T03:00", "2026-10-25T02:00");
	is_int(tz_offset_at(paris, at("2026-01-15T12:00")), 60, "Paris winter offset");
	is_int(tz_offset_at(paris, at("2026-07-15T12:00")), 120, "Paris summer offset");
	is_int(tz_offset_at(paris, at("2099-07-15T12:00")), 120, "Paris summer offset in 2099");
	is_int(tz_offset_at(paris, at("2099-12-15T12:00")), 60, "Paris winter offset in 2099");
	/* Every UTC minute of the changing days maps back to itself. */
	int roundtrip_bad = 0;
	for (rdv_time t = at("2026-03-28T00:00"); t < at("2026-03-30T00:00"); t++)
		roundtrip_bad += tz_local_to_utc(paris, tz_utc_to_local(paris, t)) != t;
	is_int(roundtrip_bad, 0, "March change: UTC → local → UTC is exact");
	roundtrip_bad = 0;
	for (rdv_time t = at("2026-10-24T00:00"); t < at("2026-10-26T00:00"); t++) {
		rdv_time back = tz_local_to_utc(paris, tz_utc_to_local(paris, t));
		/* 01:00–02:00 UTC reads 02:00–03:00 local, which is also 00:00–01:00 UTC. */
		if (t >= at("2026-10-25T01:00") && t < at("2026-10-25T02:00"))
			roundtrip_bad += back != t - 60;
		else
			roundtrip_bad += back != t;
	}
	is_int(roundtrip_bad, 0, "October change: round trip, ambiguous hour to summer time");
	tz_free(paris);
	tz_free(NULL);

	/* The overseas zones of holidays.md (offsets in minutes, January and July 2026). */
	static const struct {
		const char *zone;
		int winter, summer;
	} zones[] = {
	    {"metropole", 60, 120},
	    {"alsace-moselle", 60, 120},
	    {"guadeloupe", -240, -240},
	    {"guyane", -180, -180},
	    {"la-reunion", 240, 240},
	    {"martinique", -240, -240},
	    {"mayotte", 180, 180},
	    {"nouvelle-caledonie", 660, 660},
	    {"polynesie-francaise", -600, -600},
	    {"saint-barthelemy", -240, -240},
	    {"saint-martin", -240, -240},
	    {"saint-pierre-et-miquelon", -180, -120},
	    {"wallis-et-futuna", 720, 720},
	};
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		const char *name = holiday_zone_time_zone(holiday_zone_find(zones[i].zone));
		struct tz *tz = tz_open(name);
		ok(tz != NULL, "%s opens", name ? name : "(null)");
		if (tz == NULL)
			continue;
		is_int(tz_offset_at(tz, at("2026-01-15T12:00")), zones[i].winter, "%s in January",
		       name);
		is_int(tz_offset_at(tz, at("2026-07-15T12:00")), zones[i].summer, "%s in July",
		       name);
		tz_free(tz);
	}
	struct tz *cayenne = tz_open("America/Cayenne");
	check_to_local(cayenne, "2026-03-02T12:00", "2026-03-02T09:00");
	check_to_utc(cayenne, "2026-03-02T23:30", "2026-03-03T02:30");
	tz_free(cayenne);
	struct tz *noumea = tz_open("Pacific/Noumea");
	check_to_local(noumea, "2026-03-01T20:00", "2026-03-02T07:00");
	tz_free(noumea);
	/* Miquelon follows the North American change (8 March 2026, 02:00 local). */
	struct tz *miquelon = tz_open("America/Miquelon");
	check_to_local(miquelon, "2026-03-08T04:59", "2026-03-08T01:59");
	check_to_local(miquelon, "2026-03-08T05:00", "2026-03-08T03:00");
	tz_free(miquelon);
	struct tz *utc = tz_open("UTC");
	ok(utc != NULL, "UTC opens");
	if (utc)
		is_int(tz_offset_at(utc, at("2026-07-15T12:00")), 0, "UTC offset");
	tz_free(utc);
	return done_testing();
}
