/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"
#include "core/text.h"
#include "core/xmalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/caltime.h"
#include "db/db.h"

static int
db_usage(FILE *out)
{
	fprintf(out, "usage : rdv db migrate [--db CONNINFO]\n"
		     "        rdv db status [--db CONNINFO]\n"
		     "        rdv db seed demo|scale [--today AAAA-MM-JJ] [--scale F] [--db CONNINFO]\n");
	return out == stdout ? 0 : EXIT_BAD_INPUT;
}

/* Today's local date as text (the seed's reference day). */
static void
today_text(char buf[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

int
cmd_db(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"today", required_argument, NULL, 't'},
	    {"scale", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *conninfo = NULL;
	char today[11];
	double scale = 1.0;
	today_text(today);
	if (argc < 2)
		return db_usage(stderr);
	const char *action = argv[1];
	if (strcmp(action, "--help") == 0 || strcmp(action, "-h") == 0)
		return db_usage(stdout);
	optind = 1;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			conninfo = optarg;
			break;
		case 't': {
			rdv_date d;
			if (!cal_parse_date(optarg, &d))
				return cli_usage_error("--today : date AAAA-MM-JJ attendue, pas « %s »",
						       optarg);
			snprintf(today, sizeof today, "%s", optarg);
			break;
		}
		case 's': {
			char *end;
			scale = strtod(optarg, &end);
			if (*end != '\0' || !(scale > 0 && scale <= 10))
				return cli_usage_error("--scale : nombre entre 0 et 10 attendu, pas « %s »",
						       optarg);
			break;
		}
		case 'h':
			return db_usage(stdout);
		default:
			return db_usage(stderr);
		}
	}
	const char *seed_name = NULL;
	if (strcmp(action, "seed") == 0) {
		if (optind + 1 >= argc)
			return cli_usage_error("seed : nom du jeu de données attendu (demo ou scale)");
		seed_name = argv[optind + 1];
		bool known = false;
		for (const char *const *n = db_seed_names(); *n; n++)
			if (strncmp(*n, seed_name, strlen(seed_name)) == 0 &&
			    strcmp(*n + strlen(seed_name), ".sql") == 0)
				known = true;
		if (!known)
			return cli_usage_error("seed : jeu de données inconnu « %s » (demo ou scale)",
					       seed_name);
	} else if (strcmp(action, "migrate") != 0 && strcmp(action, "status") != 0) {
		return cli_usage_error("db : action inconnue « %s » (migrate, status ou seed)", action);
	}

	struct db_error *err = NULL;
	struct db *db = db_connect(conninfo, &err);
	if (db == NULL) {
		text_fprintf(stderr, "rdv: %s\n", err->message);
		db_error_free(err);
		return 1;
	}
	bool ok;
	int pending = 0;
	if (strcmp(action, "migrate") == 0)
		ok = db_migrate(db, stdout, &err);
	else if (strcmp(action, "status") == 0)
		ok = db_migrations_status(db, stdout, &pending, &err);
	else
		ok = db_seed(db, seed_name, today, scale, &err);
	if (!ok) {
		fprintf(stderr, "rdv: %s\n", err ? err->message : "échec");
		db_error_free(err);
	} else if (seed_name) {
		printf("données « %s » chargées (jour de référence %s)\n", seed_name, today);
	}
	db_free(db);
	return ok ? 0 : 1;
}
