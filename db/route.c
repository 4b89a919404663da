/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/route.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/xmalloc.h"
#include "db/internal.h"

uint64_t
db_lsn_parse(const char *text)
{
	unsigned int hi, lo;
	if (text == NULL || sscanf(text, "%X/%X", &hi, &lo) != 2)
		return 0;
	return ((uint64_t)hi << 32) | lo;
}

static void *
lsn_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) != 1) {
		*err = db_error_new(NULL, "position WAL illisible");
		return NULL;
	}
	uint64_t *lsn = xmalloc(sizeof *lsn);
	*lsn = db_lsn_parse(PQgetvalue(res, 0, 0));
	return lsn;
}

unsigned long
db_send_wal_lsn(struct db *db)
{
	/*
	 * The insert position, not pg_current_wal_lsn() (the write position):
	 * with synchronous_commit = off a commit returns before its record is
	 * written, and the write position can still be before it.
	 */
	return db_request_queue(db, free, "SELECT pg_catalog.pg_current_wal_insert_lsn()", 0, NULL,
				lsn_parse, NULL, NULL);
}

void
db_replay_free(struct db_replay *r)
{
	if (r == NULL)
		return;
	free(r->role);
	free(r);
}

/*
 * The lag is the usual one: nothing when everything received is replayed
 * (an idle primary writes nothing), else the age of the last transaction
 * replayed. A standby cut from its primary receives nothing and shows no
 * lag here: the client sees that only through its own writes (ui/readdb.c).
 */
static const char replay_sql[] =
    "SELECT session_user, pg_catalog.pg_is_in_recovery(), pg_catalog.pg_last_wal_replay_lsn(),"
    "       CASE WHEN pg_catalog.pg_last_wal_receive_lsn() IS DISTINCT FROM"
    "                 pg_catalog.pg_last_wal_replay_lsn()"
    "            THEN coalesce(extract(epoch FROM pg_catalog.now()"
    "                                  - pg_catalog.pg_last_xact_replay_timestamp()), 0)"
    "            ELSE 0 END";

static void *
replay_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) != 1) {
		*err = db_error_new(NULL, "état du secondaire illisible");
		return NULL;
	}
	struct db_replay *r = xcalloc(1, sizeof *r);
	r->role = xstrdup(PQgetvalue(res, 0, 0));
	r->standby = PQgetvalue(res, 0, 1)[0] == 't';
	r->replay = PQgetisnull(res, 0, 2) ? 0 : db_lsn_parse(PQgetvalue(res, 0, 2));
	r->lag_s = atof(PQgetvalue(res, 0, 3));
	return r;
}

unsigned long
db_send_replay(struct db *db)
{
	return db_request_queue(db, (db_free_fn)db_replay_free, replay_sql, 0, NULL, replay_parse, NULL,
				NULL);
}
