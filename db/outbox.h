/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_OUTBOX_H
#define RDV_DB_OUTBOX_H

/*
 * The notification outbox (rdv.notification_outbox, filled by the triggers
 * of 004_notify.sql) as the worker sees it. One row is one mail to one
 * agent. Delivery is at least once: a row is claimed inside a transaction
 * that holds its lock (FOR UPDATE SKIP LOCKED, so several workers never take
 * the same row), the mail is sent, and only then is the row marked sent and
 * the transaction committed. A worker killed in between leaves the row
 * unsent and unlocked.
 */

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

struct outbox_attendee {
	char *name;
	char *email;
};

/* One notification, with what its mail needs (frozen when it was written). */
struct outbox_item {
	long long id;
	char *event; /* "rdv_created", "rdv_updated", "rdv_cancelled", "plage_…", "absence_…" */
	char *object_type; /* "rdv", "plage", "absence" */
	int object_id;
	int attempts;  /* delivery attempts so far */
	bool valid;    /* the payload holds what a mail needs */
	char *to_name; /* the agent told */
	char *to_email;

	char *uid;           /* iCalendar UID */
	int sequence;        /* iCalendar SEQUENCE */
	char *summary;       /* "RDV Suivi social", "Plage d'ouverture : …" */
	char *what;          /* motif name, or the plage / absence title */
	char *name;          /* collective rdv title, or NULL */
	char *location_type; /* motif location type, or NULL */
	char *organisation;
	char *time_zone; /* IANA, the territory's */
	char *dtstart;   /* local wall-clock, "YYYYMMDDTHHMMSS" */
	char *dtend;
	char *rrule;       /* RFC 5545 (UNTIL in UTC), or NULL */
	char *until;       /* last day of the rule "YYYY-MM-DD", or NULL */
	char *location;    /* "Lieu, adresse", or NULL */
	char *old_dtstart; /* before an update, when the time changed; else NULL */
	char *old_dtend;
	char *old_location; /* before an update, when the lieu changed ("" = none); else NULL */
	char *author;       /* the agent who made the change, or NULL */

	char **usagers;
	size_t nusagers;
	struct outbox_attendee *attendees;
	size_t nattendees;

	/* Messages to usagers (rdv.usager_outbox, 017): usager is true. */
	bool usager;
	char *channel;  /* "email" or "sms" */
	int rdv_id;
	char *to_phone; /* E.164, for "sms" */
	char *organisation_phone; /* the lieu's or organisation's number, or NULL */
	char **relatives; /* the relatives the message is about ("for"), not the recipient */
	size_t nrelatives;
	bool self;      /* the recipient is a participant too */
	bool collectif;
	/*
	 * Set when the message must not go out any more (the rdv started,
	 * moved after a reminder was written, or was cancelled): the reason.
	 */
	char *obsolete;
};

void db_outbox_item_free(struct outbox_item *it);

/*
 * Begin a transaction and lock the oldest due unsent row. On success *item
 * is the row (the transaction stays open: finish with db_outbox_mark_sent(),
 * db_outbox_mark_failed() or db_outbox_release()), or NULL when nothing is due (no
 * transaction left open). Caller frees *item.
 */
bool db_outbox_claim(struct db *db, struct outbox_item **item, struct db_error **err);

/*
 * The calendar UID of a plage or an absence (rdv.calendar_uid()), inside the
 * claim's transaction; domain: the deployment's, proposed (the database
 * keeps the first one ever proposed). Caller frees *uid.
 */
bool db_outbox_calendar_uid(struct db *db, const char *object_type, int object_id, const char *domain,
                         char **uid, struct db_error **err);

/* Record the claimed row as sent and commit. */
bool db_outbox_mark_sent(struct db *db, long long id, struct db_error **err);

/*
 * Record a failed attempt of the claimed row and commit: attempts + 1,
 * last_error, next_attempt_at = now + base × 2^(attempts − 1) seconds capped
 * at max_s. *delay_s receives the delay chosen.
 */
bool db_outbox_mark_failed(struct db *db, long long id, const char *error, int base_s, int max_s,
                        int *delay_s, struct db_error **err);

/*
 * The same for messages to usagers: begin a transaction and lock the oldest
 * due row of rdv.usager_outbox (item->usager set), or NULL when none is due.
 * Without sms_enabled, SMS rows are left queued.
 */
bool db_usager_outbox_claim(struct db *db, bool sms_enabled, struct outbox_item **item,
                         struct db_error **err);

/*
 * Close the claimed usager row for good and commit, with its receipt:
 * result "sent" (provider_id may be NULL), "failed" (refused for good:
 * error) or "dropped" (obsolete: error says why).
 */
bool db_usager_outbox_finish(struct db *db, long long id, const char *result, const char *provider_id,
                          const char *error, struct db_error **err);

/* As db_outbox_mark_failed(), for a claimed usager row. */
bool db_usager_outbox_mark_failed(struct db *db, long long id, const char *error, int base_s,
                               int max_s, int *delay_s, struct db_error **err);

/*
 * Write the reminders now due (rdv.usager_reminders_schedule()): *written,
 * and *next_s the seconds until the next reminder window opens (-1: none).
 */
bool db_usager_reminders_schedule(struct db *db, int *written, double *next_s,
                               struct db_error **err);

/* Give the claimed row back untouched (rollback). */
void db_outbox_release(struct db *db);

/* Seconds until the next unsent row is due (0 when one is due now), or -1. */
bool db_outbox_next_due(struct db *db, double *seconds, struct db_error **err);

/* Drop the change feed rows older than two days (rdv.changes_prune(), migration 018). */
bool db_outbox_changes_prune(struct db *db, struct db_error **err);

/* LISTEN rdv_notify: the triggers NOTIFY it when they write rows. */
bool db_outbox_listen(struct db *db, struct db_error **err);

/*
 * Wait up to timeout_ms for a wake-up from the triggers. Returns 1 when one
 * arrived, 0 on timeout or signal, -1 when the connection is lost.
 */
int db_outbox_wait(struct db *db, int timeout_ms);

/* Reconnect a lost connection (blocking) and LISTEN again. */
bool db_outbox_reconnect(struct db *db, struct db_error **err);

#endif
