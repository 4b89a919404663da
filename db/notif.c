/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/notif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

void
db_notifications_free(struct db_notifications *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nparts; i++) {
		free(n->parts[i].name);
		free(n->parts[i].status);
	}
	free(n->parts);
	for (size_t i = 0; i < n->nreceipts; i++) {
		struct db_notif_receipt *r = &n->receipts[i];
		free(r->when);
		free(r->event);
		free(r->channel);
		free(r->recipient);
		free(r->result);
		free(r->detail);
	}
	free(n->receipts);
	free(n);
}

/* Receipt rows as the screens show them; $2 the session's time zone. */
#define RECEIPT_COLUMNS                                                                          \
	"'r', n.id, to_char(n.created_at AT TIME ZONE $2, 'DD/MM/YYYY HH24:MI'), NULL::boolean,"  \
	" NULL::boolean,"                                                                        \
	" CASE n.event WHEN 'rdv_created' THEN 'Confirmation' WHEN 'rdv_updated' THEN "          \
	"'Modification'"                                                                         \
	"   WHEN 'rdv_cancelled' THEN 'Annulation' WHEN 'rdv_restored' THEN 'Rétablissement'"    \
	"   ELSE 'Rappel' END,"                                                                  \
	" CASE n.channel WHEN 'sms' THEN 'SMS' ELSE 'e-mail' END, n.recipient,"                  \
	" CASE n.result WHEN 'sent' THEN 'envoyé' WHEN 'failed' THEN 'échec' ELSE 'non envoyé' " \
	"END,"                                                                                   \
	" coalesce(n.error, n.provider_id), n.created_at"

static const char usager_sql[] =
    "(SELECT 'u', u.id, NULL::text, u.notify_by_email, u.notify_by_sms, NULL::text, NULL::text,"
    "        NULL::text, NULL::text, NULL::text, NULL::timestamptz"
    "   FROM rdv.usagers u WHERE u.id = $1::int)"
    " UNION ALL "
    "(SELECT " RECEIPT_COLUMNS
    "   FROM rdv.notification_receipts n"
    "  WHERE n.usager_id = $1::int"
    "     OR n.participation_id IN (SELECT p.id FROM rdv.participations p WHERE p.usager_id = $1::int)"
    "  ORDER BY n.created_at DESC, n.id DESC LIMIT 50)";

static const char rdv_sql[] =
    "(SELECT 'p', p.id, coalesce(u.first_name || ' ' || u.last_name, 'usager n° ' || p.usager_id),"
    "        p.send_lifecycle_notifications, p.send_reminder_notification, p.status::text,"
    "        NULL::text, NULL::text, NULL::text, NULL::text, NULL::timestamptz"
    "   FROM rdv.participations p LEFT JOIN rdv.usagers u ON u.id = p.usager_id"
    "  WHERE p.rdv_id = $1::int ORDER BY p.id)"
    " UNION ALL "
    "(SELECT " RECEIPT_COLUMNS
    "   FROM rdv.notification_receipts n WHERE n.rdv_id = $1::int"
    "  ORDER BY n.created_at DESC, n.id DESC LIMIT 50)";

static char *
value(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

static void *
notifications_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_notifications *n = xcalloc(1, sizeof *n);
	int rows = PQntuples(res);
	n->parts = xcalloc((size_t)rows + 1, sizeof *n->parts);
	n->receipts = xcalloc((size_t)rows + 1, sizeof *n->receipts);
	for (int i = 0; i < rows; i++) {
		char kind = PQgetvalue(res, i, 0)[0];
		if (kind == 'u') {
			n->have_prefs = true;
			n->by_email = PQgetvalue(res, i, 3)[0] == 't';
			n->by_sms = PQgetvalue(res, i, 4)[0] == 't';
		} else if (kind == 'p') {
			struct db_notif_part *p = &n->parts[n->nparts++];
			p->id = atoi(PQgetvalue(res, i, 1));
			p->name = value(res, i, 2);
			p->lifecycle = PQgetvalue(res, i, 3)[0] == 't';
			p->reminder = PQgetvalue(res, i, 4)[0] == 't';
			p->status = value(res, i, 5);
		} else {
			struct db_notif_receipt *r = &n->receipts[n->nreceipts++];
			r->when = value(res, i, 2);
			r->event = value(res, i, 5);
			r->channel = value(res, i, 6);
			r->recipient = value(res, i, 7);
			r->result = value(res, i, 8);
			r->detail = value(res, i, 9);
		}
	}
	return n;
}

unsigned long
db_send_usager_notifications(struct db *db, const struct db_session *s, int usager_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", usager_id);
	const char *params[] = {id, s && s->time_zone ? s->time_zone : "Europe/Paris"};
	return db_request_queue(db, (db_free_fn)db_notifications_free, usager_sql, 2, params,
	                        notifications_parse, NULL, NULL);
}

unsigned long
db_send_rdv_notifications(struct db *db, const struct db_session *s, int rdv_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", rdv_id);
	const char *params[] = {id, s && s->time_zone ? s->time_zone : "Europe/Paris"};
	return db_request_queue(db, (db_free_fn)db_notifications_free, rdv_sql, 2, params, notifications_parse,
	                        NULL, NULL);
}

static void *
rows_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int *rows = xmalloc(sizeof *rows);
	const char *tuples = PQcmdTuples(res);
	*rows = *tuples ? atoi(tuples) : PQntuples(res);
	return rows;
}

/* The single integer the statement returns. */
static void *
int_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int *v = xmalloc(sizeof *v);
	*v = PQntuples(res) > 0 ? atoi(PQgetvalue(res, 0, 0)) : 0;
	return v;
}

unsigned long
db_send_usager_notify_toggle(struct db *db, int usager_id, bool sms)
{
	char id[16];
	snprintf(id, sizeof id, "%d", usager_id);
	const char *params[] = {id};
	return db_request_queue(db, free,
	                        sms ? "UPDATE rdv.usagers SET notify_by_sms = NOT notify_by_sms"
	                              " WHERE id = $1::int"
	                            : "UPDATE rdv.usagers SET notify_by_email = NOT notify_by_email"
	                              " WHERE id = $1::int",
	                        1, params, rows_parse, NULL, NULL);
}

unsigned long
db_send_participation_flag_toggle(struct db *db, int participation_id, bool reminder)
{
	char id[16];
	snprintf(id, sizeof id, "%d", participation_id);
	const char *params[] = {id};
	return db_request_queue(
	    db, free,
	    reminder ? "UPDATE rdv.participations"
	               "   SET send_reminder_notification = NOT send_reminder_notification"
	               " WHERE id = $1::int"
	             : "UPDATE rdv.participations"
	               "   SET send_lifecycle_notifications = NOT send_lifecycle_notifications"
	               " WHERE id = $1::int",
	    1, params, rows_parse, NULL, NULL);
}

unsigned long
db_send_reminder_now(struct db *db, int rdv_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", rdv_id);
	const char *params[] = {id};
	return db_request_queue(db, free, "SELECT rdv.usager_reminder_now($1::int)", 1,
	                        params, int_parse, NULL, NULL);
}
