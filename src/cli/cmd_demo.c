/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cluster.h"
#include "cli/options.h"
#include "core/xmalloc.h"
#include "db/db.h"
#include "ui/ui.h"

#define DEMO_DEFAULT_LOGIN "julien"

static int
demo_usage(FILE *out)
{
	fprintf(out, "usage : rdv demo [--as IDENTIFIANT] [--reset] [--theme NOM] [--now AAAA-MM-JJTHH:MM]\n"
		     "                [--accessible]\n"
		     "        rdv demo --serve [--reset]   (démarre sans le client, affiche la connexion)\n"
		     "        rdv demo --stop\n"
		     "identifiants : camille (admin), sophie (secrétariat), julien, nadia, lea,\n"
		     "               claire (admin CCAS), thomas\n");
	return out == stdout ? 0 : EXIT_BAD_INPUT;
}

/* A login becomes part of a conninfo string: keep it to plain characters. */
static bool
login_valid(const char *s)
{
	if (*s == '\0' || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '.' || *s == '-'))
			return false;
	return true;
}

/* Create the database, apply migrations, load the demo data. */
static bool
demo_populate(struct cluster *c, const char *today, char **errmsg)
{
	struct db_error *err = NULL;
	char *admin = cluster_conninfo(c, "postgres", "postgres");
	struct db *db = db_connect(admin, &err);
	free(admin);
	if (db == NULL || !db_create_database(db, "rdv", &err))
		goto fail;
	db_free(db);
	char *ci = cluster_conninfo(c, "rdv", "postgres");
	db = db_connect(ci, &err);
	free(ci);
	if (db == NULL || !db_migrate(db, NULL, &err) || !db_seed(db, "demo", today, 1.0, &err))
		goto fail;
	db_free(db);
	return true;
fail:
	*errmsg = xstrdup(err ? err->message : "échec");
	db_error_free(err);
	db_free(db);
	return false;
}

/* Bring a reused cluster's schema up to this program's migrations. */
static bool
demo_migrate(struct cluster *c, char **errmsg)
{
	struct db_error *err = NULL;
	char *ci = cluster_conninfo(c, "rdv", "postgres");
	struct db *db = db_connect(ci, &err);
	free(ci);
	bool ok = db != NULL && db_migrate(db, NULL, &err);
	if (!ok) {
		*errmsg = xstrdup(err ? err->message : "échec");
		db_error_free(err);
	}
	db_free(db);
	return ok;
}

int
cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"as", required_argument, NULL, 'a'},  {"reset", no_argument, NULL, 'r'},
	    {"serve", no_argument, NULL, 's'},     {"stop", no_argument, NULL, 'S'},
	    {"theme", required_argument, NULL, 't'}, {"now", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},      {"accessible", no_argument, NULL, 'A'},
	    {NULL, 0, NULL, 0},
	};
	const char *login = DEMO_DEFAULT_LOGIN;
	bool reset = false, serve = false, stop = false;
	struct ui_options uo = {0};
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			login = optarg;
			break;
		case 'r':
			reset = true;
			break;
		case 's':
			serve = true;
			break;
		case 'S':
			stop = true;
			break;
		case 't':
			uo.theme = optarg;
			break;
		case 'n':
			if (!cli_parse_now(optarg, &uo))
				return cli_usage_error("--now : AAAA-MM-JJTHH:MM attendu, pas « %s »",
						       optarg);
			break;
		case 'A':
			uo.accessible = true;
			break;
		case 'h':
			return demo_usage(stdout);
		default:
			return demo_usage(stderr);
		}
	}
	if (optind < argc)
		return cli_usage_error("demo : argument inattendu « %s »", argv[optind]);
	if (!login_valid(login))
		return cli_usage_error("--as : identifiant invalide « %s »", login);
	if (!uo.have_now && !cli_now_from_env(&uo))
		return cli_usage_error("RDV_NOW : AAAA-MM-JJTHH:MM attendu");

	char *dir = cluster_default_dir();
	struct cluster *c = cluster_new(dir);
	free(dir);
	char *errmsg = NULL;
	int rc = 0;
	bool started_here = false;

	if (stop) {
		if (cluster_exists(c) && cluster_running(c))
			cluster_stop(c);
		printf("démonstration arrêtée\n");
		cluster_free(c);
		return 0;
	}
	if (!cluster_prepare_dir(c, &errmsg)) {
		fprintf(stderr, "rdv: %s\n", errmsg);
		free(errmsg);
		cluster_free(c);
		return EXIT_BAD_INPUT;
	}
	if (reset && !cluster_destroy(c, &errmsg))
		goto fail;
	if (!cluster_exists(c)) {
		char today[11];
		cli_today_text(&uo, today);
		if (!serve)
			fprintf(stderr, "rdv: création de la base de démonstration dans %s…\n", c->dir);
		if (!cluster_init(c, &errmsg) || !cluster_start(c, &errmsg))
			goto fail;
		started_here = true;
		if (!demo_populate(c, today, &errmsg))
			goto fail;
	} else if (!cluster_running(c)) {
		if (!cluster_start(c, &errmsg))
			goto fail;
		started_here = true;
	}
	if (!demo_migrate(c, &errmsg))
		goto fail;

	if (serve) {
		char *ci = cluster_conninfo(c, "rdv", NULL);
		printf("%s\n", ci);
		free(ci);
		cluster_free(c);
		return 0;
	}
	char *ci = cluster_conninfo(c, "rdv", login);
	uo.conninfo = ci;
	rc = ui_main(&uo);
	free(ci);
	/* Leave no server behind that this run started. */
	if (started_here)
		cluster_stop(c);
	cluster_free(c);
	return rc;
fail:
	fprintf(stderr, "rdv: %s\n", errmsg ? errmsg : "échec");
	free(errmsg);
	if (started_here)
		cluster_stop(c);
	cluster_free(c);
	return 1;
}
