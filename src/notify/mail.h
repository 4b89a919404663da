/* SPDX-License-Identifier: MIT */
#ifndef RDV_NOTIFY_MAIL_H
#define RDV_NOTIFY_MAIL_H

/*
 * The French text of a notification mail: subject, plain-text body (what,
 * when, where, with whom, who changed it) and the attachment's file name.
 * Every value from the database goes through text_sanitize(), so a name
 * holding a line break cannot add a header or fake a line.
 */

#include "db/outbox.h"

/* "Nouveau RDV : Suivi social le jeudi 4 décembre 2026 à 19:00". Caller frees. */
char *notify_mail_subject(const struct outbox_item *it);

/* The body, CRLF line endings. Caller frees. */
char *notify_mail_body(const struct outbox_item *it);

/* A shorter text for the calendar's DESCRIPTION (LF endings). Caller frees. */
char *notify_mail_description(const struct outbox_item *it);

/* "rdv-<uuid>-2026-12-04.ics", "plage-ouverture-12-2026-12-07.ics", … Caller frees. */
char *notify_mail_ics_filename(const struct outbox_item *it);

/*
 * "jeudi 4 décembre 2026 de 19:00 à 19:45" from two iCalendar local times
 * ("YYYYMMDDTHHMMSS"); "du … à … au … à …" across days. Caller frees.
 */
char *notify_mail_when(const char *dtstart, const char *dtend);

#endif
