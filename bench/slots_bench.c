/* SPDX-License-Identifier: MIT */
#include "config.h"

/*
 * Timing driver for bench/slots.sh: runs searches through the data-access
 * layer and prints one line per search, so that the script can take
 * percentiles. Two modes:
 *
 *   warm  one connection per role, kept open (the UI's steady state): the
 *         search end to end (statement, rows, parse, core) with
 *         db_slots_search(), and its floor, the same statement with its rows
 *         fetched and dropped (db_slots_fetch()), on the same connection;
 *   cold  a new connection per search, as `rdv slots` has: the floor only
 *         (connect, statement, rows, disconnect); the script times the real
 *         binary for the end-to-end figure.
 *
 * Input lines: ROLE MOTIF FROM TO FIRST NOW (FIRST 0 or 1; TO "-" for the
 * default horizon; NOW YYYY-MM-DDTHH:MM). Output lines: "E2E_MS FLOOR_MS
 * SLOTS ROWS" (E2E_MS is "-" in cold mode).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/caltime.h"
#include "db/db.h"
#include "db/slots.h"

#define BENCH_MAX_ROLES 64

struct bench_conn {
	char role[64];
	struct db *db;
};

static double
bench_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static struct db *
bench_connect(const char *base, const char *role)
{
	char conninfo[512];
	snprintf(conninfo, sizeof conninfo, "%s user=%s", base, role);
	struct db_error *err = NULL;
	struct db *db = db_connect(conninfo, &err);
	if (db == NULL) {
		fprintf(stderr, "slots_bench: %s\n", err ? err->message : "connexion impossible");
		db_error_free(err);
		exit(1);
	}
	return db;
}

/* The role's open connection, opened on first use. Borrowed. */
static struct db *
bench_conn_get(struct bench_conn *v, int *n, const char *base, const char *role)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(v[i].role, role) == 0)
			return v[i].db;
	if (*n == BENCH_MAX_ROLES) {
		fprintf(stderr, "slots_bench: trop de rôles\n");
		exit(1);
	}
	snprintf(v[*n].role, sizeof v[*n].role, "%s", role);
	v[*n].db = bench_connect(base, role);
	return v[(*n)++].db;
}

static void
bench_fail(struct db_error *err)
{
	fprintf(stderr, "slots_bench: %s (%s)\n", err ? err->message : "échec",
	        err ? err->sqlstate : "");
	db_error_free(err);
	exit(1);
}

static bool
bench_parse_line(const char *line, char *role, size_t role_size, struct db_slots_request *req)
{
	char r[64], from[16], to[16], now[20];
	int motif, first;
	if (sscanf(line, "%63s %d %15s %15s %d %19s", r, &motif, from, to, &first, now) != 6)
		return false;
	memset(req, 0, sizeof *req);
	req->motif_id = motif;
	req->first = first != 0;
	req->has_now = true;
	req->side = SLOTS_SIDE_AGENT;
	if (!cal_parse_date(from, &req->from) || !cal_parse_datetime(now, &req->now))
		return false;
	if (strcmp(to, "-") == 0)
		req->to = req->from - 1;
	else if (!cal_parse_date(to, &req->to))
		return false;
	snprintf(role, role_size, "%s", r);
	return true;
}

int
main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "warm") != 0 && strcmp(argv[1], "cold") != 0)) {
		fprintf(stderr, "usage : slots_bench warm|cold CONNINFO < recherches\n");
		return 2;
	}
	bool warm = strcmp(argv[1], "warm") == 0;
	const char *base = argv[2];
	struct bench_conn conns[BENCH_MAX_ROLES];
	int nconns = 0;
	char line[256];
	while (fgets(line, sizeof line, stdin)) {
		char role[64];
		struct db_slots_request req;
		if (!bench_parse_line(line, role, sizeof role, &req)) {
			fprintf(stderr, "slots_bench: ligne invalide : %s", line);
			return 2;
		}
		struct db_error *err = NULL;
		if (!warm) {
			double t0 = bench_now_ms();
			struct db *db = bench_connect(base, role);
			long rows = db_slots_fetch(db, &req, &err);
			db_free(db);
			double t1 = bench_now_ms();
			if (rows < 0)
				bench_fail(err);
			printf("- %.3f - %ld\n", t1 - t0, rows);
			continue;
		}
		struct db *db = bench_conn_get(conns, &nconns, base, role);
		double t0 = bench_now_ms();
		long rows = db_slots_fetch(db, &req, &err);
		double t1 = bench_now_ms();
		if (rows < 0)
			bench_fail(err);
		struct db_slots_result *r = NULL;
		if (!db_slots_search(db, &req, &r, &err))
			bench_fail(err);
		double t2 = bench_now_ms();
		printf("%.3f %.3f %zu %ld\n", t2 - t1, t1 - t0, r->n, rows);
		db_slots_result_free(r);
	}
	for (int i = 0; i < nconns; i++)
		db_free(conns[i].db);
	return 0;
}
