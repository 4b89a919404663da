/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_FEED_H
#define RDV_DB_FEED_H

/* The change feed (rdv.feed(), migration 018): what changed since a cursor. */

#include <stdbool.h>

#include "core/caltime.h"
#include "db/db.h"

/* One change: the agents of the row (old and new merged) and its days. */
struct db_feed_change {
	int *agents;    /* NULL with nagents 0: no agent (on nobody's agenda) */
	int nagents;
	bool any_day;   /* no day range (or an open-ended one, see the bounds) */
	rdv_date from;  /* first day; to: last day, or INT_MAX when open-ended */
	rdv_date to;
};

struct db_feed {
	char *cursor;   /* the cursor to read from next time */
	bool reset;     /* the cursor was older than pruning: reload everything */
	struct db_feed_change *changes;
	int nchanges;
};
void db_feed_free(struct db_feed *f);

/*
 * Read the changes since cursor (NULL: only the start cursor). The reply's
 * data is a struct db_feed. Returns the ticket.
 */
unsigned long db_send_feed(struct db *db, const char *cursor);

/* True when the change touches one of agents on a day of [from, to]. */
bool db_feed_change_touches(const struct db_feed_change *c, const int *agents, int nagents,
			    rdv_date from, rdv_date to);

#endif
