/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/caltime.h"
#include "core/scenario.h"
#include "core/slots.h"
#include "core/xmalloc.h"

/*
 * `rdv slots`: the scheduling core from the command line. Both forms build
 * the same struct slots_data and struct slots_query and go through
 * slots_run(), so the scenario and the database give the same output for
 * the same data.
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
	fputs(text, stdout);
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

/*
 * Fill the search's data and query from the database as the connected
 * agent (row-level security applies): plages of the motif, absences and
 * non-cancelled rdvs of their agents (converted to the territory's local
 * time), the organisation's holiday options. The data-access layer's
 * loader goes here; until it exists the database form says so.
 */
static bool
slots_load_db(const struct slots_db_args *a, struct slots_data **data, struct slots_query *q,
              char **err)
{
	(void)a;
	(void)q;
	*data = NULL;
	*err = xstrdup("la recherche en base n'est pas encore disponible "
	               "(utiliser --scenario FICHIER)");
	return false;
}

static int
slots_run_db(struct slots_db_args *a, bool first, bool json)
{
	if (!a->has_now) {
		/* The CLI, not the core, reads the clock. */
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		a->now = cal_time(cal_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday),
		                  tm.tm_hour * 60 + tm.tm_min);
	}
	if (!a->has_from)
		a->from = cal_time_date(a->now);
	if (a->has_to && a->to < a->from)
		return cli_usage_error("--to : la date est avant --from");
	struct slots_query q;
	slots_query_init(&q, a->now, a->from);
	q.side = a->side;
	q.motif.id = a->motif_id;
	q.to = a->to;
	q.has_to = a->has_to;
	q.has_lieu = a->has_lieu;
	q.lieu_id = a->lieu_id;
	q.filter_agents = a->n_agents > 0;
	q.agent_ids = a->agent_ids;
	q.n_agent_ids = a->n_agents;
	struct slots_data *data = NULL;
	char *err = NULL;
	if (!slots_load_db(a, &data, &q, &err)) {
		cli_usage_error("slots --motif : %s", err);
		free(err);
		slots_data_free(data);
		return EXIT_BAD_INPUT;
	}
	int rc = slots_run(data, &q, first, json, "base");
	slots_data_free(data);
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
