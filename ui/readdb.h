/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_READDB_H
#define RDV_UI_READDB_H

/*
 * Reads on a replica (issue 13 goal 4): a second connection (config read_db,
 * --read-db) that serves the week loads, the slot and usager searches and the
 * change feed, with the agent reading his own writes. ui/app.c owns one when
 * configured and asks it where each read goes (app_read_db()).
 *
 * Read-your-writes: every request the client sends to the primary (a write,
 * or anything of a write flow) and every change notification mark the primary
 * as moved on; right after, the client asks the primary for its WAL position
 * (pg_current_wal_insert_lsn(), queued behind those requests, so at or after their
 * commits). Until the standby has replayed that position, reads go to the
 * primary; a change notification's feed read waits for it instead (the feed
 * and the loads it triggers then read the same, replayed, standby). The
 * standby's replay position is asked for every 50 ms, doubling to 1 s, while
 * it is behind, and every 5 s otherwise.
 *
 * Fallback: while the read connection is down, connecting, not yet checked,
 * connected as another role, or more than max_lag_s behind (its own measure,
 * or our write not replayed that long after), reads go to the primary; the
 * status line says so (readdb_status()). It reconnects with the primary's back-off (0.5 s doubling to 4 s).
 */

#include <stdbool.h>

struct app;
struct db;
struct db_reply;
struct readdb;

/* A second connection for reads (non-blocking: it connects from the loop). */
/* Behind by more than max_lag_s seconds (0: READDB_LAG_MAX_S), reads go to the primary. */
#define READDB_LAG_MAX_S 10
struct readdb *readdb_new(const char *conninfo, struct db *primary, int max_lag_s);
void readdb_free(struct readdb *rd);
/* The read connection itself (polled and pumped by the loop). */
struct db *readdb_db(struct readdb *rd);
/* Where a read goes now: the read connection, or the primary. */
struct db *readdb_route(struct readdb *rd);
/* A request of ticket was bound: if it went to the primary, the primary moved on. */
void readdb_sent(struct readdb *rd, unsigned long ticket);
/* A change was notified on the primary: it moved on. */
void readdb_primary_moved(struct readdb *rd);
/* Whether a change notification's feed read may go now (replayed, or the standby is not used). */
bool readdb_feed_ready(struct readdb *rd);
/* A reply owned by rd (owner == rd). */
void readdb_reply(struct readdb *rd, struct app *app, struct db_reply *r);
/* After db_pump() of the read connection: react to its link's change from before. */
void readdb_link_changed(struct readdb *rd, struct app *app, int before);
/* Timers: reconnection attempts, WAL positions, replay checks. */
void readdb_tick(struct readdb *rd, struct app *app);
/* How long the loop may sleep for rd (ms, at most max). */
int readdb_timeout(struct readdb *rd, int max);
/* The state for the status line: NULL when reads go where they should, else a short French phrase. */
const char *readdb_status(struct readdb *rd);
bool readdb_busy(struct readdb *rd);

#endif
