/* SPDX-License-Identifier: MIT */
#ifndef RDV_NOTIFY_NOTIFY_H
#define RDV_NOTIFY_NOTIFY_H

/*
 * `rdv notify`: the worker that turns outbox rows into mails. Each row is
 * claimed (locked) in a transaction, sent as one multipart message over
 * SMTP, and marked sent in that same transaction only once the server has
 * accepted the message; a failure is recorded with a back-off instead.
 */

#include <stdbool.h>
#include <stdio.h>

#include "db/db.h"
#include "db/outbox.h"
#include "notify/sms.h"

enum notify_tls {
	NOTIFY_TLS_TRY,      /* STARTTLS when the server offers it */
	NOTIFY_TLS_REQUIRED, /* STARTTLS or fail (smtps:// is TLS from the start anyway) */
	NOTIFY_TLS_OFF,
};

/* Borrowed strings. */
struct notify_smtp {
	const char *url;  /* smtp://host:port or smtps://host:port */
	const char *user; /* NULL: no login */
	const char *password;
	const char *from;      /* the sender's address: envelope, From: and ORGANIZER */
	const char *from_name; /* the name shown in From: (NULL: "RDV Service Public") */
	enum notify_tls tls;
	long timeout_s;
};

struct notify_options {
	struct notify_smtp smtp;
	struct notify_sms sms; /* provider NULL: SMS rows stay queued */
	bool once;     /* drain what is due, then return */
	int backoff_s; /* delay after a first failure; doubles each time */
	int backoff_max_s;
	FILE *log; /* one line per mail sent */
	/*
	 * Proposed right-hand side of plage and absence calendar UIDs
	 * ("plage-12@<domain>"); the database keeps the first one ever proposed
	 * (rdv.calendar_uid()), so UIDs never change afterwards.
	 */
	const char *uid_domain;
};

/*
 * Split smtp.from: "agenda@example.fr", "<agenda@example.fr>" or
 * "Agenda de la Drôme <agenda@example.fr>" (the name may be quoted). False
 * when there is no single plain address. *name is NULL when none is given.
 * Caller frees both.
 */
bool notify_parse_from(const char *text, char **name, char **address);

/*
 * Send one notification. On failure *error is set (caller frees) and
 * *server_down tells a server-wide failure (unreachable, timeout, refused
 * login) from one about this message.
 */
bool notify_smtp_send(const struct notify_smtp *smtp, const struct outbox_item *it, char **error,
                      bool *server_down);

/*
 * Run the worker on an open connection: sweep the outbox, then (unless
 * once) LISTEN and wait for more. Returns the exit status: 0, or 1 when
 * once left failed rows or the database failed.
 */
int notify_run(struct db *db, const struct notify_options *opt);

/* Ask notify_run() to return after the mail in progress. Async-signal-safe. */
void notify_stop(void);

#endif
