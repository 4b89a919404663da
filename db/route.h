/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_ROUTE_H
#define RDV_DB_ROUTE_H

/*
 * Reads on a replica (issue 13 goal 4): the two statements the client uses to
 * know whether a hot standby has replayed what the primary wrote. Both are
 * built-in functions every role may call; no rdv function is involved.
 */

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* A WAL position, "16/B374D848" as a number (0: none). */
uint64_t db_lsn_parse(const char *text);

/*
 * The primary's WAL insert position now (pg_current_wal_insert_lsn()).
 * Queued behind the connection's other requests, its answer is at or after
 * the commit record of every one of them, even with synchronous_commit = off.
 * Reply data: a uint64_t *.
 */
unsigned long db_send_wal_lsn(struct db *db);

/* What the read connection's server has replayed. */
struct db_replay {
	char *role;        /* session_user: must be the primary connection's */
	bool standby;      /* in recovery; false: a primary, always up to date */
	uint64_t replay;   /* pg_last_wal_replay_lsn(), 0 when none */
	double lag_s;      /* seconds behind what it received (0 when all received is replayed) */
};
void db_replay_free(struct db_replay *r);
/* One statement; reply data: a struct db_replay *. */
unsigned long db_send_replay(struct db *db);

#endif
