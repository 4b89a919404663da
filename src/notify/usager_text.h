/* SPDX-License-Identifier: MIT */
#ifndef RDV_NOTIFY_USAGER_TEXT_H
#define RDV_NOTIFY_USAGER_TEXT_H

/*
 * The French texts of messages to usagers (rdv.usager_outbox, 017):
 * confirmation (rdv_created), change (rdv_updated), cancellation
 * (rdv_cancelled), restoration (rdv_restored) and reminder (rdv_reminder),
 * by e-mail and by SMS. The date is the territory's wall-clock time, the
 * place the lieu's address or "RDV téléphonique", and the lieu's or
 * organisation's number is given for changes. A message to the responsible
 * for a relative names the relative. Nothing about other participants.
 * Every value from the database goes through text_sanitize().
 */

#include "db/outbox.h"

/* "RDV confirmé : Accueil social le jeudi 4 décembre 2026 à 19:00". Caller frees. */
char *usager_mail_subject(const struct outbox_item *it);

/* The body, CRLF line endings. Caller frees. */
char *usager_mail_body(const struct outbox_item *it);

/* The calendar's DESCRIPTION (LF endings). Caller frees. */
char *usager_mail_description(const struct outbox_item *it);

/*
 * The SMS: GSM-7 only (accents GSM-7 lacks transliterated), at most 160
 * septets when the essentials fit (the address, then the motif, are
 * shortened first; the date, time and phone number are never cut). Caller
 * frees.
 */
char *usager_sms_text(const struct outbox_item *it);

#endif
