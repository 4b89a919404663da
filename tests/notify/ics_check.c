/* SPDX-License-Identifier: MIT */
#include "config.h"

/*
 * ics_check FILE: parse an iCalendar file with libical and print what the
 * tests compare, one "KEY value" per line:
 *   METHOD, VTIMEZONE (its TZID), VTIMEZONE_LINES (size of the block), UID,
 *   SEQUENCE, STATUS, DTSTART / DTEND ("TZID value"), RRULE, SUMMARY,
 *   LOCATION, ORGANIZER, ATTENDEE (one line each, in order), and
 *   DTSTART_UTC (the start resolved through the VTIMEZONE).
 * Exit 1 when the file does not parse or holds no VEVENT.
 */

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, len = 0;
	char *s = malloc(cap);
	size_t n;
	while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			s = realloc(s, cap);
		}
	}
	fclose(f);
	if (s)
		s[len] = '\0';
	return s;
}

static void
print_time(const char *key, icalproperty *p)
{
	if (p == NULL)
		return;
	icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	struct icaltimetype t = icalvalue_get_datetime(icalproperty_get_value(p));
	printf("%s %s %s\n", key, tz ? icalparameter_get_tzid(tz) : "-",
	       icaltime_as_ical_string(t));
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ics_check FILE\n");
		return 2;
	}
	char *text = read_all(argv[1]);
	if (text == NULL) {
		perror(argv[1]);
		return 1;
	}
	icalcomponent *cal = icalparser_parse_string(text);
	free(text);
	if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		fprintf(stderr, "%s: not an iCalendar object\n", argv[1]);
		if (cal)
			icalcomponent_free(cal);
		return 1;
	}
	icalproperty *m = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
	printf("METHOD %s\n", m ? icalproperty_method_to_string(icalproperty_get_method(m)) : "-");
	icalcomponent *vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	if (vtz) {
		icalproperty *tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
		printf("VTIMEZONE %s\n", tzid ? icalproperty_get_tzid(tzid) : "-");
	}
	icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	if (ev == NULL) {
		fprintf(stderr, "%s: no VEVENT\n", argv[1]);
		icalcomponent_free(cal);
		return 1;
	}
	printf("UID %s\n", icalcomponent_get_uid(ev));
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY);
	printf("SEQUENCE %d\n", p ? icalproperty_get_sequence(p) : -1);
	p = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);
	printf("STATUS %s\n", p ? icalproperty_status_to_string(icalproperty_get_status(p)) : "-");
	print_time("DTSTART", icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY));
	print_time("DTEND", icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY));
	p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	if (p) {
		struct icalrecurrencetype rule = icalproperty_get_rrule(p);
		printf("RRULE %s\n", icalrecurrencetype_as_string(&rule));
	}
	printf("SUMMARY %s\n", icalcomponent_get_summary(ev) ? icalcomponent_get_summary(ev) : "-");
	const char *loc = icalcomponent_get_location(ev);
	printf("LOCATION %s\n", loc ? loc : "-");
	p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
	printf("ORGANIZER %s\n", p ? icalproperty_get_organizer(p) : "-");
	for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
		printf("ATTENDEE %s\n", icalproperty_get_attendee(p));

	/* The start as an instant, through the calendar's own VTIMEZONE. */
	if (vtz) {
		icaltimezone *zone = icaltimezone_new();
		icaltimezone_set_component(zone, icalcomponent_new_clone(vtz));
		struct icaltimetype t = icalcomponent_get_dtstart(ev);
		t = icaltime_convert_to_zone(icaltime_set_timezone(&t, zone),
		                             icaltimezone_get_utc_timezone());
		printf("DTSTART_UTC %s\n", icaltime_as_ical_string(t));
		icaltimezone_free(zone, 1);
	}
	icalcomponent_free(cal);
	return 0;
}
