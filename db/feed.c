/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/feed.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * The client's cursor is "<system identifier>/<snapshot>": rdv.feed_since()
 * answers reset for a snapshot of another cluster. The busy column is only
 * computed on the first row (the one without a change), once.
 */
static const char feed_sql[] =
    "SELECT f.cursor, f.reset, f.id IS NOT NULL, array_to_string(f.agent_ids, ','), f.day_from,"
    "       f.day_to, f.server_id, f.table_name, f.row_id, f.action, f.organisation_id,"
    "       CASE WHEN f.id IS NULL AND $3::text IS NOT NULL AND $1::text IS NOT NULL AND NOT f.reset"
    "            THEN array_to_string(rdv.feed_busy($1, string_to_array($3, ',')::int[],"
    "                                               $4::date, $5::date), ',') END"
    "  FROM rdv.feed_since($1, $2) f";

enum { F_CURSOR, F_RESET, F_IS_CHANGE, F_AGENTS, F_FROM, F_TO, F_SERVER, F_TABLE, F_ROW, F_ACTION,
       F_ORG, F_BUSY };

void
db_feed_free(struct db_feed *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->nchanges; i++)
		free(f->changes[i].agents);
	free(f->changes);
	free(f->cursor);
	free(f->busy);
	free(f);
}

static enum db_feed_table
feed_table(const char *name)
{
	if (strcmp(name, "rdvs") == 0 || strcmp(name, "rdv_agents") == 0)
		return DB_FEED_RDV;
	if (strcmp(name, "plages_ouverture") == 0)
		return DB_FEED_PLAGE;
	if (strcmp(name, "absences") == 0)
		return DB_FEED_ABSENCE;
	return DB_FEED_OTHER;
}

static void *
feed_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_feed *f = xcalloc(1, sizeof *f);
	int n = PQntuples(res);
	f->changes = xcalloc(n > 0 ? (size_t)n : 1, sizeof *f->changes);
	for (int i = 0; i < n; i++) {
		if (f->cursor == NULL) {
			const char *server = PQgetisnull(res, i, F_SERVER) ? "" : PQgetvalue(res, i, F_SERVER);
			const char *snap = PQgetvalue(res, i, F_CURSOR);
			size_t len = strlen(server) + strlen(snap) + 2;
			f->cursor = xmalloc(len);
			snprintf(f->cursor, len, "%s/%s", server, snap);
			f->reset = strcmp(PQgetvalue(res, i, F_RESET), "t") == 0;
		}
		if (strcmp(PQgetvalue(res, i, F_IS_CHANGE), "t") != 0) {
			/* The first row: the cursor, and the busy agents when asked. */
			if (!PQgetisnull(res, i, F_BUSY) && PQgetvalue(res, i, F_BUSY)[0] && f->busy == NULL)
				f->busy = db_ids_parse(PQgetvalue(res, i, F_BUSY), &f->nbusy);
			continue;
		}
		struct db_feed_change *c = &f->changes[f->nchanges++];
		c->table = feed_table(PQgetvalue(res, i, F_TABLE));
		c->row_id = PQgetisnull(res, i, F_ROW) ? 0 : atoi(PQgetvalue(res, i, F_ROW));
		c->insert = strcmp(PQgetvalue(res, i, F_ACTION), "INSERT") == 0;
		c->organisation_id = PQgetisnull(res, i, F_ORG) ? 0 : atoi(PQgetvalue(res, i, F_ORG));
		if (!PQgetisnull(res, i, F_AGENTS) && PQgetvalue(res, i, F_AGENTS)[0])
			c->agents = db_ids_parse(PQgetvalue(res, i, F_AGENTS), &c->nagents);
		c->from = INT_MIN;
		c->to = INT_MAX;
		bool have_from = !PQgetisnull(res, i, F_FROM) && cal_parse_date(PQgetvalue(res, i, F_FROM), &c->from);
		if (!PQgetisnull(res, i, F_TO))
			cal_parse_date(PQgetvalue(res, i, F_TO), &c->to);
		c->any_day = !have_from;
	}
	if (f->cursor == NULL)
		f->reset = true; /* no row at all: cannot happen, reload to be safe */
	return f;
}

unsigned long
db_send_feed_busy(struct db *db, const char *cursor, const int *agents, int n, rdv_date from,
		  rdv_date to)
{
	/* "<server>/<snapshot>": split; an old cursor without '/' is the snapshot. */
	char *server = NULL, *snap = NULL;
	if (cursor) {
		const char *slash = strchr(cursor, '/');
		if (slash) {
			server = xstrndup(cursor, (size_t)(slash - cursor));
			snap = xstrdup(slash + 1);
		} else {
			snap = xstrdup(cursor);
		}
	}
	char *ids = NULL;
	char dfrom[11] = "", dto[11] = "";
	if (n > 0 && agents) {
		size_t cap = (size_t)n * 12 + 1, len = 0;
		ids = xmalloc(cap);
		ids[0] = '\0';
		for (int i = 0; i < n; i++)
			len += (size_t)snprintf(ids + len, cap - len, "%s%d", i ? "," : "", agents[i]);
		if (from != INT_MIN)
			cal_format_date(from, dfrom);
		if (to != INT_MAX)
			cal_format_date(to, dto);
	}
	const char *params[] = {snap, server, ids, dfrom[0] ? dfrom : NULL, dto[0] ? dto : NULL};
	unsigned long t = db_request_queue(db, (db_free_fn)db_feed_free, feed_sql, 5, params, feed_parse,
					   NULL, NULL);
	free(server);
	free(snap);
	free(ids);
	return t;
}

unsigned long
db_send_feed(struct db *db, const char *cursor)
{
	return db_send_feed_busy(db, cursor, NULL, 0, 0, 0);
}

bool
db_feed_change_days(const struct db_feed_change *c, rdv_date from, rdv_date to)
{
	return c->any_day || !(c->to < from || c->from > to);
}

bool
db_feed_change_touches(const struct db_feed_change *c, const int *agents, int nagents, rdv_date from,
		       rdv_date to)
{
	if (!db_feed_change_days(c, from, to))
		return false;
	/* No agent (an rdv row written before its rdv_agents rows): on nobody's
	 * agenda, as rdv.feed_touches() has it. */
	for (int i = 0; i < c->nagents; i++)
		for (int k = 0; k < nagents; k++)
			if (c->agents[i] == agents[k])
				return true;
	return false;
}

bool
db_feed_busy_touches(const struct db_feed *f, const int *agents, int nagents)
{
	for (int i = 0; i < f->nbusy; i++)
		for (int k = 0; k < nagents; k++)
			if (f->busy[i] == agents[k])
				return true;
	return false;
}
