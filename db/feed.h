/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_FEED_H
#define RDV_DB_FEED_H

/*
 * The change feed (rdv.feed(), migration 018; rdv.feed_since() and
 * rdv.feed_busy(), migration 024): what changed since a cursor.
 */

#include <stdbool.h>

#include "core/caltime.h"
#include "db/db.h"

/* The table a change row describes. */
enum db_feed_table {
	DB_FEED_RDV,      /* rdvs or rdv_agents: an rdv (row_id is the rdv's id) */
	DB_FEED_PLAGE,    /* plages_ouverture */
	DB_FEED_ABSENCE,  /* absences */
	DB_FEED_OTHER,    /* a table this client does not know: touches everything */
};

/* One change: the agents of the row (old and new merged) and its days. */
struct db_feed_change {
	enum db_feed_table table;
	int row_id;       /* the rdv's id (DB_FEED_RDV), the plage's, the absence's */
	bool insert;      /* a new row (action INSERT) */
	int organisation_id; /* 0: unknown */
	int *agents;    /* NULL with nagents 0: no agent (on nobody's agenda) */
	int nagents;
	bool any_day;   /* no day range (or an open-ended one, see the bounds) */
	rdv_date from;  /* first day; to: last day, or INT_MAX when open-ended */
	rdv_date to;
};

struct db_feed {
	char *cursor;   /* the cursor to read from next time (opaque: cluster and snapshot) */
	bool reset;     /* the cursor was older than pruning, or from another cluster: reload everything */
	struct db_feed_change *changes;
	int nchanges;
	/* Agents of the busy watch (db_send_feed_busy) whose busy times changed
	 * in any organisation since the cursor (rdv.feed_busy). */
	int *busy;
	int nbusy;
};
void db_feed_free(struct db_feed *f);

/*
 * Read the changes since cursor (NULL: only the start cursor). The reply's
 * data is a struct db_feed. A cursor from another cluster (its system
 * identifier differs) answers reset. Returns the ticket.
 */
unsigned long db_send_feed(struct db *db, const char *cursor);

/*
 * The same, also asking which of agents (n of them, 0: none) had busy
 * times changed in any organisation on a day of [from, to] since cursor
 * (struct db_feed's busy).
 */
unsigned long db_send_feed_busy(struct db *db, const char *cursor, const int *agents, int n,
				rdv_date from, rdv_date to);

/* True when the change touches one of agents on a day of [from, to]. */
bool db_feed_change_touches(const struct db_feed_change *c, const int *agents, int nagents,
			    rdv_date from, rdv_date to);

/* True when the change's days meet [from, to] (INT_MIN / INT_MAX: unbounded). */
bool db_feed_change_days(const struct db_feed_change *c, rdv_date from, rdv_date to);

/* True when one of agents is in the feed's busy agents. */
bool db_feed_busy_touches(const struct db_feed *f, const int *agents, int nagents);

#endif
