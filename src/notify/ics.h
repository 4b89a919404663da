/* SPDX-License-Identifier: MIT */
#ifndef RDV_NOTIFY_ICS_H
#define RDV_NOTIFY_ICS_H

/*
 * The iCalendar object a notification carries (libical): one VCALENDAR
 * with METHOD REQUEST (created, updated) or CANCEL (cancelled, deleted), the
 * territory's VTIMEZONE truncated to the event's years and named by its
 * IANA id, and one VEVENT: UID, SEQUENCE, DTSTART/DTEND with that TZID,
 * RRULE for a recurring plage or absence, ORGANIZER, one ATTENDEE per agent,
 * SUMMARY, LOCATION, DESCRIPTION, STATUS.
 */

#include <stdbool.h>

#include "db/outbox.h"

/* True when the notification removes the event from calendars. */
bool notify_is_cancel(const struct outbox_item *it);

/*
 * The calendar as text (CRLF lines, folded). organizer: the sender's
 * address, organizer_name its name (NULL: "RDV Service Public");
 * description may be NULL. Caller frees.
 */
char *notify_ics_build(const struct outbox_item *it, const char *organizer,
                       const char *organizer_name, const char *description);

#endif
