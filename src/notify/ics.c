/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "notify/ics.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

bool
notify_is_cancel(const struct outbox_item *it)
{
	size_t n = strlen(it->event);
	return (n > 10 && strcmp(it->event + n - 10, "_cancelled") == 0) ||
	       (n > 8 && strcmp(it->event + n - 8, "_deleted") == 0);
}

/* An observance that changes nothing: the same offset before and after. */
static bool
observance_is_noop(icalcomponent *c)
{
	icalproperty *from = icalcomponent_get_first_property(c, ICAL_TZOFFSETFROM_PROPERTY);
	icalproperty *to = icalcomponent_get_first_property(c, ICAL_TZOFFSETTO_PROPERTY);
	return from && to && icalproperty_get_tzoffsetfrom(from) == icalproperty_get_tzoffsetto(to);
}

/*
 * Truncation leaves observances that change nothing: one where the cut
 * falls, and libical adds one at 2038-01-19 (the end of 32-bit time) to
 * zones without rules. Keep the first observance, drop the other no-ops;
 * a zone left without any change (no daylight saving: Indian/Reunion,
 * America/Cayenne, …) becomes the single observance a calendar expects,
 * in force since 1970.
 */
static void
ics_vtimezone_tidy(icalcomponent *vtz)
{
	icalcomponent *first = NULL;
	struct icaltimetype first_start = icaltime_null_time();
	for (icalcomponent *c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); c;
	     c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		struct icaltimetype t = icalcomponent_get_dtstart(c);
		if (first == NULL || icaltime_compare(t, first_start) < 0) {
			first = c;
			first_start = t;
		}
	}
	if (first == NULL)
		return;
	bool changes = false;
	icalcomponent *c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
	while (c) {
		icalcomponent *next = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT);
		if (c != first && observance_is_noop(c)) {
			icalcomponent_remove_component(vtz, c);
			icalcomponent_free(c);
		} else if (!observance_is_noop(c)) {
			changes = true;
		}
		c = next;
	}
	if (!changes) {
		icalproperty *p = icalcomponent_get_first_property(first, ICAL_DTSTART_PROPERTY);
		if (p)
			icalproperty_set_dtstart(p, icaltime_from_string("19700101T000000"));
		p = icalcomponent_get_first_property(first, ICAL_RRULE_PROPERTY);
		if (p) {
			icalcomponent_remove_property(first, p);
			icalproperty_free(p);
		}
	}
}

/*
 * The zone's VTIMEZONE, cut to the observances from the year of the event
 * on (the system zone holds the whole history since 1891), with the IANA
 * name as TZID instead of libical's "/freeassociation.sourceforge.net/…".
 * NULL when libical does not know the zone. Caller frees.
 */
static icalcomponent *
ics_vtimezone(const char *tzid, const char *dtstart)
{
	icaltimezone *zone = icaltimezone_get_builtin_timezone(tzid);
	if (zone == NULL)
		return NULL;
	icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
	struct icaltimetype from = icaltime_from_string(dtstart);
	from.month = 1;
	from.day = 1;
	from.hour = from.minute = from.second = 0;
	from.zone = icaltimezone_get_utc_timezone();
	icaltimezone_truncate_vtimezone(vtz, from, icaltime_null_time(), 0);
	ics_vtimezone_tidy(vtz);
	icalproperty *p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	if (p)
		icalproperty_set_tzid(p, tzid);
	return vtz;
}

/* DTSTART or DTEND at a local wall-clock time of the zone. */
static icalproperty *
ics_local_time(icalproperty_kind kind, const char *value, const char *tzid)
{
	struct icaltimetype t = icaltime_from_string(value);
	icalproperty *p =
	    kind == ICAL_DTSTART_PROPERTY ? icalproperty_new_dtstart(t) : icalproperty_new_dtend(t);
	icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
	return p;
}

char *
notify_ics_build(const struct outbox_item *it, const char *organizer, const char *organizer_name,
                 const char *description)
{
	bool cancel = notify_is_cancel(it);
	const char *tzid = it->time_zone;
	icalcomponent *vtz = ics_vtimezone(tzid, it->dtstart);
	if (vtz == NULL) {
		tzid = "Europe/Paris";
		vtz = ics_vtimezone(tzid, it->dtstart);
	}

	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal,
	                           icalproperty_new_prodid("-//RDV Service Public//rdv-tui//FR"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(
	    cal, icalproperty_new_method(cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));
	if (vtz)
		icalcomponent_add_component(cal, vtz);

	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(ev, icalproperty_new_uid(it->uid));
	icalcomponent_add_property(ev, icalproperty_new_sequence(it->sequence));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_current_time_with_zone(
	                                   icaltimezone_get_utc_timezone())));
	icalcomponent_add_property(ev, ics_local_time(ICAL_DTSTART_PROPERTY, it->dtstart, tzid));
	icalcomponent_add_property(ev, ics_local_time(ICAL_DTEND_PROPERTY, it->dtend, tzid));
	if (it->rrule) {
		struct icalrecurrencetype rule = icalrecurrencetype_from_string(it->rrule);
		if (rule.freq != ICAL_NO_RECURRENCE)
			icalcomponent_add_property(ev, icalproperty_new_rrule(rule));
	}
	icalcomponent_add_property(ev, icalproperty_new_summary(it->summary));
	if (it->location && *it->location)
		icalcomponent_add_property(ev, icalproperty_new_location(it->location));
	if (description && *description)
		icalcomponent_add_property(ev, icalproperty_new_description(description));
	icalcomponent_add_property(
	    ev, icalproperty_new_status(cancel ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));

	char *mailto = xasprintf("mailto:%s", organizer);
	icalproperty *org = icalproperty_new_organizer(mailto);
	icalproperty_add_parameter(
	    org, icalparameter_new_cn(organizer_name ? organizer_name : "RDV Service Public"));
	icalcomponent_add_property(ev, org);
	free(mailto);
	for (size_t i = 0; i < it->nattendees; i++) {
		mailto = xasprintf("mailto:%s", it->attendees[i].email);
		icalproperty *att = icalproperty_new_attendee(mailto);
		free(mailto);
		if (it->attendees[i].name && *it->attendees[i].name)
			icalproperty_add_parameter(att,
			                           icalparameter_new_cn(it->attendees[i].name));
		icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(att, icalparameter_new_partstat(ICAL_PARTSTAT_ACCEPTED));
		icalproperty_add_parameter(att, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
		icalcomponent_add_property(ev, att);
	}
	icalcomponent_add_component(cal, ev);

	char *text = icalcomponent_as_ical_string_r(cal);
	char *out = xstrdup(text ? text : "");
	icalmemory_free_buffer(text);
	icalcomponent_free(cal);
	return out;
}
