/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/scenario.h"
#include "core/slots.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "db/db.h"
#include "db/slots.h"

/*
 * `rdv slots`: the scheduling core from the command line. The scenario form
 * parses a file into struct slots_data and struct slots_query and runs
 * slots_run(); the database form has db/slots.c fill the same structs from
 * the schema and run the same core functions. Both print through the same
 * writers (core/scenario.h), so they give the same bytes for the same data.
 */

#define SLOTS_MAX_AGENT_ARGS 64

/* The database form's arguments, checked before anything is opened. */
struct slots_db_args {
	const char *conninfo;
	int64_t motif_id;
	bool has_lieu;
	int64_t lieu_id;
	int64_t agent_ids[SLOTS_MAX_AGENT_ARGS];
	size_t n_agents;
	bool has_from, has_to, has_now;
	rdv_date from, to;
	rdv_time now;
	enum slots_side side;
};

static int
slots_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage : rdv slots --scenario FICHIER.json [--first] [--json]\n"
	    "        rdv slots --motif ID [--lieu ID] [--agent ID]... [--from AAAA-MM-JJ]\n"
	    "                  [--to AAAA-MM-JJ] [--side agent|usager] [--now AAAA-MM-JJTHH:MM]\n"
	    "                  [--first] [--json] [--db CONNINFO]\n");
	return out == stdout ? 0 : EXIT_BAD_INPUT;
}

/* Read a whole file into a new string (caller frees); NULL with errno set. */
static char *
slots_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t n = 0, cap = 4096;
	char *s = xmalloc(cap);
	size_t got;
	while ((got = fread(s + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			s = xrealloc(s, cap);
		}
	}
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		free(s);
		errno = EIO;
		return NULL;
	}
	s[n] = '\0';
	if (strlen(s) != n) {
		free(s);
		errno = EINVAL;
		return NULL;
	}
	return s;
}

/* Search and print; the one place both forms meet. */
static int
slots_run(const struct slots_data *d, const struct slots_query *q, bool first, bool json,
          const char *where)
{
	char *err = NULL, *text;
	if (first) {
		struct slot s;
		bool found;
		if (!slots_first(d, q, &s, &found, &err))
			goto fail;
		if (json)
			text = scenario_format_first_json(found ? &s : NULL);
		else
			text = scenario_format_slots_text(&s, found ? 1 : 0);
	} else {
		struct slot *v;
		size_t n;
		if (!slots_search(d, q, &v, &n, &err))
			goto fail;
		text = json ? scenario_format_slots_json(v, n) : scenario_format_slots_text(v, n);
		free(v);
	}
	text_fputs(text, stdout);
	free(text);
	return 0;
fail:
	cli_usage_error("%s: %s", where, err);
	free(err);
	return EXIT_BAD_INPUT;
}

static int
slots_run_scenario(const char *path, bool first, bool json)
{
	char *text = slots_read_file(path);
	if (text == NULL)
		return cli_usage_error("%s: lecture impossible : %s", path,
		                       errno == EINVAL ? "octet nul dans le fichier"
		                                       : strerror(errno));
	char *err = NULL;
	struct scenario *sc = scenario_parse(text, &err);
	free(text);
	if (sc == NULL) {
		cli_usage_error("%s: %s", path, err);
		free(err);
		return EXIT_BAD_INPUT;
	}
	int rc = slots_run(sc->data, &sc->query, first, json, path);
	scenario_free(sc);
	return rc;
}

/* Print a search's slots with the scenario form's writers. */
static void
slots_print(const struct slot *v, size_t n, bool first, bool json)
{
	char *text;
	if (first && json)
		text = scenario_format_first_json(n ? &v[0] : NULL);
	else if (json)
		text = scenario_format_slots_json(v, n);
	else
		text = scenario_format_slots_text(v, first && n > 1 ? 1 : n);
	text_fputs(text, stdout);
	free(text);
}

/*
 * The database form: the data-access layer loads the search's data as the
 * connected agent (row-level security applies; busy times count in every
 * organisation) and runs the same core, so the output is the scenario
 * form's for the same data. "now" defaults to the database's clock in the
 * motif's territory, and "from" to its date. An unknown motif is bad input
 * (exit 2); a database that cannot answer is a failure (exit 1).
 */
static int
slots_run_db(struct slots_db_args *a, bool first, bool json)
{
	if (a->has_from && a->has_to && a->to < a->from)
		return cli_usage_error("--to : la date est avant --from");
	if (a->motif_id > INT_MAX || a->lieu_id > INT_MAX)
		return cli_usage_error("--%s : identifiant trop grand",
		                       a->motif_id > INT_MAX ? "motif" : "lieu");
	int agents[SLOTS_MAX_AGENT_ARGS];
	for (size_t i = 0; i < a->n_agents; i++) {
		if (a->agent_ids[i] > INT_MAX)
			return cli_usage_error("--agent : identifiant trop grand");
		agents[i] = (int)a->agent_ids[i];
	}
	struct db_error *err = NULL;
	struct db *db = db_connect(a->conninfo, &err);
	if (db == NULL) {
		fprintf(stderr, "rdv: %s\n", err ? err->message : "connexion impossible");
		db_error_free(err);
		return 1;
	}
	int rc = 0;
	struct db_slots_result *r = NULL;
	if (!a->has_now && !db_slots_now(db, (int)a->motif_id, &a->now, &err))
		goto fail;
	if (!a->has_from)
		a->from = cal_time_date(a->now);
	if (a->has_to && a->to < a->from) {
		rc = cli_usage_error("--to : la date est avant --from");
		goto out;
	}
	struct db_slots_request req = {
	    .motif_id = (int)a->motif_id,
	    .lieu_id = a->has_lieu ? (int)a->lieu_id : 0,
	    .agent_ids = a->n_agents ? agents : NULL,
	    .nagents = (int)a->n_agents,
	    .from = a->from,
	    .to = a->has_to ? a->to : a->from - 1, /* before from: the default horizon */
	    .first = first,
	    .has_now = true,
	    .now = a->now,
	    .side = a->side,
	};
	if (!db_slots_search(db, &req, &r, &err))
		goto fail;
	slots_print(r->slots, r->n, first, json);
	goto out;
fail:
	if (err && strcmp(err->sqlstate, "P0002") == 0) {
		rc = cli_usage_error("--motif : %s", err->message);
	} else {
		fprintf(stderr, "rdv: %s\n", err ? err->message : "échec de la recherche");
		rc = 1;
	}
out:
	db_error_free(err);
	db_slots_result_free(r);
	db_free(db);
	return rc;
}

static bool
slots_parse_id(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v <= 0)
		return false;
	*out = v;
	return true;
}

int
cmd_slots(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"scenario", required_argument, NULL, 's'},
	    {"first", no_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {"motif", required_argument, NULL, 'm'},
	    {"lieu", required_argument, NULL, 'l'},
	    {"agent", required_argument, NULL, 'a'},
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    {"side", required_argument, NULL, 'S'},
	    {"now", required_argument, NULL, 'n'},
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *scenario = NULL;
	bool first = false, json = false, db_form = false;
	struct slots_db_args a = {.side = SLOTS_SIDE_AGENT};
	int c;
	optind = 1;
	opterr = 0; /* one line of our own, not getopt's */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			scenario = optarg;
			break;
		case 'f':
			first = true;
			break;
		case 'j':
			json = true;
			break;
		case 'm':
			db_form = true;
			if (!slots_parse_id(optarg, &a.motif_id))
				return cli_usage_error("--motif : identifiant attendu, pas « %s »",
				                       optarg);
			break;
		case 'l':
			db_form = true;
			if (!slots_parse_id(optarg, &a.lieu_id))
				return cli_usage_error("--lieu : identifiant attendu, pas « %s »",
				                       optarg);
			a.has_lieu = true;
			break;
		case 'a':
			db_form = true;
			if (a.n_agents == SLOTS_MAX_AGENT_ARGS)
				return cli_usage_error("--agent : %d au plus",
				                       SLOTS_MAX_AGENT_ARGS);
			if (!slots_parse_id(optarg, &a.agent_ids[a.n_agents]))
				return cli_usage_error("--agent : identifiant attendu, pas « %s »",
				                       optarg);
			a.n_agents++;
			break;
		case 'F':
		case 'T':
			db_form = true;
			if (!cal_parse_date(optarg, c == 'F' ? &a.from : &a.to))
				return cli_usage_error(
				    "--%s : date AAAA-MM-JJ attendue, pas « %s »",
				    c == 'F' ? "from" : "to", optarg);
			*(c == 'F' ? &a.has_from : &a.has_to) = true;
			break;
		case 'S':
			db_form = true;
			if (strcmp(optarg, "agent") == 0)
				a.side = SLOTS_SIDE_AGENT;
			else if (strcmp(optarg, "usager") == 0)
				a.side = SLOTS_SIDE_USAGER;
			else
				return cli_usage_error("--side : agent ou usager, pas « %s »",
				                       optarg);
			break;
		case 'n':
			db_form = true;
			if (!cal_parse_datetime(optarg, &a.now))
				return cli_usage_error(
				    "--now : AAAA-MM-JJTHH:MM attendu, pas « %s »", optarg);
			a.has_now = true;
			break;
		case 'd':
			db_form = true;
			a.conninfo = optarg;
			break;
		case 'h':
			return slots_usage(stdout);
		case ':':
			return cli_usage_error("slots : l'option %s demande une valeur",
			                       argv[optind - 1]);
		default:
			return cli_usage_error("slots : option inconnue « %s » (rdv slots --help)",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("slots : argument inattendu « %s »", argv[optind]);
	if (scenario && db_form)
		return cli_usage_error(
		    "slots : --scenario ne se combine pas avec les options de la "
		    "base (--motif, --lieu, --agent, --from, --to, --side, --now, "
		    "--db)");
	if (scenario)
		return slots_run_scenario(scenario, first, json);
	if (a.motif_id == 0)
		return cli_usage_error("slots : --scenario FICHIER ou --motif ID attendu");
	return slots_run_db(&a, first, json);
}
