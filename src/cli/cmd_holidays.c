/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/holidays.h"
#include "core/xmalloc.h"

static int
holidays_usage(FILE *out)
{
	fprintf(out, "usage : rdv holidays --year AAAA [--zone ZONE] [--json]\n");
	return out == stdout ? 0 : EXIT_BAD_INPUT;
}

/* "metropole, alsace-moselle, …" for error messages. Caller frees. */
static char *
holidays_zone_list(void)
{
	char *list = xstrdup("");
	for (int i = 0; i < holiday_zone_count(); i++) {
		char *t = xasprintf("%s%s%s", list, i ? ", " : "", holiday_zone_id(i));
		free(list);
		list = t;
	}
	return list;
}

/* Names are static French text, but write them as JSON strings all the same. */
static void
holidays_put_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

int
cmd_holidays(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"year", required_argument, NULL, 'y'},
	    {"zone", required_argument, NULL, 'z'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *year_arg = NULL, *zone_arg = "metropole";
	bool json = false;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			year_arg = optarg;
			break;
		case 'z':
			zone_arg = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return holidays_usage(stdout);
		case ':':
			return cli_usage_error("holidays : l'option %s demande une valeur",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(
			    "holidays : option inconnue « %s » (rdv holidays --help)",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("holidays : argument inattendu « %s »", argv[optind]);
	if (year_arg == NULL)
		return cli_usage_error("holidays : --year AAAA attendu (%d à %d)",
		                       HOLIDAYS_YEAR_MIN, HOLIDAYS_YEAR_MAX);
	char *end;
	errno = 0;
	long year = strtol(year_arg, &end, 10);
	if (*year_arg == '\0' || *end != '\0' || errno != 0 || year < HOLIDAYS_YEAR_MIN ||
	    year > HOLIDAYS_YEAR_MAX)
		return cli_usage_error("--year : année de %d à %d attendue, pas « %s »",
		                       HOLIDAYS_YEAR_MIN, HOLIDAYS_YEAR_MAX, year_arg);
	int zone = holiday_zone_find(zone_arg);
	if (zone < 0) {
		char *list = holidays_zone_list();
		cli_usage_error("--zone : zone « %s » inconnue (%s)", zone_arg, list);
		free(list);
		return EXIT_BAD_INPUT;
	}
	struct holiday h[HOLIDAYS_MAX_PER_YEAR];
	size_t n = holidays_of_year(zone, (int)year, h);
	char date[11];
	if (json) {
		printf("{\"zone\": ");
		holidays_put_json_string(holiday_zone_id(zone));
		printf(", \"year\": %ld, \"holidays\": [", year);
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"date\": \"%s\", \"name\": ", i ? ", " : "",
			       cal_format_date(h[i].date, date));
			holidays_put_json_string(h[i].name);
			putchar('}');
		}
		printf("]}\n");
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s\t%s\n", cal_format_date(h[i].date, date), h[i].name);
	}
	return 0;
}
