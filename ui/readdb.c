/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/readdb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"
#include "db/db.h"
#include "db/route.h"
#include "ui/screen.h"

/* A change notification's feed read waits at most this for the standby (ms), then reads the primary. */
#define FEED_WAIT_MAX_MS 2000
/* The standby's replay position: asked again after 50 ms, doubling to 1 s, while behind. */
#define CHECK_FIRST_MS 50
#define CHECK_MAX_MS 1000
/* … and every 5 s otherwise (its own lag, a lost link noticed). */
#define HEALTH_MS 5000

enum rd_state { RD_WAIT, RD_DOWN, RD_LAG, RD_OK, RD_IGNORED };

struct readdb {
	struct db *db, *primary;
	int max_lag_s;              /* behind by more than this: reads go to the primary */
	/* The read connection's link, as the primary's (ui/app.c). */
	struct backoff backoff;
	long long next_attempt, attempt_deadline;
	bool checked;               /* its replay state answered since the link came up */
	bool ignored;               /* another role than the primary's: never used */
	/* The primary's progress: gen counts what was sent there (and notifications). */
	unsigned long gen, covered_gen, capture_gen;
	unsigned long capture_ticket;
	uint64_t target;            /* the primary's WAL position covering covered_gen */
	long long target_since;     /* monotonic ms when the standby was first seen behind target, 0 */
	long long moved_at;         /* the last notification */
	/* The standby's progress. */
	bool standby;
	uint64_t replay;
	double lag_s;
	unsigned long check_ticket;
	long long check_due, health_due;
	int check_delay;
	int traced; /* caught_up() as last written to RDV_TRACE ("replica 0|1"), -1: not yet */
};

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct readdb *
readdb_new(const char *conninfo, struct db *primary, int max_lag_s)
{
	struct readdb *rd = xcalloc(1, sizeof *rd);
	rd->max_lag_s = max_lag_s > 0 ? max_lag_s : READDB_LAG_MAX_S;
	rd->db = db_new_down(conninfo);
	rd->primary = primary;
	backoff_reset(&rd->backoff);
	rd->check_delay = CHECK_FIRST_MS;
	rd->traced = -1;
	return rd;
}

void
readdb_free(struct readdb *rd)
{
	if (rd == NULL)
		return;
	db_free(rd->db);
	free(rd);
}

struct db *
readdb_db(struct readdb *rd)
{
	return rd->db;
}

static bool
replayed(const struct readdb *rd)
{
	return !rd->standby || rd->replay >= rd->target;
}

static enum rd_state
rd_state(const struct readdb *rd, long long now)
{
	if (rd->ignored)
		return RD_IGNORED;
	if (db_link(rd->db) == DB_LINK_DOWN)
		return RD_DOWN;
	if (!db_connected(rd->db) || !rd->checked)
		return RD_WAIT;
	if (rd->lag_s > rd->max_lag_s ||
	    (rd->target_since && now - rd->target_since > (long long)rd->max_lag_s * 1000))
		return RD_LAG;
	return RD_OK;
}

/* Everything sent to the primary so far has a known WAL position, and the standby replayed it. */
static bool
caught_up(const struct readdb *rd)
{
	return rd->covered_gen == rd->gen && replayed(rd);
}

struct db *
readdb_route(struct readdb *rd)
{
	if (rd_state(rd, now_ms()) == RD_OK && caught_up(rd))
		return rd->db;
	return rd->primary;
}

/* RDV_TRACE: "replica 1" when reads may go to the standby again, "replica 0" when not. */
static void
trace_caught(struct readdb *rd)
{
	int c = caught_up(rd) ? 1 : 0;
	if (c != rd->traced) {
		rd->traced = c;
		app_trace("replica", c);
	}
}

void
readdb_sent(struct readdb *rd, unsigned long ticket)
{
	if (ticket != 0 && !db_has_request(rd->db, ticket))
		rd->gen++;
	trace_caught(rd);
}

void
readdb_primary_moved(struct readdb *rd)
{
	rd->gen++;
	rd->moved_at = now_ms();
}

bool
readdb_feed_ready(struct readdb *rd)
{
	long long now = now_ms();
	return rd_state(rd, now) != RD_OK || caught_up(rd) || now - rd->moved_at > FEED_WAIT_MAX_MS;
}

bool
readdb_busy(struct readdb *rd)
{
	return db_busy(rd->db);
}

static void
check_soon(struct readdb *rd, long long now)
{
	rd->check_delay = CHECK_FIRST_MS;
	rd->check_due = now;
}

static void reply_update(struct readdb *rd, struct app *app, struct db_reply *r);

void
readdb_reply(struct readdb *rd, struct app *app, struct db_reply *r)
{
	reply_update(rd, app, r);
	trace_caught(rd);
}

static void
reply_update(struct readdb *rd, struct app *app, struct db_reply *r)
{
	long long now = now_ms();
	if (r->ticket == rd->capture_ticket) {
		rd->capture_ticket = 0;
		if (r->error || r->data == NULL)
			return;
		uint64_t lsn = *(uint64_t *)r->data;
		if (lsn > rd->target)
			rd->target = lsn;
		rd->covered_gen = rd->capture_gen;
		if (!replayed(rd) && rd->target_since == 0) {
			rd->target_since = now;
			check_soon(rd, now);
		}
		return;
	}
	if (r->ticket != rd->check_ticket)
		return;
	rd->check_ticket = 0;
	rd->health_due = now + HEALTH_MS;
	if (r->error || r->data == NULL)
		return;
	struct db_replay *p = r->data;
	if (!rd->checked && strcmp(p->role, db_role(rd->primary)) != 0) {
		/* Row-level security follows the role: another one would show other rows. */
		rd->ignored = true;
		app_message(app, true, "read_db : rôle %s au lieu de %s, lectures sur le serveur principal",
			    p->role, db_role(rd->primary));
		return; /* closed by readdb_tick(), outside the delivery of this connection's replies */
	}
	rd->checked = true;
	rd->standby = p->standby;
	rd->replay = p->replay;
	rd->lag_s = p->lag_s;
	if (replayed(rd)) {
		rd->target_since = 0;
		rd->check_delay = CHECK_FIRST_MS;
	} else {
		rd->check_due = now + rd->check_delay;
		rd->check_delay = rd->check_delay * 2 > CHECK_MAX_MS ? CHECK_MAX_MS : rd->check_delay * 2;
	}
}

void
readdb_link_changed(struct readdb *rd, struct app *app, int before)
{
	enum db_link after = db_link(rd->db);
	long long now = now_ms();
	if (before == DB_LINK_UP && after != DB_LINK_UP) {
		/* Its requests were answered with errors: the screens load again, from the primary. */
		rd->checked = false;
		rd->check_ticket = 0;
		backoff_reset(&rd->backoff);
		rd->next_attempt = now + backoff_delay(&rd->backoff);
		app_refresh_all(app);
	} else if (before == DB_LINK_CONNECTING && after == DB_LINK_DOWN) {
		rd->next_attempt = now + backoff_delay(&rd->backoff);
	} else if (before == DB_LINK_CONNECTING && after == DB_LINK_UP) {
		backoff_reset(&rd->backoff);
		rd->checked = false;
		rd->check_ticket = 0;
		check_soon(rd, now);
		rd->health_due = now;
	}
}

void
readdb_tick(struct readdb *rd, struct app *app)
{
	long long now = now_ms();
	if (rd->ignored) {
		if (db_link(rd->db) != DB_LINK_DOWN) {
			db_free(rd->db);
			rd->db = db_new_down("");
		}
		return;
	}
	switch (db_link(rd->db)) {
	case DB_LINK_DOWN:
		if (now >= rd->next_attempt) {
			if (db_reconnect_start(rd->db))
				rd->attempt_deadline = now + db_connect_timeout_ms(rd->db);
			else
				rd->next_attempt = now + backoff_delay(&rd->backoff);
		}
		break;
	case DB_LINK_CONNECTING:
		if (now >= rd->attempt_deadline) {
			db_reconnect_abort(rd->db, "délai de connexion dépassé");
			rd->next_attempt = now + backoff_delay(&rd->backoff);
		}
		break;
	case DB_LINK_UP:
		if (!db_connected(rd->db)) {
			int before = DB_LINK_UP;
			db_pump(rd->db);
			readdb_link_changed(rd, app, before);
			break;
		}
		/* The primary moved on: its WAL position, behind what was sent there. */
		if (rd->covered_gen != rd->gen && rd->capture_ticket == 0 && db_connected(rd->primary)) {
			rd->capture_gen = rd->gen;
			rd->capture_ticket = db_send_wal_lsn(rd->primary);
			db_request_bind(rd->primary, rd->capture_ticket, rd, NULL, NULL);
		}
		if (rd->check_ticket == 0 &&
		    (now >= rd->health_due || (!replayed(rd) && now >= rd->check_due) || !rd->checked)) {
			rd->check_ticket = db_send_replay(rd->db);
			db_request_bind(rd->db, rd->check_ticket, rd, NULL, NULL);
		}
		break;
	}
}

int
readdb_timeout(struct readdb *rd, int max)
{
	long long now = now_ms(), t = max;
	if (rd->ignored)
		return max;
	switch (db_link(rd->db)) {
	case DB_LINK_DOWN:
		t = rd->next_attempt - now;
		break;
	case DB_LINK_CONNECTING:
		t = rd->attempt_deadline - now;
		break;
	case DB_LINK_UP:
		if (rd->check_ticket == 0) {
			t = rd->health_due - now;
			if (!replayed(rd) && rd->check_due - now < t)
				t = rd->check_due - now;
		}
		break;
	}
	if (t > max)
		t = max;
	return t < 0 ? 0 : (int)t;
}

const char *
readdb_status(struct readdb *rd)
{
	switch (rd_state(rd, now_ms())) {
	case RD_DOWN:
		return "secondaire hors ligne";
	case RD_WAIT:
		return "secondaire : connexion…";
	case RD_LAG:
		return "secondaire en retard";
	case RD_IGNORED:
		return "secondaire ignoré";
	default:
		/* read_db reached a primary (prefer-standby with no standby up): say where reads go. */
		return rd->standby ? NULL : "lectures sur le principal";
	}
}
