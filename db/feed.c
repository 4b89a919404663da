/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/feed.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

static const char feed_sql[] =
    "SELECT cursor, reset, id IS NOT NULL, array_to_string(agent_ids, ','), day_from, day_to"
    "  FROM rdv.feed($1)";

void
db_feed_free(struct db_feed *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->nchanges; i++)
		free(f->changes[i].agents);
	free(f->changes);
	free(f->cursor);
	free(f);
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
			f->cursor = xstrdup(PQgetvalue(res, i, 0));
			f->reset = strcmp(PQgetvalue(res, i, 1), "t") == 0;
		}
		if (strcmp(PQgetvalue(res, i, 2), "t") != 0)
			continue; /* the first row: only the cursor */
		struct db_feed_change *c = &f->changes[f->nchanges++];
		if (!PQgetisnull(res, i, 3) && PQgetvalue(res, i, 3)[0])
			c->agents = db_ids_parse(PQgetvalue(res, i, 3), &c->nagents);
		c->from = INT_MIN;
		c->to = INT_MAX;
		bool have_from = !PQgetisnull(res, i, 4) && cal_parse_date(PQgetvalue(res, i, 4), &c->from);
		if (!PQgetisnull(res, i, 5))
			cal_parse_date(PQgetvalue(res, i, 5), &c->to);
		c->any_day = !have_from;
	}
	if (f->cursor == NULL)
		f->reset = true; /* no row at all: cannot happen, reload to be safe */
	return f;
}

unsigned long
db_send_feed(struct db *db, const char *cursor)
{
	const char *params[] = {cursor};
	return db_request_queue(db, (db_free_fn)db_feed_free, feed_sql, 1, params, feed_parse, NULL,
				NULL);
}

bool
db_feed_change_touches(const struct db_feed_change *c, const int *agents, int nagents, rdv_date from,
		       rdv_date to)
{
	if (!c->any_day && (c->to < from || c->from > to))
		return false;
	/* No agent (an rdv row written before its rdv_agents rows): on nobody's
	 * agenda, as rdv.feed_touches() has it. */
	for (int i = 0; i < c->nagents; i++)
		for (int k = 0; k < nagents; k++)
			if (c->agents[i] == agents[k])
				return true;
	return false;
}
