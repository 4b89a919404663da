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
/* The socket to poll(), or -1 when down (no dead socket is ever left to poll). */
int db_fd(const struct db *db);
bool db_connected(const struct db *db);
/* The role this session authenticated as. Borrowed. */
const char *db_role(const struct db *db);
/* Statements sent on this connection so far (tests count round trips). */
unsigned long db_statement_count(const struct db *db);

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

enum db_reply_kind {
	DB_REPLY_AGENDA,  /* data: struct agenda * */
	DB_REPLY_SLOTS,   /* data: struct db_slots_result * (db/slots.h) */
	DB_REPLY_BOOKED,  /* data: int * (the new rdv id) */
	DB_REPLY_CHOICES, /* data: struct db_choices * (db/choices.h) */
	DB_REPLY_USAGERS, /* data: struct db_usager_list * (db/pick.h) */
	DB_REPLY_CREATED, /* data: int * (the new row's id) */
	DB_REPLY_RDV,     /* data: struct db_rdv * (db/rdvs.h) */
	DB_REPLY_DONE,    /* data: int * (rows affected) */
	DB_REPLY_RDV_LIST, /* data: struct db_rdv_briefs * (db/rdvs.h) */
	DB_REPLY_RDVLIST,         /* data: struct rdvlist_page * (db/rdvlist.h) */
	DB_REPLY_RDVLIST_CHOICES, /* data: struct rdvlist_choices * (db/rdvlist.h) */
	DB_REPLY_EXPORTS,         /* data: struct db_exports * (db/exports.h) */
	DB_REPLY_EXPORT_CONTENT,  /* data: struct db_export_content * (db/exports.h) */
	DB_REPLY_ACCOUNT,         /* data: struct db_account * (db/exports.h) */
	DB_REPLY_USAGER_SEARCH,     /* data: struct db_usager_hits * (db/usagers.h) */
	DB_REPLY_USAGER_RECORD,     /* data: struct db_usager_record * (db/usagers.h) */
	DB_REPLY_USAGER_DUPLICATES, /* data: struct db_usager_dups * (db/usagers.h) */
	DB_REPLY_USAGER_SAVED,      /* data: int * (the usager's id) */
	DB_REPLY_USAGER_MERGED,     /* data: struct db_usager_merged * (db/usagers.h) */
	DB_REPLY_PLAGE_OPTIONS,     /* data: struct db_plage_options * (db/plages.h) */
	DB_REPLY_PLAGE,             /* data: struct db_plage * (db/plages.h) */
	DB_REPLY_PLAGE_SAVED,       /* data: struct db_plage_saved * (db/plages.h) */
	DB_REPLY_ABSENCE,           /* data: struct db_absence * (db/plages.h) */
	DB_REPLY_ADMIN,             /* data: struct db_admin * (db/admin.h) */
	DB_REPLY_ABSENCE_CONFLICTS, /* data: struct db_absence_conflicts * (db/plages.h) */
	DB_REPLY_USAGER_MATCHES,    /* data: struct db_usager_dups * (db/usagers.h) */
	DB_REPLY_NOTIFICATIONS,     /* data: struct db_notifications * (db/notif.h) */
};

struct db_reply {
	enum db_reply_kind kind;
	unsigned long ticket;
	void *data;              /* owned by the reply until taken (set to NULL) */
	struct db_error *error;  /* NULL on success */
};

/*
 * Load the agenda of agents over [from, from + ndays) as the organisation
 * of the session sees it, with the viewer's count of past rdvs still to
 * fill in before today. One statement. Returns the ticket.
 */
unsigned long db_send_agenda(struct db *db, const struct db_session *s, const int *agent_ids,
			     int nagents, rdv_date from, int ndays, rdv_date today);

/* True while requests are queued or in flight. */
bool db_busy(const struct db *db);

/*
 * Read what the server sent, or advance a reconnection (call when poll()
 * reports the socket, or any time). Returns false when the link is DOWN
 * (lost, or the attempt failed); the queued requests are then answered with
 * an error.
 */
bool db_pump(struct db *db);

/* The next finished request, or NULL. Caller frees with db_reply_free(). */
struct db_reply *db_next_reply(struct db *db);
void db_reply_free(struct db_reply *r);

/* ------------------------------------------------------------ change feed */

/* Start listening to the change feed (rdv_changes). */
bool db_listen(struct db *db, struct db_error **err);
/* True (once) when a change notification arrived since the last call. */
bool db_take_change(struct db *db);

#endif
