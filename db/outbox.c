/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/outbox.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

void
db_outbox_item_free(struct outbox_item *it)
{
	if (it == NULL)
		return;
	char **strings[] = {
	    &it->event,     &it->object_type, &it->to_name,   &it->to_email,      &it->uid,
	    &it->summary,   &it->what,        &it->name,      &it->location_type, &it->organisation,
	    &it->time_zone, &it->dtstart,     &it->dtend,     &it->rrule,         &it->until,
	    &it->location,  &it->old_dtstart, &it->old_dtend, &it->old_location,  &it->author,
	    &it->channel,   &it->to_phone,    &it->organisation_phone, &it->obsolete,
	};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
		free(*strings[i]);
	for (size_t i = 0; i < it->nusagers; i++)
		free(it->usagers[i]);
	free(it->usagers);
	for (size_t i = 0; i < it->nattendees; i++) {
		free(it->attendees[i].name);
		free(it->attendees[i].email);
	}
	free(it->attendees);
	for (size_t i = 0; i < it->nrelatives; i++)
		free(it->relatives[i]);
	free(it->relatives);
	free(it);
}

/* A string member of the payload, or NULL. Caller frees. */
static char *
payload_string(json_t *payload, const char *key)
{
	const char *s = json_string_value(json_object_get(payload, key));
	return s ? xstrdup(s) : NULL;
}

/* Fill the item from the payload's JSON text; false when it is not an object. */
static bool
outbox_item_parse_payload(struct outbox_item *it, const char *text)
{
	json_error_t jerr;
	json_t *p = json_loads(text, 0, &jerr);
	if (!json_is_object(p)) {
		json_decref(p);
		return false;
	}
	it->uid = payload_string(p, "uid");
	it->sequence = (int)json_integer_value(json_object_get(p, "sequence"));
	it->summary = payload_string(p, "summary");
	it->what = payload_string(p, "what");
	it->name = payload_string(p, "name");
	it->location_type = payload_string(p, "location_type");
	it->organisation = payload_string(p, "organisation");
	it->time_zone = payload_string(p, "time_zone");
	it->dtstart = payload_string(p, "dtstart");
	it->dtend = payload_string(p, "dtend");
	it->rrule = payload_string(p, "rrule");
	it->until = payload_string(p, "until");
	it->location = payload_string(p, "location");
	it->old_dtstart = payload_string(p, "old_dtstart");
	it->old_dtend = payload_string(p, "old_dtend");
	it->old_location = payload_string(p, "old_location");
	it->author = payload_string(p, "author");

	json_t *u = json_object_get(p, "usagers");
	size_t n = json_array_size(u);
	it->usagers = xcalloc(n ? n : 1, sizeof *it->usagers);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(u, i));
		if (s)
			it->usagers[it->nusagers++] = xstrdup(s);
	}
	json_t *a = json_object_get(p, "attendees");
	n = json_array_size(a);
	it->attendees = xcalloc(n ? n : 1, sizeof *it->attendees);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(a, i);
		const char *email = json_string_value(json_object_get(x, "email"));
		if (email == NULL)
			continue;
		struct outbox_attendee *att = &it->attendees[it->nattendees++];
		att->email = xstrdup(email);
		att->name = payload_string(x, "name");
	}
	it->organisation_phone = payload_string(p, "organisation_phone");
	it->to_phone = payload_string(p, "to_phone");
	it->self = json_is_true(json_object_get(p, "self"));
	it->collectif = json_is_true(json_object_get(p, "collectif"));
	json_t *f = json_object_get(p, "for");
	n = json_array_size(f);
	it->relatives = xcalloc(n ? n : 1, sizeof *it->relatives);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(f, i));
		if (s)
			it->relatives[it->nrelatives++] = xstrdup(s);
	}
	if (it->to_name == NULL)
		it->to_name = payload_string(p, "to_name");
	if (it->to_email == NULL)
		it->to_email = payload_string(p, "to_email");
	json_decref(p);
	return it->uid && it->dtstart && it->dtend && it->time_zone && it->summary;
}

static const char claim_sql[] =
    "SELECT o.id, o.event, o.object_type, o.object_id, o.attempts, o.payload::text,"
    "       concat_ws(' ', nullif(btrim(a.first_name), ''), a.last_name), a.email"
    "  FROM rdv.notification_outbox o JOIN rdv.agents a ON a.id = o.agent_id"
    " WHERE o.sent_at IS NULL AND o.next_attempt_at <= clock_timestamp()"
    " ORDER BY o.id"
    " LIMIT 1"
    " FOR UPDATE OF o SKIP LOCKED";

bool
db_outbox_claim(struct db *db, struct outbox_item **item, struct db_error **err)
{
	*item = NULL;
	if (!db_exec_simple(db, "BEGIN", err))
		return false;
	PGresult *res = db_exec(db, claim_sql, 0, NULL, err);
	if (res == NULL) {
		db_outbox_release(db);
		return false;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		return db_exec_simple(db, "COMMIT", err);
	}
	struct outbox_item *it = xcalloc(1, sizeof *it);
	it->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	it->event = xstrdup(PQgetvalue(res, 0, 1));
	it->object_type = xstrdup(PQgetvalue(res, 0, 2));
	it->object_id = atoi(PQgetvalue(res, 0, 3));
	it->attempts = atoi(PQgetvalue(res, 0, 4));
	it->valid = outbox_item_parse_payload(it, PQgetvalue(res, 0, 5));
	it->to_name = xstrdup(PQgetvalue(res, 0, 6));
	if (!PQgetisnull(res, 0, 7))
		it->to_email = xstrdup(PQgetvalue(res, 0, 7));
	PQclear(res);
	*item = it;
	return true;
}

bool
db_outbox_calendar_uid(struct db *db, const char *object_type, int object_id, const char *domain,
                    char **uid, struct db_error **err)
{
	char idbuf[16];
	snprintf(idbuf, sizeof idbuf, "%d", object_id);
	const char *params[] = {object_type, idbuf, domain};
	PGresult *res = db_exec(db, "SELECT rdv.calendar_uid($1, $2::integer, $3)", 3, params, err);
	if (res == NULL)
		return false;
	*uid = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

bool
db_outbox_mark_sent(struct db *db, long long id, struct db_error **err)
{
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", id);
	const char *params[] = {idbuf};
	PGresult *res = db_exec(db,
	                        "UPDATE rdv.notification_outbox"
	                        "   SET sent_at = clock_timestamp(), attempts = attempts + 1"
	                        " WHERE id = $1",
	                        1, params, err);
	if (res == NULL) {
		db_outbox_release(db);
		return false;
	}
	PQclear(res);
	return db_exec_simple(db, "COMMIT", err);
}

/*
 * A failed attempt of one outbox's row: the delay doubles with each failed
 * attempt (base, 2 base, 4 base, … up to max), then COMMIT. sql is that
 * outbox's UPDATE, the same but for the table.
 */
static bool
outbox_failed(struct db *db, const char *sql, long long id, const char *error, int base_s,
              int max_s, int *delay_s, struct db_error **err)
{
	char idbuf[32], basebuf[16], maxbuf[16];
	snprintf(idbuf, sizeof idbuf, "%lld", id);
	snprintf(basebuf, sizeof basebuf, "%d", base_s);
	snprintf(maxbuf, sizeof maxbuf, "%d", max_s);
	const char *params[] = {idbuf, error, basebuf, maxbuf};
	PGresult *res = db_exec(db, sql, 4, params, err);
	if (res == NULL) {
		db_outbox_release(db);
		return false;
	}
	if (delay_s)
		*delay_s = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return db_exec_simple(db, "COMMIT", err);
}

#define OUTBOX_FAILED_SQL(table)                                                          \
	"WITH d AS (SELECT id, least($4::float8, $3::float8 * 2 ^ least(attempts, 30))"   \
	"                      ::integer AS delay"                                          \
	"             FROM rdv." table " WHERE id = $1)"                                    \
	" UPDATE rdv." table " o"                                                           \
	"    SET attempts = o.attempts + 1, last_error = $2,"                               \
	"        next_attempt_at = clock_timestamp() + make_interval(secs => d.delay)"     \
	"   FROM d WHERE o.id = d.id"                                                       \
	" RETURNING d.delay"

bool
db_outbox_mark_failed(struct db *db, long long id, const char *error, int base_s, int max_s,
                      int *delay_s, struct db_error **err)
{
	return outbox_failed(db, OUTBOX_FAILED_SQL("notification_outbox"), id, error, base_s, max_s,
	                     delay_s, err);
}

/*
 * The oldest due usager message, and whether it may still go out: never
 * once the rdv has started (N-01); a reminder only for the start it was
 * written for, while the rdv and the participation are alive.
 */
static const char usager_claim_sql[] =
    "SELECT o.id, o.event, o.rdv_id, o.attempts, o.payload::text, o.channel,"
    "       CASE WHEN r.id IS NULL THEN 'rdv supprimé'"
    "            WHEN r.starts_at <= clock_timestamp() THEN 'rdv commencé'"
    "            WHEN o.event = 'rdv_reminder' AND r.starts_at <> o.starts_at THEN 'rdv déplacé'"
    "            WHEN o.event = 'rdv_reminder' AND (r.status IN ('excused', 'revoked')"
    "                 OR NOT EXISTS (SELECT 1 FROM rdv.participations p"
    "                                 WHERE p.id = o.participation_id"
    "                                   AND p.status NOT IN ('excused', 'revoked')))"
    "                 THEN 'rdv annulé' END"
    "  FROM rdv.usager_outbox o LEFT JOIN rdv.rdvs r ON r.id = o.rdv_id"
    " WHERE o.done_at IS NULL AND o.next_attempt_at <= clock_timestamp()"
    "   AND (o.channel = 'email' OR $1::boolean)"
    " ORDER BY o.id"
    " LIMIT 1"
    " FOR UPDATE OF o SKIP LOCKED";

bool
db_usager_outbox_claim(struct db *db, bool sms_enabled, struct outbox_item **item,
                    struct db_error **err)
{
	*item = NULL;
	if (!db_exec_simple(db, "BEGIN", err))
		return false;
	const char *params[] = {sms_enabled ? "true" : "false"};
	PGresult *res = db_exec(db, usager_claim_sql, 1, params, err);
	if (res == NULL) {
		db_outbox_release(db);
		return false;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		return db_exec_simple(db, "COMMIT", err);
	}
	struct outbox_item *it = xcalloc(1, sizeof *it);
	it->usager = true;
	it->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	it->event = xstrdup(PQgetvalue(res, 0, 1));
	it->object_type = xstrdup("rdv");
	it->rdv_id = it->object_id = atoi(PQgetvalue(res, 0, 2));
	it->attempts = atoi(PQgetvalue(res, 0, 3));
	it->valid = outbox_item_parse_payload(it, PQgetvalue(res, 0, 4));
	it->channel = xstrdup(PQgetvalue(res, 0, 5));
	if (!PQgetisnull(res, 0, 6))
		it->obsolete = xstrdup(PQgetvalue(res, 0, 6));
	PQclear(res);
	/* The usager's calendar: the usager is the only attendee shown. */
	if (it->valid && it->to_email) {
		free(it->attendees);
		it->attendees = xcalloc(1, sizeof *it->attendees);
		it->attendees[0].name = it->to_name ? xstrdup(it->to_name) : NULL;
		it->attendees[0].email = xstrdup(it->to_email);
		it->nattendees = 1;
	}
	*item = it;
	return true;
}

bool
db_usager_outbox_finish(struct db *db, long long id, const char *result, const char *provider_id,
                     const char *error, struct db_error **err)
{
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", id);
	const char *params[] = {idbuf, result, provider_id, error};
	PGresult *res = db_exec(
	    db,
	    "WITH o AS (UPDATE rdv.usager_outbox"
	    "              SET done_at = clock_timestamp(), attempts = attempts + 1,"
	    "                  last_error = $4"
	    "            WHERE id = $1::bigint"
	    "        RETURNING id, rdv_id, participation_id, recipient_id, event, channel, payload)"
	    " INSERT INTO rdv.notification_receipts (rdv_id, participation_id, usager_id, outbox_id,"
	    "                                        event, channel, recipient, result, provider_id,"
	    "                                        error, created_at)"
	    " SELECT o.rdv_id, o.participation_id, o.recipient_id, o.id, o.event, o.channel,"
	    "        coalesce(CASE o.channel WHEN 'sms' THEN o.payload->>'to_phone'"
	    "                                ELSE o.payload->>'to_email' END, ''),"
	    "        $2, $3, $4, clock_timestamp()"
	    "   FROM o",
	    4, params, err);
	if (res == NULL) {
		db_outbox_release(db);
		return false;
	}
	PQclear(res);
	return db_exec_simple(db, "COMMIT", err);
}

bool
db_usager_outbox_mark_failed(struct db *db, long long id, const char *error, int base_s, int max_s,
                             int *delay_s, struct db_error **err)
{
	return outbox_failed(db, OUTBOX_FAILED_SQL("usager_outbox"), id, error, base_s, max_s, delay_s,
	                     err);
}

bool
db_usager_reminders_schedule(struct db *db, int *written, double *next_s, struct db_error **err)
{
	PGresult *res =
	    db_exec(db, "SELECT written, next_in FROM rdv.usager_reminders_schedule()", 0, NULL, err);
	if (res == NULL)
		return false;
	*written = atoi(PQgetvalue(res, 0, 0));
	*next_s = PQgetisnull(res, 0, 1) ? -1 : strtod(PQgetvalue(res, 0, 1), NULL);
	PQclear(res);
	return true;
}

void
db_outbox_release(struct db *db)
{
	db_exec_simple(db, "ROLLBACK", NULL);
}

bool
db_outbox_next_due(struct db *db, double *seconds, struct db_error **err)
{
	PGresult *res = db_exec(
	    db,
	    "SELECT greatest(0, extract(epoch FROM min(t) - clock_timestamp()))"
	    "  FROM (SELECT min(next_attempt_at) AS t FROM rdv.notification_outbox"
	    "         WHERE sent_at IS NULL"
	    "        UNION ALL SELECT min(next_attempt_at) FROM rdv.usager_outbox"
	    "         WHERE done_at IS NULL) x",
	    0, NULL, err);
	if (res == NULL)
		return false;
	*seconds = PQgetisnull(res, 0, 0) ? -1 : strtod(PQgetvalue(res, 0, 0), NULL);
	PQclear(res);
	return true;
}

bool
db_outbox_changes_prune(struct db *db, struct db_error **err)
{
	return db_exec_simple(db, "SELECT rdv.changes_prune()", err);
}

bool
db_outbox_listen(struct db *db, struct db_error **err)
{
	return db_exec_simple(db, "LISTEN rdv_notify", err);
}

/* Drop the wake-ups libpq has already read; true when there was one. */
static bool
outbox_take_notifies(PGconn *conn)
{
	bool any = false;
	PGnotify *n;
	while ((n = PQnotifies(conn)) != NULL) {
		any = true;
		PQfreemem(n);
	}
	return any;
}

int
db_outbox_wait(struct db *db, int timeout_ms)
{
	PGconn *conn = db_pgconn(db);
	if (PQstatus(conn) != CONNECTION_OK)
		return -1;
	/* A wake-up may have arrived while the last statements ran. */
	if (outbox_take_notifies(conn))
		return 1;
	struct pollfd pfd = {.fd = PQsocket(conn), .events = POLLIN};
	int r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK)
		return -1;
	return outbox_take_notifies(conn) ? 1 : 0;
}

bool
db_outbox_reconnect(struct db *db, struct db_error **err)
{
	PGconn *conn = db_pgconn(db);
	PQreset(conn);
	if (PQstatus(conn) != CONNECTION_OK) {
		if (err)
			*err = db_error_new("08001", "connexion impossible : %s",
			                    PQerrorMessage(conn));
		return false;
	}
	PQsetClientEncoding(conn, "UTF8");
	return db_outbox_listen(db, err);
}
