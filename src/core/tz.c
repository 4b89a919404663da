/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/tz.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/*
 * Offsets come from libical's built-in zones, which read the system's TZif
 * files (and extend them by their rules past the last transition), so the
 * zone data is the tzdata package's and never a copy of ours.
 *
 * libical searches its list of changes on every query; searches convert
 * thousands of rdv instants, so each UTC day's offset is remembered in a small
 * direct-mapped cache. A day whose offset is the same at its start and at the
 * next day's start has one offset throughout (no zone changes twice in a day).
 */
#define TZ_CACHE_SIZE 256

struct tz_day {
	rdv_date day; /* UTC day, or INT32_MIN when empty */
	int offset;   /* minutes */
	bool uniform; /* the offset holds for the whole day */
};

struct tz {
	char *name;
	icaltimezone *zone; /* libical's built-in zone: owned by libical */
	/* A pointer, so that lookups through a const struct tz may fill it. */
	struct tz_day *cache;
};

struct tz *
tz_open(const char *iana_name)
{
	icaltimezone *zone;
	if (iana_name == NULL || *iana_name == '\0')
		return NULL;
	if (strcmp(iana_name, "UTC") == 0 || strcmp(iana_name, "Etc/UTC") == 0)
		zone = icaltimezone_get_utc_timezone();
	else
		zone = icaltimezone_get_builtin_timezone(iana_name);
	if (zone == NULL)
		return NULL;
	struct tz *tz = xmalloc(sizeof *tz);
	tz->name = xstrdup(iana_name);
	tz->zone = zone;
	tz->cache = xmalloc(TZ_CACHE_SIZE * sizeof *tz->cache);
	for (size_t i = 0; i < TZ_CACHE_SIZE; i++)
		tz->cache[i].day = INT32_MIN;
	return tz;
}

void
tz_free(struct tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->cache);
	free(tz);
}

const char *
tz_name(const struct tz *tz)
{
	return tz->name;
}

/* The offset (minutes) libical gives at a UTC instant, without the cache. */
static int
tz_query_offset(const struct tz *tz, rdv_time utc)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, d, minute = cal_time_minute(utc);
	cal_ymd(cal_time_date(utc), &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = minute / 60;
	t.minute = minute % 60;
	t.is_date = 0;
	int is_daylight = 0;
	int seconds = icaltimezone_get_utc_offset_of_utc_time(tz->zone, &t, &is_daylight);
	/* Local mean times of the 19th century have seconds: round toward zero. */
	return seconds / 60;
}

int
tz_offset_at(const struct tz *tz, rdv_time utc)
{
	rdv_date day = cal_time_date(utc);
	struct tz_day *slot = &tz->cache[(uint32_t)day % TZ_CACHE_SIZE];
	if (slot->day != day) {
		int at_start = tz_query_offset(tz, cal_time(day, 0));
		int at_next = tz_query_offset(tz, cal_time(day + 1, 0));
		slot->day = day;
		slot->offset = at_start;
		slot->uniform = at_start == at_next;
	}
	if (slot->uniform)
		return slot->offset;
	return tz_query_offset(tz, utc);
}

rdv_time
tz_utc_to_local(const struct tz *tz, rdv_time utc)
{
	return utc + tz_offset_at(tz, utc);
}

/*
 * A local time maps to zero, one or two instants. Try the offsets in force a
 * day before and a day after: the valid candidates are the instants that map
 * back to the local time. In a gap neither is valid, and local − offset
 * before the change is the time "moved forward by the gap" (02:30 in Paris on
 * the last Sunday of March gives 01:30 UTC, which reads 03:30 CEST).
 */
rdv_time
tz_local_to_utc(const struct tz *tz, rdv_time local)
{
	int before = tz_offset_at(tz, local - CAL_MIN_PER_DAY);
	int after = tz_offset_at(tz, local + CAL_MIN_PER_DAY);
	rdv_time a = local - before, b = local - after;
	bool a_ok = tz_utc_to_local(tz, a) == local;
	bool b_ok = tz_utc_to_local(tz, b) == local;
	if (a_ok && b_ok)
		return a < b ? a : b; /* ambiguous: the first one */
	if (b_ok)
		return b;
	return a;
}
