/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_NOTIF_H
#define RDV_DB_NOTIF_H

/*
 * Notifications to usagers as agents see them (017_usager_notify.sql): the
 * receipts of a usager or of an rdv (row-level security: those of the rdvs
 * I may read), a usager's channel preferences, the per-participation flags
 * of an rdv, and "send a reminder now".
 */

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

struct db_notif_receipt {
	char *when;      /* "05/12/2026 14:02", the session's zone */
	char *event;     /* "Confirmation", "Modification", "Annulation", "Rétablissement", "Rappel" */
	char *channel;   /* "e-mail", "SMS" */
	char *recipient; /* address or number */
	char *result;    /* "envoyé", "échec", "non envoyé" */
	char *detail;    /* provider id or error, or NULL */
};

struct db_notif_part {
	int id; /* participation */
	char *name;
	bool lifecycle, reminder;
	char *status; /* participation status */
};

struct db_notifications {
	bool have_prefs; /* a usager's: */
	bool by_email, by_sms;
	struct db_notif_part *parts; /* an rdv's participations */
	size_t nparts;
	struct db_notif_receipt *receipts; /* latest first */
	size_t nreceipts;
};

void db_notifications_free(struct db_notifications *n);

/* A usager's preferences and receipts (their own and their relatives'). DB_REPLY_NOTIFICATIONS. */
unsigned long db_send_usager_notifications(struct db *db, const struct db_session *s,
                                           int usager_id);

/* An rdv's participations with their flags, and its receipts. DB_REPLY_NOTIFICATIONS. */
unsigned long db_send_rdv_notifications(struct db *db, const struct db_session *s, int rdv_id);

/* Flip a usager's notify_by_email (sms false) or notify_by_sms. DB_REPLY_DONE (rows). */
unsigned long db_send_usager_notify_toggle(struct db *db, int usager_id, bool sms);

/* Flip a participation's send_lifecycle_notifications or send_reminder_notification. DB_REPLY_DONE. */
unsigned long db_send_participation_flag_toggle(struct db *db, int participation_id,
                                                bool reminder);

/* rdv.usager_reminder_now(): DB_REPLY_DONE, data the number of messages queued. */
unsigned long db_send_reminder_now(struct db *db, int rdv_id);

#endif
