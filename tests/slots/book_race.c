/* SPDX-License-Identifier: MIT */
#include "config.h"

/*
 * N desks book the same slot at the same moment: N processes, each on its
 * own connection, wait at a barrier and then call the booking together
 * (half through db_rdv_book(), half through db_send_rdv_save() and the reply
 * loop). Each prints one line: "ok ID" or "err SQLSTATE TEXT" where TEXT is
 * db_error_text(). The test script counts them.
 *
 *   book_race N CONNINFO MOTIF LIEU YYYY-MM-DDTHH:MM DURATION AGENT USAGER
 */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/caltime.h"
#include "db/db.h"
#include "db/rdvs.h"
#include "db/slots.h"

static struct db *
race_connect(const char *conninfo)
{
	struct db_error *err = NULL;
	struct db *db = db_connect(conninfo, &err);
	if (db == NULL) {
		printf("err connect %s\n", err ? err->message : "?");
		db_error_free(err);
		exit(1);
	}
	return db;
}

/* The asynchronous form: send, then pump until the reply comes. */
static int
race_book_async(struct db *db, const struct db_rdv_save *b, struct db_error **err)
{
	unsigned long ticket = db_send_rdv_save(db, NULL, b);
	for (;;) {
		struct db_reply *r;
		while ((r = db_next_reply(db)) != NULL) {
			int id = 0;
			if (r->ticket == ticket) {
				if (r->error) {
					*err = r->error;
					r->error = NULL;
				} else {
					id = *(int *)r->data;
				}
				/* Taken here: the reply owns it until then. */
				free(r->data);
				r->data = NULL;
				db_reply_free(r);
				return id;
			}
			db_reply_free(r);
		}
		struct pollfd p = {.fd = db_fd(db), .events = db_poll_events(db)};
		if (poll(&p, 1, 10000) <= 0 || !db_pump(db)) {
			*err = db_error_new("08006", "pas de réponse");
			return 0;
		}
	}
}

static void
race_child(int k, const char *conninfo, const struct db_rdv_save *b, int ready_fd, int go_fd)
{
	struct db *db = race_connect(conninfo);
	char c = 'r';
	if (write(ready_fd, &c, 1) != 1)
		exit(1);
	/* The barrier: every child blocks here until the parent closes go. */
	if (read(go_fd, &c, 1) < 0)
		exit(1);
	struct db_error *err = NULL;
	int id = k % 2 ? race_book_async(db, b, &err) : db_rdv_book(db, b, &err);
	if (id > 0)
		printf("ok %d\n", id);
	else
		printf("err %s %s\n", err ? err->sqlstate : "?", db_error_text(err));
	fflush(stdout);
	db_error_free(err);
	db_free(db);
	exit(0);
}

int
main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr,
		        "usage : book_race N CONNINFO MOTIF LIEU DEBUT DUREE AGENT USAGER\n");
		return 2;
	}
	int n = atoi(argv[1]);
	int agent = atoi(argv[7]), usager = atoi(argv[8]);
	struct db_rdv_save b = {
	    .motif_id = atoi(argv[3]),
	    .lieu_id = atoi(argv[4]),
	    .duration_min = atoi(argv[6]),
	    .agent_ids = &agent,
	    .nagents = 1,
	    .usager_ids = &usager,
	    .nusagers = 1,
	};
	if (n < 1 || !cal_parse_datetime(argv[5], &b.starts_at)) {
		fprintf(stderr, "book_race : arguments invalides\n");
		return 2;
	}
	int ready[2], go[2];
	if (pipe(ready) != 0 || pipe(go) != 0)
		return 1;
	fflush(stdout);
	for (int k = 0; k < n; k++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(ready[0]);
			close(go[1]);
			race_child(k, argv[2], &b, ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	/* Every desk connected and waiting: let them all go at once. */
	for (int k = 0; k < n; k++) {
		char c;
		if (read(ready[0], &c, 1) != 1)
			break;
	}
	close(go[1]);
	int failed = 0;
	for (int k = 0; k < n; k++) {
		int status;
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	return failed ? 1 : 0;
}
