/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/db.h"

#include <poll.h>
#include <stdarg.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

struct db_request {
	struct db_request *next;
	bool internal; /* sent by the layer itself (LISTEN after a reconnection): no reply */
	bool cancelled; /* in flight when its owner went: read, then dropped */
	unsigned long ticket;
	void *owner;
	db_complete_fn complete;
	void *arg;
	db_free_fn free_data;
	char *sql;
	int nparams;
	char **params;
	db_parse_fn parse;
	void *ctx;
	void (*ctx_free)(void *);
	struct db_error *error; /* first error result seen */
	void *data;
};

struct db_reply_node {
	struct db_reply_node *next;
	struct db_reply *reply;
};

struct db {
	PGconn *conn;                       /* NULL while down */
	char *conninfo;
	char *role;
	enum db_link link;
	PostgresPollingStatusType polling;  /* what PQconnectPoll waits for while connecting */
	char *last_error;                   /* why the connection was lost or the last attempt failed */
	bool listening;
	bool standby;                       /* this session's server was a hot standby */
	bool changed;
	struct db_request *queue, *queue_tail; /* head is in flight when sent */
	bool in_flight;
	struct db_reply_node *replies, *replies_tail;
	struct db_pool *pool;               /* pooled mode (db_pool_switch), NULL when direct */
};

static void pool_free(struct db_pool *p);
static bool pool_held(const struct db *db);
static bool pool_after_connect(struct db *db);
static bool pool_send(struct db *db, struct db_request *r);
static bool pool_result(struct db *db, PGresult **res);
static PGresult *pool_exec(struct db *db, const char *sql, int nparams, const char *const *params,
			   struct db_error **err);
/* Tickets are unique in the process, across every connection (a read
 * connection beside the primary's: the app binds and cancels by ticket). */
static unsigned long next_ticket = 1;

/* ------------------------------------------------------------ errors */

struct db_error *
db_error_new(const char *sqlstate, const char *fmt, ...)
{
	struct db_error *e = xcalloc(1, sizeof *e);
	if (sqlstate)
		snprintf(e->sqlstate, sizeof e->sqlstate, "%s", sqlstate);
	va_list ap;
	va_start(ap, fmt);
	e->message = xvasprintf(fmt, ap);
	va_end(ap);
	/* libpq messages end with a newline; a status line has no room for it. */
	size_t n = strlen(e->message);
	while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
		e->message[--n] = '\0';
	return e;
}

void
db_error_free(struct db_error *e)
{
	if (e == NULL)
		return;
	free(e->message);
	free(e);
}

struct db_error *
db_error_from_result(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (msg == NULL && res != NULL)
		msg = PQresultErrorMessage(res);
	struct db_error *e = db_error_new(state, "%s", msg && *msg ? msg : "erreur inconnue");
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	if (constraint)
		snprintf(e->constraint, sizeof e->constraint, "%s", constraint);
	return e;
}

const char *
db_error_text(const struct db_error *e)
{
	if (e == NULL)
		return "";
	if (strcmp(e->sqlstate, "23P01") == 0)
		return "Ce créneau vient d'être pris : un autre rendez-vous occupe déjà cet horaire";
	if (strcmp(e->sqlstate, "40001") == 0 || strcmp(e->sqlstate, "40P01") == 0)
		return "Conflit avec une modification simultanée : réessayez";
	/* PostgreSQL's own refusals are English and technical; the rdv
	 * functions' are French sentences naming what is refused: show those. */
	if (strcmp(e->sqlstate, "42501") == 0 &&
	    (e->message == NULL || e->message[0] == '\0' || strncmp(e->message, "permission denied", 17) == 0 ||
	     strncmp(e->message, "new row violates", 16) == 0))
		return "Vous n'avez pas les droits pour cette opération";
	/* Set by this layer, not the server: the link is down (db_request_queue). */
	if (strcmp(e->sqlstate, "08003") == 0)
		return "hors connexion, saisie conservée";
	if (strcmp(e->sqlstate, "08006") == 0)
		return "connexion perdue pendant l'envoi, vérifiez une fois reconnecté";
	/* A hot standby (read_only_sql_transaction): see db_read_only(). */
	if (strcmp(e->sqlstate, "25006") == 0)
		return "serveur secondaire en lecture seule, saisie conservée";
	if (strcmp(e->constraint, "usagers_email_key") == 0)
		return "Cet e-mail est déjà celui d'un autre usager";
	if (strcmp(e->constraint, "usagers_email_check") == 0)
		return "E-mail invalide";
	return e->message;
}

/* ------------------------------------------------------------ connection */

/* Server notices would be printed on stderr, over the curses screen: drop them. */
static void
db_notice_ignore(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * Connection parameters: the user's conninfo (or URI, or nothing for the PG*
 * environment) is expanded from "dbname" with the keepalive defaults before
 * it, so that whatever the user set wins, and the encoding after it, so that
 * the wire is always UTF-8. Keepalives make a silently dead server (a cable
 * pulled, a virtual machine gone) show as a lost connection within about
 * half a minute instead of the kernel's two hours; tcp_user_timeout does the
 * same for a query sent into the void. Unix-domain sockets ignore both.
 */
static const char *const conn_keywords[] = {
    "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
    "dbname", "client_encoding", NULL,
};
#define CONN_DBNAME 5

static void
conn_values(const struct db *db, const char *values[])
{
	static const char *const defaults[] = {"1", "10", "5", "3", "20000"};
	for (int i = 0; i < CONN_DBNAME; i++)
		values[i] = defaults[i];
	values[CONN_DBNAME] = db->conninfo;
	values[CONN_DBNAME + 1] = "UTF8";
	values[CONN_DBNAME + 2] = NULL;
}

static void requests_fail_all(struct db *db, const char *why);

static void
db_set_last_error(struct db *db, const char *why)
{
	free(db->last_error);
	db->last_error = NULL;
	if (why == NULL)
		return;
	struct db_error *e = db_error_new(NULL, "%s", why);
	db->last_error = e->message;
	e->message = NULL;
	db_error_free(e);
}

/* Close the connection (lost, or an attempt that failed): no socket is left to poll. */
static void
db_drop(struct db *db, const char *why)
{
	requests_fail_all(db, NULL);
	if (db->conn) {
		if (why == NULL || *why == '\0')
			why = PQerrorMessage(db->conn);
		db_set_last_error(db, why);
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->link = DB_LINK_DOWN;
	db->in_flight = false;
}

static bool
db_after_connect(struct db *db, struct db_error **err)
{
	PQsetNoticeProcessor(db->conn, db_notice_ignore, NULL);
	if (strcmp(pg_encoding_to_char(PQclientEncoding(db->conn)), "UTF8") != 0 &&
	    PQsetClientEncoding(db->conn, "UTF8") != 0) {
		if (err)
			*err = db_error_new("08000", "encodage UTF8 refusé");
		return false;
	}
	free(db->role);
	PGresult *res = PQexec(db->conn, "SELECT session_user");
	db->role = xstrdup(PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "?");
	PQclear(res);
	return true;
}

struct db *
db_connect(const char *conninfo, struct db_error **err)
{
	struct db *db = xcalloc(1, sizeof *db);
	db->conninfo = xstrdup(conninfo ? conninfo : "");
	const char *values[sizeof conn_keywords / sizeof conn_keywords[0]];
	conn_values(db, values);
	db->conn = PQconnectdbParams(conn_keywords, values, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		if (err)
			*err = db_error_new("08001", "connexion impossible : %s",
					    PQerrorMessage(db->conn));
		db_free(db);
		return NULL;
	}
	db->link = DB_LINK_UP;
	if (!db_after_connect(db, err)) {
		db_free(db);
		return NULL;
	}
	return db;
}

struct db *
db_new_down(const char *conninfo)
{
	struct db *db = xcalloc(1, sizeof *db);
	db->conninfo = xstrdup(conninfo ? conninfo : "");
	db->link = DB_LINK_DOWN;
	return db;
}

static void
request_free(struct db_request *r)
{
	if (r == NULL)
		return;
	free(r->sql);
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	free(r->params);
	if (r->ctx_free)
		r->ctx_free(r->ctx);
	if (r->data && r->free_data)
		r->free_data(r->data);
	db_error_free(r->error);
	free(r);
}

void
db_reply_free(struct db_reply *r)
{
	if (r == NULL)
		return;
	if (r->data && r->free_data)
		r->free_data(r->data);
	db_error_free(r->error);
	free(r);
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	while (db->queue) {
		struct db_request *r = db->queue;
		db->queue = r->next;
		request_free(r);
	}
	while (db->replies) {
		struct db_reply_node *n = db->replies;
		db->replies = n->next;
		db_reply_free(n->reply);
		free(n);
	}
	if (db->conn)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db->role);
	free(db->last_error);
	pool_free(db->pool);
	free(db);
}

PGconn *
db_pgconn(struct db *db)
{
	return db->conn;
}

int
db_fd(const struct db *db)
{
	return db->conn ? PQsocket(db->conn) : -1;
}

bool
db_connected(const struct db *db)
{
	return db->link == DB_LINK_UP && db->conn && PQstatus(db->conn) == CONNECTION_OK;
}

enum db_link
db_link(const struct db *db)
{
	return db->link;
}

const char *
db_last_error(const struct db *db)
{
	return db->last_error ? db->last_error : "";
}

const char *
db_role(const struct db *db)
{
	return db->role ? db->role : "";
}

bool
db_reconnecting(const struct db *db)
{
	return db->link == DB_LINK_CONNECTING;
}

bool
db_reconnect_start(struct db *db)
{
	if (db->link == DB_LINK_CONNECTING)
		return true;
	db_drop(db, NULL);
	const char *values[sizeof conn_keywords / sizeof conn_keywords[0]];
	conn_values(db, values);
	db->conn = PQconnectStartParams(conn_keywords, values, 1);
	if (db->conn == NULL) {
		db_set_last_error(db, "mémoire insuffisante");
		return false;
	}
	PQsetNoticeProcessor(db->conn, db_notice_ignore, NULL);
	if (PQstatus(db->conn) == CONNECTION_BAD || PQsocket(db->conn) < 0) {
		/* Refused at once (no such socket, bad conninfo): nothing to wait for. */
		db_drop(db, NULL);
		return false;
	}
	/* libpq's documented first step: wait until the socket is writable. */
	db->polling = PGRES_POLLING_WRITING;
	db->link = DB_LINK_CONNECTING;
	return true;
}

void
db_reconnect_abort(struct db *db, const char *why)
{
	if (db->link == DB_LINK_CONNECTING)
		db_drop(db, why);
}

short
db_poll_events(const struct db *db)
{
	switch (db->link) {
	case DB_LINK_CONNECTING:
		return db->polling == PGRES_POLLING_READING ? POLLIN : POLLOUT;
	case DB_LINK_UP:
		return POLLIN;
	default:
		return 0;
	}
}

int
db_connect_timeout_ms(const struct db *db)
{
	int seconds = 10;
	if (db->conn) {
		PQconninfoOption *opts = PQconninfo(db->conn);
		for (PQconninfoOption *o = opts; o && o->keyword; o++)
			if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && atoi(o->val) > 0)
				seconds = atoi(o->val) < 2 ? 2 : atoi(o->val);
		PQconninfoFree(opts);
	}
	return seconds * 1000;
}

const char *
db_server(const struct db *db)
{
	return db->conn ? PQhost(db->conn) : NULL;
}

/* ------------------------------------------------------------ blocking helpers */

PGresult *
db_exec(struct db *db, const char *sql, int nparams, const char *const *params,
	struct db_error **err)
{
	if (!db_connected(db)) {
		if (err)
			*err = db_error_new("08003", "hors connexion");
		return NULL;
	}
	if (db->pool)
		return pool_exec(db, sql, nparams, params, err);
	PGresult *res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		if (err)
			*err = db_error_from_result(res);
		PQclear(res);
		return NULL;
	}
	return res;
}

bool
db_exec_simple(struct db *db, const char *sql, struct db_error **err)
{
	/* Simple protocol: sql may hold several statements (a migration file). */
	if (!db_connected(db)) {
		if (err)
			*err = db_error_new("08003", "hors connexion");
		return false;
	}
	if (db->pool) {
		/* One statement, in the token's transaction (no multi-statement text pooled). */
		PGresult *pres = pool_exec(db, sql, 0, NULL, err);
		PQclear(pres);
		return pres != NULL;
	}
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	bool ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY;
	if (!ok && err)
		*err = db_error_from_result(res);
	PQclear(res);
	return ok;
}

/* ------------------------------------------------------------ asynchronous requests */

static void
reply_push(struct db *db, struct db_reply *reply)
{
	struct db_reply_node *n = xcalloc(1, sizeof *n);
	n->reply = reply;
	if (db->replies_tail)
		db->replies_tail->next = n;
	else
		db->replies = n;
	db->replies_tail = n;
}

/* Finish the head request: move its outcome to the reply list. */
static void
request_finish(struct db *db, struct db_error *error)
{
	struct db_request *r = db->queue;
	db->queue = r->next;
	if (db->queue == NULL)
		db->queue_tail = NULL;
	db->in_flight = false;
	if (r->internal || r->cancelled) {
		db_error_free(error);
		request_free(r);
		return;
	}
	struct db_reply *reply = xcalloc(1, sizeof *reply);
	reply->ticket = r->ticket;
	reply->owner = r->owner;
	reply->complete = r->complete;
	reply->arg = r->arg;
	reply->free_data = r->free_data;
	if (error == NULL) {
		error = r->error;
		r->error = NULL;
	}
	if (error) {
		reply->error = error;
	} else {
		reply->data = r->data;
		r->data = NULL;
	}
	request_free(r);
	reply_push(db, reply);
}

/*
 * Answer every queued request with an error. The one in flight may or may
 * not have reached the server: its error says so; the others were never sent.
 */
static void
requests_fail_all(struct db *db, const char *why)
{
	if (db->queue && db->in_flight)
		request_finish(db, db_error_new("08006", "connexion perdue pendant l'envoi%s%s",
						why ? " : " : "", why ? why : ""));
	while (db->queue)
		request_finish(db, db_error_new("08003", "hors connexion"));
}

/* The connection broke under us: answer everything, close, poll nothing more. */
static void
db_lost(struct db *db)
{
	const char *why = db->conn ? PQerrorMessage(db->conn) : NULL;
	char *copy = xstrdup(why && *why ? why : "connexion perdue");
	requests_fail_all(db, NULL);
	db_drop(db, copy);
	free(copy);
}

static void
request_send_next(struct db *db)
{
	if (db->in_flight || db->queue == NULL || !db_connected(db))
		return;
	if (db->pool && pool_held(db))
		return;
	struct db_request *r = db->queue;
	if (db->pool ? !pool_send(db, r)
		     : !PQsendQueryParams(db->conn, r->sql, r->nparams, NULL,
					  (const char *const *)r->params, NULL, NULL, 0)) {
		if (PQstatus(db->conn) != CONNECTION_OK) {
			db_lost(db);
			return;
		}
		request_finish(db, db_error_new("08006", "envoi impossible : %s",
						PQerrorMessage(db->conn)));
		return;
	}
	db->in_flight = true;
}

static struct db_request *
request_new(struct db *db, db_free_fn free_data, const char *sql, int nparams,
	    const char *const *params, db_parse_fn parse, void *ctx, void (*ctx_free)(void *))
{
	(void)db; /* tickets are the process's (next_ticket) */
	struct db_request *r = xcalloc(1, sizeof *r);
	r->free_data = free_data;
	r->ticket = next_ticket++;
	r->sql = xstrdup(sql);
	r->nparams = nparams;
	r->params = xcalloc((size_t)nparams + 1, sizeof *r->params);
	for (int i = 0; i < nparams; i++)
		r->params[i] = params[i] ? xstrdup(params[i]) : NULL;
	r->parse = parse;
	r->ctx = ctx;
	r->ctx_free = ctx_free;
	return r;
}

static void
request_append(struct db *db, struct db_request *r)
{
	if (db->queue_tail)
		db->queue_tail->next = r;
	else
		db->queue = r;
	db->queue_tail = r;
}

/*
 * While the connection is down a request is answered at once with an error
 * ("hors connexion"): a save is never kept aside to be replayed behind the
 * agent's back minutes later; the screen keeps what was typed and the agent
 * saves again once connected.
 */
unsigned long
db_request_queue(struct db *db, db_free_fn free_data, const char *sql, int nparams,
		 const char *const *params, db_parse_fn parse, void *ctx, void (*ctx_free)(void *))
{
	struct db_request *r = request_new(db, free_data, sql, nparams, params, parse, ctx, ctx_free);
	unsigned long ticket = r->ticket;
	request_append(db, r);
	if (!db_connected(db)) {
		/* The queue is empty while down (everything was answered), so r is its head. */
		request_finish(db, db_error_new("08003", "hors connexion"));
		return ticket;
	}
	request_send_next(db);
	return ticket;
}

void
db_request_bind(struct db *db, unsigned long ticket, void *owner, db_complete_fn complete,
		void *arg)
{
	for (struct db_request *r = db->queue; r; r = r->next)
		if (r->ticket == ticket && !r->internal && !r->cancelled) {
			r->owner = owner;
			r->complete = complete;
			r->arg = arg;
			return;
		}
	/* Answered already (the link is down): the reply waits to be delivered. */
	for (struct db_reply_node *n = db->replies; n; n = n->next)
		if (n->reply->ticket == ticket) {
			n->reply->owner = owner;
			n->reply->complete = complete;
			n->reply->arg = arg;
			return;
		}
}

/* Drop the requests and replies that match: owner (any ticket), or one ticket. */
static void
requests_cancel(struct db *db, const void *owner, unsigned long ticket)
{
	struct db_request **rp = &db->queue, *prev = NULL;
	while (*rp) {
		struct db_request *r = *rp;
		bool match = !r->internal && (owner ? r->owner == owner : r->ticket == ticket);
		if (!match) {
			prev = r;
			rp = &r->next;
		} else if (r == db->queue && db->in_flight) {
			/* Its result is on the wire: read it, then drop it (request_finish). */
			r->cancelled = true;
			r->owner = NULL;
			r->complete = NULL;
			prev = r;
			rp = &r->next;
		} else {
			*rp = r->next;
			if (db->queue_tail == r)
				db->queue_tail = prev;
			request_free(r);
		}
	}
	struct db_reply_node **np = &db->replies, *nprev = NULL;
	while (*np) {
		struct db_reply_node *n = *np;
		if (owner ? n->reply->owner == owner : n->reply->ticket == ticket) {
			*np = n->next;
			if (db->replies_tail == n)
				db->replies_tail = nprev;
			db_reply_free(n->reply);
			free(n);
		} else {
			nprev = n;
			np = &n->next;
		}
	}
}

void
db_cancel_owner(struct db *db, const void *owner)
{
	if (owner)
		requests_cancel(db, owner, 0);
}

void
db_cancel(struct db *db, unsigned long ticket)
{
	if (ticket)
		requests_cancel(db, NULL, ticket);
}

bool
db_has_request(const struct db *db, unsigned long ticket)
{
	for (const struct db_request *r = db->queue; r; r = r->next)
		if (r->ticket == ticket && !r->internal)
			return true;
	for (const struct db_reply_node *n = db->replies; n; n = n->next)
		if (n->reply->ticket == ticket)
			return true;
	return false;
}

bool
db_busy(const struct db *db)
{
	return db->queue != NULL;
}

static bool
db_pump_connecting(struct db *db)
{
	db->polling = PQconnectPoll(db->conn);
	switch (db->polling) {
	case PGRES_POLLING_OK:
		db->link = DB_LINK_UP;
		db_set_last_error(db, NULL);
		if (db->pool && !pool_after_connect(db)) {
			db_drop(db, NULL);
			return false;
		}
		db->standby = db_read_only(db);
		if (db->listening && !db_read_only(db)) {
			/* Notifications are per session: listen again, ahead of any reload. */
			struct db_request *r = request_new(db, NULL, "LISTEN rdv_changes", 0, NULL,
							   NULL, NULL, NULL);
			r->internal = true;
			request_append(db, r);
			request_send_next(db);
		}
		return db->link == DB_LINK_UP;
	case PGRES_POLLING_FAILED:
		db_drop(db, NULL);
		return false;
	default:
		if (PQsocket(db->conn) < 0) {
			db_drop(db, NULL);
			return false;
		}
		return true;
	}
}

bool
db_pump(struct db *db)
{
	if (db->conn == NULL || db->link == DB_LINK_DOWN)
		return false;
	if (db->link == DB_LINK_CONNECTING)
		return db_pump_connecting(db);
	if (PQstatus(db->conn) != CONNECTION_OK || PQsocket(db->conn) < 0 || !PQconsumeInput(db->conn)) {
		db_lost(db);
		return false;
	}
	PGnotify *n;
	while ((n = PQnotifies(db->conn)) != NULL) {
		db->changed = true;
		PQfreemem(n);
	}
	while (db->in_flight && !PQisBusy(db->conn)) {
		PGresult *res = PQgetResult(db->conn);
		if (db->pool && pool_result(db, &res))
			continue; /* the token's part of the pipeline, not the request's */
		if (res == NULL) {
			request_finish(db, NULL);
			request_send_next(db);
			if (db->link != DB_LINK_UP)
				return false;
			continue;
		}
		struct db_request *r = db->queue;
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			if (r->error == NULL && r->data == NULL && r->parse)
				r->data = r->parse(res, r->ctx, &r->error);
		} else if (r->error == NULL) {
			r->error = db_error_from_result(res);
		}
		PQclear(res);
	}
	/* The standby was promoted under this session (the server reports
	 * in_hot_standby off with a reply): listen from now on, and read the
	 * feed once for what changed since the last poll. */
	if (db->standby && !db_read_only(db) && PQstatus(db->conn) == CONNECTION_OK) {
		db->standby = false;
		db->changed = true;
		if (db->listening) {
			struct db_request *r = request_new(db, NULL, "LISTEN rdv_changes", 0, NULL,
							   NULL, NULL, NULL);
			r->internal = true;
			request_append(db, r);
			request_send_next(db);
		}
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_lost(db);
		return false;
	}
	return true;
}

struct db_reply *
db_next_reply(struct db *db)
{
	struct db_reply_node *n = db->replies;
	if (n == NULL)
		return NULL;
	db->replies = n->next;
	if (db->replies == NULL)
		db->replies_tail = NULL;
	struct db_reply *r = n->reply;
	free(n);
	return r;
}

/* ------------------------------------------------------------ change feed */

bool
db_read_only(const struct db *db)
{
	/* Reported by the server (14+) at connection and on promotion. */
	const char *s = db->conn ? PQparameterStatus(db->conn, "in_hot_standby") : NULL;
	return s != NULL && strcmp(s, "on") == 0;
}

bool
db_listen(struct db *db, struct db_error **err)
{
	/* Through a transaction pooler a LISTEN would stay on one server connection
	 * that other clients share: the client polls the feed instead (db_polls_feed). */
	if (db->pool)
		return true;
	db->listening = true;
	/* A hot standby cannot LISTEN ("during recovery"): read-only, no live
	 * refresh until it is promoted (db_pump). */
	db->standby = db_read_only(db);
	if (db->standby)
		return true;
	return db_exec_simple(db, "LISTEN rdv_changes", err);
}

bool
db_take_change(struct db *db)
{
	bool c = db->changed;
	db->changed = false;
	return c;
}

bool
db_polls_feed(const struct db *db)
{
	return db->pool != NULL || db_read_only(db);
}

/* ------------------------------------------------------------ pooled mode */

/*
 * Through a transaction-mode pooler (pgbouncer) the server connection is
 * rdv_pool's and changes hands between transactions. Every request is one
 * pipeline: SELECT rdv.session_resume(token), the request's statement, Sync.
 * The statements before a Sync form one implicit transaction, so the token
 * holds for exactly that statement (migration 018: it is transaction-local
 * and bound to the transaction's start). session_resume's result is read
 * and dropped here; the request sees only its own.
 */
enum pool_stage { POOL_IDLE, POOL_RESUME, POOL_STATEMENT };

struct db_pool {
	char *token;        /* the session token: memory only, never printed nor passed on */
	char *direct;       /* the agent's own conninfo: renewals, a child process */
	int ttl_s;          /* the token's life asked for */
	time_t renew_at;    /* wall clock: renew from then on (half the token's life) */
	time_t retry_at;    /* wall clock: no new try before (the last one failed) */
	bool refused;       /* the server refused the token (expired, revoked): renew now */
	enum pool_stage stage;
};

/* Between two tries to renew a token when the agent's own connection fails. */
#define POOL_RETRY_S 30

static void
pool_token_forget(struct db_pool *p)
{
	if (p->token) {
		explicit_bzero(p->token, strlen(p->token));
		free(p->token);
		p->token = NULL;
	}
}

static void
pool_free(struct db_pool *p)
{
	if (p == NULL)
		return;
	pool_token_forget(p);
	free(p->direct);
	free(p);
}

/* A fresh token on the agent's own connection (rdv.session_token_issue). Caller frees. */
static char *
pool_token_issue(PGconn *conn, int ttl_s, struct db_error **err)
{
	char ttl[16];
	snprintf(ttl, sizeof ttl, "%d", ttl_s);
	const char *params[] = {ttl};
	PGresult *res = PQexecParams(conn, "SELECT rdv.session_token_issue(make_interval(secs => $1::int))",
				     1, NULL, params, NULL, NULL, 0);
	char *token = NULL;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		token = xstrdup(PQgetvalue(res, 0, 0));
		/* The result's copy is freed by PQclear: wipe it first. */
		char *v = PQgetvalue(res, 0, 0);
		explicit_bzero(v, strlen(v));
	} else if (err) {
		*err = db_error_from_result(res);
	}
	PQclear(res);
	return token;
}

/* A refused token: the queue waits for the new one (db_pool_renew), unless a try just failed. */
static bool
pool_held(const struct db *db)
{
	return db->pool->refused && time(NULL) >= db->pool->retry_at;
}

/* Every (re)connection to the pooler: requests go out as pipelines. */
static bool
pool_after_connect(struct db *db)
{
	db->pool->stage = POOL_IDLE;
	return PQenterPipelineMode(db->conn) == 1;
}

static bool
pool_send(struct db *db, struct db_request *r)
{
	const char *token[] = {db->pool->token};
	if (!PQsendQueryParams(db->conn, "SELECT rdv.session_resume($1)", 1, NULL, token, NULL, NULL, 0))
		return false;
	if (!PQsendQueryParams(db->conn, r->sql, r->nparams, NULL, (const char *const *)r->params, NULL,
			       NULL, 0) &&
	    r->error == NULL)
		/* Refused before sending (libpq): the Sync still closes the transaction. */
		r->error = db_error_new("08006", "envoi impossible : %s", PQerrorMessage(db->conn));
	if (!PQpipelineSync(db->conn))
		return false;
	db->pool->stage = POOL_RESUME;
	return true;
}

/*
 * One result of a pooled request's pipeline. True when it is the wrapper's
 * (session_resume's result, the end of a statement, an aborted statement):
 * consumed. False when it is the request's own result, or, with *res set to
 * NULL, when the Sync came back: the request is finished.
 */
static bool
pool_result(struct db *db, PGresult **res)
{
	struct db_pool *p = db->pool;
	PGresult *r = *res;
	if (r == NULL) {
		/* The end of one statement's results. */
		if (p->stage == POOL_RESUME)
			p->stage = POOL_STATEMENT;
		return true;
	}
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_PIPELINE_SYNC) {
		PQclear(r);
		*res = NULL;
		p->stage = POOL_IDLE;
		return false;
	}
	if (p->stage == POOL_RESUME || st == PGRES_PIPELINE_ABORTED) {
		struct db_request *q = db->queue;
		if (p->stage == POOL_RESUME && st != PGRES_TUPLES_OK) {
			struct db_error *e = db_error_from_result(r);
			if (strcmp(e->sqlstate, "28000") == 0)
				p->refused = true;
			if (q && q->error == NULL)
				q->error = e;
			else
				db_error_free(e);
		}
		PQclear(r);
		return true;
	}
	return false;
}

/* The blocking db_exec() through the pooler: the same pipeline, waited for. */
static PGresult *
pool_exec(struct db *db, const char *sql, int nparams, const char *const *params,
	  struct db_error **err)
{
	struct db_error *e = NULL;
	PGresult *out = NULL;
	const char *token[] = {db->pool->token};
	if (db->in_flight) {
		e = db_error_new("55000", "requête en cours");
	} else if (!PQsendQueryParams(db->conn, "SELECT rdv.session_resume($1)", 1, NULL, token, NULL,
				      NULL, 0) ||
		   !PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0) ||
		   !PQpipelineSync(db->conn)) {
		e = db_error_new("08006", "envoi impossible : %s", PQerrorMessage(db->conn));
	} else {
		int ends = 0; /* statements whose results are over */
		for (;;) {
			PGresult *r = PQgetResult(db->conn);
			if (r == NULL) {
				if (++ends > 2 || PQstatus(db->conn) != CONNECTION_OK) {
					if (e == NULL)
						e = db_error_new("08006", "connexion perdue : %s",
								 PQerrorMessage(db->conn));
					break;
				}
				continue;
			}
			ExecStatusType st = PQresultStatus(r);
			if (st == PGRES_PIPELINE_SYNC) {
				PQclear(r);
				break;
			}
			if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_ABORTED) {
				if (e == NULL)
					e = db_error_from_result(r);
				if (ends == 0 && strcmp(e->sqlstate, "28000") == 0)
					db->pool->refused = true;
			} else if (ends == 1 && st != PGRES_PIPELINE_ABORTED) {
				PQclear(out);
				out = r;
				continue;
			}
			PQclear(r);
		}
	}
	if (e) {
		PQclear(out);
		if (err)
			*err = e;
		else
			db_error_free(e);
		return NULL;
	}
	return out;
}

/* A short blocking connection as the agent itself (5 s unless the conninfo says). */
static PGconn *
pool_direct_connect(const char *conninfo, struct db_error **err)
{
	static const char *const keywords[] = {"connect_timeout", "dbname", "client_encoding", NULL};
	const char *values[] = {"5", conninfo, "UTF8", NULL};
	PGconn *conn = PQconnectdbParams(keywords, values, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		if (err)
			*err = db_error_new("08001", "connexion impossible : %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, db_notice_ignore, NULL);
	return conn;
}

bool
db_pool_switch(struct db *db, const char *pool_conninfo, int ttl_s, struct db_error **err)
{
	if (!db_connected(db) || db->pool || db->in_flight) {
		if (err)
			*err = db_error_new("08003", "hors connexion");
		return false;
	}
	char *token = pool_token_issue(db->conn, ttl_s, err);
	if (token == NULL)
		return false;
	struct db_pool *p = xcalloc(1, sizeof *p);
	p->token = token;
	p->direct = db->conninfo;
	p->ttl_s = ttl_s;
	p->renew_at = time(NULL) + ttl_s / 2;
	db->pool = p;
	db->conninfo = xstrdup(pool_conninfo ? pool_conninfo : "");
	/* The agent's own connection is done with: from now on, only the pooler. */
	PQfinish(db->conn);
	const char *values[sizeof conn_keywords / sizeof conn_keywords[0]];
	conn_values(db, values);
	db->conn = PQconnectdbParams(conn_keywords, values, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		if (err)
			*err = db_error_new("08001", "connexion au pooler impossible : %s",
					    PQerrorMessage(db->conn));
		db_drop(db, NULL);
		return false;
	}
	if (!db_after_connect(db, err) || !pool_after_connect(db)) {
		if (err && *err == NULL)
			*err = db_error_new("08001", "mode pipeline refusé : %s", PQerrorMessage(db->conn));
		db_drop(db, NULL);
		return false;
	}
	db->link = DB_LINK_UP;
	return true;
}

bool
db_pooled(const struct db *db)
{
	return db->pool != NULL;
}

const char *
db_pool_direct_conninfo(const struct db *db)
{
	return db->pool ? db->pool->direct : NULL;
}

bool
db_pool_renew_due(const struct db *db)
{
	const struct db_pool *p = db->pool;
	if (p == NULL || time(NULL) < p->retry_at)
		return false;
	/* Refused: once the request that saw it is answered (its error comes before the news). */
	return p->refused ? !db->in_flight : time(NULL) >= p->renew_at;
}

bool
db_pool_refused(const struct db *db)
{
	return db->pool && db->pool->refused;
}

bool
db_pool_renew(struct db *db, struct db_error **err)
{
	struct db_pool *p = db->pool;
	if (p == NULL)
		return true;
	PGconn *conn = pool_direct_connect(p->direct, err);
	char *token = conn ? pool_token_issue(conn, p->ttl_s, err) : NULL;
	PQfinish(conn);
	if (token == NULL) {
		/* The queue goes on meanwhile: with a refused token its requests fail, and say so. */
		p->retry_at = time(NULL) + POOL_RETRY_S;
		request_send_next(db);
		return false;
	}
	/* A request in flight keeps the old token, which is still valid until it expires. */
	pool_token_forget(p);
	p->token = token;
	p->refused = false;
	p->retry_at = 0;
	p->renew_at = time(NULL) + p->ttl_s / 2;
	request_send_next(db);
	return true;
}
