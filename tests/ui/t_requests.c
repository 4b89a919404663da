/* SPDX-License-Identifier: MIT */
#include "config.h"

/*
 * The request API of db/db.h against a real server: a reply goes to the
 * completion its owner bound, and to nothing else; cancelling an owner drops
 * its requests (queued, in flight or answered) without calling their
 * completions, their data freed by their own free function (a leak here is
 * an LSan report in the sanitizer build). TAP on stdout.
 *
 *   t_requests CONNINFO
 */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "db/rdvlist.h"

static int ntest, nfail;

static void
ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++ntest, what);
	if (!cond)
		nfail++;
}

/* What the completions saw. */
struct owner {
	int calls;
	int with_data;
	void *last_arg;
};

static int
done(void *arg, void *loop, struct db_reply *reply)
{
	struct owner *o = loop;
	o->calls++;
	o->last_arg = arg;
	if (reply->error == NULL && reply->data != NULL)
		o->with_data++;
	return 0;
}

/* Pump until nothing is queued; then hand every reply to its completion (loop = its owner). */
static int
drain(struct db *db)
{
	while (db_busy(db)) {
		struct pollfd p = {.fd = db_fd(db), .events = db_poll_events(db)};
		if (poll(&p, 1, 10000) <= 0 || !db_pump(db))
			return -1;
	}
	int n = 0;
	struct db_reply *r;
	while ((r = db_next_reply(db)) != NULL) {
		n++;
		if (r->complete)
			r->complete(r->arg, r->owner, r);
		db_reply_free(r);
	}
	return n;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: t_requests CONNINFO\n");
		return 2;
	}
	struct db_error *err = NULL;
	struct db *db = db_connect(argv[1], &err);
	if (db == NULL) {
		printf("Bail out! %s\n", err ? err->message : "connexion");
		return 1;
	}
	struct owner a = {0}, b = {0};
	int part;

	/* A's first request goes out at once (in flight), its second waits; B's after them. */
	unsigned long a1 = db_send_rdvlist_choices(db);
	db_request_bind(db, a1, &a, done, &a);
	unsigned long a2 = db_send_rdvlist_choices(db);
	db_request_bind(db, a2, &a, done, &a);
	unsigned long b1 = db_send_rdvlist_choices(db);
	db_request_bind(db, b1, &b, done, &part);
	db_cancel_owner(db, &a);
	int n = drain(db);
	ok(n == 1, "after cancelling A, one reply is left (B's)");
	ok(a.calls == 0, "A's completions are never called (in flight and queued)");
	ok(b.calls == 1 && b.with_data == 1, "B's completion gets its reply, with data");
	ok(b.last_arg == &part, "the completion gets the arg bound with it");

	/* One request cancelled by its ticket; another of the same owner still answers. */
	b = (struct owner){0};
	unsigned long t1 = db_send_rdvlist_choices(db);
	db_request_bind(db, t1, &b, done, &b);
	unsigned long t2 = db_send_rdvlist_choices(db);
	db_request_bind(db, t2, &b, done, &b);
	db_cancel(db, t2);
	n = drain(db);
	ok(n == 1 && b.calls == 1, "db_cancel drops that request only");

	/* Answered but not yet delivered: cancelling the owner frees the waiting reply. */
	a = (struct owner){0};
	unsigned long w = db_send_rdvlist_choices(db);
	db_request_bind(db, w, &a, done, &a);
	while (db_busy(db)) {
		struct pollfd p = {.fd = db_fd(db), .events = db_poll_events(db)};
		if (poll(&p, 1, 10000) <= 0 || !db_pump(db))
			break;
	}
	db_cancel_owner(db, &a);
	n = drain(db);
	ok(n == 0 && a.calls == 0, "a finished reply of a cancelled owner is dropped before delivery");

	/* Nobody bound: the reply comes back without a completion, and is only freed. */
	unsigned long u = db_send_rdvlist_choices(db);
	(void)u;
	struct db_reply *r = NULL;
	while (db_busy(db)) {
		struct pollfd p = {.fd = db_fd(db), .events = db_poll_events(db)};
		if (poll(&p, 1, 10000) <= 0 || !db_pump(db))
			break;
	}
	r = db_next_reply(db);
	ok(r != NULL && r->complete == NULL && r->owner == NULL && r->free_data != NULL,
	   "an unbound reply has no completion and knows how to free its data");
	db_reply_free(r);

	/* Left queued at exit: db_free frees them through their free functions. */
	db_request_bind(db, db_send_rdvlist_choices(db), &b, done, &b);
	db_request_bind(db, db_send_rdvlist_choices(db), &b, done, &b);
	db_free(db);
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
