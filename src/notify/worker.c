/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "notify/notify.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "core/xmalloc.h"
#include "notify/sms.h"
#include "notify/usager_text.h"

static volatile sig_atomic_t stop_requested;

void
notify_stop(void)
{
	stop_requested = 1;
}

static double
monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Sleep for seconds without reading wake-ups as a reason to stop early (the
 * SMTP server is down: new rows would fail too). Returns false when the
 * connection is lost.
 */
static bool
worker_pause(struct db *db, double seconds)
{
	double until = monotonic_s() + seconds;
	while (!stop_requested) {
		double left = until - monotonic_s();
		if (left <= 0)
			break;
		if (db_outbox_wait(db, (int)(left * 1000) + 1) < 0)
			return false;
	}
	return true;
}

/* Reconnect with a growing delay until it works or a stop is requested. */
static bool
worker_reconnect(struct db *db)
{
	for (int delay = 1; !stop_requested; delay = delay < 30 ? delay * 2 : 30) {
		struct db_error *err = NULL;
		if (db_outbox_reconnect(db, &err))
			return true;
		text_fprintf(stderr, "rdv: base de données injoignable : %s ; nouvel essai dans %d s\n",
		        err ? err->message : "?", delay);
		db_error_free(err);
		struct timespec ts = {.tv_sec = delay};
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * One claimed row: send it, then record the outcome in the claim's
 * transaction. Returns false on a database error; *server_down when the
 * SMTP server itself failed, with *pause_s the delay before trying again.
 */
static bool
worker_deliver(struct db *db, const struct notify_options *opt, struct outbox_item *it,
               bool *failed, bool *server_down, int *pause_s, struct db_error **err)
{
	char *error = NULL;
	*server_down = false;
	bool ok;
	if (!it->valid) {
		error = xstrdup("contenu de la notification incomplet");
		ok = false;
	} else {
		/* Plages and absences: the deployment's UID, chosen in the database. */
		if (strcmp(it->object_type, "rdv") != 0) {
			char *uid = NULL;
			if (!db_outbox_calendar_uid(db, it->object_type, it->object_id,
			                         opt->uid_domain, &uid, err)) {
				db_outbox_release(db);
				return false;
			}
			free(it->uid);
			it->uid = uid;
		}
		ok = notify_smtp_send(&opt->smtp, it, &error, server_down);
	}
	*failed = !ok;
	bool recorded;
	if (ok) {
		recorded = db_outbox_mark_sent(db, it->id, err);
		if (recorded && opt->log) {
			text_fprintf(opt->log, "envoyée : n° %lld %s à %s\n", it->id, it->event,
			        it->to_email);
			fflush(opt->log);
		}
	} else {
		int delay = 0;
		recorded = db_outbox_mark_failed(db, it->id, error, opt->backoff_s, opt->backoff_max_s,
		                              &delay, err);
		*pause_s = delay;
		text_fprintf(stderr, "rdv: n° %lld %s à %s non envoyée : %s ; nouvel essai dans %d s\n",
		        it->id, it->event, it->to_email ? it->to_email : "?", error, delay);
	}
	free(error);
	return recorded;
}

/*
 * One claimed message to a usager: drop it when it may no longer go out,
 * send it by its channel, then close it with its receipt (sent, refused for
 * good) or record a failed attempt with a back-off. Returns false on a
 * database error; *server_down when the SMTP server failed (every e-mail
 * would), *failed on any failed attempt.
 */
static bool
worker_deliver_usager(struct db *db, const struct notify_options *opt, struct outbox_item *it,
                      bool *failed, bool *server_down, int *pause_s, struct db_error **err)
{
	*failed = false;
	*server_down = false;
	if (it->obsolete)
		return db_usager_outbox_finish(db, it->id, "dropped", NULL, it->obsolete, err);
	if (!it->valid)
		return db_usager_outbox_finish(db, it->id, "failed", NULL,
		                            "contenu de la notification incomplet", err);
	char *error = NULL, *provider_id = NULL;
	bool ok, permanent = false;
	const char *to = "?";
	if (strcmp(it->channel, "sms") == 0) {
		to = it->to_phone ? it->to_phone : "?";
		char *text = usager_sms_text(it);
		enum sms_outcome o = notify_sms_send(&opt->sms, it->to_phone, text, &provider_id, &error);
		free(text);
		ok = o == SMS_SENT;
		permanent = o == SMS_REFUSED;
	} else {
		to = it->to_email ? it->to_email : "?";
		ok = notify_smtp_send(&opt->smtp, it, &error, server_down);
		/* An address the server refuses, not the server itself: for good. */
		permanent = !ok && !*server_down && it->attempts + 1 >= 5;
	}
	bool recorded;
	if (ok || permanent) {
		recorded = db_usager_outbox_finish(db, it->id, ok ? "sent" : "failed", provider_id, error,
		                                err);
		if (recorded && opt->log) {
			text_fprintf(opt->log, "%s : usager n° %lld %s (%s) à %s%s%s\n",
			             ok ? "envoyée" : "refusée", it->id, it->event, it->channel, to,
			             error ? " : " : "", error ? error : "");
			fflush(opt->log);
		}
		*failed = !ok;
	} else {
		int delay = 0;
		recorded = db_usager_outbox_mark_failed(db, it->id, error, opt->backoff_s,
		                                     opt->backoff_max_s, &delay, err);
		*pause_s = delay;
		*failed = true;
		text_fprintf(stderr, "rdv: usager n° %lld %s (%s) à %s non envoyée : %s ; nouvel essai "
		             "dans %d s\n", it->id, it->event, it->channel, to, error, delay);
	}
	free(error);
	free(provider_id);
	return recorded;
}

/*
 * Report a database failure. In once mode that ends the run; otherwise
 * reconnect (which LISTENs again). Returns whether to go on.
 */
static bool
worker_db_failed(struct db *db, const struct notify_options *opt, struct db_error **err)
{
	text_fprintf(stderr, "rdv: %s\n", *err ? (*err)->message : "erreur de base de données");
	db_error_free(*err);
	*err = NULL;
	if (opt->once)
		return false;
	return worker_reconnect(db);
}

int
notify_run(struct db *db, const struct notify_options *opt)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	bool db_ok = true;
	long sent = 0, failures = 0;
	time_t last_prune = 0;
	struct db_error *err = NULL;
	if (!opt->once && !db_outbox_listen(db, &err))
		db_ok = worker_db_failed(db, opt, &err);
	while (db_ok && !stop_requested) {
		struct outbox_item *it = NULL;
		if (!db_outbox_claim(db, &it, &err)) {
			db_ok = worker_db_failed(db, opt, &err);
			continue;
		}
		if (it == NULL && !db_usager_outbox_claim(db, opt->sms.provider != NULL, &it, &err)) {
			db_ok = worker_db_failed(db, opt, &err);
			continue;
		}
		if (it == NULL) {
			/* Nothing due: write the reminders now due, if any, and go on. */
			int written = 0;
			double reminder_s = -1;
			if (!db_usager_reminders_schedule(db, &written, &reminder_s, &err)) {
				db_ok = worker_db_failed(db, opt, &err);
				continue;
			}
			if (written > 0)
				continue;
			/* Idle: prune the change feed, at most once every 10 minutes. */
			time_t now = time(NULL);
			if (last_prune == 0 || now - last_prune >= 600) {
				if (!db_outbox_changes_prune(db, &err)) {
					db_ok = worker_db_failed(db, opt, &err);
					continue;
				}
				last_prune = now;
			}
			if (opt->once)
				break;
			double due;
			if (!db_outbox_next_due(db, &due, &err)) {
				db_ok = worker_db_failed(db, opt, &err);
				continue;
			}
			if (reminder_s >= 0 && (due < 0 || reminder_s < due))
				due = reminder_s;
			int timeout_ms = due < 0 || due > 60 ? 60000 : (int)(due * 1000) + 1;
			if (db_outbox_wait(db, timeout_ms) < 0)
				db_ok = worker_reconnect(db);
			continue;
		}
		bool failed, server_down;
		int pause_s = 0;
		bool recorded = it->usager ? worker_deliver_usager(db, opt, it, &failed, &server_down,
		                                                   &pause_s, &err)
		                           : worker_deliver(db, opt, it, &failed, &server_down,
		                                            &pause_s, &err);
		db_outbox_item_free(it);
		if (!recorded) {
			db_ok = worker_db_failed(db, opt, &err);
			continue;
		}
		if (!failed) {
			sent++;
			continue;
		}
		failures++;
		if (server_down) {
			/* Every other row would fail the same way: stop, or wait. */
			if (opt->once)
				break;
			if (!worker_pause(db, pause_s))
				db_ok = worker_reconnect(db);
		}
	}
	if (opt->once && opt->log) {
		fprintf(opt->log, "%ld notification(s) envoyée(s), %ld échec(s)\n", sent, failures);
		fflush(opt->log);
	}
	curl_global_cleanup();
	return db_ok && !(opt->once && failures > 0) ? 0 : 1;
}
