/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/options.h"
#include "ui/ui.h"

static int
tui_usage(FILE *out)
{
	fprintf(out, "usage : rdv [tui] [--db CONNINFO] [--pool-db CONNINFO] [--read-db CONNINFO]\n"
		     "                [--theme NOM|CHEMIN] [--org ID] [--now AAAA-MM-JJTHH:MM]\n"
		     "                [--accessible]\n");
	return out == stdout ? 0 : EXIT_BAD_INPUT;
}

int
cmd_tui(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},  {"theme", required_argument, NULL, 't'},
	    {"org", required_argument, NULL, 'o'}, {"now", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},      {"accessible", no_argument, NULL, 'A'},
	    {"pool-db", required_argument, NULL, 'p'},
	    {"read-db", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	struct ui_options uo = {0};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			uo.conninfo = optarg;
			break;
		case 'p':
			uo.pool_conninfo = optarg;
			break;
		case 'r':
			uo.read_conninfo = optarg;
			break;
		case 't':
			uo.theme = optarg;
			break;
		case 'o': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end != '\0' || v <= 0 || v > 2147483647L)
				return cli_usage_error("--org : identifiant numérique attendu, pas « %s »",
						       optarg);
			uo.organisation_id = (int)v;
			break;
		}
		case 'n':
			if (!cli_parse_now(optarg, &uo))
				return cli_usage_error("--now : AAAA-MM-JJTHH:MM attendu, pas « %s »",
						       optarg);
			break;
		case 'A':
			uo.accessible = true;
			break;
		case 'h':
			return tui_usage(stdout);
		default:
			return tui_usage(stderr);
		}
	}
	if (optind < argc)
		return cli_usage_error("argument inattendu « %s »", argv[optind]);
	if (!uo.have_now && !cli_now_from_env(&uo))
		return cli_usage_error("RDV_NOW : AAAA-MM-JJTHH:MM attendu");
	return ui_main(&uo);
}
