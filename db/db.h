/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_DB_H
#define RDV_DB_DB_H

/*
 * The data-access layer: the only code that speaks SQL. It returns core
 * structs and never a PGresult; every statement is parameterised. Calls the
 * UI makes while running are asynchronous: db_send_*() queues a request and
 * returns a ticket, db_pump() reads the socket when poll() says so, and
 * db_next_reply() hands back finished requests.
 */

#include <stdbool.h>
#include <stdio.h>

#include "core/agenda.h"
#include "core/caltime.h"

struct db;

/* An error: the SQLSTATE (empty when not from the server) and a message. */
struct db_error {
	char sqlstate[6];
	char constraint[64]; /* the violated constraint's name, or "" */
	char *message;
};

void db_error_free(struct db_error *e);
/* A new error; message printf-style. Caller frees. */
struct db_error *db_error_new(const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Short French explanation of an error for the status line. Borrowed. */
const char *db_error_text(const struct db_error *e);

/* ------------------------------------------------------------ connection */

/*
 * Connect with a libpq conninfo string or URI (NULL or "" = the PG*
 * environment, pg_service.conf, .pgpass). Blocking. NULL on failure with
 * *err set. Caller frees with db_free().
 */
struct db *db_connect(const char *conninfo, struct db_error **err);
void db_free(struct db *db);
/* A handle that is not connected yet (DB_LINK_DOWN): db_reconnect_start() connects it. */
struct db *db_new_down(const char *conninfo);
/* The socket to poll(), or -1 when down (no dead socket is ever left to poll). */
int db_fd(const struct db *db);
bool db_connected(const struct db *db);
/* The role this session authenticated as. Borrowed. */
const char *db_role(const struct db *db);

/*
 * The state of the link to the server. UP: requests go out. CONNECTING: a
 * non-blocking attempt is under way (poll db_fd() for db_poll_events(), then
 * db_pump()). DOWN: no connection and no socket; every request is answered at
 * once with an error of SQLSTATE 08003 ("hors connexion"). A lost connection
 * answers the request in flight with 08006 (it may or may not have been
 * applied) and goes DOWN; the caller decides when to try again.
 */
enum db_link { DB_LINK_UP, DB_LINK_CONNECTING, DB_LINK_DOWN };
enum db_link db_link(const struct db *db);
/* Why the connection was lost or the last attempt failed ("" if unknown). Borrowed. */
const char *db_last_error(const struct db *db);

/*
 * Start reconnecting without blocking (PQconnectStart; a multi-host conninfo
 * and target_session_attrs are honoured). Returns false when the attempt
 * failed at once (the link stays DOWN; try again later). The change feed is
 * listened to again as soon as the link is UP.
 */
bool db_reconnect_start(struct db *db);
/* Give up the attempt under way (it took too long); the link goes DOWN. */
void db_reconnect_abort(struct db *db, const char *why);
/* True while a reconnection is in progress. */
bool db_reconnecting(const struct db *db);
/* poll() events db_pump() waits for: POLLIN when up, what libpq asks while connecting, 0 when down. */
short db_poll_events(const struct db *db);
/* How long one attempt may take: the conninfo's connect_timeout (at least 2 s), else 10 s. */
int db_connect_timeout_ms(const struct db *db);
/* The host being tried or used (changes as a multi-host attempt moves on), or NULL. Borrowed. */
const char *db_server(const struct db *db);

/* ------------------------------------------------------------ schema and data */

/* CREATE DATABASE name (the demo's first run). */
bool db_create_database(struct db *db, const char *name, struct db_error **err);
/* Apply pending migrations, each in one transaction; progress on log. */
bool db_migrate(struct db *db, FILE *log, struct db_error **err);
/* Print applied and pending migrations. */
bool db_migrations_status(struct db *db, FILE *out, int *pending, struct db_error **err);
/* Run seed/<name>.sql in one transaction with rdv.seed_today and rdv.seed_scale set. */
bool db_seed(struct db *db, const char *name, const char *today, double scale,
	     struct db_error **err);
/* Names of the embedded seeds, NULL-terminated. Borrowed. */
const char *const *db_seed_names(void);

/* ------------------------------------------------------------ session */

/* Who is logged in, and the organisation being viewed. */
struct db_session {
	int agent_id;
	char *first_name, *last_name;
	int organisation_id;
	char *organisation_name;
	char *access_level;   /* "admin", "basic" */
	bool secretariat;
	char *time_zone;      /* IANA */
	int holiday_zone;     /* holidays.h index */
	bool open_on_whit_monday, open_on_holidays;
	bool display_saturdays, display_cancelled_rdv;
	char *theme;          /* the agent's saved theme, or NULL */
};

/*
 * Load the session of the connected role; organisation_id 0 picks the first
 * organisation (by name). Blocking (start-up only). Caller frees.
 */
struct db_session *db_session_load(struct db *db, int organisation_id, struct db_error **err);
void db_session_free(struct db_session *s);

/* ------------------------------------------------------------ asynchronous requests */

/*
 * Every request carries what happens when it finishes, as tmux's
 * job_run(…, complete_cb, free_cb, data): the function that frees its
 * reply's data (set by the db_send_*() that parsed it), and, once the caller
 * bound it with db_request_bind(), its owner and its completion. The layer
 * never interprets data: no central list of reply kinds exists.
 */
typedef void (*db_free_fn)(void *);
struct db_reply;
/*
 * Called once with a finished request by whoever delivers replies (the
 * event loop passes itself as loop); arg is the one given at binding.
 * Take data by setting reply->data to NULL; what is left is freed after.
 * Returns what the caller asks of the loop (screen results, ui/screen.h).
 */
typedef int (*db_complete_fn)(void *arg, void *loop, struct db_reply *reply);

struct db_reply {
	unsigned long ticket;
	void *data;              /* owned by the reply until taken (set to NULL) */
	struct db_error *error;  /* NULL on success */
	void *owner;             /* who waits for it (db_request_bind), NULL: nobody */
	db_complete_fn complete; /* NULL: the reply is only freed */
	void *arg;               /* complete's first argument (the owner, or a part of it) */
	db_free_fn free_data;    /* frees data; set by the request's sender */
};

/*
 * Give the request of ticket its owner, its completion and the completion's
 * arg (call right after the db_send_*() that returned the ticket, even if
 * the link is down: the reply waits in the queue until delivered). Unknown
 * tickets are ignored.
 */
void db_request_bind(struct db *db, unsigned long ticket, void *owner, db_complete_fn complete,
		     void *arg);
/*
 * Cancel every request of owner: those not yet sent are dropped, the one in
 * flight is read and its result discarded, finished ones are freed. Their
 * data goes through their free function; their completion is never called.
 */
void db_cancel_owner(struct db *db, const void *owner);
/* Cancel one request (a search superseded by the next keystroke). */
void db_cancel(struct db *db, unsigned long ticket);

/*
 * Load the agenda of agents over [from, from + ndays) as the organisation
 * of the session sees it, with the viewer's count of past rdvs still to
 * fill in before today. One statement. Returns the ticket.
 */
unsigned long db_send_agenda(struct db *db, const struct db_session *s, const int *agent_ids,
			     int nagents, rdv_date from, int ndays, rdv_date today);

/* Whether the request of ticket is queued here or its reply waits here
 * (tickets are unique across every connection of the process). */
bool db_has_request(const struct db *db, unsigned long ticket);

/* True while requests are queued or in flight. */
bool db_busy(const struct db *db);

/*
 * Read what the server sent, or advance a reconnection (call when poll()
 * reports the socket, or any time). Returns false when the link is DOWN
 * (lost, or the attempt failed); the queued requests are then answered with
 * an error.
 */
bool db_pump(struct db *db);

/*
 * The next finished request, or NULL. Caller calls its completion (if any)
 * and frees it with db_reply_free(), which frees what data is left.
 */
struct db_reply *db_next_reply(struct db *db);
void db_reply_free(struct db_reply *r);

/* ------------------------------------------------------------ change feed */

/* Start listening to the change feed (rdv_changes); on a hot standby, where
 * LISTEN is refused, it does nothing and succeeds. */
bool db_listen(struct db *db, struct db_error **err);
/* True (once) when a change notification arrived since the last call. */
bool db_take_change(struct db *db);
/* True when connected to a hot standby (pg_is_in_recovery()): reads only,
 * writes fail with SQLSTATE 25006. */
bool db_read_only(const struct db *db);
/* True when no LISTEN wakes the client (a hot standby, the pooled mode): poll the feed. */
bool db_polls_feed(const struct db *db);

/* ------------------------------------------------------------ pooled mode */

/*
 * Switch a direct connection to a transaction pooler (pgbouncer, role
 * rdv_pool). On the agent's own connection, take a session token
 * (rdv.session_token_issue, ttl_s seconds, 60..86400), keep it in memory
 * only, close that connection and connect to pool_conninfo. From then on
 * every statement (requests and db_exec) runs in one transaction with
 * SELECT rdv.session_resume(token), and reconnections go to the pooler with
 * the same token. Blocking (start-up). On failure the link is DOWN.
 */
bool db_pool_switch(struct db *db, const char *pool_conninfo, int ttl_s, struct db_error **err);
/* True in pooled mode. */
bool db_pooled(const struct db *db);
/* The agent's own conninfo in pooled mode (what a child process connects with), else NULL. Borrowed. */
const char *db_pool_direct_conninfo(const struct db *db);
/*
 * True when the token should be renewed: half its life is gone, or the
 * server refused it (then once the request that saw it is answered; the
 * queue waits for the new token). Never within 30 s of a failed try.
 */
bool db_pool_renew_due(const struct db *db);
/* True when the server refused the token (28000: expired or revoked) since the last renewal. */
bool db_pool_refused(const struct db *db);
/*
 * Renew the token on a short blocking connection as the agent itself
 * (connect_timeout 5 s unless the conninfo sets one). On failure the next
 * try is due 30 s later; the old token serves until it expires, and the
 * queue is sent meanwhile (a refused token's requests fail, and say so).
 */
bool db_pool_renew(struct db *db, struct db_error **err);

#endif
